/**
 * `npm run bench:broadcast`: the WhatsUrp Broadcast node against n8n's usual recipe (WhatsUrp
 * Subscribers "Get Many" → HTTP Request with its batching option), on the same real n8n, the same
 * SQLite store and the same Cloud API simulator enforcing its throughput limit (130429), in one run.
 *
 * For each configured rate the simulator is started (in a process of its own) with that limit; each
 * workflow is called through its webhook and we measure: wall time, messages accepted per second
 * (accepted / wall time) as a share of the rate, 130429 answers, duplicates (messages beyond one per
 * recipient), and the n8n process's peak resident memory above its level before the run.
 * The HTTP Request recipe is first tried at a few batch settings on a small list, and the best one
 * (highest rate, then fewest 130429) is used for the big lists.
 *
 * Options: --sizes=10000,100000 --rates=1000,80 --skip-http --port=5690
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

import { runBroadcast } from '../../nodes/core/broadcast';
import { createJsonTransport } from '../../nodes/core/broadcast/httpTransport';
import { openStore } from '../../nodes/core/store';
import { buildTemplateMessage } from '../../nodes/core/whatsapp/messages';
import { startSimulatorChild, stopSimulatorChild, type SimulatorChild } from './simulatorChild';
import { ensureN8nInstalled, repoRoot } from '../n8n/install';
import { startN8n, type N8nInstance } from '../n8n/launcher';

const ACCOUNT = {
	accessToken: 'bench-access-token',
	appSecret: 'bench-app-secret',
	verifyToken: 'bench-verify-token',
	phoneNumberId: '100000000000077',
	apiVersion: 'v23.0',
};
const CONSENT = new Date('2026-01-10T10:00:00Z');

function option(name: string, fallback: string): string {
	const prefix = `--${name}=`;
	return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}
const SIZES = option('sizes', '10000,100000').split(',').map(Number);
const RATES = option('rates', '1000,80').split(',').map(Number);
const SKIP_HTTP = process.argv.includes('--skip-http');
const PORT = Number(option('port', '5690'));

type Simulator = SimulatorChild;

async function startSimulator(rate: number): Promise<Simulator> {
	const options = {
		accessToken: ACCOUNT.accessToken,
		appSecret: ACCOUNT.appSecret,
		phoneNumberId: ACCOUNT.phoneNumberId,
		throughput: { perSecond: rate },
		statusDelaysMs: { delivered: 50, read: null },
	};
	return await startSimulatorChild(options);
}

const stopSimulator = stopSimulatorChild;

async function simulatorGet<T>(simulator: Simulator, path: string): Promise<T> {
	const response = await fetch(`${simulator.baseUrl}${path}`);
	return (await response.json()) as T;
}

/** POST without a client timeout (a broadcast of 100,000 at 80/s takes 21 minutes). */
function postJson(url: string, body: unknown): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const data = Buffer.from(JSON.stringify(body));
		const req = request(
			url,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json', 'content-length': data.length },
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
				);
			},
		);
		req.setTimeout(0);
		req.on('error', reject);
		req.end(data);
	});
}

function rssBytes(pid: number): number {
	let total = 0;
	// n8n's main process (the broadcast runs there in regular mode)
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const match = /VmRSS:\s+(\d+) kB/.exec(status);
	if (match) total += Number(match[1]) * 1024;
	return total;
}

interface Measure {
	wallS: number;
	accepted: number;
	throttled: number;
	duplicates: number;
	peakExtraMb: number;
	response: string;
}

async function measure(
	n8n: N8nInstance,
	simulator: Simulator,
	path: string,
	body: unknown,
): Promise<Measure> {
	await fetch(`${simulator.baseUrl}/_sim/reset`, { method: 'POST' });
	(global as { gc?: () => void }).gc?.();
	await new Promise((r) => setTimeout(r, 1500));
	const baseline = rssBytes(n8n.pid);
	let peak = baseline;
	const sampler = setInterval(() => {
		try {
			peak = Math.max(peak, rssBytes(n8n.pid));
		} catch {
			// process gone: the run fails below
		}
	}, 100);
	const started = process.hrtime.bigint();
	const answer = await postJson(`${n8n.baseUrl}/webhook/${path}`, body);
	const wallS = Number(process.hrtime.bigint() - started) / 1e9;
	clearInterval(sampler);
	const stats = await simulatorGet<{ accepted: number; rejectedByCode: Record<string, number> }>(
		simulator,
		'/_sim/stats',
	);
	const outbound = await simulatorGet<Array<{ to?: string }>>(simulator, '/_sim/outbound');
	const distinct = new Set(outbound.map((m) => m.to)).size;
	if (answer.status !== 200)
		throw new Error(`${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
	return {
		wallS,
		accepted: stats.accepted,
		throttled: stats.rejectedByCode['130429'] ?? 0,
		duplicates: stats.accepted - distinct,
		peakExtraMb: (peak - baseline) / 1024 / 1024,
		response: answer.text,
	};
}

/**
 * The same engine without n8n, in this process (same store file, same simulator): tells apart what
 * the engine needs from what n8n's process adds around it.
 */
async function measureEngineAlone(
	simulator: Simulator,
	storePath: string,
	list: string,
	rate: number,
): Promise<Measure> {
	await fetch(`${simulator.baseUrl}/_sim/reset`, { method: 'POST' });
	const store = await openStore({ backend: 'sqlite', path: storePath });
	const transport = createJsonTransport(
		`${simulator.baseUrl}/${ACCOUNT.apiVersion}/${ACCOUNT.phoneNumberId}/messages`,
		{ headers: { Authorization: `Bearer ${ACCOUNT.accessToken}` }, maxSockets: 250 },
	);
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
	const started = process.hrtime.bigint();
	const summary = await runBroadcast({
		ledger: store.broadcasts,
		id: `alone-${rate}-${list}-${Date.now()}`,
		list,
		rate,
		transport: transport.send,
		message: {
			description: { template: 'avviso_emergenza' },
			build: (recipient) =>
				buildTemplateMessage(recipient, {
					name: 'avviso_emergenza',
					language: 'it',
					bodyParameters: ['Prova di carico'],
				}),
		},
	});
	const wallS = Number(process.hrtime.bigint() - started) / 1e9;
	clearInterval(sampler);
	transport.close();
	await store.close();
	const stats = await simulatorGet<{ accepted: number; rejectedByCode: Record<string, number> }>(
		simulator,
		'/_sim/stats',
	);
	return {
		wallS,
		accepted: stats.accepted,
		throttled: stats.rejectedByCode['130429'] ?? 0,
		duplicates: stats.accepted - summary.thisRun.sent,
		peakExtraMb: (peak - baseline) / 1024 / 1024,
		response: JSON.stringify(summary),
	};
}

function broadcastWorkflow(): object {
	return {
		name: 'Bench – WhatsUrp Broadcast',
		nodes: [
			{
				id: 'b1',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'b6a1f7c2-0000-4000-8000-000000000001',
				parameters: {
					httpMethod: 'POST',
					path: 'bench-broadcast',
					responseMode: 'lastNode',
					options: {},
				},
			},
			{
				id: 'b2',
				name: 'WhatsUrp Broadcast',
				type: 'n8n-nodes-whatsurp.whatsUrpBroadcast',
				typeVersion: 1,
				position: [300, 0],
				parameters: {
					operation: 'send',
					broadcastId: '={{ $json.body.id }}',
					list: '={{ $json.body.list }}',
					messageType: 'template',
					templateName: 'avviso_emergenza',
					templateLanguage: 'it',
					templateBodyParameters: { parameter: [{ value: 'Prova di carico' }] },
					rate: '={{ $json.body.rate }}',
				},
				credentials: {
					whatsAppCloudApi: { id: null, name: 'WhatsApp URP' },
					whatsUrpStore: { id: null, name: 'Archivio iscrizioni' },
				},
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'WhatsUrp Broadcast', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

function httpRequestWorkflow(): object {
	return {
		name: 'Bench – HTTP Request batching',
		nodes: [
			{
				id: 'h1',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'b6a1f7c2-0000-4000-8000-000000000002',
				parameters: {
					httpMethod: 'POST',
					path: 'bench-http',
					responseMode: 'lastNode',
					options: {},
				},
			},
			{
				id: 'h2',
				name: 'Iscritti',
				type: 'n8n-nodes-whatsurp.whatsUrpSubscribers',
				typeVersion: 1,
				position: [250, 0],
				parameters: {
					operation: 'getMany',
					filterList: '={{ $json.body.list }}',
					filterState: 'active',
					returnAll: true,
				},
				credentials: { whatsUrpStore: { id: null, name: 'Archivio iscrizioni' } },
			},
			{
				id: 'h3',
				name: 'HTTP Request',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [500, 0],
				parameters: {
					method: 'POST',
					url: `={{ $('Webhook').first().json.body.url }}`,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: 'whatsAppCloudApi',
					sendBody: true,
					specifyBody: 'json',
					jsonBody:
						"={{ JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: $json.waId, type: 'template', template: { name: 'avviso_emergenza', language: { code: 'it', policy: 'deterministic' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Prova di carico' }] }] } }) }}",
					options: {
						batching: {
							batch: {
								batchSize: `={{ $('Webhook').first().json.body.batchSize }}`,
								batchInterval: `={{ $('Webhook').first().json.body.batchInterval }}`,
							},
						},
						response: { response: { neverError: true } },
					},
				},
				credentials: { whatsAppCloudApi: { id: null, name: 'WhatsApp URP' } },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Iscritti', type: 'main', index: 0 }]] },
			Iscritti: { main: [[{ node: 'HTTP Request', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

interface Row {
	recipe: string;
	size: number;
	rate: number;
	setting: string;
	m: Measure;
}

/** A run that failed (n8n out of memory, a timeout…) is a result too: recorded, the others go on. */
async function attempt(run: () => Promise<Measure>): Promise<Measure> {
	try {
		return await run();
	} catch (error) {
		const message = (error as Error).message.replace(/\s+/g, ' ').slice(0, 120);
		console.error(`run failed: ${message}`);
		return {
			wallS: Number.NaN,
			accepted: 0,
			throttled: 0,
			duplicates: 0,
			peakExtraMb: Number.NaN,
			response: `{"error":${JSON.stringify(message)}}`,
		};
	}
}

function table(rows: Row[]): string {
	const head =
		'| recipe | recipients | rate (msg/s) | setting | wall (s) | achieved (msg/s) | achieved / rate | 130429 | duplicates | peak extra RSS (MB) |';
	const sep = '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|';
	const lines = rows.map((r) => {
		const achieved = r.m.accepted / r.m.wallS;
		return `| ${r.recipe} | ${r.size.toLocaleString('en')} | ${r.rate} | ${r.setting} | ${r.m.wallS.toFixed(1)} | ${achieved.toFixed(1)} | ${((achieved / r.rate) * 100).toFixed(1)} % | ${r.m.throttled} | ${r.m.duplicates} | ${r.m.peakExtraMb.toFixed(0)} |`;
	});
	return [head, sep, ...lines].join('\n');
}

async function main(): Promise<void> {
	await ensureN8nInstalled();
	const stateDir = join(repoRoot(), `.state/bench-broadcast-${PORT}`);
	const storePath = join(stateDir, 'bench-store.sqlite');
	const first = await startSimulator(RATES[0]);
	const n8n = await startN8n({
		packageDir: repoRoot(),
		stateDir,
		port: PORT,
		fresh: true,
		credentials: [
			{
				name: 'WhatsApp URP',
				type: 'whatsAppCloudApi',
				data: { ...ACCOUNT, businessAccountId: '', baseUrl: first.baseUrl },
			},
			{
				name: 'Archivio iscrizioni',
				type: 'whatsUrpStore',
				data: { backend: 'sqlite', path: storePath },
			},
		],
		workflows: [broadcastWorkflow(), httpRequestWorkflow()],
		env: { EXECUTIONS_DATA_PRUNE: 'true' },
	});
	await stopSimulator(first);
	const rows: Row[] = [];
	try {
		const store = await openStore({ backend: 'sqlite', path: storePath });
		const seedStarted = Date.now();
		const lists: Record<number, string> = {};
		for (const size of [...new Set([2000, ...SIZES])]) {
			const list = `BENCH${size}`;
			lists[size] = list;
			for (let i = 0; i < size; i++) {
				await store.importSubscriber(
					{
						citizen: { waId: `39${String(size).length}${String(i).padStart(9, '0')}` },
						lists: [list],
						consentAt: CONSENT,
						policyVersion: 'v1',
					},
					{ at: CONSENT, channel: 'import' },
				);
			}
		}
		await store.close();
		console.log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

		for (const rate of RATES) {
			const simulator = await startSimulator(rate);
			await n8n.upsertCredential({
				name: 'WhatsApp URP',
				type: 'whatsAppCloudApi',
				data: { ...ACCOUNT, businessAccountId: '', baseUrl: simulator.baseUrl },
			});
			const url = `${simulator.baseUrl}/${ACCOUNT.apiVersion}/${ACCOUNT.phoneNumberId}/messages`;
			try {
				for (const size of SIZES) {
					const m = await attempt(() =>
						measure(n8n, simulator, 'bench-broadcast', {
							id: `bench-${rate}-${size}-${Date.now()}`,
							list: lists[size],
							rate,
						}),
					);
					const summary = JSON.parse(m.response) as {
						achievedRate?: number;
						thisRun?: { throttled?: number };
					};
					rows.push({
						recipe: 'WhatsUrp Broadcast',
						size,
						rate,
						setting: `auto (node says ${summary.achievedRate}/s)`,
						m,
					});
					console.log(table(rows.slice(-1)));
				}
				// Without n8n only where the CPU matters: at 80/s the engine waits on the limit (and a
				// second 100,000-recipient run would add 21 minutes to the benchmark).
				for (const size of rate >= 500 ? SIZES : []) {
					const m = await attempt(() =>
						measureEngineAlone(simulator, storePath, lists[size], rate),
					);
					rows.push({ recipe: 'engine alone (no n8n)', size, rate, setting: 'auto', m });
					console.log(table(rows.slice(-1)));
				}
				if (SKIP_HTTP) continue;
				// HTTP Request: the batch settings that keep to the limit, tried on 2,000 recipients.
				const settings = [
					{ batchSize: rate, batchInterval: 1000 },
					{ batchSize: Math.max(1, Math.round(rate / 10)), batchInterval: 100 },
					{ batchSize: Math.max(1, Math.round(rate / 20)), batchInterval: 50 },
				];
				let best:
					| { setting: (typeof settings)[number]; score: number; throttled: number }
					| undefined;
				for (const setting of settings) {
					const m = await attempt(() =>
						measure(n8n, simulator, 'bench-http', { list: lists[2000], url, ...setting }),
					);
					rows.push({
						recipe: 'HTTP Request (trial)',
						size: 2000,
						rate,
						setting: `${setting.batchSize} per ${setting.batchInterval} ms`,
						m,
					});
					console.log(table(rows.slice(-1)));
					const score = Number.isFinite(m.wallS) ? m.accepted / m.wallS : 0;
					if (
						!best ||
						m.throttled < best.throttled ||
						(m.throttled === best.throttled && score > best.score)
					) {
						best = { setting, score, throttled: m.throttled };
					}
				}
				for (const size of SIZES) {
					const m = await attempt(() =>
						measure(n8n, simulator, 'bench-http', { list: lists[size], url, ...best!.setting }),
					);
					rows.push({
						recipe: 'HTTP Request batching',
						size,
						rate,
						setting: `${best!.setting.batchSize} per ${best!.setting.batchInterval} ms (best)`,
						m,
					});
					console.log(table(rows.slice(-1)));
				}
			} finally {
				await stopSimulator(simulator);
			}
		}
	} finally {
		await n8n.stop();
	}
	const output = table(rows);
	console.log(`\n${output}\n`);
	writeFileSync(join(stateDir, 'results.md'), `${output}\n`);
}

void main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
