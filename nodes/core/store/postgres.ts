/**
 * PostgreSQL engine on `pg.Pool`. Every connection's `search_path` is the store's schema (set at
 * connect time), so the shared SQL needs no qualification. Migrations run in one transaction holding a
 * transaction-level advisory lock, so n8n processes starting together apply them once.
 */
import { Pool, type PoolClient } from 'pg';
import type { Dialect, Engine, QueryResult, Statement, TxBody } from './engine';
import { driveAsync } from './engine';
import { StoreError, StoreInputError } from './errors';
import type { PostgresStoreConfig } from './types';

/** Default schema of the tables. */
export const DEFAULT_PG_SCHEMA = 'whatsurp';
/** Default pool size. */
export const DEFAULT_PG_MAX_CONNECTIONS = 5;
/** Key of the advisory lock serialising migrations ('WURP' in ASCII). */
export const MIGRATION_LOCK_KEY = 0x57555250;

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
/** serialization_failure, deadlock_detected, unique_violation (a concurrent insert won a race). */
const RETRYABLE = new Set(['40001', '40P01', '23505']);
const MAX_ATTEMPTS = 6;

const POSTGRES_DIALECT: Dialect = {
	backend: 'postgres',
	forUpdate: ' FOR UPDATE',
	timestamp: 'TIMESTAMPTZ',
	json: 'JSONB',
	key: 'TEXT COLLATE "C"',
	serialId: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
};

function sqlState(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : undefined;
}

function pause(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

class PostgresEngine implements Engine {
	readonly backend = 'postgres' as const;
	readonly dialect = POSTGRES_DIALECT;
	private closed = false;

	constructor(
		private readonly pool: Pool,
		private readonly schema: string,
		private readonly where: string,
		private readonly password: string | undefined,
	) {}

	async transaction<T>(body: () => TxBody<T>): Promise<T> {
		return await this.run('BEGIN', body, true);
	}

	async read<T>(body: () => TxBody<T>): Promise<T> {
		return await this.run('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', body, false);
	}

	async migrate<T>(body: () => TxBody<T>): Promise<T> {
		return await this.run('BEGIN', body, false, [
			`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`,
			`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`,
		]);
	}

	async afterErase(): Promise<void> {
		// Dead row versions are reclaimed by (auto)vacuum; nothing to do per erase.
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		try {
			await this.pool.end();
		} catch (error) {
			throw this.wrap(error);
		}
	}

	private async run<T>(
		begin: string,
		body: () => TxBody<T>,
		retry: boolean,
		preamble: string[] = [],
	): Promise<T> {
		if (this.closed) throw new StoreError(`PostgreSQL store (${this.where}) is closed`);
		for (let attempt = 1; ; attempt++) {
			let client: PoolClient;
			try {
				client = await this.pool.connect();
			} catch (error) {
				throw this.wrap(error, 'cannot connect');
			}
			let broken: Error | undefined;
			try {
				await client.query(begin);
				for (const statement of preamble) await client.query(statement);
				const result = await driveAsync(
					body(),
					async (statement: Statement): Promise<QueryResult> => {
						const answer = await client.query(statement.sql, statement.params);
						return {
							rows: answer.rows as Array<Record<string, unknown>>,
							changes: answer.rowCount ?? 0,
						};
					},
				);
				await client.query('COMMIT');
				return result;
			} catch (error) {
				try {
					await client.query('ROLLBACK');
				} catch (rollbackError) {
					broken =
						rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
				}
				const code = error instanceof StoreError ? error.code : sqlState(error);
				const retryable = code === 'RETRY' || (retry && code !== undefined && RETRYABLE.has(code));
				if (retryable && attempt < MAX_ATTEMPTS && broken === undefined) {
					await pause(Math.floor(Math.random() * 5 * attempt));
					continue;
				}
				throw this.wrap(error);
			} finally {
				client.release(broken);
			}
		}
	}

	/** A StoreError naming host, port and database — never the password. */
	/** The store's own errors as they are; a driver error as a StoreError naming where the server is. */
	wrap(error: unknown, doing?: string): StoreError | StoreInputError {
		if (error instanceof StoreError || error instanceof StoreInputError) return error;
		let message = error instanceof Error ? error.message : String(error);
		if (error instanceof AggregateError && error.errors.length > 0) {
			message = error.errors
				.map((e: unknown) => (e instanceof Error ? e.message : String(e)))
				.join('; ');
		}
		if (this.password) message = message.split(this.password).join('***');
		return new StoreError(
			`PostgreSQL store (${this.where}, schema ${this.schema})${doing ? `: ${doing}` : ''}: ${message}`,
			{ cause: error, code: sqlState(error) },
		);
	}
}

/** Validates the configuration and creates the pool (connections are opened on first use). */
export function openPostgresEngine(config: PostgresStoreConfig): Engine {
	const schema = config.schema ?? DEFAULT_PG_SCHEMA;
	if (typeof schema !== 'string' || !SCHEMA_PATTERN.test(schema)) {
		throw new StoreInputError(
			'schema',
			'must be lower-case letters, digits and underscores, starting with a letter or underscore (at most 63)',
		);
	}
	if (typeof config.host !== 'string' || config.host.trim() === '') {
		throw new StoreInputError('host', 'is required');
	}
	if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535) {
		throw new StoreInputError('port', 'must be an integer from 1 to 65535');
	}
	if (typeof config.database !== 'string' || config.database.trim() === '') {
		throw new StoreInputError('database', 'is required');
	}
	if (typeof config.user !== 'string' || config.user.trim() === '') {
		throw new StoreInputError('user', 'is required');
	}
	const max = config.maxConnections ?? DEFAULT_PG_MAX_CONNECTIONS;
	if (!Number.isInteger(max) || max < 1 || max > 100) {
		throw new StoreInputError('maxConnections', 'must be an integer from 1 to 100');
	}
	const pool = new Pool({
		host: config.host,
		port: config.port,
		database: config.database,
		user: config.user,
		password: config.password,
		ssl: config.ssl,
		max,
		options: `-c search_path=${schema}`,
		application_name: 'whatsurp-store',
		connectionTimeoutMillis: 10_000,
	});
	// An idle connection dropped by the server must not crash n8n; the next query reports the failure.
	pool.on('error', () => undefined);
	const where = `${config.host}:${config.port}/${config.database}`;
	return new PostgresEngine(pool, schema, where, config.password);
}
