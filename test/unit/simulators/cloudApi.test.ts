/**
 * The Cloud API simulator's Graph side, over real HTTP: auth, the phone-number object, schema checks,
 * limits (130429, 131056, 131047), injected failures, BSUID recipients and read receipts.
 */
import type { CloudApiSimulator } from '../../../dev/simulators/cloudApi/server';
import {
	base,
	CITIZEN,
	get,
	PHONE_ID,
	post,
	startSimulator,
	TOKEN,
	until,
} from './cloudApiHelpers';

const text = (body: string, to = CITIZEN) => ({ ...base, to, type: 'text', text: { body } });
const template = (to = CITIZEN) => ({
	...base,
	to,
	type: 'template',
	template: {
		name: 'avviso_urp',
		language: { policy: 'deterministic', code: 'it' },
		components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }],
	},
});

describe('Cloud API simulator: Graph API', () => {
	let sim: CloudApiSimulator;

	beforeAll(async () => {
		sim = await startSimulator({ enforceWindow: false });
	});
	afterAll(() => sim.stop());
	beforeEach(() => sim.reset());

	describe('auth and the phone number', () => {
		it('returns the phone number object to a valid token (credential test)', async () => {
			const { status, json } = await get(`${sim.baseUrl}/v23.0/${PHONE_ID}`);
			expect(status).toBe(200);
			expect(json).toEqual({
				id: PHONE_ID,
				display_phone_number: '390541704111',
				verified_name: 'Comune di Rimini - URP',
				quality_rating: 'GREEN',
			});
		});

		it.each([
			['missing', null],
			['wrong', 'not-the-token'],
		])('answers 401 / 190 to a %s token, on GET and POST', async (_label, token) => {
			const read = await get(`${sim.baseUrl}/v23.0/${PHONE_ID}`, token);
			expect(read.status).toBe(401);
			expect(read.json.error).toMatchObject({
				message: 'Invalid OAuth access token - Cannot parse access token',
				type: 'OAuthException',
				code: 190,
			});
			expect(read.json.error.fbtrace_id).toEqual(expect.any(String));
			expect(read.headers.get('www-authenticate')).toContain('invalid_token');
			const send = await post(sim, text('ciao'), { token });
			expect(send.status).toBe(401);
			expect(send.json.error.code).toBe(190);
			expect(sim.outbound()).toHaveLength(0);
		});

		it('answers 400 / 100 / 33 for an unknown object id and 100 for unknown paths', async () => {
			const unknown = await get(`${sim.baseUrl}/v23.0/999999`);
			expect(unknown.status).toBe(400);
			expect(unknown.json.error).toMatchObject({ code: 100, error_subcode: 33 });
			expect(unknown.json.error.message).toContain("Object with ID '999999' does not exist");
			const edge = await get(`${sim.baseUrl}/v23.0/${PHONE_ID}/nonsense/deeper`);
			expect(edge.json.error.code).toBe(100);
			const other = await get(`${sim.baseUrl}/nowhere`);
			expect(other.status).toBe(404);
		});

		it('accepts any vX.Y version unless a list is given', async () => {
			expect((await get(`${sim.baseUrl}/v99.1/${PHONE_ID}`)).status).toBe(200);
			const strict = await startSimulator({ apiVersions: ['v23.0'] });
			try {
				expect((await get(`${strict.baseUrl}/v22.0/${PHONE_ID}`)).status).toBe(400);
				expect((await get(`${strict.baseUrl}/v23.0/${PHONE_ID}`)).status).toBe(200);
			} finally {
				await strict.stop();
			}
		});

		it('records every API request without the token', async () => {
			await post(sim, text('ciao'));
			expect(sim.received).toHaveLength(1);
			expect(sim.received[0]).toMatchObject({ method: 'POST', status: 200, body: text('ciao') });
			expect(sim.received[0].headers.authorization).toBe('[redacted]');
			expect(JSON.stringify(sim.received)).not.toContain(TOKEN);
		});
	});

	describe('schema (Meta OpenAPI v23.0)', () => {
		const image = {
			...base,
			type: 'image',
			image: { link: 'https://www.comune.rimini.it/a.jpg', caption: 'Avviso' },
		};
		const buttons = (count: number) => ({
			...base,
			type: 'interactive',
			interactive: {
				type: 'button',
				body: { text: 'Confermi?' },
				action: {
					buttons: Array.from({ length: count }, (_, i) => ({
						type: 'reply',
						reply: { id: `b${i}`, title: `Sì ${i}` },
					})),
				},
			},
		});

		it.each([
			['text', text('Buongiorno, come possiamo aiutarla?')],
			['template', template()],
			['interactive buttons', buttons(3)],
			['image by link', image],
		])('accepts a valid %s body with a wamid', async (_label, body) => {
			const { status, json } = await post(sim, body);
			expect(status).toBe(200);
			expect(json.messaging_product).toBe('whatsapp');
			expect(json.contacts).toEqual([{ input: CITIZEN, wa_id: CITIZEN }]);
			expect(json.messages[0].id).toMatch(/^wamid\.[A-Za-z0-9+/=]+$/);
		});

		it('marks templates accepted in the answer', async () => {
			const { json } = await post(sim, template());
			expect(json.messages[0].message_status).toBe('accepted');
		});

		// 100 for a missing, wrongly typed or unknown parameter or a limit; 131009 for a bad value.
		it.each([
			[
				'missing to',
				{
					messaging_product: 'whatsapp',
					recipient_type: 'individual',
					type: 'text',
					text: { body: 'x' },
				},
				100,
				"required property 'to'",
			],
			['unknown type', { ...base, type: 'fax', fax: {} }, 131009, '/type must be one of'],
			[
				'4 reply buttons',
				buttons(4),
				100,
				'/interactive/action/buttons must NOT have more than 3 items',
			],
			[
				'text over 4096 characters',
				text('x'.repeat(4097)),
				100,
				'/text/body must NOT have more than 4096',
			],
			['unknown property', { ...text('x'), colour: 'red' }, 100, 'unevaluated properties: colour'],
			[
				'image link not a URL',
				{ ...base, type: 'image', image: { link: 'foto.jpg' } },
				131009,
				'/image/link must match format "url"',
			],
		])('rejects %s with 400 / %i and the path in details', async (_label, body, code, detail) => {
			const { status, json } = await post(sim, body);
			expect(status).toBe(400);
			expect(json.error).toMatchObject({
				message:
					code === 100 ? '(#100) Invalid parameter' : '(#131009) Parameter value is not valid',
				type: 'OAuthException',
				code,
			});
			expect(json.error.error_data.messaging_product).toBe('whatsapp');
			expect(json.error.error_data.details).toContain(detail);
			expect(sim.stats().rejectedByCode[String(code)]).toBe(1);
		});

		it('rejects garbage JSON and a non-JSON content type with 400 / 100', async () => {
			const garbage = await post(sim, undefined, { raw: '{"to": "39…' });
			expect(garbage.status).toBe(400);
			expect(garbage.json.error.code).toBe(100);
			expect(garbage.json.error.error_data.details).toContain('not valid JSON');
			const form = await post(sim, undefined, {
				raw: 'to=1',
				contentType: 'application/x-www-form-urlencoded',
			});
			expect(form.json.error.error_data.details).toContain('Content-Type');
		});

		it('answers 413 to a body over the limit, and survives', async () => {
			const { status } = await post(sim, text('x'.repeat(5 * 1024 * 1024)));
			expect(status).toBe(413);
			expect((await post(sim, text('ancora qui'))).status).toBe(200);
		});
	});

	describe('BSUID recipients and read receipts', () => {
		it('accepts `recipient` without `to` and answers with user_id', async () => {
			const body = {
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				recipient: 'IT.1502576394655843',
				type: 'text',
				text: { body: 'Ciao' },
			};
			const { status, json } = await post(sim, body);
			expect(status).toBe(200);
			expect(json.contacts).toEqual([
				{ input: 'IT.1502576394655843', user_id: 'IT.1502576394655843' },
			]);
			expect(sim.outbound({ recipient: 'IT.1502576394655843' })).toHaveLength(1);
		});

		it('marks a citizen message read; an unknown id is 400 / 100', async () => {
			const { messageId } = await sim.citizenSends({
				from: { waId: CITIZEN },
				type: 'text',
				text: 'Salve',
			});
			const read = { messaging_product: 'whatsapp', status: 'read', message_id: messageId };
			expect(await post(sim, read)).toEqual({ status: 200, json: { success: true } });
			const unknown = await post(sim, { ...read, message_id: 'wamid.nope' });
			expect(unknown.status).toBe(400);
			expect(unknown.json.error.code).toBe(100);
			const noId = await post(sim, { messaging_product: 'whatsapp', status: 'read' });
			expect(noId.json.error.error_data.details).toContain('message_id');
		});
	});
});

describe('Cloud API simulator: bodies Meta accepts, and its error codes', () => {
	let sim: CloudApiSimulator;

	beforeAll(async () => {
		sim = await startSimulator({ enforceWindow: false, pairRate: false });
	});
	afterAll(() => sim.stop());
	beforeEach(() => sim.reset());

	const location = (coordinates: Record<string, unknown>) => ({
		...base,
		type: 'location',
		location: { name: 'Piazza Cavour', ...coordinates },
	});
	const button = (index: unknown) => ({
		...template(),
		template: {
			name: 'avviso_urp',
			language: { code: 'it' },
			components: [
				{
					type: 'button',
					sub_type: 'quick_reply',
					index,
					parameters: [{ type: 'payload', payload: 'STOP' }],
				},
			],
		},
	});
	const withLanguage = (language: unknown) => ({
		...base,
		type: 'template',
		template: { name: 'avviso_urp', language },
	});
	const without = (body: Record<string, unknown>, key: string) =>
		Object.fromEntries(Object.entries(body).filter(([k]) => k !== key));
	const noRecipientType = without(base, 'recipient_type');

	/** Posts `body`; expects 200 and a wamid, or 400 with `code` and every `details` fragment. */
	async function expectAnswer(body: unknown, code: number | null, details: string[] = []) {
		const { status, json } = await post(sim, body);
		if (code === null) {
			expect({ status, error: json.error }).toEqual({ status: 200, error: undefined });
			expect(json.messages[0].id).toMatch(/^wamid\./);
			return;
		}
		expect(status).toBe(400);
		expect(json.error).toMatchObject({
			code,
			type: 'OAuthException',
			message: code === 100 ? '(#100) Invalid parameter' : '(#131009) Parameter value is not valid',
			error_data: { messaging_product: 'whatsapp' },
			fbtrace_id: expect.any(String),
		});
		for (const fragment of details) expect(json.error.error_data.details).toContain(fragment);
		expect(sim.outbound()).toHaveLength(0);
	}

	it.each([
		['numbers (the spec example)', { latitude: 44.0596, longitude: 12.5683 }, null, []],
		['numeric strings', { latitude: '44.0596', longitude: '-12.5683' }, null, []],
		['integers and signs', { latitude: -90, longitude: '+180' }, null, []],
		['the edges', { latitude: '90', longitude: -180 }, null, []],
		['zero', { latitude: 0, longitude: '0.0' }, null, []],
		['latitude 200', { latitude: 200, longitude: 12 }, 131009, ['/location/latitude', '(got 200)']],
		['longitude -180.5', { latitude: 44, longitude: -180.5 }, 131009, ['/location/longitude']],
		['a word', { latitude: 'north', longitude: 12 }, 131009, ['(got "north")']],
		['an empty string', { latitude: '', longitude: 12 }, 131009, ['/location/latitude']],
		['a decimal comma', { latitude: '44,05', longitude: 12 }, 131009, ['/location/latitude']],
		['an exponent string', { latitude: '4e1', longitude: 12 }, 131009, ['/location/latitude']],
		['hex', { latitude: '0x10', longitude: 12 }, 131009, ['/location/latitude']],
		[
			'a boolean',
			{ latitude: true, longitude: 12 },
			100,
			['/location/latitude must be number,string'],
		],
		['null', { latitude: 44, longitude: null }, 100, ['/location/longitude must be number,string']],
		['an object', { latitude: { value: 44 }, longitude: 12 }, 100, ['/location/latitude']],
		['an array', { latitude: [44], longitude: 12 }, 100, ['/location/latitude']],
		['no longitude', { latitude: 44 }, 100, ["required property 'longitude'"]],
		[
			'two bad values',
			{ latitude: 91, longitude: 'east' },
			131009,
			['/location/latitude', '/location/longitude'],
		],
	] as const)('location with %s', async (_label, coordinates, code, details) => {
		await expectAnswer(location(coordinates), code, [...details]);
	});

	it('location: a number JSON cannot hold (1e400) is not a number', async () => {
		const raw = JSON.stringify(location({ latitude: 0, longitude: 12 })).replace(
			'"latitude":0',
			'"latitude":1e400',
		);
		const { status, json } = await post(sim, undefined, { raw });
		expect(status).toBe(400);
		expect(json.error.error_data.details).toContain('/location/latitude');
	});

	it.each([
		['0', 0, null],
		['"0"', '0', null],
		['9', 9, null],
		['"7"', '7', null],
		['10', 10, 131009],
		['-1', -1, 131009],
		['1.5', 1.5, 131009],
		['"1.5"', '1.5', 131009],
		['""', '', 131009],
		['"a"', 'a', 131009],
		['" 1"', ' 1', 131009],
		['an Arabic-Indic digit', '٣', 131009],
		['the spec\'s old pattern "11-14"', '11-14', 131009],
		['true', true, 100],
		['null', null, 100],
		['[0]', [0], 100],
	] as const)('template button index %s', async (_label, index, code) => {
		await expectAnswer(button(index), code, code === null ? [] : ['/template/components/0/index']);
	});

	it.each([
		[
			'hello_world without recipient_type nor language.policy (the spec\'s "Send Test Message")',
			{
				messaging_product: 'whatsapp',
				to: CITIZEN,
				type: 'template',
				template: { name: 'hello_world', language: { code: 'en_US' } },
			},
			null,
		],
		[
			'a text without type nor recipient_type ("Send Text Message with Preview URL")',
			{
				messaging_product: 'whatsapp',
				to: CITIZEN,
				text: { body: 'https://www.comune.rimini.it', preview_url: true },
			},
			null,
		],
		[
			'contacts without recipient_type ("Send Contact Message")',
			{
				...noRecipientType,
				type: 'contacts',
				contacts: [
					{ name: { formatted_name: 'URP Rimini' }, phones: [{ phone: '+39 0541 704111' }] },
				],
			},
			null,
		],
		['policy "deterministic" given', withLanguage({ code: 'it', policy: 'deterministic' }), null],
		['language "it"', withLanguage({ code: 'it' }), null],
		['language "fil"', withLanguage({ code: 'fil' }), null],
		['recipient_type "person"', { ...text('x'), recipient_type: 'person' }, 131009],
		['recipient_type "INDIVIDUAL"', { ...text('x'), recipient_type: 'INDIVIDUAL' }, 131009],
		['recipient_type 1', { ...text('x'), recipient_type: 1 }, 100],
		['type "fax"', { ...base, type: 'fax', fax: {} }, 131009],
		['type "Text"', { ...text('x'), type: 'Text' }, 131009],
		['type ""', { ...text('x'), type: '' }, 131009],
		['type null', { ...text('x'), type: null }, 100],
		['type ["text"]', { ...text('x'), type: ['text'] }, 100],
		['policy "fallback"', withLanguage({ code: 'it', policy: 'fallback' }), 131009],
		['policy 0', withLanguage({ code: 'it', policy: 0 }), 100],
		['language code "en-US"', withLanguage({ code: 'en-US' }), 131009],
		['language code "EN"', withLanguage({ code: 'EN' }), 131009],
		['language code "italiano"', withLanguage({ code: 'italiano' }), 131009],
		['language code ""', withLanguage({ code: '' }), 131009],
		['no language code', withLanguage({ policy: 'deterministic' }), 100],
		['language as a string', withLanguage('it'), 100],
		['no type and no text', { ...noRecipientType }, 100],
	] as const)('%s', async (_label, body, code) => {
		await expectAnswer(body, code);
	});

	it('stores a message sent without type as a text message', async () => {
		await expectAnswer(
			{ messaging_product: 'whatsapp', to: CITIZEN, text: { body: 'Ciao' } },
			null,
		);
		expect(sim.outbound()[0]).toMatchObject({ type: 'text', to: CITIZEN });
	});

	it('a template without type is a text without text (100), as Meta defaults type to "text"', async () => {
		await expectAnswer(without(template(), 'type'), 100, [
			"/ must have required property 'text'",
			'unevaluated properties: template',
		]);
	});

	it.each([
		[
			'a missing field first: code 100, the bad values named too',
			{
				messaging_product: 'whatsapp',
				recipient_type: 'person',
				type: 'location',
				location: { latitude: 200 },
			},
			100,
			[
				"/ must have required property 'to'",
				'/recipient_type must be equal to one of the allowed values',
				"/location must have required property 'longitude'",
				'/location/latitude must be a number from -90 to 90',
			],
		],
		[
			'a bad value first: code 131009, the unknown parameter named too',
			{ ...location({ latitude: 'abc', longitude: 12 }), recipient_type: 'group!', colour: 'red' },
			131009,
			['/recipient_type', '/location/latitude', 'unevaluated properties: colour'],
		],
		[
			'an unknown type after the common fields',
			{ type: 'fax', fax: {} },
			100,
			["required property 'messaging_product'", "required property 'to'", '/type must be one of'],
		],
		[
			'several buttons with long titles',
			{
				...base,
				type: 'interactive',
				interactive: {
					type: 'button',
					body: { text: 'Scegli' },
					action: {
						buttons: [1, 2].map((i) => ({
							type: 'reply',
							reply: { id: `b${i}`, title: 'x'.repeat(21) },
						})),
					},
				},
			},
			100,
			['/buttons/0/reply/title must NOT have more', '/buttons/1/reply/title must NOT have more'],
		],
		[
			'media with both id and link, and an unknown property',
			{ ...base, type: 'image', image: { id: '1', link: 'https://a.example/b.jpg' }, extra: 1 },
			100,
			['/image must have only one of the properties: id, link', 'unevaluated properties: extra'],
		],
	] as const)('reports every problem: %s', async (_label, body, code, details) => {
		const { json } = await post(sim, body);
		expect(json.error.code).toBe(code);
		const parts = String(json.error.error_data.details).split('; ');
		expect(parts.length).toBeGreaterThanOrEqual(details.length);
		for (const fragment of details)
			expect(parts.filter((part) => part.includes(fragment))).toHaveLength(1);
	});

	it('names the interactive action shape of the interactive type, not every shape', async () => {
		const { json } = await post(sim, {
			...base,
			type: 'interactive',
			interactive: { type: 'list', body: { text: 'x' }, action: { buttons: [] } },
		});
		expect(json.error.code).toBe(100);
		expect(json.error.error_data.details).toBe(
			"/interactive/action must have required property 'button'; " +
				"/interactive/action must have required property 'sections'",
		);
	});

	it.each([
		['a JSON array', []],
		['a JSON string', 'ciao'],
		['null', null],
		['type "constructor"', { ...text('x'), type: 'constructor' }],
		['type "__proto__"', { ...text('x'), type: '__proto__' }],
		['type "toString"', { ...text('x'), type: 'toString' }],
		['a 100 kB type', { ...text('x'), type: 'x'.repeat(100_000) }],
		['a __proto__ property', JSON.parse(`{"__proto__": {"type": "text"}, "to": "${CITIZEN}"}`)],
		['index as an object with valueOf', button({ valueOf: 1 })],
	])('refuses %s with a 400 and goes on', async (_label, body) => {
		const { status, json } = await post(sim, body);
		expect(status).toBe(400);
		expect([100, 131009]).toContain(json.error.code);
		expect(String(json.error.error_data.details).length).toBeLessThan(2000);
		expect((await post(sim, text('ancora qui'))).status).toBe(200);
	});

	it('refuses a text body nested 3000 arrays deep (raw JSON) with a 400', async () => {
		const nested = '['.repeat(3000) + ']'.repeat(3000);
		const raw = `{"messaging_product":"whatsapp","to":"${CITIZEN}","type":"text","text":{"body":${nested}}}`;
		const { status, json } = await post(sim, undefined, { raw });
		expect(status).toBe(400);
		expect(json.error.error_data.details).toBe('/text/body must be string');
	});

	it('a read receipt with a bad status is 131009, without message_id 100', async () => {
		const bad = await post(sim, {
			messaging_product: 'whatsapp',
			status: 'seen',
			message_id: 'wamid.X',
		});
		expect(bad.json.error.code).toBe(131009);
		const missing = await post(sim, { messaging_product: 'whatsapp', status: 'seen' });
		expect(missing.json.error.code).toBe(100);
		expect(missing.json.error.error_data.details).toContain('/status must be equal to one of');
	});
});

describe('Cloud API simulator: limits', () => {
	it('throughput: sending 2× perSecond at once gets 130429 for the excess', async () => {
		const sim = await startSimulator({
			throughput: { perSecond: 20 },
			pairRate: false,
			enforceWindow: false,
		});
		try {
			const started = Date.now();
			const answers = await Promise.all(
				Array.from({ length: 40 }, (_, i) =>
					post(sim, text('avviso', `3933300000${String(i).padStart(2, '0')}`)),
				),
			);
			const elapsedS = (Date.now() - started) / 1000;
			const limited = answers.filter((a) => a.status === 400);
			const accepted = answers.length - limited.length;
			expect(accepted).toBeGreaterThanOrEqual(20);
			expect(accepted).toBeLessThanOrEqual(20 + Math.ceil(20 * elapsedS) + 1);
			expect(limited.length).toBeGreaterThan(0);
			expect(limited[0].json.error).toMatchObject({
				code: 130429,
				message: '(#130429) Rate limit hit',
				error_subcode: 2494055,
			});
			expect(sim.stats().rejectedByCode['130429']).toBe(limited.length);
		} finally {
			await sim.stop();
		}
	});

	it('throughput refills with the clock', async () => {
		let clock = 1_000_000;
		const sim = await startSimulator({
			throughput: { perSecond: 2 },
			pairRate: false,
			enforceWindow: false,
			now: () => clock,
		});
		try {
			expect((await post(sim, text('1', '391'))).status).toBe(200);
			expect((await post(sim, text('2', '392'))).status).toBe(200);
			expect((await post(sim, text('3', '393'))).json.error.code).toBe(130429);
			clock += 500;
			expect((await post(sim, text('4', '394'))).status).toBe(200);
		} finally {
			await sim.stop();
		}
	});

	it('pair rate: a burst per recipient, then 131056 until 6 s per message have passed', async () => {
		let clock = 1_000_000;
		const sim = await startSimulator({
			pairRate: { intervalMs: 6000, burst: 3 },
			enforceWindow: false,
			now: () => clock,
		});
		try {
			for (let i = 0; i < 3; i++) expect((await post(sim, text(`msg ${i}`))).status).toBe(200);
			const limited = await post(sim, text('troppi'));
			expect(limited.status).toBe(400);
			expect(limited.json.error.code).toBe(131056);
			expect(limited.json.error.message).toBe(
				'(#131056) (Business Account, Consumer Account) pair rate limit hit',
			);
			expect((await post(sim, text('altro cittadino', '393339999999'))).status).toBe(200);
			clock += 5999;
			expect((await post(sim, text('ancora presto'))).json.error.code).toBe(131056);
			clock += 1;
			expect((await post(sim, text('ora sì'))).status).toBe(200);
		} finally {
			await sim.stop();
		}
	});

	it('24-hour window: 131047 for a citizen who never wrote or wrote over 24 h ago; templates always pass', async () => {
		let clock = Date.UTC(2026, 3, 6, 10);
		const sim = await startSimulator({ pairRate: false, now: () => clock });
		try {
			const never = await post(sim, text('Buongiorno'));
			expect(never.status).toBe(400);
			expect(never.json.error).toMatchObject({
				code: 131047,
				message: '(#131047) Re-engagement message',
			});
			expect((await post(sim, template())).status).toBe(200);
			await sim.citizenSends({
				from: { waId: CITIZEN, name: 'Maria' },
				type: 'text',
				text: 'Salve',
			});
			expect((await post(sim, text('Buongiorno'))).status).toBe(200);
			clock += 24 * 3600 * 1000 + 1;
			expect((await post(sim, text('Ancora?'))).json.error.code).toBe(131047);
			const old = Math.floor(clock / 1000) - 25 * 3600;
			await sim.citizenSends({
				from: { waId: '393330000001' },
				type: 'text',
				text: 'vecchio',
				timestamp: old,
			});
			expect((await post(sim, text('x', '393330000001'))).json.error.code).toBe(131047);
		} finally {
			await sim.stop();
		}
	});

	it('24-hour window in async mode: 200, then a failed status webhook with 131047', async () => {
		const sim = await startSimulator({ windowErrorMode: 'async' });
		try {
			const { status, json } = await post(sim, text('fuori finestra'));
			expect(status).toBe(200);
			const wamid = json.messages[0].id;
			await until(() => sim.outbound()[0]?.status === 'failed');
			await sim.webhooksIdle();
			const failed = sim.webhookDeliveries.find((d) => d.messageIds.includes(wamid));
			const value = JSON.parse(failed!.body).entry[0].changes[0].value;
			expect(value.statuses[0]).toMatchObject({
				id: wamid,
				status: 'failed',
				recipient_id: CITIZEN,
			});
			expect(value.statuses[0].errors[0]).toMatchObject({
				code: 131047,
				title: 'Re-engagement message',
			});
			expect(sim.stats().failedByCode['131047']).toBe(1);
		} finally {
			await sim.stop();
		}
	});
});

describe('Cloud API simulator: injected failures', () => {
	let sim: CloudApiSimulator;
	beforeAll(async () => {
		sim = await startSimulator({ enforceWindow: false, pairRate: false });
	});
	afterAll(() => sim.stop());
	beforeEach(() => sim.reset());

	it('fails once with 500 / 131000, then accepts', async () => {
		sim.injectFailure({ code: 131000 });
		const failed = await post(sim, text('uno'));
		expect(failed.status).toBe(500);
		expect(failed.json.error).toMatchObject({
			code: 131000,
			message: '(#131000) Something went wrong',
		});
		expect((await post(sim, text('due'))).status).toBe(200);
	});

	it('honours to, times, httpStatus and code 190 (401)', async () => {
		sim.injectFailure({ to: '+39 333 1234567', code: 1, httpStatus: 503, times: 2 });
		expect((await post(sim, text('a', '393330000002'))).status).toBe(200);
		expect((await post(sim, text('b'))).status).toBe(503);
		expect((await post(sim, text('c'))).json.error.code).toBe(1);
		expect((await post(sim, text('d'))).status).toBe(200);
		sim.injectFailure({ code: 190 });
		const expired = await post(sim, text('e'));
		expect(expired.status).toBe(401);
		expect(expired.json.error.code).toBe(190);
	});

	it('afterAccepted: the injection waits until that many messages were accepted', async () => {
		sim.injectFailure({ code: 190, times: -1, afterAccepted: 3 });
		const statuses: number[] = [];
		for (let i = 0; i < 5; i++)
			statuses.push((await post(sim, template(`39333000000${i}`))).status);
		expect(statuses).toEqual([200, 200, 200, 401, 401]);
		expect(sim.stats()).toMatchObject({ accepted: 3, rejectedByCode: { '190': 2 } });
		// Injections in order: one that is not due yet is skipped, the next one applies.
		sim.clearFailures();
		sim.injectFailure({ code: 131000, afterAccepted: 10 });
		sim.injectFailure({ code: 131016, times: 1 });
		expect((await post(sim, text('x'))).json.error.code).toBe(131016);
		expect((await post(sim, text('y'))).status).toBe(200);
		// reset() starts the count again
		sim.reset();
		sim.injectFailure({ code: 368, afterAccepted: 1 });
		expect((await post(sim, text('a'))).status).toBe(200);
		const blocked = await post(sim, text('b'));
		expect(blocked.status).toBe(400);
		expect(blocked.json.error.code).toBe(368);
		expect((await post(sim, text('c'))).status).toBe(200);
	});

	it('POST /_sim/failures takes afterAccepted and refuses a bad one', async () => {
		const inject = (body: unknown) =>
			fetch(`${sim.baseUrl}/_sim/failures`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
		for (const bad of [-1, 1.5, '2', null, true, 1e300]) {
			const answer = await inject({ code: 190, afterAccepted: bad });
			expect(answer.status).toBe(400);
			expect(((await answer.json()) as { error: string }).error).toMatch(/afterAccepted/);
		}
		expect((await inject({ code: 190, times: -1, afterAccepted: 2 })).status).toBe(200);
		expect((await post(sim, text('1'))).status).toBe(200);
		expect((await post(sim, text('2'))).status).toBe(200);
		expect((await post(sim, text('3'))).status).toBe(401);
		expect((await fetch(`${sim.baseUrl}/_sim/failures`, { method: 'DELETE' })).status).toBe(200);
		expect((await post(sim, text('4'))).status).toBe(200);
	});

	it('131026 is asynchronous: 200, then a failed status', async () => {
		sim.injectFailure({ to: CITIZEN, code: 131026, times: -1 });
		const { status, json } = await post(sim, text('non arriverà'));
		expect(status).toBe(200);
		const outbound = await sim.waitForOutbound((m) => m.wamid === json.messages[0].id);
		await until(() => outbound.status === 'failed');
		expect((await post(sim, text('di nuovo'))).status).toBe(200);
		sim.clearFailures();
		expect(sim.stats().failedByCode['131026']).toBe(2);
	});
});
