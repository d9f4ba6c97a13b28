/**
 * The trigger's pipeline without n8n: Meta's handshake, the signed POST (verify → parse → normalise)
 * and the redelivery guard, in memory and with a registry that fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	MemorySeenRegistry,
	REDELIVERY_WINDOW_MS,
	keepUnseen,
	redeliveryKey,
	type SeenRegistry,
} from '../../../nodes/core/whatsapp/dedupe';
import { toMetaJson } from '../../../nodes/core/whatsapp/metaJson';
import {
	answerHandshake,
	receiveWebhook,
	type ReceiveSettings,
} from '../../../nodes/core/whatsapp/receive';
import { computeSignature } from '../../../nodes/core/whatsapp/signature';
import type {
	InboundMessage,
	StatusUpdate,
	WebhookEvent,
} from '../../../nodes/core/whatsapp/types';

const SECRET = 'app-secret-for-tests';
const fixtures = join(__dirname, '../../fixtures/webhooks');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));

function signed(payload: unknown): { body: Buffer; signature: string } {
	const body = Buffer.from(toMetaJson(payload));
	return { body, signature: computeSignature(body, SECRET) };
}

const settings = (extra: Partial<ReceiveSettings> = {}): ReceiveSettings => ({
	appSecret: SECRET,
	deliveryStatuses: { mode: 'start' },
	dropEchoes: true,
	...extra,
});

describe('answerHandshake', () => {
	test.each([
		{
			label: 'a correct subscription',
			query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '1158201444' },
			status: 200,
			body: '1158201444',
		},
		{
			label: 'a wrong token',
			query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' },
			status: 403,
		},
		{
			label: 'a token that only starts the same',
			query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'to', 'hub.challenge': '1' },
			status: 403,
		},
		{
			label: 'another mode',
			query: { 'hub.mode': 'unsubscribe', 'hub.verify_token': 'tok', 'hub.challenge': '1' },
			status: 403,
		},
		{ label: 'no mode', query: { 'hub.verify_token': 'tok', 'hub.challenge': '1' }, status: 403 },
		{
			label: 'no challenge',
			query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'tok' },
			status: 403,
		},
		{
			label: 'repeated parameters (first wins)',
			query: {
				'hub.mode': ['subscribe', 'x'],
				'hub.verify_token': ['tok'],
				'hub.challenge': ['42', '43'],
			},
			status: 200,
			body: '42',
		},
		{
			label: 'a token given as an object',
			query: { 'hub.mode': 'subscribe', 'hub.verify_token': { a: 1 }, 'hub.challenge': '1' },
			status: 403,
		},
	])('$label → $status', ({ query, status, body }) => {
		const answer = answerHandshake(query, 'tok');
		expect(answer.status).toBe(status);
		if (body !== undefined) expect(answer.body).toBe(body);
		else expect(answer.body).not.toContain('1158201444');
	});

	test('an empty configured token never matches, not even an empty one', () => {
		expect(
			answerHandshake({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' }, '')
				.status,
		).toBe(403);
	});
});

describe('receiveWebhook', () => {
	test('a signed text message gives one normalised event', async () => {
		const { body, signature } = signed(fixture('text-message.json'));
		const outcome = await receiveWebhook(body, signature, settings());
		expect(outcome.status).toBe(200);
		expect(outcome.events).toHaveLength(1);
		const message = outcome.events[0] as InboundMessage;
		expect(message).toMatchObject({
			event: 'message',
			type: 'text',
			text: 'Does it come in another color?',
			from: { waId: '16505551234', name: 'Sheena Nelson' },
		});
	});

	test.each([
		{ label: 'no signature', header: undefined, reason: /missing/ },
		{
			label: 'a signature with another secret',
			header: computeSignature(Buffer.from('{}'), 'other'),
			reason: /does not match/,
		},
		{ label: 'a garbage header', header: 'md5=abc', reason: /sha256=/ },
	])('$label → 401 and no events', async ({ header, reason }) => {
		const { body } = signed(fixture('text-message.json'));
		const outcome = await receiveWebhook(body, header, settings());
		expect(outcome).toMatchObject({ status: 401, events: [] });
		expect(outcome.reason).toMatch(reason);
	});

	test('a body changed after signing → 401', async () => {
		const { body, signature } = signed(fixture('text-message.json'));
		const tampered = Buffer.from(body.toString().replace('another color', 'another colour'));
		expect((await receiveWebhook(tampered, signature, settings())).status).toBe(401);
	});

	test('a credential without app secret refuses everything', async () => {
		const { body, signature } = signed(fixture('text-message.json'));
		const outcome = await receiveWebhook(body, signature, settings({ appSecret: '' }));
		expect(outcome.status).toBe(401);
		expect(outcome.reason).toMatch(/no app secret/);
	});

	test('signed malformed JSON → 400, the body is not echoed', async () => {
		const body = Buffer.from('{"object":"whatsapp_business_account","entry":[ SECRET-TEXT');
		const outcome = await receiveWebhook(body, computeSignature(body, SECRET), settings());
		expect(outcome.status).toBe(400);
		expect(outcome.reason).not.toContain('SECRET-TEXT');
	});

	test('a signed body over the size limit → 413', async () => {
		const body = Buffer.from(
			JSON.stringify({ object: 'whatsapp_business_account', pad: 'x'.repeat(2048) }),
		);
		const outcome = await receiveWebhook(
			body,
			computeSignature(body, SECRET),
			settings({ maxBytes: 1024 }),
		);
		expect(outcome.status).toBe(413);
	});

	test('another object (e.g. a Page webhook) → 200 and nothing to start', async () => {
		const { body, signature } = signed({ object: 'page', entry: [] });
		expect(await receiveWebhook(body, signature, settings())).toMatchObject({
			status: 200,
			events: [],
		});
	});

	test('ignore drops statuses, start keeps them; messages start in both modes', async () => {
		const { body, signature } = signed(fixture('custom/mixed-batch.json'));
		const all = await receiveWebhook(body, signature, settings());
		const ignored = await receiveWebhook(
			body,
			signature,
			settings({ deliveryStatuses: { mode: 'ignore' } }),
		);
		expect(ignored.events.every((e) => e.event === 'message')).toBe(true);
		expect(ignored.events).toEqual(all.events.filter((e) => e.event === 'message'));
		expect(ignored.events.length).toBeGreaterThan(0);
		expect(all.events.some((e) => e.event === 'status')).toBe(true);
	});

	test('a redelivered POST starts nothing the second time', async () => {
		const registry = new MemorySeenRegistry();
		const { body, signature } = signed(fixture('text-message.json'));
		const first = await receiveWebhook(body, signature, settings({ registry }));
		const second = await receiveWebhook(body, signature, settings({ registry }));
		expect(first.events).toHaveLength(1);
		expect(second).toMatchObject({ status: 200, events: [], duplicates: 1 });
	});

	test('when the registry fails nothing is lost: the events pass and the failure is reported', async () => {
		const broken: SeenRegistry = {
			markSeen: async () => {
				throw new Error('connection refused');
			},
		};
		const { body, signature } = signed(fixture('custom/mixed-batch.json'));
		const plain = await receiveWebhook(body, signature, settings());
		const outcome = await receiveWebhook(body, signature, settings({ registry: broken }));
		expect(outcome.events).toEqual(plain.events);
		expect(outcome.registryError).toBe('connection refused');
	});
});

describe('redelivery guard', () => {
	const message = (id: string): InboundMessage => ({
		event: 'message',
		messageId: id,
		phoneNumberId: '1',
		from: { waId: '393331234567' },
		timestamp: '2026-03-03T10:00:00.000Z',
		type: 'text',
		text: 'x',
		echo: false,
		raw: {},
	});
	const status = (id: string, value: string): StatusUpdate => ({
		event: 'status',
		messageId: id,
		phoneNumberId: '1',
		status: value,
		recipient: { waId: '393331234567' },
		timestamp: '2026-03-03T10:00:00.000Z',
		errors: [],
		raw: {},
	});

	test('a message is keyed by its wamid, a status by wamid and status', () => {
		expect(redeliveryKey(message('wamid.A'))).toBe('wamid.A');
		expect(redeliveryKey(status('wamid.A', 'delivered'))).toBe('status:wamid.A:delivered');
	});

	test('sent, delivered and read of one message are three updates; a repeat of one is dropped', async () => {
		const registry = new MemorySeenRegistry();
		const at = new Date('2026-03-03T10:00:00Z');
		const events: WebhookEvent[] = [
			status('w', 'sent'),
			status('w', 'delivered'),
			status('w', 'read'),
			status('w', 'delivered'),
		];
		const outcome = await keepUnseen(events, registry, at);
		expect(outcome.fresh.map((e) => (e as StatusUpdate).status)).toEqual([
			'sent',
			'delivered',
			'read',
		]);
		expect(outcome.duplicates).toBe(1);
	});

	test('a sighting expires after the redelivery window', async () => {
		const registry = new MemorySeenRegistry(10, 1000);
		expect(await registry.markSeen('a', new Date(0))).toBe(true);
		expect(await registry.markSeen('a', new Date(999))).toBe(false);
		expect(await registry.markSeen('a', new Date(1000))).toBe(true);
	});

	test('the memory registry keeps at most its capacity, forgetting the oldest', async () => {
		const registry = new MemorySeenRegistry(3);
		const at = new Date(0);
		for (const key of ['a', 'b', 'c', 'd']) await registry.markSeen(key, at);
		expect(registry.size).toBe(3);
		expect(await registry.markSeen('a', at)).toBe(true); // forgotten
		expect(await registry.markSeen('d', at)).toBe(false); // still there
	});

	test('the window covers Meta’s 7 days of retries with a margin', () => {
		expect(REDELIVERY_WINDOW_MS).toBeGreaterThan(7 * 24 * 3600 * 1000);
		expect(() => new MemorySeenRegistry(0)).toThrow(RangeError);
	});
});
