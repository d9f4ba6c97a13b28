/**
 * `npm run bench:figures`: the figures of a year (core/figures' computeFigures) on a region-sized store,
 * on SQLite and on PostgreSQL.
 *
 * Seeds, with a few bulk `INSERT … SELECT` statements (PostgreSQL: generate_series; SQLite: a recursive
 * CTE), a store migrated by the package itself:
 * - --subscribers=400000 citizens, 70 % on EMERGENZE and 30 % on VIABILITA; a quarter imported before
 *   the year (an `import` audit event of December 2025, consent of June 2025), the others asking and
 *   accepting during 2026 (a `request` and a `consent` event, spread over the year); 1 in 53 leaves a month
 *   later (`unsubscribe`), 1 in 97 never accepts (pending, expired), 1 in 401 is erased two months later
 *   (audit re-keyed to `anon:`, rows deleted, an `erase` event) — about 700,000 audit events;
 * - --broadcasts=50 alerts on EMERGENZE, one a week, each with one delivery row per citizen
 *   (--subscribers rows: 50 × 400,000 = 20 million), read 50 %, delivered 35 %, sent 10 %, failed 4 %
 *   (two codes), unsubscribed 1 %; the delivery table's secondary indexes are dropped during the insert
 *   and built again after it (as a restore would);
 * - --cases=200000 cases over the year: two questions for one report, a quarter out of hours; questions
 *   answered after 0–50 h (1 in 10 as template), 1 in 20 closed unanswered, 1 in 50 still waiting; reports
 *   registered on the portal, 1 in 5 sent to the mailbox.
 * The store is seeded at schema version 3 and opened afterwards, so migration 5 builds `subscription_move`
 * from that audit trail (timed). Then VACUUM ANALYZE / ANALYZE (what autovacuum does on its own) and the
 * timings of computeFigures for the year 2026: the first after the upgrade (migration 5 counted the
 * finished alerts into `broadcast_figures`), --runs=3 more, one after a status of the last alert (that
 * alert counted again), one with the cache emptied (every alert's 400,000 deliveries counted), and one
 * with week rows; then the totals.
 *
 * Options: --backend=both|sqlite|postgres --reuse (skip the seeding when the store is already seeded)
 *          --subscribers --broadcasts --cases --runs (sizes above) --schema=bench_figures --state=bench-figures
 * State: .state/bench-figures/store.db and the PostgreSQL schema `bench_figures` (127.0.0.1:5432, db
 * `test`, or WHATSURP_TEST_PG_*), replaced at each seeding.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Pool } from 'pg';

import { computeFigures, yearPeriod, type Figures } from '../../nodes/core/figures';
import { openStore, type StoreConfig } from '../../nodes/core/store';

const args = new Map(
	process.argv.slice(2).map((arg) => {
		const [key, value] = arg.replace(/^--/, '').split('=');
		return [key, value ?? 'true'] as const;
	}),
);
const SUBSCRIBERS = Number(args.get('subscribers') ?? 400_000);
const BROADCASTS = Number(args.get('broadcasts') ?? 50);
const CASES = Number(args.get('cases') ?? 200_000);
const RUNS = Number(args.get('runs') ?? 3);
const BACKEND = args.get('backend') ?? 'both';
const REUSE = args.get('reuse') === 'true';

const PG = {
	host: process.env.WHATSURP_TEST_PG_HOST ?? '127.0.0.1',
	port: Number(process.env.WHATSURP_TEST_PG_PORT ?? 5432),
	database: process.env.WHATSURP_TEST_PG_DATABASE ?? 'test',
	user: process.env.WHATSURP_TEST_PG_USER ?? 'postgres',
};
const SCHEMA = args.get('schema') ?? 'bench_figures';
const STATE = join(process.cwd(), '.state', args.get('state') ?? 'bench-figures');
const SQLITE_PATH = join(STATE, 'store.db');

/** 2026-01-01T00:00:00Z and a year, in seconds. */
const Y0 = 1_767_225_600;
const YEAR = 31_536_000;

/**
 * The seeding statements, written once: `{n}` is the counter's column, `{time(expr)}` an instant from
 * epoch seconds, `{series(count)}` the counter's rows. Each dialect fills them in.
 */
interface Dialect {
	time(seconds: string): string;
	series(count: number): string;
	pad(expr: string): string;
	json(text: string): string;
}

const sqliteDialect: Dialect = {
	time: (s) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${s}, 'unixepoch')`,
	series: (count) =>
		`(WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ${count}) SELECT n FROM c)`,
	pad: (e) => `printf('%07d', ${e})`,
	json: (text) => text,
};
const pgDialect: Dialect = {
	time: (s) => `to_timestamp(${s})`,
	series: (count) => `(SELECT generate_series(1, ${count}) AS n)`,
	pad: (e) => `lpad((${e})::text, 7, '0')`,
	json: (text) => `(${text})::jsonb`,
};

/**
 * The store is seeded as a version-3 store (what the audit trail looked like before the figures): version
 * 5 is taken off first and applied when the store is opened after the seeding, so its backfill of
 * `subscription_move` from the audit trail is timed too.
 */
const WITHOUT_V5 = [
	'DROP TABLE subscription_move',
	'DROP TABLE broadcast_figures',
	'DROP INDEX audit_event_action_at_idx',
	'DROP INDEX broadcast_created_idx',
	'DROP INDEX broadcast_delivery_failed_idx',
	'DROP INDEX broadcast_delivery_failed_sent_idx',
	'DROP INDEX conversation_case_opened_idx',
	'DELETE FROM schema_migrations WHERE version = 5',
];

function seedStatements(d: Dialect): string[] {
	const key = (e: string) => `'wa:39300' || ${d.pad(e)}`;
	const list = `CASE WHEN n % 10 < 7 THEN 'EMERGENZE' ELSE 'VIABILITA' END`;
	const imported = `n <= ${Math.floor(SUBSCRIBERS / 4)}`;
	const at = `(${Y0} + n * ${YEAR / SUBSCRIBERS})`;
	const erased = 'n % 401 = 0';
	const subject = `CASE WHEN ${erased} THEN 'anon:' || n ELSE ${key('n')} END`;
	const json = d.json;
	return [
		...WITHOUT_V5,
		// subscribers and their current subscription (the erased have none)
		`INSERT INTO subscriber (key, wa_id, created_at, updated_at)
		SELECT ${key('n')}, '39300' || ${d.pad('n')}, ${d.time(at)}, ${d.time(at)}
		FROM ${d.series(SUBSCRIBERS)} AS s WHERE NOT (${erased} AND NOT ${imported})`,
		`INSERT INTO subscription (subscriber_key, list, state, policy_version, requested_at, consent_at, cancelled_at, command_at, updated_at)
		SELECT ${key('n')}, ${list},
			CASE WHEN ${imported} THEN 'active' WHEN n % 97 = 0 THEN 'pending' WHEN n % 53 = 0 THEN 'cancelled' ELSE 'active' END,
			'v1', ${d.time(at)},
			CASE WHEN n % 97 = 0 AND NOT ${imported} THEN NULL ELSE ${d.time(`${at} + 300`)} END,
			CASE WHEN n % 53 = 0 AND n % 97 <> 0 AND NOT ${imported} THEN ${d.time(`${at} + 2592000`)} END,
			${d.time(at)}, ${d.time(at)}
		FROM ${d.series(SUBSCRIBERS)} AS s WHERE NOT (${erased} AND NOT ${imported})`,
		// the audit trail: imports before the year, then a year of requests, consents, unsubscribes, erases
		`INSERT INTO audit_event (at, subject, action, policy_version, channel, message_id, detail)
		SELECT ${d.time(`${Y0} - 2678400 + n`)}, ${key('n')}, 'import', 'v0', 'import', NULL,
			${json(`'{"lists":["' || ${list} || '"],"state":"active","consentAt":"2025-06-01T08:00:00.000Z","changed":[{"list":"' || ${list} || '","from":null,"to":"active"}],"unchanged":[]}'`)}
		FROM ${d.series(SUBSCRIBERS)} AS s WHERE ${imported}`,
		`INSERT INTO audit_event (at, subject, action, policy_version, channel, message_id, detail)
		SELECT ${d.time(at)}, ${subject}, 'request', 'v1', 'whatsapp', 'wamid.r' || n,
			${json(`'{"lists":["' || ${list} || '"],"changed":[{"list":"' || ${list} || '","from":null,"to":"pending"}],"unchanged":[]}'`)}
		FROM ${d.series(SUBSCRIBERS)} AS s WHERE NOT ${imported}`,
		`INSERT INTO audit_event (at, subject, action, policy_version, channel, message_id, detail)
		SELECT ${d.time(`${at} + 300`)}, ${subject}, 'consent', 'v1', 'whatsapp', 'wamid.c' || n,
			${json(`'{"pendingTtlMs":604800000,"changed":[{"list":"' || ${list} || '","from":"pending","to":"active"}],"unchanged":[]}'`)}
		FROM ${d.series(SUBSCRIBERS)} AS s WHERE NOT ${imported} AND n % 97 <> 0`,
		`INSERT INTO audit_event (at, subject, action, policy_version, channel, message_id, detail)
		SELECT ${d.time(`${at} + 2592000`)}, ${subject}, 'unsubscribe', NULL, 'whatsapp', 'wamid.u' || n,
			${json(`'{"lists":["' || ${list} || '"],"changed":[{"list":"' || ${list} || '","from":"active","to":"cancelled"}],"unchanged":[]}'`)}
		FROM ${d.series(SUBSCRIBERS)} AS s WHERE NOT ${imported} AND n % 97 <> 0 AND n % 53 = 0 AND NOT ${erased}`,
		`INSERT INTO audit_event (at, subject, action, policy_version, channel, message_id, detail)
		SELECT ${d.time(`${at} + 5184000`)}, 'anon:' || n, 'erase', NULL, 'gdpr', NULL,
			${json(`'{"lists":["' || ${list} || '"],"auditEventsAnonymised":2}'`)}
		FROM ${d.series(SUBSCRIBERS)} AS s WHERE NOT ${imported} AND ${erased}`,
		// alerts, one a week, and their deliveries
		`INSERT INTO broadcast (id, list, message_hash, message, state, runs, run_token, created_at, started_at, heartbeat_at, finished_at)
		SELECT 'bench-' || n, 'EMERGENZE', 'hash', '{}', 'completed', 1, 'token',
			${d.time(`${Y0} + n * 604800`)}, ${d.time(`${Y0} + n * 604800`)},
			${d.time(`${Y0} + n * 604800 + 5400`)}, ${d.time(`${Y0} + n * 604800 + 5400`)}
		FROM ${d.series(BROADCASTS)} AS s`,
		'DROP INDEX broadcast_delivery_wamid_uq',
		'DROP INDEX broadcast_delivery_state_idx',
		'DROP INDEX broadcast_delivery_recipient_idx',
		`INSERT INTO broadcast_delivery (broadcast_id, recipient_key, state, wamid, error_code, attempts, crash_resends, updated_at)
		SELECT 'bench-' || b.n, ${key('r.n')},
			CASE WHEN (r.n * 7 + b.n) % 100 < 50 THEN 'read' WHEN (r.n * 7 + b.n) % 100 < 85 THEN 'delivered'
				WHEN (r.n * 7 + b.n) % 100 < 95 THEN 'sent' WHEN (r.n * 7 + b.n) % 100 < 99 THEN 'failed' ELSE 'unsubscribed' END,
			CASE WHEN (r.n * 7 + b.n) % 100 < 95 THEN 'w' || b.n || '.' || r.n END,
			CASE WHEN (r.n * 7 + b.n) % 100 BETWEEN 95 AND 98 THEN CASE WHEN r.n % 2 = 0 THEN 131026 ELSE 131049 END END,
			1, 0, ${d.time(`${Y0} + b.n * 604800 + 600`)}
		FROM ${d.series(BROADCASTS)} AS b CROSS JOIN ${d.series(SUBSCRIBERS)} AS r`,
		'CREATE UNIQUE INDEX broadcast_delivery_wamid_uq ON broadcast_delivery (wamid) WHERE wamid IS NOT NULL',
		'CREATE INDEX broadcast_delivery_state_idx ON broadcast_delivery (broadcast_id, state)',
		'CREATE INDEX broadcast_delivery_recipient_idx ON broadcast_delivery (recipient_key)',
		// cases
		`INSERT INTO conversation_case (citizen_key, kind, channel, state, opened_at, first_message_id, messages,
			out_of_hours, routed_to, routed_at, portal_service, portal_request_id, answered_at, answered_how,
			closed_at, closed_reason, updated_at)
		SELECT ${key(`n % ${SUBSCRIBERS} + 1`)},
			CASE WHEN n % 3 = 0 THEN 'report' ELSE 'question' END, 'whatsapp',
			CASE WHEN n % 3 = 0 THEN CASE WHEN n % 5 = 0 THEN 'routed' ELSE 'registered' END
				WHEN n % 20 = 0 THEN 'closed' WHEN n % 50 = 1 THEN 'routed' ELSE 'answered' END,
			${d.time(`${Y0} + n * ${YEAR / CASES}`)}, 'wamid.q' || n, 1,
			CASE WHEN n % 4 = 0 THEN 1 ELSE 0 END,
			CASE WHEN n % 3 = 0 THEN CASE WHEN n % 5 = 0 THEN 'urp_mailbox' ELSE 'segnala' END ELSE 'operators' END,
			${d.time(`${Y0} + n * ${YEAR / CASES} + 5`)},
			CASE WHEN n % 3 = 0 THEN CASE n % 4 WHEN 0 THEN 'buche' WHEN 1 THEN 'illuminazione' WHEN 2 THEN 'verde' ELSE 'rifiuti' END END,
			CASE WHEN n % 3 = 0 AND n % 5 <> 0 THEN 'R' || n END,
			CASE WHEN n % 3 <> 0 AND n % 20 <> 0 AND n % 50 <> 1 THEN ${d.time(`${Y0} + n * ${YEAR / CASES} + ((n * 37) % 3000) * 60`)} END,
			CASE WHEN n % 3 <> 0 AND n % 20 <> 0 AND n % 50 <> 1 THEN CASE WHEN n % 10 = 1 THEN 'template' ELSE 'text' END END,
			CASE WHEN n % 3 <> 0 AND n % 20 = 0 THEN ${d.time(`${Y0} + n * ${YEAR / CASES} + 172800`)} END,
			CASE WHEN n % 3 <> 0 AND n % 20 = 0 THEN 'unanswered' END,
			${d.time(`${Y0} + n * ${YEAR / CASES}`)}
		FROM ${d.series(CASES)} AS s`,
	];
}

function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	const result = await work();
	console.log(`  ${label}: ${seconds(Date.now() - started)}`);
	return result;
}

async function seedSqlite(): Promise<boolean> {
	if (REUSE) {
		try {
			const db = new DatabaseSync(SQLITE_PATH);
			const n = db.prepare('SELECT COUNT(*) AS n FROM broadcast_delivery').get() as { n: number };
			db.close();
			if (n.n > 0) return false;
		} catch {
			// not there: seed it
		}
	}
	rmSync(STATE, { recursive: true, force: true });
	mkdirSync(STATE, { recursive: true });
	await (await openStore({ backend: 'sqlite', path: SQLITE_PATH })).close();
	const db = new DatabaseSync(SQLITE_PATH);
	db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000');
	for (const statement of seedStatements(sqliteDialect)) {
		const first = statement.trim().split('\n')[0].slice(0, 70);
		await timed(first, async () => {
			db.exec('BEGIN');
			db.exec(statement);
			db.exec('COMMIT');
		});
	}
	await timed('ANALYZE', async () => db.exec('ANALYZE'));
	db.close();
	await timed(
		'opening the store: migration 5 (moves from the audit trail, alerts counted)',
		async () => {
			await (await openStore({ backend: 'sqlite', path: SQLITE_PATH })).close();
		},
	);
	const again = new DatabaseSync(SQLITE_PATH);
	await timed('ANALYZE', async () => again.exec('ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)'));
	again.close();
	return true;
}

async function seedPostgres(): Promise<boolean> {
	const admin = new Pool({ ...PG, max: 1 });
	try {
		if (REUSE) {
			const found = await admin.query(
				`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'broadcast_delivery'`,
				[SCHEMA],
			);
			if (found.rows.length > 0) return false;
		}
		await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
	} finally {
		await admin.end();
	}
	await (await openStore({ backend: 'postgres', ...PG, schema: SCHEMA })).close();
	const pool = new Pool({ ...PG, max: 1, options: `-c search_path=${SCHEMA}` });
	try {
		await pool.query("SET maintenance_work_mem = '512MB'");
		for (const statement of seedStatements(pgDialect)) {
			const first = statement.trim().split('\n')[0].slice(0, 70);
			await timed(first, async () => {
				await pool.query(statement);
			});
		}
		// a store in service has been vacuumed by autovacuum (the counts below read index-only)
		await timed('VACUUM ANALYZE', async () => {
			await pool.query('VACUUM ANALYZE');
		});
	} finally {
		await pool.end();
	}
	await timed(
		'opening the store: migration 5 (moves from the audit trail, alerts counted)',
		async () => {
			await (await openStore({ backend: 'postgres', ...PG, schema: SCHEMA })).close();
		},
	);
	const vacuum = new Pool({ ...PG, max: 1, options: `-c search_path=${SCHEMA}` });
	try {
		await timed('VACUUM ANALYZE', async () => {
			await vacuum.query('VACUUM ANALYZE');
		});
	} finally {
		await vacuum.end();
	}
	return true;
}

function summary(f: Figures): string {
	const t = f.totals;
	return [
		`subscribers at year end ${t.subscribers.map((s) => `${s.list} ${s.activeAtEnd} (joined ${s.joined}, left ${s.leftByCommand}, erased ${s.leftByErase}, expired ${s.pendingExpired})`).join('; ')}`,
		`alerts ${t.broadcasts.map((b) => `${b.list} ${b.count} to ${b.recipients} (delivered ${b.delivered}, read ${b.read}, failed ${b.failed})`).join('; ')}`,
		`questions ${t.messages.questions}, reports ${t.messages.reports}, commands ${t.messages.commands}, out of hours ${t.messages.outOfHours}`,
		`answered ${t.service.answered}: median ${t.service.answerMinutesMedian} min, p90 ${t.service.answerMinutesP90} min, by next opening day ${t.service.answeredByNextOpeningDayShare}`,
		`waiting: ${f.waiting.counts.openQuestions} questions, ${f.waiting.counts.reportsNotRegistered} reports not registered, ${f.waiting.counts.notRouted} not routed`,
	].join('\n    ');
}

/** One statement outside the store (a status of the last alert arrived; the counts' cache emptied). */
async function rawSql(config: StoreConfig, statement: string): Promise<void> {
	if (config.backend === 'sqlite') {
		const db = new DatabaseSync(SQLITE_PATH);
		db.exec(statement);
		db.close();
	} else {
		const pool = new Pool({ ...PG, max: 1, options: `-c search_path=${SCHEMA}` });
		await pool.query(statement);
		await pool.end();
	}
}

async function measure(name: string, config: StoreConfig): Promise<void> {
	const store = await openStore(config);
	try {
		const now = new Date('2027-01-10T10:00:00.000Z');
		const times: number[] = [];
		const first = performance.now();
		let figures: Figures | undefined = await computeFigures(store, {
			period: yearPeriod(2026),
			now,
		});
		const firstMs = performance.now() - first;
		for (let run = 0; run < RUNS; run++) {
			const started = performance.now();
			figures = await computeFigures(store, { period: yearPeriod(2026), now });
			times.push(performance.now() - started);
		}
		await rawSql(
			config,
			`UPDATE broadcast SET last_status_at = created_at WHERE id = 'bench-${BROADCASTS}'`,
		);
		const touched = performance.now();
		await computeFigures(store, { period: yearPeriod(2026), now });
		const touchedMs = performance.now() - touched;
		await rawSql(config, 'DELETE FROM broadcast_figures');
		const cold = performance.now();
		await computeFigures(store, { period: yearPeriod(2026), now });
		const coldMs = performance.now() - cold;
		const started = performance.now();
		const weeks = await computeFigures(store, {
			period: yearPeriod(2026, 'Europe/Rome', 'week'),
			now,
		});
		const weekMs = performance.now() - started;
		times.sort((a, b) => a - b);
		console.log(
			`${name}: computeFigures(2026, months) first ${Math.round(firstMs)} ms (alerts counted by migration 5); then ${times.map((ms) => `${Math.round(ms)} ms`).join(', ')} (best ${Math.round(times[0])} ms); after a status of the last alert ${Math.round(touchedMs)} ms; with no alert counted yet ${Math.round(coldMs)} ms; weeks ${Math.round(weekMs)} ms (${weeks.rows.length} rows)`,
		);
		console.log(`    ${summary(figures!)}`);
	} finally {
		await store.close();
	}
}

async function main(): Promise<void> {
	console.log(
		`bench:figures — ${SUBSCRIBERS} subscribers, ${BROADCASTS} alerts × ${SUBSCRIBERS} deliveries, ${CASES} cases; ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
	);
	if (BACKEND === 'both' || BACKEND === 'sqlite') {
		console.log('SQLite: seeding');
		const seeded = await seedSqlite();
		if (!seeded) console.log('  reused');
		await measure('SQLite', { backend: 'sqlite', path: SQLITE_PATH });
	}
	if (BACKEND === 'both' || BACKEND === 'postgres') {
		console.log('PostgreSQL: seeding');
		const seeded = await seedPostgres();
		if (!seeded) console.log('  reused');
		await measure('PostgreSQL', { backend: 'postgres', ...PG, schema: SCHEMA });
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
