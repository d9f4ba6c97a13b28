/**
 * Reading the trigger's item (and the Conversation node's parameters) into what the conversation
 * ledger takes: the citizen, the report part, the instant, the rules, the case change. Malformed and
 * hostile items are ConversationInputError naming the field.
 */
import {
	caseChangeFromParameters,
	citizenFromItem,
	closureFromParameter,
	ConversationInputError,
	defaultServiceKeywordRows,
	instantFromItem,
	isTimeZone,
	locationFromItem,
	messageIdFromItem,
	outOfHoursFromItem,
	reportPartFromItem,
	reportRulesFromParameters,
} from '../../../nodes/core/conversation/inbound';
import {
	DEFAULT_REPORT_RULES,
	RIMINI_SERVICE_KEYWORDS,
} from '../../../nodes/core/conversation/report';

const NOW = new Date('2026-03-03T10:00:00.000Z');

function fieldOf(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(ConversationInputError);
		return (error as ConversationInputError).field;
	}
	throw new Error('did not throw');
}

describe('citizenFromItem', () => {
	test.each<[string, Record<string, unknown>, object]>([
		[
			'number and name',
			{ from: { waId: '393331234567', name: 'Maria' } },
			{ waId: '393331234567', name: 'Maria' },
		],
		['user id only', { from: { userId: 'IT.15' } }, { userId: 'IT.15' }],
		[
			'both, trimmed',
			{ from: { waId: ' 39333 ', userId: ' IT.1 ', name: '  ' } },
			{ waId: '39333', userId: 'IT.1' },
		],
		['a number as a number', { from: { waId: 393331234567 } }, { waId: '393331234567' }],
		[
			'a name that is not text is left out',
			{ from: { waId: '39', name: { x: 1 } } },
			{ waId: '39' },
		],
	])('%s', (_label, item, citizen) => {
		expect(citizenFromItem(item)).toEqual(citizen);
	});

	test.each<[string, Record<string, unknown>]>([
		['no from', {}],
		['from null', { from: null }],
		['from as text', { from: '393331234567' }],
		['from as array', { from: ['393331234567'] }],
		['empty ids', { from: { waId: '', userId: '  ' } }],
		['ids of the wrong type', { from: { waId: true, userId: { a: 1 } } }],
		['NaN', { from: { waId: Number.NaN } }],
	])('%s → from', (_label, item) => {
		expect(fieldOf(() => citizenFromItem(item))).toBe('from');
	});
});

describe('instantFromItem', () => {
	test.each<[string, unknown, string]>([
		['ISO UTC', '2026-03-02T18:45:00.000Z', '2026-03-02T18:45:00.000Z'],
		['ISO with offset', '2026-03-02T19:45:00+01:00', '2026-03-02T18:45:00.000Z'],
		['epoch seconds (number)', 1_772_477_100, '2026-03-02T18:45:00.000Z'],
		['epoch seconds (text)', '1772477100', '2026-03-02T18:45:00.000Z'],
		['missing → now', undefined, NOW.toISOString()],
		['null → now', null, NOW.toISOString()],
		['empty → now', '', NOW.toISOString()],
	])('%s', (_label, value, iso) => {
		expect(instantFromItem(value, NOW).toISOString()).toBe(iso);
	});

	test.each<[string, unknown]>([
		['words', 'ieri sera'],
		['impossible date', '2026-13-45T99:00:00Z'],
		['an object', { at: 1 }],
		['true', true],
		['Infinity', Number.POSITIVE_INFINITY],
		['a short number text', '12'],
	])('%s → timestamp', (_label, value) => {
		expect(fieldOf(() => instantFromItem(value, NOW))).toBe('timestamp');
	});
});

describe('locationFromItem', () => {
	test.each<[string, unknown, unknown]>([
		['absent', undefined, undefined],
		['null', null, undefined],
		[
			'coordinates only',
			{ latitude: 44.06, longitude: 12.57 },
			{ latitude: 44.06, longitude: 12.57 },
		],
		[
			'name and address joined',
			{ latitude: 44.06, longitude: 12.57, name: 'Piazza Cavour', address: 'Rimini' },
			{ latitude: 44.06, longitude: 12.57, place: 'Piazza Cavour, Rimini' },
		],
		[
			'address only, numeric text',
			{ latitude: '44.06', longitude: '12.57', address: ' Via Roma 1 ' },
			{ latitude: 44.06, longitude: 12.57, place: 'Via Roma 1' },
		],
		['zero is a position', { latitude: 0, longitude: 0 }, { latitude: 0, longitude: 0 }],
	])('%s', (_label, value, location) => {
		expect(locationFromItem(value)).toEqual(location);
	});

	test.each<[string, unknown]>([
		['words', { latitude: 'nord', longitude: 12 }],
		['empty text', { latitude: '', longitude: '' }],
		['missing longitude', { latitude: 44 }],
		['out of range', { latitude: 91, longitude: 12 }],
		['out of range longitude', { latitude: 44, longitude: -181 }],
		['booleans', { latitude: true, longitude: false }],
		['Infinity', { latitude: Number.POSITIVE_INFINITY, longitude: 0 }],
		['text instead of an object', 'via Roma'],
		['an array', [44, 12]],
	])('%s → location', (_label, value) => {
		expect(fieldOf(() => locationFromItem(value))).toBe('location');
	});
});

describe('reportPartFromItem', () => {
	test('a photo with a caption, its media and the name', () => {
		expect(
			reportPartFromItem(
				{
					messageId: 'wamid.1',
					timestamp: '2026-03-02T18:45:00Z',
					type: 'image',
					caption: 'buca profonda',
					media: { id: 'm1', mimeType: 'image/jpeg', sha256: 'x', filename: 7 },
					from: { waId: '39', name: ' Maria ' },
				},
				NOW,
			),
		).toEqual({
			messageId: 'wamid.1',
			receivedAt: '2026-03-02T18:45:00.000Z',
			type: 'image',
			text: 'buca profonda',
			media: { id: 'm1', mimeType: 'image/jpeg', filename: '7' },
			name: 'Maria',
		});
	});

	test('a position: place from name and address; no timestamp → now; no type → unknown', () => {
		expect(
			reportPartFromItem(
				{ messageId: 'wamid.2', location: { latitude: 44, longitude: 12, name: 'Arco' } },
				NOW,
			),
		).toEqual({
			messageId: 'wamid.2',
			receivedAt: NOW.toISOString(),
			type: 'unknown',
			location: { latitude: 44, longitude: 12, place: 'Arco' },
		});
	});

	test('text wins over caption; blank text falls back to the caption; media without id is left out', () => {
		expect(
			reportPartFromItem({ messageId: 'a', text: 'testo', caption: 'didascalia' }, NOW).text,
		).toBe('testo');
		expect(
			reportPartFromItem({ messageId: 'a', text: '  ', caption: 'didascalia' }, NOW).text,
		).toBe('didascalia');
		const part = reportPartFromItem({ messageId: 'a', text: { evil: 1 }, media: { id: '' } }, NOW);
		expect(part).not.toHaveProperty('text');
		expect(part).not.toHaveProperty('media');
	});

	test.each<[string, Record<string, unknown>, string]>([
		['no message id', { timestamp: '2026-03-02T18:45:00Z' }, 'messageId'],
		['message id not text', { messageId: { id: 1 } }, 'messageId'],
		['bad timestamp', { messageId: 'a', timestamp: 'domani' }, 'timestamp'],
		['bad location', { messageId: 'a', location: { latitude: 'x', longitude: 'y' } }, 'location'],
	])('%s → %s', (_label, item, field) => {
		expect(fieldOf(() => reportPartFromItem(item, NOW))).toBe(field);
	});

	test('messageIdFromItem trims and refuses blanks', () => {
		expect(messageIdFromItem({ messageId: ' wamid.X ' })).toBe('wamid.X');
		expect(fieldOf(() => messageIdFromItem({ messageId: '   ' }))).toBe('messageId');
	});
});

describe('outOfHoursFromItem', () => {
	test.each<[unknown, boolean]>([
		[{ open: false }, true],
		[{ open: true }, false],
		[{}, false],
		[undefined, false],
		['closed', false],
		[{ open: 'false' }, false],
	])('officeHours %j → %s', (officeHours, outOfHours) => {
		expect(outOfHoursFromItem({ officeHours })).toBe(outOfHours);
	});
});

describe('reportRulesFromParameters', () => {
	test('the default rows are the defaults of the rules', () => {
		const rows = defaultServiceKeywordRows();
		expect(rows.map((row) => row.code)).toEqual(['buche', 'illuminazione', 'rifiuti']);
		expect(rows[0].keywords).toBe(RIMINI_SERVICE_KEYWORDS[0].keywords.join(', '));
		expect(
			reportRulesFromParameters({
				serviceKeywords: rows,
				fallbackService: 'altro',
				windowHours: 24,
			}),
		).toEqual(DEFAULT_REPORT_RULES);
	});

	test('rows are trimmed, keywords split; windows from a minute to a week', () => {
		expect(
			reportRulesFromParameters({
				serviceKeywords: [{ code: ' verde ', keywords: 'albero, ramo ,, siepe' }],
				fallbackService: ' altro ',
				windowHours: '0.5',
			}),
		).toEqual({
			services: [{ service: 'verde', keywords: ['albero', 'ramo', 'siepe'] }],
			fallbackService: 'altro',
			windowMs: 1_800_000,
		});
		expect(
			reportRulesFromParameters({ serviceKeywords: [], fallbackService: 'x', windowHours: 168 })
				.windowMs,
		).toBe(7 * 24 * 3_600_000);
		expect(
			reportRulesFromParameters({ serviceKeywords: [], fallbackService: 'x', windowHours: 1 / 60 })
				.windowMs,
		).toBeCloseTo(60_000);
	});

	test.each<[string, unknown, string]>([
		['zero hours', 0, 'windowHours'],
		['negative', -1, 'windowHours'],
		['over a week', 169, 'windowHours'],
		['absurd', 1e300, 'windowHours'],
		['NaN', Number.NaN, 'windowHours'],
		['words', 'ventiquattro', 'windowHours'],
		['empty', '', 'windowHours'],
		['an object', { hours: 24 }, 'windowHours'],
		['half a minute', 0.5 / 60, 'windowHours'],
	])('window %s → %s', (_label, windowHours, field) => {
		expect(
			fieldOf(() =>
				reportRulesFromParameters({ serviceKeywords: [], fallbackService: 'altro', windowHours }),
			),
		).toBe(field);
	});

	test.each<[string, object[], unknown, string]>([
		['a row without a code', [{ code: ' ', keywords: 'buca' }], 'altro', 'serviceKeywords'],
		['a row without keywords', [{ code: 'buche', keywords: ' , ' }], 'altro', 'serviceKeywords'],
		['keywords not text', [{ code: 'buche', keywords: ['buca'] }], 'altro', 'serviceKeywords'],
		[
			'a service named "fallback" without keywords',
			[{ code: 'fallback', keywords: '' }],
			'altro',
			'serviceKeywords',
		],
		[
			'a service named "window" without keywords',
			[{ code: 'window', keywords: '' }],
			'altro',
			'serviceKeywords',
		],
		[
			'keywords of punctuation only',
			[{ code: 'buche', keywords: '!!, ...' }],
			'altro',
			'serviceKeywords',
		],
		['no fallback', [], '', 'fallbackService'],
		['fallback not text', [], { a: 1 }, 'fallbackService'],
	])('%s → %s', (_label, serviceKeywords, fallbackService, field) => {
		expect(
			fieldOf(() =>
				reportRulesFromParameters({ serviceKeywords, fallbackService, windowHours: 24 }),
			),
		).toBe(field);
	});
});

describe('closureFromParameter', () => {
	test.each<[unknown, string]>([
		['2026-03-03T09:00:00.000+01:00', '2026-03-03T09:00:00.000+01:00'],
		[' 2026-03-03T09:00:00Z ', '2026-03-03T09:00:00Z'],
	])('%j → %j', (value, closure) => {
		expect(closureFromParameter(value)).toBe(closure);
	});

	test.each([null, undefined, '', '  ', { at: 1 }])('%j → nextOpening', (value) => {
		expect(fieldOf(() => closureFromParameter(value))).toBe('nextOpening');
	});
});

describe('caseChangeFromParameters', () => {
	test.each<[string, object, object]>([
		['keep: nothing', { state: 'keep' }, {}],
		['no state: nothing', {}, {}],
		['a state', { state: 'answered' }, { state: 'answered' }],
		[
			'every field',
			{
				state: 'registered',
				routedTo: 'segnala',
				portalService: ' buche ',
				portalRequestId: 12345,
				answeredHow: 'template',
				replyWamid: 'wamid.R',
				closedReason: 'registered',
			},
			{
				state: 'registered',
				routedTo: 'segnala',
				portalService: 'buche',
				portalRequestId: '12345',
				answeredHow: 'template',
				replyWamid: 'wamid.R',
				closedReason: 'registered',
			},
		],
		['empty fields are left out', { routedTo: '', portalRequestId: '', replyWamid: '  ' }, {}],
	])('%s', (_label, parameters, change) => {
		expect(caseChangeFromParameters(parameters)).toEqual(change);
	});

	test.each<[string, object, string]>([
		['unknown state', { state: 'reopened' }, 'state'],
		['a state spelled in capitals', { state: 'Closed' }, 'state'],
		['unknown route', { routedTo: 'fax' }, 'routedTo'],
		['unknown answer kind', { answeredHow: 'pigeon' }, 'answeredHow'],
		['a field as an object', { portalRequestId: { id: 1 } }, 'portalRequestId'],
		['a field as an array', { closedReason: ['a'] }, 'closedReason'],
	])('%s → %s', (_label, parameters, field) => {
		expect(fieldOf(() => caseChangeFromParameters(parameters))).toBe(field);
	});
});

describe('isTimeZone', () => {
	test.each<[unknown, boolean]>([
		['Europe/Rome', true],
		['UTC', true],
		['Mars/Olympus', false],
		['', false],
		[null, false],
		[42, false],
	])('%j → %s', (timeZone, known) => {
		expect(isTimeZone(timeZone)).toBe(known);
	});
});
