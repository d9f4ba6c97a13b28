/**
 * The core client end to end: real HTTP with fetch against the Open311 simulator (an independent
 * implementation of GeoReport v2), plus scripted transports for what a simulator cannot easily do.
 * Whatever happens, only Open311Error comes out, and never the API key.
 */
import {
	startOpen311Simulator,
	type Open311Simulator,
} from '../../../dev/simulators/open311/server';
import {
	createServiceRequest,
	getServiceDefinition,
	getServiceRequest,
	listServiceRequests,
	listServices,
	resolveToken,
} from '../../../nodes/core/open311/client';
import { Open311Error } from '../../../nodes/core/open311/errors';
import type { Open311Config } from '../../../nodes/core/open311/types';
import { fetchTransport, RIMINI, scriptedTransport } from './helpers';

const API_KEY = 'client-test-dummy-key';
let sim: Open311Simulator;
let config: Open311Config;

beforeAll(async () => {
	sim = await startOpen311Simulator({ apiKey: API_KEY, tokenDelayMs: 60 });
	config = { baseUrl: `${sim.baseUrl}/`, apiKey: API_KEY };
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => sim.reset());

async function rejection(promise: Promise<unknown>): Promise<Open311Error> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(Open311Error);
		expect(
			JSON.stringify({ ...(error as object), message: (error as Error).message }),
		).not.toContain(API_KEY);
		return error as Open311Error;
	}
	throw new Error('expected an Open311Error');
}

const noWait = { sleep: async () => undefined };

describe('reading the portal', () => {
	test('services, a definition, a request and a filtered list', async () => {
		const services = await listServices(fetchTransport, config);
		expect(services.map((service) => `${service.serviceCode}:${service.type}`)).toEqual([
			'buche:realtime',
			'illuminazione:realtime',
			'rifiuti:batch',
			'verde:blackbox',
			'altro:realtime',
		]);
		const definition = await getServiceDefinition(fetchTransport, config, 'illuminazione');
		expect(definition.attributes.map((attribute) => [attribute.code, attribute.required])).toEqual([
			['numero_palo', false],
			['tipo_guasto', true],
		]);
		const created = await createServiceRequest(fetchTransport, config, {
			serviceCode: 'buche',
			...RIMINI,
			description: 'Buca',
		});
		const request = await getServiceRequest(fetchTransport, config, created.serviceRequestId!);
		expect(request).toMatchObject({
			serviceRequestId: created.serviceRequestId,
			status: 'open',
			serviceCode: 'buche',
			latitude: 44.0594,
			longitude: 12.5683,
			description: 'Buca',
		});
		const list = await listServiceRequests(fetchTransport, config, {
			serviceCodes: ['buche'],
			status: 'open',
		});
		expect(list.map((entry) => entry.serviceRequestId)).toEqual([created.serviceRequestId]);
		expect(await listServiceRequests(fetchTransport, config, { status: 'closed' })).toEqual([]);
	});

	test('unknown things are notFound with the Italian hint of the operation', async () => {
		const service = await rejection(getServiceDefinition(fetchTransport, config, 'fontane'));
		expect(service).toMatchObject({
			kind: 'notFound',
			httpStatus: 404,
			operation: 'getServiceDefinition',
		});
		expect(service.message).toBe(
			'The portal does not know this service code or jurisdiction (HTTP 404 Not Found): service_code fontane was not found',
		);
		const request = await rejection(getServiceRequest(fetchTransport, config, '999'));
		expect(request.hintIt).toMatch(/Nessuna segnalazione con questo numero/);
		const token = await rejection(resolveToken(fetchTransport, config, 'nope'));
		expect(token.hintIt).toMatch(/codice provvisorio/);
	});

	test('a jurisdiction in the config goes with every call', async () => {
		const multi = await startOpen311Simulator({
			apiKey: API_KEY,
			jurisdictionId: 'comune.rimini.it',
		});
		try {
			const bare = await rejection(listServices(fetchTransport, { baseUrl: multi.baseUrl }));
			expect(bare.kind).toBe('rejected');
			const withId = {
				baseUrl: multi.baseUrl,
				apiKey: API_KEY,
				jurisdictionId: 'comune.rimini.it',
			};
			expect(await listServices(fetchTransport, withId)).toHaveLength(5);
			const created = await createServiceRequest(fetchTransport, withId, {
				serviceCode: 'altro',
				addressString: 'Piazza Cavour',
			});
			expect(created.serviceRequestId).toBeDefined();
		} finally {
			await multi.stop();
		}
	});
});

describe('createServiceRequest', () => {
	test('realtime: the id, the notice and what was sent (without the key)', async () => {
		const result = await createServiceRequest(fetchTransport, config, {
			serviceCode: 'illuminazione',
			lat: '44,0594',
			long: '12.5683',
			description: '<p>Lampione spento</p>',
			firstName: 'Maria',
			attributes: [{ code: 'tipo_guasto', value: 'spento' }],
		});
		expect(result).toEqual({
			serviceRequestId: '2026001',
			serviceNotice:
				"Segnalazione inoltrata al gestore dell'illuminazione pubblica: l'intervento è previsto entro 7 giorni.",
			pending: false,
			tokenChecks: 0,
			submitted: {
				serviceCode: 'illuminazione',
				description: 'Lampione spento',
				descriptionTruncated: false,
				lat: 44.0594,
				long: 12.5683,
				firstName: 'Maria',
				attributes: { tipo_guasto: 'spento' },
			},
		});
		expect(sim.requests()[0]).toMatchObject({
			description: 'Lampione spento',
			first_name: 'Maria',
		});
		expect(JSON.stringify(result)).not.toContain(API_KEY);
	});

	test('batch: the token is polled until the portal gives the id', async () => {
		const result = await createServiceRequest(
			fetchTransport,
			config,
			{ serviceCode: 'rifiuti', ...RIMINI, attributes: { tipo_rifiuto: ['vetro', 'carta'] } },
			{ pollToken: { attempts: 20, intervalMs: 20 } },
		);
		expect(result.pending).toBe(false);
		expect(result.serviceRequestId).toBe('2026001');
		expect(result.token).toEqual(expect.any(String));
		expect(result.tokenChecks).toBeGreaterThanOrEqual(2);
		expect(sim.received.filter((call) => call.path.startsWith('tokens/'))).toHaveLength(
			result.tokenChecks,
		);
		expect(sim.requests()[0].attributes).toEqual({ tipo_rifiuto: ['vetro', 'carta'] });
	});

	test('batch without polling, or when polling runs out: pending with the token', async () => {
		const unpolled = await createServiceRequest(fetchTransport, config, {
			serviceCode: 'rifiuti',
			...RIMINI,
		});
		expect(unpolled).toMatchObject({ pending: true, tokenChecks: 0 });
		expect(unpolled.serviceRequestId).toBeUndefined();
		const shortPoll = await createServiceRequest(
			fetchTransport,
			config,
			{ serviceCode: 'rifiuti', ...RIMINI },
			{ pollToken: { attempts: 2, intervalMs: 0 } },
		);
		expect(shortPoll).toMatchObject({ pending: true, tokenChecks: 2 });
		await new Promise((resolve) => setTimeout(resolve, 80));
		expect(await resolveToken(fetchTransport, config, unpolled.token!)).toEqual({
			token: unpolled.token,
			serviceRequestId: '2026001',
		});
	});

	test('token checks that fail do not fail the creation; a broken answer stops them', async () => {
		sim.injectError({ path: /^tokens\//, status: 503, times: 1 });
		const retried = await createServiceRequest(
			fetchTransport,
			config,
			{ serviceCode: 'rifiuti', ...RIMINI },
			{ pollToken: { attempts: 30, intervalMs: 10 } },
		);
		expect(retried.pending).toBe(false);
		expect(retried.tokenCheckError).toBeUndefined();

		sim.injectError({ path: /^tokens\//, status: 200, body: '<html>Accesso</html>', times: 5 });
		const broken = await createServiceRequest(
			fetchTransport,
			config,
			{ serviceCode: 'rifiuti', ...RIMINI },
			{ pollToken: { attempts: 5, intervalMs: 0 } },
		);
		expect(broken).toMatchObject({ pending: true, tokenChecks: 1 });
		expect(broken.tokenCheckError).toMatch(/HTML page instead of JSON/);
	});

	test('blackbox: accepted, neither id nor token, not pending', async () => {
		const result = await createServiceRequest(fetchTransport, config, {
			serviceCode: 'verde',
			addressString: 'Parco XXV Aprile',
		});
		expect(result.serviceRequestId).toBeUndefined();
		expect(result.token).toBeUndefined();
		expect(result.pending).toBe(false);
		expect(result.serviceNotice).toMatch(/Ufficio Verde/);
	});

	test('bad fields or poll settings are refused before any request', async () => {
		const error = await rejection(
			createServiceRequest(fetchTransport, config, { serviceCode: 'buche', lat: 44 }),
		);
		expect(error).toMatchObject({ kind: 'input', field: 'long' });
		const poll = await rejection(
			createServiceRequest(
				fetchTransport,
				config,
				{ serviceCode: 'buche', ...RIMINI },
				{
					pollToken: { attempts: 61, intervalMs: 0 },
				},
			),
		);
		expect(poll.field).toBe('pollToken.attempts');
		const noKey = await rejection(
			createServiceRequest(
				fetchTransport,
				{ baseUrl: sim.baseUrl },
				{ serviceCode: 'buche', ...RIMINI },
			),
		);
		expect(noKey).toMatchObject({ kind: 'config', field: 'apiKey' });
		expect(sim.received).toHaveLength(0);
	});

	test('checkDefinition: a missing required attribute stops before the POST', async () => {
		const error = await rejection(
			createServiceRequest(
				fetchTransport,
				config,
				{ serviceCode: 'illuminazione', ...RIMINI },
				{ checkDefinition: true },
			),
		);
		expect(error).toMatchObject({ kind: 'input', field: 'attributes' });
		expect(error.hintIt).toMatch(/richiede l'attributo «tipo_guasto» \(Che cosa non funziona\?\)/);
		expect(sim.received.map((call) => `${call.method} ${call.path}`)).toEqual([
			'GET services/illuminazione.json',
		]);
		const byName = await createServiceRequest(
			fetchTransport,
			config,
			{ serviceCode: 'illuminazione', ...RIMINI, attributes: { tipo_guasto: 'Acceso di giorno' } },
			{ checkDefinition: true },
		);
		expect(byName.submitted.attributes).toEqual({ tipo_guasto: 'acceso_giorno' });
	});

	test('checkDefinition: without a definition (404) the portal decides', async () => {
		const error = await rejection(
			createServiceRequest(
				fetchTransport,
				config,
				{ serviceCode: 'fontane', ...RIMINI },
				{ checkDefinition: true },
			),
		);
		expect(error).toMatchObject({ kind: 'notFound', operation: 'createRequest', httpStatus: 404 });
		expect(error.hintIt).toMatch(/Il portale non conosce questo codice servizio/);
		expect(sim.received.map((call) => `${call.method} ${call.path}`)).toEqual([
			'GET services/fontane.json',
			'POST requests.json',
		]);
	});

	test("the portal's refusals: wrong key (403), missing attribute (400), down (503)", async () => {
		const wrongKey = await rejection(
			createServiceRequest(
				fetchTransport,
				{ ...config, apiKey: 'wrong-key' },
				{ serviceCode: 'buche', ...RIMINI },
			),
		);
		expect(wrongKey).toMatchObject({ kind: 'auth', httpStatus: 403, retryable: false });
		expect(wrongKey.hintIt).toMatch(/chiave API/);

		const missing = await rejection(
			createServiceRequest(fetchTransport, config, { serviceCode: 'illuminazione', ...RIMINI }),
		);
		expect(missing).toMatchObject({ kind: 'rejected', httpStatus: 400, code: 400 });
		expect(missing.message).toBe(
			'The portal did not accept the request (HTTP 400 Bad Request): attribute tipo_guasto is required for service_code illuminazione',
		);

		sim.setDown(503);
		const down = await rejection(
			createServiceRequest(fetchTransport, config, { serviceCode: 'buche', ...RIMINI }),
		);
		expect(down).toMatchObject({ kind: 'unavailable', httpStatus: 503, retryable: true });
		expect(down.message).toMatch(/HTTP 503 Service Unavailable\): HTML page/);
		expect(down.hintIt).toMatch(/potrebbe non essere stata registrata/);
	});

	test('a portal that echoes the API key: the key never reaches the error', async () => {
		sim.injectError({
			method: 'POST',
			status: 403,
			body: [{ code: 403, description: `api_key ${API_KEY} is revoked` }],
		});
		const error = await rejection(
			createServiceRequest(fetchTransport, config, { serviceCode: 'buche', ...RIMINI }),
		);
		expect(error.message).toBe(
			'The portal refused the API key (HTTP 403 Forbidden): api_key *** is revoked',
		);
	});
});

describe('transport failures', () => {
	test('an unreachable portal is unavailable (HTTP 0), not a thrown TypeError', async () => {
		const closed = await startOpen311Simulator({ apiKey: API_KEY });
		const baseUrl = closed.baseUrl;
		await closed.stop();
		const error = await rejection(listServices(fetchTransport, { baseUrl }));
		expect(error).toMatchObject({ kind: 'unavailable', httpStatus: 0, retryable: true });
		expect(error.message).toMatch(/^The portal could not be reached: /);
	});

	test.each<[string, Parameters<typeof scriptedTransport>[0], RegExp]>([
		['a thrown string', [new Error('socket hang up')], /could not be reached: socket hang up/],
		['no response object', [null as never], /the transport gave no response/],
		[
			'a status that is not a number',
			[{ status: Number.NaN, body: '[]' }],
			/without a valid HTTP status \(NaN\)/,
		],
	])('%s', async (_label, answers, message) => {
		const error = await rejection(listServices(scriptedTransport(answers), config));
		expect(error.message).toMatch(message);
	});

	test('a transport error that contains the key is redacted', async () => {
		const transport = scriptedTransport([new Error(`connect failed for body api_key=${API_KEY}`)]);
		const error = await rejection(
			createServiceRequest(transport, config, { serviceCode: 'buche', ...RIMINI }, noWait),
		);
		expect(error.message).toBe(
			'The portal could not be reached: connect failed for body api_key=***',
		);
	});

	test('the POST carries the key in the body only, and the token GET carries none', async () => {
		const transport = scriptedTransport([
			{ status: 200, body: '[{"token":"t-1"}]' },
			{ status: 200, body: '[{"token":"t-1","service_request_id":""}]' },
			{ status: 404, body: '[{"code":404,"description":"token t-1 was not found"}]' },
			{ status: 200, body: '[{"token":"t-1","service_request_id":777}]' },
		]);
		const result = await createServiceRequest(
			transport,
			{ ...config, jurisdictionId: 'comune.rimini.it' },
			{ serviceCode: 'rifiuti', addressString: 'Via Roma 1' },
			{ pollToken: { attempts: 5, intervalMs: 1000 }, ...noWait },
		);
		expect(result).toMatchObject({
			serviceRequestId: '777',
			token: 't-1',
			pending: false,
			tokenChecks: 3,
		});
		expect(transport.calls.map((call) => `${call.method} ${call.url}`)).toEqual([
			`POST ${sim.baseUrl}/requests.json`,
			`GET ${sim.baseUrl}/tokens/t-1.json?jurisdiction_id=comune.rimini.it`,
			`GET ${sim.baseUrl}/tokens/t-1.json?jurisdiction_id=comune.rimini.it`,
			`GET ${sim.baseUrl}/tokens/t-1.json?jurisdiction_id=comune.rimini.it`,
		]);
		expect(transport.calls[0].body).toContain(`api_key=${API_KEY}`);
		expect(
			transport.calls
				.slice(1)
				.every((call) => call.body === undefined && !call.url.includes(API_KEY)),
		).toBe(true);
	});
});
