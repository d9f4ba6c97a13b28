/**
 * The staff's broadcast workflow (workflows/broadcast.json) on a real n8n, with the Cloud API simulator
 * and the mailbox, for the broadcast suites: test/e2e/broadcast.e2e.test.ts (the form, the approval, the
 * summary) and test/faults/broadcastKill.fault.test.ts (n8n or a worker killed half way through).
 * `broadcastSuite` registers the suite's hooks and returns the stack its tests use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ensureN8nInstalled } from '../../dev/n8n/install';
import { startN8n, type CredentialSpec, type N8nInstance } from '../../dev/n8n/launcher';
import { mailboxCredential } from '../../dev/n8n/workflowCredentials';
import type { CloudApiSimulator } from '../../dev/simulators/cloudApi/server';
import { startMailbox } from '../../dev/simulators/mailbox/server';
import type { Mailbox } from '../../dev/simulators/mailbox/types';
import { openStore, type SubscriptionStore } from '../../nodes/core/store';
import { TEST_ACCOUNT, startTestSimulator } from './cloudApi';
import { completeForm, getFormPage, postFormPage, submitForm, waitForFormStatus } from './n8nForms';
import { e2eSetup, inQueueMode, type E2eSetup } from './topology';

const repo = join(__dirname, '../..');

export interface BroadcastStack {
	setup: E2eSetup;
	n8n: N8nInstance;
	simulator: CloudApiSimulator;
	mailbox: Mailbox;
	store: SubscriptionStore;
}

/** The suite's n8n and simulators (n8n is replaced when the fault test restarts it). */
export const stack = {} as BroadcastStack;

export const FORM_AUTH = { user: 'urp', password: 'e2e-avvisi' };
/** The workflow's Impostazioni says 80/s (the city's tier); queue mode runs it at 1,000/s. */
export const RATE = inQueueMode ? 1000 : 80;
/** Subscribers in the fault test (test/faults/broadcastKill.fault.test.ts). */
export const FAULT_SIZE = inQueueMode ? 20_000 : 1600;
const workflow = withRate(
	JSON.parse(readFileSync(join(repo, 'workflows/broadcast.json'), 'utf8')) as WorkflowFile,
	RATE,
);

interface WorkflowFile {
	nodes: Array<{ name: string; parameters: Record<string, unknown> }>;
}

/** The workflow with Impostazioni's rate changed, as staff change it in the editor. */
function withRate(file: WorkflowFile, rate: number): WorkflowFile {
	const settings = file.nodes.find((node) => node.name === 'Impostazioni')!;
	const assignments = (
		settings.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }
	).assignments;
	const entry = assignments.find((assignment) => assignment.name === 'rate')!;
	entry.value = rate;
	return file;
}
const CONSENT = new Date('2026-01-10T10:00:00Z');

function credentials(setup: E2eSetup): CredentialSpec[] {
	return [
		{
			name: 'WhatsApp URP',
			type: 'whatsAppCloudApi',
			data: { ...TEST_ACCOUNT, businessAccountId: '', baseUrl: stack.simulator.baseUrl },
		},
		{
			name: 'Archivio iscrizioni',
			type: 'whatsUrpStore',
			data: setup.storeCredential,
		},
		mailboxCredential(stack.mailbox.smtpPort),
		{ name: 'Accesso modulo avvisi', type: 'httpBasicAuth', data: FORM_AUTH },
	];
}

export async function startOrRestart(fresh: boolean): Promise<void> {
	stack.n8n = await startN8n({
		packageDir: repo,
		stateDir: stack.setup.stateDir,
		port: stack.setup.port,
		queue: stack.setup.queue,
		env: stack.setup.env,
		fresh,
		credentials: credentials(stack.setup),
		workflows: [workflow],
	});
}

function waIdOf(list: string, i: number): string {
	return `39${list === 'EMERGENZE' ? '331' : '332'}${String(i).padStart(7, '0')}`;
}

export async function seed(list: string, count: number): Promise<string[]> {
	const ids = Array.from({ length: count }, (_, i) => waIdOf(list, i));
	// a few at a time: tens of thousands in queue mode
	for (let start = 0; start < ids.length; start += 25) {
		await Promise.all(
			ids
				.slice(start, start + 25)
				.map((waId) =>
					stack.store.importSubscriber(
						{ citizen: { waId }, lists: [list], consentAt: CONSENT, policyVersion: '2026-01' },
						{ at: CONSENT, channel: 'import' },
					),
				),
		);
	}
	return ids;
}

/**
 * The crash in the fault test. A single n8n: the whole n8n is killed. Queue mode: the worker whose log
 * shows it started the broadcast's execution is killed; the main, the other worker and the webhook
 * processor go on.
 */
export async function crashDuringBroadcast(): Promise<string> {
	if (stack.n8n.topology === 'single') {
		await stack.n8n.kill();
		return 'n8n';
	}
	const response = await fetch(`${stack.n8n.baseUrl}/api/v1/executions?status=running&limit=20`, {
		headers: { 'X-N8N-API-KEY': stack.n8n.apiKey },
	});
	const running = ((await response.json()) as { data: Array<{ id: string }> }).data;
	const worker = stack.n8n.processes.find(
		(one) =>
			one.role === 'worker' &&
			one.exitInfo() === undefined &&
			running.some((execution) => one.logs().includes(`Worker started execution ${execution.id} `)),
	);
	if (!worker)
		throw new Error(
			`No live worker's log shows running execution(s) ${running.map((e) => e.id).join(', ')}`,
		);
	await worker.kill();
	return worker.name;
}

/** After the crash: n8n restarted (single), or a new worker as a supervisor would start (queue mode). */
export async function recoverFromCrash(): Promise<void> {
	if (stack.n8n.topology === 'single') await startOrRestart(false);
	else await stack.n8n.startWorker();
}

/** Form page 1 → preview → confirm → completion; returns the preview page's HTML. */
export async function sendThroughForm(fields: {
	list: string;
	message: string;
	broadcastId?: string;
	sender: string;
	confirm?: string;
}): Promise<string> {
	const waitingUrl = await submitForm(
		stack.n8n.webhookBaseUrl,
		'avviso-whatsapp',
		[fields.list, 'avviso_emergenza', fields.message, fields.broadcastId ?? '', fields.sender],
		FORM_AUTH,
	);
	await waitForFormStatus(waitingUrl);
	const preview = await getFormPage(waitingUrl);
	await postFormPage(waitingUrl, [undefined, fields.confirm ?? 'Sì, invia']);
	await completeForm(waitingUrl);
	return preview;
}

export function recipientsOf(body: { to?: string }[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const message of body) counts.set(message.to ?? '', (counts.get(message.to ?? '') ?? 0) + 1);
	return counts;
}

export async function waitUntil(
	check: () => boolean,
	timeoutMs: number,
	what: string,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Registers the suite's hooks: n8n with the broadcast workflow, the simulator, the mailbox, the store. */
export function broadcastSuite(name: string, port: number): BroadcastStack {
	stack.setup = e2eSetup(name, port);
	beforeAll(async () => {
		await ensureN8nInstalled();
		await stack.setup.resetStore();
		stack.simulator = await startTestSimulator({
			throughput: { perSecond: RATE },
			statusDelaysMs: { delivered: 20, read: null },
		});
		stack.mailbox = await startMailbox({});
		await startOrRestart(true);
		stack.store = await openStore(stack.setup.store);
	}, 15 * 60_000);

	afterAll(async () => {
		await stack.store?.close();
		await stack.n8n?.stop();
		await stack.mailbox?.stop();
		await stack.simulator?.stop();
	}, 60_000);

	beforeEach(() => {
		stack.simulator.reset();
		stack.mailbox.clear();
	});
	return stack;
}
