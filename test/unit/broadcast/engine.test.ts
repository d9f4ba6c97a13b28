/**
 * runBroadcast against the Cloud API simulator over real HTTP (the keep-alive JSON transport) and a
 * real store (SQLite; one case on PostgreSQL): exactly once per subscriber, resume, dry run, opt-out
 * during the broadcast, fatal errors, 5xx bursts, 130429 storms, 131056, recipient errors, a wrong
 * message, cancellation, crashes (twice at most, never three times) and paging.
 */
import {
	PAIR_RATE_RETRY_MS,
	previewBroadcast,
	realClock,
	runBroadcast,
	type BroadcastMessage,
	type Clock,
	type BroadcastSummary,
	type RunBroadcastOptions,
	type SendAnswer,
	type Transport,
} from '../../../nodes/core/broadcast';
import {
	createJsonTransport,
	type JsonTransport,
} from '../../../nodes/core/broadcast/httpTransport';
import type { SubscriptionStore } from '../../../nodes/core/store';
import { buildTemplateMessage } from '../../../nodes/core/whatsapp/messages';
import type { CloudApiSimulator } from '../../../dev/simulators/cloudApi/server';
import { startTestSimulator, TEST_ACCOUNT } from '../../helpers/cloudApi';
import { createTestDb, freshStoreEachTest, type TestDb } from '../../helpers/storeFixtures';

jest.setTimeout(30_000);

const CONSENT = new Date('2026-01-10T10:00:00.000Z');
const LIST = 'EMERGENZE';

function waIdOf(i: number): string {
	return `39333${String(i).padStart(7, '0')}`;
}

const TEMPLATE = {
	name: 'avviso_emergenza',
	language: 'it',
	bodyParameters: ['Allerta rossa: esondazione del Marecchia, evitare i sottopassi'],
};
const MESSAGE: BroadcastMessage = {
	description: { type: 'template', ...TEMPLATE },
	build: (recipient) => buildTemplateMessage(recipient, TEMPLATE),
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Engine time running `factor` times faster than real time: waits shortened, rates raised alike. */
function fastClock(factor: number): Clock {
	const origin = Date.now();
	return {
		now: () => origin + (Date.now() - origin) * factor,
		sleep: (ms, wake) => realClock.sleep(ms / factor, wake),
	};
}

async function until(
	condition: () => boolean | Promise<boolean>,
	timeoutMs = 10_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
		await sleep(10);
	}
}

function messagesUrl(simulator: CloudApiSimulator): string {
	return `${simulator.baseUrl}/${TEST_ACCOUNT.apiVersion}/${TEST_ACCOUNT.phoneNumberId}/messages`;
}

function openTransport(simulator: CloudApiSimulator, maxSockets = 250): JsonTransport {
	return createJsonTransport(messagesUrl(simulator), {
		headers: { Authorization: `Bearer ${TEST_ACCOUNT.accessToken}` },
		maxSockets,
	});
}

/** Messages the simulator accepted, per phone number. */
function perRecipient(simulator: CloudApiSimulator): Map<string, number> {
	const counts = new Map<string, number>();
	for (const message of simulator.outbound()) {
		counts.set(message.to!, (counts.get(message.to!) ?? 0) + 1);
	}
	return counts;
}

function expectExactlyOnce(simulator: CloudApiSimulator, indexes: number[]): void {
	const counts = perRecipient(simulator);
	expect([...counts.keys()].sort()).toEqual(indexes.map(waIdOf).sort());
	expect([...counts.values()].every((n) => n === 1)).toBe(true);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function seed(
	store: SubscriptionStore,
	indexes: number[],
	list = LIST,
	state: 'active' | 'pending' = 'active',
): Promise<void> {
	for (const i of indexes) {
		await store.importSubscriber(
			{
				citizen: { waId: waIdOf(i) },
				lists: [list],
				consentAt: CONSENT,
				policyVersion: 'v1',
				state,
			},
			{ at: CONSENT, channel: 'import' },
		);
	}
}

async function unsubscribeAll(store: SubscriptionStore, i: number): Promise<void> {
	await store.unsubscribe({ waId: waIdOf(i) }, 'all', { at: new Date(), channel: 'whatsapp' });
}

async function deliveryRows(db: TestDb, id: string) {
	return await db.query(
		'SELECT recipient_key, state, wamid, error_code, attempts, crash_resends FROM broadcast_delivery WHERE broadcast_id = $1 ORDER BY recipient_key',
		[id],
	);
}

let simulator: CloudApiSimulator;
let transport: JsonTransport;

beforeAll(async () => {
	simulator = await startTestSimulator({ throughput: { perSecond: 1000 } });
	transport = openTransport(simulator);
});
afterAll(async () => {
	transport.close();
	await simulator.stop();
});
beforeEach(() => simulator.reset());

describe('runBroadcast (sqlite)', () => {
	let db: TestDb;
	let store: SubscriptionStore;

	freshStoreEachTest('sqlite', (fresh, opened) => {
		db = fresh;
		store = opened;
	});

	function run(options: Partial<RunBroadcastOptions> = {}): Promise<BroadcastSummary> {
		return runBroadcast({
			ledger: store.broadcasts,
			id: 'allerta-1',
			list: LIST,
			message: MESSAGE,
			rate: 1000,
			transport: transport.send,
			...options,
		});
	}

	test('every active subscriber gets exactly one message; pending, unsubscribed and other lists get none', async () => {
		await seed(store, range(0, 150));
		await seed(store, range(200, 205), LIST, 'pending');
		await seed(store, range(300, 305), "PUBBLICAUTILITA'");
		await seed(store, range(400, 405));
		for (const i of range(400, 405)) await unsubscribeAll(store, i);
		// These opt-outs came before the broadcast. One in the same millisecond as its start would count
		// as an opt-out during it (the ledger reads cancellations at or after the start, `>=`), and then
		// the summary would say unsubscribed 1: let the clock move on first.
		await new Promise((resolve) => setTimeout(resolve, 5));
		const progress: number[] = [];

		const summary = await run({ onProgress: (p) => progress.push(p.percent) });

		expectExactlyOnce(simulator, range(0, 150));
		expect(summary).toMatchObject({
			broadcastId: 'allerta-1',
			list: LIST,
			resumed: false,
			runs: 1,
			total: 150,
			sent: 150,
			failed: { count: 0, byCode: {} },
			skipped: { alreadySent: 0, unsubscribed: 0, uncertain: 0 },
			remaining: 0,
			thisRun: {
				sent: 150,
				failed: 0,
				unsubscribed: 0,
				resentAfterCrash: 0,
				retries: 0,
				throttled: 0,
				pairRateLimited: 0,
			},
			aborted: false,
			reason: null,
			abortCode: null,
			hintIt: null,
			configuredRate: 1000,
			lowestRate: 1000,
			concurrency: 250,
		});
		// the ledger has every wamid the simulator gave
		const rows = await deliveryRows(db, 'allerta-1');
		expect(rows).toHaveLength(150);
		expect(new Set(rows.map((r) => r.wamid))).toEqual(
			new Set(simulator.outbound().map((m) => m.wamid)),
		);
		expect(rows.every((r) => r.state === 'sent' && Number(r.attempts) === 1)).toBe(true);
		expect(await store.broadcasts.get('allerta-1')).toMatchObject({ state: 'completed', runs: 1 });
		// (the simulator checked every body against Meta's OpenAPI schema)
		const sample = simulator.outbound()[0].body;
		expect(sample).toMatchObject({
			type: 'template',
			template: { name: 'avviso_emergenza', language: { code: 'it' } },
		});
		// progress in 5 % steps up to 100
		expect(progress.length).toBeGreaterThan(1);
		expect(progress).toEqual([...progress].sort((a, b) => a - b));
		expect(progress[progress.length - 1]).toBe(100);
	});

	test('paced at roughly the rate: 200 messages at 100/s take at least 1.5 s, with no 130429 from a number limited to 100/s', async () => {
		const limited = await startTestSimulator({ throughput: { perSecond: 100 } });
		const limitedTransport = openTransport(limited);
		try {
			await seed(store, range(0, 200));
			const started = Date.now();
			const summary = await run({ rate: 100, transport: limitedTransport.send });
			expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
			expect(summary.durationMs).toBeGreaterThanOrEqual(1500);
			expect(summary.sent).toBe(200);
			expect(summary.thisRun.throttled).toBe(0);
			expect(limited.stats().rejectedByCode).toEqual({});
			expect(limited.stats().accepted).toBe(200);
			expect(summary.concurrency).toBe(25);
		} finally {
			limitedTransport.close();
			await limited.stop();
		}
	});

	test('resume after a stop sends only the rest; nobody twice', async () => {
		await seed(store, range(0, 200));
		const controller = new AbortController();
		const first = await run({
			rate: 100,
			signal: controller.signal,
			onProgress: (p) => {
				if (p.sent >= 50) controller.abort();
			},
		});
		expect(first).toMatchObject({
			aborted: true,
			reason: 'The execution was stopped',
			abortCode: null,
		});
		expect(first.hintIt).toMatch(/stesso identificativo/);
		expect(first.sent).toBeGreaterThanOrEqual(50);
		expect(first.sent).toBeLessThan(200);
		expect(first.sent).toBe(simulator.stats().accepted);
		expect(first.remaining).toBe(200 - first.sent);
		const counts = await store.broadcasts.counts('allerta-1');
		expect(counts.byState.sending).toBe(0); // every answer was recorded before the run ended
		expect(await store.broadcasts.get('allerta-1')).toMatchObject({
			state: 'aborted',
			abortReason: 'The execution was stopped',
		});

		const second = await run({ rate: 1000 });
		expect(second).toMatchObject({
			resumed: true,
			runs: 2,
			aborted: false,
			sent: 200,
			remaining: 0,
			skipped: { alreadySent: first.sent },
			thisRun: { sent: 200 - first.sent, resentAfterCrash: 0 },
		});
		expectExactlyOnce(simulator, range(0, 200));

		// a third run finds nothing to do
		const third = await run();
		expect(third).toMatchObject({
			runs: 3,
			sent: 200,
			thisRun: { sent: 0 },
			skipped: { alreadySent: 200 },
		});
		expect(simulator.stats().accepted).toBe(200);
	});

	test('an already aborted signal sends nothing; the broadcast is recorded as aborted', async () => {
		await seed(store, range(0, 10));
		const controller = new AbortController();
		controller.abort();
		const summary = await run({ signal: controller.signal });
		expect(summary).toMatchObject({ aborted: true, sent: 0, remaining: 10, thisRun: { sent: 0 } });
		expect(simulator.stats().accepted).toBe(0);
		expect((await run()).sent).toBe(10);
		expectExactlyOnce(simulator, range(0, 10));
	});

	test('dry run (previewBroadcast) counts and writes nothing', async () => {
		await seed(store, range(0, 30));
		await seed(store, range(100, 103), LIST, 'pending');
		expect(await previewBroadcast(store.broadcasts, 'allerta-1', LIST)).toEqual({
			broadcastId: 'allerta-1',
			list: LIST,
			recipients: 30,
			existing: null,
		});
		expect(await store.broadcasts.get('allerta-1')).toBeNull();
		expect(await db.query('SELECT * FROM broadcast')).toEqual([]);

		const controller = new AbortController();
		const partial = await run({
			rate: 50,
			signal: controller.signal,
			onProgress: (p) => p.sent >= 10 && controller.abort(),
		});
		const preview = await previewBroadcast(store.broadcasts, ' allerta-1 ', LIST);
		expect(preview).toEqual({
			broadcastId: 'allerta-1',
			list: LIST,
			recipients: 30 - partial.sent,
			existing: { state: 'aborted', sent: partial.sent, runs: 1 },
		});
		expect(simulator.stats().accepted).toBe(partial.sent);
		await expect(previewBroadcast(store.broadcasts, '', LIST)).rejects.toMatchObject({
			code: 'INPUT',
		});
	});

	test('ISCRIZIONE OFF during the broadcast: not messaged if not yet reached, and counted unsubscribed', async () => {
		await seed(store, range(0, 30));
		const other = await db.open(); // the inbound workflow's own connection
		const leaver = 27; // near the end of key order
		const early = 0; // already reached when they leave
		let applied: Promise<void> | undefined;
		const summary = await run({
			rate: 25,
			onProgress: (p) => {
				if (p.sent >= 3 && applied === undefined) {
					applied = Promise.all([unsubscribeAll(other, leaver), unsubscribeAll(other, early)]).then(
						() => undefined,
					);
				}
			},
		});
		await applied;
		expect(applied).toBeDefined();
		expect(perRecipient(simulator).has(waIdOf(leaver))).toBe(false);
		expectExactlyOnce(
			simulator,
			range(0, 30).filter((i) => i !== leaver),
		);
		expect(summary).toMatchObject({
			aborted: false,
			sent: 29,
			thisRun: { sent: 29, unsubscribed: 1 },
			skipped: { unsubscribed: 1 },
			remaining: 0,
		});
		const rows = await deliveryRows(db, 'allerta-1');
		expect(rows.find((r) => r.recipient_key === `wa:${waIdOf(leaver)}`)).toMatchObject({
			state: 'unsubscribed',
			wamid: null,
		});
		// who had already received it stays `sent`
		expect(rows.find((r) => r.recipient_key === `wa:${waIdOf(early)}`)).toMatchObject({
			state: 'sent',
		});
	});

	test('190 after 500 sends: stops at once with a clear error; a re-run after the fix completes, nobody twice', async () => {
		await seed(store, range(0, 560));
		simulator.injectFailure({ code: 190, times: -1, afterAccepted: 500 });
		const concurrency = 25;
		const summary = await run({ rate: 500, concurrency });
		expect(summary).toMatchObject({
			aborted: true,
			abortCode: 190,
			sent: 500,
			thisRun: { sent: 500 },
		});
		expect(summary.reason).toMatch(/190/);
		expect(summary.reason).toMatch(/Invalid OAuth access token/);
		expect(summary.hintIt).toMatch(/token.*credenziale «WhatsApp Cloud API»/);
		const stats = simulator.stats();
		expect(stats.accepted).toBe(500);
		// after the first 190, only what was already in flight reached the simulator
		expect(stats.rejectedByCode['190']).toBeGreaterThanOrEqual(1);
		expect(stats.rejectedByCode['190']).toBeLessThanOrEqual(concurrency);
		expect(summary.remaining).toBe(60);
		const counts = await store.broadcasts.counts('allerta-1');
		expect(counts.byState).toMatchObject({ sending: 0, sent: 500, failed: 0 });
		expect(await store.broadcasts.get('allerta-1')).toMatchObject({
			state: 'aborted',
			abortReason: summary.reason,
		});

		simulator.clearFailures(); // the credential was updated
		const again = await run({ rate: 500, concurrency });
		expect(again).toMatchObject({
			aborted: false,
			sent: 560,
			remaining: 0,
			skipped: { alreadySent: 500 },
			thisRun: { sent: 60 },
		});
		expectExactlyOnce(simulator, range(0, 560));
	});

	test('a single fatal answer: what was in flight is recorded, nothing new is sent (≤ concurrency after it)', async () => {
		await seed(store, range(0, 150));
		simulator.injectFailure({ code: 368, times: 1, afterAccepted: 100 });
		const concurrency = 10;
		const summary = await run({ rate: 500, concurrency });
		expect(summary).toMatchObject({ aborted: true, abortCode: 368 });
		expect(summary.hintIt).toMatch(/bloccato/);
		const accepted = simulator.stats().accepted;
		expect(accepted).toBeGreaterThanOrEqual(100);
		expect(accepted).toBeLessThanOrEqual(100 + concurrency);
		expect(summary.sent).toBe(accepted); // every accepted answer reached the ledger
		const rejectedAt = simulator.received.findIndex((r) => r.status === 400);
		const acceptedAfter = simulator.received
			.slice(rejectedAt + 1)
			.filter((r) => r.status === 200).length;
		expect(acceptedAfter).toBeLessThanOrEqual(concurrency - 1);
		// the recipient of the 368 was not messaged: a re-run sends to them
		await run({ rate: 500, concurrency });
		expectExactlyOnce(simulator, range(0, 150));
	});

	test('5xx bursts (500/131000, 503/131016, an HTML 503, a network error): all delivered, none twice, retries counted', async () => {
		await seed(store, range(0, 60));
		for (const i of [3, 10, 20]) simulator.injectFailure({ to: waIdOf(i), code: 131000, times: 2 });
		simulator.injectFailure({ code: 131016, times: 3 });
		const html = waIdOf(30);
		const broken = waIdOf(40);
		let htmlDone = false;
		let brokenDone = false;
		const flaky: Transport = async (payload) => {
			const to = (payload as { to?: string }).to;
			if (to === html && !htmlDone) {
				htmlDone = true;
				return { status: 503, body: '<html><body><h1>503 Service Unavailable</h1></body></html>' };
			}
			if (to === broken && !brokenDone) {
				brokenDone = true;
				throw new Error('socket hang up');
			}
			return await transport.send(payload);
		};
		const summary = await run({ rate: 200, transport: flaky, random: () => 0 });
		expect(summary).toMatchObject({
			aborted: false,
			sent: 60,
			failed: { count: 0 },
			thisRun: { retries: 2 * 3 + 3 + 2 },
		});
		expectExactlyOnce(simulator, range(0, 60));
		expect(simulator.stats().rejectedByCode).toEqual({ '131000': 6, '131016': 3 });
		const rows = await deliveryRows(db, 'allerta-1');
		const attemptsOf = (i: number) =>
			Number(rows.find((r) => r.recipient_key === `wa:${waIdOf(i)}`)!.attempts);
		expect(attemptsOf(3)).toBeGreaterThanOrEqual(3);
		expect(attemptsOf(30)).toBeGreaterThanOrEqual(2);
		expect(attemptsOf(40)).toBeGreaterThanOrEqual(2);
	});

	test('a temporary error that does not go away: failed after maxAttempts, with its code; the rest go on', async () => {
		await seed(store, range(0, 20));
		simulator.injectFailure({ to: waIdOf(5), code: 131000, times: -1 });
		const summary = await run({ rate: 200, maxAttempts: 3, random: () => 0 });
		expect(summary).toMatchObject({
			aborted: false,
			sent: 19,
			failed: { count: 1, byCode: { '131000': 1 } },
			thisRun: { failed: 1, retries: 2 },
		});
		expect(simulator.stats().rejectedByCode).toEqual({ '131000': 3 });
		expectExactlyOnce(
			simulator,
			range(0, 20).filter((i) => i !== 5),
		);
	});

	test('130429 storm (number limited to 50/s, broadcast at 200/s): the whole broadcast slows down, all delivered once', async () => {
		const slow = await startTestSimulator({ throughput: { perSecond: 50, burst: 10 } });
		const slowTransport = openTransport(slow);
		try {
			await seed(store, range(0, 80));
			const summary = await run({ rate: 200, transport: slowTransport.send });
			expect(summary).toMatchObject({ aborted: false, sent: 80, failed: { count: 0 } });
			expect(summary.thisRun.throttled).toBeGreaterThan(0);
			expect(summary.thisRun.throttled).toBe(slow.stats().rejectedByCode['130429']);
			expect(summary.lowestRate).toBeLessThan(200);
			expect(slow.stats().accepted).toBe(80);
			const counts = perRecipient(slow);
			expect(counts.size).toBe(80);
			expect(Math.max(...counts.values())).toBe(1);
		} finally {
			slowTransport.close();
			await slow.stop();
		}
	});

	test('131056 for one recipient: only that one waits, the others go on; delivered later', async () => {
		await seed(store, range(0, 30));
		const waiting = waIdOf(1);
		simulator.injectFailure({ to: waiting, code: 131056, times: 1 });
		// engine time 3× real time: the 6 s wait takes 2 s (the rate, 200/s, is engine time too)
		const speed = 3;
		const summary = await run({ rate: 200, clock: fastClock(speed) });
		expect(summary).toMatchObject({
			aborted: false,
			sent: 30,
			lowestRate: 200,
			thisRun: { pairRateLimited: 1, throttled: 0, retries: 1 },
		});
		expectExactlyOnce(simulator, range(0, 30));
		const outbound = simulator.outbound();
		const last = outbound[outbound.length - 1];
		expect(last.to).toBe(waiting);
		const refusedAt = simulator.received.find((r) => r.status === 400)!.at;
		expect(last.at - refusedAt).toBeGreaterThanOrEqual(Math.floor(PAIR_RATE_RETRY_MS / speed));
		// everyone else was reached long before
		const others = outbound.filter((m) => m.to !== waiting);
		expect(Math.max(...others.map((m) => m.at))).toBeLessThan(
			refusedAt + PAIR_RATE_RETRY_MS / speed / 2,
		);
	});

	test('permanent recipient errors (131026, 131049, 131050, 131047) are recorded as failed with their code; the broadcast goes on', async () => {
		await seed(store, range(0, 30));
		const codes: Record<number, number> = { 2: 131026, 4: 131049, 6: 131050, 8: 131047 };
		for (const [i, code] of Object.entries(codes)) {
			simulator.injectFailure({ to: waIdOf(Number(i)), code, async: false });
		}
		// reported later in a `failed` status webhook: accepted now
		simulator.injectFailure({ to: waIdOf(10), code: 131026 });
		const summary = await run({ rate: 200 });
		expect(summary).toMatchObject({
			aborted: false,
			sent: 26,
			failed: { count: 4, byCode: { '131026': 1, '131049': 1, '131050': 1, '131047': 1 } },
			thisRun: { sent: 26, failed: 4, retries: 0 },
			remaining: 0,
		});
		const rows = await deliveryRows(db, 'allerta-1');
		for (const [i, code] of Object.entries(codes)) {
			expect(rows.find((r) => r.recipient_key === `wa:${waIdOf(Number(i))}`)).toMatchObject({
				state: 'failed',
				wamid: null,
			});
			expect(
				Number(rows.find((r) => r.recipient_key === `wa:${waIdOf(Number(i))}`)!.error_code),
			).toBe(code);
		}
		expect(rows.find((r) => r.recipient_key === `wa:${waIdOf(10)}`)).toMatchObject({
			state: 'sent',
		});
		// a re-run does not try the failed ones again
		const again = await run();
		expect(again.thisRun).toMatchObject({ sent: 0, failed: 0 });
	});

	test('10 refusals of the message in a row, none accepted: aborted; once the template is approved the same id reaches everyone', async () => {
		await seed(store, range(0, 50));
		simulator.injectFailure({ code: 132001, times: -1 });
		const summary = await run({ rate: 100, concurrency: 8 });
		expect(summary).toMatchObject({ aborted: true, abortCode: 132001, sent: 0 });
		expect(summary.reason).toMatch(/first \d+ recipients.*132001/);
		expect(summary.hintIt).toMatch(/modello/);
		expect(simulator.stats().accepted).toBe(0);
		const refused = simulator.stats().rejectedByCode['132001'];
		expect(refused).toBeGreaterThanOrEqual(10);
		expect(refused).toBeLessThanOrEqual(10 + 8);
		// nobody was messaged: nobody is written off as failed
		expect(summary.failed.count).toBe(0);
		expect(summary.remaining).toBe(50);

		simulator.clearFailures(); // the template got approved in WhatsApp Manager
		const again = await run({ rate: 500 });
		expect(again).toMatchObject({ aborted: false, sent: 50, failed: { count: 0 } });
		expectExactlyOnce(simulator, range(0, 50));
	});

	test('refusals mixed with acceptances are per-recipient failures, not an abort', async () => {
		await seed(store, range(0, 30));
		for (const i of range(0, 12)) simulator.injectFailure({ to: waIdOf(i * 2), code: 100 });
		const summary = await run({ rate: 200, concurrency: 8 });
		expect(summary).toMatchObject({
			aborted: false,
			sent: 18,
			failed: { count: 12, byCode: { '100': 12 } },
		});
	});

	test('a crash leaves at most `concurrency` recipients in flight: they get it twice; a second crash leaves them uncertain, never a third time', async () => {
		await seed(store, range(0, 60));
		const concurrency = 10;
		/** Sends for real, but the answers after the first `answered` never come back (the run then dies). */
		const hangingAfter = (answered: number, hang?: Set<string>) => {
			let count = 0;
			const hung = new Set<string>();
			const send: Transport = async (payload) => {
				const to = (payload as { to: string }).to;
				const answer = await transport.send(payload);
				count += 1;
				if (hang ? hang.has(to) : count > answered) {
					hung.add(to);
					return await new Promise<SendAnswer>(() => undefined);
				}
				return answer;
			};
			return { send, hung };
		};

		// run 1: 30 answered, then 10 requests (the concurrency) reach WhatsApp and the process dies
		const crash1 = await db.open();
		const t1 = hangingAfter(30);
		const run1 = runBroadcast({
			ledger: crash1.broadcasts,
			id: 'allerta-1',
			list: LIST,
			message: MESSAGE,
			rate: 500,
			concurrency,
			transport: t1.send,
		}).catch((e: unknown) => e);
		await until(
			async () =>
				simulator.stats().accepted === 40 &&
				(await store.broadcasts.counts('allerta-1')).byState.sent === 30,
		);
		await sleep(50);
		await crash1.close();
		expect(await run1).toBeInstanceOf(Error);
		expect(t1.hung.size).toBe(concurrency);
		expect((await store.broadcasts.counts('allerta-1')).byState.sending).toBe(concurrency);

		// run 2 resends them (a second message each); the rest are sent; the process dies again with the resends in flight
		const crash2 = await db.open();
		const t2 = hangingAfter(0, t1.hung);
		const run2 = runBroadcast({
			ledger: crash2.broadcasts,
			id: 'allerta-1',
			list: LIST,
			message: MESSAGE,
			rate: 500,
			concurrency: concurrency + 2,
			transport: t2.send,
			staleAfterMs: 0,
		}).catch((e: unknown) => e);
		await until(
			async () =>
				simulator.stats().accepted === 40 + 10 + 20 &&
				(await store.broadcasts.counts('allerta-1')).byState.sent === 50,
		);
		await sleep(50);
		await crash2.close();
		expect(await run2).toBeInstanceOf(Error);
		expect(t2.hung).toEqual(t1.hung);

		// run 3: they are uncertain and get nothing more
		const summary = await run({ staleAfterMs: 0 });
		expect(summary).toMatchObject({
			aborted: false,
			runs: 3,
			sent: 50,
			skipped: { uncertain: concurrency, alreadySent: 50 },
			thisRun: { sent: 0, resentAfterCrash: 0 },
			remaining: 0,
		});
		const counts = perRecipient(simulator);
		expect(counts.size).toBe(60);
		const twice = [...counts].filter(([, n]) => n === 2).map(([to]) => to);
		expect(twice.sort()).toEqual([...t1.hung].sort());
		expect(twice.length).toBeLessThanOrEqual(concurrency);
		expect(Math.max(...counts.values())).toBe(2);
		const rows = await deliveryRows(db, 'allerta-1');
		expect(
			rows
				.filter((r) => r.state === 'uncertain')
				.map((r) => String(r.recipient_key).slice(3))
				.sort(),
		).toEqual(twice.sort());
	});

	test('a crash, then a clean re-run: the in-flight ones are resent once (resentAfterCrash)', async () => {
		await seed(store, range(0, 30));
		const crashed = await db.open();
		let count = 0;
		const hangAfter20: Transport = async (payload) => {
			const answer = await transport.send(payload);
			count += 1;
			return count > 20 ? await new Promise<SendAnswer>(() => undefined) : answer;
		};
		const dead = runBroadcast({
			ledger: crashed.broadcasts,
			id: 'allerta-1',
			list: LIST,
			message: MESSAGE,
			rate: 500,
			concurrency: 8,
			transport: hangAfter20,
		}).catch((e: unknown) => e);
		await until(
			async () =>
				simulator.stats().accepted === 28 &&
				(await store.broadcasts.counts('allerta-1')).byState.sent === 20,
		);
		await crashed.close();
		await dead;
		const summary = await run({ staleAfterMs: 0 });
		expect(summary).toMatchObject({
			aborted: false,
			sent: 30,
			skipped: { uncertain: 0, alreadySent: 20 },
			thisRun: { sent: 10, resentAfterCrash: 8 },
		});
		const counts = perRecipient(simulator);
		expect([...counts.values()].filter((n) => n === 2)).toHaveLength(8);
	});

	test('a second run that takes the broadcast over stops the first; duplicates stay within the first run’s concurrency', async () => {
		await seed(store, range(0, 80));
		const concurrency = 8;
		const first = run({ rate: 40, concurrency });
		await until(() => simulator.stats().accepted >= 10);
		const second = await run({ rate: 500, staleAfterMs: 0 });
		const stopped = await first;
		expect(stopped).toMatchObject({
			aborted: true,
			reason: 'Another execution took this broadcast over',
		});
		expect(stopped.hintIt).toMatch(/un'altra esecuzione/i);
		expect(second).toMatchObject({ aborted: false, remaining: 0 });
		const counts = perRecipient(simulator);
		expect(counts.size).toBe(80);
		const twice = [...counts.values()].filter((n) => n > 1);
		expect(twice.every((n) => n === 2)).toBe(true);
		expect(twice.length).toBeLessThanOrEqual(concurrency);
		expect(await store.broadcasts.get('allerta-1')).toMatchObject({ state: 'completed', runs: 2 });
	});

	test('memory: the store is read a page at a time, never more than pageSize', async () => {
		await seed(store, range(0, 120));
		const scan = jest.spyOn(store.broadcasts, 'scan');
		const step = jest.spyOn(store.broadcasts, 'step');
		const summary = await run({ rate: 1000, pageSize: 25, concurrency: 20 });
		expect(summary.sent).toBe(120);
		expect(scan.mock.calls.length).toBeGreaterThanOrEqual(120 / 25);
		for (const [query] of scan.mock.calls) expect(query.limit).toBe(25);
		for (const result of scan.mock.results)
			expect((await result.value).length).toBeLessThanOrEqual(25);
		for (const [input] of step.mock.calls) expect(input.claim.length).toBeLessThanOrEqual(20);
		expectExactlyOnce(simulator, range(0, 120));
	});

	test('bad options are refused before anything is written', async () => {
		await seed(store, range(0, 3));
		await expect(run({ rate: 0 })).rejects.toThrow(RangeError);
		await expect(run({ rate: 5000 })).rejects.toThrow(RangeError);
		await expect(run({ concurrency: 0 })).rejects.toThrow(/Concurrency/);
		await expect(run({ concurrency: 1.5 })).rejects.toThrow(/Concurrency/);
		await expect(run({ id: 'a\nb' })).rejects.toMatchObject({ code: 'INPUT' });
		expect(await db.query('SELECT * FROM broadcast')).toEqual([]);
		expect(simulator.stats().accepted).toBe(0);
	});

	test('a recipient the message builder refuses is recorded as failed, not sent', async () => {
		await seed(store, range(0, 5));
		const picky: BroadcastMessage = {
			description: MESSAGE.description,
			build: (recipient) => {
				if (recipient.waId === waIdOf(2)) throw new Error('not a phone number');
				return MESSAGE.build(recipient);
			},
		};
		const summary = await run({ message: picky });
		expect(summary).toMatchObject({
			sent: 4,
			failed: { count: 1, byCode: { unknown: 1 } },
			aborted: false,
		});
		expectExactlyOnce(simulator, [0, 1, 3, 4]);
	});
});

describe('runBroadcast (postgres)', () => {
	let db: TestDb;
	let store: SubscriptionStore;

	beforeEach(async () => {
		db = await createTestDb('postgres');
		store = await db.open();
	});
	afterEach(async () => db.cleanup());

	test('every active subscriber once, an opt-out honoured, a resume that sends only the rest', async () => {
		await seed(store, range(0, 60));
		await seed(store, range(100, 103), LIST, 'pending');
		await unsubscribeAll(store, 59);
		const controller = new AbortController();
		const first = await runBroadcast({
			ledger: store.broadcasts,
			id: 'allerta-pg',
			list: LIST,
			message: MESSAGE,
			rate: 100,
			transport: transport.send,
			signal: controller.signal,
			onProgress: (p) => p.sent >= 20 && controller.abort(),
		});
		expect(first.aborted).toBe(true);
		const second = await runBroadcast({
			ledger: store.broadcasts,
			id: 'allerta-pg',
			list: LIST,
			message: MESSAGE,
			rate: 1000,
			transport: transport.send,
		});
		expect(second).toMatchObject({
			aborted: false,
			sent: 59,
			remaining: 0,
			skipped: { alreadySent: first.sent },
		});
		expectExactlyOnce(simulator, range(0, 59));
		expect((await store.broadcasts.counts('allerta-pg')).byState).toMatchObject({
			sent: 59,
			sending: 0,
			retry: 0,
		});
	});
});
