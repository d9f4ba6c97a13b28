/**
 * Reading GeoReport v2 answers: the spec's own examples, what real portals do differently, and
 * malformed or hostile bodies (HTML pages, empty, not arrays, huge, 5xx), which give clear errors and
 * never throw.
 */
import {
	kindForStatus,
	MAX_ERROR_MESSAGE_LENGTH,
	Open311Error,
	parseOpen311Body,
	redactSecrets,
	type Open311ErrorKind,
} from '../../../nodes/core/open311/errors';
import {
	interpretCreateResponse,
	interpretServiceDefinition,
	interpretServiceRequest,
	interpretServiceRequests,
	interpretServices,
	interpretTokenResponse,
	type Open311Result,
} from '../../../nodes/core/open311/responses';

function failure<T>(result: Open311Result<T>): Open311Error {
	if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
	expect(result.error).toBeInstanceOf(Open311Error);
	return result.error;
}

function value<T>(result: Open311Result<T>): T {
	if (!result.ok) throw result.error;
	return result.value;
}

// The spec's JSON examples (wiki.open311.org/GeoReport_v2), with its leading-zero numbers made valid.
const SPEC_SERVICES = `[
  {"service_code":"001","service_name":"Cans left out 24x7","description":"Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.","metadata":true,"type":"realtime","keywords":"lorem, ipsum, dolor","group":"sanitation"},
  {"service_code":2,"metadata":true,"type":"realtime","keywords":"lorem, ipsum, dolor","group":"street","service_name":"Construction plate shifted","description":"Metal construction plate covering the street or sidewalk has been moved."}
]`;
const SPEC_DEFINITION = {
	service_code: 'DMV66',
	attributes: [
		{
			variable: true,
			code: 'WHISHETN',
			datatype: 'singlevaluelist',
			required: true,
			datatype_description: null,
			order: 1,
			description: 'What is the ticket/tag/DL number?',
			values: [
				{ key: 123, name: 'Ford' },
				{ key: 124, name: 'Chrysler' },
			],
		},
	],
};
const SPEC_REQUEST = {
	service_request_id: 638344,
	status: 'closed',
	status_notes: 'Duplicate request.',
	service_name: 'Sidewalk and Curb Issues',
	service_code: 6,
	description: null,
	agency_responsible: null,
	service_notice: null,
	requested_datetime: '2010-04-14T06:37:38-08:00',
	updated_datetime: '2010-04-14T06:37:38-08:00',
	expected_datetime: '2010-04-15T06:37:38-08:00',
	address: '8TH AVE and JUDAH ST',
	address_id: 545483,
	zipcode: 94122,
	lat: 37.762221815,
	long: -122.4651145,
	media_url: 'http://city.gov.s3.amazonaws.com/requests/media/638344.jpg ',
};

describe('the spec examples', () => {
	test('services: numbers as codes, keywords split, metadata and type read', () => {
		expect(value(interpretServices(200, SPEC_SERVICES))).toEqual([
			{
				serviceCode: '001',
				serviceName: 'Cans left out 24x7',
				description:
					'Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.',
				metadata: true,
				type: 'realtime',
				keywords: ['lorem', 'ipsum', 'dolor'],
				group: 'sanitation',
			},
			{
				serviceCode: '2',
				serviceName: 'Construction plate shifted',
				description: 'Metal construction plate covering the street or sidewalk has been moved.',
				metadata: true,
				type: 'realtime',
				keywords: ['lorem', 'ipsum', 'dolor'],
				group: 'street',
			},
		]);
	});

	test('service definition', () => {
		expect(value(interpretServiceDefinition(200, JSON.stringify(SPEC_DEFINITION)))).toEqual({
			serviceCode: 'DMV66',
			attributes: [
				{
					code: 'WHISHETN',
					variable: true,
					datatype: 'singlevaluelist',
					required: true,
					order: 1,
					description: 'What is the ticket/tag/DL number?',
					values: [
						{ key: '123', name: 'Ford' },
						{ key: '124', name: 'Chrysler' },
					],
				},
			],
		});
	});

	test('realtime creation: [{ service_request_id, service_notice, account_id: null }]', () => {
		expect(
			value(
				interpretCreateResponse(
					200,
					'[{"service_request_id":293944,"service_notice":"The City will inspect and require the responsible party to correct within 24 hours","account_id":null}]',
				),
			),
		).toEqual({
			serviceRequestId: '293944',
			serviceNotice:
				'The City will inspect and require the responsible party to correct within 24 hours',
		});
	});

	test('batch creation: [{ token, service_notice }]', () => {
		expect(
			value(interpretCreateResponse(201, [{ token: 12345, service_notice: 'Presa in carico' }])),
		).toEqual({
			token: '12345',
			serviceNotice: 'Presa in carico',
		});
	});

	test('blackbox creation: accepted with neither id nor token', () => {
		expect(value(interpretCreateResponse(200, '[{"service_notice":"Grazie"}]'))).toEqual({
			serviceNotice: 'Grazie',
		});
		expect(value(interpretCreateResponse(200, '[]'))).toEqual({});
	});

	test.each<[string, unknown, { token?: string; serviceRequestId?: string }]>([
		[
			'resolved',
			'[{"service_request_id":638344,"token":12345}]',
			{ serviceRequestId: '638344', token: '12345' },
		],
		['pending, id missing', '[{"token":"12345"}]', { token: '12345' }],
		['pending, id null', '[{"token":"12345","service_request_id":null}]', { token: '12345' }],
		['pending, id empty', '[{"token":"12345","service_request_id":"  "}]', { token: '12345' }],
		[
			'a single object',
			'{"token":"12345","service_request_id":"9"}',
			{ token: '12345', serviceRequestId: '9' },
		],
		[
			'the requested token among others',
			'[{"token":"1","service_request_id":"a"},{"token":"12345","service_request_id":"b"}]',
			{ token: '12345', serviceRequestId: 'b' },
		],
	])('token: %s', (_label, body, expected) => {
		expect(value(interpretTokenResponse(200, body, '12345'))).toEqual(expected);
	});

	test('one request: numbers become text, lat/long become latitude/longitude, nulls are absent', () => {
		expect(value(interpretServiceRequest(200, [SPEC_REQUEST], '638344'))).toEqual({
			serviceRequestId: '638344',
			status: 'closed',
			statusNotes: 'Duplicate request.',
			serviceName: 'Sidewalk and Curb Issues',
			serviceCode: '6',
			requestedDatetime: '2010-04-14T06:37:38-08:00',
			updatedDatetime: '2010-04-14T06:37:38-08:00',
			expectedDatetime: '2010-04-15T06:37:38-08:00',
			address: '8TH AVE and JUDAH ST',
			addressId: '545483',
			zipcode: '94122',
			latitude: 37.762221815,
			longitude: -122.4651145,
			mediaUrl: 'http://city.gov.s3.amazonaws.com/requests/media/638344.jpg',
		});
	});

	test('request list: entries without an id are skipped (still being processed)', () => {
		const list = value(
			interpretServiceRequests(200, [
				SPEC_REQUEST,
				{ status: 'open', service_code: '6' },
				{ ...SPEC_REQUEST, service_request_id: '638349', status: 'open' },
			]),
		);
		expect(list.map((request) => [request.serviceRequestId, request.status])).toEqual([
			['638344', 'closed'],
			['638349', 'open'],
		]);
		expect(value(interpretServiceRequests(200, '[]'))).toEqual([]);
	});
});

describe('real portals differ from the examples', () => {
	test('a definition in an XML-to-JSON wrapping, or as a one-element array', () => {
		const wrapped = {
			service_definition: {
				service_code: 'x',
				attributes: {
					attribute: {
						code: 'a',
						datatype: 'string',
						required: 'true',
						values: { value: { key: 'k', name: 'n' } },
					},
				},
			},
		};
		expect(value(interpretServiceDefinition(200, wrapped))).toEqual({
			serviceCode: 'x',
			attributes: [
				{
					code: 'a',
					variable: true,
					datatype: 'string',
					required: true,
					values: [{ key: 'k', name: 'n' }],
				},
			],
		});
		expect(value(interpretServiceDefinition(200, [{ attributes: [] }], 'buche'))).toEqual({
			serviceCode: 'buche',
			attributes: [],
		});
	});

	test('attributes are sorted by order; unknown service types are dropped', () => {
		const definition = value(
			interpretServiceDefinition(200, {
				service_code: 's',
				attributes: [{ code: 'b', order: 2 }, { code: 'a', order: 1 }, { code: 'c' }],
			}),
		);
		expect(definition.attributes.map((attribute) => attribute.code)).toEqual(['a', 'b', 'c']);
		expect(value(interpretServices(200, [{ service_code: 'x', type: 'weird' }]))[0]).toEqual({
			serviceCode: 'x',
			serviceName: 'x',
			metadata: false,
			keywords: [],
		});
	});

	test('a UTF-8 body in bytes with a BOM is read', () => {
		const bytes = Buffer.from(
			'\uFEFF[{"service_code":"buche","service_name":"Buche e dissesti","metadata":false,"type":"realtime"}]',
		);
		expect(value(interpretServices(200, bytes))[0].serviceName).toBe('Buche e dissesti');
	});

	test('an error array answered with 200 is still an error', () => {
		const error = failure(
			interpretCreateResponse(200, '[{"code":403,"description":"Invalid api_key"}]'),
		);
		expect(error.kind).toBe('auth');
		expect(error.httpStatus).toBe(200);
		expect(error.description).toBe('Invalid api_key');
	});

	test('GET requests/{id}.json with an empty list is notFound', () => {
		const error = failure(interpretServiceRequest(200, '[]', '42'));
		expect(error.kind).toBe('notFound');
		expect(error.message).toBe('The portal answered HTTP 200 OK without the request 42');
		expect(error.hintIt).toMatch(/Nessuna segnalazione con questo numero/);
	});
});

describe('error answers', () => {
	test.each<[number, unknown, Open311ErrorKind, string]>([
		[
			403,
			`[{"code":403,"description":"Invalid api_key received -- can't proceed with create_request."}]`,
			'auth',
			"The portal refused the API key (HTTP 403 Forbidden): Invalid api_key received -- can't proceed with create_request.",
		],
		[
			404,
			'[{"code":404,"description":"service_code xyz was not found"}]',
			'notFound',
			'The portal does not know this service code or jurisdiction (HTTP 404 Not Found): service_code xyz was not found',
		],
		[
			400,
			[
				{ code: 400, description: 'lat and long must be sent together' },
				{ code: 'E_DESC', description: 'description is limited to 4,000 characters' },
			],
			'rejected',
			'The portal did not accept the request (HTTP 400 Bad Request): lat and long must be sent together; description is limited to 4,000 characters',
		],
		[
			400,
			'{"errors":[{"code":400,"description":"jurisdiction_id was not provided"}]}',
			'rejected',
			'The portal did not accept the request (HTTP 400 Bad Request): jurisdiction_id was not provided',
		],
		[
			401,
			'{"message":"Unauthorized"}',
			'auth',
			'The portal refused the API key (HTTP 401 Unauthorized): Unauthorized',
		],
		[
			503,
			'<html><head><title>503</title><style>h1{}</style></head><body><h1>503 Service Temporarily Unavailable</h1><hr><center>nginx</center></body></html>',
			'unavailable',
			'The portal is unavailable (HTTP 503 Service Unavailable): HTML page: "503 503 Service Temporarily Unavailable nginx"',
		],
		[502, '', 'unavailable', 'The portal is unavailable (HTTP 502 Bad Gateway)'],
		[
			429,
			'slow down',
			'unavailable',
			'The portal is unavailable (HTTP 429 Too Many Requests): slow down',
		],
		[
			500,
			'{"unexpected":true}',
			'unavailable',
			'The portal is unavailable (HTTP 500 Internal Server Error): {"unexpected":true}',
		],
		[
			422,
			'<?xml version="1.0"?><errors><error><code>422</code><description>no</description></error></errors>',
			'rejected',
			'The portal did not accept the request (HTTP 422 Unprocessable Entity): XML: "422 no"',
		],
	])('HTTP %s on create', (status, body, kind, message) => {
		const error = failure(interpretCreateResponse(status, body));
		expect(error.kind).toBe(kind);
		expect(error.httpStatus).toBe(status);
		expect(error.message).toBe(message);
		expect(error.operation).toBe('createRequest');
		expect(error.retryable).toBe(kind === 'unavailable');
	});

	test('the portal error entries are kept with their codes', () => {
		const error = failure(
			interpretCreateResponse(400, [
				{ code: 400, description: 'a' },
				{ code: 'E2', description: 'b' },
				{ nonsense: true },
			]),
		);
		expect(error.errors).toEqual([
			{ code: 400, description: 'a' },
			{ code: 'E2', description: 'b' },
		]);
		expect(error.code).toBe(400);
	});

	test.each<[Open311ErrorKind, RegExp]>([
		['auth', /chiave API/],
		['notFound', /codice servizio/],
		['rejected', /NON è stata registrata/],
		['unavailable', /potrebbe non essere stata registrata/],
		['malformed', /non è certo che la segnalazione sia stata registrata/],
	])('Italian hint for %s on create', (kind, hint) => {
		expect(new Open311Error({ kind, operation: 'createRequest' }).hintIt).toMatch(hint);
	});

	test.each<[number, Open311ErrorKind]>([
		[0, 'unavailable'],
		[400, 'rejected'],
		[401, 'auth'],
		[403, 'auth'],
		[404, 'notFound'],
		[405, 'rejected'],
		[408, 'unavailable'],
		[410, 'notFound'],
		[429, 'unavailable'],
		[500, 'unavailable'],
		[599, 'unavailable'],
		[302, 'malformed'],
		[600, 'malformed'],
	])('HTTP %s is %s', (status, kind) => {
		expect(kindForStatus(status)).toBe(kind);
	});
});

describe('malformed and hostile 2xx answers never throw', () => {
	const huge = `[${'{"service_code":"x","service_name":"y"},'.repeat(300_000)}{}]`;
	const cases: Array<[string, unknown, RegExp]> = [
		[
			'an HTML page',
			'<!DOCTYPE html><html><body>Login</body></html>',
			/HTTP 200 OK with an HTML page instead of JSON/,
		],
		[
			'an HTML page in bytes',
			Buffer.from('<html><body>x</body></html>'),
			/HTML page instead of JSON/,
		],
		['XML', '<?xml version="1.0" encoding="utf-8"?><services/>', /in XML instead of JSON/],
		['an empty body', '', /with an empty body/],
		['whitespace', ' \n ', /with an empty body/],
		['nothing', undefined, /with an empty body/],
		['null JSON', 'null', /with null instead of a list/],
		['a JSON number', '42', /with a JSON number instead of a list/],
		['a JSON string', '"ok"', /with a JSON string instead of a list/],
		['broken JSON', '[{"service_code":', /with text that is not JSON/],
		['plain text', 'OK', /with text that is not JSON/],
		['a huge body', huge, /too large to read/],
		['entries without codes', '[{"service_name":"x"}]', /services that have no service_code/],
	];
	test.each(cases)('services: %s', (_label, body, message) => {
		const error = failure(interpretServices(200, body));
		expect(error.kind).toBe('malformed');
		expect(error.message).toMatch(message);
		expect(error.hintIt).toMatch(/Risposta inattesa/);
	});

	test.each<[string, unknown, RegExp]>([
		['an HTML page', '<html><body>ok</body></html>', /HTML page/],
		['a list of numbers', '[1,2,3]', /a list that holds no request/],
		['a JSON true', 'true', /a JSON boolean/],
	])('create: %s is malformed, with a hint not to resend blindly', (_label, body, message) => {
		const error = failure(interpretCreateResponse(200, body));
		expect(error.kind).toBe('malformed');
		expect(error.message).toMatch(message);
		expect(error.hintIt).toMatch(/Verificare sul portale prima di inviarla di nuovo/);
	});

	test('a definition that is a list of several, or attributes that are a string', () => {
		expect(failure(interpretServiceDefinition(200, '[{},{}]')).message).toMatch(
			/a list instead of a service definition/,
		);
		expect(
			failure(interpretServiceDefinition(200, { service_code: 'x', attributes: 'none' })).message,
		).toMatch(/attributes that are not a list/);
		expect(failure(interpretServiceDefinition(200, { attributes: [] })).message).toMatch(
			/no service_code/,
		);
	});

	test('hostile text is flattened and cut: one line, bounded length', () => {
		const body = [{ code: 400, description: `line1\nline2\u0000\u202e${'x'.repeat(5000)}` }];
		const error = failure(interpretCreateResponse(400, body));
		expect(error.message).not.toContain('\n');
		expect(error.message).not.toContain('\u0000');
		expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
		expect(error.errors[0].description.length).toBeLessThanOrEqual(500);
		const many = Array.from({ length: 500 }, (_, index) => ({
			code: 400,
			description: `e${index}`,
		}));
		expect(failure(interpretCreateResponse(400, many)).errors).toHaveLength(10);
	});

	test('strings in a 2xx answer are trimmed and bounded', () => {
		const [request] = value(
			interpretServiceRequests(200, [
				{
					service_request_id: ' 7 ',
					status: 'OPEN',
					description: 'd'.repeat(20_000),
					lat: 'abc',
					long: 1,
					address: {},
				},
			]),
		);
		expect(request.serviceRequestId).toBe('7');
		expect(request.status).toBe('open');
		expect(request.description!.length).toBe(10_000);
		expect(request.latitude).toBeUndefined();
		expect(request.address).toBeUndefined();
	});

	test('an object-typed body (already parsed by the transport) is read as is', () => {
		expect(value(interpretServices(200, [{ service_code: 'a', service_name: 'A' }]))).toHaveLength(
			1,
		);
	});
});

describe('parseOpen311Body and redactSecrets', () => {
	test.each<[unknown, string]>([
		['[1]', 'json'],
		['{"a":1}', 'json'],
		['', 'empty'],
		[null, 'empty'],
		[new Uint8Array([0x5b, 0x5d]), 'json'],
		[new ArrayBuffer(0), 'empty'],
		['<html></html>', 'text'],
		['x'.repeat(11 * 1024 * 1024), 'tooLarge'],
	])('%#: %s', (body, type) => {
		expect(parseOpen311Body(body).type).toBe(type);
	});

	test('the API key a portal echoes is replaced in message, description and entries', () => {
		const error = failure(
			interpretCreateResponse(403, [
				{ code: 403, description: 'Invalid api_key secret-key-123 for create_request' },
			]),
		);
		const redacted = redactSecrets(error, ['secret-key-123']);
		expect(redacted.message).not.toContain('secret-key-123');
		expect(redacted.message).toContain('Invalid api_key *** for create_request');
		expect(redacted.description).toBe('Invalid api_key *** for create_request');
		expect(redacted.errors[0]).toEqual({
			code: 403,
			description: 'Invalid api_key *** for create_request',
		});
		expect(redacted.kind).toBe('auth');
		expect(redactSecrets(error, [undefined, ''])).toBe(error);
	});
});
