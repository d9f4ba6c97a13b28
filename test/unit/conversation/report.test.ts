/**
 * Report assembly (pure): completeness, the 24 h window, the service chosen by the citizen's words, the
 * street-lighting fault, the portal's description, the name split, hostile texts, staff's rules.
 */
import {
	assembleReport,
	chooseService,
	containsKeyword,
	DEFAULT_FALLBACK_SERVICE,
	DEFAULT_REPORT_RULES,
	DEFAULT_REPORT_WINDOW_MS,
	foldForKeywords,
	keywordsFromText,
	lightingFaultType,
	MAX_REPORT_WINDOW_MS,
	partsInWindow,
	RIMINI_SERVICE_KEYWORDS,
	validateReportRules,
} from '../../../nodes/core/conversation/report';
import type { ReportPart, ReportRules } from '../../../nodes/core/conversation/types';

const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

let seq = 0;
function part(minutes: number, fields: Partial<ReportPart> = {}): ReportPart {
	seq += 1;
	return { messageId: `wamid.p${seq}`, receivedAt: iso(minutes), type: 'text', ...fields };
}
const photo = (minutes: number, id = `media-${minutes}`, extra: Partial<ReportPart> = {}) =>
	part(minutes, { type: 'image', media: { id, mimeType: 'image/jpeg' }, ...extra });
const text = (minutes: number, words: string) => part(minutes, { text: words });
const position = (minutes: number, place?: string) =>
	part(minutes, {
		type: 'location',
		location: { latitude: 44.0596, longitude: 12.5683, ...(place !== undefined ? { place } : {}) },
	});

const rules = (): ReportRules => validateReportRules(DEFAULT_REPORT_RULES);

describe('assembleReport: completeness', () => {
	test.each<[string, () => ReportPart[], boolean, 'position' | 'description' | null, number]>([
		['no part at all', () => [], false, 'position', 0],
		['a photo only', () => [photo(0)], false, 'position', 1],
		['a description only', () => [text(0, 'buca in via Flaminia')], false, 'position', 1],
		['a position only', () => [position(0)], false, 'description', 1],
		['a position and blank text', () => [position(0), text(1, '   \n ')], false, 'description', 2],
		[
			'a position and a media without id',
			() => [position(0), part(1, { type: 'image', media: { id: '' } })],
			false,
			'description',
			2,
		],
		['text then position', () => [text(0, 'buca'), position(1)], true, null, 2],
		['position then text', () => [position(0), text(1, 'buca')], true, null, 2],
		['photo then position', () => [photo(0), position(2)], true, null, 2],
		['position then photo', () => [position(0), photo(2)], true, null, 2],
		[
			'three photos, a caption and a position',
			() => [
				photo(0, 'a'),
				photo(1, 'b', { text: 'cassonetto pieno' }),
				photo(2, 'c'),
				position(3),
			],
			true,
			null,
			4,
		],
	])('%s', (_, parts, complete, missing, messages) => {
		const report = assembleReport(parts(), rules());
		expect(report).toMatchObject({ complete, missing, messages });
		expect(report.messageIds).toHaveLength(messages);
	});

	test('photos keep id, type and file name (empty when not given), oldest first', () => {
		const report = assembleReport(
			[
				photo(5, 'second'),
				part(0, {
					type: 'document',
					media: { id: 'first', mimeType: 'image/png', filename: 'foto.png' },
				}),
				position(9),
			],
			rules(),
		);
		expect(report.photos).toEqual([
			{ id: 'first', mimeType: 'image/png', filename: 'foto.png' },
			{ id: 'second', mimeType: 'image/jpeg', filename: '' },
		]);
	});

	test('the last position given wins; its place is kept', () => {
		const report = assembleReport(
			[
				position(0, 'Piazza Cavour'),
				part(1, {
					type: 'location',
					location: { latitude: 44.06, longitude: 12.57, place: 'Via Roma 5' },
				}),
				text(2, 'buca'),
			],
			rules(),
		);
		expect(report).toMatchObject({ latitude: 44.06, longitude: 12.57, place: 'Via Roma 5' });
		expect(assembleReport([text(0, 'x')], rules())).toMatchObject({
			latitude: null,
			longitude: null,
			place: '',
		});
	});
});

describe('assembleReport and partsInWindow: the 24 h window', () => {
	test('parts older than the window before the NEWEST part are dropped (given in any order)', () => {
		const old = photo(-25 * 60, 'old-photo');
		const pos = position(0);
		const report = assembleReport([pos, old], rules());
		expect(report).toMatchObject({
			complete: false,
			missing: 'description',
			messages: 1,
			photos: [],
		});
		expect(report.messageIds).toEqual([pos.messageId]);
		expect(report.firstMessageAt).toBe(iso(0));
	});

	test.each<[string, number, boolean]>([
		['exactly 24 h before', -24 * 60, true],
		['one minute less than 24 h before', -24 * 60 + 1, true],
		['one minute more than 24 h before', -24 * 60 - 1, false],
	])('a photo sent %s the position belongs to the report: %s', (_, minutes, kept) => {
		const report = assembleReport([photo(minutes), position(0)], rules());
		expect(report.complete).toBe(kept);
		expect(report.messages).toBe(kept ? 2 : 1);
	});

	test('the window is the rules’ own; the newest part decides, not the clock', () => {
		const parts = [text(0, 'buca'), position(90)];
		expect(assembleReport(parts, { ...rules(), windowMs: HOUR }).complete).toBe(false);
		expect(assembleReport(parts, { ...rules(), windowMs: 2 * HOUR }).complete).toBe(true);
	});

	test('partsInWindow sorts oldest first (ties by message id) and copies', () => {
		const a = part(10, { messageId: 'b' });
		const b = part(10, { messageId: 'a' });
		const c = part(0, { messageId: 'z' });
		const input = [a, b, c];
		expect(partsInWindow(input, DEFAULT_REPORT_WINDOW_MS).map((p) => p.messageId)).toEqual([
			'z',
			'a',
			'b',
		]);
		expect(input).toEqual([a, b, c]);
		expect(partsInWindow([], DEFAULT_REPORT_WINDOW_MS)).toEqual([]);
	});

	test('a part whose time cannot be read is dropped and does not empty the report', () => {
		// its id sorts last: a comparator that gives NaN must not make it the "newest" part
		const broken = part(0, { messageId: 'zzz', receivedAt: 'not a date', text: 'buca' });
		for (const parts of [
			[broken, photo(1), position(2)],
			[photo(1), position(2), broken],
			[position(2), broken, photo(1)],
		]) {
			const report = assembleReport(parts, rules());
			expect(report).toMatchObject({ complete: true, messages: 2, text: '' });
			expect(report.messageIds).not.toContain(broken.messageId);
		}
	});

	test('firstMessageAt and messageIds follow the parts kept, oldest first', () => {
		const parts = [position(30), text(-2000, 'troppo vecchio'), text(10, 'buca'), photo(20)];
		const report = assembleReport(parts, rules());
		expect(report.firstMessageAt).toBe(iso(10));
		expect(report.messageIds).toEqual([parts[2], parts[3], parts[0]].map((p) => p.messageId));
		expect(report.text).toBe('buca');
	});
});

describe('service choice by keywords', () => {
	test.each<[string, string]>([
		['C’è una buca enorme', 'buche'],
		['BUCA!!!', 'buche'],
		['Bùca davanti alla scuola', 'buche'],
		['buche ovunque', 'buche'],
		['asfalto rovinato', 'buche'],
		['tombino123 rotto', 'buche'],
		['il lampione è spento', 'illuminazione'],
		['LAMPIONI spenti in via Roma', 'illuminazione'],
		['manca la luce', 'illuminazione'],
		['Il palo della luce è storto', 'illuminazione'],
		['cassonetto pieno', 'rifiuti'],
		['Immondizia ovunque', 'rifiuti'],
		// the order of the services decides when words of several are there
		['buca sotto il lampione e rifiuti accanto', 'buche'],
		['rifiuti accanto al lampione', 'illuminazione'],
		// a keyword inside another word does not count: only at the start of a word
		['è sbucato un gatto', DEFAULT_FALLBACK_SERVICE],
		['non c’è abbuca niente', DEFAULT_FALLBACK_SERVICE],
		['il marciapiedebuca', 'buche'], // starts with marciapiede
		['albero caduto', DEFAULT_FALLBACK_SERVICE],
		['', DEFAULT_FALLBACK_SERVICE],
		['🕳️🕳️buca🚧', 'buche'],
		['\u200Fbuca\u200E', 'buche'],
		['\u202Ecassonetto\u202C', 'rifiuti'],
		['حفرة في الطريق', DEFAULT_FALLBACK_SERVICE],
	])('%j → %s', (words, service) => {
		expect(chooseService(words, rules())).toBe(service);
	});

	test('keywords match at the START of a word (so plurals and inflections count), never inside one', () => {
		// a documented consequence: "bucato" (laundry) starts with "buca"
		expect(chooseService('ho steso il bucato', rules())).toBe('buche');
		expect(chooseService('la lucertola', rules())).toBe('illuminazione');
		expect(chooseService('traslucente', rules())).toBe(DEFAULT_FALLBACK_SERVICE);
	});

	test('a multi-word keyword is a phrase: its words in order, punctuation and spacing folded', () => {
		const phrase = {
			services: [{ service: 'pali', keywords: ['Palo della LUCE'] }],
			fallbackService: 'altro',
		};
		expect(chooseService('il palo della luce', phrase)).toBe('pali');
		expect(chooseService('PALO,   della\tluce!', phrase)).toBe('pali');
		expect(chooseService('pàlo della lùce', phrase)).toBe('pali');
		expect(chooseService('della luce il palo', phrase)).toBe('altro');
		expect(chooseService('palo della', phrase)).toBe('altro');
		expect(chooseService('sbpalo della luce', phrase)).toBe('altro');
	});

	test('staff’s keywords are folded too; a keyword of punctuation only never matches', () => {
		const custom = {
			services: [
				{ service: 'noise', keywords: ['!!!', '  '] },
				{ service: 'città', keywords: ['CITTÀ', 'Perché'] },
			],
			fallbackService: 'altro',
		};
		expect(chooseService('!!! citta', custom)).toBe('città');
		expect(chooseService('perche no', custom)).toBe('città');
		expect(chooseService('!!!', custom)).toBe('altro');
	});

	test('an empty rule set gives the fallback', () => {
		expect(chooseService('buca', { services: [], fallbackService: 'varie' })).toBe('varie');
	});

	test.each<[string, string]>([
		['Città', ' citta '],
		['  Già—però,  PERCHÉ?! ', ' gia pero perche '],
		['🚧', '  '],
		['', '  '],
		['A1 b2', ' a1 b2 '],
		['ÅNGSTRÖM', ' angstrom '],
	])('foldForKeywords(%j) = %j', (input, folded) => {
		expect(foldForKeywords(input)).toBe(folded);
	});

	test('containsKeyword: word start only, an empty keyword never', () => {
		const folded = foldForKeywords('la buca è profonda');
		expect(containsKeyword(folded, 'buca')).toBe(true);
		expect(containsKeyword(folded, 'BU')).toBe(true);
		expect(containsKeyword(folded, 'uca')).toBe(false);
		expect(containsKeyword(folded, '')).toBe(false);
		expect(containsKeyword(folded, ' ,; ')).toBe(false);
	});

	test.each<[string, string[]]>([
		['buca, buche , asfalto', ['buca', 'buche', 'asfalto']],
		['palo della luce;lampione\nluci', ['palo della luce', 'lampione', 'luci']],
		[' , ;\n', []],
		['', []],
	])('keywordsFromText(%j)', (input, keywords) => {
		expect(keywordsFromText(input)).toEqual(keywords);
	});

	test('keywordsFromText of null/undefined (an empty n8n field) is empty', () => {
		expect(keywordsFromText(undefined as unknown as string)).toEqual([]);
		expect(keywordsFromText(null as unknown as string)).toEqual([]);
	});
});

describe('street-lighting fault type', () => {
	test.each<[string, string]>([
		['il lampione è spento', 'spento'],
		['', 'spento'],
		['non si è acceso stasera', 'spento'],
		['luce intermittente', 'intermittente'],
		['lampioni INTERMITTENTI', 'intermittente'],
		['lampione a intermittenza', 'intermittente'],
		['la luce lampeggia', 'intermittente'],
		['lampeggiante da ieri', 'intermittente'],
		['si accende e si spegne di continuo', 'intermittente'],
		['lampione acceso di giorno', 'acceso_giorno'],
		['luci ACCESE in pieno giorno', 'acceso_giorno'],
		['la lampada resta accesa tutta la giornata', 'acceso_giorno'],
		['palo della luce piegato dal vento', 'danneggiato'],
		['lampione rotto', 'danneggiato'],
		['palo caduto sul marciapiede', 'danneggiato'],
		['lampione pericolante', 'danneggiato'],
		['lampione DANNEGGIATO', 'danneggiato'],
		// precedence: blinking first, then lit by day, then damaged
		['lampione rotto che lampeggia', 'intermittente'],
		['palo rotto ma acceso di giorno', 'acceso_giorno'],
		// only at the start of a word
		['la rotatoria è buia', 'spento'],
		['giorno accessibile', 'spento'],
	])('%j → %s', (words, fault) => {
		expect(lightingFaultType(words)).toBe(fault);
	});

	test('only reports of the illuminazione service carry a fault type', () => {
		expect(assembleReport([text(0, 'lampione rotto'), position(1)], rules()).faultType).toBe(
			'danneggiato',
		);
		expect(assembleReport([text(0, 'buca e tombino rotto'), position(1)], rules())).toMatchObject({
			service: 'buche',
			faultType: '',
		});
		expect(assembleReport([photo(0), position(1)], rules())).toMatchObject({
			service: 'altro',
			faultType: '',
		});
	});
});

describe('the description the portal receives (Italian)', () => {
	test.each<[string, () => ReportPart[], string]>([
		[
			'words, a place and two photos',
			() => [
				text(0, 'Buca profonda'),
				photo(1),
				text(2, '  davanti al civico 3  '),
				photo(3),
				position(4, 'Via Roma 1'),
			],
			"Buca profonda\ndavanti al civico 3\nLuogo indicato: Via Roma 1\nInviata tramite WhatsApp all'URP con 2 foto.",
		],
		[
			'a photo and a position without a place',
			() => [photo(0), position(1)],
			"Segnalazione con foto, senza descrizione.\nInviata tramite WhatsApp all'URP con 1 foto.",
		],
		[
			'a caption counts as the description',
			() => [photo(0, 'x', { text: 'cassonetto bruciato' }), position(1, 'Piazzale Kennedy')],
			"cassonetto bruciato\nLuogo indicato: Piazzale Kennedy\nInviata tramite WhatsApp all'URP con 1 foto.",
		],
		[
			'no words and no photo (not complete yet)',
			() => [position(0)],
			"Segnalazione senza descrizione.\nInviata tramite WhatsApp all'URP.",
		],
	])('%s', (_, parts, description) => {
		expect(assembleReport(parts(), rules()).description).toBe(description);
	});

	test('text is the citizen’s own words, one line per part, trimmed', () => {
		const report = assembleReport(
			[text(0, ' prima riga '), photo(1, 'p', { text: 'didascalia' }), text(2, 'terza\nriga')],
			rules(),
		);
		expect(report.text).toBe('prima riga\ndidascalia\nterza\nriga');
	});
});

describe('the citizen’s name', () => {
	test.each<[string, string[], string, string, string]>([
		['one name given', ['Mario Rossi'], 'Mario Rossi', 'Mario', 'Rossi'],
		['several words', ['Maria Grazia De Luca'], 'Maria Grazia De Luca', 'Maria', 'Grazia De Luca'],
		['a single word', ['Cher'], 'Cher', 'Cher', ''],
		[
			'spacing folded in the split',
			['  Anna   Maria\tBianchi '],
			'Anna   Maria\tBianchi',
			'Anna',
			'Maria Bianchi',
		],
		[
			'the last name given wins; blank ones do not count',
			['Mario', 'Mario Rossi', '   '],
			'Mario Rossi',
			'Mario',
			'Rossi',
		],
		['none', [], '', '', ''],
		['emoji and RTL text', ['🌸 محمد علي'], '🌸 محمد علي', '🌸', 'محمد علي'],
	])('%s', (_, names, name, firstName, lastName) => {
		const parts = names
			.map((n, i) => text(i, `parte ${i}`))
			.map((p, i) => ({ ...p, name: names[i] }));
		expect(assembleReport(parts, rules())).toMatchObject({ name, firstName, lastName });
	});
});

describe('hostile inputs', () => {
	test('a very long text is kept whole and its keywords still count', () => {
		const long = `${'bla '.repeat(50_000)}lampione spento`;
		const report = assembleReport([text(0, long), position(1)], rules());
		expect(report).toMatchObject({ complete: true, service: 'illuminazione', faultType: 'spento' });
		expect(report.text).toBe(long.trim());
		expect(report.description.startsWith(long.trim())).toBe(true);
	});

	test('braces, placeholders and template-looking text are kept as written, never filled', () => {
		const words = '{nome} {{numero}} {} ${process.env} {{#each}} `rm -rf` %s';
		const report = assembleReport([text(0, words), position(1, '{luogo}')], rules());
		expect(report.text).toBe(words);
		expect(report.description).toBe(
			`${words}\nLuogo indicato: {luogo}\nInviata tramite WhatsApp all'URP.`,
		);
		expect(report.service).toBe('altro');
	});

	test('emoji, zero-width and RTL marks do not break the assembly', () => {
		const words = '\u202E🚧\u200B buca \u2066عميقة\u2069 👩🏽‍🔧';
		const report = assembleReport([text(0, words), position(1)], rules());
		expect(report).toMatchObject({ complete: true, service: 'buche', text: words });
	});

	test('SQL-looking and prototype-looking words are just words', () => {
		const custom = {
			services: [{ service: '__proto__', keywords: ['constructor', "'; DROP TABLE x;--"] }],
			fallbackService: 'toString',
			windowMs: HOUR,
		};
		expect(chooseService('CONSTRUCTOR', custom)).toBe('__proto__');
		expect(chooseService('drop table x, please', custom)).toBe('__proto__');
		expect(chooseService('hasOwnProperty', custom)).toBe('toString');
	});
});

describe('validateReportRules', () => {
	const valid = (): ReportRules => ({
		services: [
			{ service: 'buche', keywords: ['buca'] },
			{ service: 'illuminazione', keywords: ['luce'] },
		],
		fallbackService: 'altro',
		windowMs: DEFAULT_REPORT_WINDOW_MS,
	});

	test.each<[string, (r: ReportRules) => void, RegExp]>([
		['a window under one minute', (r) => (r.windowMs = 59_999), /window/],
		['a window over 7 days', (r) => (r.windowMs = MAX_REPORT_WINDOW_MS + 1), /window/],
		['a window that is not a number', (r) => (r.windowMs = Number.NaN), /window/],
		['an infinite window', (r) => (r.windowMs = Number.POSITIVE_INFINITY), /window/],
		['a window given as text', (r) => (r.windowMs = '86400000' as unknown as number), /window/],
		['an empty fallback', (r) => (r.fallbackService = '  '), /fallback/],
		['a missing fallback', (r) => (r.fallbackService = undefined as unknown as string), /fallback/],
		['a service without code', (r) => (r.services[1].service = ' '), /service 2 has no code/],
		['a service without keywords', (r) => (r.services[0].keywords = []), /"buche" has no keyword/],
		[
			'a service with blank keywords only',
			(r) => (r.services[0].keywords = [' ', '']),
			/"buche" has no keyword/,
		],
		[
			'a service with keywords of punctuation only',
			(r) => (r.services[0].keywords = ['!!!', '—', '🚧']),
			/"buche" has no keyword/,
		],
		[
			'services not a list',
			(r) => (r.services = 'buche' as unknown as ReportRules['services']),
			/services/,
		],
		[
			'keywords not a list',
			(r) => (r.services[0].keywords = 'buca' as unknown as string[]),
			/keyword/,
		],
		['a service that is not an object', (r) => (r.services[0] = null as never), /service 1/],
	])('refuses %s (RangeError)', (_, spoil, message) => {
		const r = valid();
		spoil(r);
		expect(() => validateReportRules(r)).toThrow(RangeError);
		expect(() => validateReportRules(r)).toThrow(message);
	});

	test('refuses rules that are not an object (RangeError)', () => {
		expect(() => validateReportRules(null as unknown as ReportRules)).toThrow(RangeError);
		expect(() => validateReportRules('24h' as unknown as ReportRules)).toThrow(/rules/);
	});

	test('accepts the bounds and returns trimmed copies without blank keywords', () => {
		for (const windowMs of [60_000, MAX_REPORT_WINDOW_MS]) {
			expect(validateReportRules({ ...valid(), windowMs }).windowMs).toBe(windowMs);
		}
		const input = {
			services: [{ service: ' buche ', keywords: [' buca ', '', 'asfalto', '...'] }],
			fallbackService: ' altro ',
			windowMs: HOUR,
		};
		const out = validateReportRules(input);
		expect(out).toEqual({
			services: [{ service: 'buche', keywords: ['buca', 'asfalto'] }],
			fallbackService: 'altro',
			windowMs: HOUR,
		});
		expect(out.services[0]).not.toBe(input.services[0]);
		expect(validateReportRules({ ...valid(), services: [] }).services).toEqual([]);
	});

	test('the defaults are Rimini’s services, valid, and a copy (editing them does not change the constant)', () => {
		expect(validateReportRules(DEFAULT_REPORT_RULES)).toEqual({
			services: RIMINI_SERVICE_KEYWORDS.map((s) => ({
				service: s.service,
				keywords: [...s.keywords],
			})),
			fallbackService: 'altro',
			windowMs: 24 * HOUR,
		});
		expect(RIMINI_SERVICE_KEYWORDS.map((s) => s.service)).toEqual([
			'buche',
			'illuminazione',
			'rifiuti',
		]);
		expect(DEFAULT_REPORT_RULES.services[0].keywords).not.toBe(RIMINI_SERVICE_KEYWORDS[0].keywords);
	});
});
