/** Building GeoReport v2 requests: base URL handling, paths, query, the form body of POST requests.json. */
import { Open311Error } from '../../../nodes/core/open311/errors';
import { prepareServiceRequest } from '../../../nodes/core/open311/input';
import {
	buildCreateServiceRequest,
	buildGetServiceDefinition,
	buildGetServiceRequest,
	buildGetToken,
	buildListServiceRequests,
	buildListServices,
	normaliseConfig,
} from '../../../nodes/core/open311/requests';
import type { Open311Config } from '../../../nodes/core/open311/types';

const BASE = 'https://segnala.comune.rimini.it/open311/v2';
const config: Open311Config = { baseUrl: BASE, apiKey: 'k3y-rimini', jurisdictionId: '' };

function thrown(run: () => unknown): Open311Error {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(Open311Error);
		return error as Open311Error;
	}
	throw new Error('expected an Open311Error');
}

describe('normaliseConfig', () => {
	test.each<[string, string]>([
		[BASE, BASE],
		[`${BASE}/`, BASE],
		[`  ${BASE}///  `, BASE],
		[`${BASE}/services.json`, BASE],
		['http://127.0.0.1:5700/open311/v2', 'http://127.0.0.1:5700/open311/v2'],
		['https://segnala.example', 'https://segnala.example'],
	])('%j → %j', (baseUrl, expected) => {
		expect(normaliseConfig({ baseUrl }).baseUrl).toBe(expected);
	});

	test.each<[string, string, RegExp]>([
		['', 'baseUrl', /Base URL is required/],
		['segnala.comune.rimini.it/open311/v2', 'baseUrl', /not an absolute http\(s\) URL/],
		['ftp://segnala.example/v2', 'baseUrl', /not an absolute http\(s\) URL/],
		[`${BASE}?jurisdiction_id=x`, 'baseUrl', /must not have a query or fragment/],
		[`${BASE}#top`, 'baseUrl', /must not have a query or fragment/],
		['https://user:pw@segnala.example/v2', 'baseUrl', /user name or password/],
	])('%j is refused', (baseUrl, field, message) => {
		const error = thrown(() => normaliseConfig({ baseUrl }));
		expect(error.kind).toBe('config');
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
		expect(error.hintIt).toMatch(/credenziale «Open311 API»|nome utente/);
	});

	test('jurisdiction and key are trimmed; empty ones are absent; spaces in a jurisdiction are refused', () => {
		expect(
			normaliseConfig({ baseUrl: BASE, apiKey: ' k ', jurisdictionId: ' comune.rimini.it ' }),
		).toEqual({ baseUrl: BASE, apiKey: 'k', jurisdictionId: 'comune.rimini.it' });
		expect(normaliseConfig({ baseUrl: BASE, apiKey: '', jurisdictionId: '  ' })).toEqual({
			baseUrl: BASE,
		});
		expect(
			thrown(() => normaliseConfig({ baseUrl: BASE, jurisdictionId: 'comune rimini' })).field,
		).toBe('jurisdictionId');
	});
});

describe('GET requests', () => {
	const withJurisdiction = { ...config, jurisdictionId: 'comune.rimini.it' };

	test.each<[string, () => ReturnType<typeof buildListServices>, string]>([
		['services', () => buildListServices(config), `${BASE}/services.json`],
		[
			'services with jurisdiction',
			() => buildListServices(withJurisdiction),
			`${BASE}/services.json?jurisdiction_id=comune.rimini.it`,
		],
		[
			'definition',
			() => buildGetServiceDefinition(config, 'illuminazione'),
			`${BASE}/services/illuminazione.json`,
		],
		[
			'definition, code escaped',
			() => buildGetServiceDefinition(config, ' a/b?c '),
			`${BASE}/services/a%2Fb%3Fc.json`,
		],
		[
			'one request',
			() => buildGetServiceRequest(config, '2026001'),
			`${BASE}/requests/2026001.json`,
		],
		[
			'one request, numeric id',
			() => buildGetServiceRequest(config, 638344 as never),
			`${BASE}/requests/638344.json`,
		],
		[
			'token with jurisdiction',
			() => buildGetToken(withJurisdiction, 'ab cd'),
			`${BASE}/tokens/ab%20cd.json?jurisdiction_id=comune.rimini.it`,
		],
		['all requests', () => buildListServiceRequests(config), `${BASE}/requests.json`],
		[
			'filtered requests',
			() =>
				buildListServiceRequests(withJurisdiction, {
					serviceCodes: 'buche,illuminazione',
					status: ['open'],
					startDate: '2026-03-01T00:00:00',
					endDate: '2026-03-31T23:59:59+02:00',
				}),
			`${BASE}/requests.json?jurisdiction_id=comune.rimini.it&service_code=buche%2Cilluminazione&start_date=2026-02-28T23%3A00%3A00Z&end_date=2026-03-31T21%3A59%3A59Z&status=open`,
		],
		[
			'ids override every other filter',
			() => buildListServiceRequests(config, { serviceRequestIds: '1, 2', status: 'open' }),
			`${BASE}/requests.json?service_request_id=1%2C2`,
		],
	])('%s', (_label, build, url) => {
		const request = build();
		expect(request).toEqual({ method: 'GET', url, headers: { Accept: 'application/json' } });
	});

	test.each<[string, () => unknown, string]>([
		['an empty service code', () => buildGetServiceDefinition(config, ' '), 'serviceCode'],
		['a dot-dot request id', () => buildGetServiceRequest(config, '..'), 'serviceRequestId'],
		['an empty token', () => buildGetToken(config, ''), 'token'],
	])('%s is refused', (_label, build, field) => {
		const error = thrown(build);
		expect(error.kind).toBe('input');
		expect(error.field).toBe(field);
	});

	test('a bad base URL is refused before anything else', () => {
		expect(thrown(() => buildListServices({ baseUrl: 'nope' })).kind).toBe('config');
	});
});

describe('POST requests.json', () => {
	test("the form follows the spec's example: api_key, jurisdiction, fields, attributes", () => {
		const prepared = prepareServiceRequest({
			serviceCode: 'rifiuti',
			lat: 44.0594,
			long: 12.5683,
			addressString: 'Via Roma 1, Rimini',
			email: 'maria@example.it',
			firstName: 'Maria',
			lastName: 'Rossi',
			phone: '+39 333 1234567',
			description: 'Sacchi abbandonati & vetro',
			mediaUrl: 'https://example.it/a.jpg?x=1&y=2',
			attributes: [
				{ code: 'tipo_rifiuto', value: 'vetro' },
				{ code: 'tipo_rifiuto', value: 'carta' },
				{ code: 'quantita', value: 3 },
			],
		});
		const request = buildCreateServiceRequest(
			{ ...config, jurisdictionId: 'comune.rimini.it' },
			prepared,
		);
		expect(request.method).toBe('POST');
		expect(request.url).toBe(`${BASE}/requests.json`);
		expect(request.headers).toEqual({
			Accept: 'application/json',
			'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
		});
		expect([...new URLSearchParams(request.body)]).toEqual([
			['api_key', 'k3y-rimini'],
			['jurisdiction_id', 'comune.rimini.it'],
			['service_code', 'rifiuti'],
			['lat', '44.0594'],
			['long', '12.5683'],
			['address_string', 'Via Roma 1, Rimini'],
			['email', 'maria@example.it'],
			['first_name', 'Maria'],
			['last_name', 'Rossi'],
			['phone', '+39 333 1234567'],
			['description', 'Sacchi abbandonati & vetro'],
			['media_url', 'https://example.it/a.jpg?x=1&y=2'],
			['attribute[tipo_rifiuto][]', 'vetro'],
			['attribute[tipo_rifiuto][]', 'carta'],
			['attribute[quantita]', '3'],
		]);
		expect(request.url).not.toContain('k3y');
	});

	test('UTF-8 and line breaks survive the form encoding', () => {
		const prepared = prepareServiceRequest({
			serviceCode: 'altro',
			addressString: 'Piazzale Fellini',
			description: 'Perché?\nÈ così 😀',
		});
		const body = buildCreateServiceRequest(config, prepared).body!;
		expect(body).toContain('description=Perch%C3%A9%3F%0A%C3%88+cos%C3%AC+%F0%9F%98%80');
		expect(new URLSearchParams(body).get('description')).toBe('Perché?\nÈ così 😀');
	});

	test('no API key: refused as a credential setting, nothing built', () => {
		const prepared = prepareServiceRequest({ serviceCode: 'altro', addressString: 'x' });
		const error = thrown(() => buildCreateServiceRequest({ baseUrl: BASE, apiKey: ' ' }, prepared));
		expect(error.kind).toBe('config');
		expect(error.field).toBe('apiKey');
		expect(error.hintIt).toMatch(/API Key/);
	});
});
