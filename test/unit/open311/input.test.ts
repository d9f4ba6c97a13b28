/** Fields of a new service request and of a search: cleaning, validation, Italian hints. */
import { Open311Error } from '../../../nodes/core/open311/errors';
import {
	characterCount,
	cleanDescription,
	formatCoordinate,
	normaliseFilter,
	parseCoordinate,
	prepareServiceRequest,
	toW3cDateTime,
} from '../../../nodes/core/open311/input';
import type { ServiceDefinition, ServiceRequestInput } from '../../../nodes/core/open311/types';
import { RIMINI } from './helpers';

function inputError(run: () => unknown): Open311Error {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(Open311Error);
		expect((error as Open311Error).kind).toBe('input');
		return error as Open311Error;
	}
	throw new Error('expected an input error');
}

const base: ServiceRequestInput = { serviceCode: 'buche', ...RIMINI };

describe('cleanDescription', () => {
	test.each<[string, string, string]>([
		['plain text stays', 'Buca in via Flaminia', 'Buca in via Flaminia'],
		['line breaks are kept, CRLF normalised', 'riga 1\r\nriga 2\rriga 3', 'riga 1\nriga 2\nriga 3'],
		['tags are removed', '<p>Buca <b>profonda</b></p>', 'Buca profonda'],
		[
			'br and paragraphs become line breaks',
			'uno<br>due<br/>tre</p><p>quattro',
			'uno\ndue\ntre\nquattro',
		],
		[
			'scripts and styles go with their content',
			'a<script>alert(1)</script>b<style>x{}</style>c',
			'a b c',
		],
		['comments go', 'prima<!-- nascosto -->dopo', 'prima dopo'],
		[
			'entities are decoded',
			'Caff&egrave; &amp; bar &#8364;5 &#x263A; &quot;ok&quot;',
			'Caffè & bar €5 ☺ "ok"',
		],
		['escaped tags do not come back as HTML', '&lt;script&gt;alert(1)&lt;/script&gt;ok', 'ok'],
		['a lone < is text, not a tag', '3 < 5 e 6 > 2', '3 < 5 e 6 > 2'],
		['control characters go, tabs become spaces', 'a\u0000b\u0007c\td', 'abc d'],
		['blank lines collapse to one, spaces are tidied', '  a  \n\n\n\n  b   c  ', 'a\n\nb c'],
		['invalid numeric entities vanish', 'x&#0;y&#xD800;z', 'xyz'],
		['unknown named entities stay', 'R&amp;D &foo;', 'R&D &foo;'],
	])('%s', (_label, input, expected) => {
		expect(cleanDescription(input)).toBe(expected);
	});

	test('emoji count as one character each', () => {
		expect(characterCount('🕳️ buca')).toBe(7);
		expect(characterCount('😀')).toBe(1);
	});
});

describe('prepareServiceRequest: description limit', () => {
	const long = 'parola '.repeat(700); // 4,900 characters

	test('over 4,000 characters after stripping HTML is refused, naming the field', () => {
		const error = inputError(() => prepareServiceRequest({ ...base, description: long }));
		expect(error.field).toBe('description');
		expect(error.message).toMatch(
			/4,899 characters after removing HTML; the portal accepts at most 4,000/,
		);
		expect(error.hintIt).toMatch(/al massimo 4000/);
	});

	test('HTML does not count: 4,000 characters wrapped in tags pass', () => {
		const text = 'x'.repeat(4000);
		const prepared = prepareServiceRequest({ ...base, description: `<div><b>${text}</b></div>` });
		expect(prepared.description).toBe(text);
		expect(prepared.descriptionTruncated).toBe(false);
	});

	test('with truncateDescription: cut at a word boundary, ends with …, flagged', () => {
		const prepared = prepareServiceRequest(
			{ ...base, description: long },
			{ truncateDescription: true },
		);
		expect(prepared.descriptionTruncated).toBe(true);
		expect(characterCount(prepared.description!)).toBeLessThanOrEqual(4000);
		expect(prepared.description!.endsWith('parola…')).toBe(true);
	});

	test('truncation counts code points (no broken emoji)', () => {
		const prepared = prepareServiceRequest(
			{ ...base, description: '😀'.repeat(4100) },
			{ truncateDescription: true },
		);
		expect(characterCount(prepared.description!)).toBe(4000);
		expect(prepared.description!.endsWith('😀…')).toBe(true);
		expect(prepared.description).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
	});

	test('an empty or HTML-only description is left out', () => {
		expect(prepareServiceRequest({ ...base, description: '  ' }).description).toBeUndefined();
		expect(prepareServiceRequest({ ...base, description: '<br>' }).description).toBeUndefined();
	});
});

describe('parseCoordinate and formatCoordinate', () => {
	test.each<[unknown, 'lat' | 'long', number | undefined]>([
		[44.0594, 'lat', 44.0594],
		['44.0594', 'lat', 44.0594],
		[' 44,0594 ', 'lat', 44.0594],
		['-12.5', 'long', -12.5],
		['+90', 'lat', 90],
		[-180, 'long', -180],
		['', 'lat', undefined],
		[undefined, 'lat', undefined],
		[null, 'long', undefined],
	])('%j as %s → %j', (value, field, expected) => {
		expect(parseCoordinate(value, field)).toBe(expected);
	});

	test.each<[unknown, 'lat' | 'long', RegExp]>([
		['44.0N', 'lat', /not a number/],
		['1e3', 'lat', /not a number/],
		['44,05,1', 'lat', /not a number/],
		[Number.NaN, 'lat', /not a number/],
		[Infinity, 'long', /not a number/],
		[{}, 'long', /not a number/],
		[90.0001, 'lat', /outside -90…90/],
		['-181', 'long', /outside -180…180/],
	])('%j as %s is refused', (value, field, message) => {
		const error = inputError(() => parseCoordinate(value, field));
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
	});

	test.each<[number, string]>([
		[44.0594, '44.0594'],
		[-122.4651145, '-122.4651145'],
		[0.0000001, '0.0000001'],
		[1e-9, '0'],
		[-0, '0'],
		[12, '12'],
		[12.123456789, '12.12345679'],
	])('formatCoordinate(%s) = %s', (value, text) => {
		expect(formatCoordinate(value)).toBe(text);
	});
});

describe('prepareServiceRequest: fields', () => {
	test('a complete request is normalised (trimmed, empty fields dropped)', () => {
		expect(
			prepareServiceRequest({
				serviceCode: ' buche ',
				description: 'Buca',
				lat: '44,0594',
				long: 12.5683,
				addressString: ' Piazza Cavour 27, Rimini ',
				addressId: '',
				firstName: 'Maria',
				lastName: ' Rossi ',
				phone: '+39 333 1234567',
				email: 'maria.rossi@example.it',
				deviceId: undefined,
				accountId: '',
				mediaUrl: 'https://www.comune.rimini.it/foto/1.jpg',
				attributes: { numero_palo: ' RN-01234 ', vuoto: '' },
			}),
		).toEqual({
			serviceCode: 'buche',
			description: 'Buca',
			descriptionTruncated: false,
			lat: 44.0594,
			long: 12.5683,
			addressString: 'Piazza Cavour 27, Rimini',
			firstName: 'Maria',
			lastName: 'Rossi',
			phone: '+39 333 1234567',
			email: 'maria.rossi@example.it',
			mediaUrl: 'https://www.comune.rimini.it/foto/1.jpg',
			attributes: { numero_palo: 'RN-01234' },
		});
	});

	test.each<[string, ServiceRequestInput, string, RegExp]>([
		['no service code', { ...base, serviceCode: ' ' }, 'serviceCode', /Service code is required/],
		['no location', { serviceCode: 'buche' }, 'location', /A location is required/],
		['lat without long', { serviceCode: 'buche', lat: 44 }, 'long', /lat and long go together/],
		['long without lat', { serviceCode: 'buche', long: 12 }, 'lat', /lat and long go together/],
		['a bad email', { ...base, email: 'maria@' }, 'email', /not a valid address/],
		[
			'an email with spaces',
			{ ...base, email: 'maria rossi@x.it' },
			'email',
			/not a valid address/,
		],
		['a bad phone', { ...base, phone: 'chiamami' }, 'phone', /not a phone number/],
		[
			'a relative media URL',
			{ ...base, mediaUrl: '/foto/1.jpg' },
			'mediaUrl',
			/absolute http\(s\) URL/,
		],
		[
			'a javascript: media URL',
			{ ...base, mediaUrl: 'javascript:alert(1)' },
			'mediaUrl',
			/absolute http\(s\) URL/,
		],
		[
			'an ftp media URL',
			{ ...base, mediaUrl: 'ftp://x.it/a.jpg' },
			'mediaUrl',
			/absolute http\(s\) URL/,
		],
		['a too long name', { ...base, firstName: 'x'.repeat(1001) }, 'firstName', /at most 1000/],
		[
			'an attribute code with brackets',
			{ ...base, attributes: { 'a[b]': 'x' } },
			'attributes',
			/not valid/,
		],
		[
			'an attribute value that is an object',
			{ ...base, attributes: { a: {} as never } },
			'attributes',
			/not text/,
		],
		[
			'a description that is not text',
			{ ...base, description: 42 as never },
			'description',
			/must be text/,
		],
	])('%s is refused', (_label, input, field, message) => {
		const error = inputError(() => prepareServiceRequest(input));
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
		expect(error.hintIt.length).toBeGreaterThan(10);
	});

	test('an address or an address id is a location too; requireLocation: false drops the check', () => {
		expect(
			prepareServiceRequest({ serviceCode: 'altro', addressString: 'Via Roma 1' }).addressString,
		).toBe('Via Roma 1');
		expect(
			prepareServiceRequest({ serviceCode: 'altro', addressId: 545483 as never }).addressId,
		).toBe('545483');
		expect(
			prepareServiceRequest({ serviceCode: 'altro' }, { requireLocation: false }).serviceCode,
		).toBe('altro');
	});

	test('attributes: a list or an array collects values; a repeated code becomes a list', () => {
		expect(
			prepareServiceRequest({
				...base,
				attributes: [
					{ code: 'tipo', value: 'vetro' },
					{ code: 'tipo', value: 'carta' },
					{ code: 'quantita', value: 3 },
					{ code: 'urgente', value: true },
					{ code: 'vuoto', value: '' },
				],
			}).attributes,
		).toEqual({ tipo: ['vetro', 'carta'], quantita: '3', urgente: 'true' });
		expect(
			prepareServiceRequest({ ...base, attributes: { tipo: ['vetro'], x: [] } }).attributes,
		).toEqual({ tipo: ['vetro'] });
	});
});

describe('prepareServiceRequest: attributes against a service definition', () => {
	const definition: ServiceDefinition = {
		serviceCode: 'illuminazione',
		attributes: [
			{
				code: 'numero_palo',
				variable: true,
				datatype: 'string',
				required: false,
				order: 1,
				values: [],
			},
			{
				code: 'tipo_guasto',
				variable: true,
				datatype: 'singlevaluelist',
				required: true,
				order: 2,
				description: 'Che cosa non funziona?',
				values: [
					{ key: 'spento', name: 'Lampione spento' },
					{ key: 'intermittente', name: 'Luce intermittente' },
				],
			},
			{
				code: 'extra',
				variable: true,
				datatype: 'multivaluelist',
				required: false,
				order: 3,
				values: [
					{ key: 'a', name: 'Alfa' },
					{ key: 'b', name: 'Beta' },
				],
			},
			{ code: 'pali', variable: true, datatype: 'number', required: false, order: 4, values: [] },
			{
				code: 'quando',
				variable: true,
				datatype: 'datetime',
				required: false,
				order: 5,
				values: [],
			},
			{ code: 'nota', variable: false, datatype: 'text', required: false, order: 6, values: [] },
		],
	};
	const lamp: ServiceRequestInput = { serviceCode: 'illuminazione', ...RIMINI };

	test('values by key or by name; a single multivaluelist value still goes as a list', () => {
		expect(
			prepareServiceRequest(
				{
					...lamp,
					attributes: {
						tipo_guasto: 'luce intermittente',
						extra: 'Beta',
						pali: '2',
						quando: '2026-03-02T09:30:00+01:00',
					},
				},
				{ definition },
			).attributes,
		).toEqual({
			tipo_guasto: 'intermittente',
			extra: ['b'],
			pali: '2',
			quando: '2026-03-02T09:30:00+01:00',
		});
	});

	test.each<[string, ServiceRequestInput['attributes'], RegExp, RegExp]>([
		[
			'a missing required attribute',
			{},
			/tipo_guasto is required/,
			/richiede l'attributo «tipo_guasto» \(Che cosa non funziona\?\).*«spento» Lampione spento/,
		],
		[
			'an unknown option',
			{ tipo_guasto: 'rotto' },
			/has no option "rotto"/,
			/usare uno di «spento», «intermittente»/,
		],
		[
			'two values for a single-value list',
			{ tipo_guasto: ['spento', 'intermittente'] },
			/takes one value/,
			/un solo valore/,
		],
		[
			'an unknown attribute',
			{ tipo_guasto: 'spento', colore: 'rosso' },
			/not one the service illuminazione asks for/,
			/non prevede l'attributo «colore»/,
		],
		[
			'an informational attribute',
			{ tipo_guasto: 'spento', nota: 'x' },
			/not one the service/,
			/non prevede/,
		],
		[
			'a number that is not',
			{ tipo_guasto: 'spento', pali: 'due' },
			/must be a number/,
			/deve essere un numero/,
		],
		[
			'a date that is not',
			{ tipo_guasto: 'spento', quando: 'ieri' },
			/ISO 8601 date/,
			/deve essere una data/,
		],
	])('%s is refused before sending', (_label, attributes, message, hint) => {
		const error = inputError(() => prepareServiceRequest({ ...lamp, attributes }, { definition }));
		expect(error.field).toBe('attributes');
		expect(error.message).toMatch(message);
		expect(error.hintIt).toMatch(hint);
	});
});

describe('normaliseFilter and toW3cDateTime', () => {
	test.each<[string | Date, string]>([
		['2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z'],
		['2026-03-01T10:15:00+01:00', '2026-03-01T09:15:00Z'],
		['2026-03-01T10:15:00', '2026-03-01T09:15:00Z'],
		['2026-07-01T10:15:00', '2026-07-01T08:15:00Z'],
		['2026-03-01', '2026-02-28T23:00:00Z'],
		[new Date('2026-03-01T12:00:00.123Z'), '2026-03-01T12:00:00Z'],
	])('%j → %s (Europe/Rome without offset)', (value, expected) => {
		expect(toW3cDateTime(value, 'startDate')).toBe(expected);
	});

	test('a filter is trimmed, split and deduplicated', () => {
		expect(
			normaliseFilter({
				serviceRequestIds: ' 1, 2 ,,2 ',
				serviceCodes: ['buche', ' illuminazione '],
				status: 'OPEN,closed',
				startDate: '2026-03-01T00:00:00Z',
				endDate: '2026-03-31T00:00:00Z',
			}),
		).toEqual({
			serviceRequestIds: ['1', '2'],
			serviceCodes: ['buche', 'illuminazione'],
			status: ['open', 'closed'],
			startDate: '2026-03-01T00:00:00Z',
			endDate: '2026-03-31T00:00:00Z',
		});
		expect(normaliseFilter()).toEqual({ serviceRequestIds: [], serviceCodes: [], status: [] });
	});

	test.each<[string, Parameters<typeof normaliseFilter>[0], string, RegExp]>([
		['an unknown status', { status: 'pending' }, 'status', /neither open nor closed/],
		['a date that is not one', { startDate: '1 marzo' }, 'startDate', /not an ISO 8601 date/],
		[
			'an end before the start',
			{ startDate: '2026-03-02T00:00:00Z', endDate: '2026-03-01T00:00:00Z' },
			'endDate',
			/before start date/,
		],
		[
			'a span over 90 days',
			{ startDate: '2026-01-01T00:00:00Z', endDate: '2026-04-02T00:00:00Z' },
			'endDate',
			/more than 90 days/,
		],
	])('%s is refused', (_label, filter, field, message) => {
		const error = inputError(() => normaliseFilter(filter));
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
	});
});
