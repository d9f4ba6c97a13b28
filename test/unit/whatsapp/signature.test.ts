/** X-Hub-Signature-256 over the raw body, and Meta-style JSON (the bytes Meta signs). */
import { createHmac } from 'node:crypto';
import { toMetaJson } from '../../../nodes/core/whatsapp/metaJson';
import {
	SIGNATURE_HEADER,
	computeSignature,
	verifySignature,
} from '../../../nodes/core/whatsapp/signature';

const APP_KEY = 'whatsurp-unit-test-key';
const PAYLOAD = {
	object: 'whatsapp_business_account',
	entry: [
		{
			id: '102290129340398',
			changes: [
				{
					field: 'messages',
					value: {
						messaging_product: 'whatsapp',
						metadata: { display_phone_number: '390541704000', phone_number_id: '106540352242922' },
						contacts: [{ profile: { name: 'Niccolò Bianchi' }, wa_id: '393331234567' }],
						messages: [
							{
								from: '393331234567',
								id: 'wamid.UTF01',
								timestamp: '1772528409',
								type: 'text',
								text: { body: 'Perché la raccolta è in ritardo? 🙏 https://comune.rimini.it/' },
							},
						],
					},
				},
			],
		},
	],
};
const BODY = Buffer.from(toMetaJson(PAYLOAD), 'utf8');
const GOOD = computeSignature(BODY, APP_KEY);

describe('computeSignature', () => {
	test('is sha256= and the hex HMAC-SHA256 of the body keyed with the app secret', () => {
		const expected = createHmac('sha256', APP_KEY).update(BODY).digest('hex');
		expect(GOOD).toBe(`sha256=${expected}`);
		expect(GOOD).toMatch(/^sha256=[0-9a-f]{64}$/);
	});

	test('a string is signed as its UTF-8 bytes', () => {
		expect(computeSignature(BODY.toString('utf8'), APP_KEY)).toBe(GOOD);
		expect(computeSignature('è', APP_KEY)).toBe(
			computeSignature(Buffer.from('c3a8', 'hex'), APP_KEY),
		);
	});

	test('a known vector', () => {
		// HMAC-SHA256(key "key", "The quick brown fox jumps over the lazy dog"), the RFC-style classic.
		expect(computeSignature('The quick brown fox jumps over the lazy dog', 'key')).toBe(
			'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
		);
	});

	test('the header name is the lower-case X-Hub-Signature-256', () => {
		expect(SIGNATURE_HEADER).toBe('x-hub-signature-256');
	});
});

describe('verifySignature', () => {
	const flipped = Buffer.from(BODY);
	flipped[flipped.length - 3] ^= 0x01;
	const hex = GOOD.slice('sha256='.length);

	test.each<[string, Buffer, string | string[] | undefined, string, unknown]>([
		['the right signature', BODY, GOOD, APP_KEY, { valid: true }],
		['upper-case hex', BODY, `sha256=${hex.toUpperCase()}`, APP_KEY, { valid: true }],
		['an upper-case prefix', BODY, `SHA256=${hex}`, APP_KEY, { valid: true }],
		['surrounding spaces', BODY, `  ${GOOD} `, APP_KEY, { valid: true }],
		['a one-element header array', BODY, [GOOD], APP_KEY, { valid: true }],
		[
			'a header array whose first value is right',
			BODY,
			[GOOD, 'sha256=00'],
			APP_KEY,
			{ valid: true },
		],
		['the wrong secret', BODY, GOOD, 'another-secret', { valid: false, reason: 'mismatch' }],
		['one byte of the body changed', flipped, GOOD, APP_KEY, { valid: false, reason: 'mismatch' }],
		[
			'one hex digit changed',
			BODY,
			GOOD.slice(0, -1) + (GOOD.endsWith('0') ? '1' : '0'),
			APP_KEY,
			{ valid: false, reason: 'mismatch' },
		],
		[
			'a signature of the empty body',
			BODY,
			computeSignature('', APP_KEY),
			APP_KEY,
			{ valid: false, reason: 'mismatch' },
		],
		['no header', BODY, undefined, APP_KEY, { valid: false, reason: 'missing' }],
		['an empty header', BODY, '', APP_KEY, { valid: false, reason: 'missing' }],
		['a blank header', BODY, '   ', APP_KEY, { valid: false, reason: 'missing' }],
		['an empty header array', BODY, [], APP_KEY, { valid: false, reason: 'missing' }],
		[
			'a header array whose first value is wrong',
			BODY,
			['sha256=00', GOOD],
			APP_KEY,
			{ valid: false, reason: 'malformed' },
		],
		[
			'a sha1= header (the old X-Hub-Signature)',
			BODY,
			'sha1=' + 'a'.repeat(40),
			APP_KEY,
			{ valid: false, reason: 'malformed' },
		],
		[
			'a sha1= prefix with 64 hex digits',
			BODY,
			'sha1=' + hex,
			APP_KEY,
			{ valid: false, reason: 'malformed' },
		],
		['hex without prefix', BODY, hex, APP_KEY, { valid: false, reason: 'malformed' }],
		['garbage', BODY, 'not a signature', APP_KEY, { valid: false, reason: 'malformed' }],
		['63 hex digits', BODY, GOOD.slice(0, -1), APP_KEY, { valid: false, reason: 'malformed' }],
		['65 hex digits', BODY, GOOD + 'a', APP_KEY, { valid: false, reason: 'malformed' }],
		[
			'non-hex digits',
			BODY,
			'sha256=' + 'g'.repeat(64),
			APP_KEY,
			{ valid: false, reason: 'malformed' },
		],
		[
			'two signatures joined by a proxy',
			BODY,
			`${GOOD}, ${GOOD}`,
			APP_KEY,
			{ valid: false, reason: 'malformed' },
		],
		['an empty secret', BODY, GOOD, '', { valid: false, reason: 'noSecret' }],
		['an empty secret and no header', BODY, undefined, '', { valid: false, reason: 'noSecret' }],
	])('%s', (_label, body, header, secret, expected) => {
		expect(verifySignature(body, header, secret)).toEqual(expected);
	});

	test('never throws on values that break the types', () => {
		const hostile: unknown[] = [null, 42, {}, [42], [null], Symbol('x')];
		for (const header of hostile) {
			expect(() =>
				verifySignature(BODY, header as unknown as string | undefined, APP_KEY),
			).not.toThrow();
			expect(verifySignature(BODY, header as unknown as string | undefined, APP_KEY).valid).toBe(
				false,
			);
		}
		for (const secret of [undefined, null, 42]) {
			expect(verifySignature(BODY, GOOD, secret as unknown as string)).toEqual({
				valid: false,
				reason: 'noSecret',
			});
		}
		for (const body of [undefined, null, 42, {}]) {
			expect(verifySignature(body as unknown as Buffer, GOOD, APP_KEY)).toEqual({
				valid: false,
				reason: 'mismatch',
			});
		}
	});

	test('Meta signs the escaped bytes: the re-serialised (unescaped) JSON does not verify', () => {
		const escaped = BODY.toString('utf8');
		expect(escaped).toContain('Niccol\\u00f2');
		expect(escaped).toContain('\\ud83d\\ude4f');
		expect(escaped).toContain('https:\\/\\/comune.rimini.it\\/');
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(escaped)), 'utf8');
		// Same data, different bytes.
		expect(JSON.parse(reserialised.toString('utf8'))).toEqual(JSON.parse(escaped));
		expect(reserialised.equals(BODY)).toBe(false);
		expect(verifySignature(BODY, GOOD, APP_KEY)).toEqual({ valid: true });
		expect(verifySignature(reserialised, GOOD, APP_KEY)).toEqual({
			valid: false,
			reason: 'mismatch',
		});
	});
});

describe('toMetaJson', () => {
	test.each<[string, unknown, string]>([
		['è as \\u00e8', { body: 'è' }, '{"body":"\\u00e8"}'],
		['uppercase accents', 'À', '"\\u00c0"'],
		['the typographic apostrophe', 'l’URP', '"l\\u2019URP"'],
		['an emoji as a surrogate pair', '👍', '"\\ud83d\\udc4d"'],
		[
			'slashes',
			{ url: 'https://comune.rimini.it/urp' },
			'{"url":"https:\\/\\/comune.rimini.it\\/urp"}',
		],
		['a slash in a key', { 'a/b': 1 }, '{"a\\/b":1}'],
		['ASCII unchanged', { a: [1, true, null, 'x y'] }, '{"a":[1,true,null,"x y"]}'],
		['control characters as JSON.stringify writes them', 'a\nb\u0001', '"a\\nb\\u0001"'],
		['DEL stays as is', '\u007f', '"\u007f"'],
		['a lone surrogate', '\ud800', '"\\ud800"'],
		['a backslash before a slash', '\\/', '"\\\\\\/"'],
	])('%s', (_label, value, expected) => {
		expect(toMetaJson(value)).toBe(expected);
	});

	test('the output is pure ASCII', () => {
		expect(toMetaJson(PAYLOAD)).toMatch(/^[\x20-\x7e]*$/);
	});

	test.each<[string, unknown]>([
		['the signed payload', PAYLOAD],
		[
			'mixed scripts',
			{ it: 'perché', el: 'Καλημέρα', ja: '日本語', emoji: '🇮🇹👨‍👩‍👧', path: '/a//b/' },
		],
		['nested arrays', [[['/'], 'ü'], { '': '€' }]],
		['a number', 1.5],
	])('JSON.parse gives back %s', (_label, value) => {
		expect(JSON.parse(toMetaJson(value))).toEqual(value);
	});

	test('a value with no JSON form is refused', () => {
		expect(() => toMetaJson(undefined)).toThrow(TypeError);
		expect(() => toMetaJson(() => 1)).toThrow(TypeError);
	});
});
