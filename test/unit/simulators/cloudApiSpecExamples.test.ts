/**
 * Every request example of the spec's `POST /{Version}/{Phone-Number-ID}/messages` (all `examples` of its
 * requestBody, whatever the content type), posted to a running simulator. Each is accepted once its
 * placeholders have real values (PLACEHOLDERS), or is a named exception (EXCEPTIONS) that the simulator
 * refuses for the reason given. A new example that is neither accepted nor listed fails here.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { CloudApiSimulator } from '../../../dev/simulators/cloudApi/server';
import { META_SPEC_PATH } from '../../helpers/metaSchema';
import { CITIZEN, type Json, post, startSimulator } from './cloudApiHelpers';

const OPERATION = '/{Version}/{Phone-Number-ID}/messages';

interface SpecExample {
	/** the example's key, e.g. "Send Location Message" */
	name: string;
	contentType: string;
	value: unknown;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** Follows a local `$ref` ("#/components/examples/X"); anything else is returned as it is. */
function resolve(spec: JsonObject, node: unknown): unknown {
	if (!isObject(node) || typeof node.$ref !== 'string' || !node.$ref.startsWith('#/')) return node;
	const target = node.$ref
		.slice(2)
		.split('/')
		.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
		.reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), spec);
	return resolve(spec, target);
}

/** The operation's request examples in the spec's order (`example` too, if a content type has one). */
function requestExamples(): SpecExample[] {
	const spec = parse(readFileSync(META_SPEC_PATH, 'utf8'), { maxAliasCount: -1 }) as JsonObject;
	const operation = resolve(spec, ((spec.paths as JsonObject)[OPERATION] as JsonObject).post);
	const body = resolve(spec, (operation as JsonObject).requestBody) as JsonObject;
	const found: SpecExample[] = [];
	for (const [contentType, media] of Object.entries(body.content as JsonObject)) {
		const { examples, example } = media as JsonObject;
		for (const [name, item] of Object.entries((examples ?? {}) as JsonObject)) {
			found.push({ name, contentType, value: (resolve(spec, item) as JsonObject).value });
		}
		if (example !== undefined)
			found.push({ name: `${contentType} example`, contentType, value: example });
	}
	return found;
}

/** What the simulator holds for the substitutions: a citizen message and media of each kind. */
interface Known {
	messageId: string;
	media: Record<string, string>;
}

const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'sticker'] as const;

/** A spec placeholder: "<AUDIO_OBJECT_ID>", "{{Recipient-Phone-Number}}", "http(s)://image-url". */
const PLACEHOLDER = /^<.*>$|^\{\{.*\}\}$|^<?http\(s\):\/\//;

/**
 * Placeholders where a real request has a value the simulator (or Meta) checks, and that value. Other
 * placeholders (texts such as "<BODY_TEXT>", template and Flow names) are valid as they are.
 */
const PLACEHOLDERS: Array<{
	where: string;
	why: string;
	applies(key: string, parent: string, value: unknown): boolean;
	value(parent: string, known: Known): unknown;
}> = [
	{
		where: 'to',
		why: 'the recipient: a WhatsApp number ("{{Recipient-Phone-Number}}")',
		applies: (key, _parent, value) => key === 'to' && PLACEHOLDER.test(String(value)),
		value: () => CITIZEN,
	},
	{
		where: '<media>.link',
		why: 'an http(s) URL ("http(s)://image-url", "<http(s)://audio-url>")',
		applies: (key, _parent, value) => key === 'link' && PLACEHOLDER.test(String(value)),
		value: (parent) => `https://www.comune.rimini.it/media/example-${parent}`,
	},
	{
		where: '<media>.id',
		why: 'the id of a media the simulator holds ("<IMAGE_OBJECT_ID>"): a citizen’s media of that kind',
		applies: (key, parent, value) =>
			key === 'id' &&
			(MEDIA_KINDS as readonly string[]).includes(parent) &&
			PLACEHOLDER.test(String(value)),
		value: (parent, known) => known.media[parent],
	},
	{
		where: 'message_id',
		why:
			'a message the business received ("<MSGID_OF_PREV_MSG>", the truncated "wamid.HBgLM..."): a read ' +
			'receipt must name one',
		applies: (key) => key === 'message_id',
		value: (_parent, known) => known.messageId,
	},
	{
		where: 'language.code',
		why: 'a language code ("language-and-locale-code")',
		applies: (key, parent, value) =>
			key === 'code' && parent === 'language' && value === 'language-and-locale-code',
		value: () => 'en_US',
	},
	{
		where: 'interactive.header.type',
		why: 'a header type ("<HEADER_TYPE>"); a product list has a text header',
		applies: (key, parent, value) =>
			key === 'type' && parent === 'header' && PLACEHOLDER.test(String(value)),
		value: () => 'text',
	},
];

/** A copy of `value` with the placeholders of PLACEHOLDERS replaced. */
function substitute(value: unknown, known: Known, key = '', parent = ''): unknown {
	if (Array.isArray(value)) return value.map((item) => substitute(item, known, key, parent));
	if (isObject(value)) {
		return Object.fromEntries(
			Object.entries(value).map(([k, v]) => [k, substitute(v, known, k, key)]),
		);
	}
	const rule = PLACEHOLDERS.find((r) => r.applies(key, parent, value));
	return rule ? rule.value(parent, known) : value;
}

/**
 * Examples the simulator refuses as Meta would (code and a fragment of `details`), and why;
 * `repaired` is the example without its flaw, which is accepted.
 */
const EXCEPTIONS: Record<
	string,
	{ code: number; details: string; reason: string; repaired?: (body: JsonObject) => JsonObject }
> = {
	'Send Order Details Message': {
		code: 131009,
		details: '/interactive/type must be equal to one of the allowed values',
		reason:
			'interactive "order_details" (action review_and_pay) is a WhatsApp Payments message (India, ' +
			'Brazil) needing a payment configuration registered with Meta; the v23.0 spec does not define it ' +
			'and the simulator does not model payments',
	},
	'Send Order Status Message': {
		code: 131009,
		details: '/interactive/type must be equal to one of the allowed values',
		reason:
			'interactive "order_status" (action review_order) updates an order_details payment message: ' +
			'WhatsApp Payments, not in the v23.0 spec nor in the simulator',
	},
	'Send Reply to List Message': {
		code: 100,
		details: "/ must have required property 'text'",
		reason:
			'the example has no "type": Meta then takes "text", and a text message without `text` but with ' +
			'`interactive` is refused; with "type": "interactive" it is accepted',
		repaired: (body) => ({ ...body, type: 'interactive' }),
	},
	'Send Sample Issue Resolution Template': {
		code: 100,
		details: '/template/components/1/parameters/0/text must be string',
		reason:
			'its quick-reply button parameters carry the booleans true and false where a template text ' +
			'parameter is a string (the spec types it so; most likely "Yes"/"No" read as YAML 1.1 booleans)',
		repaired: (body) =>
			JSON.parse(
				JSON.stringify(body)
					.replace('"text":true', '"text":"Yes"')
					.replace('"text":false', '"text":"No"'),
			) as JsonObject,
	},
};

const examples = requestExamples();
const isReadReceipt = (body: unknown): boolean =>
	isObject(body) && body.type === undefined && body.status !== undefined;

describe("Cloud API simulator: the spec's request examples of POST /messages", () => {
	let sim: CloudApiSimulator;
	const known: Known = { messageId: '', media: {} };
	const outcome = { accepted: 0, refusedAsListed: 0 };

	beforeAll(async () => {
		// The examples check bodies: the 24-hour window and the pair rate are tested elsewhere.
		sim = await startSimulator({ enforceWindow: false, pairRate: false, statusWebhooks: false });
		const text = await sim.citizenSends({ from: { waId: CITIZEN }, type: 'text', text: 'Salve' });
		known.messageId = text.messageId;
		for (const kind of MEDIA_KINDS) {
			const { body } = await sim.citizenSends({
				from: { waId: CITIZEN },
				type: kind,
				media: { mimeType: 'application/octet-stream' },
			});
			known.media[kind] = (body as Json).entry[0].changes[0].value.messages[0][kind].id;
		}
	});
	afterAll(() => sim.stop());

	it('finds every example, each with a body, and every exception among them', () => {
		expect(examples.length).toBeGreaterThanOrEqual(48);
		expect(new Set(examples.map((e) => e.name)).size).toBe(examples.length);
		for (const example of examples)
			expect({ [example.name]: isObject(example.value) }).toEqual({ [example.name]: true });
		const names = new Set(examples.map((e) => e.name));
		expect(Object.keys(EXCEPTIONS).filter((name) => !names.has(name))).toEqual([]);
	});

	it.each(examples.map((e) => [e.name, e] as const))('%s', async (name, example) => {
		const body = substitute(example.value, known) as JsonObject;
		const { status, json } = await post(sim, body, { contentType: example.contentType });
		const exception = EXCEPTIONS[name];
		if (exception) {
			expect(status).toBe(400);
			expect(json.error.code).toBe(exception.code);
			expect(json.error.error_data.details).toContain(exception.details);
			outcome.refusedAsListed++;
			if (exception.repaired) {
				const repaired = await post(sim, exception.repaired(body));
				expect({ status: repaired.status, error: repaired.json.error }).toEqual({
					status: 200,
					error: undefined,
				});
			}
			return;
		}
		expect({ status, error: json.error }).toEqual({ status: 200, error: undefined });
		if (isReadReceipt(body)) {
			// A read receipt (and typing indicator) is answered { success: true }, without a wamid.
			expect(json).toEqual({ success: true });
		} else {
			expect(json.messages[0].id).toMatch(/^wamid\.[A-Za-z0-9+/=]+$/);
			expect(json.contacts[0].input).toBe(body.to);
		}
		outcome.accepted++;
	});

	it('posted them all: accepted but for the listed exceptions', () => {
		const exceptions = Object.keys(EXCEPTIONS).length;
		expect(outcome).toEqual({
			accepted: examples.length - exceptions,
			refusedAsListed: exceptions,
		});
		expect(outcome.accepted).toBeGreaterThanOrEqual(44);
	});
});
