/**
 * The Open311 simulator over real HTTP with fetch, checked against GeoReport v2 (wiki.open311.org/
 * GeoReport_v2): the six methods, the error array with 400/403/404, the location and attribute rules,
 * batch tokens, the 90-day / 1,000-request window, jurisdictions, and the failures it can fake.
 */
import {
	RIMINI_SERVICES,
	startOpen311Simulator,
	type Open311Simulator,
	type Open311SimulatorOptions,
} from '../../../dev/simulators/open311/server';

const API_KEY = 'simulator-dummy-key';
const START = Date.parse('2026-03-02T09:00:00Z');
const DAY = 86_400_000;

let clock = START;
let sim: Open311Simulator;

async function start(options: Partial<Open311SimulatorOptions> = {}): Promise<Open311Simulator> {
	return await startOpen311Simulator({
		apiKey: API_KEY,
		now: () => clock,
		tokenDelayMs: 1000,
		...options,
	});
}

interface Reply {
	status: number;
	headers: Headers;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

async function reply(response: Response): Promise<Reply> {
	const text = await response.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

async function get(path: string, server = sim): Promise<Reply> {
	return await reply(await fetch(`${server.baseUrl}/${path}`));
}

type Form = Array<[string, string]> | Record<string, string>;

async function post(
	form: Form,
	options: { contentType?: string; path?: string; server?: Open311Simulator } = {},
): Promise<Reply> {
	const server = options.server ?? sim;
	return await reply(
		await fetch(`${server.baseUrl}/${options.path ?? 'requests.json'}`, {
			method: 'POST',
			headers: {
				'Content-Type': options.contentType ?? 'application/x-www-form-urlencoded; charset=utf-8',
			},
			body: new URLSearchParams(form).toString(),
		}),
	);
}

const pothole = { api_key: API_KEY, service_code: 'buche', lat: '44.0594', long: '12.5683' };

beforeAll(async () => {
	sim = await start();
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => {
	sim.reset();
	clock = START;
});

describe('services', () => {
	test('services.json lists Rimini services as the spec describes them', async () => {
		const { status, headers, json } = await get('services.json');
		expect(status).toBe(200);
		expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(json.map((service: { service_code: string }) => service.service_code)).toEqual([
			'buche',
			'illuminazione',
			'rifiuti',
			'verde',
			'altro',
		]);
		expect(json[1]).toEqual({
			service_code: 'illuminazione',
			service_name: 'Illuminazione pubblica',
			description: 'Lampioni spenti, intermittenti, accesi di giorno o danneggiati',
			metadata: true,
			type: 'realtime',
			keywords: 'lampione, luce, illuminazione, palo',
			group: 'Strade e mobilità',
		});
		expect(json.map((service: { type: string }) => service.type)).toEqual([
			'realtime',
			'realtime',
			'batch',
			'blackbox',
			'realtime',
		]);
		expect(json[0].metadata).toBe(false);
	});

	test('services/{code}.json gives the attributes; an unknown code is a 404 error array', async () => {
		const { status, json } = await get('services/illuminazione.json');
		expect(status).toBe(200);
		expect(json.service_code).toBe('illuminazione');
		expect(json.attributes[0]).toEqual({
			variable: true,
			code: 'numero_palo',
			datatype: 'string',
			required: false,
			datatype_description: 'Per esempio RN-01234',
			order: 1,
			description: 'Numero del palo (targhetta sul palo), se visibile',
		});
		expect(json.attributes[1]).toMatchObject({
			code: 'tipo_guasto',
			datatype: 'singlevaluelist',
			required: true,
			values: expect.arrayContaining([{ key: 'spento', name: 'Lampione spento' }]),
		});
		expect((await get('services/buche.json')).json).toEqual({
			service_code: 'buche',
			attributes: [],
		});
		const unknown = await get('services/fontane.json');
		expect(unknown.status).toBe(404);
		expect(unknown.json).toEqual([
			{ code: 404, description: 'service_code fontane was not found' },
		]);
	});

	test('formats and paths: .xml is 400 (JSON only), unknown paths 404, wrong methods 405', async () => {
		const xml = await get('services.xml');
		expect(xml.status).toBe(400);
		expect(xml.json[0].description).toMatch(
			/Format xml is not supported: this endpoint answers JSON only/,
		);
		expect((await get('services')).status).toBe(404);
		expect((await get('nothing.json')).status).toBe(404);
		expect((await reply(await fetch(`${sim.pageUrl}elsewhere`))).status).toBe(404);
		const wrong = await post({}, { path: 'services.json' });
		expect(wrong.status).toBe(405);
		expect(wrong.headers.get('allow')).toBe('GET');
		const remove = await reply(await fetch(`${sim.baseUrl}/requests.json`, { method: 'DELETE' }));
		expect(remove.status).toBe(405);
		expect(remove.headers.get('allow')).toBe('GET, POST');
	});
});

describe('POST requests.json', () => {
	test('a realtime service answers [{ service_request_id, service_notice, account_id }]', async () => {
		const created = await post({
			...pothole,
			address_string: 'Via Flaminia 10, Rimini',
			email: 'maria@example.it',
			first_name: 'Maria',
			last_name: 'Rossi',
			phone: '+39 333 1234567',
			description: 'Buca profonda\nvicino alla fermata',
			media_url: 'https://example.it/buca.jpg',
		});
		expect(created.status).toBe(200);
		expect(created.json).toEqual([
			{
				service_request_id: '2026001',
				service_notice: RIMINI_SERVICES[0].service_notice,
				account_id: null,
			},
		]);
		const [stored] = sim.requests();
		expect(stored).toMatchObject({
			service_request_id: '2026001',
			service_code: 'buche',
			status: 'open',
			lat: 44.0594,
			long: 12.5683,
			address: 'Via Flaminia 10, Rimini',
			description: 'Buca profonda\nvicino alla fermata',
			first_name: 'Maria',
			email: 'maria@example.it',
			requested_datetime: '2026-03-02T09:00:00Z',
			expected_datetime: '2026-03-17T09:00:00Z',
		});
		const one = await get('requests/2026001.json');
		expect(one.status).toBe(200);
		expect(one.json).toEqual([
			{
				service_request_id: '2026001',
				status: 'open',
				status_notes: null,
				service_name: 'Buche e dissesti stradali',
				service_code: 'buche',
				description: 'Buca profonda\nvicino alla fermata',
				agency_responsible: 'Direzione Lavori Pubblici',
				service_notice: RIMINI_SERVICES[0].service_notice,
				requested_datetime: '2026-03-02T09:00:00Z',
				updated_datetime: '2026-03-02T09:00:00Z',
				expected_datetime: '2026-03-17T09:00:00Z',
				address: 'Via Flaminia 10, Rimini',
				address_id: null,
				zipcode: null,
				lat: 44.0594,
				long: 12.5683,
				media_url: 'https://example.it/buca.jpg',
			},
		]);
		expect(one.text).not.toMatch(/maria|Rossi|333/i);
	});

	test('the API key: missing or wrong → 403 with the error array; never recorded', async () => {
		const missing = await post({ service_code: 'buche', lat: '44', long: '12' });
		expect(missing.status).toBe(403);
		expect(missing.json).toEqual([
			{ code: 403, description: "api_key was not provided -- can't proceed with create_request." },
		]);
		const wrong = await post({ ...pothole, api_key: 'nope' });
		expect(wrong.status).toBe(403);
		expect(wrong.json).toEqual([
			{ code: 403, description: "Invalid api_key received -- can't proceed with create_request." },
		]);
		expect(sim.received.map((call) => call.apiKey)).toEqual(['missing', 'invalid']);
		expect(JSON.stringify(sim.received)).not.toContain('nope');
		await post(pothole);
		expect(sim.received[2].apiKey).toBe('valid');
		expect(JSON.stringify(sim.received)).not.toContain(API_KEY);
		expect(sim.requests()).toHaveLength(1);
	});

	test('a body that is not a form is refused', async () => {
		const json = await reply(
			await fetch(`${sim.baseUrl}/requests.json`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(pothole),
			}),
		);
		expect(json.status).toBe(400);
		expect(json.json[0].description).toMatch(/application\/x-www-form-urlencoded/);
	});

	test.each<[string, Record<string, string>, number, RegExp]>([
		[
			'no service_code',
			{ api_key: API_KEY, lat: '44', long: '12' },
			400,
			/service_code was not provided/,
		],
		[
			'an unknown service_code',
			{ ...pothole, service_code: 'fontane' },
			404,
			/service_code fontane was not found/,
		],
		['no location', { api_key: API_KEY, service_code: 'buche' }, 400, /A location is required/],
		[
			'lat without long',
			{ api_key: API_KEY, service_code: 'buche', lat: '44' },
			400,
			/lat and long must be sent together/,
		],
		['a latitude out of range', { ...pothole, lat: '144' }, 400, /lat 144 is not a latitude/],
		['a longitude that is text', { ...pothole, long: 'est' }, 400, /long est is not a longitude/],
		['HTML in the description', { ...pothole, description: 'a <b>b</b>' }, 400, /not html or code/],
		['a bad email', { ...pothole, email: 'maria' }, 400, /email maria is not valid/],
		[
			'a relative media_url',
			{ ...pothole, media_url: '/a.jpg' },
			400,
			/media_url \/a.jpg is not an absolute http\(s\) URL/,
		],
		['a repeated field', { ...pothole }, 400, /service_code was given more than once/],
	])('%s is refused', async (label, form, status, message) => {
		const fields: Array<[string, string]> = Object.entries(form);
		if (label === 'a repeated field') fields.push(['service_code', 'altro']);
		const answer = await post(fields);
		expect(answer.status).toBe(status);
		expect(answer.json).toEqual(
			expect.arrayContaining([{ code: status, description: expect.stringMatching(message) }]),
		);
		expect(sim.requests()).toHaveLength(0);
	});

	test('an address_string or an address_id alone is a location', async () => {
		expect(
			(await post({ api_key: API_KEY, service_code: 'altro', address_string: 'Piazza Cavour' }))
				.status,
		).toBe(200);
		expect(
			(await post({ api_key: API_KEY, service_code: 'altro', address_id: '545483' })).status,
		).toBe(200);
	});

	test('the description: 4,000 characters (code points) pass, 4,001 do not', async () => {
		expect((await post({ ...pothole, description: '😀'.repeat(4000) })).status).toBe(200);
		const long = await post({ ...pothole, description: 'x'.repeat(4001) });
		expect(long.status).toBe(400);
		expect(long.json[0].description).toBe(
			'description has 4001 characters; it is limited to 4,000 characters',
		);
	});

	test('attributes: required ones, list options, unknown codes; every problem in one array', async () => {
		const lamp = { api_key: API_KEY, service_code: 'illuminazione', lat: '44.06', long: '12.57' };
		const missing = await post(lamp);
		expect(missing.status).toBe(400);
		expect(missing.json).toEqual([
			{
				code: 400,
				description: 'attribute tipo_guasto is required for service_code illuminazione',
			},
		]);
		const several = await post({
			...lamp,
			'attribute[tipo_guasto]': 'rotto',
			'attribute[colore]': 'rosso',
			description: '<i>x</i>',
		});
		expect(several.status).toBe(400);
		expect(several.json.map((entry: { description: string }) => entry.description)).toEqual([
			'description may contain line breaks, but not html or code',
			'attribute tipo_guasto: rotto is not one of its values',
			'attribute colore is not defined for service_code illuminazione',
		]);
		const ok = await post({
			...lamp,
			'attribute[tipo_guasto]': 'spento',
			'attribute[numero_palo]': 'RN-01234',
		});
		expect(ok.status).toBe(200);
		expect(sim.requests()[0].attributes).toEqual({
			tipo_guasto: 'spento',
			numero_palo: 'RN-01234',
		});
	});

	test('multivaluelist values come as attribute[code][]; numbers are checked', async () => {
		const waste = { api_key: API_KEY, service_code: 'rifiuti', address_string: 'Via Roma 1' };
		const ok = await post([
			...Object.entries(waste),
			['attribute[tipo_rifiuto][]', 'vetro'],
			['attribute[tipo_rifiuto][]', 'carta'],
			['attribute[quantita]', '3'],
		]);
		expect(ok.status).toBe(200);
		expect(sim.requests()[0].attributes).toEqual({
			tipo_rifiuto: ['vetro', 'carta'],
			quantita: '3',
		});
		expect(sim.received[0].form).toEqual({
			service_code: 'rifiuti',
			address_string: 'Via Roma 1',
			'attribute[tipo_rifiuto][]': ['vetro', 'carta'],
			'attribute[quantita]': '3',
		});
		const bad = await post([
			...Object.entries(waste),
			['attribute[tipo_rifiuto][]', 'plastica'],
			['attribute[quantita]', 'tanti'],
			['attribute[avviso_privacy]', 'x'],
		]);
		expect(bad.json.map((entry: { description: string }) => entry.description)).toEqual([
			'attribute tipo_rifiuto: plastica is not one of its values',
			'attribute quantita must be a number',
			'attribute avviso_privacy is not defined for service_code rifiuti',
		]);
		const mixed = await post([
			...Object.entries(waste),
			['attribute[tipo_rifiuto]', 'vetro'],
			['attribute[tipo_rifiuto][]', 'carta'],
		]);
		expect(mixed.json[0].description).toMatch(
			/both as attribute\[tipo_rifiuto\] and attribute\[tipo_rifiuto\]\[\]/,
		);
	});

	test('a batch service answers a token; tokens/{token}.json gives the id once processed', async () => {
		const created = await post({
			api_key: API_KEY,
			service_code: 'rifiuti',
			lat: '44.06',
			long: '12.57',
		});
		expect(created.status).toBe(200);
		expect(created.json).toEqual([
			{ token: expect.any(String), service_notice: RIMINI_SERVICES[2].service_notice },
		]);
		expect(created.json[0].service_request_id).toBeUndefined();
		const token = created.json[0].token as string;
		const pending = await get(`tokens/${token}.json`);
		expect(pending.status).toBe(200);
		expect(pending.json).toEqual([{ token }]);
		expect((await get('requests/2026001.json')).status).toBe(404);
		expect((await get('requests.json')).json).toEqual([]);
		clock += 1000;
		expect((await get(`tokens/${token}.json`)).json).toEqual([
			{ service_request_id: '2026001', token },
		]);
		expect((await get('requests/2026001.json')).json[0].service_code).toBe('rifiuti');
		const unknown = await get('tokens/nope.json');
		expect(unknown.status).toBe(404);
		expect(unknown.json).toEqual([{ code: 404, description: 'token nope was not found' }]);
	});

	test('a blackbox service answers neither id nor token', async () => {
		const created = await post({
			api_key: API_KEY,
			service_code: 'verde',
			address_string: 'Parco Marecchia',
		});
		expect(created.json).toEqual([{ service_notice: RIMINI_SERVICES[3].service_notice }]);
		expect(sim.requests()).toHaveLength(1);
	});

	test('a body over the limit is 413', async () => {
		const small = await start({ maxBodyBytes: 1000 });
		try {
			const answer = await post({ ...pothole, description: 'x'.repeat(2000) }, { server: small });
			expect(answer.status).toBe(413);
			expect(answer.json[0].code).toBe(413);
		} finally {
			await small.stop();
		}
	});
});

describe('GET requests', () => {
	async function create(code = 'buche', extra: Record<string, string> = {}): Promise<string> {
		const answer = await post({ ...pothole, service_code: code, ...extra });
		return answer.json[0].service_request_id as string;
	}

	test('requests.json: newest first, filtered by service_code and status; ids override the rest', async () => {
		const first = await create('buche');
		clock += 60_000;
		const second = await create('altro');
		clock += 60_000;
		const third = await create('buche');
		sim.closeRequest(third, 'Riparata');
		const all = await get('requests.json');
		expect(
			all.json.map((request: { service_request_id: string }) => request.service_request_id),
		).toEqual([third, second, first]);
		expect(all.json[0]).toMatchObject({
			status: 'closed',
			status_notes: 'Riparata',
			updated_datetime: '2026-03-02T09:02:00Z',
		});
		const ids = (reply: Reply) =>
			reply.json.map((request: { service_request_id: string }) => request.service_request_id);
		expect(ids(await get('requests.json?service_code=buche'))).toEqual([third, first]);
		expect(ids(await get('requests.json?service_code=buche,altro&status=open'))).toEqual([
			second,
			first,
		]);
		expect(ids(await get('requests.json?status=closed'))).toEqual([third]);
		expect(
			ids(
				await get(
					`requests.json?service_request_id=${first},${third}&status=open&service_code=altro`,
				),
			),
		).toEqual([third, first]);
	});

	test('dates: the last 90 days by default; ranges up to 90 days; w3 format with timezone', async () => {
		const old = await create();
		clock += 91 * DAY;
		const recent = await create();
		const ids = (reply: Reply) =>
			reply.json.map((request: { service_request_id: string }) => request.service_request_id);
		expect(ids(await get('requests.json'))).toEqual([recent]);
		expect(
			ids(
				await get(
					'requests.json?start_date=2026-03-01T00:00:00Z&end_date=2026-03-03T00:00:00%2B01:00',
				),
			),
		).toEqual([old]);
		expect(ids(await get('requests.json?start_date=2026-03-01T00:00:00Z'))).toEqual([old]);
		expect(ids(await get('requests.json?end_date=2026-06-02T10:00:00Z'))).toEqual([recent]);
		const wide = await get(
			'requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z',
		);
		expect(wide.status).toBe(400);
		expect(wide.json[0].description).toMatch(/may not span more than 90 days/);
		const noZone = await get('requests.json?start_date=2026-03-01T00:00:00');
		expect(noZone.status).toBe(400);
		expect(noZone.json[0].description).toMatch(/w3 date-time with timezone/);
		const reversed = await get(
			'requests.json?start_date=2026-03-02T00:00:00Z&end_date=2026-03-01T00:00:00Z',
		);
		expect(reversed.json[0].description).toBe('end_date is before start_date');
		const status = await get('requests.json?status=pending');
		expect(status.status).toBe(400);
		expect(status.json[0].description).toBe('status pending is not one of open, closed');
	});

	test('at most 1,000 requests are returned', async () => {
		for (let index = 0; index < 1001; index++) await create('altro');
		const all = await get('requests.json');
		expect(all.json).toHaveLength(1000);
		expect(all.json[0].service_request_id).toBe('2027001');
	}, 60_000);

	test('requests/{id}.json of an unknown id is a 404 error array', async () => {
		const answer = await get('requests/999.json');
		expect(answer.status).toBe(404);
		expect(answer.json).toEqual([
			{ code: 404, description: 'service_request_id 999 was not found' },
		]);
	});
});

describe('jurisdictions', () => {
	let multi: Open311Simulator;
	beforeAll(async () => {
		multi = await start({ jurisdictionId: 'comune.rimini.it' });
	});
	afterAll(async () => {
		await multi.stop();
	});

	test('every call needs the jurisdiction_id: missing → 400, another → 404', async () => {
		const missing = await get('services.json', multi);
		expect(missing.status).toBe(400);
		expect(missing.json).toEqual([{ code: 400, description: 'jurisdiction_id was not provided' }]);
		const other = await get('requests.json?jurisdiction_id=comune.riccione.rn.it', multi);
		expect(other.status).toBe(404);
		expect(other.json[0].description).toBe('jurisdiction_id comune.riccione.rn.it was not found');
		expect((await get('services.json?jurisdiction_id=comune.rimini.it', multi)).status).toBe(200);
		expect((await post(pothole, { server: multi })).status).toBe(400);
		const created = await post(
			{ ...pothole, jurisdiction_id: 'comune.rimini.it' },
			{ server: multi },
		);
		expect(created.status).toBe(200);
		expect(multi.requests()[0].jurisdiction_id).toBe('comune.rimini.it');
	});
});

describe('faked failures and the page', () => {
	test('setDown answers every API call with that status and an HTML page, until cleared', async () => {
		sim.setDown(503);
		const down = await get('services.json');
		expect(down.status).toBe(503);
		expect(down.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(down.text).toMatch(/<h1>503 Service Temporarily Unavailable<\/h1>/);
		expect((await post(pothole)).status).toBe(503);
		expect(sim.requests()).toHaveLength(0);
		const page = await reply(await fetch(sim.pageUrl));
		expect(page.status).toBe(200);
		expect(page.text).toMatch(/risponde 503 a ogni chiamata/);
		sim.setDown(false);
		expect((await get('services.json')).status).toBe(200);
	});

	test('injectError answers the matching calls, then stops', async () => {
		sim.injectError({ method: 'POST', path: 'requests.json', status: 500, times: 2 });
		sim.injectError({ path: /^tokens\//, status: 200, body: '<html>login</html>' });
		expect((await get('services.json')).status).toBe(200);
		const first = await post(pothole);
		expect(first.status).toBe(500);
		expect(first.json).toEqual([{ code: 500, description: 'Injected failure of the simulator' }]);
		expect((await post(pothole)).status).toBe(500);
		expect((await post(pothole)).status).toBe(200);
		const token = await get('tokens/x.json');
		expect(token.status).toBe(200);
		expect(token.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(token.text).toBe('<html>login</html>');
		expect((await get('tokens/x.json')).status).toBe(404);
		sim.injectError({ status: 502, body: { not: 'an array' } });
		sim.clearInjectedErrors();
		expect((await get('services.json')).status).toBe(200);
	});

	test('the page at / lists what arrived, in Italian, escaped', async () => {
		await post({ ...pothole, first_name: '<b>Maria</b>', description: 'Buca & pericolo' });
		const page = await reply(await fetch(sim.pageUrl));
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(page.text).toContain('<title>Segnala – simulatore Open311</title>');
		expect(page.text).toContain('Segnalazioni ricevute (1)');
		expect(page.text).toContain('2026001');
		expect(page.text).toContain('Buca &amp; pericolo');
		expect(page.text).toContain('&lt;b&gt;Maria&lt;/b&gt;');
		expect(page.text).not.toContain('<b>Maria</b>');
		expect(page.text).not.toContain(API_KEY);
	});
});
