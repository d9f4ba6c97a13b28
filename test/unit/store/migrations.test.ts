/** Schema creation and migration on first use, concurrent opening, configuration errors. */
import { join } from 'node:path';
import {
	MIGRATIONS,
	openStore,
	SCHEMA_VERSION,
	StoreError,
	StoreInputError,
} from '../../../nodes/core/store';
import { BACKENDS, createTestDb, PG_TEST, wa, type TestDb } from '../../helpers/storeFixtures';

/**
 * Every table of the current schema: v1 (subscriptions), v2 (the broadcast ledger), v3
 * (conversations and the delivery-status tally) and v4 (the ingress's outbox).
 */
const TABLES = [
	'audit_event',
	'broadcast',
	'broadcast_delivery',
	'broadcast_figures',
	'closure_reply',
	'conversation_case',
	'delivery_status_tally',
	'inbound_seen',
	'ingress_outbox',
	'report_draft',
	'schema_migrations',
	'store_meta',
	'subscriber',
	'subscription',
	'subscription_move',
];

/** Version 3's tables: dropping them (and `broadcast.last_status_at`) leaves a version-2 database. */
const V3_TABLES = ['conversation_case', 'report_draft', 'closure_reply', 'delivery_status_tally'];
/** Version 4's table. */
const V4_TABLES = ['ingress_outbox'];

async function downgradeToV3(db: TestDb): Promise<void> {
	for (const table of V4_TABLES) await db.query(`DROP TABLE ${table}`);
	await db.query('DELETE FROM schema_migrations WHERE version = 4');
}

async function downgradeToV2(db: TestDb): Promise<void> {
	await downgradeToV3(db);
	for (const table of V3_TABLES) await db.query(`DROP TABLE ${table}`);
	await db.query('ALTER TABLE broadcast DROP COLUMN last_status_at');
	await db.query('DELETE FROM schema_migrations WHERE version = 3');
	// and version 5 (its index on conversation_case went with the table)
	await db.query('DROP TABLE broadcast_figures');
	await db.query('DROP TABLE subscription_move');
	await db.query('DROP INDEX IF EXISTS audit_event_action_at_idx');
	await db.query('DROP INDEX IF EXISTS broadcast_created_idx');
	await db.query('DROP INDEX IF EXISTS broadcast_delivery_failed_idx');
	await db.query('DROP INDEX IF EXISTS broadcast_delivery_failed_sent_idx');
	await db.query('DELETE FROM schema_migrations WHERE version = 5');
}

describe.each(BACKENDS)('migrations (%s)', (backend) => {
	let db: TestDb;

	beforeEach(async () => {
		db = await createTestDb(backend);
	});
	afterEach(async () => {
		await db.cleanup();
	});

	test('first open creates every table and records each version once', async () => {
		expect(SCHEMA_VERSION).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
		// increasing; version 4 (the ingress outbox) lives on another branch, the runner allows gaps
		const versions0 = MIGRATIONS.map((m) => m.version);
		expect(versions0).toEqual([...versions0].sort((a, b) => a - b));
		expect(new Set(versions0).size).toBe(versions0.length);
		await db.open();
		expect((await db.tables()).sort()).toEqual(TABLES);
		const versions = await db.query(
			'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
		);
		expect(versions.map((v) => Number(v.version))).toEqual(MIGRATIONS.map((m) => m.version));
		expect(versions.map((v) => v.name)).toEqual(MIGRATIONS.map((m) => m.name));
		expect(MIGRATIONS.map((m) => m.name)).toEqual(
			expect.arrayContaining(['subscriptions', 'broadcasts', 'conversations', 'figures']),
		);
	});

	test('several stores opening the same fresh database at once all succeed; migrations applied once', async () => {
		const stores = await Promise.all([db.open(), db.open(), db.open(), db.open()]);
		expect(stores).toHaveLength(4);
		const versions = await db.query('SELECT version FROM schema_migrations');
		expect(versions).toHaveLength(MIGRATIONS.length);
		expect(await db.query('SELECT key FROM store_meta')).toEqual([{ key: 'pepper' }]);
		// All four work on the same data.
		await stores[0].requestSubscription({ waId: '393331234567' }, ['EMERGENZE'], wa(0));
		await stores[3].confirmConsent({ waId: '393331234567' }, wa(1));
		expect((await stores[1].get({ waId: '393331234567' }))?.subscriptions[0].state).toBe('active');
		// Same pepper for all: the same anonymous id whichever store erases.
		const erased = await stores[2].erase({ waId: '393331234567' }, wa(2));
		await stores[1].requestSubscription({ waId: '393331234567' }, ['EMERGENZE'], wa(3));
		expect((await stores[0].erase({ waId: '393331234567' }, wa(4))).anonymousId).toBe(
			erased.anonymousId,
		);
	});

	test('reopening an up-to-date database applies nothing and keeps the pepper', async () => {
		const first = await db.open();
		const pepper = await db.query("SELECT value FROM store_meta WHERE key = 'pepper'");
		await first.close();
		await db.open();
		expect(await db.query("SELECT value FROM store_meta WHERE key = 'pepper'")).toEqual(pepper);
		expect(await db.query('SELECT version FROM schema_migrations')).toHaveLength(MIGRATIONS.length);
	});

	test('a version-1 database (before broadcasts) is upgraded in place and keeps its subscribers', async () => {
		const store = await db.open();
		await store.requestSubscription({ waId: '393331234567' }, ['EMERGENZE'], wa(0));
		await store.confirmConsent({ waId: '393331234567' }, wa(1));
		await store.close();
		// what the package of issue 4 left: only version 1
		await downgradeToV2(db);
		await db.query('DROP TABLE broadcast_delivery');
		await db.query('DROP TABLE broadcast');
		await db.query('DELETE FROM schema_migrations WHERE version = 2');
		const upgraded = await db.open();
		expect((await db.tables()).sort()).toEqual(TABLES);
		expect(
			(await db.query('SELECT version FROM schema_migrations ORDER BY version')).map((v) =>
				Number(v.version),
			),
		).toEqual(MIGRATIONS.map((m) => m.version));
		expect((await upgraded.get({ waId: '393331234567' }))?.subscriptions[0].state).toBe('active');
		expect(await upgraded.broadcasts.pendingCount('prima-allerta', 'EMERGENZE')).toBe(1);
	});

	test('a version-2 database (before conversations) is upgraded in place to 3 and keeps its subscribers and broadcasts', async () => {
		const T = new Date('2026-11-30T08:00:00.000Z');
		const store = await db.open();
		for (const waId of ['393331234567', '393337654321']) {
			await store.requestSubscription({ waId }, ['EMERGENZE'], wa(0));
			await store.confirmConsent({ waId }, wa(1));
		}
		const run = await store.broadcasts.begin({
			id: 'allerta-v2',
			list: 'EMERGENZE',
			messageHash: 'hash-v2',
			message: { type: 'text', text: 'Allerta meteo' },
			now: T,
		});
		const step = (fields: object) =>
			store.broadcasts.step({
				id: 'allerta-v2',
				runToken: run.runToken,
				list: 'EMERGENZE',
				createdAt: T.toISOString(),
				now: T,
				outcomes: [],
				claim: [],
				heartbeat: false,
				...fields,
			});
		await step({ claim: [{ key: 'wa:393331234567', waId: '393331234567', userId: null }] });
		await step({
			outcomes: [{ key: 'wa:393331234567', state: 'sent', wamid: 'wamid.v2.1', attempts: 1 }],
		});
		await store.close();
		// what the package before conversations left: versions 1 and 2
		await downgradeToV2(db);
		expect((await db.tables()).sort()).toEqual(
			TABLES.filter(
				(t) =>
					!V3_TABLES.includes(t) &&
					!V4_TABLES.includes(t) &&
					t !== 'broadcast_figures' &&
					t !== 'subscription_move',
			),
		);

		const upgraded = await db.open();
		expect((await db.tables()).sort()).toEqual(TABLES);
		const versions = await db.query('SELECT version, name FROM schema_migrations ORDER BY version');
		expect(versions.map((v) => [Number(v.version), v.name])).toEqual([
			[1, 'subscriptions'],
			[2, 'broadcasts'],
			[3, 'conversations'],
			[4, 'ingress_outbox'],
			[5, 'figures'],
		]);
		// subscribers and the broadcast are as they were
		expect(await upgraded.count({ list: 'EMERGENZE' })).toEqual([
			{ list: 'EMERGENZE', state: 'active', count: 2 },
		]);
		expect(await upgraded.broadcasts.get('allerta-v2')).toMatchObject({
			state: 'running',
			messageHash: 'hash-v2',
			message: { type: 'text', text: 'Allerta meteo' },
		});
		expect((await upgraded.broadcasts.counts('allerta-v2')).byState.sent).toBe(1);
		expect(await upgraded.broadcasts.pendingCount('allerta-v2', 'EMERGENZE')).toBe(1);
		expect(await db.query('SELECT last_status_at FROM broadcast')).toEqual([
			{ last_status_at: null },
		]);
		// and version 3 works on the old data
		expect(
			await upgraded.recordDeliveryStatuses([{ wamid: 'wamid.v2.1', status: 'read' }], T),
		).toMatchObject({ broadcast: 1, unknown: 0 });
		expect((await upgraded.broadcasts.counts('allerta-v2')).byState.read).toBe(1);
		expect(await db.query('SELECT last_status_at FROM broadcast')).not.toEqual([
			{ last_status_at: null },
		]);
		const opened = await upgraded.conversations.openCase({
			citizen: { waId: '393331234567' },
			kind: 'question',
			messageId: 'wamid.v3.q',
			at: T,
		});
		expect(opened.created).toBe(true);
		// reopening applies nothing more
		await db.open();
		expect(await db.query('SELECT version FROM schema_migrations')).toHaveLength(MIGRATIONS.length);
	});

	test('a database migrated by a newer version of the package is refused', async () => {
		await db.open();
		await db.query(
			'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
			[SCHEMA_VERSION + 1, 'future', new Date().toISOString()],
		);
		await expect(db.open()).rejects.toMatchObject({ name: 'StoreError', code: 'SCHEMA_TOO_NEW' });
	});

	if (backend === 'sqlite') {
		test('SQLite: parent folder created, WAL journal, busy timeout', async () => {
			await db.open();
			expect(await db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
			expect(db.path).toContain('nested');
		});

		test('SQLite: a path that cannot be a database is a StoreError naming the file', async () => {
			// The parent "folder" is a regular file: neither the folder nor the database can be created.
			const underAFile = join(db.path as string, 'sub', 'store.db');
			await db.open();
			await expect(openStore({ backend: 'sqlite', path: underAFile })).rejects.toMatchObject({
				name: 'StoreError',
				message: expect.stringContaining(underAFile),
			});
			await expect(openStore({ backend: 'sqlite', path: '' })).rejects.toBeInstanceOf(
				StoreInputError,
			);
		});
	} else {
		test('PostgreSQL: tables live in the configured schema only', async () => {
			await db.open();
			const elsewhere = await db.query(
				"SELECT table_schema FROM information_schema.tables WHERE table_name = 'subscription' AND table_schema = $1",
				[(db.config as { schema: string }).schema],
			);
			expect(elsewhere).toHaveLength(1);
		});
	}
});

describe('PostgreSQL configuration errors', () => {
	test.each(['Bad', 'x-y', '1abc', 'a"; DROP SCHEMA public; --', 'x'.repeat(64), ''])(
		'schema %j is refused before connecting',
		async (schema) => {
			await expect(openStore({ backend: 'postgres', ...PG_TEST, schema })).rejects.toMatchObject({
				name: 'StoreInputError',
				field: 'schema',
			});
		},
	);

	test('unreachable server: StoreError with host, port and database, never the password', async () => {
		const password = 'S3cret-Pa55word!';
		const error = await openStore({
			backend: 'postgres',
			host: '127.0.0.1',
			port: 1,
			database: 'urp_rimini',
			user: 'whatsurp',
			password,
			schema: 't_never',
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(StoreError);
		const message = (error as Error).message;
		expect(message).toContain('127.0.0.1:1/urp_rimini');
		expect(message).not.toContain(password);
		expect(JSON.stringify(error)).not.toContain(password);
	});

	test('wrong database: StoreError without the password', async () => {
		const password = 'AnotherS3cret';
		const error = await openStore({
			backend: 'postgres',
			...PG_TEST,
			database: 'no_such_database_whatsurp',
			password,
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(StoreError);
		expect((error as Error).message).toContain('no_such_database_whatsurp');
		expect((error as Error).message).not.toContain(password);
	});

	test('unknown backend', async () => {
		await expect(openStore({ backend: 'mysql' } as never)).rejects.toMatchObject({
			field: 'backend',
		});
	});
});
