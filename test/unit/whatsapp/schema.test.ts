/**
 * The test validator itself (test/helpers/metaSchema): it accepts what the builders produce, rejects
 * invalid bodies, and documents where Meta's v23.0 spec departs from what the Cloud API accepts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
	buildButtonsMessage,
	buildTemplateMessage,
	buildTextMessage,
} from '../../../nodes/core/whatsapp/messages';
import {
	META_SPEC_PATH,
	SPEC_PATCHES,
	validateAgainst,
	validateOutgoingMessage,
} from '../../helpers/metaSchema';

const TO = '393331234567';
const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: TO };
const text = { ...base, type: 'text', text: { body: 'Buongiorno' } };

/** A copy of `object` without `key`. */
function without(object: Record<string, unknown>, key: string): Record<string, unknown> {
	const copy = { ...object };
	delete copy[key];
	return copy;
}

function buttons(count: number, title = 'OK'): unknown[] {
	return Array.from({ length: count }, (_, i) => ({
		type: 'reply',
		reply: { id: `b${i}`, title: `${title}${i}` },
	}));
}

function interactiveButtons(action: unknown, extra: Record<string, unknown> = {}): unknown {
	return {
		...base,
		type: 'interactive',
		interactive: { type: 'button', body: { text: 'Scelga' }, action, ...extra },
	};
}

function list(sections: unknown, button = 'Scegli'): unknown {
	return {
		...base,
		type: 'interactive',
		interactive: { type: 'list', body: { text: 'Scelga' }, action: { button, sections } },
	};
}

const template = {
	...base,
	type: 'template',
	template: { name: 'avviso', language: { policy: 'deterministic', code: 'it' } },
};

describe('the validator accepts valid bodies', () => {
	test.each<[string, unknown]>([
		['text', text],
		['text with context', { ...text, context: { message_id: 'wamid.X' } }],
		[
			'image by link',
			{ ...base, type: 'image', image: { link: 'https://x.it/a.jpg', caption: 'c' } },
		],
		['document by id', { ...base, type: 'document', document: { id: '1', filename: 'a.pdf' } }],
		['3 buttons', interactiveButtons({ buttons: buttons(3) })],
		['list', list([{ rows: [{ id: 'a', title: 'A' }] }])],
		['template', template],
		['read receipt', { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' }],
	])('%s', (_name, body) => {
		expect(validateOutgoingMessage(body)).toEqual({ valid: true, errors: [] });
	});
});

describe('the validator rejects invalid bodies', () => {
	const withoutTo = without(text, 'to');
	const withoutProduct = without(text, 'messaging_product');
	test.each<[string, unknown, string]>([
		['missing to', withoutTo, "/ must have required property 'to'"],
		[
			'missing messaging_product',
			withoutProduct,
			"/ must have required property 'messaging_product'",
		],
		[
			'unknown type',
			{ ...text, type: 'carousel' },
			'/type must be one of the message types (text, audio, document, image, location, video, sticker, reaction, interactive, template, contacts), got "carousel"',
		],
		['no type', { ...base, text: { body: 'x' } }, '/type must be one of the message types'],
		[
			'unknown property',
			{ ...text, priority: 'high' },
			'/ must NOT have unevaluated properties (priority)',
		],
		['text body not a string', { ...text, text: { body: 42 } }, '/text/body must be string'],
		[
			'unknown text property',
			{ ...text, text: { body: 'x', bold: true } },
			'/text must NOT have additional properties (bold)',
		],
		[
			'group recipient type unknown',
			{ ...text, recipient_type: 'everyone' },
			'/recipient_type must be equal to one of the allowed values',
		],
		[
			'4 buttons',
			interactiveButtons({ buttons: buttons(4) }),
			'/interactive/action/buttons must NOT have more than 3 items',
		],
		[
			'0 buttons',
			interactiveButtons({ buttons: [] }),
			'/interactive/action/buttons must NOT have fewer than 1 items',
		],
		[
			'21-character button title',
			interactiveButtons({
				buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }],
			}),
			'/interactive/action/buttons/0/reply/title must NOT have more than 20 characters',
		],
		[
			'257-character button id',
			interactiveButtons({
				buttons: [{ type: 'reply', reply: { id: 'i'.repeat(257), title: 'A' } }],
			}),
			'/interactive/action/buttons/0/reply/id must NOT have more than 256 characters',
		],
		[
			'61-character header',
			interactiveButtons(
				{ buttons: buttons(1) },
				{ header: { type: 'text', text: 'h'.repeat(61) } },
			),
			'/interactive/header/text must NOT have more than 60 characters',
		],
		[
			'1025-character body',
			interactiveButtons({ buttons: buttons(1) }, { body: { text: 'b'.repeat(1025) } }),
			'/interactive/body/text must NOT have more than 1024 characters',
		],
		[
			'61-character footer',
			interactiveButtons({ buttons: buttons(1) }, { footer: { text: 'f'.repeat(61) } }),
			'/interactive/footer/text must NOT have more than 60 characters',
		],
		[
			'11 sections',
			list(
				Array.from({ length: 11 }, (_, i) => ({
					title: `S${i}`,
					rows: [{ id: `r${i}`, title: 'R' }],
				})),
			),
			'/interactive/action/sections must NOT have more than 10 items',
		],
		[
			'11 rows in a section',
			list([{ rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: 'R' })) }]),
			'/interactive/action/sections/0/rows must NOT have more than 10 items',
		],
		[
			'25-character row title',
			list([{ rows: [{ id: 'a', title: 't'.repeat(25) }] }]),
			'/interactive/action/sections/0/rows/0/title must NOT have more than 24 characters',
		],
		[
			'73-character row description',
			list([{ rows: [{ id: 'a', title: 'A', description: 'd'.repeat(73) }] }]),
			'/interactive/action/sections/0/rows/0/description must NOT have more than 72 characters',
		],
		[
			'21-character list button',
			list([{ rows: [{ id: 'a', title: 'A' }] }], 'b'.repeat(21)),
			'/interactive/action/button must NOT have more than 20 characters',
		],
		[
			'media with link and id',
			{ ...base, type: 'image', image: { link: 'https://x.it/a.jpg', id: '1' } },
			'/image must match exactly one schema in oneOf',
		],
		[
			'media with neither',
			{ ...base, type: 'image', image: { caption: 'c' } },
			"/image must have required property 'id'",
		],
		[
			'ftp media link',
			{ ...base, type: 'image', image: { link: 'ftp://x.it/a.jpg' } },
			'/image/link must match format "url"',
		],
		[
			'template without name',
			{ ...template, template: { language: template.template.language } },
			"/template must have required property 'name'",
		],
		[
			'template parameter without text',
			{
				...template,
				template: {
					...template.template,
					components: [{ type: 'body', parameters: [{ type: 'text' }] }],
				},
			},
			"/template/components/0/parameters/0 must have required property 'text'",
		],
		[
			'template button without parameters',
			{
				...template,
				template: {
					...template.template,
					components: [{ type: 'button', sub_type: 'url', index: '0' }],
				},
			},
			"/template/components/0 must have required property 'parameters'",
		],
		[
			'read receipt without message_id',
			{ messaging_product: 'whatsapp', status: 'read' },
			"/ must have required property 'message_id'",
		],
	])('%s', (_name, body, error) => {
		const check = validateOutgoingMessage(body);
		expect(check.valid).toBe(false);
		expect(check.errors.some((line) => line.startsWith(error))).toBe(true);
	});

	test('emoji are counted as code points, as the builders count them', () => {
		const title = (n: number) =>
			interactiveButtons({
				buttons: [{ type: 'reply', reply: { id: 'a', title: '👍'.repeat(n) } }],
			});
		expect(validateOutgoingMessage(title(20)).valid).toBe(true);
		expect(validateOutgoingMessage(title(21)).valid).toBe(false);
	});
});

describe('quirks of the v23.0 spec', () => {
	test('the patches are documented', () => {
		expect(SPEC_PATCHES).toHaveLength(3);
	});

	test('as published, allOf + additionalProperties:false rejects every message', () => {
		expect(validateOutgoingMessage(text, { raw: true })).toEqual({
			valid: false,
			errors: [
				'/ must NOT have additional properties (messaging_product)',
				'/ must NOT have additional properties (recipient_type)',
				'/ must NOT have additional properties (to)',
			],
		});
		expect(validateOutgoingMessage(text).valid).toBe(true);
	});

	test('as published, the button index pattern rejects index "0" (the first button)', () => {
		const body = buildTemplateMessage(TO, {
			name: 'avviso',
			language: 'it',
			buttonParameters: [{ index: 0, subType: 'quick_reply', value: 'STOP' }],
		});
		expect(validateOutgoingMessage(body, { raw: true }).errors).toContain(
			'/template/components/0/index must match pattern "^[2-6, 11-14]$"',
		);
		expect(validateOutgoingMessage(body).valid).toBe(true);
	});

	test('the language policy is required by the spec: the builder always sends "deterministic"', () => {
		const withoutPolicy = without(template.template.language, 'policy');
		expect(
			validateOutgoingMessage({
				...template,
				template: { ...template.template, language: withoutPolicy },
			}).errors,
		).toEqual(["/template/language must have required property 'policy'"]);
		expect(
			buildTemplateMessage(TO, { name: 'avviso', language: 'it' }).template.language.policy,
		).toBe('deterministic');
	});

	test('recipient_type is required by the spec (Meta defaults it): the builders always send it', () => {
		const withoutType = without(text, 'recipient_type');
		expect(validateOutgoingMessage(withoutType).errors).toEqual([
			"/ must have required property 'recipient_type'",
		]);
		expect(
			buildButtonsMessage(TO, { body: 'x', buttons: [{ id: 'a', title: 'A' }] }).recipient_type,
		).toBe('individual');
	});

	test('EXCEPTION: a BSUID-only body (recipient, no to) is what Meta documents since 2026, but v23.0 requires `to`', () => {
		const body = buildTextMessage({ userId: 'IT.1502576394655843' }, { body: 'Buongiorno' });
		expect(validateOutgoingMessage(body)).toEqual({
			valid: false,
			errors: [
				"/ must have required property 'to'",
				'/ must NOT have unevaluated properties (recipient)',
			],
		});
		// Everything else in the body conforms: with `to` in place of `recipient` it validates.
		const { recipient, ...rest } = body as { recipient: string } & Record<string, unknown>;
		expect(recipient).toBe('IT.1502576394655843');
		expect(validateOutgoingMessage({ ...rest, to: TO })).toEqual({ valid: true, errors: [] });
	});

	test('MarkMessageRequestPayload does not list typing_indicator but allows it', () => {
		expect(
			validateAgainst('MarkMessageRequestPayload', {
				messaging_product: 'whatsapp',
				status: 'read',
				message_id: 'wamid.X',
				typing_indicator: { type: 'text' },
			}).valid,
		).toBe(true);
	});

	test("Meta's own request examples: which validate (the others use placeholders or contradict the schema)", () => {
		const document = parse(readFileSync(META_SPEC_PATH, 'utf8'), { maxAliasCount: -1 }) as {
			paths: Record<
				string,
				{
					post: {
						requestBody: {
							content: Record<string, { examples: Record<string, { value: unknown }> }>;
						};
					};
				}
			>;
		};
		const examples =
			document.paths['/{Version}/{Phone-Number-ID}/messages'].post.requestBody.content[
				'application/json'
			].examples;
		const verdicts = Object.fromEntries(
			Object.entries(examples).map(([name, example]) => [
				name,
				validateOutgoingMessage(example.value),
			]),
		);
		const valid = Object.keys(verdicts)
			.filter((name) => verdicts[name].valid)
			.sort();
		expect(valid).toEqual([
			'Send Audio Message by ID',
			'Send Catalog Message',
			'Send Document Message by ID',
			'Send Draft Flow by ID',
			'Send Draft Flow by Name',
			'Send Image Message by ID',
			'Send List Message',
			'Send Published Flow by ID',
			'Send Published Flow by Name',
			'Send Reply Button',
			'Send Reply to Audio Message by ID',
			'Send Reply to Document Message by ID',
			'Send Reply to Image Message by ID',
			'Send Reply to Sticker Message by ID',
			'Send Reply to Sticker Message by URL',
			'Send Reply to Text Message',
			'Send Reply to Video Message by ID',
			'Send Reply with Reaction Message',
			'Send Single Product Message',
			'Send Sticker Message by ID',
			'Send Sticker Message by URL',
			'Send Text Message',
			'Send Video Message by ID',
			'Send typing indicator and read receipt',
		]);
		// Contradictions inside the spec: numbers where the schema says string, missing required fields.
		expect(verdicts['Send Location Message'].errors).toEqual([
			'/location/latitude must be string',
			'/location/longitude must be string',
		]);
		expect(verdicts['Send Test Message'].errors).toEqual([
			"/ must have required property 'recipient_type'",
			"/template/language must have required property 'policy'",
		]);
		expect(verdicts['Send Sample Issue Resolution Template'].errors).toContain(
			'/template/components/1/index must be string',
		);
		// `<http(s)://image-url>` placeholders are not URLs.
		expect(verdicts['Send Image Message by URL'].errors).toContain(
			'/image/link must match format "url"',
		);
	});
});
