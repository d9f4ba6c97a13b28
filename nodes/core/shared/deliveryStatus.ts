/**
 * The delivery-status contract between the WhatsApp channel (which reads statuses from Meta's webhooks)
 * and the store (which records them). Pure types.
 */

/** A delivery status from the trigger (`event: 'status'` items). */
export interface DeliveryStatusUpdate {
	wamid: string;
	status: string;
	errorCode?: number | null;
}

/** What one batch of statuses did. */
export interface StatusRecordOutcome {
	received: number;
	/** Moved a broadcast delivery forward. */
	broadcast: number;
	/** Moved the reply of a case forward. */
	cases: number;
	/** Known message, status not newer than what is recorded (a late `sent` after `read`, a repeat). */
	unchanged: number;
	/** No broadcast delivery and no case reply has that wamid: counted, then dropped. */
	unknown: number;
}
