/**
 * `npm run bench:inbound`: signed webhooks from a load generator to the published inbound workflow
 * (workflows/inbound.json) against a bare n8n webhook workflow (Webhook → HTTP Request reply, no
 * signature check) on the same n8n, in the same run (the target: ≥ 70 % of the bare workflow's
 * throughput, ack p99 < 250 ms).
 *
 * The Cloud API simulator runs in a process of its own (it records the replies); the Open311
 * simulator and the mailbox run in this process, as does the load generator: N citizens (distinct
 * wa_ids, round-robin) send Meta-shaped, signed text messages, each with a fresh wamid, `concurrency`
 * POSTs at a time. Per message we measure the time to the HTTP answer (ack) and, from the simulator's
 * record, the time until the reply to that citizen was accepted. Throughput = messages / (first send
 * → last reply). Rows:
 * - bare: Webhook (onReceived) → HTTP Request with the whatsAppCloudApi credential;
 * - inbound "ISCRIZIONE ON": the list command, answered at once with the policy and its Accetto button;
 * - inbound outside office hours (a Sunday timestamp): the automatic reply, one new citizen per
 *   message (the reply is sent once per citizen per closed period), unless --closed=0.
 * Each workflow is warmed up first. After each row: failed executions (public API, status error or
 * crashed), replies missing, n8n's CPU per message (its process group, /proc) and a per-node timing
 * sample from the executions' run data. The simulator does not send delivery statuses to n8n (no
 * webhook URL), enforces neither the 24-hour window nor the pair rate, and its throughput limit is
 * set far above the load: the benchmark measures n8n, not Meta's limits.
 *
 * Each load row starts messages for at most --row-seconds (so that a slow n8n still finishes in a few
 * minutes) and is followed by a latency row: --probe messages one at a time, each after the previous reply.
 *
 * Options: --messages=2000 --row-seconds=60 --concurrency=20 --citizens=500 --warmup=50 --closed=300
 *          --probe=20 --rounds=1 --port=5694 --only=bare,command,closed
 *          --engine=vm|legacy|quickjs --pool-size=n (N8N_EXPRESSION_ENGINE, …_POOL_SIZE)
 *          --n8n-env=KEY=VALUE,… (more n8n settings) --profile (V8 profile of n8n's main process)
 *          --cold-tables (no lone first message before the closed-hours warm-up)
 *          diagnostics on a copy of inbound.json: --trigger-dedupe=memory|off, --commands-only (--only=bare,command)
 *
 * --queue: the "ISCRIZIONE ON" row in n8n's queue mode (dev/n8n/launcher.ts, dev/bench/queueRows.ts), with one
 * worker and then two, in one run: main (API, port 5697 unless --port), webhook processor (the next port,
 * where the load goes), `n8n worker` processes; n8n's database on PostgreSQL 127.0.0.1:5432, jobs on Redis
 * 127.0.0.1:6379, the WhatsUrp store on PostgreSQL (database test, schema whatsurp_bench_inbound, dropped at
 * the start), state in .state/bench-inbound-queue. The run warms up with 1 worker and measures the row (and
 * its --probe row), then starts a second worker, warms up again and measures the row with new citizens.
 * It prints msg/s, ack p50/p99 and CPU seconds per message of each n8n process's group (main, webhook,
 * worker-1, worker-2, each with its task runner) side by side, and the 2-workers / 1-worker ratio. The
 * options above apply except --only, --closed, --cold-tables, --rounds and --profile (refused); DB
 * bytes/msg is the growth of n8n's PostgreSQL database and the store schema.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import { openStore } from '../../nodes/core/store';
import { MemorySeenRegistry } from '../../nodes/core/whatsapp/dedupe';
import { receiveWebhook } from '../../nodes/core/whatsapp/receive';
import { storeSeenRegistry } from '../../nodes/shared/store';
import { startSimulatorChild, stopSimulatorChild, type SimulatorChild } from './simulatorChild';
import { ensureN8nInstalled, repoRoot } from '../n8n/install';
import { inboundCredentials } from '../n8n/workflowCredentials';
import { startN8n, webhookEndpoints, type CredentialSpec, type N8nInstance } from '../n8n/launcher';
import {
	envelope,
	incomingValue,
	newWamid,
	type BusinessNumber,
} from '../simulators/cloudApi/payloads';
import type { CloudApiSimulatorOptions, OutboundMessage } from '../simulators/cloudApi/types';
import { metaJson, signBody } from '../simulators/cloudApi/webhooks';
import { startMailbox } from '../simulators/mailbox/server';
import { startOpen311Simulator } from '../simulators/open311/server';
import {
	dropStoreSchema,
	postgresBytes,
	QUEUE_DEFAULT_PORT,
	QUEUE_STATE_DIR,
	queueStoreCredential,
	queueSummary,
} from './queueRows';

const ACCOUNT = {
	accessToken: 'bench-access-token',
	appSecret: 'bench-app-secret',
	verifyToken: 'bench-verify-token',
	phoneNumberId: '106540352242922',
	apiVersion: 'v23.0',
};
const BUSINESS: BusinessNumber = {
	wabaId: '102290129340398',
	phoneNumberId: ACCOUNT.phoneNumberId,
	displayPhoneNumber: '390541704111',
};
const OPEN311 = { apiKey: 'bench-segnala-key', jurisdictionId: 'comune.rimini.it' };
const BARE_PATH = 'bench-inbound-bare';

function option(name: string, fallback: string): string {
	const prefix = `--${name}=`;
	return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}
const MESSAGES = Number(option('messages', '2000'));
const CONCURRENCY = Number(option('concurrency', '20'));
const CITIZENS = Number(option('citizens', '500'));
const WARMUP = Number(option('warmup', '50'));
const CLOSED = Number(option('closed', '300'));
const ROUNDS = Number(option('rounds', '1'));
/** Queue mode: the command row with 1 worker, then with 2 (see the file comment). */
const QUEUE = process.argv.includes('--queue');
const PORT = Number(option('port', QUEUE ? String(QUEUE_DEFAULT_PORT) : '5694'));
/** Rows to run: bare, command, closed. */
const ONLY = new Set(option('only', 'bare,command,closed').split(','));
/** Profile n8n's main process (--cpu-prof) and summarise where its CPU went. */
const PROFILE = process.argv.includes('--profile');
/** n8n's expression engine (N8N_EXPRESSION_ENGINE: vm, n8n 2.x's default, legacy or quickjs) and its isolate pool. */
const ENGINE = option('engine', '');
const POOL_SIZE = option('pool-size', '');
/** More n8n settings, e.g. --n8n-env=EXECUTIONS_DATA_SAVE_ON_SUCCESS=none,N8N_LOG_LEVEL=warn */
const N8N_ENV = Object.fromEntries(
	option('n8n-env', '')
		.split(',')
		.filter((pair) => pair.includes('='))
		.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
/** A row stops starting messages after this many seconds (so that a slow n8n still finishes in minutes). */
const ROW_SECONDS = Number(option('row-seconds', '60'));
/** Messages of the one-at-a-time latency row after each load row (0 = none). */
const PROBE = Number(option('probe', '20'));
const COLD_TABLES = process.argv.includes('--cold-tables');
/** Diagnostic variants of inbound.json (in memory only): the trigger's redelivery registry, the workflow's size. */
const TRIGGER_DEDUPE = option('trigger-dedupe', '');
const COMMANDS_ONLY = process.argv.includes('--commands-only');

interface InboundJson {
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

/** The subscription commands' part of the workflow (what "ISCRIZIONE ON" runs through, and its siblings). */
const COMMAND_NODES = new Set([
	'Messaggio WhatsApp',
	'Stato di consegna?',
	'Registra stati di consegna',
	'Testi delle risposte',
	'Comando',
	'Liste valide?',
	'Risposta lista sconosciuta',
	'Richiesta iscrizione',
	'Già iscritto?',
	'Risposta già iscritto',
	'Risposta regolamento',
	'Conferma consenso',
	'Risposta consenso',
	'Cancellazione',
	'Risposta cancellazione',
]);

function variant(workflow: InboundJson): InboundJson {
	if (TRIGGER_DEDUPE) {
		for (const node of workflow.nodes)
			if (node.type === 'n8n-nodes-whatsurp.whatsUrpTrigger')
				node.parameters.deduplication = TRIGGER_DEDUPE;
	}
	if (COMMANDS_ONLY) {
		workflow.nodes = workflow.nodes.filter((node) => COMMAND_NODES.has(node.name));
		for (const [from, outputs] of Object.entries(workflow.connections)) {
			if (!COMMAND_NODES.has(from)) delete workflow.connections[from];
			else
				outputs.main = outputs.main.map((targets) =>
					targets.filter((t) => COMMAND_NODES.has(t.node)),
				);
		}
	}
	return workflow;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------
// The Cloud API simulator, in its own process

type Simulator = SimulatorChild;

async function startSimulator(): Promise<Simulator> {
	const options: CloudApiSimulatorOptions = {
		accessToken: ACCOUNT.accessToken,
		appSecret: ACCOUNT.appSecret,
		phoneNumberId: ACCOUNT.phoneNumberId,
		displayPhoneNumber: BUSINESS.displayPhoneNumber,
		wabaId: BUSINESS.wabaId,
		// the load generator writes to n8n directly, so the simulator never saw the citizens' messages
		enforceWindow: false,
		pairRate: false,
		throughput: { perSecond: 100_000 },
		statusDelaysMs: { sent: 10, delivered: 50, read: null },
	};
	return await startSimulatorChild(options);
}

const stopSimulator = stopSimulatorChild;

async function simulatorCall<T>(simulator: Simulator, path: string, method = 'GET'): Promise<T> {
	const response = await fetch(`${simulator.baseUrl}${path}`, { method });
	return (await response.json()) as T;
}

// ---------------------------------------------------------------------------------------------------------
// The bare workflow: what an n8n user builds to receive a WhatsApp message and answer it

function bareWorkflow(simulatorUrl: string): object {
	const url = `${simulatorUrl}/${ACCOUNT.apiVersion}/${ACCOUNT.phoneNumberId}/messages`;
	return {
		name: 'Bench – webhook nudo (ricevi e rispondi)',
		nodes: [
			{
				id: 'w1',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'b6a1f7c2-0000-4000-8000-0000000000b1',
				parameters: {
					httpMethod: 'POST',
					path: BARE_PATH,
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				id: 'w2',
				name: 'Rispondi',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [300, 0],
				parameters: {
					method: 'POST',
					url,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: 'whatsAppCloudApi',
					sendBody: true,
					specifyBody: 'json',
					jsonBody:
						"={{ JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: $json.body.entry[0].changes[0].value.messages[0].from, type: 'text', text: { body: 'Grazie, abbiamo ricevuto il tuo messaggio.' } }) }}",
					options: {},
				},
				credentials: { whatsAppCloudApi: { id: null, name: 'WhatsApp URP' } },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Rispondi', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

// ---------------------------------------------------------------------------------------------------------
// Load generator

interface Sent {
	waId: string;
	/** epoch ms when the POST started (the simulator's `at` is epoch ms on the same machine) */
	startedAt: number;
	ackMs: number;
	status: number;
	/** why there was no answer */
	error?: string;
}

/** A signed Meta-shaped body for one citizen text message. */
function citizenMessage(
	waId: string,
	text: string,
	timestamp: number,
): { body: Buffer; signature: string } {
	const { value } = incomingValue(
		{ from: { waId, name: `Cittadino ${waId.slice(-4)}` }, type: 'text', text },
		newWamid(waId),
		BUSINESS,
		timestamp,
		undefined,
	);
	const json = metaJson(envelope(BUSINESS, [value]));
	return { body: Buffer.from(json, 'utf8'), signature: signBody(ACCOUNT.appSecret, json) };
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/**
 * POSTs one webhook; resolves with n8n's HTTP status, or 0 and the error code when no answer came. A
 * kept-alive socket that the server closed just as it was reused is retried once on a new one (Node's
 * documented pattern for `reusedSocket`): nothing reached n8n then.
 */
function post(
	url: string,
	body: Buffer,
	signature: string,
	retried = false,
): Promise<{ status: number; error?: string }> {
	return new Promise((resolve) => {
		const req = request(
			url,
			{
				method: 'POST',
				agent,
				headers: {
					'content-type': 'application/json',
					'content-length': body.length,
					'user-agent': 'facebookexternalua',
					'x-hub-signature-256': signature,
				},
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
				res.on('error', (error: NodeJS.ErrnoException) =>
					resolve({ status: 0, error: error.code ?? error.message }),
				);
			},
		);
		req.setTimeout(60_000, () =>
			req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
		);
		req.on('error', (error: NodeJS.ErrnoException) => {
			if (!retried && req.reusedSocket && error.code === 'ECONNRESET')
				resolve(post(url, body, signature, true));
			else resolve({ status: 0, error: error.code ?? error.message });
		});
		req.end(body);
	});
}

interface LoadSpec {
	url: string;
	count: number;
	concurrency: number;
	/** the citizen of message i */
	waId: (i: number) => string;
	text: string;
	/** message timestamp (unix seconds); default now */
	timestamp?: () => number;
	/** no new message is started after this many seconds (the row then counts what was sent) */
	maxSeconds?: number;
	/** one message at a time, each after the reply to the previous one (latency without queueing) */
	probe?: { simulator: Simulator };
}

async function generate(spec: LoadSpec): Promise<Sent[]> {
	const sent: Sent[] = [];
	const deadline = Date.now() + (spec.maxSeconds ?? Infinity) * 1000;
	let next = 0;
	const sendOne = async (i: number) => {
		const waId = spec.waId(i);
		const { body, signature } = citizenMessage(
			waId,
			spec.text,
			spec.timestamp?.() ?? Math.floor(Date.now() / 1000),
		);
		const startedAt = Date.now();
		const t0 = process.hrtime.bigint();
		const { status, error } = await post(spec.url, body, signature);
		sent[i] = { waId, startedAt, ackMs: Number(process.hrtime.bigint() - t0) / 1e6, status, error };
	};
	if (spec.probe) {
		for (let i = 0; i < spec.count && Date.now() < deadline; i++) {
			await sendOne(i);
			await waitForReplies(spec.probe.simulator, i + 1, 30_000, 5);
		}
		return sent;
	}
	const worker = async () => {
		for (;;) {
			const i = next++;
			if (i >= spec.count || Date.now() >= deadline) return;
			await sendOne(i);
		}
	};
	await Promise.all(Array.from({ length: spec.concurrency }, worker));
	return sent.filter((entry) => entry !== undefined);
}

// ---------------------------------------------------------------------------------------------------------
// n8n side: executions, CPU, database growth

async function api<T>(n8n: N8nInstance, path: string): Promise<T> {
	const response = await fetch(`${n8n.baseUrl}/api/v1/${path}`, {
		headers: { 'X-N8N-API-KEY': n8n.apiKey, accept: 'application/json' },
	});
	if (!response.ok)
		throw new Error(`GET /api/v1/${path}: HTTP ${response.status} ${await response.text()}`);
	return (await response.json()) as T;
}

interface ExecutionSummary {
	id: string;
	status?: string;
	startedAt?: string;
	stoppedAt?: string;
	data?: {
		resultData?: {
			runData?: Record<string, Array<{ executionTime?: number; startTime?: number }>>;
			error?: { message?: string; node?: { name?: string } };
		};
	};
}

/** Every execution of the workflow with that status (ids), all pages. */
async function executionIds(
	n8n: N8nInstance,
	workflowId: string,
	status: string,
): Promise<Set<string>> {
	const ids = new Set<string>();
	let cursor: string | undefined;
	do {
		const page = await api<{ data: ExecutionSummary[]; nextCursor?: string | null }>(
			n8n,
			`executions?workflowId=${workflowId}&status=${status}&limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
		);
		for (const execution of page.data) ids.add(execution.id);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return ids;
}

async function failedIds(n8n: N8nInstance, workflowId: string): Promise<Set<string>> {
	const [error, crashed] = await Promise.all([
		executionIds(n8n, workflowId, 'error'),
		executionIds(n8n, workflowId, 'crashed'),
	]);
	return new Set([...error, ...crashed]);
}

/**
 * n8n's expression-engine counters from /metrics (N8N_METRICS=true), summed over labels: isolates
 * acquired from the pool, synchronous cold starts (pool empty), evaluations and their total time.
 */
async function expressionMetrics(n8n: N8nInstance): Promise<Map<string, number>> {
	const values = new Map<string, number>();
	try {
		const text = await (await fetch(`${n8n.baseUrl}/metrics`)).text();
		for (const line of text.split('\n')) {
			const match = /^(\w*expression_\w+?)(?:\{[^}]*\})?\s+([\d.eE+-]+)$/.exec(line);
			if (!match || match[1].endsWith('_bucket')) continue;
			values.set(match[1], (values.get(match[1]) ?? 0) + Number(match[2]));
		}
	} catch {
		// metrics off or unreachable: no figures
	}
	return values;
}

function expressionSummary(
	before: Map<string, number>,
	after: Map<string, number>,
	messages: number,
): string {
	const delta = (suffix: string) => {
		const name = [...after.keys()].find((key) => key.endsWith(suffix));
		return name === undefined ? Number.NaN : (after.get(name) ?? 0) - (before.get(name) ?? 0);
	};
	const acquired = delta('expression_pool_acquired_total');
	if (!Number.isFinite(acquired)) return '';
	const cold = delta('expression_pool_cold_start_sync_total');
	const coldSeconds = delta('expression_pool_cold_start_sync_duration_seconds_sum');
	const evaluations = delta('expression_evaluation_duration_seconds_count');
	const evalSeconds = delta('expression_evaluation_duration_seconds_sum');
	const per = (n: number) => (n / messages).toFixed(1);
	return (
		`isolates acquired ${per(acquired)}/msg (cold starts ${per(cold)}/msg, ${cold > 0 ? ((coldSeconds / cold) * 1000).toFixed(0) : '–'} ms each), ` +
		`expressions evaluated ${per(evaluations)}/msg (${evaluations > 0 ? ((evalSeconds / evaluations) * 1000).toFixed(1) : '–'} ms each)`
	);
}

/** "node: message" of the failed executions not in `known` (at most 5, with a count). */
async function failureDetails(
	n8n: N8nInstance,
	workflowId: string,
	known: Set<string>,
): Promise<string[]> {
	const ids = [...(await failedIds(n8n, workflowId))].filter((id) => !known.has(id));
	const messages = new Map<string, number>();
	for (const id of ids.slice(0, 20)) {
		const execution = await api<ExecutionSummary>(n8n, `executions/${id}?includeData=true`);
		const error = execution.data?.resultData?.error;
		const text = `${error?.node?.name ?? '?'}: ${(error?.message ?? execution.status ?? '?').slice(0, 160)}`;
		messages.set(text, (messages.get(text) ?? 0) + 1);
	}
	const lines = [...messages.entries()].map(
		([text, n]) => `${text} (×${n}${ids.length > 20 ? ' in the first 20' : ''})`,
	);
	return ids.length > 0 ? [`${ids.length} failed: ${lines.join('; ')}`] : [];
}

interface CpuSample {
	name: string;
	/** the n8n process whose group it is in: main on a single n8n; main, webhook, worker-1, … in queue mode */
	owner: string;
	ms: number;
}

/**
 * utime + stime (ms) of every process in an n8n process's group (it and its task runner), by pid. `owner`
 * names the group in queue mode (its processes are then named after it); a single n8n's is `n8n main`.
 */
function groupCpu(pgid: number, owner?: string): Map<number, CpuSample> {
	const tick = 100; // USER_HZ on Linux
	const result = new Map<number, CpuSample>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			// fields[0] is state (field 3): pgrp is field 5, utime 14, stime 15
			if (Number(fields[2]) !== pgid) continue;
			const pid = Number(entry);
			const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
			const name =
				pid === pgid
					? (owner ?? 'n8n main')
					: /task-runner|runner/.test(cmdline)
						? `${owner ? `${owner} ` : ''}task runner`
						: `${owner ? `${owner} ` : ''}pid ${pid}`;
			result.set(pid, {
				name,
				owner: owner ?? 'main',
				ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / tick,
			});
		} catch {
			// process gone
		}
	}
	return result;
}

/** CPU of every n8n process group: the single n8n's, or in queue mode each process's (main, webhook, workers). */
function n8nCpu(n8n: N8nInstance): Map<number, CpuSample> {
	if (n8n.topology === 'single') return groupCpu(n8n.pid);
	const all = new Map<number, CpuSample>();
	for (const one of n8n.processes)
		for (const [pid, sample] of groupCpu(one.pid, one.name)) all.set(pid, sample);
	return all;
}

function cpuDelta(
	before: Map<number, CpuSample>,
	after: Map<number, CpuSample>,
): { total: number; parts: string; byOwner: Map<string, number> } {
	let total = 0;
	const parts: string[] = [];
	const byOwner = new Map<string, number>();
	for (const [pid, { name, owner, ms }] of after) {
		const delta = ms - (before.get(pid)?.ms ?? 0);
		total += delta;
		byOwner.set(owner, (byOwner.get(owner) ?? 0) + delta);
		if (delta > 0) parts.push(`${name} ${(delta / 1000).toFixed(1)} s`);
	}
	return { total, parts: parts.join(', '), byOwner };
}

function fileBytes(...paths: string[]): number {
	let total = 0;
	for (const path of paths) {
		try {
			total += statSync(path).size;
		} catch {
			// not there
		}
	}
	return total;
}

/** Mean time per node (and the engine's time around them) over the latest successful executions. */
async function nodeTimings(
	n8n: N8nInstance,
	workflowId: string,
	sample: number,
): Promise<{ executions: number; meanTotalMs: number; perNode: Array<[string, number]> }> {
	const page = await api<{ data: ExecutionSummary[] }>(
		n8n,
		`executions?workflowId=${workflowId}&status=success&includeData=true&limit=${sample}`,
	);
	const sums = new Map<string, number>();
	let total = 0;
	for (const execution of page.data) {
		total += Date.parse(execution.stoppedAt ?? '') - Date.parse(execution.startedAt ?? '');
		for (const [node, runs] of Object.entries(execution.data?.resultData?.runData ?? {})) {
			const time = runs.reduce((sum, run) => sum + (run.executionTime ?? 0), 0);
			sums.set(node, (sums.get(node) ?? 0) + time);
		}
	}
	const n = Math.max(1, page.data.length);
	return {
		executions: page.data.length,
		meanTotalMs: total / n,
		perNode: [...sums.entries()]
			.map(([node, sum]): [string, number] => [node, sum / n])
			.sort((a, b) => b[1] - a[1]),
	};
}

// ---------------------------------------------------------------------------------------------------------
// One measured row

interface Row {
	round: number;
	workflow: string;
	message: string;
	sent: number;
	acked: number;
	/** answers other than 200, e.g. "HTTP 500 2" */
	refused: string;
	replies: number;
	missing: number;
	extra: number;
	replyTypes: string;
	wallS: number;
	perSecond: number;
	ack: { p50: number; p99: number; max: number };
	e2e: { p50: number; p99: number; max: number };
	failed: number;
	failures: string;
	cpuMsPerMsg: number;
	cpuParts: string;
	/** CPU ms during the row by n8n process group (main; in queue mode also webhook, worker-1, …) */
	cpuByProcess: Map<string, number>;
	/** from n8n's expression-engine metrics */
	expressions: string;
	dbBytesPerMsg: number;
	load: string;
	timings?: Awaited<ReturnType<typeof nodeTimings>>;
}

function histogram(values: string[]): string {
	const counts = new Map<string, number>();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return [...counts.entries()].map(([value, n]) => `${value} ×${n}`).join(', ');
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function stats(values: number[]): { p50: number; p99: number; max: number } {
	const sorted = [...values].sort((a, b) => a - b);
	return {
		p50: percentile(sorted, 50),
		p99: percentile(sorted, 99),
		max: sorted[sorted.length - 1] ?? Number.NaN,
	};
}

interface Context {
	n8n: N8nInstance;
	simulator: Simulator;
	/** Size of n8n's database and the WhatsUrp store now (SQLite files, or PostgreSQL in queue mode). */
	dbBytes: () => Promise<number>;
}

/** Waits until the simulator has accepted `expected` messages, or nothing new came for `idleMs`. */
async function waitForReplies(
	simulator: Simulator,
	expected: number,
	idleMs = 30_000,
	pollMs = 100,
): Promise<number> {
	let last = -1;
	let lastChange = Date.now();
	for (;;) {
		const { accepted } = await simulatorCall<{ accepted: number }>(simulator, '/_sim/stats');
		if (accepted >= expected) return accepted;
		if (accepted !== last) {
			last = accepted;
			lastChange = Date.now();
		} else if (Date.now() - lastChange > idleMs) return accepted;
		await sleep(pollMs);
	}
}

async function measure(
	ctx: Context,
	spec: LoadSpec & {
		round: number;
		workflow: string;
		message: string;
		workflowId: string;
		expectType?: string;
	},
): Promise<Row> {
	const { n8n, simulator } = ctx;
	await simulatorCall(simulator, '/_sim/reset', 'POST');
	const failedBefore = await failedIds(n8n, spec.workflowId);
	const loadBefore = loadavg()[0];
	const cpuBefore = n8nCpu(n8n);
	const dbBefore = await ctx.dbBytes();
	const expressionsBefore = await expressionMetrics(n8n);

	const sent = await generate(spec);
	await waitForReplies(simulator, sent.length);
	const outbound = await simulatorCall<OutboundMessage[]>(simulator, '/_sim/outbound');
	const cpu = cpuDelta(cpuBefore, n8nCpu(n8n));
	const expressions = expressionSummary(
		expressionsBefore,
		await expressionMetrics(n8n),
		sent.length,
	);
	const loadAfter = loadavg()[0];
	// executions are saved after the reply is sent: give n8n a moment before asking for failures
	await sleep(1500);
	const failedAfter = await failedIds(n8n, spec.workflowId);
	const failures =
		failedAfter.size > failedBefore.size
			? await failureDetails(n8n, spec.workflowId, failedBefore)
			: [];
	const dbBytes = (await ctx.dbBytes()) - dbBefore;

	// the k-th reply to a citizen answers the citizen's k-th message (messages round-robin over citizens)
	const replies = new Map<string, OutboundMessage[]>();
	for (const message of outbound) {
		const list = replies.get(message.to ?? '') ?? [];
		list.push(message);
		replies.set(message.to ?? '', list);
	}
	const used = new Map<string, number>();
	const e2e: number[] = [];
	let missing = 0;
	let lastReplyAt = 0;
	for (const message of sent) {
		if (message.status !== 200) {
			// refused or lost: no execution, so no reply to take from the citizen's list
			missing++;
			continue;
		}
		const k = used.get(message.waId) ?? 0;
		used.set(message.waId, k + 1);
		const reply = replies.get(message.waId)?.[k];
		if (!reply) {
			missing++;
			continue;
		}
		e2e.push(reply.at - message.startedAt);
		lastReplyAt = Math.max(lastReplyAt, reply.at);
	}
	const types = new Map<string, number>();
	for (const message of outbound) {
		const kind =
			message.type === 'interactive'
				? `interactive/${String((message.body.interactive as { type?: string } | undefined)?.type)}`
				: message.type;
		types.set(kind, (types.get(kind) ?? 0) + 1);
	}
	const firstSend = Math.min(...sent.map((s) => s.startedAt));
	const wallS = (lastReplyAt - firstSend) / 1000;
	const replied = sent.length - missing;
	const row: Row = {
		round: spec.round,
		workflow: spec.workflow,
		message: spec.message,
		sent: sent.length,
		acked: sent.filter((s) => s.status === 200).length,
		refused: histogram(
			sent
				.filter((s) => s.status !== 200)
				.map((s) => (s.status === 0 ? `no answer (${s.error ?? '?'})` : `HTTP ${s.status}`)),
		),
		replies: outbound.length,
		missing,
		extra: Math.max(0, outbound.length - replied),
		replyTypes: [...types.entries()].map(([type, n]) => `${type} ${n}`).join(', '),
		wallS,
		perSecond: replied / wallS,
		ack: stats(sent.map((s) => s.ackMs)),
		e2e: stats(e2e),
		failed: [...failedAfter].filter((id) => !failedBefore.has(id)).length,
		failures: failures.join(' '),
		cpuMsPerMsg: cpu.total / sent.length,
		cpuParts: cpu.parts,
		cpuByProcess: cpu.byOwner,
		expressions,
		dbBytesPerMsg: dbBytes / sent.length,
		load: `${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}`,
	};
	try {
		if (!spec.probe) row.timings = await nodeTimings(n8n, spec.workflowId, 40);
	} catch (error) {
		console.error(`node timings: ${(error as Error).message}`);
	}
	return row;
}

// ---------------------------------------------------------------------------------------------------------
// In-process: what the trigger's webhook() does per POST (signature, parse, normalise, dedupe)

async function triggerCosts(stateDir: string): Promise<string[]> {
	const count = 2000;
	const bodies = Array.from({ length: count }, (_, i) =>
		citizenMessage(
			`39300${String(i).padStart(7, '0')}`,
			'ISCRIZIONE ON',
			Math.floor(Date.now() / 1000),
		),
	);
	const run = async (label: string, registry: Parameters<typeof receiveWebhook>[2]['registry']) => {
		const t0 = process.hrtime.bigint();
		for (const { body, signature } of bodies) {
			const outcome = await receiveWebhook(body, signature, {
				appSecret: ACCOUNT.appSecret,
				// citizens' messages only: no status would reach a recorder
				deliveryStatuses: { mode: 'start' },
				dropEchoes: true,
				registry,
			});
			if (outcome.status !== 200 || outcome.events.length !== 1)
				throw new Error(
					`${label}: ${outcome.status} ${outcome.reason ?? ''} ${outcome.events.length}`,
				);
		}
		return Number(process.hrtime.bigint() - t0) / 1e6 / count;
	};
	// fresh wamids each time (the registries would drop the second pass)
	const refresh = () => {
		for (let i = 0; i < count; i++)
			bodies[i] = citizenMessage(
				`39300${String(i).padStart(7, '0')}`,
				'ISCRIZIONE ON',
				Math.floor(Date.now() / 1000),
			);
	};
	const none = await run('no dedupe', undefined);
	refresh();
	const memory = await run('memory', new MemorySeenRegistry());
	refresh();
	const storePath = join(stateDir, 'trigger-cost.sqlite');
	const store = await openStore({ backend: 'sqlite', path: storePath });
	await store.close();
	const sqlite = await run(
		'sqlite',
		storeSeenRegistry({ backend: 'sqlite', path: storePath }, () => undefined),
	);
	return [
		`| signature + parse + normalise (no dedupe) | ${(none * 1000).toFixed(0)} µs |`,
		`| + dedupe in memory | ${(memory * 1000).toFixed(0)} µs |`,
		`| + dedupe in the SQLite store (inbound_seen, one transaction per message) | ${(sqlite * 1000).toFixed(0)} µs |`,
	];
}

// ---------------------------------------------------------------------------------------------------------
// --profile: the V8 sampling profiler of n8n's main process over the measured rows (inspector via SIGUSR1)

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

let inspectPort = 0;
let inspector:
	| { send: (method: string, params?: object) => Promise<unknown>; close: () => void }
	| undefined;

async function freePort(): Promise<number> {
	const { createServer } = await import('node:net');
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const port = (server.address() as { port: number }).port;
			server.close(() => resolve(port));
		});
	});
}

async function startProfile(n8n: N8nInstance): Promise<void> {
	process.kill(n8n.pid, 'SIGUSR1');
	let target: string | undefined;
	for (let i = 0; i < 100 && !target; i++) {
		try {
			const list = (await (
				await fetch(`http://127.0.0.1:${inspectPort}/json/list`)
			).json()) as Array<{
				webSocketDebuggerUrl: string;
			}>;
			target = list[0]?.webSocketDebuggerUrl;
		} catch {
			await sleep(100);
		}
	}
	if (!target) throw new Error('n8n did not open its inspector');
	const socket = new WebSocket(target);
	await new Promise((resolve, reject) => {
		socket.onopen = resolve;
		socket.onerror = reject;
	});
	let nextId = 1;
	const pending = new Map<number, (value: unknown) => void>();
	socket.onmessage = (event) => {
		const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
		if (message.id !== undefined) pending.get(message.id)?.(message.result);
	};
	inspector = {
		send: (method, params = {}) =>
			new Promise((resolve) => {
				const id = nextId++;
				pending.set(id, resolve);
				socket.send(JSON.stringify({ id, method, params }));
			}),
		close: () => socket.close(),
	};
	await inspector.send('Profiler.enable');
	await inspector.send('Profiler.setSamplingInterval', { interval: 500 });
	await inspector.send('Profiler.start');
}

/** Our package as n8n loaded it (the n8n cache's own path contains the package name too). */
const isOurs = (url: string) => url.includes('/node_modules/n8n-nodes-whatsurp/');

/** Self time by package and the heaviest functions (self and, for our package, inclusive). */
async function stopProfile(stateDir: string): Promise<string[]> {
	if (!inspector) return [];
	const { profile } = (await inspector.send('Profiler.stop')) as { profile: CpuProfile };
	inspector.close();
	writeFileSync(join(stateDir, 'n8n-main.cpuprofile'), JSON.stringify(profile));
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const self = new Map<number, number>();
	let total = 0;
	profile.samples.forEach((id, i) => {
		const delta = profile.timeDeltas[i] ?? 0;
		self.set(id, (self.get(id) ?? 0) + delta);
		total += delta;
	});
	const inclusive = new Map<number, number>();
	const visit = (id: number): number => {
		const node = byId.get(id)!;
		let sum = self.get(id) ?? 0;
		for (const child of node.children ?? []) sum += visit(child);
		inclusive.set(id, sum);
		return sum;
	};
	visit(profile.nodes[0].id);
	const packageOf = (url: string, name: string): string => {
		if (url === '') return /^\(.*\)$/.test(name) ? name : `(native) ${name}`;
		if (isOurs(url)) return 'n8n-nodes-whatsurp (ours)';
		if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
		const parts = url.split('/node_modules/');
		if (parts.length < 2) return url.replace(/^file:\/\//, '');
		const rest = parts[parts.length - 1].split('/');
		return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
	};
	const where = (node: ProfileNode) => {
		const { functionName, url, lineNumber } = node.callFrame;
		const file = url
			.split('/node_modules/')
			.pop()!
			.replace(/^file:\/\//, '');
		return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
	};
	const pct = (us: number) => `${((us / total) * 100).toFixed(1)} %`;
	const packages = new Map<string, number>();
	const functions = new Map<string, number>();
	for (const [id, us] of self) {
		const node = byId.get(id)!;
		const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
		packages.set(pkg, (packages.get(pkg) ?? 0) + us);
		functions.set(where(node), (functions.get(where(node)) ?? 0) + us);
	}
	// inclusive time of our functions: counted once per call path (the outermost frame of ours)
	const ours = new Map<string, number>();
	const walk = (id: number, insideOurs: boolean) => {
		const node = byId.get(id)!;
		const mine = isOurs(node.callFrame.url);
		if (mine && !insideOurs)
			ours.set(where(node), (ours.get(where(node)) ?? 0) + inclusive.get(id)!);
		for (const child of node.children ?? []) walk(child, insideOurs || mine);
	};
	walk(profile.nodes[0].id, false);
	const top = (map: Map<string, number>, n: number) =>
		[...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
	return [
		`n8n main process, V8 sampling profile over the measured rows: ${(total / 1e6).toFixed(1)} s sampled (idle included). Saved as n8n-main.cpuprofile.`,
		'',
		'| self time by package | share |',
		'|---|---:|',
		...top(packages, 20).map(([name, us]) => `| ${name} | ${pct(us)} |`),
		'',
		'| heaviest functions (self time) | share |',
		'|---|---:|',
		...top(functions, 25).map(([name, us]) => `| \`${name}\` | ${pct(us)} |`),
		'',
		'| our code, entered from n8n (inclusive time) | share |',
		'|---|---:|',
		...top(ours, 12).map(([name, us]) => `| \`${name}\` | ${pct(us)} |`),
		'',
	];
}

// ---------------------------------------------------------------------------------------------------------
// Output

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');

function table(rows: Row[]): string {
	const head =
		'| round | workflow | message | sent | acked 200 | replies | missing | failed exec. | wall (s) | msg/s | vs bare | ack p50 / p99 / max (ms) | reply p50 / p99 / max (ms) | n8n CPU ms/msg | n8n DB bytes/msg | load 1 min |';
	const sep = '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---|';
	const lines = rows.map((r) => {
		const bare = rows.find((b) => b.round === r.round && b.workflow === 'bare');
		const ratio =
			bare && r !== bare ? `${((r.perSecond / bare.perSecond) * 100).toFixed(0)} %` : '';
		return `| ${r.round} | ${r.workflow} | ${r.message} | ${r.sent} | ${r.acked}${r.refused ? ` (${r.refused})` : ''} | ${r.replies}${r.extra ? ` (+${r.extra} extra)` : ''} | ${r.missing} | ${r.failed} | ${f1(r.wallS)} | ${f1(r.perSecond)} | ${ratio} | ${f0(r.ack.p50)} / ${f0(r.ack.p99)} / ${f0(r.ack.max)} | ${f0(r.e2e.p50)} / ${f0(r.e2e.p99)} / ${f0(r.e2e.max)} | ${f1(r.cpuMsPerMsg)} | ${f0(r.dbBytesPerMsg)} | ${r.load} |`;
	});
	return [head, sep, ...lines].join('\n');
}

function latencyTable(rows: Row[]): string {
	const head =
		'| round | workflow | message | sent | replies | ack p50 / p99 / max (ms) | reply p50 / p99 / max (ms) | n8n CPU ms/msg |';
	const sep = '|---:|---|---|---:|---:|---|---|---:|';
	const lines = rows.map(
		(r) =>
			`| ${r.round} | ${r.workflow} | ${r.message} | ${r.sent} | ${r.replies} | ${f0(r.ack.p50)} / ${f0(r.ack.p99)} / ${f0(r.ack.max)} | ${f0(r.e2e.p50)} / ${f0(r.e2e.p99)} / ${f0(r.e2e.max)} | ${f1(r.cpuMsPerMsg)} |`,
	);
	return [head, sep, ...lines].join('\n');
}

function timingsTable(row: Row): string {
	if (!row.timings) return '';
	const t = row.timings;
	const nodes = t.perNode.reduce((sum, [, ms]) => sum + ms, 0);
	const lines = [
		`Round ${row.round}, ${row.workflow} – ${row.message}: n8n CPU during the row: ${row.cpuParts}.${row.expressions ? ` Expression engine: ${row.expressions}.` : ''} Mean over the latest ${t.executions} successful executions (run data): execution ${f1(t.meanTotalMs)} ms, of which nodes ${f1(nodes)} ms, engine around them ${f1(t.meanTotalMs - nodes)} ms`,
		'',
		'| node | mean ms |',
		'|---|---:|',
		...t.perNode.map(([node, ms]) => `| ${node} | ${ms.toFixed(1)} |`),
	];
	return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Set-up and rows shared by both topologies

/** The most recent Sunday before today, 11:00 in Rome (the office is closed all Sunday). */
function lastSundayMorning(): number {
	const now = new Date();
	const day = now.getUTCDay(); // 0 = Sunday
	const back = day === 0 ? 7 : day;
	const sunday = new Date(
		Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - back, 10, 0, 0),
	);
	return Math.floor(sunday.getTime() / 1000); // 10:00 UTC = 11:00 or 12:00 in Rome
}

/** workflows/inbound.json, with the diagnostic variants asked for. */
function loadInbound(): InboundJson {
	return variant(
		JSON.parse(readFileSync(join(repoRoot(), 'workflows/inbound.json'), 'utf8')) as InboundJson,
	);
}

/** The credentials inbound.json names; `store` is the data of "Archivio iscrizioni". */
function benchCredentials(
	simulator: Simulator,
	open311: { baseUrl: string },
	mailbox: { smtpPort: number },
	store: Record<string, unknown>,
): CredentialSpec[] {
	return inboundCredentials({
		whatsApp: { ...ACCOUNT, businessAccountId: '', baseUrl: simulator.baseUrl },
		open311: { baseUrl: open311.baseUrl, ...OPEN311 },
		smtpPort: mailbox.smtpPort,
		store,
	});
}

/** --engine, --pool-size */
function engineEnv(): Record<string, string> {
	return {
		...(ENGINE ? { N8N_EXPRESSION_ENGINE: ENGINE } : {}),
		...(POOL_SIZE ? { N8N_EXPRESSION_ENGINE_POOL_SIZE: POOL_SIZE } : {}),
	};
}

/** Warm-up: `count` messages from citizens `prefix`000000…, then until their replies came (or 20 s of nothing). */
async function warmUp(
	simulator: Simulator,
	url: string,
	prefix: string,
	count: number,
	text: string,
	timestamp?: () => number,
): Promise<void> {
	if (count <= 0) return;
	await simulatorCall(simulator, '/_sim/reset', 'POST');
	const sent = await generate({
		url,
		count,
		concurrency: Math.min(CONCURRENCY, count),
		waId: (i) => `${prefix}${String(i).padStart(6, '0')}`,
		text,
		timestamp,
	});
	const accepted = await waitForReplies(simulator, count, 20_000);
	const refused = sent.filter((s) => s.status !== 200).length;
	console.error(`warm-up ${prefix}: ${count} sent, ${refused} not 200, ${accepted} replies`);
}

/**
 * Measures one load row and prints it (with the table's head when it is the first of `printed`), then
 * its latency row (--probe messages one at a time, from citizens `probeWaId(i)`), printed too.
 */
async function loadRow(
	ctx: Context,
	spec: Parameters<typeof measure>[1],
	printed: Row[],
	probeWaId: (i: number) => string,
): Promise<{ row: Row; probe?: Row }> {
	const row = await measure(ctx, spec);
	printed.push(row);
	console.log(
		table(printed)
			.split('\n')
			.slice(printed.length === 1 ? 0 : -1)
			.join('\n'),
	);
	if (PROBE <= 0) return { row };
	const probe = await measure(ctx, {
		...spec,
		count: PROBE,
		concurrency: 1,
		maxSeconds: undefined,
		probe: { simulator: ctx.simulator },
		waId: probeWaId,
	});
	console.log(latencyTable([probe]).split('\n').slice(-1).join('\n'));
	return { row, probe };
}

/** The results' tables after their head line: load rows, latency rows, failures, per-node timings. */
function rowDetails(rows: Row[], probes: Row[]): string[] {
	return [
		table(rows),
		'',
		...(probes.length > 0
			? [
					`Latency without queueing: ${PROBE} messages one at a time, each sent after the reply to the previous one.`,
					'',
					latencyTable(probes),
					'',
				]
			: []),
		...rows
			.filter((row) => row.failures)
			.map((row) => `Round ${row.round}, ${row.workflow} – ${row.message}: ${row.failures}\n`),
		...rows.flatMap((row) => [timingsTable(row), '']),
	];
}

/** ", K=V, …" of --n8n-env */
function n8nEnvText(): string {
	return Object.keys(N8N_ENV).length
		? `, ${Object.entries(N8N_ENV)
				.map(([k, v]) => `${k}=${v}`)
				.join(', ')}`
		: '';
}

// ---------------------------------------------------------------------------------------------------------
// A single n8n (regular mode, SQLite): bare, command and closed-hours rows

async function main(): Promise<void> {
	const started = Date.now();
	await ensureN8nInstalled();
	const stateDir = join(repoRoot(), '.state/bench-inbound');
	const inbound = loadInbound();
	const simulator = await startSimulator();
	const open311 = await startOpen311Simulator({ ...OPEN311, tokenDelayMs: 200 });
	const mailbox = await startMailbox({ maxMessages: 100 });
	let n8n: N8nInstance | undefined;
	const rows: Row[] = [];
	const notes: string[] = [];
	const profileLines: string[] = [];
	const probes: Row[] = [];
	try {
		n8n = await startN8n({
			packageDir: repoRoot(),
			stateDir,
			port: PORT,
			fresh: true,
			credentials: benchCredentials(simulator, open311, mailbox, { backend: 'sqlite', path: '' }),
			workflows: [inbound, bareWorkflow(simulator.baseUrl)],
			env: {
				...(PROFILE
					? { NODE_OPTIONS: `--inspect-port=127.0.0.1:${(inspectPort = await freePort())}` }
					: {}),
				...engineEnv(),
				// n8n's Prometheus endpoint: the expression engine's pool and evaluation counters per row
				N8N_METRICS: 'true',
				...N8N_ENV,
			},
		});
		const [inboundId, bareId] = n8n.workflowIds;
		const triggerPath = webhookEndpoints(inbound).find((e) => e.method === 'POST')!.path;
		const inboundUrl = `${n8n.baseUrl}/webhook/${triggerPath}`;
		const bareUrl = `${n8n.baseUrl}/webhook/${BARE_PATH}`;
		const n8nFolder = join(stateDir, '.n8n');
		const dbFiles = [
			'database.sqlite',
			'database.sqlite-wal',
			'whatsurp.sqlite',
			'whatsurp.sqlite-wal',
		].map((f) => join(n8nFolder, f));
		const ctx: Context = {
			n8n,
			simulator,
			dbBytes: async () => fileBytes(...dbFiles),
		};
		const sunday = lastSundayMorning();

		// warm-up: both workflows, both inbound paths (the data tables are created on the first closed message)
		const warm = (
			url: string,
			prefix: string,
			count: number,
			text: string,
			timestamp?: () => number,
		) => warmUp(simulator, url, prefix, count, text, timestamp);
		if (ONLY.has('bare')) await warm(bareUrl, '39311', WARMUP, 'ISCRIZIONE ON');
		if (ONLY.has('command')) await warm(inboundUrl, '39312', WARMUP, 'ISCRIZIONE ON');
		if (ONLY.has('closed') && CLOSED > 0) {
			// the first closed message creates the workflow's data tables: alone, then the others
			// (--cold-tables: all at once, to see what concurrent first messages do)
			if (!COLD_TABLES)
				await warm(inboundUrl, '39313', 1, "Buongiorno, a che ora apre l'anagrafe?", () => sunday);
			await warm(
				inboundUrl,
				'39314',
				Math.min(WARMUP, 20),
				"Buongiorno, a che ora apre l'anagrafe?",
				() => sunday,
			);
		}
		if (PROFILE) await startProfile(n8n);

		const warmFailures = await failureDetails(n8n, inboundId, new Set());
		if (warmFailures.length > 0)
			notes.push(`Failed executions during the warm-up: ${warmFailures.join('; ')}`);

		for (let round = 1; round <= ROUNDS; round++) {
			const citizens = (prefix: string) => (i: number) =>
				`${prefix}${String(i % CITIZENS).padStart(6, '0')}`;
			const common = { round, count: MESSAGES, concurrency: CONCURRENCY, maxSeconds: ROW_SECONDS };
			const printed: Row[] = [];
			const run = async (spec: Parameters<typeof measure>[1]) => {
				const { row, probe } = await loadRow(
					ctx,
					spec,
					printed,
					(i) => `3935${round}${probes.length}${String(i).padStart(5, '0')}`,
				);
				rows.push(row);
				if (probe) probes.push(probe);
			};
			if (ONLY.has('bare'))
				await run({
					...common,
					url: bareUrl,
					workflow: 'bare',
					message: 'text (any)',
					workflowId: bareId,
					waId: citizens(`3932${round}`),
					text: 'ISCRIZIONE ON',
				});
			if (ONLY.has('command'))
				await run({
					...common,
					url: inboundUrl,
					workflow: 'inbound',
					message: 'ISCRIZIONE ON (policy + Accetto)',
					workflowId: inboundId,
					waId: citizens(`3933${round}`),
					text: 'ISCRIZIONE ON',
				});
			if (ONLY.has('closed') && CLOSED > 0)
				await run({
					...common,
					count: CLOSED,
					url: inboundUrl,
					workflow: 'inbound',
					message: 'outside office hours (auto-reply, new citizen each)',
					workflowId: inboundId,
					waId: (i) => `3934${round}${String(i).padStart(6, '0')}`,
					text: "Buongiorno, a che ora apre l'anagrafe?",
					timestamp: () => sunday,
				});
		}
		if (PROFILE) profileLines.push(...(await stopProfile(stateDir)));
		notes.push(...(await triggerCosts(stateDir)));
	} finally {
		await n8n?.stop();
		await Promise.allSettled([stopSimulator(simulator), open311.stop(), mailbox.stop()]);
		agent.destroy();
	}

	const output = [
		`# bench:inbound – ${new Date().toISOString()}`,
		'',
		`Up to ${MESSAGES} messages per row (outside office hours: ${CLOSED}) started within ${ROW_SECONDS} s, ${CONCURRENCY} concurrent POSTs, ${CITIZENS} citizens round-robin, warm-up ${WARMUP}; n8n 2.41.1 regular mode, SQLite, expression engine ${ENGINE || 'default (vm)'}${POOL_SIZE ? `, isolate pool ${POOL_SIZE}` : ''}${TRIGGER_DEDUPE ? `, inbound.json variant: trigger deduplication ${TRIGGER_DEDUPE}` : ''}${COMMANDS_ONLY ? ", inbound.json variant: only the subscription commands' nodes" : ''}${n8nEnvText()}, port ${PORT}; machine: ${cpus().length} cores; run took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
		"msg/s = replies / (first send → last reply at the simulator); ack = time to n8n's HTTP answer; reply = send → reply accepted by the simulator; n8n CPU = n8n's process group (main + task runner) during the row; DB bytes = growth of n8n's database.sqlite(+wal) and whatsurp.sqlite(+wal).",
		'',
		...rowDetails(rows, probes),
		'In this process, per POST, what the WhatsUrp Trigger does before n8n starts the execution (2,000 signed messages, mean):',
		'',
		'| step | per message |',
		'|---|---:|',
		...notes,
		'',
		...profileLines,
	].join('\n');
	console.log(`\n${output}`);
	writeFileSync(join(stateDir, 'results.md'), output);
}

// ---------------------------------------------------------------------------------------------------------
// --queue: the command row in n8n's queue mode, with 1 worker and then 2 (helpers in queueRows.ts)

async function mainQueue(): Promise<void> {
	if (PROFILE) throw new Error('--profile samples a single n8n main process: not with --queue');
	const started = Date.now();
	await ensureN8nInstalled();
	const stateDir = join(repoRoot(), QUEUE_STATE_DIR);
	const inbound = loadInbound();
	const simulator = await startSimulator();
	const open311 = await startOpen311Simulator({ ...OPEN311, tokenDelayMs: 200 });
	const mailbox = await startMailbox({ maxMessages: 100 });
	let n8n: N8nInstance | undefined;
	const measured: Array<{ workers: number; row: Row }> = [];
	const probes: Row[] = [];
	const notes: string[] = [];
	let database = '';
	try {
		await dropStoreSchema();
		n8n = await startN8n({
			packageDir: repoRoot(),
			stateDir,
			port: PORT,
			fresh: true,
			queue: { workers: 1 },
			credentials: benchCredentials(simulator, open311, mailbox, queueStoreCredential),
			workflows: [inbound],
			// no N8N_METRICS: the expression counters are the workers', and their /metrics is not reachable
			env: { ...engineEnv(), ...N8N_ENV },
		});
		const [inboundId] = n8n.workflowIds;
		const triggerPath = webhookEndpoints(inbound).find((e) => e.method === 'POST')!.path;
		const inboundUrl = `${n8n.webhookBaseUrl}/webhook/${triggerPath}`;
		database = n8n.queue!.postgres.database;
		const ctx: Context = { n8n, simulator, dbBytes: () => postgresBytes(database) };
		const printed: Row[] = [];
		for (const workers of [1, 2]) {
			if (workers > 1) {
				const worker = await n8n.startWorker();
				console.error(`${worker.name} (pid ${worker.pid}) takes jobs`);
			}
			// with 2 workers: the same warm-up again, so that the new worker runs about half of it
			const known = await failedIds(n8n, inboundId);
			await warmUp(simulator, inboundUrl, `3931${4 + workers}`, WARMUP, 'ISCRIZIONE ON');
			const warmFailures = await failureDetails(n8n, inboundId, known);
			if (warmFailures.length > 0)
				notes.push(
					`Failed executions during the warm-up with ${workers} worker(s): ${warmFailures.join('; ')}`,
				);
			const { row, probe } = await loadRow(
				ctx,
				{
					round: 1,
					count: MESSAGES,
					concurrency: CONCURRENCY,
					maxSeconds: ROW_SECONDS,
					url: inboundUrl,
					workflow: `inbound, ${workers} worker${workers > 1 ? 's' : ''}`,
					message: 'ISCRIZIONE ON (policy + Accetto)',
					workflowId: inboundId,
					// new citizens (and wamids) per worker count
					waId: (i) => `3936${workers}${String(i % CITIZENS).padStart(6, '0')}`,
					text: 'ISCRIZIONE ON',
				},
				printed,
				(i) => `3937${workers}${String(i).padStart(6, '0')}`,
			);
			measured.push({ workers, row });
			if (probe) probes.push(probe);
		}
	} finally {
		await n8n?.stop();
		await Promise.allSettled([stopSimulator(simulator), open311.stop(), mailbox.stop()]);
		agent.destroy();
	}

	const output = [
		`# bench:inbound --queue – ${new Date().toISOString()}`,
		'',
		`Up to ${MESSAGES} messages per row started within ${ROW_SECONDS} s, ${CONCURRENCY} concurrent POSTs, ${CITIZENS} citizens round-robin, warm-up ${WARMUP} per worker count; n8n 2.41.1 queue mode (main on port ${PORT}, webhook processor on ${n8n?.queue?.webhookPort ?? PORT + 1}, workers of concurrency ${n8n?.queue?.workerConcurrency ?? '?'}), n8n's database ${database} and the WhatsUrp store (schema whatsurp_bench_inbound) on PostgreSQL, jobs on Redis, expression engine ${ENGINE || 'default (vm)'}${POOL_SIZE ? `, isolate pool ${POOL_SIZE}` : ''}${TRIGGER_DEDUPE ? `, inbound.json variant: trigger deduplication ${TRIGGER_DEDUPE}` : ''}${COMMANDS_ONLY ? ", inbound.json variant: only the subscription commands' nodes" : ''}${n8nEnvText()}; machine: ${cpus().length} cores; run took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
		"msg/s = replies / (first send → last reply at the simulator); ack = time to the webhook processor's HTTP answer; reply = send → reply accepted by the simulator; n8n CPU = every n8n process's group (main, webhook, workers, each with its task runner) during the row; DB bytes = growth of n8n's PostgreSQL database and the store's schema.",
		'',
		...rowDetails(
			measured.map((m) => m.row),
			probes,
		),
		...queueSummary(measured),
		...(notes.length > 0 ? ['', ...notes] : []),
		'',
	].join('\n');
	console.log(`\n${output}`);
	writeFileSync(join(stateDir, 'results.md'), output);
}

void (QUEUE ? mainQueue() : main()).catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
