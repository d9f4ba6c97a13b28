/**
 * A real n8n with workflows/inbound.json published and everything it talks to: the Cloud API simulator
 * (citizens), the Open311 simulator (the Segnala portal) and the mailbox (the URP's SMTP), with the four
 * credentials the workflow names pointing at them. The Cloud API simulator runs on a clock the test
 * sets, so office hours and WhatsApp's 24-hour window do not depend on today's date.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ensureN8nInstalled } from '../../dev/n8n/install';
import {
	startN8n,
	webhookEndpoints,
	type N8nInstance,
	type StartN8nOptions,
} from '../../dev/n8n/launcher';
import { inboundCredentials } from '../../dev/n8n/workflowCredentials';
import { startMailbox, type Mailbox } from '../../dev/simulators/mailbox/server';
import { startOpen311Simulator, type Open311Simulator } from '../../dev/simulators/open311/server';
import type {
	CloudApiSimulator,
	CloudApiSimulatorOptions,
	OutboundMessage,
} from '../../dev/simulators/cloudApi/server';
import { TEST_ACCOUNT, startTestSimulator } from './cloudApi';
import type { E2eSetup } from './topology';

export const repo = join(__dirname, '../..');
export const inboundWorkflow = JSON.parse(
	readFileSync(join(repo, 'workflows/inbound.json'), 'utf8'),
) as {
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
};

/** The URP's addresses as the workflow's "Testi delle risposte" node has them. */
export const URP_MAILBOX = 'urp@comune.rimini.it';
export const OPERATORS = 'operatori.urp@comune.rimini.it';

export const OPEN311 = { apiKey: 'e2e-segnala-key', jurisdictionId: 'comune.rimini.it' };

/** The clock of the Cloud API simulator (message timestamps, the 24-hour window, statuses). */
export class TestClock {
	private time: number;
	constructor(start: string | number) {
		this.time = typeof start === 'number' ? start : Date.parse(start);
	}
	now = (): number => this.time;
	/** Unix seconds, as a citizen message's `timestamp`. */
	seconds(): number {
		return Math.floor(this.time / 1000);
	}
	set(time: string | number): void {
		this.time = typeof time === 'number' ? time : Date.parse(time);
	}
	advance(ms: number): void {
		this.time += ms;
	}
}

export interface Execution {
	id: string;
	status?: string;
	mode?: string;
	workflowId?: string;
}

export interface InboundStack {
	n8n: N8nInstance;
	simulator: CloudApiSimulator;
	open311: Open311Simulator;
	mailbox: Mailbox;
	clock: TestClock;
	webhookUrl: string;
	workflowId: string;
	/** The executions of the workflow now (newest first, at most 250). */
	executions(): Promise<Execution[]>;
	/**
	 * The executions once every message sent has had its last status webhook answered by n8n, none is
	 * running or new any more and their number is stable.
	 */
	settledExecutions(): Promise<Execution[]>;
	/** One execution with its run data. */
	execution(id: string): Promise<Record<string, unknown>>;
	/** Fails the test with the message and the end of n8n's log. */
	failWithLogs(message: string): never;
	/** A citizen writes (timestamp from the clock unless given); resolves with the next reply to them. */
	writeAndAwaitReply(
		input: Parameters<CloudApiSimulator['citizenSends']>[0],
		timeoutMs?: number,
	): Promise<OutboundMessage>;
	/**
	 * Stops n8n and starts it again on the same state folder (database, data tables, SQLite store), as
	 * after a server restart; the workflow is imported again by name and stays published.
	 */
	restartN8n(): Promise<void>;
	/** Starts n8n again on the same state folder after the test stopped or killed it (`stack.n8n`). */
	startN8nAgain(): Promise<void>;
	/** The next message to the citizen after the first `after` ones. */
	nextReply(to: string, after: number, timeoutMs?: number): Promise<OutboundMessage>;
	stop(): Promise<void>;
}

export interface InboundStackOptions {
	/** Ports, state folder, topology and store of the suite (test/helpers/topology.ts). */
	setup: E2eSetup;
	/** Where the clock starts (an ISO date-time). */
	clockStart: string;
	simulator?: Partial<CloudApiSimulatorOptions>;
}

export async function startInboundStack(options: InboundStackOptions): Promise<InboundStack> {
	await ensureN8nInstalled();
	const clock = new TestClock(options.clockStart);
	const simulator = await startTestSimulator({
		statusDelaysMs: { delivered: 20, read: null },
		now: clock.now,
		...options.simulator,
	});
	const open311 = await startOpen311Simulator({ ...OPEN311, tokenDelayMs: 200 });
	const mailbox = await startMailbox({});
	const { setup } = options;
	await setup.resetStore();
	const n8nOptions = (fresh: boolean): StartN8nOptions => ({
		packageDir: repo,
		stateDir: setup.stateDir,
		port: setup.port,
		queue: setup.queue,
		env: setup.env,
		fresh,
		credentials: inboundCredentials({
			whatsApp: { ...TEST_ACCOUNT, businessAccountId: '', baseUrl: simulator.baseUrl },
			open311: { baseUrl: open311.baseUrl, ...OPEN311 },
			smtpPort: mailbox.smtpPort,
			store: setup.storeCredential,
		}),
		workflows: [inboundWorkflow],
	});
	let n8n: N8nInstance;
	try {
		n8n = await startN8n(n8nOptions(true));
	} catch (error) {
		await Promise.allSettled([simulator.stop(), open311.stop(), mailbox.stop()]);
		throw error;
	}
	const triggerPath = webhookEndpoints(inboundWorkflow).find(
		(endpoint) => endpoint.method === 'POST',
	)!.path;
	const webhookUrl = `${n8n.webhookBaseUrl}/webhook/${triggerPath}`;
	simulator.setWebhookUrl(webhookUrl);
	const workflowId = n8n.workflowIds[0];

	const failWithLogs = (message: string): never => {
		throw new Error(`${message}\n--- n8n log ---\n${n8n.logs().slice(-4000)}`);
	};

	const executions = async (): Promise<Execution[]> => {
		const response = await fetch(
			`${n8n.baseUrl}/api/v1/executions?workflowId=${workflowId}&limit=250`,
			{ headers: { 'X-N8N-API-KEY': n8n.apiKey } },
		);
		return ((await response.json()) as { data: Execution[] }).data;
	};

	/**
	 * A reply reaches the simulator before n8n has saved its execution, and every reply brings status
	 * webhooks (sent, delivered) that start executions of their own: wait until nothing runs any more.
	 */
	const settledExecutions = async (): Promise<Execution[]> => {
		// statuses leave the simulator on timers, then wait in its queue of webhook POSTs
		const statusesDue = () =>
			simulator
				.outbound()
				.some((message) => message.status === 'accepted' || message.status === 'sent');
		for (let attempt = 0; attempt < 80 && statusesDue(); attempt++)
			await new Promise((resolve) => setTimeout(resolve, 250));
		await simulator.webhooksIdle();
		let previous = -1;
		for (let attempt = 0; attempt < 60; attempt++) {
			const list = await executions();
			const running = list.some(
				(execution) => execution.status === 'running' || execution.status === 'new',
			);
			if (!running && list.length === previous) return list;
			previous = list.length;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		return failWithLogs('Executions did not settle within 15 s');
	};

	const execution = async (id: string): Promise<Record<string, unknown>> => {
		const response = await fetch(`${n8n.baseUrl}/api/v1/executions/${id}?includeData=true`, {
			headers: { 'X-N8N-API-KEY': n8n.apiKey },
		});
		return (await response.json()) as Record<string, unknown>;
	};

	const nextReply = async (to: string, after: number, timeoutMs = 20_000) => {
		try {
			return await simulator.waitForOutbound(
				(message) => message.to === to && simulator.outbound({ to }).indexOf(message) >= after,
				timeoutMs,
			);
		} catch {
			return failWithLogs(`No message to ${to} after the first ${after} within ${timeoutMs} ms`);
		}
	};

	const writeAndAwaitReply = async (
		input: Parameters<CloudApiSimulator['citizenSends']>[0],
		timeoutMs = 20_000,
	) => {
		const to = input.from.waId!;
		const before = simulator.outbound({ to }).length;
		const sent = await simulator.citizenSends({ timestamp: clock.seconds(), ...input });
		if (sent.status !== 200) failWithLogs(`n8n answered ${sent.status} to a signed webhook`);
		return await nextReply(to, before, timeoutMs);
	};

	const startN8nAgain = async () => {
		n8n = await startN8n(n8nOptions(false));
		if (n8n.workflowIds[0] !== workflowId)
			failWithLogs(
				`After the restart the workflow has id ${n8n.workflowIds[0]}, not ${workflowId}`,
			);
	};

	const restartN8n = async () => {
		await n8n.stop();
		await startN8nAgain();
	};

	return {
		get n8n() {
			return n8n;
		},
		simulator,
		open311,
		mailbox,
		clock,
		webhookUrl,
		workflowId,
		executions,
		settledExecutions,
		execution,
		failWithLogs,
		writeAndAwaitReply,
		nextReply,
		restartN8n,
		startN8nAgain,
		stop: async () => {
			await n8n?.stop();
			await Promise.allSettled([simulator.stop(), open311.stop(), mailbox.stop()]);
		},
	};
}

/** The words of a text or interactive message. */
export const textOf = (message: OutboundMessage): string =>
	((message.body.text as { body?: string } | undefined)?.body ??
		(message.body.interactive as { body?: { text?: string } } | undefined)?.body?.text ??
		'') as string;
