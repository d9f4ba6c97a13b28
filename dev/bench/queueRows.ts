/**
 * `npm run bench:inbound -- --queue` (see inbound.ts): what queue mode needs besides the rows themselves.
 * The WhatsUrp store on PostgreSQL (a schema of its own, dropped at the start), the database growth per
 * row, and the summary that sets the command row with 1 worker beside the row with 2.
 */
import { Client } from 'pg';

import { LOCAL_POSTGRES } from '../n8n/queueMode';

/** Main on this port, the webhook processor on the next (the single-instance benchmark uses 5694). */
export const QUEUE_DEFAULT_PORT = 5697;
/** Under the repository; n8n's PostgreSQL database and Redis prefix derive from it (dev/n8n/queueMode.ts). */
export const QUEUE_STATE_DIR = '.state/bench-inbound-queue';

/** The PostgreSQL the tests and queue mode use (trust authentication; the store lives in database `test`). */
const POSTGRES = LOCAL_POSTGRES;
const STORE_SCHEMA = 'whatsurp_bench_inbound';

/** The data of the "Archivio iscrizioni" credential (whatsUrpStore) in queue mode. */
export const queueStoreCredential: Record<string, unknown> = {
	backend: 'postgres',
	...POSTGRES,
	schema: STORE_SCHEMA,
	ssl: false,
};

async function withClient<T>(database: string, query: (client: Client) => Promise<T>): Promise<T> {
	const client = new Client({ ...POSTGRES, database });
	await client.connect();
	try {
		return await query(client);
	} finally {
		await client.end();
	}
}

/** Each run starts with an empty store (the workers create its tables again on their first message). */
export async function dropStoreSchema(): Promise<void> {
	await withClient(POSTGRES.database, async (client) => {
		await client.query(`DROP SCHEMA IF EXISTS ${STORE_SCHEMA} CASCADE`);
	});
}

/** Bytes of n8n's database plus the store schema's tables (with indexes and TOAST). */
export async function postgresBytes(n8nDatabase: string): Promise<number> {
	return await withClient(POSTGRES.database, async (client) => {
		const result = await client.query<{ n8n: string; store: string }>(
			`SELECT pg_database_size($1::text) AS n8n,
			        coalesce(sum(pg_total_relation_size(c.oid)), 0) AS store
			   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			  WHERE n.nspname = $2 AND c.relkind IN ('r', 'm')`,
			[n8nDatabase, STORE_SCHEMA],
		);
		return Number(result.rows[0].n8n) + Number(result.rows[0].store);
	});
}

/** What the summary needs of a measured row (inbound.ts's Row). */
export interface QueueRowFigures {
	sent: number;
	perSecond: number;
	ack: { p50: number; p99: number };
	/** CPU ms during the row by n8n process (main, webhook, worker-1, …), task runners included */
	cpuByProcess: Map<string, number>;
}

/** The table "workers | msg/s | ack p50 | ack p99 | CPU s/msg per process" and the 2 / 1 ratios. */
export function queueSummary(measured: Array<{ workers: number; row: QueueRowFigures }>): string[] {
	const order = (name: string) =>
		name === 'main' ? 0 : name === 'webhook' ? 1 : 2 + Number(name.replace(/\D+/g, '') || 0);
	const processes = [...new Set(measured.flatMap(({ row }) => [...row.cpuByProcess.keys()]))].sort(
		(a, b) => order(a) - order(b),
	);
	const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
	const perMessage = (row: QueueRowFigures, name: string) => {
		const ms = row.cpuByProcess.get(name);
		return ms === undefined ? Number.NaN : ms / 1000 / row.sent;
	};
	const total = (row: QueueRowFigures) =>
		[...row.cpuByProcess.values()].reduce((sum, ms) => sum + ms, 0) / 1000 / row.sent;
	const lines = [
		'Queue mode, "ISCRIZIONE ON" row: CPU s/msg = CPU seconds of each n8n process (with its task runner) during the row / messages sent.',
		'',
		`| workers | msg/s | ack p50 (ms) | ack p99 (ms) | ${processes.map((name) => `CPU s/msg ${name}`).join(' | ')} | CPU s/msg total |`,
		`|---:|---:|---:|---:|${processes.map(() => '---:|').join('')}---:|`,
		...measured.map(
			({ workers, row }) =>
				`| ${workers} | ${fixed(row.perSecond, 1)} | ${fixed(row.ack.p50, 0)} | ${fixed(row.ack.p99, 0)} | ${processes.map((name) => fixed(perMessage(row, name), 4)).join(' | ')} | ${fixed(total(row), 4)} |`,
		),
	];
	const one = measured.find((m) => m.workers === 1)?.row;
	const two = measured.find((m) => m.workers === 2)?.row;
	if (one && two)
		lines.push(
			'',
			`2 workers / 1 worker: msg/s ×${fixed(two.perSecond / one.perSecond, 2)}, ack p50 ×${fixed(two.ack.p50 / one.ack.p50, 2)}, ack p99 ×${fixed(two.ack.p99 / one.ack.p99, 2)}, CPU s/msg (all processes) ×${fixed(total(two) / total(one), 2)}.`,
		);
	return lines;
}
