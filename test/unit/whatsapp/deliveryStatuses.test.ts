/**
 * Delivery statuses in the trigger's pipeline, without n8n: which events start the workflow and which
 * go to the store (record / start / ignore), the one store call per POST, the order (recorded before
 * anything is marked as seen), the 500 when the store fails, and hostile statuses.
 */
import type {
	DeliveryStatusUpdate,
	StatusRecordOutcome,
} from '../../../nodes/core/shared/deliveryStatus';
import { MemorySeenRegistry, type SeenRegistry } from '../../../nodes/core/whatsapp/dedupe';
import {
	DELIVERY_STATUS_MODES,
	FALLBACK_DELIVERY_STATUS_MODE,
	MAX_STATUS_LENGTH,
	MAX_WAMID_LENGTH,
	deliveryStatusModeOf,
	deliveryStatusUpdateOf,
	maskPhoneNumbers,
	splitStatuses,
	type DeliveryStatusHandling,
	type DeliveryStatusMode,
	type DeliveryStatusRecorder,
} from '../../../nodes/core/whatsapp/deliveryStatuses';
import { toMetaJson } from '../../../nodes/core/whatsapp/metaJson';
import {
	RECORD_FAILED_REASON,
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
const CITIZEN = '393331234567';
const NOW = new Date('2026-03-03T10:00:05.000Z');

// ---------------------------------------------------------------------------------------------------
// Meta-shaped payloads

type Json = Record<string, unknown>;

function rawMessage(id: string, from = CITIZEN): Json {
	return { from, id, timestamp: '1772532000', type: 'text', text: { body: 'ISCRIZIONE ON' } };
}

function rawStatus(id: unknown, status: unknown = 'delivered', extra: Json = {}): Json {
	return { id, status, timestamp: '1772532001', recipient_id: CITIZEN, ...extra };
}

function webhook(value: { messages?: unknown[]; statuses?: unknown }): Json {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: 'waba',
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: '390541704704', phone_number_id: '1' },
							...(value.messages
								? { contacts: [{ profile: { name: 'Maria Rossi' }, wa_id: CITIZEN }] }
								: {}),
							...value,
						},
					},
				],
			},
		],
	};
}

function signed(payload: unknown): { body: Buffer; signature: string } {
	const body = Buffer.from(toMetaJson(payload));
	return { body, signature: computeSignature(body, SECRET) };
}

// ---------------------------------------------------------------------------------------------------
// A store and a registry that write down what they are asked, in one shared log

interface Recording {
	recorder: DeliveryStatusRecorder;
	calls: DeliveryStatusUpdate[][];
}

function recording(log: string[], fail?: () => unknown): Recording {
	const calls: DeliveryStatusUpdate[][] = [];
	return {
		calls,
		recorder: {
			async recordDeliveryStatuses(updates, now): Promise<StatusRecordOutcome> {
				log.push(`record ${updates.length}`);
				expect(now).toEqual(NOW);
				if (fail) throw fail();
				calls.push(updates);
				return {
					received: updates.length,
					broadcast: 0,
					cases: 0,
					unchanged: 0,
					unknown: updates.length,
				};
			},
		},
	};
}

function watched(log: string[], inner: SeenRegistry = new MemorySeenRegistry()): SeenRegistry {
	return {
		async markSeen(key, at) {
			log.push(`seen ${key}`);
			return await inner.markSeen(key, at);
		},
	};
}

function settings(
	deliveryStatuses: DeliveryStatusHandling,
	registry?: SeenRegistry,
): ReceiveSettings {
	return { appSecret: SECRET, deliveryStatuses, dropEchoes: true, registry, now: NOW };
}

const idsOf = (events: WebhookEvent[]) =>
	events.map((e) => (e.event === 'message' ? e.messageId : `${e.messageId}:${e.status}`));

// ---------------------------------------------------------------------------------------------------

describe('deliveryStatusModeOf', () => {
	test.each([
		['record', 'record'],
		['start', 'start'],
		['ignore', 'ignore'],
		['both', undefined], // the old `updates` values are not modes
		['statuses', undefined],
		['RECORD', undefined],
		['', undefined],
		[undefined, undefined],
		[null, undefined],
		[['record'], undefined],
		[{ mode: 'record' }, undefined],
		['__proto__', undefined],
	])('%j → %s', (value, mode) => {
		expect(deliveryStatusModeOf(value)).toBe(mode);
	});

	test('the modes, default first; a value that is none loses nothing', () => {
		expect(DELIVERY_STATUS_MODES).toEqual(['record', 'start', 'ignore']);
		expect(FALLBACK_DELIVERY_STATUS_MODE).toBe('start');
	});
});

describe('deliveryStatusUpdateOf', () => {
	const item = (fields: Json): Json => ({
		event: 'status',
		messageId: 'wamid.A',
		status: 'read',
		...fields,
	});
	const polluted = JSON.parse(
		'{"event":"status","messageId":"wamid.P","status":"read","__proto__":{"polluted":true},"errors":[{"code":1,"__proto__":{"x":1}}]}',
	) as unknown;

	test.each<[string, unknown, DeliveryStatusUpdate | null]>([
		['a status item', item({}), { wamid: 'wamid.A', status: 'read', errorCode: null }],
		[
			'failed with an error code',
			item({ status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] }),
			{ wamid: 'wamid.A', status: 'failed', errorCode: 131026 },
		],
		[
			'the code as digits (an item built by hand)',
			item({ status: 'failed', errors: [{ code: '131049' }] }),
			{ wamid: 'wamid.A', status: 'failed', errorCode: 131049 },
		],
		[
			'the first error only',
			item({ errors: [{ code: 1 }, { code: 2 }] }),
			{ wamid: 'wamid.A', status: 'read', errorCode: 1 },
		],
		[
			'an unknown status is kept (the tally counts it as other)',
			item({ status: 'played' }),
			{ wamid: 'wamid.A', status: 'played', errorCode: null },
		],
		// malformed
		['a message', { event: 'message', messageId: 'wamid.A', status: 'read' }, null],
		['no event', { messageId: 'wamid.A', status: 'read' }, null],
		['no message id', item({ messageId: undefined }), null],
		['an empty message id', item({ messageId: '' }), null],
		['a numeric message id', item({ messageId: 12345 }), null],
		['an object as message id', item({ messageId: { $ne: null } }), null],
		['no status', item({ status: undefined }), null],
		['an empty status', item({ status: '' }), null],
		['a status that is not text', item({ status: ['read'] }), null],
		[
			'errors not an array',
			item({ errors: 'boom' }),
			{ wamid: 'wamid.A', status: 'read', errorCode: null },
		],
		[
			'a null error',
			item({ errors: [null] }),
			{ wamid: 'wamid.A', status: 'read', errorCode: null },
		],
		[
			'a null code (not 0)',
			item({ errors: [{ code: null }] }),
			{ wamid: 'wamid.A', status: 'read', errorCode: null },
		],
		[
			'a boolean code',
			item({ errors: [{ code: true }] }),
			{ wamid: 'wamid.A', status: 'read', errorCode: null },
		],
		[
			'a fractional code',
			item({ errors: [{ code: 1.5 }] }),
			{ wamid: 'wamid.A', status: 'read', errorCode: null },
		],
		[
			'a code beyond safe integers',
			item({ errors: [{ code: 1e300 }] }),
			{ wamid: 'wamid.A', status: 'read', errorCode: null },
		],
		[
			'a negative code as text',
			item({ errors: [{ code: '-1' }] }),
			{ wamid: 'wamid.A', status: 'read', errorCode: null },
		],
		['null', null, null],
		['text', 'status', null],
		['an array', [item({})], null],
		// hostile
		[
			'status __proto__ (the store reads own keys only)',
			item({ status: '__proto__' }),
			{ wamid: 'wamid.A', status: '__proto__', errorCode: null },
		],
		[
			'status constructor',
			item({ status: 'constructor' }),
			{ wamid: 'wamid.A', status: 'constructor', errorCode: null },
		],
		[
			`a message id of ${MAX_WAMID_LENGTH} characters`,
			item({ messageId: 'w'.repeat(MAX_WAMID_LENGTH) }),
			{ wamid: 'w'.repeat(MAX_WAMID_LENGTH), status: 'read', errorCode: null },
		],
		[
			`a message id of ${MAX_WAMID_LENGTH + 1} characters`,
			item({ messageId: 'w'.repeat(MAX_WAMID_LENGTH + 1) }),
			null,
		],
		['a message id of 1 MB', item({ messageId: 'w'.repeat(1 << 20) }), null],
		[
			`a status of ${MAX_STATUS_LENGTH + 1} characters`,
			item({ status: 'r'.repeat(MAX_STATUS_LENGTH + 1) }),
			null,
		],
		['a NUL in the message id (PostgreSQL refuses it)', item({ messageId: 'wamid.A\u0000' }), null],
		['a NUL in the status', item({ status: 'read\u0000' }), null],
		['a space in the message id', item({ messageId: 'wamid A' }), null],
		['a newline in the status', item({ status: 'read\nfailed' }), null],
		['non-ASCII in the message id', item({ messageId: 'wamid.è' }), null],
		['a lone surrogate in the status', item({ status: 'read\ud800' }), null],
		['fields inherited, not own', Object.create(item({})) as unknown, null],
		['a __proto__ key in the JSON', polluted, { wamid: 'wamid.P', status: 'read', errorCode: 1 }],
	])('%s', (_label, input, expected) => {
		expect(deliveryStatusUpdateOf(input)).toEqual(expected);
		expect(({} as Json).polluted).toBeUndefined();
	});

	test('a normalised status event maps like an item', () => {
		const event: StatusUpdate = {
			event: 'status',
			messageId: 'wamid.N',
			phoneNumberId: '1',
			status: 'failed',
			recipient: { waId: CITIZEN },
			timestamp: '2026-03-03T10:00:00.000Z',
			errors: [{ code: 131049, title: 'Not delivered to maintain healthy ecosystem engagement' }],
			raw: {},
		};
		expect(deliveryStatusUpdateOf(event)).toEqual({
			wamid: 'wamid.N',
			status: 'failed',
			errorCode: 131049,
		});
	});
});

describe('splitStatuses', () => {
	const message = (id: string): InboundMessage => ({
		event: 'message',
		messageId: id,
		phoneNumberId: '1',
		from: { waId: CITIZEN },
		timestamp: '2026-03-03T10:00:00.000Z',
		type: 'text',
		text: 'x',
		echo: false,
		raw: {},
	});
	const status = (id: string, value: string, code?: number): StatusUpdate => ({
		event: 'status',
		messageId: id,
		phoneNumberId: '1',
		status: value,
		recipient: { waId: CITIZEN },
		timestamp: '2026-03-03T10:00:00.000Z',
		errors: code === undefined ? [] : [{ code }],
		raw: {},
	});
	const batch: WebhookEvent[] = [
		status('wamid.S1', 'sent'),
		message('wamid.M1'),
		status('wamid.S1', 'delivered'),
		status('wamid.S2', 'failed', 131026),
		message('wamid.M2'),
	];

	test.each<{
		label: string;
		events: WebhookEvent[];
		mode: DeliveryStatusMode;
		toStart: string[];
		toRecord: DeliveryStatusUpdate[];
		repeated?: number;
		problems?: number;
	}>([
		{
			label: 'record: messages start, statuses go to the store in order',
			events: batch,
			mode: 'record',
			toStart: ['wamid.M1', 'wamid.M2'],
			toRecord: [
				{ wamid: 'wamid.S1', status: 'sent', errorCode: null },
				{ wamid: 'wamid.S1', status: 'delivered', errorCode: null },
				{ wamid: 'wamid.S2', status: 'failed', errorCode: 131026 },
			],
		},
		{
			label: 'start: everything starts, as before the parameter',
			events: batch,
			mode: 'start',
			toStart: ['wamid.S1:sent', 'wamid.M1', 'wamid.S1:delivered', 'wamid.S2:failed', 'wamid.M2'],
			toRecord: [],
		},
		{
			label: 'ignore: only messages',
			events: batch,
			mode: 'ignore',
			toStart: ['wamid.M1', 'wamid.M2'],
			toRecord: [],
		},
		{
			label: 'record, only statuses: nothing to start',
			events: [status('wamid.S1', 'sent'), status('wamid.S1', 'read')],
			mode: 'record',
			toStart: [],
			toRecord: [
				{ wamid: 'wamid.S1', status: 'sent', errorCode: null },
				{ wamid: 'wamid.S1', status: 'read', errorCode: null },
			],
		},
		{
			label: 'record, only messages: nothing to record',
			events: [message('wamid.M1')],
			mode: 'record',
			toStart: ['wamid.M1'],
			toRecord: [],
		},
		{
			label: 'record: the same status twice in one POST is recorded once',
			events: [
				status('wamid.S1', 'read'),
				status('wamid.S1', 'read'),
				status('wamid.S1', 'delivered'),
			],
			mode: 'record',
			toStart: [],
			toRecord: [
				{ wamid: 'wamid.S1', status: 'read', errorCode: null },
				{ wamid: 'wamid.S1', status: 'delivered', errorCode: null },
			],
			repeated: 1,
		},
		{
			label: 'record: statuses the store cannot take are skipped with a problem line each',
			events: [
				status('w'.repeat(MAX_WAMID_LENGTH + 1), 'read'),
				status('wamid.S1', 'read\u0000'),
				status('wamid.S1', '__proto__'),
			],
			mode: 'record',
			toStart: [],
			toRecord: [{ wamid: 'wamid.S1', status: '__proto__', errorCode: null }],
			problems: 2,
		},
		{ label: 'nothing at all', events: [], mode: 'record', toStart: [], toRecord: [] },
	])('$label', ({ events, mode, toStart, toRecord, repeated = 0, problems = 0 }) => {
		const split = splitStatuses(events, mode);
		expect(idsOf(split.toStart)).toEqual(toStart);
		expect(split.toRecord).toEqual(toRecord);
		expect(split.statuses).toBe(events.filter((e) => e.event === 'status').length);
		expect(split.repeated).toBe(repeated);
		expect(split.problems).toHaveLength(problems);
	});

	test('problem lines describe, never echo, the bad value', () => {
		const huge = 'w'.repeat(100_000);
		const split = splitStatuses(
			[status(huge, 'read'), status('wamid.S1', `x${CITIZEN}\u0000`)],
			'record',
		);
		expect(split.problems).toEqual([
			`delivery status 1: message id is 100000 characters long (at most ${MAX_WAMID_LENGTH}); not recorded`,
			'delivery status 2: status has spaces, control or non-ASCII characters; not recorded',
		]);
		expect(split.problems.join()).not.toContain(CITIZEN);
	});
});

describe('maskPhoneNumbers', () => {
	test.each([
		['statuses[3]: not an object ("393331234567")', 'statuses[3]: not an object ("39******4567")'],
		['+393331234567 and 393471112233', '+39******4567 and 39******2233'],
		[
			'entry[0].changes[12].value.statuses[1000]: missing id',
			'entry[0].changes[12].value.statuses[1000]: missing id',
		],
		['connect ECONNREFUSED 127.0.0.1:5432', 'connect ECONNREFUSED 127.0.0.1:5432'],
		['', ''],
	])('%s', (line, masked) => {
		expect(maskPhoneNumbers(line)).toBe(masked);
	});
});

describe('receiveWebhook with delivery statuses', () => {
	test('record, a POST with only statuses: recorded in one call, nothing to start, registry untouched', async () => {
		const log: string[] = [];
		const store = recording(log);
		const { body, signature } = signed(
			webhook({
				statuses: [
					rawStatus('wamid.S1', 'sent'),
					rawStatus('wamid.S1', 'delivered'),
					rawStatus('wamid.S2', 'failed', {
						errors: [{ code: 131026, title: 'Message undeliverable' }],
					}),
				],
			}),
		);
		const outcome = await receiveWebhook(
			body,
			signature,
			settings({ mode: 'record', recorder: store.recorder }, watched(log)),
		);
		expect(outcome).toMatchObject({ status: 200, events: [], duplicates: 0, problems: [] });
		expect(outcome.statuses).toEqual({
			mode: 'record',
			received: 3,
			repeated: 0,
			recorded: { received: 3, broadcast: 0, cases: 0, unchanged: 0, unknown: 3 },
		});
		expect(store.calls).toEqual([
			[
				{ wamid: 'wamid.S1', status: 'sent', errorCode: null },
				{ wamid: 'wamid.S1', status: 'delivered', errorCode: null },
				{ wamid: 'wamid.S2', status: 'failed', errorCode: 131026 },
			],
		]);
		expect(log).toEqual(['record 3']);
	});

	test('record, statuses and messages: statuses recorded first, then only the messages marked and started', async () => {
		const log: string[] = [];
		const store = recording(log);
		const { body, signature } = signed(
			webhook({
				messages: [rawMessage('wamid.M1'), rawMessage('wamid.M2')],
				statuses: [rawStatus('wamid.S1', 'read')],
			}),
		);
		const outcome = await receiveWebhook(
			body,
			signature,
			settings({ mode: 'record', recorder: store.recorder }, watched(log)),
		);
		expect(outcome.status).toBe(200);
		expect(idsOf(outcome.events)).toEqual(['wamid.M1', 'wamid.M2']);
		expect(log).toEqual(['record 1', 'seen wamid.M1', 'seen wamid.M2']);
	});

	test.each<[string, () => unknown]>([
		['an Error naming a number', () => new Error(`connect ECONNREFUSED; last wa_id ${CITIZEN}`)],
		['a string', () => 'store closed'],
		['undefined', () => undefined],
	])(
		'record, the store fails (%s): 500, nothing marked as seen, the redelivery starts the messages',
		async (_label, failure) => {
			const log: string[] = [];
			const registry = watched(log);
			const payload = webhook({
				messages: [rawMessage('wamid.M1')],
				statuses: [rawStatus('wamid.S1', 'read')],
			});
			const { body, signature } = signed(payload);
			const down = recording(log, failure);
			const refused = await receiveWebhook(
				body,
				signature,
				settings({ mode: 'record', recorder: down.recorder }, registry),
			);
			expect(refused).toMatchObject({
				status: 500,
				reason: RECORD_FAILED_REASON,
				events: [],
				duplicates: 0,
			});
			expect(refused.statuses).toMatchObject({ mode: 'record', received: 1 });
			expect(refused.statuses.recorded).toBeUndefined();
			expect(typeof refused.statuses.error).toBe('string');
			expect(refused.statuses.error).not.toContain(CITIZEN);
			expect(`${refused.reason} ${refused.statuses.error}`).not.toMatch(/wamid|ISCRIZIONE/);
			expect(log).toEqual(['record 1']); // the registry was never asked

			// Meta delivers the same POST again once the store is back: the message is not a "redelivery"
			const up = recording(log);
			const again = await receiveWebhook(
				body,
				signature,
				settings({ mode: 'record', recorder: up.recorder }, registry),
			);
			expect(again.status).toBe(200);
			expect(idsOf(again.events)).toEqual(['wamid.M1']);
			expect(up.calls).toHaveLength(1);
		},
	);

	test('record, a store that never settles is not needed for a POST without statuses', async () => {
		const log: string[] = [];
		const hanging: DeliveryStatusRecorder = {
			recordDeliveryStatuses: () => new Promise(() => undefined),
		};
		const { body, signature } = signed(webhook({ messages: [rawMessage('wamid.M1')] }));
		const outcome = await receiveWebhook(
			body,
			signature,
			settings({ mode: 'record', recorder: hanging }, watched(log)),
		);
		expect(idsOf(outcome.events)).toEqual(['wamid.M1']);
		expect(outcome.statuses).toEqual({ mode: 'record', received: 0, repeated: 0 });
		expect(log).toEqual(['seen wamid.M1']);
	});

	test('record, 1,000 statuses in one POST: one store call with all of them', async () => {
		const log: string[] = [];
		const store = recording(log);
		const statuses = Array.from({ length: 1000 }, (_, i) =>
			rawStatus(`wamid.B${String(i).padStart(4, '0')}`, i % 2 === 0 ? 'delivered' : 'read'),
		);
		const { body, signature } = signed(webhook({ statuses }));
		const outcome = await receiveWebhook(
			body,
			signature,
			settings({ mode: 'record', recorder: store.recorder }, watched(log)),
		);
		expect(outcome.status).toBe(200);
		expect(outcome.events).toEqual([]);
		expect(store.calls).toHaveLength(1);
		expect(store.calls[0]).toHaveLength(1000);
		expect(store.calls[0][999]).toEqual({ wamid: 'wamid.B0999', status: 'read', errorCode: null });
		expect(log).toEqual(['record 1000']);
	});

	test('record, hostile statuses: the usable ones recorded once, the others skipped with masked lines', async () => {
		const log: string[] = [];
		const store = recording(log);
		const huge = 'x'.repeat(200_000);
		const { body, signature } = signed(
			webhook({
				statuses: [
					rawStatus('wamid.H1', '__proto__'),
					rawStatus('wamid.H1', 'constructor'),
					rawStatus(huge, 'read'),
					rawStatus('wamid.H2', huge),
					rawStatus('wamid.H3\u0000', 'read'),
					rawStatus(undefined, 'read'), // missing id
					rawStatus('wamid.H4', { $gt: '' }), // status not text
					rawStatus('wamid.H5', 'read', { timestamp: 'soon' }),
					CITIZEN, // a bare phone number instead of a status object
					null,
					rawStatus('wamid.H1', '__proto__'), // repeated
				],
			}),
		);
		const outcome = await receiveWebhook(
			body,
			signature,
			settings({ mode: 'record', recorder: store.recorder }, watched(log)),
		);
		expect(outcome.status).toBe(200);
		expect(outcome.events).toEqual([]);
		expect(store.calls).toEqual([
			[
				{ wamid: 'wamid.H1', status: '__proto__', errorCode: null },
				{ wamid: 'wamid.H1', status: 'constructor', errorCode: null },
			],
		]);
		expect(outcome.statuses).toMatchObject({ received: 6, repeated: 1 });
		// 5 from the normaliser (missing id, status not text, timestamp, the number, null), 3 unusable
		expect(outcome.problems).toHaveLength(8);
		const lines = outcome.problems.join('\n');
		expect(lines).not.toContain(CITIZEN);
		expect(lines).toContain('39******4567');
		expect(lines.length).toBeLessThan(2000);
		expect(log).toEqual(['record 2']);
		expect(({} as Json).polluted).toBeUndefined();
	});

	test('record, statuses not an array: a problem line, nothing recorded', async () => {
		const log: string[] = [];
		const store = recording(log);
		const { body, signature } = signed(webhook({ statuses: { id: 'wamid.S1', status: 'read' } }));
		const outcome = await receiveWebhook(
			body,
			signature,
			settings({ mode: 'record', recorder: store.recorder }),
		);
		expect(outcome).toMatchObject({ status: 200, events: [] });
		expect(outcome.problems).toEqual(['entry[0].changes[0].value.statuses: not an array']);
		expect(log).toEqual([]);
	});

	test('record, the registry fails after the statuses were recorded: the messages pass unchecked', async () => {
		const log: string[] = [];
		const store = recording(log);
		const broken: SeenRegistry = {
			markSeen: async () => {
				throw new Error(`inbound_seen unreachable for ${CITIZEN}`);
			},
		};
		const { body, signature } = signed(
			webhook({ messages: [rawMessage('wamid.M1')], statuses: [rawStatus('wamid.S1')] }),
		);
		const outcome = await receiveWebhook(
			body,
			signature,
			settings({ mode: 'record', recorder: store.recorder }, broken),
		);
		expect(outcome.status).toBe(200);
		expect(idsOf(outcome.events)).toEqual(['wamid.M1']);
		expect(outcome.statuses.recorded?.received).toBe(1);
		expect(outcome.registryError).toBe('inbound_seen unreachable for 39******4567');
	});

	test.each<[string, DeliveryStatusMode, string[], string[]]>([
		[
			'start: statuses are items and go through the registry, by wamid and status',
			'start',
			['wamid.M1', 'wamid.S1:read'],
			['seen wamid.M1', 'seen status:wamid.S1:read'],
		],
		['ignore: statuses are not even read', 'ignore', ['wamid.M1'], ['seen wamid.M1']],
	])('%s', async (_label, mode, started, seen) => {
		const log: string[] = [];
		const { body, signature } = signed(
			webhook({ messages: [rawMessage('wamid.M1')], statuses: [rawStatus('wamid.S1', 'read')] }),
		);
		const outcome = await receiveWebhook(
			body,
			signature,
			settings({ mode } as DeliveryStatusHandling, watched(log)),
		);
		expect(outcome.status).toBe(200);
		expect(idsOf(outcome.events)).toEqual(started);
		expect(log).toEqual(seen);
		expect(outcome.statuses.recorded).toBeUndefined();
	});

	test('ignore: malformed statuses are not reported either', async () => {
		const { body, signature } = signed(webhook({ statuses: [null, rawStatus(undefined)] }));
		const outcome = await receiveWebhook(body, signature, settings({ mode: 'ignore' }));
		expect(outcome).toMatchObject({ status: 200, events: [], problems: [] });
		expect(outcome.statuses).toEqual({ mode: 'ignore', received: 0, repeated: 0 });
	});

	test('start: a status-only POST starts its statuses; a redelivery of it starts nothing', async () => {
		const registry = new MemorySeenRegistry();
		const { body, signature } = signed(webhook({ statuses: [rawStatus('wamid.S1', 'sent')] }));
		const first = await receiveWebhook(body, signature, settings({ mode: 'start' }, registry));
		const second = await receiveWebhook(body, signature, settings({ mode: 'start' }, registry));
		expect(idsOf(first.events)).toEqual(['wamid.S1:sent']);
		expect(second).toMatchObject({ status: 200, events: [], duplicates: 1 });
	});

	test.each<[string, Buffer, string | undefined]>([
		[
			'a forged signature',
			Buffer.from(toMetaJson(webhook({ statuses: [rawStatus('wamid.S1')] }))),
			computeSignature(Buffer.from('{}'), 'stolen'),
		],
		[
			'no signature',
			Buffer.from(toMetaJson(webhook({ statuses: [rawStatus('wamid.S1')] }))),
			undefined,
		],
		[
			'another object',
			signed({ object: 'page', entry: [{ changes: [] }] }).body,
			signed({ object: 'page', entry: [{ changes: [] }] }).signature,
		],
	])('record, %s: the store is never asked', async (_label, body, signature) => {
		const log: string[] = [];
		const store = recording(log);
		const outcome = await receiveWebhook(
			body,
			signature,
			settings({ mode: 'record', recorder: store.recorder }, watched(log)),
		);
		expect(outcome.events).toEqual([]);
		expect(outcome.statuses).toEqual({ mode: 'record', received: 0, repeated: 0 });
		expect(log).toEqual([]);
	});
});
