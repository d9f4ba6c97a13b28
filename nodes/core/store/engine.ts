/**
 * What the store's logic needs from a database: run a transaction body. A body is a generator that
 * yields SQL statements and receives their results, so one body serves both drivers: the SQLite engine
 * runs it synchronously from BEGIN IMMEDIATE to COMMIT (nothing else in the process can interleave),
 * the PostgreSQL engine awaits each statement on one pooled connection.
 *
 * SQL is written once with `$1, $2, …` placeholders (the SQLite engine rewrites them to `?1, ?2, …`);
 * times are passed as ISO-8601 UTC strings; the differences left (row locks, column types) are in
 * {@link Dialect}.
 */

/** A value bound to a placeholder. */
export type SqlValue = string | number | null;

export type Row = Record<string, unknown>;

export interface Statement {
	sql: string;
	params: SqlValue[];
}

export interface QueryResult {
	rows: Row[];
	/** Rows inserted, updated or deleted (for statements without RETURNING). */
	changes: number;
}

/** A transaction body: yields statements, receives results, returns the outcome. */
export type TxBody<T> = Generator<Statement, T, QueryResult>;

/** SQL differences between the backends that the shared logic needs. */
export interface Dialect {
	readonly backend: 'sqlite' | 'postgres';
	/** Appended to a SELECT that must lock its rows (` FOR UPDATE` on PostgreSQL; SQLite locks the file). */
	readonly forUpdate: string;
	/** Column type of instants: TEXT (ISO-8601 UTC) or TIMESTAMPTZ. */
	readonly timestamp: string;
	/** Column type of JSON documents: TEXT or JSONB. */
	readonly json: string;
	/** Column type of keys and list names (binary collation on both, so keyset order matches). */
	readonly key: string;
	/** Primary key column definition of an auto-incremented id. */
	readonly serialId: string;
}

export interface Engine {
	readonly backend: 'sqlite' | 'postgres';
	readonly dialect: Dialect;
	/** Runs `body` in one read-write transaction (re-running it on retryable conflicts). */
	transaction<T>(body: () => TxBody<T>): Promise<T>;
	/** Runs `body` in one read-only transaction (a consistent snapshot). */
	read<T>(body: () => TxBody<T>): Promise<T>;
	/**
	 * Runs the migration body in a transaction that excludes any other process migrating the same
	 * database (advisory lock / BEGIN IMMEDIATE), after creating the schema when missing.
	 */
	migrate<T>(body: () => TxBody<T>): Promise<T>;
	/** Best effort to purge erased data from on-disk leftovers (SQLite: WAL checkpoint). */
	afterErase(): Promise<void>;
	close(): Promise<void>;
}

/** Yields one statement and returns its result: `const { rows } = yield* sql('SELECT …', a, b)`. */
export function* sql(
	text: string,
	...params: SqlValue[]
): Generator<Statement, QueryResult, QueryResult> {
	return yield { sql: text, params };
}

/** Drives a body synchronously (SQLite). */
export function driveSync<T>(body: TxBody<T>, execute: (statement: Statement) => QueryResult): T {
	let step = body.next();
	while (!step.done) step = body.next(execute(step.value));
	return step.value;
}

/** Drives a body, awaiting each statement (PostgreSQL). */
export async function driveAsync<T>(
	body: TxBody<T>,
	execute: (statement: Statement) => Promise<QueryResult>,
): Promise<T> {
	let step = body.next();
	while (!step.done) step = body.next(await execute(step.value));
	return step.value;
}

/** An instant read from either backend (ISO text or Date) as an ISO-8601 UTC string. */
export function isoOf(value: unknown): string {
	if (value instanceof Date) return value.toISOString();
	if (typeof value === 'string') return value.includes('T') ? value : new Date(value).toISOString();
	throw new TypeError(`not a timestamp: ${typeof value}`);
}

/** Like isoOf, null stays null. */
export function isoOrNull(value: unknown): string | null {
	return value === null || value === undefined ? null : isoOf(value);
}
