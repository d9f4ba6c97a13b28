/**
 * The ingress service (core/ingress/service.ts) in this process, over real HTTP, on a real store:
 * the answers, nothing stored on a refusal, group commit, statuses and messages in one body, 503 while
 * the database is unreachable, health and metrics, and a stop that finishes the writes in flight.
 */
import { request as httpRequest } from 'node:http';

import { ingressConfigFromEnv } from '../../../nodes/core/ingress/config';
import { IngressService } from '../../../nodes/core/ingress/service';
import type { SubscriptionStore } from '../../../nodes/core/store';
import { receiveWebhook } from '../../../nodes/core/whatsapp/receive';
import { computeSignature } from '../../../nodes/core/whatsapp/signature';
import { FakeTrigger, until } from '../../helpers/fakeTrigger';
import {
	INGRESS_SECRET,
	INGRESS_VERIFY_TOKEN,
	messagePayload,
	mixedPayload,
	sign,
	statusesPayload,
} from '../../helpers/ingressPayloads';
import { BACKENDS, createTestDb, PG_TEST, type TestDb } from '../../helpers/storeFixtures';
import { TcpProxy } from '../../helpers/tcpProxy';

// real servers and databases on a machine other suites share: room for a slow moment
jest.setTimeout(30_000);

const PORT = 5713;
const TRIGGER_PORT = 5714;
const PROXY_PORT = 5715;
const URL_ = `http://127.0.0.1:${PORT}/`;

function config(db: TestDb, extra: Record<string, string> = {}) {
	const store = db.config;
	const env: Record<string, string> = {
		WHATSURP_INGRESS_PORT: String(PORT),
		WHATSURP_INGRESS_HOST: '127.0.0.1',
		WHATSURP_APP_SECRET: INGRESS_SECRET,
		WHATSURP_VERIFY_TOKEN: INGRESS_VERIFY_TOKEN,
		WHATSURP_TRIGGER_URL: `http://127.0.0.1:${TRIGGER_PORT}/webhook/w/webhook`,
		WHATSURP_INGRESS_INSTANCE: 'test-ingress',
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
		...extra,
	};
	return ingressConfigFromEnv(env);
}

/** One HTTP request on its own connection (no socket kept between tests' servers). */
function request(
	method: string,
	path: string,
	body?: Buffer,
	headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(
			`${URL_.slice(0, -1)}${path}`,
			{
				method,
				agent: false,
				headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }),
				);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

async function postSigned(payload: unknown): Promise<{ status: number; text: string }> {
	const { body, signature } = sign(payload);
	return await request('POST', '/', body, {
		'content-type': 'application/json',
		'x-hub-signature-256': signature,
	});
}

describe.each(BACKENDS)('IngressService (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;
	let service: IngressService;
	let trigger: FakeTrigger;
	const lines: string[] = [];

	beforeEach(async () => {
		db = await createTestDb(backend);
		store = await db.open();
		trigger = new FakeTrigger(TRIGGER_PORT);
		await trigger.start();
		lines.length = 0;
		service = new IngressService({
			config: config(db),
			store,
			log: (l) => lines.push(l),
			lateDelaysMs: [300, 600],
		});
		await service.start();
	});
	afterEach(async () => {
		await service.stop();
		await trigger.stop();
		await db.cleanup();
	});

	test('refusals: the right status and nothing stored', async () => {
		const handshake = await request(
			'GET',
			`/?hub.mode=subscribe&hub.verify_token=${INGRESS_VERIFY_TOKEN}&hub.challenge=77`,
		);
		expect([handshake.status, handshake.text]).toEqual([200, '77']);
		expect(
			(await request('GET', '/?hub.mode=subscribe&hub.verify_token=x&hub.challenge=77')).status,
		).toBe(403);
		const message = sign(messagePayload('393471234567', 'wamid.A', 'ciao'));
		const cases: Array<[Buffer, string | undefined, number]> = [
			[message.body, undefined, 401],
			[message.body, computeSignature(message.body, 'forged'), 401],
			[Buffer.alloc(3 * 1024 * 1024 + 10, 0x20), undefined, 413],
			[Buffer.from('not json'), computeSignature('not json', INGRESS_SECRET), 400],
			[
				Buffer.from('{"object":"page"}'),
				computeSignature('{"object":"page"}', INGRESS_SECRET),
				400,
			],
		];
		for (const [body, signature, status] of cases) {
			const res = await request(
				'POST',
				'/',
				body,
				signature ? { 'x-hub-signature-256': signature } : {},
			);
			expect(res.status).toBe(status);
		}
		expect(await store.outbox.depth()).toMatchObject({ waiting: 0, forwarded: 0 });
		expect(await store.statusTally()).toEqual([]);
		expect(trigger.received).toHaveLength(0);
	});

	test('200 concurrent status webhooks: all recorded, in few transactions, no n8n request', async () => {
		const responses = await Promise.all(
			Array.from({ length: 200 }, (_, r) =>
				postSigned(statusesPayload([`wamid.${r}.a`, `wamid.${r}.b`], 'read')),
			),
		);
		expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
		expect((await store.statusTally())[0].read).toBe(400);
		// PostgreSQL's transactions take time, during which the next requests wait and go together; in
		// this process SQLite's take less than the client takes to send the next one (the benchmark shows
		// batches under load, groupCommit.test.ts how they form)
		if (backend === 'postgres') expect(service.stats.commit.transactions).toBeLessThan(200);
		expect(service.stats.commit.requests).toBe(200);
		expect(trigger.received).toHaveLength(0);
	});

	test('a message is queued once (redelivery), answered 200, then forwarded once', async () => {
		const payload = messagePayload('393471234567', 'wamid.Q1', 'Quando apre l\u2019URP?');
		expect((await postSigned(payload)).status).toBe(200);
		expect((await postSigned(payload)).status).toBe(200);
		await until(() => service.stats.forward!.forwarded === 1);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(trigger.received).toHaveLength(1);
		expect(trigger.received[0].body.equals(sign(payload).body)).toBe(true);
		expect(service.stats).toMatchObject({ queued: 1, duplicates: 1 });
	});

	test('statuses and a message in one body: statuses recorded, body queued; the trigger recording them again changes nothing', async () => {
		await store.importSubscriber(
			{
				citizen: { waId: '393330000001' },
				lists: ['EMERGENZE'],
				consentAt: new Date('2026-01-01T00:00:00Z'),
				policyVersion: 'v1',
			},
			{ at: new Date('2026-01-01T00:00:00Z'), channel: 'import' },
		);
		const ledger = store.broadcasts;
		const T = new Date();
		const run = await ledger.begin({
			id: 'allerta',
			list: 'EMERGENZE',
			messageHash: 'h',
			message: { type: 'text', text: 'Allerta' },
			now: T,
		});
		const step = (fields: Partial<Parameters<typeof ledger.step>[0]>) =>
			ledger.step({
				id: 'allerta',
				runToken: run.runToken,
				list: 'EMERGENZE',
				createdAt: T.toISOString(),
				now: T,
				outcomes: [],
				claim: [],
				heartbeat: false,
				...fields,
			});
		await step({ claim: [{ key: 'wa:393330000001', waId: '393330000001', userId: null }] });
		await step({
			outcomes: [{ key: 'wa:393330000001', state: 'sent', wamid: 'wamid.B1', attempts: 1 }],
		});

		expect(
			(await postSigned(mixedPayload(['wamid.B1'], 'read', '393471234567', 'wamid.M1', 'STOP')))
				.status,
		).toBe(200);
		expect((await ledger.counts('allerta')).byState.read).toBe(1);
		await until(() => trigger.received.length === 1);
		// a late "delivered" after "read" changes nothing either
		expect((await postSigned(statusesPayload(['wamid.B1'], 'delivered'))).status).toBe(200);
		const forwarded = trigger.received[0];
		const outcome = await receiveWebhook(forwarded.body, forwarded.headers['x-hub-signature-256'], {
			appSecret: INGRESS_SECRET,
			deliveryStatuses: { mode: 'record', recorder: store },
			dropEchoes: true,
		});
		expect(outcome.status).toBe(200);
		expect(outcome.events).toMatchObject([{ messageId: 'wamid.M1', text: 'STOP' }]);
		expect(outcome.statuses.recorded).toMatchObject({ received: 1, broadcast: 0, unchanged: 1 });
		expect((await ledger.counts('allerta')).byState).toMatchObject({ read: 1 });
		// the tally counts what arrived: read twice (ingress, then trigger), delivered once
		expect((await store.statusTally())[0]).toMatchObject({ read: 2, delivered: 1 });
	});

	test("a status that overtakes the broadcast's record of its wamid is applied on a second look, counted once", async () => {
		await store.importSubscriber(
			{
				citizen: { waId: '393330000002' },
				lists: ['EMERGENZE'],
				consentAt: new Date('2026-01-01T00:00:00Z'),
				policyVersion: 'v1',
			},
			{ at: new Date('2026-01-01T00:00:00Z'), channel: 'import' },
		);
		const ledger = store.broadcasts;
		const T = new Date();
		const run = await ledger.begin({
			id: 'presto',
			list: 'EMERGENZE',
			messageHash: 'h',
			message: { type: 'text', text: 'Allerta' },
			now: T,
		});
		const step = (fields: Partial<Parameters<typeof ledger.step>[0]>) =>
			ledger.step({
				id: 'presto',
				runToken: run.runToken,
				list: 'EMERGENZE',
				createdAt: T.toISOString(),
				now: T,
				outcomes: [],
				claim: [],
				heartbeat: false,
				...fields,
			});
		await step({ claim: [{ key: 'wa:393330000002', waId: '393330000002', userId: null }] });
		// Meta's statuses come before the ledger records the wamid of the send
		expect((await postSigned(statusesPayload(['wamid.EARLY'], 'delivered'))).status).toBe(200);
		expect((await postSigned(statusesPayload(['wamid.EARLY', 'wamid.NEVER'], 'read'))).status).toBe(
			200,
		);
		expect((await ledger.counts('presto')).byState).toMatchObject({ sending: 1 });
		await step({
			outcomes: [{ key: 'wa:393330000002', state: 'sent', wamid: 'wamid.EARLY', attempts: 1 }],
		});
		await until(
			async () => (await ledger.counts('presto')).byState.read === 1,
			5000,
			'the late read',
		);
		await until(() => service.stats.lateGivenUp === 1, 5000, 'the unknown wamid given up');
		expect(service.stats.lateApplied).toBe(2);
		expect((await store.statusTally())[0]).toMatchObject({ delivered: 1, read: 2 });
		const metrics = (await request('GET', '/metrics')).text;
		expect(metrics).toMatch(/^whatsurp_ingress_late_statuses_applied_total 2$/m);
		expect(metrics).toMatch(/^whatsurp_ingress_late_statuses_given_up_total 1$/m);
	});

	test('statuses still waiting for their second look get it when the ingress stops', async () => {
		await store.importSubscriber(
			{
				citizen: { waId: '393330000003' },
				lists: ['EMERGENZE'],
				consentAt: new Date('2026-01-01T00:00:00Z'),
				policyVersion: 'v1',
			},
			{ at: new Date('2026-01-01T00:00:00Z'), channel: 'import' },
		);
		const ledger = store.broadcasts;
		const T = new Date();
		const run = await ledger.begin({
			id: 'fine',
			list: 'EMERGENZE',
			messageHash: 'h',
			message: { type: 'text', text: 'Allerta' },
			now: T,
		});
		const step = (fields: Partial<Parameters<typeof ledger.step>[0]>) =>
			ledger.step({
				id: 'fine',
				runToken: run.runToken,
				list: 'EMERGENZE',
				createdAt: T.toISOString(),
				now: T,
				outcomes: [],
				claim: [],
				heartbeat: false,
				...fields,
			});
		await step({ claim: [{ key: 'wa:393330000003', waId: '393330000003', userId: null }] });
		expect((await postSigned(statusesPayload(['wamid.LAST'], 'read'))).status).toBe(200);
		await step({
			outcomes: [{ key: 'wa:393330000003', state: 'sent', wamid: 'wamid.LAST', attempts: 1 }],
		});
		await service.stop(); // before the 300 ms of the first second look
		const reopened = await db.open();
		expect((await reopened.broadcasts.counts('fine')).byState.read).toBe(1);
		expect(service.stats.lateApplied).toBe(1);
	});

	test('health and metrics', async () => {
		await postSigned(statusesPayload(['wamid.H1'], 'sent'));
		trigger.behaviour = () => 404;
		await postSigned(messagePayload('393471234567', 'wamid.H2', 'ciao'));
		await until(() => service.stats.forward!.failures.refused === 1);
		const health = await request('GET', '/healthz');
		expect(health.status).toBe(200);
		expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', store: backend, waiting: 1 });
		const metrics = (await request('GET', '/metrics')).text;
		expect(metrics).toMatch(/^whatsurp_ingress_queue_depth 1$/m);
		expect(metrics).toMatch(/^whatsurp_ingress_statuses_total 1$/m);
		expect(metrics).toMatch(/^whatsurp_ingress_forward_failures_total\{kind="refused"\} 1$/m);
		expect(metrics).toMatch(/^whatsurp_ingress_queue_failing\{kind="refused"\} 1$/m);
		expect(metrics).toMatch(/^whatsurp_ingress_requests_total\{status="200"\} 2$/m);
		expect(metrics).toMatch(/^whatsurp_ingress_oldest_waiting_seconds \d/m);
		expect(metrics).not.toContain('393471234567');
	});

	test('stop finishes the writes in flight: every request read is answered 200 and stored', async () => {
		const sent = Array.from({ length: 60 }, (_, r) =>
			r % 3 === 0
				? postSigned(messagePayload(`3934712${String(r).padStart(5, '0')}`, `wamid.S${r}`, 'x'))
				: postSigned(statusesPayload([`wamid.s${r}`])),
		);
		await until(() => service.stats.requests === 60);
		const stopped = service.stop();
		const statuses = (await Promise.all(sent)).map((r) => r.status);
		await stopped;
		expect(statuses).toEqual(Array(60).fill(200));
		const reopened = await db.open();
		expect((await reopened.statusTally())[0].delivered).toBe(40);
		expect(
			(await reopened.outbox.depth()).waiting + (await reopened.outbox.depth()).forwarded,
		).toBe(20);
		expect(lines.at(-1)).toMatch(/stopped/);
	});
});

describe('IngressService: the store unreachable', () => {
	let db: TestDb;
	let service: IngressService;
	const proxy = new TcpProxy(PROXY_PORT, { host: PG_TEST.host, port: PG_TEST.port });

	beforeAll(async () => {
		db = await createTestDb('postgres');
		await (await db.open()).close(); // migrated
		await proxy.start();
		const base = config(db, {
			WHATSURP_STORE_HOST: '127.0.0.1',
			WHATSURP_STORE_PORT: String(PROXY_PORT),
		});
		const { openStore } = await import('../../../nodes/core/store');
		service = new IngressService({
			config: base,
			store: await openStore(base.store),
			forward: false,
		});
		await service.start();
	});
	afterAll(async () => {
		await service.stop().catch(() => undefined);
		await proxy.cut();
		await db.cleanup();
	});

	test('503 while the database is unreachable, nothing acknowledged; 200 again when it is back', async () => {
		expect((await postSigned(statusesPayload(['wamid.D0']))).status).toBe(200);
		await proxy.cut();
		const down = await Promise.all([
			postSigned(statusesPayload(['wamid.D1'])),
			postSigned(messagePayload('393471234567', 'wamid.D2', 'aiuto')),
		]);
		expect(down.map((r) => r.status)).toEqual([503, 503]);
		expect((await request('GET', '/healthz')).status).toBe(503);
		await proxy.start();
		expect((await postSigned(messagePayload('393471234567', 'wamid.D2', 'aiuto'))).status).toBe(
			200,
		);
		expect((await request('GET', '/healthz')).status).toBe(200);
		const rows = await db.query('SELECT wamid FROM ingress_outbox');
		expect(rows).toEqual([{ wamid: 'wamid.D2' }]);
		expect((await db.query('SELECT delivered FROM delivery_status_tally'))[0].delivered).toBe(1);
	});
});
