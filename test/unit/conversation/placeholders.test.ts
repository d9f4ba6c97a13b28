/**
 * {placeholders} in staff's texts: filled once, nothing evaluated, nothing looked up outside the values
 * given; and the values a citizen's message gives them (dates in Italian, masked numbers, positions).
 */
import {
	fillPlaceholders,
	italianDateTime,
	listsForText,
	maskNumber,
	messagePlaceholders,
	nextOpeningPhrase,
	placeholdersIn,
	positionText,
	type MessageContext,
	type PlaceholderValues,
} from '../../../nodes/core/conversation/placeholders';

describe('fillPlaceholders', () => {
	test.each<{ label: string; template: string; values: PlaceholderValues; filled: string }>([
		{
			label: 'known names are replaced',
			template: 'Sei già iscritto a {liste}.',
			values: { liste: '#EMERGENZE' },
			filled: 'Sei già iscritto a #EMERGENZE.',
		},
		{
			label: 'the same name twice',
			template: '{nome}, {nome}!',
			values: { nome: 'Maria' },
			filled: 'Maria, Maria!',
		},
		{
			label: 'an unknown name is kept as written (a typo shows)',
			template: 'Pratica {pratcia}',
			values: { pratica: 12 },
			filled: 'Pratica {pratcia}',
		},
		{
			label: 'a value is not scanned again',
			template: '{messaggio}',
			values: { messaggio: 'il mio {numero} e {pratica}', pratica: 7, numero: '1' },
			filled: 'il mio {numero} e {pratica}',
		},
		{
			label: '{__proto__} is not resolved from Object.prototype',
			template: '{__proto__}',
			values: {},
			filled: '{__proto__}',
		},
		{
			label: '{constructor} and {toString} are not resolved from Object.prototype',
			template: '{constructor} {toString} {hasOwnProperty}',
			values: { nome: 'x' },
			filled: '{constructor} {toString} {hasOwnProperty}',
		},
		{
			label: 'null and undefined become empty',
			template: '[{a}][{b}]',
			values: { a: null, b: undefined },
			filled: '[][]',
		},
		{
			label: 'numbers and booleans as text',
			template: '{n} foto, {b}',
			values: { n: 0, b: false },
			filled: '0 foto, false',
		},
		{
			label: 'non-ASCII names',
			template: '{città}: {perché} {名前}',
			values: { città: 'Rimini', perché: 'sì', 名前: 'Maria' },
			filled: 'Rimini: sì Maria',
		},
		{
			label: 'not a name: spaces, punctuation, nested braces, empty',
			template: '{ nome } {no-me} {{nome}} {} {nome.x}',
			values: { nome: 'M', 'no-me': 'X', 'nome.x': 'Y' },
			filled: '{ nome } {no-me} {M} {} {nome.x}',
		},
		{
			label: 'a name longer than 64 characters is not one',
			template: `{${'a'.repeat(65)}}`,
			values: { ['a'.repeat(65)]: 'x' },
			filled: `{${'a'.repeat(65)}}`,
		},
		{
			label: 'expression syntax is not evaluated',
			template: '{{ $json.secret }} ${process.env.X}',
			values: { $json: 'no' },
			filled: '{{ $json.secret }} ${process.env.X}',
		},
		{
			label: '$ patterns in values are literal',
			template: '{a}',
			values: { a: "$& $1 $$ $'" },
			filled: "$& $1 $$ $'",
		},
		{ label: 'an empty template', template: '', values: { a: 'x' }, filled: '' },
	])('$label', ({ template, values, filled }) => {
		expect(fillPlaceholders(template, values)).toBe(filled);
	});

	test('a template that is not text is read as text; null as empty', () => {
		expect(fillPlaceholders(null as unknown as string, {})).toBe('');
		expect(fillPlaceholders(42 as unknown as string, {})).toBe('42');
	});

	test('a long hostile template stays linear', () => {
		const template = '{'.repeat(50_000) + 'a'.repeat(50_000) + '}'.repeat(50_000);
		const started = Date.now();
		fillPlaceholders(template, { a: 'x' });
		expect(Date.now() - started).toBeLessThan(1000);
	});
});

describe('placeholdersIn', () => {
	test.each<[string, string[]]>([
		['Gentile {nome}, pratica {pratica}.', ['nome', 'pratica']],
		['{b} {a} {b}', ['b', 'a']],
		['{ nome } {} {no-me} {{x}}', ['x']],
		['{città} {名前}', ['città', '名前']],
		['nessuno', []],
		['{__proto__}', ['__proto__']],
	])('%s → %j', (template, names) => {
		expect(placeholdersIn(template)).toEqual(names);
	});
});

describe('listsForText', () => {
	test.each<[string[], string | undefined, string]>([
		[[], undefined, ''],
		[['EMERGENZE'], undefined, '#EMERGENZE'],
		[['EMERGENZE', "PUBBLICAUTILITA'"], undefined, "#EMERGENZE e #PUBBLICAUTILITA'"],
		[['A', 'B', 'C'], undefined, '#A, #B e #C'],
		[['A', 'B', 'C'], ', ', '#A, #B, #C'],
		[['pippo'], ', ', '#pippo'],
	])('%j with %j → %s', (lists, joiner, text) => {
		expect(listsForText(lists, joiner)).toBe(text);
	});
});

describe('maskNumber', () => {
	test.each<[string, string]>([
		['393331234567', '39******4567'],
		[' 393331234567 ', '39******4567'],
		['1234567', '12*4567'],
		['123456', '******'],
		['12', '**'],
		['', ''],
	])('%j → %j', (waId, masked) => {
		expect(maskNumber(waId)).toBe(masked);
	});
});

describe('italianDateTime', () => {
	test.each<[string, string, string]>([
		['2026-03-02T09:15:00Z', 'Europe/Rome', 'lunedì 2 marzo 2026 alle 10:15'],
		['2026-03-02T08:05:00Z', 'Europe/Rome', 'lunedì 2 marzo 2026 alle 9:05'],
		['2026-03-01T23:30:00Z', 'Europe/Rome', 'lunedì 2 marzo 2026 alle 0:30'],
		['2026-03-01T23:30:00Z', 'UTC', 'domenica 1 marzo 2026 alle 23:30'],
		// spring forward: 2:00 CET → 3:00 CEST on Sunday 29 March 2026
		['2026-03-29T00:59:00Z', 'Europe/Rome', 'domenica 29 marzo 2026 alle 1:59'],
		['2026-03-29T01:00:00Z', 'Europe/Rome', 'domenica 29 marzo 2026 alle 3:00'],
		// fall back: 3:00 CEST → 2:00 CET on Sunday 25 October 2026; 2:30 happens twice
		['2026-10-25T00:30:00Z', 'Europe/Rome', 'domenica 25 ottobre 2026 alle 2:30'],
		['2026-10-25T01:30:00Z', 'Europe/Rome', 'domenica 25 ottobre 2026 alle 2:30'],
		['2026-10-25T02:30:00Z', 'Europe/Rome', 'domenica 25 ottobre 2026 alle 3:30'],
		['2026-12-31T23:00:00Z', 'Europe/Rome', 'venerdì 1 gennaio 2027 alle 0:00'],
		['2026-03-02T10:15:00+01:00', 'Europe/Rome', 'lunedì 2 marzo 2026 alle 10:15'],
	])('%s in %s → %s', (iso, timeZone, text) => {
		expect(italianDateTime(iso, timeZone)).toBe(text);
	});

	test.each(['', 'ieri', '2026-13-45T99:00:00Z', 'NaN'])('%j is no date: empty', (iso) => {
		expect(italianDateTime(iso)).toBe('');
	});

	test('an unknown time zone throws RangeError', () => {
		expect(() => italianDateTime('2026-03-02T09:15:00Z', 'Mars/Olympus')).toThrow(RangeError);
	});
});

describe('nextOpeningPhrase', () => {
	test.each<[string, string, string]>([
		['domani alle 9:00', '2026-03-02T09:00:00+01:00', 'domani, lunedì 2 marzo, alle 9:00'],
		['oggi alle 14:30', '2026-03-03T14:30:00+01:00', 'oggi, martedì 3 marzo, alle 14:30'],
		// the date of the office's own wall clock, not of UTC
		['domani alle 0:30', '2026-03-03T00:30:00+01:00', 'domani, martedì 3 marzo, alle 0:30'],
		['martedì 3 marzo alle 9:00', '2026-03-03T09:00:00+01:00', 'martedì 3 marzo alle 9:00'],
		['domani alle 9:00', '', 'domani alle 9:00'],
		['domani alle 9:00', 'non una data', 'domani alle 9:00'],
		['', '2026-03-02T09:00:00+01:00', ''],
		['dopodomani alle 9:00', '2026-03-02T09:00:00+01:00', 'dopodomani alle 9:00'],
	])('%j + %j → %j', (text, iso, phrase) => {
		expect(nextOpeningPhrase(text, iso)).toBe(phrase);
	});
});

describe('positionText', () => {
	const link = (lat: string, lon: string) =>
		`${lat}, ${lon} – https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=18/${lat}/${lon}`;
	test.each<[string, unknown, unknown, string]>([
		['numbers', 44.0596, 12.5683, link('44.0596', '12.5683')],
		['numeric text', '44.0596', ' 12.5683 ', link('44.0596', '12.5683')],
		['at most 6 decimals', 44.059612345, 12.5, link('44.059612', '12.5')],
		['tiny numbers without an exponent', 1e-7, -1e-7, link('0', '0')],
		['the limits', -90, 180, link('-90', '180')],
		['zero is a position', 0, 0, link('0', '0')],
		['latitude out of range', 90.5, 12, ''],
		['longitude out of range', 44, -180.1, ''],
		['null', null, 12, ''],
		['undefined', 44, undefined, ''],
		['empty text', '', '', ''],
		['blank text', ' ', '12', ''],
		['booleans', true, false, ''],
		['arrays', [], [44], ''],
		['objects', {}, { valueOf: () => 44 }, ''],
		['words', 'nord', 'est', ''],
		['NaN and Infinity', Number.NaN, Number.POSITIVE_INFINITY, ''],
		['hex text', '0x10', '12', link('16', '12')],
	])('%s', (_label, latitude, longitude, text) => {
		expect(positionText(latitude, longitude)).toBe(text);
	});
});

describe('messagePlaceholders', () => {
	const message: MessageContext = {
		messageId: 'wamid.1',
		timestamp: '2026-03-02T18:45:00.000Z',
		type: 'text',
		text: 'C’è una buca in via Roma',
		from: { waId: '393331234567', name: ' Maria Rossi ' },
		location: { latitude: 44.0596, longitude: 12.5683, name: 'Piazza Cavour', address: 'Rimini' },
		officeHours: {
			holidayName: 'Festa del Patrono',
			nextOpening: '2026-03-03T09:00:00+01:00',
			nextOpeningText: 'domani alle 9:00',
			scheduleText: 'lunedì–venerdì 9:00–13:00',
		},
		caseId: 42,
	};

	test('a complete message', () => {
		expect(messagePlaceholders(message)).toMatchObject({
			nome: 'Maria Rossi',
			mittente: 'Maria Rossi',
			numero_mascherato: '39******4567',
			telefono: '+393331234567',
			ricevuto: 'lunedì 2 marzo 2026 alle 19:45',
			messaggio: 'C’è una buca in via Roma',
			tipo: 'text',
			posizione: positionText(44.0596, 12.5683),
			luogo: 'Piazza Cavour, Rimini',
			orari: 'lunedì–venerdì 9:00–13:00',
			prossima_apertura: 'domani, martedì 3 marzo, alle 9:00',
			chiusura: ' (Festa del Patrono)',
			pratica: '42',
		});
	});

	test.each<{ label: string; item: MessageContext; expected: Record<string, string> }>([
		{
			label: 'an empty item: defaults, nothing thrown',
			item: {},
			expected: {
				nome: '(nome non indicato)',
				mittente: '',
				numero_mascherato: '',
				telefono: '',
				ricevuto: '',
				messaggio: '(messaggio senza testo, di tipo sconosciuto)',
				tipo: '',
				posizione: '',
				luogo: '',
				orari: '',
				prossima_apertura: '',
				chiusura: '',
				pratica: '',
			},
		},
		{
			label: 'no name: the masked number is the sender',
			item: { from: { waId: '393331234567' } },
			expected: { nome: '(nome non indicato)', mittente: '39******4567' },
		},
		{
			label: 'a username user without a number',
			item: { from: { userId: 'IT.1502576394655843' } },
			expected: {
				mittente: 'IT.1502576394655843',
				numero_mascherato: 'IT.1502576394655843',
				telefono: 'IT.1502576394655843',
			},
		},
		{
			label: 'a photo with a caption',
			item: { type: 'image', caption: 'lampione spento' },
			expected: { messaggio: 'lampione spento', tipo: 'image' },
		},
		{
			label: 'a photo without a caption',
			item: { type: 'image', media: { id: 'm1' } },
			expected: { messaggio: '(messaggio senza testo, di tipo image)' },
		},
		{
			label: 'hostile shapes: from, location and officeHours as text, arrays',
			item: {
				from: 'Maria' as unknown as MessageContext['from'],
				location: 'via Roma' as unknown as MessageContext['location'],
				officeHours: [] as unknown as MessageContext['officeHours'],
				text: { a: 1 },
				timestamp: 'ieri',
			},
			expected: {
				nome: '(nome non indicato)',
				posizione: '',
				luogo: '',
				orari: '',
				ricevuto: '',
				messaggio: '(messaggio senza testo, di tipo sconosciuto)',
			},
		},
		{
			label: 'a position without coordinates has no {posizione}',
			item: { location: { latitude: '', longitude: '', name: 'Arco d’Augusto' } },
			expected: { posizione: '', luogo: 'Arco d’Augusto' },
		},
		{
			label: 'a name that looks like a placeholder stays text',
			item: { from: { waId: '393331234567', name: '{pratica}' }, caseId: 5 },
			expected: { nome: '{pratica}', pratica: '5' },
		},
	])('$label', ({ item, expected }) => {
		expect(messagePlaceholders(item)).toMatchObject(expected);
	});

	test("the item's placeholders win; null becomes empty; objects are ignored", () => {
		const values = messagePlaceholders({
			...message,
			placeholders: {
				pratica: 'P-7',
				liste: '#EMERGENZE',
				foto: 2,
				vuoto: null,
				oggetto: { a: 1 },
			},
		});
		expect(values).toMatchObject({ pratica: 'P-7', liste: '#EMERGENZE', foto: '2', vuoto: '' });
		expect(values).not.toHaveProperty('oggetto');
	});

	test.each([null, 'testo', ['a'], 5])(
		'placeholders %j that are not an object are ignored',
		(placeholders) => {
			expect(messagePlaceholders({ caseId: 3, placeholders }).pratica).toBe('3');
		},
	);

	test('hostile placeholder names do not touch the prototype', () => {
		const values = messagePlaceholders({
			placeholders: JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "c"}') as unknown,
		});
		expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(fillPlaceholders('{polluted} {constructor}', values)).toBe('{polluted} c');
	});

	test('{ricevuto} in another time zone', () => {
		expect(messagePlaceholders(message, 'UTC').ricevuto).toBe('lunedì 2 marzo 2026 alle 18:45');
	});
});
