/**
 * `npm run bench:aftermath`: what happens to the inbound path right after an alert.
 *
 * One n8n with both published workflows: workflows/broadcast.json (the staff's form → preview → confirm →
 * WhatsUrp Broadcast) and workflows/inbound.json (or --inbound-workflow). N subscribers of the list
 * PUBBLICAUTILITA (no second person's approval) are seeded straight into the WhatsUrp store; the alert is
 * sent through the form at --rate (the rate in the workflow's Impostazioni, as staff set it). The Cloud
 * API simulator (a process of its own, aftermathSimulator.ts) sends signed sent/delivered/read status
 * webhooks for every message it accepts to the inbound workflow's production URL, --concurrency POSTs in
 * flight, on a clock that starts at Tuesday 10 March 2026, 10:00 in Rome (office open). During the alert,
 * --stop-share of the recipients write STOP and --question-share ask a question, at random moments
 * spread over the alert's expected duration (recipients / rate), through the simulator's citizen-sends
 * (so they queue behind the status webhooks, as with Meta).
 *
 * Measured (all times are this machine's clock; the simulator's are converted back from its clock):
 * - alert wall time: the preview's "Sì, invia" POST answered → the end of the "Invia avviso" node
 *   (its run data's startTime + executionTime), and the node's own summary (sent, durationMs);
 * - status webhooks: the simulator's record of every POST (kind `status`), how many were answered 200,
 *   and those of the alert's messages (the wamids of the templates the simulator accepted);
 * - executions started during the run (ids above the newest before the alert), each read with its data
 *   through n8n's public API and classified by its first node's output: the WhatsUrp Trigger's item with
 *   `event === 'status'` → status; another trigger item → citizen message; no trigger but the "Domanda
 *   per gli operatori" sub-workflow trigger → question forwarded; the broadcast workflow; other. A
 *   cross-check counts the inbound workflow's executions minus the citizens' messages answered 200
 *   minus the questions' sub-executions;
 * - last status webhook sent (started) → last change of the store's counts for this broadcast
 *   (`broadcasts.counts(id)`, polled every 250 ms), waiting until every accepted alert message is
 *   `read`, or until all status webhooks are answered and the counts have not moved for 15 s;
 * - STOP / question: the citizen's send (this process calls citizen-sends) → the simulator accepted
 *   the first text message to that citizen afterwards; p50, p99, max;
 * - failed executions (error or crashed) among those started during the run;
 * - n8n's RSS: every 500 ms the sum of VmRSS over n8n's process group(s) (main and task runner; in queue
 *   mode every process's group), peak during the run and idle before it;
 * - webhooks absorbed per second: status webhooks answered / (first → last status answer);
 * - load average (1, 5, 15 min) at the end, and the core count.
 *
 * Options: --subscribers=4000 --rate=80 --stop-share=0.05 --question-share=0.01 --concurrency=16
 *          --port=5720 (queue: main 5722, webhook processor the next) --engine=vm|legacy
 *          --n8n-env=KEY=VALUE,… --queue [--workers=1] --inbound-workflow=<file>
 *          --statuses=record|start|ignore --timeout=30 (minutes, for every wait after the alert starts)
 *          --seed=1 (the random choice of citizens and moments)
 *          --ingress [--ingress-port=5752]: whatsurp-ingress (.build/ingress/main.js, NODE_OPTIONS as the README
 *          sets it) in front of n8n on the same store; the simulator's webhooks go to it, it records the
 *          statuses and forwards the citizens' messages to the trigger; its figures are printed too
 * Output: stdout and .state/bench-aftermath/result-<timestamp>.json (n8n's state: .state/bench-aftermath/n8n or
 * n8n-queue, wiped at each start).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';

import { openStore, type SubscriptionStore } from '../../nodes/core/store';
import { storeConfigFromCredential } from '../../nodes/core/store/fromCredential';
import {
	completeForm,
	getFormPage,
	postFormPage,
	submitForm,
	waitForFormStatus,
} from '../../test/helpers/n8nForms';
import { ensureN8nInstalled, nodeBinary, repoRoot } from '../n8n/install';
import { startN8n, webhookEndpoints, type N8nInstance } from '../n8n/launcher';
import { inboundCredentials } from '../n8n/workflowCredentials';
import type { CloudApiSimulatorOptions, OutboundMessage } from '../simulators/cloudApi/types';
import { startMailbox, type Mailbox } from '../simulators/mailbox/server';
import { startOpen311Simulator, type Open311Simulator } from '../simulators/open311/server';
import type { TrackedDelivery } from './aftermathSimulator';
import { dropStoreSchema, queueStoreCredential } from './queueRows';
import { readIngressMetrics } from './ingressMetrics';

// ---------------------------------------------------------------------------------------------------------
// Options

function option(name: string, fallback: string): string {
	const prefix = `--${name}=`;
	return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}
function numberOption(name: string, fallback: string): number {
	const value = Number(option(name, fallback));
	if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
	return value;
}
const SUBSCRIBERS = Math.floor(numberOption('subscribers', '4000'));
const RATE = numberOption('rate', '80');
const STOP_SHARE = numberOption('stop-share', '0.05');
const QUESTION_SHARE = numberOption('question-share', '0.01');
const CONCURRENCY = Math.max(1, Math.floor(numberOption('concurrency', '16')));
const QUEUE = process.argv.includes('--queue');
const WORKERS = Math.max(1, Math.floor(numberOption('workers', '1')));
const PORT = Math.floor(numberOption('port', QUEUE ? '5722' : '5720'));
const ENGINE = option('engine', '');
const N8N_ENV = Object.fromEntries(
	option('n8n-env', '')
		.split(',')
		.filter((pair) => pair.includes('='))
		.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const INBOUND_FILE = option('inbound-workflow', '');
const STATUSES = option('statuses', '');
const TIMEOUT_MS = numberOption('timeout', '30') * 60_000;
const SEED = Math.floor(numberOption('seed', '1'));
/** `whatsurp-ingress` in front of n8n: the simulator's webhooks go to it (README, "When a city needs the ingress"). */
const INGRESS = process.argv.includes('--ingress');
const INGRESS_PORT = Math.floor(numberOption('ingress-port', '5752'));

const LIST = 'PUBBLICAUTILITA';
const TEMPLATE = 'avviso_emergenza';
const FORM_PATH = 'avviso-whatsapp';
const FORM_AUTH = { user: 'urp', password: 'bench-avvisi' };
const QUESTION = "Buongiorno, a che ora apre l'anagrafe?";
/** Tuesday 10 March 2026, 10:00 in Rome (CET): the office is open, no holiday. */
const CLOCK_START = Date.parse('2026-03-10T10:00:00+01:00');
const CONSENT = new Date('2026-01-10T10:00:00Z');

const ACCOUNT = {
	accessToken: 'bench-access-token',
	appSecret: 'bench-app-secret',
	verifyToken: 'bench-verify-token',
	phoneNumberId: '106540352242933',
	apiVersion: 'v23.0',
};
const BUSINESS = { wabaId: '102290129340398', displayPhoneNumber: '390541704111' };
const OPEN311 = { apiKey: 'bench-segnala-key', jurisdictionId: 'comune.rimini.it' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) =>
	console.error(`[aftermath ${new Date().toISOString().slice(11, 19)}] ${line}`);

// ---------------------------------------------------------------------------------------------------------
// Workflows

interface WorkflowFile {
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
}

function readJson(path: string): WorkflowFile {
	return JSON.parse(readFileSync(path, 'utf8')) as WorkflowFile;
}

/** broadcast.json with Impostazioni's rate set, as staff set it in the editor. */
function broadcastWorkflow(): WorkflowFile {
	const file = readJson(join(repoRoot(), 'workflows/broadcast.json'));
	const settings = file.nodes.find((node) => node.name === 'Impostazioni');
	const assignments = (
		settings?.parameters.assignments as
			| { assignments: Array<{ name: string; value: unknown }> }
			| undefined
	)?.assignments;
	const entry = assignments?.find((assignment) => assignment.name === 'rate');
	if (!entry) throw new Error('broadcast.json: no rate in the Impostazioni node');
	entry.value = RATE;
	return file;
}

/** Whether the built WhatsUrp Trigger declares a `deliveryStatuses` parameter (and its values). */
function triggerDeclaresStatuses(): { declared: boolean; values: string[] } {
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const module = require(
			join(repoRoot(), 'dist/nodes/WhatsUrpTrigger/WhatsUrpTrigger.node.js'),
		) as {
			WhatsUrpTrigger?: new () => {
				description: { properties: Array<{ name: string; options?: Array<{ value?: unknown }> }> };
			};
		};
		const property = module.WhatsUrpTrigger
			? new module.WhatsUrpTrigger().description.properties.find(
					(p) => p.name === 'deliveryStatuses',
				)
			: undefined;
		return {
			declared: property !== undefined,
			values: (property?.options ?? []).map((o) => String(o.value)),
		};
	} catch {
		return { declared: false, values: [] };
	}
}

/** The inbound workflow (file), with --statuses applied; `note` says what was done. */
function inboundWorkflow(): { workflow: WorkflowFile; file: string; statusesNote: string } {
	const file = INBOUND_FILE
		? isAbsolute(INBOUND_FILE)
			? INBOUND_FILE
			: resolvePath(process.cwd(), INBOUND_FILE)
		: join(repoRoot(), 'workflows/inbound.json');
	const workflow = readJson(file);
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-whatsurp.whatsUrpTrigger');
	if (!trigger) throw new Error(`${file}: no WhatsUrp Trigger node`);
	const inFile = Object.hasOwn(trigger.parameters, 'deliveryStatuses');
	const declared = triggerDeclaresStatuses();
	const current = inFile ? String(trigger.parameters.deliveryStatuses) : '(not set: node default)';
	let statusesNote: string;
	if (!STATUSES)
		statusesNote = `deliveryStatuses as in the file: ${inFile || declared.declared ? current : 'no such parameter'}`;
	else if (!inFile && !declared.declared)
		statusesNote = `--statuses=${STATUSES} does not apply: the WhatsUrp Trigger has no deliveryStatuses parameter (neither in ${file} nor in the built node)`;
	else {
		if (declared.values.length > 0 && !declared.values.includes(STATUSES))
			throw new Error(`--statuses=${STATUSES}: the trigger accepts ${declared.values.join(', ')}`);
		trigger.parameters.deliveryStatuses = STATUSES;
		statusesNote = `deliveryStatuses set to ${STATUSES} (was ${current})`;
	}
	return { workflow, file, statusesNote };
}

// ---------------------------------------------------------------------------------------------------------
// The Cloud API simulator in its own process (aftermathSimulator.ts)

interface Simulator {
	baseUrl: string;
	trackerUrl: string;
	/** simulator clock − real clock, ms */
	offset: number;
	child: ChildProcess;
}

async function startSimulator(): Promise<Simulator> {
	const options: CloudApiSimulatorOptions = {
		accessToken: ACCOUNT.accessToken,
		appSecret: ACCOUNT.appSecret,
		phoneNumberId: ACCOUNT.phoneNumberId,
		displayPhoneNumber: BUSINESS.displayPhoneNumber,
		wabaId: BUSINESS.wabaId,
		// n8n is measured, not Meta's limits: no throughput or pair-rate refusals (the broadcast paces itself)
		throughput: { perSecond: 100_000 },
		pairRate: false,
		statusWebhooks: true,
		statusDelaysMs: { sent: 10, delivered: 50, read: 150 },
		webhookConcurrency: CONCURRENCY,
	};
	const script = join(repoRoot(), '.build/dev/bench/aftermathSimulator.js');
	const child = spawn(
		nodeBinary(),
		[script, JSON.stringify({ options, clockStart: CLOCK_START })],
		{ stdio: ['pipe', 'pipe', 'inherit'] },
	);
	const lines = createInterface({ input: child.stdout! });
	const ready = await new Promise<string[]>((resolve, reject) => {
		lines.on('line', (line) => {
			if (line.startsWith('READY ')) resolve(line.slice(6).trim().split(' '));
		});
		child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
	});
	return { baseUrl: ready[0], trackerUrl: ready[1], offset: Number(ready[2]), child };
}

async function stopSimulator(simulator: Simulator | undefined): Promise<void> {
	if (!simulator || simulator.child.exitCode !== null || simulator.child.signalCode !== null)
		return;
	const exited = new Promise((resolve) => simulator.child.once('exit', resolve));
	simulator.child.kill('SIGTERM');
	await Promise.race([exited, sleep(5000)]);
	if (simulator.child.exitCode === null && simulator.child.signalCode === null)
		simulator.child.kill('SIGKILL');
}

/** JSON over HTTP without a client timeout (citizen-sends answers once n8n has answered the webhook). */
function httpJson<T>(url: string, method = 'GET', body?: unknown): Promise<T> {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const req = request(
			url,
			{
				method,
				headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {},
				// a connection of its own: a kept-alive one may have been closed by the server while the
				// benchmark seeded 40,000 subscribers (socket hang up)
				agent: false,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					if ((res.statusCode ?? 0) >= 400)
						reject(new Error(`${method} ${url}: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
					else {
						try {
							resolve(JSON.parse(text) as T);
						} catch (error) {
							reject(error as Error);
						}
					}
				});
				res.on('error', reject);
			},
		);
		req.setTimeout(0);
		req.on('error', reject);
		req.end(data);
	});
}

const deliveries = (simulator: Simulator) =>
	httpJson<TrackedDelivery[]>(`${simulator.trackerUrl}/deliveries`);
const outbound = (simulator: Simulator, type: string) =>
	httpJson<OutboundMessage[]>(`${simulator.baseUrl}/_sim/outbound?type=${type}`);

// ---------------------------------------------------------------------------------------------------------
// n8n: public API, RSS

async function api<T>(n8n: N8nInstance, path: string): Promise<T> {
	const response = await fetch(`${n8n.baseUrl}/api/v1/${path}`, {
		headers: { 'X-N8N-API-KEY': n8n.apiKey, accept: 'application/json' },
	});
	if (!response.ok)
		throw new Error(
			`GET /api/v1/${path}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`,
		);
	return (await response.json()) as T;
}

interface NodeRun {
	startTime?: number;
	executionTime?: number;
	data?: { main?: Array<Array<{ json?: Record<string, unknown> }> | null> };
}
interface Execution {
	id: string;
	workflowId?: string;
	status?: string;
	mode?: string;
	startedAt?: string;
	stoppedAt?: string | null;
	data?: {
		resultData?: {
			runData?: Record<string, NodeRun[]>;
			error?: { message?: string; node?: { name?: string } };
		};
	};
}

/** Every execution with an id above `afterId` (newest first, pages of `limit`), optionally with data. */
async function executionsAfter(
	n8n: N8nInstance,
	afterId: number,
	options: { includeData?: boolean; status?: string; limit?: number } = {},
	each?: (execution: Execution) => void,
): Promise<Execution[]> {
	const all: Execution[] = [];
	let cursor: string | undefined;
	for (;;) {
		const query = [
			`limit=${options.limit ?? 250}`,
			options.includeData ? 'includeData=true' : '',
			options.status ? `status=${options.status}` : '',
			cursor ? `cursor=${encodeURIComponent(cursor)}` : '',
		]
			.filter(Boolean)
			.join('&');
		const page = await api<{ data: Execution[]; nextCursor?: string | null }>(
			n8n,
			`executions?${query}`,
		);
		let older = false;
		for (const execution of page.data) {
			if (Number(execution.id) <= afterId) {
				older = true;
				continue;
			}
			if (each) each(execution);
			else all.push(execution);
		}
		cursor = page.nextCursor ?? undefined;
		if (!cursor || older || page.data.length === 0) return all;
	}
}

async function newestExecutionId(n8n: N8nInstance): Promise<number> {
	const page = await api<{ data: Execution[] }>(n8n, 'executions?limit=1');
	return page.data.length > 0 ? Number(page.data[0].id) : 0;
}

/** VmRSS (bytes) of every process whose process group is `pgid`. */
function groupRss(pgid: number): number {
	let total = 0;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) !== pgid) continue;
			const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
			if (match) total += Number(match[1]) * 1024;
		} catch {
			// gone
		}
	}
	return total;
}

/** RSS of every n8n process group, by process name (main; in queue mode also webhook, worker-1…). */
function n8nRss(n8n: N8nInstance): Map<string, number> {
	const result = new Map<string, number>();
	for (const one of n8n.processes) result.set(one.name, groupRss(one.pid));
	return result;
}
const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

// ---------------------------------------------------------------------------------------------------------
// Figures

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
function latency(values: number[]): { n: number; p50: number; p99: number; max: number } {
	const sorted = [...values].sort((a, b) => a - b);
	return {
		n: sorted.length,
		p50: percentile(sorted, 50),
		p99: percentile(sorted, 99),
		max: sorted[sorted.length - 1] ?? Number.NaN,
	};
}
const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '–');

/** mulberry32: the same citizens and moments for the same --seed. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const waIdOf = (i: number) => `39345${String(i).padStart(7, '0')}`;

interface CitizenSend {
	waId: string;
	kind: 'stop' | 'question';
	/** ms after the broadcast started */
	atMs: number;
	sentAt?: number;
	/** n8n's answer to the webhook as the simulator saw it */
	status?: number | null;
	error?: string;
	replyAt?: number;
}

// ---------------------------------------------------------------------------------------------------------
// The ingress (--ingress)

/** Starts .build/ingress/main.js on the store of the credential; resolves once it listens. */
async function startIngress(
	triggerUrl: string,
	credential: Record<string, unknown>,
	userFolder: string,
): Promise<ChildProcess> {
	const config = storeConfigFromCredential(credential, userFolder);
	const storeEnv: Record<string, string> =
		config.backend === 'sqlite'
			? { WHATSURP_STORE_PATH: config.path }
			: {
					WHATSURP_STORE_BACKEND: 'postgres',
					WHATSURP_STORE_HOST: config.host,
					WHATSURP_STORE_PORT: String(config.port),
					WHATSURP_STORE_DATABASE: config.database,
					WHATSURP_STORE_USER: config.user,
					WHATSURP_STORE_PASSWORD: config.password ?? '',
					WHATSURP_STORE_SCHEMA: config.schema ?? 'whatsurp',
				};
	const child = spawn(nodeBinary(), [join(__dirname, '../../ingress/main.js')], {
		env: {
			PATH: process.env.PATH ?? '',
			NODE_OPTIONS: '--max-semi-space-size=2',
			WHATSURP_INGRESS_PORT: String(INGRESS_PORT),
			WHATSURP_INGRESS_HOST: '127.0.0.1',
			WHATSURP_APP_SECRET: ACCOUNT.appSecret,
			WHATSURP_VERIFY_TOKEN: ACCOUNT.verifyToken,
			WHATSURP_TRIGGER_URL: triggerUrl,
			WHATSURP_INGRESS_INSTANCE: 'bench-aftermath',
			...storeEnv,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
	for (let waited = 0; !output.includes('listening'); waited += 50) {
		if (child.exitCode !== null || waited > 20_000)
			throw new Error(`the ingress did not start:\n${output}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return child;
}

function peakRssMbOf(pid: number): number {
	const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) / 1024 : NaN;
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
	const runStarted = Date.now();
	const resultDir = join(repoRoot(), '.state/bench-aftermath');
	// n8n's state (wiped at each start) below the results, which stay
	const stateDir = join(resultDir, QUEUE ? 'n8n-queue' : 'n8n');
	const { workflow: inbound, file: inboundFile, statusesNote } = inboundWorkflow();
	const broadcast = broadcastWorkflow();
	log(statusesNote);
	await ensureN8nInstalled();

	let simulator: Simulator | undefined;
	let open311: Open311Simulator | undefined;
	let mailbox: Mailbox | undefined;
	let n8n: N8nInstance | undefined;
	let store: SubscriptionStore | undefined;
	let ingress: ChildProcess | undefined;
	const timers: NodeJS.Timeout[] = [];
	let cleaning: Promise<void> | undefined;
	const cleanUp = () =>
		(cleaning ??= (async () => {
			for (const timer of timers) clearInterval(timer);
			if (ingress && ingress.exitCode === null) {
				const exited = new Promise((resolve) => ingress!.once('exit', resolve));
				ingress.kill('SIGTERM');
				await exited;
			}
			await store?.close().catch(() => undefined);
			await n8n?.stop().catch((error: unknown) => log(`n8n stop: ${String(error)}`));
			await Promise.allSettled([stopSimulator(simulator), open311?.stop(), mailbox?.stop()]);
		})());
	const onSignal = (signal: NodeJS.Signals) => {
		log(`${signal}: stopping everything`);
		void cleanUp().finally(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);

	try {
		simulator = await startSimulator();
		open311 = await startOpen311Simulator({ ...OPEN311, tokenDelayMs: 200 });
		mailbox = await startMailbox({ maxMessages: 2000 });
		if (QUEUE) await dropStoreSchema();
		const storeCredential = QUEUE ? queueStoreCredential : { backend: 'sqlite', path: '' };
		n8n = await startN8n({
			packageDir: repoRoot(),
			stateDir,
			port: PORT,
			fresh: true,
			...(QUEUE ? { queue: { workers: WORKERS } } : {}),
			credentials: [
				...inboundCredentials({
					whatsApp: { ...ACCOUNT, businessAccountId: '', baseUrl: simulator.baseUrl },
					open311: { baseUrl: open311.baseUrl, ...OPEN311 },
					smtpPort: mailbox.smtpPort,
					store: storeCredential,
				}),
				{ name: 'Accesso modulo avvisi', type: 'httpBasicAuth', data: FORM_AUTH },
			],
			workflows: [inbound, broadcast],
			env: {
				...(ENGINE ? { N8N_EXPRESSION_ENGINE: ENGINE } : {}),
				// every execution stays countable (n8n prunes beyond 10,000 by default)
				EXECUTIONS_DATA_PRUNE: 'false',
				...N8N_ENV,
			},
		});
		const [inboundId, broadcastId] = n8n.workflowIds;
		const triggerPath = webhookEndpoints(inbound).find((e) => e.method === 'POST')!.path;
		const inboundUrl = `${n8n.webhookBaseUrl}/webhook/${triggerPath}`;
		let webhookUrl = inboundUrl;
		if (INGRESS) {
			ingress = await startIngress(inboundUrl, storeCredential, join(stateDir, '.n8n'));
			webhookUrl = `http://127.0.0.1:${INGRESS_PORT}/`;
			log(`whatsurp-ingress on ${webhookUrl}, forwarding to ${inboundUrl}`);
		}
		await httpJson(`${simulator.baseUrl}/_sim/webhook-url`, 'POST', { url: webhookUrl });

		// subscribers, straight into the store
		store = await openStore(storeConfigFromCredential(storeCredential, join(stateDir, '.n8n')));
		const seedStarted = Date.now();
		for (let start = 0; start < SUBSCRIBERS; start += 25) {
			await Promise.all(
				Array.from({ length: Math.min(25, SUBSCRIBERS - start) }, (_, k) =>
					store!.importSubscriber(
						{
							citizen: { waId: waIdOf(start + k) },
							lists: [LIST],
							consentAt: CONSENT,
							policyVersion: '2026-01',
						},
						{ at: CONSENT, channel: 'import' },
					),
				),
			);
		}
		log(`${SUBSCRIBERS} subscribers of ${LIST} seeded in ${seconds(Date.now() - seedStarted)}`);

		// warm-up: one question and one STOP from non-subscribers (creates the data tables, loads the paths)
		for (const [waId, text] of [
			['39346000000001', QUESTION],
			['39346000000002', 'STOP'],
		]) {
			await httpJson(`${simulator.baseUrl}/_sim/citizen-sends`, 'POST', {
				from: { waId, name: 'Prova' },
				type: 'text',
				text,
			});
			const deadline = Date.now() + 60_000;
			while (Date.now() < deadline) {
				const texts = await httpJson<OutboundMessage[]>(
					`${simulator.baseUrl}/_sim/outbound?to=${waId}`,
				);
				if (texts.length > 0) break;
				await sleep(200);
			}
		}
		await sleep(3000);
		await httpJson(`${simulator.trackerUrl}/reset`, 'POST');

		// idle baseline
		const beforeId = await newestExecutionId(n8n);
		const idleSamples: number[] = [];
		for (let i = 0; i < 6; i++) {
			idleSamples.push(sum(n8nRss(n8n).values()));
			await sleep(500);
		}
		const idleRss = idleSamples.sort((a, b) => a - b)[Math.floor(idleSamples.length / 2)];
		const idleByProcess = n8nRss(n8n);
		let peakRss = 0;
		let peakByProcess = new Map<string, number>();
		timers.push(
			setInterval(() => {
				const rss = n8nRss(n8n!);
				const total = sum(rss.values());
				if (total > peakRss) {
					peakRss = total;
					peakByProcess = rss;
				}
			}, 500),
		);

		// the alert's id, and the store's counts of it every 250 ms
		const alertId = `aftermath-${new Date().toISOString().replace(/[:.]/g, '-')}`;
		let counts: Record<string, number> = {};
		let countsKey = '0 0';
		let countsChangedAt = 0;
		let polling = false;
		timers.push(
			setInterval(() => {
				if (polling || !store) return;
				polling = true;
				void store.broadcasts
					.counts(alertId)
					.then((c) => {
						counts = c.byState;
						// what the statuses change: rows delivered or read (the broadcast itself writes sent)
						const key = `${c.byState.delivered} ${c.byState.read}`;
						if (key !== countsKey) {
							countsKey = key;
							countsChangedAt = Date.now();
						}
					})
					.catch(() => undefined)
					.finally(() => (polling = false));
			}, 250),
		);

		// citizens: who writes what, when (ms after the broadcast starts)
		const rand = random(SEED);
		const order = Array.from({ length: SUBSCRIBERS }, (_, i) => i);
		for (let i = order.length - 1; i > 0; i--) {
			const j = Math.floor(rand() * (i + 1));
			[order[i], order[j]] = [order[j], order[i]];
		}
		const stops = Math.round(SUBSCRIBERS * STOP_SHARE);
		const questions = Math.round(SUBSCRIBERS * QUESTION_SHARE);
		const expectedMs = (SUBSCRIBERS / Math.max(RATE, 0.001)) * 1000;
		const sends: CitizenSend[] = order.slice(0, stops + questions).map((index, k) => ({
			waId: waIdOf(index),
			kind: k < stops ? 'stop' : 'question',
			atMs: Math.floor(rand() * expectedMs),
		}));

		// the alert through the form
		log(
			`alert ${alertId}: ${SUBSCRIBERS} recipients at ${RATE}/s (about ${seconds(expectedMs)}); ${stops} STOP, ${questions} questions`,
		);
		const waitingUrl = await submitForm(
			n8n.webhookBaseUrl,
			FORM_PATH,
			[LIST, TEMPLATE, 'Prova: chiusi i parchi fino alle 20.', alertId, 'bench@comune.rimini.it'],
			FORM_AUTH,
		);
		await waitForFormStatus(waitingUrl, ['form-waiting'], 120_000);
		const preview = await getFormPage(waitingUrl);
		const recipientsShown = /destinatari:<\/b>\s*(\d+)/.exec(preview)?.[1];
		await postFormPage(waitingUrl, [undefined, 'Sì, invia']);
		const confirmedAt = Date.now();
		await completeForm(waitingUrl);
		const completedAt = Date.now();
		const formExecutionId = /\/form-waiting\/(\d+)/.exec(waitingUrl)?.[1];
		log(
			`confirmed (preview: ${recipientsShown ?? '?'} recipients), form execution ${formExecutionId ?? '?'}`,
		);

		const deadline = confirmedAt + TIMEOUT_MS;
		const inFlight: Array<Promise<void>> = [];
		for (const send of sends) {
			const timer = setTimeout(
				() => {
					send.sentAt = Date.now();
					inFlight.push(
						httpJson<{ status: number | null }>(
							`${simulator!.baseUrl}/_sim/citizen-sends`,
							'POST',
							{
								from: { waId: send.waId, name: `Cittadino ${send.waId.slice(-4)}` },
								type: 'text',
								text: send.kind === 'stop' ? 'STOP' : QUESTION,
							},
						)
							.then((answer) => void (send.status = answer.status))
							.catch((error: unknown) => void (send.error = String(error))),
					);
				},
				Math.max(0, confirmedAt + send.atMs - Date.now()),
			);
			timers.push(timer);
		}

		// the broadcast's end
		let broadcastExecution: Execution | undefined;
		while (Date.now() < deadline && formExecutionId) {
			const execution = await api<Execution>(n8n, `executions/${formExecutionId}?includeData=true`);
			if (['success', 'error', 'crashed', 'canceled'].includes(execution.status ?? '')) {
				broadcastExecution = execution;
				break;
			}
			await sleep(1000);
		}
		const sendRun = broadcastExecution?.data?.resultData?.runData?.['Invia avviso']?.[0];
		const summary = (sendRun?.data?.main?.[0]?.[0]?.json ?? {}) as Record<string, unknown>;
		const broadcastEnd =
			sendRun?.startTime !== undefined
				? sendRun.startTime + (sendRun.executionTime ?? 0)
				: Number.NaN;
		log(
			`broadcast ${broadcastExecution?.status ?? 'not finished'}: sent ${String(summary.sent)} of ${String(summary.total)} in ${seconds(broadcastEnd - confirmedAt)}`,
		);
		const alertMessages = await outbound(simulator, 'template');
		const alertWamids = new Set(alertMessages.map((m) => m.wamid));

		// then: replies, status webhooks, the store — until complete, or quiet, or the timeout
		const expectedAlertStatuses = alertWamids.size * 3;
		let tracked: TrackedDelivery[] = [];
		let texts: OutboundMessage[] = [];
		let finished = '';
		while (!finished) {
			await sleep(2000);
			tracked = await deliveries(simulator);
			texts = await outbound(simulator, 'text');
			const scheduled = sends.every((s) => s.sentAt !== undefined);
			const replied = sends.filter((s) => texts.some((t) => t.to === s.waId)).length;
			const alertStatuses = tracked.filter(
				(d) => d.kind === 'status' && d.messageIds.some((id) => alertWamids.has(id)),
			);
			const answered = alertStatuses.filter((d) => d.answeredAt !== null).length;
			const allRead = alertWamids.size > 0 && (counts.read ?? 0) >= alertWamids.size;
			const quiet = Date.now() - countsChangedAt > 15_000;
			const webhooksDone = answered >= expectedAlertStatuses;
			log(
				`status webhooks answered ${answered}/${expectedAlertStatuses}, store ${JSON.stringify(counts)}, replies ${replied}/${sends.length}`,
			);
			if (scheduled && replied >= sends.length && webhooksDone && (allRead || quiet))
				finished = allRead ? 'complete' : 'statuses no longer recorded (15 s without change)';
			else if (Date.now() > deadline) finished = `timeout (${TIMEOUT_MS / 60_000} min)`;
		}
		await Promise.race([Promise.allSettled(inFlight), sleep(10_000)]);

		// executions: wait until none is queued or running and no new one appeared for 5 s (at most
		// 2 minutes; queue mode answers webhooks before its workers run them), then read them all
		const settleDeadline = Date.now() + 120_000;
		let newest = -1;
		let settled = false;
		while (Date.now() < settleDeadline) {
			const [running, queued, latest] = await Promise.all([
				executionsAfter(n8n, beforeId, { status: 'running' }),
				executionsAfter(n8n, beforeId, { status: 'new' }),
				newestExecutionId(n8n),
			]);
			if (running.length === 0 && queued.length === 0 && latest === newest) {
				settled = true;
				break;
			}
			newest = latest;
			await sleep(5000);
		}
		if (!settled) log('executions still queued or running after 2 minutes: counted as they are');
		const classes = {
			status: 0,
			statusItems: 0,
			message: 0,
			questionForwarded: 0,
			broadcast: 0,
			other: 0,
		};
		const byStatus = new Map<string, number>();
		const failures = new Map<string, number>();
		let total = 0;
		let inboundTotal = 0;
		let lastStarted = 0;
		const readStarted = Date.now();
		await executionsAfter(n8n, beforeId, { includeData: true, limit: 100 }, (execution) => {
			total++;
			byStatus.set(execution.status ?? '?', (byStatus.get(execution.status ?? '?') ?? 0) + 1);
			lastStarted = Math.max(lastStarted, Date.parse(execution.startedAt ?? '') || 0);
			const runData = execution.data?.resultData?.runData ?? {};
			if (execution.workflowId === broadcastId) classes.broadcast++;
			else {
				if (execution.workflowId === inboundId) inboundTotal++;
				const triggerName = inbound.nodes.find(
					(node) => node.type === 'n8n-nodes-whatsurp.whatsUrpTrigger',
				)!.name;
				const items = (runData[triggerName]?.[0]?.data?.main ?? []).flatMap((out) => out ?? []);
				if (items.length > 0) {
					const statusItems = items.filter((item) => item.json?.event === 'status').length;
					if (statusItems > 0) {
						classes.status++;
						classes.statusItems += statusItems;
					} else classes.message++;
				} else if (runData['Domanda per gli operatori']) classes.questionForwarded++;
				else classes.other++;
			}
			if (execution.status === 'error' || execution.status === 'crashed') {
				const error = execution.data?.resultData?.error;
				const text = `${error?.node?.name ?? '?'}: ${(error?.message ?? execution.status).slice(0, 160)}`;
				failures.set(text, (failures.get(text) ?? 0) + 1);
			}
		});
		log(`${total} executions read with their data in ${seconds(Date.now() - readStarted)}`);

		// figures
		tracked = await deliveries(simulator);
		texts = await outbound(simulator, 'text');
		const statusPosts = tracked.filter((d) => d.kind === 'status');
		const statusOk = statusPosts.filter((d) => d.status === 200);
		const alertStatusPosts = statusPosts.filter((d) =>
			d.messageIds.some((id) => alertWamids.has(id)),
		);
		const messagePosts = tracked.filter((d) => d.kind === 'message');
		const answeredTimes = statusPosts
			.map((d) => d.answeredAt)
			.filter((t): t is number => t !== null)
			.sort((a, b) => a - b);
		const absorbSpanMs =
			answeredTimes.length > 1 ? answeredTimes.at(-1)! - answeredTimes[0] : Number.NaN;
		const lastStatusSent = Math.max(0, ...alertStatusPosts.map((d) => d.startedAt));
		const statusCodes = new Map<string, number>();
		for (const d of statusPosts) {
			const key = d.status === null ? `no answer (${d.error ?? 'pending'})` : `HTTP ${d.status}`;
			statusCodes.set(key, (statusCodes.get(key) ?? 0) + 1);
		}
		for (const send of sends) {
			const reply = texts
				.filter(
					(t) => t.to === send.waId && t.at - simulator!.offset >= (send.sentAt ?? Infinity) - 5,
				)
				.sort((a, b) => a.at - b.at)[0];
			if (reply) send.replyAt = reply.at - simulator.offset;
		}
		const latencies = (kind: CitizenSend['kind']) =>
			latency(
				sends
					.filter((s) => s.kind === kind && s.replyAt !== undefined && s.sentAt !== undefined)
					.map((s) => s.replyAt! - s.sentAt!),
			);
		const missing = (kind: CitizenSend['kind']) =>
			sends.filter((s) => s.kind === kind && s.replyAt === undefined).length;
		const citizenNot200 = sends.filter((s) => s.status !== 200).length;
		const stopLatency = latencies('stop');
		const questionLatency = latencies('question');
		const failedTotal = (byStatus.get('error') ?? 0) + (byStatus.get('crashed') ?? 0);
		const load = loadavg();
		const crossCheck =
			inboundTotal -
			messagePosts.filter((d) => d.status === 200).length -
			classes.questionForwarded;

		const ingressFigures: Record<string, number> | null = ingress
			? { ...(await readIngressMetrics(INGRESS_PORT)), rssPeakMb: peakRssMbOf(ingress.pid!) }
			: null;
		const result = {
			benchmark: 'bench:aftermath',
			ingress: ingressFigures,
			at: new Date().toISOString(),
			options: {
				subscribers: SUBSCRIBERS,
				rate: RATE,
				stopShare: STOP_SHARE,
				questionShare: QUESTION_SHARE,
				concurrency: CONCURRENCY,
				port: PORT,
				engine: ENGINE || 'default (vm)',
				n8nEnv: N8N_ENV,
				queue: QUEUE ? { workers: WORKERS } : false,
				inboundWorkflow: inboundFile,
				statuses: STATUSES || null,
				statusesNote,
				timeoutMin: TIMEOUT_MS / 60_000,
				seed: SEED,
			},
			finished,
			alert: {
				id: alertId,
				previewRecipients: recipientsShown ? Number(recipientsShown) : null,
				executionStatus: broadcastExecution?.status ?? null,
				wallMs: broadcastEnd - confirmedAt,
				confirmToCompletionPostMs: completedAt - confirmedAt,
				nodeSummary: summary,
				messagesAccepted: alertWamids.size,
			},
			statusWebhooks: {
				posts: statusPosts.length,
				answered200: statusOk.length,
				answers: Object.fromEntries(statusCodes),
				ofAlertMessages: alertStatusPosts.length,
				ofAlertMessagesExpected: expectedAlertStatuses,
				ofAlertMessagesAnswered200: alertStatusPosts.filter((d) => d.status === 200).length,
				absorbedPerSecond: statusOk.length / (absorbSpanMs / 1000),
				firstToLastAnswerMs: absorbSpanMs,
			},
			executions: {
				total,
				byStatus: Object.fromEntries(byStatus),
				startedByStatusWebhooks: classes.status,
				statusItemsInThem: classes.statusItems,
				citizenMessages: classes.message,
				questionSubExecutions: classes.questionForwarded,
				broadcastWorkflow: classes.broadcast,
				other: classes.other,
				inboundWorkflowTotal: inboundTotal,
				crossCheckInboundMinusCitizenPostsMinusSubExecutions: crossCheck,
				lastStartedAfterConfirmMs: lastStarted ? lastStarted - confirmedAt : null,
			},
			store: {
				countsAtEnd: counts,
				lastStatusSentToLastRecordedMs:
					countsChangedAt && lastStatusSent ? countsChangedAt - lastStatusSent : null,
				lastRecordedAfterConfirmMs: countsChangedAt ? countsChangedAt - confirmedAt : null,
				lastRecordedAfterBroadcastEndMs: countsChangedAt ? countsChangedAt - broadcastEnd : null,
			},
			citizens: {
				stop: {
					sent: sends.filter((s) => s.kind === 'stop').length,
					missingReplies: missing('stop'),
					latencyMs: stopLatency,
				},
				question: {
					sent: sends.filter((s) => s.kind === 'question').length,
					missingReplies: missing('question'),
					latencyMs: questionLatency,
				},
				webhooksNot200: citizenNot200,
			},
			failedExecutions: { count: failedTotal, kinds: Object.fromEntries(failures) },
			rss: {
				idleMb: mb(idleRss),
				peakMb: mb(peakRss),
				idleByProcessMb: Object.fromEntries([...idleByProcess].map(([k, v]) => [k, mb(v)])),
				peakByProcessMb: Object.fromEntries([...peakByProcess].map(([k, v]) => [k, mb(v)])),
			},
			machine: { cores: cpus().length, loadavg: load.map((l) => Number(l.toFixed(2))) },
			runSeconds: Math.round((Date.now() - runStarted) / 1000),
		};

		const lat = (l: ReturnType<typeof latency>) =>
			`p50 ${seconds(l.p50)}, p99 ${seconds(l.p99)}, max ${seconds(l.max)} (${l.n} replies)`;
		const lines = [
			`# bench:aftermath – ${result.at}`,
			'',
			`${SUBSCRIBERS} subscribers of #${LIST}, alert at ${RATE}/s through workflows/broadcast.json's form; ${stops} STOP and ${questions} questions spread over ${seconds(expectedMs)}; status webhooks sent/delivered/read (10/50/150 ms after acceptance), ${CONCURRENCY} POSTs in flight; inbound workflow ${inboundFile}; ${statusesNote}; n8n 2.41.1 ${QUEUE ? `queue mode (${WORKERS} worker${WORKERS > 1 ? 's' : ''}, store on PostgreSQL)` : 'single instance (SQLite)'}, expression engine ${ENGINE || 'default (vm)'}${
				Object.keys(N8N_ENV).length
					? `, ${Object.entries(N8N_ENV)
							.map(([k, v]) => `${k}=${v}`)
							.join(', ')}`
					: ''
			}; simulator clock from Tue 2026-03-10 10:00 Rome; run took ${result.runSeconds} s; ended: ${finished}.`,
			'',
			`| figure | value |`,
			`|---|---|`,
			`| alert wall time (confirm → "Invia avviso" finished) | ${seconds(result.alert.wallMs)} (execution ${result.alert.executionStatus ?? 'not finished'}; node: sent ${String(summary.sent ?? '?')} of ${String(summary.total ?? '?')}, skipped ${JSON.stringify(summary.skipped ?? {})}, ${String(summary.durationMs ?? '?')} ms, ${String(summary.achievedRate ?? '?')}/s; simulator accepted ${alertWamids.size} templates) |`,
			`| status webhooks received by ${INGRESS ? 'the ingress' : 'n8n'} | ${statusPosts.length} POSTs (${alertStatusPosts.length} of the alert's ${expectedAlertStatuses} expected), answered 200: ${statusOk.length}; ${[...statusCodes].map(([k, v]) => `${k} ×${v}`).join(', ')} |`,
			`| executions started during the run | ${total} (${[...byStatus].map(([k, v]) => `${k} ${v}`).join(', ')}): by status webhooks ${classes.status} (trigger items with event 'status': ${classes.statusItems}), citizens' messages ${classes.message}, questions' sub-executions ${classes.questionForwarded}, broadcast ${classes.broadcast}, other ${classes.other}; cross-check: inbound executions ${inboundTotal} − citizen POSTs answered 200 ${messagePosts.filter((d) => d.status === 200).length} − sub-executions ${classes.questionForwarded} = ${crossCheck} |`,
			`| last status webhook sent → last status recorded | ${result.store.lastStatusSentToLastRecordedMs === null ? '–' : seconds(result.store.lastStatusSentToLastRecordedMs)} (last change of delivered/read ${result.store.lastRecordedAfterConfirmMs === null ? '–' : seconds(result.store.lastRecordedAfterConfirmMs)} after the confirm, ${result.store.lastRecordedAfterBroadcastEndMs === null ? '–' : seconds(result.store.lastRecordedAfterBroadcastEndMs)} after the broadcast ended; store at the end: ${
				Object.entries(counts)
					.filter(([, n]) => n > 0)
					.map(([k, n]) => `${k} ${n}`)
					.join(', ') || 'nothing'
			}) |`,
			`| STOP → reply | ${lat(stopLatency)}; missing ${missing('stop')} of ${result.citizens.stop.sent} |`,
			`| question → acknowledgement | ${lat(questionLatency)}; missing ${missing('question')} of ${result.citizens.question.sent} |`,
			`| citizens' webhooks not answered 200 | ${citizenNot200} |`,
			`| failed executions | ${failedTotal}${failures.size ? ` (${[...failures].map(([k, v]) => `${k} ×${v}`).join('; ')})` : ''} |`,
			`| n8n RSS idle → peak | ${mb(idleRss)} MB → ${mb(peakRss)} MB (peak by process: ${[...peakByProcess].map(([k, v]) => `${k} ${mb(v)} MB`).join(', ')}) |`,
			`| status webhooks absorbed per second | ${result.statusWebhooks.absorbedPerSecond.toFixed(1)}/s (${statusOk.length} answered 200 over ${seconds(absorbSpanMs)}, first → last answer) |`,
			...(ingressFigures
				? [
						`| ingress | statuses recorded ${ingressFigures.statuses_total}, citizens' bodies queued ${ingressFigures.queued_total} (redeliveries ${ingressFigures.duplicates_total}), forwarded to n8n ${ingressFigures.forwarded_total}, waiting ${ingressFigures.queue_depth}; forward failures refused ${ingressFigures['forward_failures_total{kind="refused"}'] ?? 0}, server ${ingressFigures['forward_failures_total{kind="server"}'] ?? 0}, network ${ingressFigures['forward_failures_total{kind="network"}'] ?? 0}; 503s ${ingressFigures.store_failures_total}; ${ingressFigures.transactions_total} transactions; RSS peak ${ingressFigures.rssPeakMb.toFixed(0)} MB |`,
					]
				: []),
			`| machine | ${cpus().length} cores, load average ${load.map((l) => l.toFixed(2)).join(' / ')} |`,
		];
		const output = lines.join('\n');
		console.log(`\n${output}\n`);
		mkdirSync(resultDir, { recursive: true });
		const resultPath = join(resultDir, `result-${result.at.replace(/[:.]/g, '-')}.json`);
		writeFileSync(resultPath, `${JSON.stringify(result, null, 2)}\n`);
		log(`written to ${resultPath}`);
	} finally {
		await cleanUp();
	}
}

void main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
