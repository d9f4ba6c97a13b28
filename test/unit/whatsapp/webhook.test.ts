/**
 * parseWebhookBody and normaliseWebhook: the hand-written fixtures in test/fixtures/webhooks/custom/
 * (types the spec has no example for, statuses, echoes, business-scoped user ids) and hostile input.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { toMetaJson } from '../../../nodes/core/whatsapp/metaJson';
import type { InboundMessage, StatusUpdate } from '../../../nodes/core/whatsapp/types';
import {
	DEFAULT_MAX_BODY_BYTES,
	WEBHOOK_OBJECT,
	normaliseWebhook,
	parseWebhookBody,
} from '../../../nodes/core/whatsapp/webhook';

const CUSTOM = resolve(__dirname, '../../fixtures/webhooks/custom');

function custom(file: string): Record<string, unknown> {
	return JSON.parse(readFileSync(join(CUSTOM, file), 'utf8')) as Record<string, unknown>;
}

function withoutRaw(event: object): Record<string, unknown> {
	const rest: Record<string, unknown> = { ...event };
	delete rest.raw;
	return rest;
}

const BUSINESS = { phoneNumberId: '106540352242922', displayPhoneNumber: '390541704000' };
const GIULIA = { waId: '393331234567', name: 'Giulia Rossi' };
const message = { event: 'message', ...BUSINESS, from: GIULIA, echo: false };
const status = { event: 'status', ...BUSINESS, recipient: { waId: '393331234567' }, errors: [] };

/** Builds a webhook body around one `value` (field `messages` unless given). */
function wrap(value: Record<string, unknown>, field = 'messages'): Record<string, unknown> {
	return {
		object: WEBHOOK_OBJECT,
		entry: [
			{
				id: '102290129340398',
				changes: [
					{
						field,
						value: {
							messaging_product: 'whatsapp',
							metadata: {
								display_phone_number: '390541704000',
								phone_number_id: '106540352242922',
							},
							...value,
						},
					},
				],
			},
		],
	};
}

function textMessage(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		from: '393331234567',
		id,
		timestamp: '1772528400',
		type: 'text',
		text: { body: `body of ${id}` },
		...extra,
	};
}

describe('custom fixtures', () => {
	const EXPECTED: Array<[string, Array<Record<string, unknown>>]> = [
		[
			'video-message.json',
			[
				{
					...message,
					messageId: 'wamid.VIDEO01',
					timestamp: '2026-03-03T09:00:00.000Z',
					type: 'video',
					caption: 'Buca in via Flaminia',
					media: {
						id: '1266175281528302',
						mimeType: 'video/mp4',
						sha256: '2Vdl0rtB6kJ0p6hFwIQ1ImCcUGqZ3oPj8mXHjJ6W5Lw=',
					},
				},
			],
		],
		[
			'audio-voice-message.json',
			[
				{
					...message,
					messageId: 'wamid.AUDIO01',
					timestamp: '2026-03-03T09:00:01.000Z',
					type: 'audio',
					media: {
						id: '1872613846920537',
						mimeType: 'audio/ogg; codecs=opus',
						sha256: 'q6gq1dVgzkm0dWcOgiZ8u2MIUW7kzRk2WJ6Wm8C5Q8E=',
						voice: true,
					},
				},
			],
		],
		[
			'document-message.json',
			[
				{
					...message,
					messageId: 'wamid.DOC01',
					timestamp: '2026-03-03T09:00:02.000Z',
					type: 'document',
					caption: 'Ricevuta TARI',
					media: {
						id: '1418221649332470',
						mimeType: 'application/pdf',
						sha256: 'LkxJc7SMuGEK8ZsMWXCX1QwKjPmfKkqAbzlc4qPZHgE=',
						filename: 'ricevuta-tari-2026.pdf',
					},
				},
			],
		],
		[
			'sticker-message.json',
			[
				{
					...message,
					messageId: 'wamid.STICKER01',
					timestamp: '2026-03-03T09:00:03.000Z',
					type: 'sticker',
					media: {
						id: '1022745629434331',
						mimeType: 'image/webp',
						sha256: 'd0fvKLnIUKD1Zt1JtjsRbQz+yjqTW/2BA2MW1+z1dPg=',
						animated: false,
					},
				},
			],
		],
		[
			'request-welcome.json',
			[
				{
					...message,
					messageId: 'wamid.WELCOME01',
					timestamp: '2026-03-03T09:00:04.000Z',
					type: 'request_welcome',
				},
			],
		],
		[
			'interactive-nfm-reply.json',
			[
				{
					...message,
					messageId: 'wamid.NFM01',
					timestamp: '2026-03-03T09:00:05.000Z',
					type: 'interactive',
					reply: { id: 'nfm_reply', title: 'Sent' },
					context: { messageId: 'wamid.FLOWSENT01', from: '390541704000' },
				},
			],
		],
		[
			'reaction-removed.json',
			[
				{
					...message,
					messageId: 'wamid.REACT02',
					timestamp: '2026-03-03T09:00:06.000Z',
					type: 'reaction',
					reaction: { messageId: 'wamid.OUTBOUND01' },
				},
			],
		],
		[
			'system-customer-changed-number.json',
			[
				{
					...message,
					from: { waId: '393331234567' },
					messageId: 'wamid.SYSTEM02',
					timestamp: '2026-03-03T09:00:07.000Z',
					type: 'system',
					system: {
						body: 'Giulia Rossi changed their phone number to a new number',
						type: 'customer_changed_number',
						newWaId: '393339876543',
					},
				},
			],
		],
		[
			'text-forwarded.json',
			[
				{
					...message,
					messageId: 'wamid.FWD01',
					timestamp: '2026-03-03T09:00:08.000Z',
					type: 'text',
					text: 'Allerta meteo arancione domani a Rimini',
					// A forward that is not a reply: context has no message id, so only the flags remain.
					forwarded: true,
					frequentlyForwarded: true,
				},
			],
		],
		[
			'text-non-ascii.json',
			[
				{
					...message,
					from: { waId: '393331234567', name: 'Niccolò Bianchi' },
					messageId: 'wamid.UTF01',
					timestamp: '2026-03-03T09:00:09.000Z',
					type: 'text',
					text: 'Perché la raccolta è in ritardo? Grazie 🙏 https://comune.rimini.it/',
				},
			],
		],
		[
			'smb-message-echoes.json',
			[
				{
					...message,
					from: { waId: '390541704000' },
					to: { waId: '393331234567' },
					echo: true,
					messageId: 'wamid.ECHO01',
					timestamp: '2026-03-03T09:00:10.000Z',
					type: 'text',
					text: 'Buongiorno, abbiamo inoltrato la segnalazione.',
				},
			],
		],
		[
			'bsuid-phone-user.json',
			[
				{
					...message,
					from: { ...GIULIA, userId: 'IT.1502576394655843' },
					messageId: 'wamid.BSUID01',
					timestamp: '2026-03-03T09:00:11.000Z',
					type: 'text',
					text: 'ISCRIVI ALLERTA',
				},
			],
		],
		[
			'bsuid-username-user.json',
			[
				{
					...message,
					from: { userId: 'IT.2233445566778899', name: 'Marco', username: 'marco.rn' },
					messageId: 'wamid.BSUID02',
					timestamp: '2026-03-03T09:00:12.000Z',
					type: 'text',
					text: 'Orari URP?',
				},
			],
		],
		[
			'bsuid-status.json',
			[
				{
					...status,
					messageId: 'wamid.OUT_BSUID',
					status: 'delivered',
					recipient: { waId: '393331234567', userId: 'IT.1502576394655843' },
					timestamp: '2026-03-03T09:00:13.000Z',
					pricing: { billable: true, pricingModel: 'PMP', category: 'utility', type: 'regular' },
				},
				{
					...status,
					messageId: 'wamid.OUT_BSUID2',
					status: 'sent',
					recipient: { userId: 'IT.2233445566778899' },
					timestamp: '2026-03-03T09:00:14.000Z',
				},
			],
		],
		[
			'status-sent-conversation.json',
			[
				{
					...status,
					messageId: 'wamid.OUT01',
					status: 'sent',
					timestamp: '2026-03-03T09:00:20.000Z',
					conversation: {
						id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
						category: 'utility',
						expiresAt: '2026-03-04T09:00:20.000Z',
					},
					pricing: { billable: true, pricingModel: 'CBP', category: 'utility' },
					callbackData: 'broadcast:2026-03-03:allerta',
				},
			],
		],
		[
			'status-failed.json',
			[
				{
					...status,
					messageId: 'wamid.OUT02',
					status: 'failed',
					timestamp: '2026-03-03T09:00:21.000Z',
					errors: [
						{
							code: 131047,
							title: 'Re-engagement message',
							message: 'Re-engagement message',
							details:
								'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
							href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
						},
					],
				},
			],
		],
		[
			'statuses-every-value.json',
			['sent', 'delivered', 'read', 'failed', 'played', 'deleted'].map((value, index) => ({
				...status,
				messageId: 'wamid.OUT03',
				status: value,
				timestamp: new Date((1772528430 + index) * 1000).toISOString(),
			})),
		],
		[
			'mixed-batch.json',
			[
				{
					...message,
					messageId: 'wamid.MIX01',
					timestamp: '2026-03-03T09:00:40.000Z',
					type: 'text',
					text: 'Prima',
				},
				{
					...message,
					from: { waId: '393471112233', name: 'Luca Neri' },
					messageId: 'wamid.MIX02',
					timestamp: '2026-03-03T09:00:41.000Z',
					type: 'text',
					text: 'Seconda',
				},
				{
					...status,
					messageId: 'wamid.OUT10',
					status: 'read',
					timestamp: '2026-03-03T09:00:42.000Z',
				},
				{
					...message,
					phoneNumberId: '206540352242922',
					displayPhoneNumber: '390541704001',
					messageId: 'wamid.MIX03',
					timestamp: '2026-03-03T09:00:43.000Z',
					type: 'text',
					text: 'Terza',
				},
			],
		],
	];

	test('every custom fixture has a row', () => {
		const files = readdirSync(CUSTOM).filter((name) => name.endsWith('.json'));
		expect(EXPECTED.map(([file]) => file).sort()).toEqual(files.sort());
	});

	test.each(EXPECTED)('%s', (file, expected) => {
		const result = normaliseWebhook(custom(file));
		expect(result.relevant).toBe(true);
		expect(result.problems).toEqual([]);
		expect(result.events.map(withoutRaw)).toEqual(expected);
		for (const event of result.events) expect(event.raw).toEqual(expect.any(Object));
	});

	test('a Meta-encoded body (escaped unicode and slashes) parses and normalises to the same text', () => {
		const payload = custom('text-non-ascii.json');
		const parsed = parseWebhookBody(Buffer.from(toMetaJson(payload), 'utf8'));
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		const [event] = normaliseWebhook(parsed.payload).events as InboundMessage[];
		expect(event.text).toBe('Perché la raccolta è in ritardo? Grazie 🙏 https://comune.rimini.it/');
		expect(event.from.name).toBe('Niccolò Bianchi');
	});
});

describe('normaliseWebhook options', () => {
	const mixed = custom('mixed-batch.json');
	const echoes = custom('smb-message-echoes.json');
	const both = {
		object: WEBHOOK_OBJECT,
		entry: [...(mixed.entry as unknown[]), ...(echoes.entry as unknown[])],
	};
	const summary = (events: Array<InboundMessage | StatusUpdate>) =>
		events.map(
			(event) => `${event.event}:${event.messageId}${'echo' in event && event.echo ? ':echo' : ''}`,
		);

	test.each<[string, Parameters<typeof normaliseWebhook>[1], string[]]>([
		[
			'no options: everything',
			undefined,
			[
				'message:wamid.MIX01',
				'message:wamid.MIX02',
				'status:wamid.OUT10',
				'message:wamid.MIX03',
				'message:wamid.ECHO01:echo',
			],
		],
		[
			'include both',
			{ include: 'both' },
			[
				'message:wamid.MIX01',
				'message:wamid.MIX02',
				'status:wamid.OUT10',
				'message:wamid.MIX03',
				'message:wamid.ECHO01:echo',
			],
		],
		[
			'include messages',
			{ include: 'messages' },
			[
				'message:wamid.MIX01',
				'message:wamid.MIX02',
				'message:wamid.MIX03',
				'message:wamid.ECHO01:echo',
			],
		],
		['include statuses', { include: 'statuses' }, ['status:wamid.OUT10']],
		[
			'dropEchoes',
			{ dropEchoes: true },
			['message:wamid.MIX01', 'message:wamid.MIX02', 'status:wamid.OUT10', 'message:wamid.MIX03'],
		],
		[
			'include messages, dropEchoes',
			{ include: 'messages', dropEchoes: true },
			['message:wamid.MIX01', 'message:wamid.MIX02', 'message:wamid.MIX03'],
		],
		[
			'an unknown include value counts as both',
			{ include: 'all' as 'both' },
			[
				'message:wamid.MIX01',
				'message:wamid.MIX02',
				'status:wamid.OUT10',
				'message:wamid.MIX03',
				'message:wamid.ECHO01:echo',
			],
		],
	])('%s', (_label, options, expected) => {
		const result = normaliseWebhook(both, options);
		expect(result.problems).toEqual([]);
		expect(summary(result.events)).toEqual(expected);
	});
});

describe('citizen identity', () => {
	test.each<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]>([
		[
			'the contact is matched by wa_id among several',
			{
				contacts: [
					{ profile: { name: 'Other' }, wa_id: '391111' },
					{ profile: { name: 'Giulia' }, wa_id: '393331234567' },
				],
			},
			{},
			{ waId: '393331234567', name: 'Giulia' },
		],
		[
			'the contact is matched by user_id among several',
			{
				contacts: [
					{ profile: { name: 'Other' }, user_id: 'IT.1' },
					{ profile: { name: 'Giulia', username: 'giulia' }, user_id: 'IT.2' },
				],
			},
			{ from: undefined, from_user_id: 'IT.2' },
			{ userId: 'IT.2', name: 'Giulia', username: 'giulia' },
		],
		[
			'a single contact applies even when the message has no sender id',
			{ contacts: [{ profile: { name: 'Marco', username: 'marco.rn' }, user_id: 'IT.9' }] },
			{ from: undefined },
			{ userId: 'IT.9', name: 'Marco', username: 'marco.rn' },
		],
		[
			'a single contact that names someone else is not applied',
			{ contacts: [{ profile: { name: 'Other' }, wa_id: '391111' }] },
			{},
			{ waId: '393331234567' },
		],
		[
			'no contact among several matches: no name',
			{
				contacts: [
					{ profile: { name: 'A' }, wa_id: '1' },
					{ profile: { name: 'B' }, wa_id: '2' },
				],
			},
			{},
			{ waId: '393331234567' },
		],
		[
			'a user_id from the contact completes a phone user',
			{ contacts: [{ profile: { name: 'Giulia' }, wa_id: '393331234567', user_id: 'IT.7' }] },
			{},
			{ waId: '393331234567', userId: 'IT.7', name: 'Giulia' },
		],
		['no contacts at all', {}, {}, { waId: '393331234567' }],
	])('%s', (_label, value, messageExtra, expectedFrom) => {
		const result = normaliseWebhook(
			wrap({ ...value, messages: [textMessage('wamid.X', messageExtra)] }),
		);
		expect(result.problems).toEqual([]);
		expect(result.events).toHaveLength(1);
		expect((result.events[0] as InboundMessage).from).toEqual(expectedFrom);
	});
});

describe('message content edge cases', () => {
	const one = (msg: Record<string, unknown>) => {
		const result = normaliseWebhook(wrap({ messages: [msg] }));
		return { event: result.events[0] as InboundMessage | undefined, problems: result.problems };
	};

	test('a reaction with an empty emoji is a removal', () => {
		const { event } = one(
			textMessage('wamid.R', { type: 'reaction', reaction: { message_id: 'wamid.O', emoji: '' } }),
		);
		expect(event?.reaction).toEqual({ messageId: 'wamid.O' });
	});

	test('a reply that is also forwarded keeps the flags in context and on the message', () => {
		const { event } = one(
			textMessage('wamid.C', { context: { id: 'wamid.P', from: '390541704000', forwarded: true } }),
		);
		expect(event?.context).toEqual({ messageId: 'wamid.P', from: '390541704000', forwarded: true });
		expect(event?.forwarded).toBe(true);
	});

	test('a media caption is not copied to text', () => {
		const { event } = one({
			...textMessage('wamid.I'),
			type: 'image',
			image: { id: '1', caption: 'Buca', mime_type: 'image/jpeg' },
		});
		expect(event?.caption).toBe('Buca');
		expect(event?.text).toBeUndefined();
		expect(event?.media).toEqual({ id: '1', mimeType: 'image/jpeg' });
	});

	test('a template quick-reply button without payload uses its text as id', () => {
		const { event } = one({ ...textMessage('wamid.B'), type: 'button', button: { text: 'STOP' } });
		expect(event?.reply).toEqual({ id: 'STOP', title: 'STOP' });
		expect(event?.text).toBe('STOP');
	});

	test('an unknown interactive type is kept without reply', () => {
		const { event, problems } = one({
			...textMessage('wamid.U'),
			type: 'interactive',
			interactive: { type: 'call_permission_reply', call_permission_reply: { response: 'accept' } },
		});
		expect(event?.type).toBe('interactive');
		expect(event?.reply).toBeUndefined();
		expect(problems).toEqual([]);
	});

	test.each<[string, Record<string, unknown>, string, Partial<InboundMessage>]>([
		[
			'text without body',
			{ text: {} },
			'entry[0].changes[0].value.messages[0].text.body: missing',
			{ type: 'text' },
		],
		[
			'image without id',
			{ type: 'image', image: { caption: 'x' } },
			'entry[0].changes[0].value.messages[0].image.id: missing media id',
			{ caption: 'x' },
		],
		[
			'audio without object',
			{ type: 'audio' },
			'entry[0].changes[0].value.messages[0].audio: missing audio object',
			{ type: 'audio' },
		],
		[
			'location out of range',
			{ type: 'location', location: { latitude: 95, longitude: 12 } },
			'entry[0].changes[0].value.messages[0].location: missing or invalid latitude/longitude',
			{ type: 'location' },
		],
		[
			'location as text',
			{ type: 'location', location: { latitude: 'north', longitude: 12 } },
			'entry[0].changes[0].value.messages[0].location: missing or invalid latitude/longitude',
			{ type: 'location' },
		],
		[
			'contacts not an array',
			{ type: 'contacts', contacts: {} },
			'entry[0].changes[0].value.messages[0].contacts: not an array',
			{ type: 'contacts' },
		],
		[
			'button with nothing',
			{ type: 'button', button: {} },
			'entry[0].changes[0].value.messages[0].button: missing payload and text',
			{ type: 'button' },
		],
		[
			'list reply without title',
			{ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'a' } } },
			'entry[0].changes[0].value.messages[0].interactive.list_reply: missing id or title',
			{ type: 'interactive' },
		],
		[
			'interactive without type',
			{ type: 'interactive', interactive: {} },
			'entry[0].changes[0].value.messages[0].interactive.type: missing',
			{ type: 'interactive' },
		],
		[
			'reaction without message id',
			{ type: 'reaction', reaction: { emoji: '👍' } },
			'entry[0].changes[0].value.messages[0].reaction.message_id: missing',
			{ type: 'reaction' },
		],
		[
			'order not an object',
			{ type: 'order', order: 'x' },
			'entry[0].changes[0].value.messages[0].order: missing order object',
			{ type: 'order' },
		],
		[
			'system not an object',
			{ type: 'system', system: null },
			'entry[0].changes[0].value.messages[0].system: missing system object',
			{ type: 'system' },
		],
		[
			'errors not an array',
			{ type: 'unsupported', errors: 'boom' },
			'entry[0].changes[0].value.messages[0].errors: not an array',
			{ type: 'unsupported' },
		],
		[
			'an error without code',
			{ type: 'unsupported', errors: [{ title: 'x' }, { code: '131051' }] },
			'entry[0].changes[0].value.messages[0].errors[0]: not an error object with a numeric code',
			{ errors: [{ code: 131051 }] },
		],
	])('%s: still emitted, with a problem line', (_label, patch, problem, expected) => {
		const { event, problems } = one({ ...textMessage('wamid.E'), text: undefined, ...patch });
		expect(problems).toEqual([problem]);
		expect(event).toMatchObject({ messageId: 'wamid.E', ...expected });
	});

	test('numbers where Meta sends strings are read as their digits', () => {
		const { event, problems } = one({
			from: 393331234567,
			id: 'wamid.N',
			timestamp: 1772528400,
			type: 'location',
			location: { latitude: '44.0594', longitude: '12.5683' },
		});
		expect(problems).toEqual([]);
		expect(event).toMatchObject({
			from: { waId: '393331234567' },
			timestamp: '2026-03-03T09:00:00.000Z',
			location: { latitude: 44.0594, longitude: 12.5683 },
		});
	});

	test('a status with numeric fields as numbers, and error_data missing', () => {
		const result = normaliseWebhook(
			wrap({
				statuses: [
					{
						id: 'wamid.S',
						status: 'failed',
						timestamp: 1772528400,
						recipient_id: 393331234567,
						errors: [{ code: 131026 }],
					},
				],
			}),
		);
		expect(result.problems).toEqual([]);
		expect(withoutRaw(result.events[0])).toEqual({
			...status,
			messageId: 'wamid.S',
			status: 'failed',
			timestamp: '2026-03-03T09:00:00.000Z',
			errors: [{ code: 131026 }],
		});
	});

	test('a status value outside the spec passes through', () => {
		const result = normaliseWebhook(
			wrap({ statuses: [{ id: 'w', status: 'warning', timestamp: '1', recipient_id: '3' }] }),
		);
		expect((result.events[0] as StatusUpdate).status).toBe('warning');
	});

	test('errors about the whole update are reported as problems', () => {
		const result = normaliseWebhook(
			wrap({
				errors: [
					{ code: 131000, title: 'Something went wrong', error_data: { details: 'Retry later' } },
				],
			}),
		);
		expect(result.events).toEqual([]);
		expect(result.problems).toEqual([
			'entry[0].changes[0].value.errors[0]: Meta reported error 131000 (Something went wrong): Retry later',
		]);
	});
});

describe('hostile and malformed payloads', () => {
	const P = 'entry[0].changes[0].value';

	test.each<[string, unknown, { object: string | null; relevant: boolean; problems: string[] }]>([
		[
			'null',
			null,
			{ object: null, relevant: false, problems: ['payload: not a JSON object (null)'] },
		],
		[
			'a string',
			'hello',
			{ object: null, relevant: false, problems: ['payload: not a JSON object ("hello")'] },
		],
		[
			'an array',
			[],
			{ object: null, relevant: false, problems: ['payload: not a JSON object (an array)'] },
		],
		['an empty object', {}, { object: null, relevant: false, problems: ['object: missing'] }],
		[
			'another object type',
			{ object: 'page', entry: [] },
			{ object: 'page', relevant: false, problems: [] },
		],
		[
			'object not a string',
			{ object: 42, entry: [] },
			{ object: null, relevant: false, problems: ['object: missing'] },
		],
		[
			'no entry',
			{ object: WEBHOOK_OBJECT },
			{ object: WEBHOOK_OBJECT, relevant: true, problems: ['entry: missing or not an array'] },
		],
		[
			'entry not an array',
			{ object: WEBHOOK_OBJECT, entry: { id: '1' } },
			{ object: WEBHOOK_OBJECT, relevant: true, problems: ['entry: missing or not an array'] },
		],
		[
			'empty entry',
			{ object: WEBHOOK_OBJECT, entry: [] },
			{ object: WEBHOOK_OBJECT, relevant: true, problems: [] },
		],
		[
			'entry items of the wrong kind',
			{ object: WEBHOOK_OBJECT, entry: [null, 7, { id: '1' }, { changes: {} }, { changes: [] }] },
			{
				object: WEBHOOK_OBJECT,
				relevant: true,
				problems: [
					'entry[0]: not an object (null)',
					'entry[1]: not an object (7)',
					'entry[2].changes: missing or not an array',
					'entry[3].changes: missing or not an array',
				],
			},
		],
		[
			'changes of the wrong kind',
			{
				object: WEBHOOK_OBJECT,
				entry: [{ changes: [null, {}, { field: 'messages' }, { field: 'messages', value: [] }] }],
			},
			{
				object: WEBHOOK_OBJECT,
				relevant: true,
				problems: [
					'entry[0].changes[0]: not an object (null)',
					'entry[0].changes[1].field: missing',
					'entry[0].changes[2].value: missing or not an object',
					'entry[0].changes[3].value: missing or not an object',
				],
			},
		],
		[
			'empty messages and statuses',
			wrap({ contacts: [], messages: [], statuses: [] }),
			{ object: WEBHOOK_OBJECT, relevant: true, problems: [] },
		],
		[
			'messages, statuses and contacts not arrays',
			wrap({ contacts: 'x', messages: {}, statuses: 5 }),
			{
				object: WEBHOOK_OBJECT,
				relevant: true,
				problems: [
					`${P}.contacts: not an array`,
					`${P}.messages: not an array`,
					`${P}.statuses: not an array`,
				],
			},
		],
		[
			'missing metadata',
			{
				object: WEBHOOK_OBJECT,
				entry: [
					{
						changes: [
							{
								field: 'messages',
								value: { messages: [textMessage('a'), textMessage('b')], statuses: [{}] },
							},
						],
					},
				],
			},
			{
				object: WEBHOOK_OBJECT,
				relevant: true,
				problems: [`${P}.metadata.phone_number_id: missing; 3 update(s) skipped`],
			},
		],
		[
			'other subscriptions are ignored quietly',
			wrap({ event: 'x' }, 'account_update'),
			{ object: WEBHOOK_OBJECT, relevant: true, problems: [] },
		],
	])('%s', (_label, payload, expected) => {
		const result = normaliseWebhook(payload);
		expect(result.events).toEqual([]);
		expect({ object: result.object, relevant: result.relevant, problems: result.problems }).toEqual(
			expected,
		);
	});

	test('malformed messages and statuses are skipped one by one, the good ones kept in order', () => {
		const payload = wrap({
			contacts: [null, { profile: 'x' }],
			messages: [
				textMessage('wamid.1'),
				null,
				'text',
				{ ...textMessage('x'), id: undefined },
				{ ...textMessage('x'), id: '' },
				{ ...textMessage('x'), id: { $oid: 1 } },
				{ ...textMessage('wamid.T1'), timestamp: undefined },
				{ ...textMessage('wamid.T2'), timestamp: 'yesterday' },
				{ ...textMessage('wamid.T3'), timestamp: '-5' },
				{ ...textMessage('wamid.T4'), timestamp: '99999999999999' },
				{ ...textMessage('wamid.T5'), timestamp: Number.NaN },
				{ ...textMessage('wamid.Y'), type: '' },
				{ ...textMessage('wamid.F'), from: undefined },
				{ ...textMessage('wamid.G'), from: 1.5 },
				textMessage('wamid.2'),
			],
			statuses: [
				{ id: 'wamid.S1', status: 'read', timestamp: '1772528400', recipient_id: '393331234567' },
				{ status: 'read', timestamp: '1772528400' },
				{ id: 'wamid.S2', timestamp: '1772528400' },
				{ id: 'wamid.S3', status: 'read', timestamp: 'now' },
				[],
			],
		});
		const result = normaliseWebhook(payload);
		expect(result.events.map((event) => event.messageId)).toEqual([
			'wamid.1',
			'wamid.2',
			'wamid.S1',
		]);
		expect(result.problems).toEqual([
			`${P}.contacts[0]: not an object`,
			`${P}.messages[1]: not an object (null)`,
			`${P}.messages[2]: not an object ("text")`,
			`${P}.messages[3]: missing id`,
			`${P}.messages[4]: missing id`,
			`${P}.messages[5]: missing id`,
			`${P}.messages[6]: missing timestamp (wamid.T1)`,
			`${P}.messages[7]: invalid timestamp "yesterday" (wamid.T2)`,
			`${P}.messages[8]: invalid timestamp "-5" (wamid.T3)`,
			`${P}.messages[9]: invalid timestamp "99999999999999" (wamid.T4)`,
			`${P}.messages[10]: invalid timestamp NaN (wamid.T5)`,
			`${P}.messages[11]: missing type (wamid.Y)`,
			`${P}.messages[12]: missing sender (from, from_user_id or contacts) (wamid.F)`,
			`${P}.messages[13]: missing sender (from, from_user_id or contacts) (wamid.G)`,
			`${P}.statuses[1]: missing id`,
			`${P}.statuses[2]: missing status (wamid.S2)`,
			`${P}.statuses[3]: invalid timestamp "now" (wamid.S3)`,
			`${P}.statuses[4]: not an object (an array)`,
		]);
	});

	test('an echo without recipient is skipped', () => {
		const result = normaliseWebhook(
			wrap(
				{ message_echoes: [{ ...textMessage('wamid.E'), from: '390541704000' }] },
				'smb_message_echoes',
			),
		);
		expect(result.events).toEqual([]);
		expect(result.problems).toEqual([
			'entry[0].changes[0].value.message_echoes[0]: missing recipient (to) (wamid.E)',
		]);
	});

	test.each(['future_type', 'constructor', '__proto__', 'toString', 'hasOwnProperty'])(
		'a message of unknown type %j is emitted as given, raw kept',
		(type) => {
			const raw = JSON.parse(
				`{"from":"393331234567","id":"wamid.Q","timestamp":"1772528400","type":${JSON.stringify(type)},${JSON.stringify(type)}:{"x":1}}`,
			) as Record<string, unknown>;
			const result = normaliseWebhook(wrap({ messages: [raw] }));
			expect(result.problems).toEqual([]);
			expect(result.events).toHaveLength(1);
			const event = result.events[0] as InboundMessage;
			expect(event.type).toBe(type);
			expect(event.raw).toBe(raw);
			expect(event.text).toBeUndefined();
		},
	);

	test('__proto__ keys anywhere do not pollute Object.prototype', () => {
		const body =
			'{"object":"whatsapp_business_account","__proto__":{"polluted":"root"},"entry":[{"__proto__":{"polluted":"entry"},' +
			'"changes":[{"field":"messages","value":{"__proto__":{"polluted":"value","messages":[1]},' +
			'"metadata":{"phone_number_id":"1","__proto__":{"polluted":"metadata"}},' +
			'"contacts":[{"__proto__":{"wa_id":"666"},"profile":{"__proto__":{"name":"Evil"}}}],' +
			'"messages":[{"__proto__":{"polluted":"message","type":"text"},"from":"393331234567","id":"wamid.P",' +
			'"timestamp":"1772528400","type":"text","text":{"body":"ciao","__proto__":{"polluted":"text"}},' +
			'"context":{"__proto__":{"id":"wamid.EVIL"}}}]}}]}]}';
		const parsed = parseWebhookBody(body);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		const result = normaliseWebhook(parsed.payload);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.prototype).not.toHaveProperty('polluted');
		expect(result.problems).toEqual([]);
		expect(result.events).toHaveLength(1);
		const event = result.events[0] as InboundMessage;
		expect(event.from).toEqual({ waId: '393331234567' });
		expect(event.text).toBe('ciao');
		expect(event.context).toBeUndefined();
		expect(JSON.parse(JSON.stringify(withoutRaw(event)))).toEqual(withoutRaw(event));
	});

	test('an inherited property is not read as data', () => {
		const value = Object.create({ messages: [textMessage('wamid.INHERITED')] }) as Record<
			string,
			unknown
		>;
		value.metadata = { phone_number_id: '1' };
		const result = normaliseWebhook({
			object: WEBHOOK_OBJECT,
			entry: [{ changes: [{ field: 'messages', value }] }],
		});
		expect(result.events).toEqual([]);
	});

	test('1,000 updates across 4 entries give 1,000 events in order', () => {
		let counter = 0;
		const entry = Array.from({ length: 4 }, (_, entryIndex) => ({
			id: `waba-${entryIndex}`,
			changes: Array.from({ length: 5 }, (_unused, changeIndex) => ({
				field: 'messages',
				value: {
					messaging_product: 'whatsapp',
					metadata: { display_phone_number: '390541704000', phone_number_id: `pn-${entryIndex}` },
					contacts: [{ profile: { name: 'Giulia' }, wa_id: '393331234567' }],
					messages: Array.from({ length: 25 }, () => textMessage(`wamid.${counter++}`)),
					statuses: Array.from({ length: 25 }, () => ({
						id: `wamid.${counter++}`,
						status: changeIndex % 2 ? 'read' : 'delivered',
						timestamp: '1772528400',
						recipient_id: '393331234567',
					})),
				},
			})),
		}));
		expect(counter).toBe(1000);
		const result = normaliseWebhook({ object: WEBHOOK_OBJECT, entry });
		expect(result.problems).toEqual([]);
		expect(result.events).toHaveLength(1000);
		// Within a change messages come before statuses: ids were numbered in that same order.
		expect(result.events.map((event) => event.messageId)).toEqual(
			Array.from({ length: 1000 }, (_, index) => `wamid.${index}`),
		);
		expect(result.events.filter((event) => event.event === 'status')).toHaveLength(500);
		expect(result.events[999].phoneNumberId).toBe('pn-3');
	});

	test('never throws on a zoo of values at every level', () => {
		const zoo: unknown[] = [
			undefined,
			null,
			0,
			-1,
			1e308,
			Number.NaN,
			'',
			'x',
			true,
			[],
			{},
			[null],
			[[]],
			{ length: 3 },
		];
		for (const value of zoo) {
			const shapes: unknown[] = [
				value,
				{ object: WEBHOOK_OBJECT, entry: value },
				{ object: WEBHOOK_OBJECT, entry: [value] },
				{ object: WEBHOOK_OBJECT, entry: [{ changes: value }] },
				{ object: WEBHOOK_OBJECT, entry: [{ changes: [value] }] },
				wrap({ messages: value, statuses: value, contacts: value, errors: value }),
				wrap({ messages: [value], statuses: [value], contacts: [value] }),
				wrap({ message_echoes: value }, 'smb_message_echoes'),
				wrap({
					messages: [
						{ ...textMessage('w'), type: 'image', image: value, context: value, errors: value },
					],
				}),
				wrap({
					messages: [
						{
							...textMessage('w'),
							type: 'interactive',
							interactive: { type: 'button_reply', button_reply: value },
						},
					],
				}),
				wrap({
					statuses: [
						{
							id: 'w',
							status: 'sent',
							timestamp: '1',
							conversation: value,
							pricing: value,
							errors: [value],
						},
					],
				}),
			];
			for (const shape of shapes) expect(() => normaliseWebhook(shape)).not.toThrow();
		}
	});
});

describe('parseWebhookBody', () => {
	test('a Buffer and a string', () => {
		expect(parseWebhookBody(Buffer.from('{"object":"x"}'))).toEqual({
			ok: true,
			payload: { object: 'x' },
		});
		expect(parseWebhookBody('{"object":"x"}')).toEqual({ ok: true, payload: { object: 'x' } });
	});

	test('a UTF-8 byte order mark is tolerated', () => {
		expect(parseWebhookBody(Buffer.from('\ufeff{"a":1}', 'utf8'))).toEqual({
			ok: true,
			payload: { a: 1 },
		});
		expect(parseWebhookBody('\ufeff{"a":1}')).toEqual({ ok: true, payload: { a: 1 } });
	});

	test.each<[string, Buffer | string, string]>([
		['an empty Buffer', Buffer.alloc(0), 'Body is empty'],
		['an empty string', '', 'Body is empty'],
		['whitespace', ' \n\t ', 'Body is empty'],
		['garbage', 'garbage', 'Body is not valid JSON'],
		['truncated JSON', '{"object":"whatsapp_business_account","entry":[', 'Body is not valid JSON'],
		['a trailing comma', '{"a":1,}', 'Body is not valid JSON'],
		[
			'invalid UTF-8',
			Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
			'Body is not valid UTF-8',
		],
		['a lone continuation byte', Buffer.from([0x80]), 'Body is not valid UTF-8'],
		['an overlong encoding', Buffer.from([0x22, 0xc0, 0xaf, 0x22]), 'Body is not valid UTF-8'],
		[
			'random binary',
			Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef]),
			'Body is not valid UTF-8',
		],
		['a gzip-looking but ASCII body', '\u001f\u0008garbage', 'Body is not valid JSON'],
		['null', 'null', 'Body is JSON but not an object (it is null)'],
		[
			'an array',
			'[{"object":"whatsapp_business_account"}]',
			'Body is JSON but not an object (it is an array)',
		],
		['a number', '42', 'Body is JSON but not an object (it is number)'],
		['a string', '"whatsapp"', 'Body is JSON but not an object (it is string)'],
	])('%s → 400', (_label, body, reason) => {
		const result = parseWebhookBody(body);
		expect(result).toMatchObject({ ok: false, status: 400 });
		if (result.ok) return;
		expect(result.reason.startsWith(reason)).toBe(true);
	});

	test('the JSON error names the position, not the body', () => {
		const result = parseWebhookBody('{"secret":"hunter2" oops}');
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.reason).not.toContain('hunter2');
		expect(result.reason).toMatch(/^Body is not valid JSON( \(at character \d+\))?$/);
	});

	test('a missing body is a 400, not a crash', () => {
		expect(parseWebhookBody(undefined as unknown as string)).toEqual({
			ok: false,
			status: 400,
			reason: 'Body is missing',
		});
	});

	test('the default limit is 10 MiB', () => {
		expect(DEFAULT_MAX_BODY_BYTES).toBe(10 * 1024 * 1024);
	});

	function bigBody(bytes: number): Buffer {
		const messages: unknown[] = [];
		const filler = 'x'.repeat(1000);
		for (let index = 0; (index + 1) * 1100 < bytes; index++) {
			messages.push({
				from: '393331234567',
				id: `wamid.${index}`,
				timestamp: '1772528400',
				type: 'text',
				text: { body: filler },
			});
		}
		return Buffer.from(JSON.stringify(wrap({ messages })), 'utf8');
	}

	test('a 3 MB body parses and normalises', () => {
		const body = bigBody(3 * 1024 * 1024);
		expect(body.length).toBeGreaterThan(3_000_000);
		const parsed = parseWebhookBody(body);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		const result = normaliseWebhook(parsed.payload);
		expect(result.problems).toEqual([]);
		expect(result.events.length).toBeGreaterThan(2500);
	});

	test('an 11 MB body is refused with 413 before parsing', () => {
		const body = Buffer.alloc(11 * 1024 * 1024, 0x20);
		const result = parseWebhookBody(body);
		expect(result).toEqual({
			ok: false,
			status: 413,
			reason: `Body is ${11 * 1024 * 1024} bytes, more than the ${10 * 1024 * 1024}-byte limit`,
		});
		expect(parseWebhookBody(body.toString('latin1'))).toMatchObject({ ok: false, status: 413 });
	});

	test.each<[string, number | undefined, number, 'ok' | 413]>([
		['exactly at a custom limit', 100, 100, 'ok'],
		['one byte over a custom limit', 100, 101, 413],
		['a negative limit falls back to the default', -1, 1000, 'ok'],
		['NaN falls back to the default', Number.NaN, 1000, 'ok'],
		['0 refuses everything', 0, 8, 413],
	])('%s', (_label, maxBytes, size, outcome) => {
		const body = Buffer.from(`{"a":"${'x'.repeat(size - 8)}"}`);
		expect(body.length).toBe(size);
		const result = parseWebhookBody(body, { maxBytes });
		if (outcome === 'ok') expect(result.ok).toBe(true);
		else expect(result).toMatchObject({ ok: false, status: 413 });
	});

	test('a string limit counts UTF-8 bytes, not characters', () => {
		const body = `{"a":"${'è'.repeat(50)}"}`; // 58 characters, 108 bytes
		expect(parseWebhookBody(body, { maxBytes: 100 })).toMatchObject({ ok: false, status: 413 });
		expect(parseWebhookBody(body, { maxBytes: 108 }).ok).toBe(true);
	});
});
