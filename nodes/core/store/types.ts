/**
 * The subscription store's contract: one interface, a SQLite and a PostgreSQL adapter.
 * Pure types.
 */

export type SubscriptionState = 'pending' | 'active' | 'cancelled';

/** How the workflow names a citizen: `waId` when present, else `userId`. */
export interface CitizenIdentity {
	waId?: string;
	userId?: string;
	name?: string;
}

export interface SqliteStoreConfig {
	backend: 'sqlite';
	/** Absolute path of the database file. */
	path: string;
}

export interface PostgresStoreConfig {
	backend: 'postgres';
	host: string;
	port: number;
	database: string;
	user: string;
	password?: string;
	ssl?: boolean | { rejectUnauthorized: boolean };
	/** Schema holding the tables; created when missing. Default `whatsurp`. */
	schema?: string;
	/** Pool size; default 5. */
	maxConnections?: number;
}

export type StoreConfig = SqliteStoreConfig | PostgresStoreConfig;

export interface Subscription {
	list: string;
	state: SubscriptionState;
	policyVersion: string | null;
	requestedAt: string | null;
	consentAt: string | null;
	cancelledAt: string | null;
	/** Time of the citizen's message that set this state (ISO); orders commands by message time. */
	commandAt: string;
	updatedAt: string;
}

export interface SubscriberRecord {
	/** Store key: `wa:<waId>` or `user:<userId>`. */
	key: string;
	waId: string | null;
	userId: string | null;
	displayName: string | null;
	createdAt: string;
	updatedAt: string;
	subscriptions: Subscription[];
}

/** What a command changed, so the workflow can choose the reply. */
export interface ListChange {
	list: string;
	from: SubscriptionState | null;
	to: SubscriptionState;
}

export interface ChangeResult {
	subscriber: SubscriberRecord;
	changed: ListChange[];
	/** Lists the command named whose state was already what it asked for (or stale: older than the current state). */
	unchanged: Array<{
		list: string;
		state: SubscriptionState | null;
		reason: 'already' | 'stale' | 'notPending' | 'expired';
	}>;
	/**
	 * True when the command's message id was already applied (a redelivery): nothing was changed and no
	 * audit event was written; `changed` and `unchanged` are then empty.
	 */
	duplicate?: boolean;
}

/** Context of every change: recorded in `audit_event`. */
export interface ChangeContext {
	/** When the citizen's message was written (message timestamp), not when it arrived. */
	at: Date;
	/** `whatsapp`, `import`, `staff`, … */
	channel: string;
	/** Message id that caused the change, if any (makes redelivered commands idempotent). */
	messageId?: string;
	policyVersion?: string;
}

export interface AuditEvent {
	id: number;
	at: string;
	/** The subscriber key, or `anon:<hash>` after an erase. */
	subject: string;
	action: string;
	policyVersion: string | null;
	channel: string | null;
	/** Message id that caused the event, if any. */
	messageId: string | null;
	detail: Record<string, unknown>;
}

/** An existing subscriber to migrate (consent collected elsewhere, at `consentAt`). */
export interface ImportInput {
	citizen: CitizenIdentity;
	lists: string[];
	consentAt: Date;
	policyVersion: string;
	state?: 'active' | 'pending';
}
