/**
 * `npm run bench:ingress`: how many signed delivery-status webhooks `whatsurp-ingress` absorbs on one
 * core, each answered only after the transaction holding its statuses committed (group commit), on
 * SQLite and on PostgreSQL (the targets: ≥ 5,000 webhooks/s, RSS < 150 MB).
 *
 * The ingress runs as IT runs it — the built entry point (.build/ingress/main.js) in a process of its
 * own, pinned to one core with `taskset` when there is one — on a fresh store: a SQLite file in a temp
 * folder, or PostgreSQL 127.0.0.1:5432 database `test`, schema `bench_ingress` (dropped first). This
 * process is the load generator: the bodies (Meta-shaped, one status each unless --statuses, wamids
 * the store does not know: the slowest path, every lookup misses) are signed before the clock starts, then
 * sent --concurrency at a time on keep-alive connections for --seconds after a --warmup. Per request the
 * time to the answer; afterwards the daily tally in the store must hold every status answered 200.
 * Printed per backend: webhooks/s and statuses/s, answer p50/p99/max, the transactions (from
 * /metrics) and requests per transaction, the ingress's CPU (user+system seconds per wall second, from
 * /proc) and its peak RSS (VmHWM).
 *
 * Options: --seconds=10 --warmup=2 --concurrency=64 --statuses=1 --only=sqlite,postgres
 *          --port=5751 --writers=n (PostgreSQL transactions at once) --core=0 (taskset; -1: no pinning)
 *          --node-options='--max-semi-space-size=2' (NODE_OPTIONS of the ingress, as the README sets it;
 *          --node-options= for Node's defaults)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

import { openStore, type StoreConfig } from '../../nodes/core/store';
import { computeSignature } from '../../nodes/core/whatsapp/signature';
import { toMetaJson } from '../../nodes/core/whatsapp/metaJson';
import { readIngressMetrics } from './ingressMetrics';

function option(name: string, fallback: string): string {
	const prefix = `--${name}=`;
	const found = process.argv.find((arg) => arg.startsWith(prefix));
	return found === undefined ? fallback : found.slice(prefix.length);
}

const SECONDS = Number(option('seconds', '10'));
const WARMUP = Number(option('warmup', '2'));
const CONCURRENCY = Number(option('concurrency', '64'));
const STATUSES = Number(option('statuses', '1'));
const ONLY = option('only', 'sqlite,postgres').split(',');
const PORT = Number(option('port', '5751'));
const WRITERS = option('writers', '');
const CORE = Number(option('core', '0'));
/** As the README runs it: V8's young generation kept small (its default grows to 100+ MB under this load). */
const NODE_OPTIONS = option('node-options', '--max-semi-space-size=2');
const SECRET = 'bench-app-secret';
const PG = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };
const SCHEMA = 'bench_ingress';

interface Row {
	backend: string;
	answered: number;
	failed: number;
	seconds: number;
	latencies: number[];
	transactions: number;
	cpuSeconds: number;
	rssPeakMb: number;
	recorded: number;
	/** Statuses of every request answered 200, warm-up included. */
	expected: number;
	statusesPerWebhook: number;
}

/** Signed status bodies, `STATUSES` statuses each, unique wamids. */
function bodies(count: number, tag: string): Array<{ body: Buffer; signature: string }> {
	const out: Array<{ body: Buffer; signature: string }> = [];
	const at = Math.floor(Date.now() / 1000);
	for (let i = 0; i < count; i++) {
		const payload = {
			object: 'whatsapp_business_account',
			entry: [
				{
					id: '419561257915477',
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: {
									display_phone_number: '390541704704',
									phone_number_id: '106540352242922',
								},
								statuses: Array.from({ length: STATUSES }, (_, s) => ({
									id: `wamid.HBgM${tag}${i}x${s}AAAA`,
									status: (i + s) % 3 === 0 ? 'sent' : (i + s) % 3 === 1 ? 'delivered' : 'read',
									timestamp: String(at),
									recipient_id: `39333${String(i % 100000).padStart(7, '0')}`,
								})),
							},
						},
					],
				},
			],
		};
		const body = Buffer.from(toMetaJson(payload));
		out.push({ body, signature: computeSignature(body, SECRET) });
	}
	return out;
}

function cpuSecondsOf(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s)
}

function rssPeakMbOf(pid: number): number {
	const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) / 1024 : NaN;
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function startIngress(
	store: StoreConfig,
): Promise<{ child: ChildProcess; logs: () => string }> {
	const main = join(__dirname, '../../ingress/main.js');
	const env: Record<string, string> = {
		PATH: process.env.PATH ?? '',
		WHATSURP_INGRESS_PORT: String(PORT),
		WHATSURP_INGRESS_HOST: '127.0.0.1',
		WHATSURP_APP_SECRET: SECRET,
		WHATSURP_VERIFY_TOKEN: 'bench',
		// no message in this benchmark: nothing is forwarded
		WHATSURP_TRIGGER_URL: `http://127.0.0.1:${PORT + 1}/webhook/none/webhook`,
		WHATSURP_INGRESS_INSTANCE: 'bench',
		...(WRITERS ? { WHATSURP_INGRESS_WRITERS: WRITERS } : {}),
		...(NODE_OPTIONS ? { NODE_OPTIONS } : {}),
		...(store.backend === 'sqlite'
			? { WHATSURP_STORE_PATH: store.path }
			: {
					WHATSURP_STORE_BACKEND: 'postgres',
					WHATSURP_STORE_HOST: store.host,
					WHATSURP_STORE_PORT: String(store.port),
					WHATSURP_STORE_DATABASE: store.database,
					WHATSURP_STORE_USER: store.user,
					WHATSURP_STORE_SCHEMA: store.schema!,
				}),
	};
	const pinned = CORE >= 0 && spawnSync('taskset', ['--version']).status === 0;
	const child = pinned
		? spawn('taskset', ['-c', String(CORE), process.execPath, main], {
				env,
				stdio: ['ignore', 'pipe', 'pipe'],
			})
		: spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
	for (let waited = 0; !output.includes('listening'); waited += 50) {
		if (child.exitCode !== null || waited > 20_000)
			throw new Error(`the ingress did not start:\n${output}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return { child, logs: () => output };
}

/** Sends bodies for `seconds`, `CONCURRENCY` at a time; latencies of the 200s. */
async function load(
	all: Array<{ body: Buffer; signature: string }>,
	seconds: number,
	agent: Agent,
): Promise<{ answered: number; failed: number; latencies: number[]; elapsed: number }> {
	let next = 0;
	let answered = 0;
	let failed = 0;
	const latencies: number[] = [];
	const started = performance.now();
	const end = started + seconds * 1000;
	const one = ({ body, signature }: { body: Buffer; signature: string }) =>
		new Promise<number>((resolve) => {
			const req = request(
				{
					host: '127.0.0.1',
					port: PORT,
					path: '/',
					method: 'POST',
					agent,
					headers: {
						'content-type': 'application/json',
						'content-length': body.length,
						'x-hub-signature-256': signature,
					},
				},
				(res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode ?? 0));
				},
			);
			req.on('error', () => resolve(0));
			req.end(body);
		});
	const worker = async () => {
		while (performance.now() < end && next < all.length) {
			const item = all[next++];
			const t0 = performance.now();
			const status = await one(item);
			if (status === 200) {
				answered += 1;
				latencies.push(performance.now() - t0);
			} else failed += 1;
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	return { answered, failed, latencies, elapsed: (performance.now() - started) / 1000 };
}

async function runBackend(backend: 'sqlite' | 'postgres'): Promise<Row> {
	let store: StoreConfig;
	let dir: string | undefined;
	if (backend === 'sqlite') {
		dir = mkdtempSync(join(tmpdir(), 'whatsurp-bench-ingress-'));
		store = { backend: 'sqlite', path: join(dir, 'store.sqlite') };
	} else {
		const client = new Client(PG);
		await client.connect();
		await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
		await client.end();
		store = { backend: 'postgres', ...PG, schema: SCHEMA };
	}
	// enough bodies for the run at 25,000/s
	const warm = bodies(Math.max(1000, WARMUP * 25_000), 'W');
	const measured = bodies(SECONDS * 25_000, 'M');
	const { child } = await startIngress(store);
	const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
	try {
		const warmed = await load(warm, WARMUP, agent);
		const before = await readIngressMetrics(PORT);
		const cpuBefore = cpuSecondsOf(child.pid!);
		const result = await load(measured, SECONDS, agent);
		const cpuAfter = cpuSecondsOf(child.pid!);
		const after = await readIngressMetrics(PORT);
		const rssPeakMb = rssPeakMbOf(child.pid!);
		child.kill('SIGTERM');
		await new Promise((resolve) => child.on('exit', resolve));
		const opened = await openStore(store);
		const tally = await opened.statusTally();
		await opened.close();
		const recorded = tally.reduce((n, day) => n + day.sent + day.delivered + day.read, 0);
		return {
			backend,
			answered: result.answered,
			failed: result.failed,
			seconds: result.elapsed,
			latencies: result.latencies.sort((a, b) => a - b),
			transactions: after.transactions_total - before.transactions_total,
			cpuSeconds: cpuAfter - cpuBefore,
			rssPeakMb,
			recorded,
			expected: (warmed.answered + result.answered) * STATUSES,
			statusesPerWebhook: STATUSES,
		};
	} finally {
		agent.destroy();
		if (child.exitCode === null) child.kill('SIGKILL');
		if (dir) rmSync(dir, { recursive: true, force: true });
	}
}

async function main(): Promise<void> {
	const started = Date.now();
	const rows: Row[] = [];
	for (const backend of ['sqlite', 'postgres'] as const) {
		if (!ONLY.includes(backend)) continue;
		process.stdout.write(
			`${backend}: warm-up ${WARMUP} s, then ${SECONDS} s at ${CONCURRENCY} in flight…\n`,
		);
		rows.push(await runBackend(backend));
	}
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	const out = [
		line([
			'store',
			'webhooks/s',
			'statuses/s',
			'answer p50 / p99 / max',
			'transactions (requests each)',
			'ingress CPU',
			'RSS peak',
			'statuses recorded / answered 200 (warm-up included)',
		]),
		line(['---', '---:', '---:', '---', '---:', '---:', '---:', '---']),
	];
	for (const row of rows) {
		const rate = row.answered / row.seconds;
		out.push(
			line([
				row.backend,
				rate.toFixed(0),
				(rate * row.statusesPerWebhook).toFixed(0),
				`${percentile(row.latencies, 50).toFixed(1)} / ${percentile(row.latencies, 99).toFixed(1)} / ${row.latencies.at(-1)?.toFixed(1)} ms`,
				`${row.transactions} (${(row.answered / Math.max(1, row.transactions)).toFixed(1)})`,
				`${(row.cpuSeconds / row.seconds).toFixed(2)} core`,
				`${row.rssPeakMb.toFixed(0)} MB`,
				`${row.recorded} / ${row.expected}${row.failed === 0 ? '' : `, ${row.failed} not 200`}`,
			]),
		);
	}
	process.stdout.write(`\n${out.join('\n')}\n\n`);
	process.stdout.write(
		`${CONCURRENCY} requests in flight, ${STATUSES} status(es) per webhook (wamids the store does not know), ${SECONDS} s measured after ${WARMUP} s warm-up; the ingress pinned to core ${CORE} (${CORE >= 0 ? 'taskset' : 'not pinned'}), NODE_OPTIONS=${NODE_OPTIONS || '(none)'}; the load generator in this process; machine: ${cpus().length} cores; run took ${((Date.now() - started) / 1000).toFixed(0)} s.\n`,
	);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
