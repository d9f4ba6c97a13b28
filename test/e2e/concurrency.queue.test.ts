/**
 * Queue mode under a burst of list commands (issue 7): 500 citizens each send 4 commands, signed, in a
 * random order across citizens and within each citizen's own messages, with Meta's parallel delivery
 * (several POSTs in flight) and a tenth of the messages delivered a second time. The workflow is
 * workflows/inbound.json on the webhook processor and two workers; the store is PostgreSQL.
 *
 * Checked: every citizen ends in the state of their last command by message timestamp (not arrival
 * order), each command gets exactly one reply, redelivered webhooks start no execution, the audit trail
 * holds every command once, no execution fails, and both workers ran executions.
 *
 * The simulator sends no status webhooks here (`statusWebhooks: false`): every reply would otherwise
 * bring two more executions (sent, delivered) and this test counts executions of citizens' messages.
 */
import { Client } from 'pg';

import { seededRandom } from '../../dev/seed/history';
import type { CitizenSendResult } from '../../dev/simulators/cloudApi/server';
import { openStore, type SubscriptionStore } from '../../nodes/core/store';
import { startInboundStack, type InboundStack } from '../helpers/inboundN8n';
import { TEST_POSTGRES, e2eSetup } from '../helpers/topology';

const setup = e2eSetup('concurrency', Number(process.env.WHATSURP_E2E_CONCURRENCY_PORT ?? 5693));
const CITIZENS = Number(process.env.WHATSURP_CONCURRENCY_CITIZENS ?? 500);
const PER_CITIZEN = 4;
const REDELIVERED_SHARE = 0.1;
/** Webhook POSTs in flight at once, as Meta's delivery would have them. */
const PARALLEL_POSTS = 16;
/** A Tuesday morning: the office is open (commands are answered at any hour anyway). */
const START = Date.parse('2026-03-03T10:00:00+01:00');
const CONSENT = new Date('2026-01-10T10:00:00Z');

type ListName = 'EMERGENZE' | 'PUBBLICAUTILITA';
const LISTS: ListName[] = ['EMERGENZE', 'PUBBLICAUTILITA'];
const COMMANDS: Array<{ text: string; on: boolean; lists: ListName[] }> = [
	{ text: 'ISCRIZIONE ON #EMERGENZE', on: true, lists: ['EMERGENZE'] },
	{ text: "ISCRIZIONE ON #PUBBLICAUTILITA'", on: true, lists: ['PUBBLICAUTILITA'] },
	{ text: 'ISCRIZIONE ON', on: true, lists: LISTS },
	{ text: 'ISCRIZIONE OFF', on: false, lists: LISTS },
	{ text: 'ISCRIZIONE OFF #EMERGENZE', on: false, lists: ['EMERGENZE'] },
];

interface Planned {
	waId: string;
	command: (typeof COMMANDS)[number];
	/** Unix seconds: the citizen's k-th message is at START + k s. */
	timestamp: number;
}

function shuffle<T>(items: T[], next: () => number): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}

const waIdOf = (i: number) => `39347${String(i).padStart(7, '0')}`;
/** Every other citizen was already subscribed to both lists (imported with consent). */
const seeded = (i: number) => i % 2 === 0;

let stack: InboundStack;
let store: SubscriptionStore;

jest.setTimeout(30 * 60_000);

beforeAll(async () => {
	// the simulator's clock runs in real time from START: Meta's throughput and pair-rate buckets refill
	const offset = Date.now() - START;
	stack = await startInboundStack({
		setup,
		clockStart: new Date(START).toISOString(),
		simulator: {
			statusWebhooks: false,
			webhookConcurrency: PARALLEL_POSTS,
			now: () => Date.now() - offset,
		},
	});
	store = await openStore(setup.store);
	for (let i = 0; i < CITIZENS; i += 25) {
		await Promise.all(
			Array.from({ length: Math.min(25, CITIZENS - i) }, (_, k) => i + k)
				.filter(seeded)
				.map((n) =>
					store.importSubscriber(
						{
							citizen: { waId: waIdOf(n) },
							lists: LISTS,
							consentAt: CONSENT,
							policyVersion: '2026-01',
						},
						{ at: CONSENT, channel: 'import' },
					),
				),
		);
	}
}, 15 * 60_000);

afterAll(async () => {
	await store?.close();
	await stack?.stop();
}, 120_000);

async function n8nDatabase<T>(query: (client: Client) => Promise<T>): Promise<T> {
	const client = new Client({ ...TEST_POSTGRES, database: stack.n8n.queue!.postgres.database });
	await client.connect();
	try {
		return await query(client);
	} finally {
		await client.end();
	}
}

test(`${CITIZENS} citizens × ${PER_CITIZEN} list commands in random order over two workers`, async () => {
	// repeatable (mulberry32), so that a failure can be replayed
	const next = seededRandom(20261130);
	const plan: Planned[] = [];
	for (let i = 0; i < CITIZENS; i++) {
		for (let k = 0; k < PER_CITIZEN; k++) {
			plan.push({
				waId: waIdOf(i),
				command: COMMANDS[Math.floor(next() * COMMANDS.length)],
				timestamp: Math.floor(START / 1000) + k,
			});
		}
	}
	shuffle(plan, next);
	const redeliver = new Set(
		shuffle(
			plan.map((_, index) => index),
			next,
		).slice(0, Math.round(plan.length * REDELIVERED_SHARE)),
	);

	// the burst: every message POSTed (PARALLEL_POSTS at a time), a tenth of them again at once
	const burstStart = Date.now();
	const sent: CitizenSendResult[] = [];
	const redeliveries: Array<Promise<{ status: number | null }>> = [];
	await Promise.all(
		plan.map(async (message, index) => {
			const result = await stack.simulator.citizenSends({
				from: { waId: message.waId },
				type: 'text',
				text: message.command.text,
				timestamp: message.timestamp,
			});
			sent[index] = result;
			if (redeliver.has(index)) redeliveries.push(stack.simulator.redeliver(result.messageId));
		}),
	);
	const redelivered = await Promise.all(redeliveries);
	const burstSeconds = (Date.now() - burstStart) / 1000;
	expect(sent.filter((result) => result.status !== 200)).toEqual([]);
	expect(redelivered.filter((result) => result.status !== 200)).toEqual([]);

	// every command answered
	const expectedReplies = plan.length;
	try {
		await stack.simulator.waitForOutbound(
			() => stack.simulator.outbound().length >= expectedReplies,
			20 * 60_000,
		);
	} catch {
		stack.failWithLogs(
			`${stack.simulator.outbound().length} replies of ${expectedReplies} within 20 minutes`,
		);
	}
	const processedSeconds = (Date.now() - burstStart) / 1000;

	// then nothing more: no execution left in the queue or running, no late duplicate reply
	const database = stack.n8n.queue!.postgres.database;
	for (let attempt = 0; ; attempt++) {
		const open = await n8nDatabase(async (client) =>
			Number(
				(
					await client.query(
						`SELECT count(*) AS n FROM execution_entity WHERE status IN ('new', 'running', 'waiting')`,
					)
				).rows[0].n,
			),
		);
		if (open === 0) break;
		if (attempt > 240) stack.failWithLogs(`${open} execution(s) still open in ${database}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	await new Promise((resolve) => setTimeout(resolve, 3000));

	// exactly one reply per command
	const replies = new Map<string, number>();
	for (const reply of stack.simulator.outbound())
		replies.set(reply.to ?? '', (replies.get(reply.to ?? '') ?? 0) + 1);
	const wrongCounts = [...new Set(plan.map((message) => message.waId))].filter(
		(waId) => replies.get(waId) !== PER_CITIZEN,
	);
	expect(wrongCounts.map((waId) => `${waId}: ${replies.get(waId) ?? 0}`)).toEqual([]);
	expect(stack.simulator.outbound()).toHaveLength(plan.length);

	// one execution per message, none for a redelivery, none failed
	const executions = await n8nDatabase(
		async (client) =>
			(
				await client.query<{ status: string; n: string }>(
					`SELECT status, count(*) AS n FROM execution_entity WHERE "workflowId" = $1 GROUP BY status`,
					[stack.workflowId],
				)
			).rows,
	);
	const byStatus = Object.fromEntries(executions.map((row) => [row.status, Number(row.n)]));
	expect(byStatus).toEqual({ success: plan.length });

	// both workers took executions
	const perWorker = stack.n8n.processes
		.filter((one) => one.role === 'worker')
		.map((one) => ({
			name: one.name,
			executions: (one.logs().match(/Worker started execution \d+ /g) ?? []).length,
		}));
	expect(perWorker).toHaveLength(2);
	for (const worker of perWorker) expect(worker.executions).toBeGreaterThan(0);
	expect(perWorker.reduce((sum, worker) => sum + worker.executions, 0)).toBe(plan.length);

	// the audit trail: every command once
	const audit = new Client({ ...TEST_POSTGRES });
	await audit.connect();
	let audited: Map<string, number>;
	try {
		const schema = (setup.store as { schema: string }).schema;
		const rows = (
			await audit.query<{ message_id: string; n: string }>(
				`SELECT message_id, count(*) AS n FROM ${schema}.audit_event WHERE message_id IS NOT NULL GROUP BY message_id`,
			)
		).rows;
		audited = new Map(rows.map((row) => [row.message_id, Number(row.n)]));
	} finally {
		await audit.end();
	}
	const notOnce = sent
		.map((result) => result.messageId)
		.filter((messageId) => audited.get(messageId) !== 1);
	expect(notOnce).toEqual([]);

	// every citizen in the state of their last command by timestamp, for each list
	const wrongStates: string[] = [];
	const tally = { on: 0, off: 0, active: 0, pending: 0, untouched: 0 };
	for (let i = 0; i < CITIZENS; i++) {
		const waId = waIdOf(i);
		const commands = plan
			.filter((message) => message.waId === waId)
			.sort((a, b) => a.timestamp - b.timestamp);
		const record = await store.get({ waId });
		for (const list of LISTS) {
			const last = commands.filter((message) => message.command.lists.includes(list)).pop();
			const state = record?.subscriptions.find((s) => s.list === list)?.state ?? null;
			if (!last) {
				tally.untouched++;
				const expected = seeded(i) ? 'active' : null;
				if (state !== expected) wrongStates.push(`${waId} ${list}: ${state}, expected ${expected}`);
				continue;
			}
			if (last.command.on) {
				tally.on++;
				// ON leaves the list requested (pending the policy) or, if it already was, active
				if (state === 'active') tally.active++;
				else if (state === 'pending') tally.pending++;
				else wrongStates.push(`${waId} ${list}: ${state} after "${last.command.text}"`);
			} else {
				tally.off++;
				if (state !== 'cancelled')
					wrongStates.push(`${waId} ${list}: ${state} after "${last.command.text}"`);
			}
		}
	}
	expect(wrongStates).toEqual([]);

	console.log(
		[
			`concurrency (queue mode, 2 workers): ${plan.length} commands from ${CITIZENS} citizens + ${redelivered.length} redeliveries`,
			`  all webhooks answered in ${burstSeconds.toFixed(1)} s (${(plan.length / burstSeconds).toFixed(0)}/s, ${PARALLEL_POSTS} in flight)`,
			`  all ${plan.length} replies after ${processedSeconds.toFixed(1)} s (${(plan.length / processedSeconds).toFixed(1)} commands/s end to end)`,
			`  executions per worker: ${perWorker.map((w) => `${w.name} ${w.executions}`).join(', ')}`,
			`  final states: ${tally.on} list(s) last turned ON (${tally.active} active, ${tally.pending} pending), ${tally.off} OFF, ${tally.untouched} untouched`,
		].join('\n'),
	);
});
