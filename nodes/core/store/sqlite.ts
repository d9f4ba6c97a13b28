/**
 * SQLite engine on Node's built-in `node:sqlite` (synchronous). Each transaction body runs from
 * BEGIN IMMEDIATE to COMMIT without yielding to the event loop, so nothing else in this process can
 * interleave; other processes wait on the database lock (busy timeout 5 s, WAL journal).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Dialect, Engine, QueryResult, Statement, TxBody } from './engine';
import { driveSync } from './engine';
import { StoreError, StoreInputError } from './errors';
import type { SqliteStoreConfig } from './types';

/** How long a connection waits for another process's write lock before failing. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

const SQLITE_DIALECT: Dialect = {
	backend: 'sqlite',
	forUpdate: '',
	timestamp: 'TEXT',
	json: 'TEXT',
	key: 'TEXT',
	serialId: 'INTEGER PRIMARY KEY AUTOINCREMENT',
};

const RETURNS_ROWS = /^\s*(SELECT|WITH|PRAGMA)\b|\bRETURNING\b/i;

function errorCode(error: unknown): string | undefined {
	const code =
		(error as { errstr?: unknown; code?: unknown }).errstr ?? (error as { code?: unknown }).code;
	return typeof code === 'string' ? code : undefined;
}

class SqliteEngine implements Engine {
	readonly backend = 'sqlite' as const;
	readonly dialect = SQLITE_DIALECT;
	private readonly statements = new Map<string, StatementSync>();
	private closed = false;

	constructor(
		private readonly db: DatabaseSync,
		private readonly path: string,
	) {}

	async transaction<T>(body: () => TxBody<T>): Promise<T> {
		return this.run('BEGIN IMMEDIATE', body);
	}

	async read<T>(body: () => TxBody<T>): Promise<T> {
		return this.run('BEGIN', body);
	}

	async migrate<T>(body: () => TxBody<T>): Promise<T> {
		return this.run('BEGIN IMMEDIATE', body);
	}

	async afterErase(): Promise<void> {
		this.checkOpen();
		try {
			// Erased rows were zeroed in place (secure_delete); fold the WAL back so no old page image stays.
			this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
		} catch {
			// Best effort: another connection may be reading; the next checkpoint will do it.
		}
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.statements.clear();
		try {
			this.db.close();
		} catch (error) {
			throw this.wrap(error);
		}
	}

	private checkOpen(): void {
		if (this.closed) throw new StoreError(`SQLite store (${this.path}) is closed`);
	}

	/** Runs the body synchronously inside one transaction; rolls back on any error. */
	private run<T>(begin: string, body: () => TxBody<T>): T {
		this.checkOpen();
		for (let attempt = 1; ; attempt++) {
			try {
				this.db.exec(begin);
			} catch (error) {
				throw this.wrap(error);
			}
			try {
				const result = driveSync(body(), (statement) => this.execute(statement));
				this.db.exec('COMMIT');
				return result;
			} catch (error) {
				if (this.db.isTransaction) {
					try {
						this.db.exec('ROLLBACK');
					} catch {
						// The original error matters more than a failed rollback.
					}
				}
				if (error instanceof StoreError && error.code === 'RETRY' && attempt < 5) continue;
				throw this.wrap(error);
			}
		}
	}

	private execute(statement: Statement): QueryResult {
		let prepared = this.statements.get(statement.sql);
		if (prepared === undefined) {
			prepared = this.db.prepare(statement.sql.replace(/\$(\d+)/g, '?$1'));
			this.statements.set(statement.sql, prepared);
		}
		if (RETURNS_ROWS.test(statement.sql)) {
			const rows = prepared.all(...statement.params) as Array<Record<string, unknown>>;
			return { rows, changes: rows.length };
		}
		const { changes } = prepared.run(...statement.params);
		return { rows: [], changes: Number(changes) };
	}

	/** The store's own errors as they are; a driver error as a StoreError naming the file. */
	private wrap(error: unknown): StoreError | StoreInputError {
		if (error instanceof StoreError || error instanceof StoreInputError) return error;
		const message = error instanceof Error ? error.message : String(error);
		return new StoreError(`SQLite store (${this.path}): ${message}`, {
			cause: error,
			code: errorCode(error),
		});
	}
}

/** Opens (creating the file and its folder when missing) a SQLite database and configures the connection. */
export function openSqliteEngine(config: SqliteStoreConfig): Engine {
	if (typeof config.path !== 'string' || config.path.trim() === '') {
		throw new StoreInputError('path', 'the SQLite store needs the path of its database file');
	}
	const path = config.path;
	let db: DatabaseSync | undefined;
	let failure: unknown;
	try {
		if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
		db = new DatabaseSync(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
		db.exec('PRAGMA journal_mode = WAL');
		db.exec('PRAGMA synchronous = NORMAL');
		db.exec('PRAGMA foreign_keys = ON');
		db.exec('PRAGMA secure_delete = ON');
	} catch (error) {
		failure = error;
	}
	if (db !== undefined && failure === undefined) return new SqliteEngine(db, path);
	if (db?.isOpen) db.close();
	const message = failure instanceof Error ? failure.message : String(failure);
	throw new StoreError(`SQLite store (${path}): cannot open: ${message}`, {
		cause: failure,
		code: errorCode(failure),
	});
}
