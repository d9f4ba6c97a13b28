/**
 * Every example of `POST /whatsapp/webhooks` in Meta's OpenAPI spec (v23.0), extracted into
 * test/fixtures/webhooks/*.json by dev/tools/extractWebhookExamples.ts, normalised field by field.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
	extractWebhookExamples,
	fixtureText,
	slugify,
} from '../../../dev/tools/extractWebhookExamples';
import { WEBHOOK_OBJECT, normaliseWebhook } from '../../../nodes/core/whatsapp/webhook';

const ROOT = resolve(__dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/webhooks');
const SPEC = resolve(ROOT, 'spec/meta-openapi/business-messaging-api_v23.0.yaml');

function loadFixture(file: string): unknown {
	return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
}

/** The event without `raw`, which is checked separately. */
function withoutRaw(event: object): Record<string, unknown> {
	const rest: Record<string, unknown> = { ...event };
	delete rest.raw;
	return rest;
}

const BUSINESS = { phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' };
const SHEENA = { waId: '16505551234', name: 'Sheena Nelson' };
const base = { event: 'message', ...BUSINESS, from: SHEENA, echo: false };

/** One row per spec example: file, then the events it must produce (without `raw`). */
const EXPECTED: Array<[string, Array<Record<string, unknown>>]> = [
	[
		'text-message.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
				timestamp: '2025-06-08T20:59:43.000Z',
				type: 'text',
				text: 'Does it come in another color?',
			},
		],
	],
	[
		'text-message-with-context-product-inquiry.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTA2NTUwRkNEMDdFQjJCRUU0NQA=',
				timestamp: '2025-06-15T19:46:40.000Z',
				type: 'text',
				text: 'Is this still available?',
				context: {
					messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA',
					from: '15550783881',
				},
			},
		],
	],
	[
		'text-message-from-click-to-whatsapp-ad.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ0N0VFMDA2MTQ0RkJFNkNDNAA=',
				timestamp: '2025-06-18T19:46:32.000Z',
				type: 'text',
				text: 'Hello! Can I get more info on this?',
			},
		],
	],
	[
		'reaction-message.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
				timestamp: '2025-06-08T21:52:24.000Z',
				type: 'reaction',
				reaction: {
					messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA',
					emoji: '👍',
				},
			},
		],
	],
	[
		'image-message.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
				timestamp: '2025-04-11T04:08:16.000Z',
				type: 'image',
				caption: 'Taj Mahal',
				media: {
					id: '1003383421387256',
					mimeType: 'image/jpeg',
					sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=',
				},
			},
		],
	],
	[
		'location-message.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTU2MjZEMDBGRkE3MENEMDE0RQA=',
				timestamp: '2025-04-11T04:08:16.000Z',
				type: 'location',
				location: {
					latitude: 37.44221496582,
					longitude: -122.16165924072,
					name: 'Philz Coffee',
					address: '101 Forest Ave, Palo Alto, CA 94301',
					url: 'https://philzcoffee.com/',
				},
			},
		],
	],
	[
		'contact-sharing-message.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
				timestamp: '2025-04-11T04:08:16.000Z',
				type: 'contacts',
				contacts: [
					{
						name: { first_name: 'Lucía', last_name: 'Gómez', formatted_name: 'Lucía Gómez' },
						org: { company: 'Google' },
						phones: [{ phone: '+1 (983) 555-2319', wa_id: '19835552319', type: 'MOBILE' }],
					},
				],
			},
		],
	],
	[
		'unsupported-message.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTQyMDU1NTA3NDkVAgASGBI5N0MwRjg0RTVBNUI1RDA2OTkA',
				timestamp: '2025-06-16T16:18:22.000Z',
				type: 'unsupported',
				errors: [
					{
						code: 131051,
						title: 'Message type unknown',
						message: 'Message type unknown',
						details: 'Message type is currently not supported.',
					},
				],
			},
		],
	],
	[
		'button-message.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUU0M0MxQzQzMUJCMTMwNUZFOQA=',
				timestamp: '2025-06-16T16:24:05.000Z',
				type: 'button',
				text: 'Unsubscribe',
				reply: { id: 'Unsubscribe', title: 'Unsubscribe' },
				context: {
					messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA',
					from: '15550783881',
				},
			},
		],
	],
	[
		'interactive-list-reply-message.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJDQ0NDM0FEODY4ODkzOTc5RgA=',
				timestamp: '2025-06-13T22:42:55.000Z',
				type: 'interactive',
				text: 'Priority Mail Express',
				reply: {
					id: 'priority_express',
					title: 'Priority Mail Express',
					description: 'Next Day to 2 Days',
				},
				context: {
					messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzEyNzhENTZDMzNGODlDRDgA',
					from: '15550783881',
				},
			},
		],
	],
	[
		'interactive-button-reply-message.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTZBQzg0MzQ4QjRCM0NGNkVGOAA=',
				timestamp: '2025-06-15T22:05:36.000Z',
				type: 'interactive',
				text: 'Cancel',
				reply: { id: 'cancel-button', title: 'Cancel' },
				context: {
					messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA',
					from: '15550783881',
				},
			},
		],
	],
	[
		'order-message.json',
		[
			{
				...base,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTEyQjFGNzI1QTQxMjI5QTMyOQA=',
				timestamp: '2025-06-16T17:52:05.000Z',
				type: 'order',
				order: {
					catalogId: '194836987003835',
					text: '',
					items: [
						{ product_retailer_id: 'di9ozbzfi4', quantity: 2, item_price: 30, currency: 'USD' },
						{ product_retailer_id: 'nqryix03ez', quantity: 1, item_price: 25, currency: 'USD' },
					],
				},
			},
		],
	],
	[
		'system-message.json',
		[
			{
				...base,
				// System messages come without contacts: no profile name.
				from: { waId: '16505551234' },
				messageId: 'wamid.HBgLMTk4MzU1NTE5NzQVAgASGAoxMTgyMDg2MjY3AA==',
				timestamp: '2025-06-18T17:55:42.000Z',
				type: 'system',
				system: {
					body: 'User Sheena Nelson changed from 16505551234 to 12195555358',
					type: 'user_changed_number',
					newWaId: '12195555358',
				},
			},
		],
	],
	// Group webhooks are another subscription (field group_*): read as relevant, nothing emitted.
	['group-create-message.json', []],
	['group-settings-update.json', []],
	['group-remove-participants.json', []],
];

const SPEC_FILES = readdirSync(FIXTURES)
	.filter((name) => name.endsWith('.json'))
	.sort();

describe('spec webhook examples', () => {
	test('every extracted fixture has a row in the table, and every row a fixture', () => {
		expect(EXPECTED.map(([file]) => file).sort()).toEqual(SPEC_FILES);
	});

	test.each(EXPECTED)('%s', (file, expected) => {
		const payload = loadFixture(file) as {
			entry: Array<{ changes: Array<{ value: { messages?: unknown[] } }> }>;
		};
		const result = normaliseWebhook(payload);
		expect(result.object).toBe(WEBHOOK_OBJECT);
		expect(result.relevant).toBe(true);
		expect(result.problems).toEqual([]);
		expect(result.events.map(withoutRaw)).toEqual(expected);
		// raw is the very message object that came in.
		result.events.forEach((event, index) => {
			expect(event.raw).toBe(payload.entry[0].changes[0].value.messages?.[index]);
		});
	});
});

describe('fixtures match the spec', () => {
	test('re-extracting the YAML gives the committed files byte for byte', () => {
		const examples = extractWebhookExamples(readFileSync(SPEC, 'utf8'));
		expect(examples.map((example) => example.file).sort()).toEqual(SPEC_FILES);
		for (const example of examples) {
			expect(readFileSync(join(FIXTURES, example.file), 'utf8')).toBe(fixtureText(example.payload));
		}
	}, 30_000);

	test.each([
		['Text Message', 'text-message'],
		['Text Message with Context (Product Inquiry)', 'text-message-with-context-product-inquiry'],
		['Click-to-WhatsApp Ad: Città', 'click-to-whatsapp-ad-citta'],
		['  --odd__title--  ', 'odd-title'],
	])('slugify(%j) is %j', (title, slug) => {
		expect(slugify(title)).toBe(slug);
	});
});
