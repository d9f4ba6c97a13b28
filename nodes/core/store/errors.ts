/** Errors of the subscription store. */

/** A caller passed something the store refuses (missing id, over-long list name, bad cursor, …). */
export class StoreInputError extends Error {
	/** The offending input, e.g. `citizen`, `lists`, `ctx.at`, `after`, `schema`. */
	readonly field: string;

	constructor(field: string, message: string) {
		super(`${field}: ${message}`);
		this.name = 'StoreInputError';
		this.field = field;
	}
}

/**
 * The database failed (connection refused, disk full, lock timeout, …). Wraps the driver's error as
 * `cause`; the message names the backend and where it is (host, port, database or file) but never a
 * password.
 */
export class StoreError extends Error {
	/** SQLSTATE (PostgreSQL) or SQLite error code name, when the driver gave one. */
	readonly code: string | undefined;

	constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
		super(message, { cause: options.cause });
		this.name = 'StoreError';
		this.code = options.code;
	}
}
