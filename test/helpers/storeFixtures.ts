/**
 * Fresh subscription-store databases for tests, on both backends: SQLite in a new temp folder,
 * PostgreSQL (127.0.0.1:5432, trust auth, database `test`) in a new schema `t_<random>` dropped at
 * cleanup. Each TestDb also gives raw SQL access and a catalog scan for leftover personal data.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Pool } from 'pg';
import { openStore, type StoreConfig, type SubscriptionStore } from '../../nodes/core/store';

/** `open(overrides)` of a test database: a store on its config, remembered for cleanup. */
function opener(config: StoreConfig, stores: SubscriptionStore[]) {
	return async (overrides: Partial<StoreConfig> = {}): Promise<SubscriptionStore> => {
		const store = await openStore({ ...config, ...overrides } as StoreConfig);
		stores.push(store);
		return store;
	};
}

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: Backend[] = ['sqlite', 'postgres'];

export const PG_TEST = {
	host: process.env.WHATSURP_TEST_PG_HOST ?? '127.0.0.1',
	port: Number(process.env.WHATSURP_TEST_PG_PORT ?? 5432),
	database: process.env.WHATSURP_TEST_PG_DATABASE ?? 'test',
	user: process.env.WHATSURP_TEST_PG_USER ?? 'postgres',
};

export type Row = Record<string, unknown>;

export interface TestDb {
	backend: Backend;
	config: StoreConfig;
	/** Opens a store on this database (closed by cleanup). */
	open(overrides?: Partial<StoreConfig>): Promise<SubscriptionStore>;
	/** Raw SQL with `$1…` placeholders, outside the store. */
	query(text: string, params?: Array<string | number | null>): Promise<Row[]>;
	/** Every table of the database/schema. */
	tables(): Promise<string[]>;
	/** Every (table, column) holding one of the needles as a substring, from a scan of the whole catalog. */
	scan(needles: string[]): Promise<Array<{ table: string; column: string; needle: string }>>;
	/** SQLite only: the database file path. */
	path?: string;
	cleanup(): Promise<void>;
}

function quoteIdent(name: string): string {
	return `"${name.replace(/"/g, '""')}"`;
}

async function createSqliteDb(): Promise<TestDb> {
	const dir = mkdtempSync(join(tmpdir(), 'whatsurp-store-'));
	const path = join(dir, 'nested', 'store.db');
	const config: StoreConfig = { backend: 'sqlite', path };
	const stores: SubscriptionStore[] = [];
	let raw: DatabaseSync | undefined;
	const db = () => (raw ??= new DatabaseSync(path, { timeout: 5000 }));
	const query = async (text: string, params: Array<string | number | null> = []) =>
		db()
			.prepare(text.replace(/\$(\d+)/g, '?$1'))
			.all(...params) as Row[];
	const tables = async () =>
		(
			await query(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
			)
		).map((row) => String(row.name));
	return {
		backend: 'sqlite',
		config,
		path,
		open: opener(config, stores),
		query,
		tables,
		async scan(needles) {
			const hits: Array<{ table: string; column: string; needle: string }> = [];
			for (const table of await tables()) {
				const columns = (await query(`PRAGMA table_info(${quoteIdent(table)})`)).map((c) =>
					String(c.name),
				);
				for (const column of columns) {
					for (const needle of needles) {
						const found = await query(
							`SELECT COUNT(*) AS n FROM ${quoteIdent(table)} WHERE instr(CAST(${quoteIdent(column)} AS TEXT), $1) > 0`,
							[needle],
						);
						if (Number(found[0].n) > 0) hits.push({ table, column, needle });
					}
				}
			}
			return hits;
		},
		async cleanup() {
			for (const store of stores) await store.close();
			raw?.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

async function createPostgresDb(): Promise<TestDb> {
	const schema = `t_${randomBytes(6).toString('hex')}`;
	const config: StoreConfig = { backend: 'postgres', ...PG_TEST, schema };
	const pool = new Pool({ ...PG_TEST, max: 2, options: `-c search_path=${schema}` });
	const stores: SubscriptionStore[] = [];
	const query = async (text: string, params: Array<string | number | null> = []) =>
		(await pool.query(text, params)).rows as Row[];
	const tables = async () =>
		(
			await pool.query(
				"SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1",
				[schema],
			)
		).rows.map((row: Row) => String(row.table_name));
	return {
		backend: 'postgres',
		config,
		open: opener(config, stores),
		query,
		tables,
		async scan(needles) {
			const hits: Array<{ table: string; column: string; needle: string }> = [];
			const columns = (
				await pool.query(
					'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 ORDER BY 1, 2',
					[schema],
				)
			).rows as Array<{ table_name: string; column_name: string }>;
			for (const { table_name: table, column_name: column } of columns) {
				for (const needle of needles) {
					const found = await pool.query(
						`SELECT COUNT(*) AS n FROM ${quoteIdent(schema)}.${quoteIdent(table)} WHERE strpos(${quoteIdent(column)}::text, $1) > 0`,
						[needle],
					);
					if (Number(found.rows[0].n) > 0) hits.push({ table, column, needle });
				}
			}
			return hits;
		},
		async cleanup() {
			for (const store of stores) await store.close();
			await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
			await pool.end();
		},
	};
}

/** A fresh, empty database for one test (or one file) on the given backend. */
export async function createTestDb(backend: Backend): Promise<TestDb> {
	return backend === 'sqlite' ? await createSqliteDb() : await createPostgresDb();
}

/** A fixed instant plus `minutes`: message times in tests. */
export const T0 = Date.parse('2026-03-02T08:00:00.000Z');
export function at(minutes: number): Date {
	return new Date(T0 + minutes * 60_000);
}

/** A WhatsApp-like citizen context. */
export function wa(minutes: number, messageId?: string, policyVersion = 'v1') {
	return { at: at(minutes), channel: 'whatsapp', messageId, policyVersion };
}

/**
 * A fresh database and store for every test of a `describe.each(BACKENDS)` block, dropped after it:
 * `use` receives them before each test.
 */
export function freshStoreEachTest(
	backend: Backend,
	use: (db: TestDb, store: SubscriptionStore) => void,
): void {
	let db: TestDb | undefined;
	beforeEach(async () => {
		db = await createTestDb(backend);
		use(db, await db.open());
	});
	afterEach(async () => {
		await db?.cleanup();
	});
}
