/**
 * The Segnala node in-process (n8n-core's WorkflowExecute) against the Open311 simulator, a real HTTP
 * server following GeoReport v2: what reaches the portal, what comes out, how refusals read, where
 * failed items go under continueOnFail, and that the API key never appears in any output or error.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	IDataObject,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { Open311Api } from '../../credentials/Open311Api.credentials';
import { startOpen311Simulator, type Open311Simulator } from '../../dev/simulators/open311/server';
import { Segnala } from '../../nodes/Segnala/Segnala.node';
import { runNode, TestNodeTypes, type TestCredentials } from '../helpers/runWorkflow';

const TYPE = 'n8n-nodes-whatsurp.segnala';
const nodeTypes = new TestNodeTypes({ [TYPE]: new Segnala() });
const API_KEY = 'segnala-node-dummy-key';
const JURISDICTION = 'comune.rimini.it';

let sim: Open311Simulator;

beforeAll(async () => {
	sim = await startOpen311Simulator({
		apiKey: API_KEY,
		jurisdictionId: JURISDICTION,
		tokenDelayMs: 60,
	});
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => sim.reset());

function credentials(overrides: IDataObject = {}): TestCredentials {
	return {
		open311Api: {
			data: {
				baseUrl: `${sim.baseUrl}/`,
				apiKey: API_KEY,
				jurisdictionId: JURISDICTION,
				...overrides,
			},
			type: new Open311Api(),
		},
	};
}

/** A citizen's WhatsApp location message, as the WhatsUrp Trigger gives it. */
const locationMessage: INodeExecutionData = {
	json: {
		event: 'message',
		messageId: 'wamid.HBgLMzkzMzMxMjM0NTY3FQIAEhgg',
		from: { waId: '393331234567', name: 'Maria Rossi' },
		type: 'location',
		caption: 'Buca profonda davanti alla fermata',
		location: { latitude: 44.0594, longitude: 12.5683, address: 'Via Flaminia 10, Rimini' },
	},
};

async function run(
	parameters: IDataObject,
	input: INodeExecutionData[] = [locationMessage],
	options: { continueOnFail?: boolean; credentials?: TestCredentials } = {},
) {
	const result = await runNode(nodeTypes, TYPE, parameters as INodeParameters, input, {
		continueOnFail: options.continueOnFail,
		credentials: options.credentials ?? credentials(),
	});
	// Whatever happened, the key is nowhere in what n8n keeps of the run.
	expect(JSON.stringify(result.run.data)).not.toContain(API_KEY);
	return result;
}

describe('Segnala node: creating requests', () => {
	test('a WhatsApp location becomes a request: defaults read the trigger item', async () => {
		const result = await run({
			serviceCode: 'buche',
			contact: { firstName: 'Maria', phone: '={{ "+" + $json.from.waId }}' },
		});
		const [[item]] = result.outputs();
		expect(item.json).toEqual({
			serviceRequestId: '2026001',
			serviceNotice:
				'La segnalazione è stata inoltrata alla Direzione Lavori Pubblici: un tecnico verificherà il dissesto.',
			pending: false,
			submitted: {
				serviceCode: 'buche',
				description: 'Buca profonda davanti alla fermata',
				latitude: 44.0594,
				longitude: 12.5683,
				firstName: 'Maria',
				phone: '+393331234567',
				attributes: {},
			},
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		const [stored] = sim.requests();
		expect(stored).toMatchObject({
			service_code: 'buche',
			lat: 44.0594,
			long: 12.5683,
			description: 'Buca profonda davanti alla fermata',
			phone: '+393331234567',
			jurisdiction_id: JURISDICTION,
		});
		expect(sim.received.at(-1)?.apiKey).toBe('valid');
	});

	test('address only, and coordinates with address', async () => {
		await run(
			{ serviceCode: 'altro', locationMode: 'address', address: 'Piazza Cavour 27, 47921 Rimini' },
			[{ json: { text: 'Panchina rotta' } }],
		);
		const [both] = (await run({ serviceCode: 'buche', locationMode: 'both' })).outputs()[0];
		expect(sim.requests().map((request) => [request.address, request.lat])).toEqual([
			['Piazza Cavour 27, 47921 Rimini', undefined],
			['Via Flaminia 10, Rimini', 44.0594],
		]);
		expect(both.json.submitted).toMatchObject({
			address: 'Via Flaminia 10, Rimini',
			latitude: 44.0594,
		});
	});

	test('attributes from the fixed collection; a repeated code is a multi-value list', async () => {
		await run({
			serviceCode: 'illuminazione',
			attributes: {
				attribute: [
					{ code: 'tipo_guasto', value: 'spento' },
					{ code: 'numero_palo', value: 'RN-01234' },
				],
			},
		});
		const batch = await run({
			serviceCode: 'rifiuti',
			attributes: {
				attribute: [
					{ code: 'tipo_rifiuto', value: 'vetro' },
					{ code: 'tipo_rifiuto', value: 'ingombranti' },
				],
			},
			createOptions: { tokenInterval: 0.02, tokenAttempts: 30 },
		});
		expect(sim.requests().map((request) => request.attributes)).toEqual([
			{ tipo_guasto: 'spento', numero_palo: 'RN-01234' },
			{ tipo_rifiuto: ['vetro', 'ingombranti'] },
		]);
		const [[item]] = batch.outputs();
		expect(item.json).toMatchObject({
			serviceRequestId: '2026002',
			token: expect.any(String),
			pending: false,
		});
	});

	test('a batch service without waiting: pending, with the token to ask later', async () => {
		const [[item]] = (
			await run({ serviceCode: 'rifiuti', createOptions: { tokenAttempts: 0 } })
		).outputs();
		expect(item.json).toMatchObject({
			serviceRequestId: null,
			pending: true,
			token: expect.any(String),
		});
	});

	test('a blackbox service: accepted without a number', async () => {
		const [[item]] = (await run({ serviceCode: 'verde' })).outputs();
		expect(item.json).toMatchObject({ serviceRequestId: null, pending: false });
		expect(item.json.serviceNotice).toMatch(/Ufficio Verde Pubblico/);
	});

	test('a long description: refused by default, cut with the option', async () => {
		const long = { json: { ...locationMessage.json, caption: 'parola '.repeat(700) } };
		const refused = await run({ serviceCode: 'buche' }, [long]);
		expect(refused.error()?.message).toMatch(/4,899 characters after removing HTML/);
		expect(refused.error()?.description).toMatch(/al massimo 4000/);
		const [[item]] = (
			await run({ serviceCode: 'buche', createOptions: { truncateDescription: true } }, [long])
		).outputs();
		expect(item.json.submitted).toMatchObject({ descriptionTruncated: true });
		expect([...(sim.requests()[0].description ?? '')].length).toBeLessThanOrEqual(4000);
	});

	test('several items: one request each, each output paired with its input', async () => {
		const input = [0, 1, 2].map((index) => ({
			json: { ...locationMessage.json, caption: `Segnalazione ${index}` },
		}));
		const [output] = (await run({ serviceCode: 'buche' }, input)).outputs();
		expect(output.map((item) => [item.json.serviceRequestId, item.pairedItem])).toEqual([
			['2026001', { item: 0 }],
			['2026002', { item: 1 }],
			['2026003', { item: 2 }],
		]);
	});
});

describe('Segnala node: reading the portal', () => {
	test('services: one item per service; a definition: one item', async () => {
		const [services] = (
			await run({ resource: 'service', operation: 'listServices' }, [{ json: {} }])
		).outputs();
		expect(services.map((item) => item.json.serviceCode)).toEqual([
			'buche',
			'illuminazione',
			'rifiuti',
			'verde',
			'altro',
		]);
		expect(services[2].json).toMatchObject({
			serviceName: 'Rifiuti e decoro',
			type: 'batch',
			metadata: true,
		});
		expect(services.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		const [[definition]] = (
			await run(
				{ resource: 'service', operation: 'getServiceDefinition', serviceCode: 'illuminazione' },
				[{ json: {} }],
			)
		).outputs();
		expect(definition.json.serviceCode).toBe('illuminazione');
		expect(
			(definition.json.attributes as IDataObject[]).map((attribute) => attribute.code),
		).toEqual(['numero_palo', 'tipo_guasto']);
	});

	test('get a request by the number a Create gave; list with filters and a limit', async () => {
		const [[created]] = (await run({ serviceCode: 'buche' })).outputs();
		await run({ serviceCode: 'altro' });
		await run({ serviceCode: 'buche' });
		sim.closeRequest('2026003', 'Riparata');
		const [[request]] = (await run({ operation: 'getRequest' }, [created])).outputs();
		expect(request.json).toMatchObject({
			serviceRequestId: '2026001',
			status: 'open',
			serviceName: 'Buche e dissesti stradali',
			latitude: 44.0594,
		});
		const ids = (items: INodeExecutionData[]) => items.map((item) => item.json.serviceRequestId);
		const [open] = (
			await run(
				{ operation: 'listRequests', filters: { status: ['open'], serviceCodes: ['buche'] } },
				[{ json: {} }],
			)
		).outputs();
		expect(ids(open)).toEqual(['2026001']);
		const [limited] = (
			await run({ operation: 'listRequests', limit: 2 }, [{ json: {} }])
		).outputs();
		expect(ids(limited)).toEqual(['2026003', '2026002']);
		const [all] = (
			await run(
				{
					operation: 'listRequests',
					returnAll: true,
					filters: { startDate: '2020-01-01T00:00:00+01:00', endDate: '2020-02-01T00:00:00Z' },
				},
				[{ json: {} }],
			)
		).outputs();
		expect(all).toEqual([]);
		expect(sim.received.at(-1)?.query).toEqual({
			jurisdiction_id: JURISDICTION,
			start_date: '2019-12-31T23:00:00Z',
			end_date: '2020-02-01T00:00:00Z',
		});
	});
});

describe('Segnala node: errors', () => {
	test('a missing location is a NodeOperationError with the Italian hint; nothing is sent', async () => {
		const result = await run({ serviceCode: 'buche' }, [{ json: { text: 'Buca' } }]);
		const error = result.error();
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(
			'A location is required: latitude and longitude, an address or an address ID',
		);
		expect(error?.description).toMatch(/Indicare dove si trova il problema/);
		expect(sim.received).toHaveLength(0);
	});

	test('a wrong API key is a NodeApiError 403 with the portal text and the hint, without the key', async () => {
		const result = await run({ serviceCode: 'buche' }, [locationMessage], {
			credentials: credentials({ apiKey: 'not-the-key' }),
		});
		const error = result.error() as Error & { httpCode?: string; description?: string };
		expect(error.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('403');
		expect(error.message).toBe(
			"The portal refused the API key (HTTP 403 Forbidden): Invalid api_key received -- can't proceed with create_request.",
		);
		expect(error.description).toMatch(
			/verificare il campo «API Key» della credenziale «Open311 API»/,
		);
		expect(JSON.stringify(result.run.data)).not.toContain('not-the-key');
	});

	test('a portal echoing the key: redacted everywhere', async () => {
		sim.injectError({
			method: 'POST',
			status: 403,
			body: [{ code: 403, description: `api_key ${API_KEY} revoked` }],
		});
		const result = await run({ serviceCode: 'buche' });
		expect(result.error()?.message).toBe(
			'The portal refused the API key (HTTP 403 Forbidden): api_key *** revoked',
		);
	});

	test('the portal down: NodeApiError 503, saying the report may not be registered', async () => {
		sim.setDown(503);
		const error = (await run({ serviceCode: 'buche' })).error() as Error & {
			httpCode?: string;
			description?: string;
		};
		expect(error.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('503');
		expect(error.description).toMatch(/potrebbe non essere stata registrata/);
	});

	test('a bad base URL in the credential is a NodeOperationError naming the field', async () => {
		const error = (
			await run({ serviceCode: 'buche' }, [locationMessage], {
				credentials: credentials({ baseUrl: 'segnala.comune.rimini.it' }),
			})
		).error();
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.description).toMatch(/campo «baseUrl» della credenziale/);
	});

	test('continueOnFail: failed items carry error and hint, paired, next to the good ones', async () => {
		const input: INodeExecutionData[] = [
			locationMessage,
			{ json: { text: 'senza posizione' } },
			{ json: { ...locationMessage.json, caption: 'Lampione' } },
		];
		const result = await run(
			{ serviceCode: '={{ $json.caption === "Lampione" ? "illuminazione" : "buche" }}' },
			input,
			{ continueOnFail: true },
		);
		const [output] = result.outputs();
		expect(output).toHaveLength(3);
		expect(output[0].json).toMatchObject({ serviceRequestId: '2026001' });
		expect(output[1].json).toMatchObject({
			text: 'senza posizione',
			error: 'A location is required: latitude and longitude, an address or an address ID',
			errorHint: expect.stringMatching(/Indicare dove si trova il problema/),
		});
		expect(output[2].json).toMatchObject({
			caption: 'Lampione',
			error:
				'The portal did not accept the request (HTTP 400 Bad Request): attribute tipo_guasto is required for service_code illuminazione',
			errorHint: expect.stringMatching(/NON è stata registrata/),
		});
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim.requests()).toHaveLength(1);
	});

	test('Check Attributes First stops before the POST with the attribute to fill', async () => {
		const error = (
			await run({ serviceCode: 'illuminazione', createOptions: { checkAttributes: true } })
		).error();
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.description).toMatch(/richiede l'attributo «tipo_guasto»/);
		expect(sim.received.map((call) => call.method)).toEqual(['GET']);
	});
});

describe('Segnala node: editor helpers', () => {
	/** The part of n8n's context the service picker and the credential test use, over fetch. */
	function editorContext(data: IDataObject) {
		return {
			getNode: () => ({
				name: 'Segnala',
				type: TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			}),
			getCredentials: async () => data,
			helpers: {
				async httpRequestWithAuthentication(
					_credential: string,
					options: { method: string; url: string; headers: Record<string, string>; body?: string },
				) {
					const response = await fetch(options.url, options);
					return { statusCode: response.status, body: await response.text() };
				},
				async request(options: { method: string; uri: string; headers: Record<string, string> }) {
					const response = await fetch(options.uri, options);
					return { statusCode: response.status, body: await response.text() };
				},
			},
		};
	}

	test('the service picker lists the portal services by Italian name', async () => {
		const context = editorContext({
			baseUrl: sim.baseUrl,
			apiKey: API_KEY,
			jurisdictionId: JURISDICTION,
		});
		const options = await new Segnala().methods.loadOptions.getServices.call(
			context as unknown as ILoadOptionsFunctions,
		);
		expect(options.map((option) => [option.name, option.value])).toEqual([
			['Altre segnalazioni', 'altro'],
			['Buche e dissesti stradali', 'buche'],
			['Illuminazione pubblica', 'illuminazione'],
			['Rifiuti e decoro', 'rifiuti'],
			['Verde pubblico e alberi', 'verde'],
		]);
		expect(options[1].description).toBe(
			'Strade e mobilità · Buche, avvallamenti e dissesti di strade, marciapiedi e piste ciclabili',
		);
	});

	test('the credential test reads services.json and explains what is wrong', async () => {
		const test = new Segnala().methods.credentialTest.open311ApiConnection;
		const call = (data: IDataObject) =>
			test.call(editorContext(data) as unknown as ICredentialTestFunctions, {
				id: '1',
				name: 'Segnala Rimini',
				type: 'open311Api',
				data: data as ICredentialDataDecryptedObject,
			});
		expect(
			await call({ baseUrl: sim.baseUrl, apiKey: API_KEY, jurisdictionId: JURISDICTION }),
		).toEqual({
			status: 'OK',
			message:
				'Connected: 5 services (Buche e dissesti stradali, Illuminazione pubblica, Rifiuti e decoro, Verde pubblico e alberi, Altre segnalazioni)',
		});
		const noJurisdiction = await call({ baseUrl: sim.baseUrl, apiKey: API_KEY });
		expect(noJurisdiction.status).toBe('Error');
		expect(noJurisdiction.message).toMatch(/jurisdiction_id was not provided/);
		sim.injectError({
			path: 'services.json',
			status: 200,
			body: '<html><body>Login</body></html>',
		});
		const html = await call({ baseUrl: sim.baseUrl, jurisdictionId: JURISDICTION });
		expect(html.message).toMatch(/HTML page instead of JSON.*Risposta inattesa/);
		expect((await call({ baseUrl: 'nope' })).message).toMatch(/not an absolute http\(s\) URL/);
		expect(sim.received.every((call) => call.method === 'GET')).toBe(true);
	});

	test("the credential's declarative test points at services.json", () => {
		const credential = new Open311Api();
		expect(credential.name).toBe('open311Api');
		expect(credential.properties.map((property) => property.name)).toEqual([
			'baseUrl',
			'apiKey',
			'jurisdictionId',
		]);
		expect(credential.properties[1].typeOptions).toEqual({ password: true });
		expect(credential.test.request.url).toContain('/services.json');
		expect(credential.test.request.url).toContain('jurisdiction_id=');
	});
});
