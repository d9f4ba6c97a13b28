/**
 * The forwarder (core/ingress/forwarder.ts) against a real HTTP receiver, on a real store: bytes and
 * signature as received, accepted by the trigger's own pipeline; retries on 5xx, refused connections
 * and timeouts; 401/404 kept and reported; order per citizen; two instances on one PostgreSQL.
 */
import { Forwarder, failureKindOf, forwardDelayMs } from '../../../nodes/core/ingress/forwarder';
import type { OutboxEntry, SubscriptionStore } from '../../../nodes/core/store';
import { receiveWebhook } from '../../../nodes/core/whatsapp/receive';
import { FakeTrigger, until } from '../../helpers/fakeTrigger';
import { INGRESS_SECRET, messagePayload, sign } from '../../helpers/ingressPayloads';
import { BACKENDS, freshStoreEachTest, type TestDb } from '../../helpers/storeFixtures';

// real servers and databases on a machine other suites share: room for a slow moment
jest.setTimeout(30_000);

const PORT = 5711;
const CLOSED_PORT = 5712;

function entry(from: string, wamid: string, text: string): OutboxEntry {
	const { body, signature } = sign(messagePayload(from, wamid, text));
	return { wamid, citizenKey: `wa:${from}`, body, signature, messages: 1 };
}

describe('failure kinds and back-off', () => {
	test.each([
		[200, null],
		[204, null],
		[401, 'refused'],
		[403, 'refused'],
		[404, 'refused'],
		[400, 'server'],
		[500, 'server'],
		[503, 'server'],
	])('HTTP %i → %s', (status, kind) => {
		expect(failureKindOf(status)).toBe(kind);
	});

	test('refusals wait longer; both grow and are capped, never zero', () => {
		const mid = () => 0.5;
		expect(forwardDelayMs('server', 1, mid)).toBe(750);
		expect(forwardDelayMs('network', 3, mid)).toBe(3000);
		expect(forwardDelayMs('server', 30, mid)).toBe(45_000);
		expect(forwardDelayMs('refused', 1, mid)).toBe(22_500);
		expect(forwardDelayMs('refused', 30, mid)).toBe(675_000);
	});
});

describe.each(BACKENDS)('Forwarder (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;
	let trigger: FakeTrigger;
	const forwarders: Forwarder[] = [];
	const lines: string[] = [];

	freshStoreEachTest(backend, (fresh, opened) => {
		db = fresh;
		store = opened;
	});
	beforeEach(async () => {
		trigger = new FakeTrigger(PORT);
		await trigger.start();
		lines.length = 0;
	});
	afterEach(async () => {
		for (const f of forwarders.splice(0)) await f.stop();
		await trigger.stop();
	});

	function forwarder(
		url = trigger.url,
		extra: Partial<ConstructorParameters<typeof Forwarder>[0]> = {},
	) {
		const f = new Forwarder({
			outbox: store.outbox,
			targetUrl: url,
			owner: 'ingress-a',
			pollMs: 20,
			timeoutMs: 500,
			delay: () => 30,
			log: (line) => lines.push(line),
			...extra,
		});
		forwarders.push(f);
		f.start();
		return f;
	}

	test("a body reaches the trigger byte for byte with Meta's signature, and the trigger's pipeline accepts it", async () => {
		const queued = entry('393471234567', 'wamid.F1', 'Perché il bus è in ritardo? \u{1F68C}');
		await store.outbox.enqueue([queued], new Date());
		const f = forwarder();
		await until(() => f.stats.forwarded === 1);
		const [got] = trigger.received;
		expect(got.body.equals(queued.body)).toBe(true);
		expect(got.headers['x-hub-signature-256']).toBe(queued.signature);
		expect(got.headers['content-type']).toBe('application/json');
		const outcome = await receiveWebhook(got.body, got.headers['x-hub-signature-256'], {
			appSecret: INGRESS_SECRET,
			deliveryStatuses: { mode: 'record', recorder: store },
			dropEchoes: true,
		});
		expect(outcome.status).toBe(200);
		expect(outcome.events).toMatchObject([
			{ event: 'message', messageId: 'wamid.F1', text: 'Perché il bus è in ritardo? \u{1F68C}' },
		]);
		expect(await store.outbox.depth()).toMatchObject({ waiting: 0, forwarded: 1 });
		expect(await db.query('SELECT body FROM ingress_outbox')).toEqual([{ body: null }]);
	});

	test('n8n answering 503 or not listening: retried until it takes it, once', async () => {
		trigger.behaviour = (_r, i) => (i < 2 ? 503 : 200);
		await store.outbox.enqueue([entry('393471234567', 'wamid.R1', 'uno')], new Date());
		const f = forwarder();
		await until(() => f.stats.forwarded === 1);
		expect(f.stats.failures).toEqual({ refused: 0, server: 2, network: 0 });
		expect(trigger.received).toHaveLength(3);

		await f.stop();
		// nothing listens on CLOSED_PORT until a receiver starts there
		await store.outbox.enqueue([entry('393471234568', 'wamid.R2', 'due')], new Date());
		const late = new FakeTrigger(CLOSED_PORT);
		const g = forwarder(late.url, { owner: 'ingress-b' });
		await until(() => g.stats.failures.network >= 2);
		expect((await store.outbox.depth()).failing.network).toBe(1);
		expect((await store.outbox.failures())[0]).toMatchObject({
			wamid: 'wamid.R2',
			kind: 'network',
			error: expect.stringMatching(/ECONNREFUSED/),
		});
		await late.start();
		try {
			await until(() => g.stats.forwarded === 1);
			expect(late.received).toHaveLength(1);
		} finally {
			await late.stop();
		}
	});

	test('no answer within the timeout counts as a network failure, and the body comes again', async () => {
		trigger.behaviour = (_r, i) => (i === 0 ? 'hang' : 200);
		await store.outbox.enqueue([entry('393471234567', 'wamid.T1', 'tre')], new Date());
		const f = forwarder(trigger.url, { timeoutMs: 200 });
		await until(() => f.stats.forwarded === 1);
		expect(f.stats.failures.network).toBe(1);
		expect(trigger.received).toHaveLength(2);
	});

	test('401/404 (secret rotated, workflow unpublished): kept, counted, logged; forwarded once n8n accepts again', async () => {
		let refuse = true;
		trigger.behaviour = () => (refuse ? 401 : 200);
		await store.outbox.enqueue([entry('393471234567', 'wamid.X1', 'quattro')], new Date());
		const f = forwarder();
		await until(() => f.stats.failures.refused >= 3);
		expect(await store.outbox.depth()).toMatchObject({ waiting: 1, failing: { refused: 1 } });
		expect(lines.filter((l) => l.includes('n8n refuses'))).toHaveLength(1);
		expect(lines.join('\n')).not.toContain('393471234567');
		refuse = false;
		await until(() => f.stats.forwarded === 1);
		expect(await store.outbox.depth()).toMatchObject({ waiting: 0 });
	});

	test("each citizen's messages reach n8n in the order they came, whatever n8n's delays", async () => {
		const citizens = ['393470000001', '393470000002', '393470000003'];
		const entries: OutboxEntry[] = [];
		for (let m = 0; m < 6; m++)
			for (const c of citizens) entries.push(entry(c, `wamid.${c}.${m}`, `msg ${m}`));
		await store.outbox.enqueue(entries, new Date());
		trigger.behaviour = (_r, i) =>
			new Promise((resolve) => setTimeout(() => resolve(i % 5 === 3 ? 502 : 200), (i * 7) % 30));
		const f = forwarder(trigger.url, { concurrency: 8 });
		await until(() => f.stats.forwarded === entries.length, 20_000);
		const accepted = new Map<string, number[]>();
		trigger.received.forEach((r, i) => {
			if (i % 5 === 3) return; // answered 502
			const wamid = /"id":"(wamid\.[^"]+)"/.exec(r.body.toString())![1];
			const [, c, m] = wamid.split('.');
			accepted.set(c, [...(accepted.get(c) ?? []), Number(m)]);
		});
		for (const c of citizens) expect(accepted.get(c)).toEqual([0, 1, 2, 3, 4, 5]);
	});

	if (backend === 'postgres') {
		test('two instances on one PostgreSQL forward every message exactly once', async () => {
			const other = await db.open();
			const entries: OutboxEntry[] = [];
			for (let i = 0; i < 150; i++)
				entries.push(entry(`3934700${String(i % 40).padStart(5, '0')}`, `wamid.P${i}`, `n ${i}`));
			await store.outbox.enqueue(entries, new Date());
			const a = forwarder(trigger.url, { owner: 'ingress-a', concurrency: 6 });
			const b = new Forwarder({
				outbox: other.outbox,
				targetUrl: trigger.url,
				owner: 'ingress-b',
				pollMs: 5,
				concurrency: 6,
			});
			forwarders.push(b);
			b.start();
			await until(() => a.stats.forwarded + b.stats.forwarded === entries.length, 20_000);
			const wamids = trigger.received.map(
				(r) => /"id":"(wamid\.[^"]+)"/.exec(r.body.toString())![1],
			);
			expect(wamids).toHaveLength(entries.length);
			expect(new Set(wamids).size).toBe(entries.length);
			expect(a.stats.forwarded).toBeGreaterThan(0);
			expect(b.stats.forwarded).toBeGreaterThan(0);
			expect(a.stats.lostClaims + b.stats.lostClaims).toBe(0);
		});
	}
});
