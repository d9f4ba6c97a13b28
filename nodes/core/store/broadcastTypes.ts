/** Types of the broadcast ledger (`broadcast`, `broadcast_delivery`), which the engine reads too. Pure types. */

/** A recipient's row in `broadcast_delivery`. */
export type DeliveryState =
	/** claimed: the request is (or was, before a crash) in flight */
	| 'sending'
	/** a request failed in a way worth retrying; nobody was messaged */
	| 'retry'
	| 'sent'
	| 'delivered'
	| 'read'
	| 'failed'
	/** left the list (or the service) before being reached: not messaged */
	| 'unsubscribed'
	/** in flight during two crashes: may have been messaged twice, never sent a third time */
	| 'uncertain';

export const DELIVERY_STATES: readonly DeliveryState[] = [
	'sending',
	'retry',
	'sent',
	'delivered',
	'read',
	'failed',
	'unsubscribed',
	'uncertain',
];

/** States after which a recipient is never sent the broadcast again. */
export const FINAL_DELIVERY_STATES: readonly DeliveryState[] = [
	'sent',
	'delivered',
	'read',
	'failed',
	'unsubscribed',
	'uncertain',
];

/** States that mean "the message was accepted by WhatsApp". */
export const REACHED_DELIVERY_STATES: readonly DeliveryState[] = ['sent', 'delivered', 'read'];

export type BroadcastState = 'running' | 'completed' | 'aborted';

export interface BroadcastRecord {
	id: string;
	list: string;
	messageHash: string;
	/** what was sent (template name and parameters, or the text), for the report */
	message: Record<string, unknown>;
	state: BroadcastState;
	abortReason: string | null;
	/** how many times it was started (1 = never resumed) */
	runs: number;
	createdAt: string;
	startedAt: string;
	heartbeatAt: string;
	finishedAt: string | null;
	/** When a delivery status of one of its messages last arrived (recorded by the trigger); null: none yet. */
	lastStatusAt: string | null;
}

/** A subscriber the broadcast may message. */
export interface Candidate {
	key: string;
	waId: string | null;
	userId: string | null;
}

/** What a request came to, written to the ledger in the next step. */
export type DeliveryOutcome =
	| { key: string; state: 'sent'; wamid: string; attempts: number }
	| { key: string; state: 'retry'; errorCode: number | null; attempts: number }
	| { key: string; state: 'failed'; errorCode: number | null; attempts: number };

/** Counts of one broadcast by delivery state, and failures by error code. */
export interface BroadcastCounts {
	byState: Record<DeliveryState, number>;
	failedByCode: Record<string, number>;
}
