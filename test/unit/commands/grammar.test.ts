import {
	DEFAULT_COMMAND_CONFIG,
	describeLists,
	MAX_COMMAND_TEXT_LENGTH,
	parseCommand,
	type CommandAction,
	type CommandConfig,
} from '../../../nodes/core/commands';

const E = 'EMERGENZE';
const P = 'PUBBLICAUTILITA';
const ALL = [E, P];

interface Case {
	text: string;
	action: CommandAction;
	lists?: string[];
	unknownLists?: string[];
}

const sub = (text: string, lists = ALL, unknownLists: string[] = []): Case => ({
	text,
	action: 'subscribe',
	lists,
	unknownLists,
});
const unsub = (text: string, lists = ALL, unknownLists: string[] = []): Case => ({
	text,
	action: 'unsubscribe',
	lists,
	unknownLists,
});
const accept = (text: string): Case => ({
	text,
	action: 'acceptPolicy',
	lists: [],
	unknownLists: [],
});
const other = (text: string): Case => ({ text, action: 'other', lists: [], unknownLists: [] });

function check({ text, action, lists, unknownLists }: Case, config?: CommandConfig) {
	const parsed = parseCommand(text, config);
	expect(parsed).toEqual({
		action,
		lists: lists ?? [],
		unknownLists: unknownLists ?? [],
		raw: text,
	});
}

describe('parseCommand: the commands as published', () => {
	test.each([
		sub('ISCRIZIONE ON'),
		sub('ISCRIZIONE ON #EMERGENZE', [E]),
		sub("ISCRIZIONE ON #PUBBLICAUTILITA'", [P]),
		sub('ISCRIZIONE ON #PUBBLICAUTILITA', [P]),
		unsub('ISCRIZIONE OFF'),
		unsub('ISCRIZIONE OFF #EMERGENZE', [E]),
		unsub("ISCRIZIONE OFF #PUBBLICAUTILITA'", [P]),
		accept('ACCETTO'),
		accept('accept_policy'),
		unsub('STOP'),
		unsub('CANCELLAMI'),
	])('$text → $action $lists', (testCase) => check(testCase));
});

describe('parseCommand: spelling tolerated', () => {
	test.each([
		sub('iscrizione on'),
		sub('Iscrizione On #emergenze', [E]),
		sub('Iscrizione On #pubblica utilità', [P]),
		sub('ISCRIZIONE ON #PUBBLICA UTILITÀ', [P]),
		sub('ISCRIZIONE ON #PUBBLICAUTILITÀ', [P]),
		sub('ISCRIZIONE ON #PUBBLICAUTILITA’', [P]),
		sub('ISCRIZIONE ON #PUBBLICAUTILITA‘', [P]),
		sub('ISCRIZIONE ON #PUBBLICAUTILITA´', [P]),
		sub('ISCRIZIONE ON #PUBBLICAUTILITA`', [P]),
		sub('ISCRIZIONE ON #pubblica-utilita', [P]),
		sub('ISCRIZIONE ON #UTILITA', [P]),
		sub('ISCRIZIONE ON #EMERGENZA', [E]),
		sub('ÌSCRÌZÌÓNÉ ÓN', ALL),
		sub('  ISCRIZIONE   ON   #EMERGENZE  ', [E]),
		sub('\tISCRIZIONE\tON\n#EMERGENZE\n', [E]),
		sub('ISCRIZIONE\nON', ALL),
		sub('ISCRIZIONE\u00A0ON\u00A0#EMERGENZE', [E]),
		sub('ISCRIZIONE\u202FON\u3000#EMERGENZE', [E]),
		sub('ISCRIZIONEON', ALL),
		sub('ISCRIZIONEON #EMERGENZE', [E]),
		sub('ISCRIZIONE ON#EMERGENZE', [E]),
		sub('ISCRIZIONE ON EMERGENZE', [E]),
		sub('ISCRIZIONE ON ##EMERGENZE', [E]),
		sub('ISCRIZIONE ON ##EMERGENZE!!!', [E]),
		sub('ISCRIZIONE ON #EMERGENZE.', [E]),
		sub('ISCRIZIONE ON!', ALL),
		sub('ISCRIZIONE ON?', ALL),
		sub('ISCRIZIONE ON…', ALL),
		sub('"ISCRIZIONE ON #EMERGENZE"', [E]),
		sub('«ISCRIZIONE ON»', ALL),
		sub('*ISCRIZIONE ON*', ALL),
		sub('ISCRIZIONE ON :)', ALL),
		unsub('iscrizione off #Emergenze!', [E]),
		unsub('Iscrizione Off.', ALL),
		accept('accetto'),
		accept('Accetto!'),
		accept('ACCETTO.'),
		accept('Accetto…'),
		accept('  accetto  '),
		accept('"Accetto"'),
		accept('ACCEPT_POLICY'),
		unsub('Stop.'),
		unsub('stop!'),
		unsub('Cancellami'),
		unsub('CANCELLAMI!!!'),
	])('$text → $action $lists', (testCase) => check(testCase));
});

describe('parseCommand: several lists', () => {
	test.each([
		sub("ISCRIZIONE ON #EMERGENZE #PUBBLICAUTILITA'", ALL),
		sub('ISCRIZIONE ON #PUBBLICAUTILITA #EMERGENZE', ALL),
		sub('ISCRIZIONE ON EMERGENZE, PUBBLICA UTILITA', ALL),
		sub('ISCRIZIONE ON #EMERGENZE e #PUBBLICAUTILITA', ALL),
		sub('ISCRIZIONE ON EMERGENZE ed UTILITA', ALL),
		sub('ISCRIZIONE ON EMERGENZE and PUBBLICAUTILITA', ALL),
		sub('ISCRIZIONE ON EMERGENZE; PUBBLICAUTILITA', ALL),
		sub('ISCRIZIONE ON EMERGENZE / PUBBLICAUTILITA', ALL),
		sub('ISCRIZIONE ON EMERGENZE & PUBBLICAUTILITA', ALL),
		sub('ISCRIZIONE ON EMERGENZE + PUBBLICAUTILITA', ALL),
		sub('ISCRIZIONE ON EMERGENZE PUBBLICA UTILITA', ALL),
		sub('ISCRIZIONE ON #EMERGENZE #EMERGENZA #EMERGENZE', [E]),
		sub('ISCRIZIONE ON TUTTE', ALL),
		unsub('ISCRIZIONE OFF TUTTE', ALL),
		unsub('ISCRIZIONE OFF #EMERGENZE, #PUBBLICAUTILITA,', ALL),
	])('$text → $action $lists', (testCase) => check(testCase));
});

describe('parseCommand: lists that do not exist', () => {
	test.each([
		sub('ISCRIZIONE ON #METEO', [], ['METEO']),
		sub('ISCRIZIONE ON #meteo', [], ['meteo']),
		sub('ISCRIZIONE ON METEO', [], ['METEO']),
		sub('ISCRIZIONE ON #Meteo!', [], ['Meteo']),
		sub('ISCRIZIONE ON #METEO #EMERGENZE', [E], ['METEO']),
		sub('ISCRIZIONE ON #EMERGENZE, #TRAFFICO e #METEO', [E], ['TRAFFICO', 'METEO']),
		sub('ISCRIZIONE ON #METEO #METEO', [], ['METEO']),
		sub('ISCRIZIONE ON #Città', [], ['Città']),
		unsub('ISCRIZIONE OFF #SPORT', [], ['SPORT']),
		// A dangling `#` names nothing: every list, as for plain ISCRIZIONE ON.
		sub('ISCRIZIONE ON #', ALL),
		sub('ISCRIZIONE ON # ', ALL),
		sub('ISCRIZIONE ON ###', ALL),
	])('$text → $action $lists, unknown $unknownLists', (testCase) => check(testCase));
});

describe('parseCommand: hostile input', () => {
	test.each([
		sub('ISCRIZIONE ON 👍', ALL),
		sub('👉 ISCRIZIONE ON #EMERGENZE 🚨🚨', [E]),
		sub('ISCRIZIONE 🙏 ON', ALL),
		sub('ISCRIZIONE ON #EMERGENZE 👍🏽', [E]),
		sub('ISCRIZIONE ON 🇮🇹', ALL),
		sub('ISCRIZIONE ON #EMERGENZE ‼️', [E]),
		accept('ACCETTO ✅'),
		accept('👍 Accetto 👍'),
		unsub('STOP ✋🏻', ALL),
		// Zero-width characters, BOM and bidi marks are removed, not read as spaces.
		sub('\u200BISCRIZIONE ON\u200B', ALL),
		sub('ISCRI\u200BZIONE\u200C ON #EMER\u200DGENZE', [E]),
		sub('\uFEFFISCRIZIONE ON', ALL),
		sub('\u200FISCRIZIONE ON #EMERGENZE\u200E', [E]),
		sub('\u202BISCRIZIONE ON\u202C', ALL),
		sub('\u2066ISCRIZIONE ON\u2069', ALL),
		sub('ISCRI\u00ADZIONE ON', ALL),
		// Look-alikes from other alphabets: Cyrillic О, Е, А, С, Р, Greek Ο, Ι, Ν.
		sub('ISCRIZI\u041ENE ON', ALL),
		sub('ISCRIZIONE \u041EN #\u0415MERGENZE', [E]),
		sub('iscrizi\u043Ene \u043En', ALL),
		sub('\u0399SCRIZIO\u039DE \u039FN', ALL),
		accept('\u0410CC\u0415TT\u041E'),
		unsub('ST\u041E\u0420', ALL),
		// Fullwidth and "fancy text" letters.
		sub('ＩＳＣＲＩＺＩＯＮＥ　ＯＮ　＃ＥＭＥＲＧＥＮＺＥ', [E]),
		sub('𝐈𝐒𝐂𝐑𝐈𝐙𝐈𝐎𝐍𝐄 𝐎𝐍', ALL),
		sub('𝘪𝘴𝘤𝘳𝘪𝘻𝘪𝘰𝘯𝘦 𝘰𝘯', ALL),
		accept('ⒶⒸⒸⒺⓉⓉⓄ'),
		other(''),
		other('   '),
		other('\u200B\u200B'),
		other('👍'),
		other('#'),
		other('#EMERGENZE'),
		other('ON'),
		other('ISCRIZIONE'),
		other('ISCRIZIONE ONN'),
		other('ISCRIZIONE ONEMERGENZE'),
		other('ISCRIZIONE OFFERTA'),
		other('ISCRIZIONE ON ' + 'A'.repeat(41)),
		other('ISCRIZIONE ON ' + '#EMERGENZE '.repeat(400)),
		other('<script>alert("ISCRIZIONE ON")</script>'),
		other('ISCRIZIONE ON\n\nBuongiorno, vorrei sapere se posso iscrivermi anche per mia madre'),
	])('$text → $action', (testCase) => check(testCase));

	test('a text of 4,000 characters is read, a longer one is not', () => {
		const padding = ' '.repeat(3990);
		expect(parseCommand(`ACCETTO${padding}`).action).toBe('acceptPolicy');
		const tooLong = `ACCETTO${' '.repeat(MAX_COMMAND_TEXT_LENGTH)}`;
		expect(parseCommand(tooLong)).toEqual({
			action: 'other',
			lists: [],
			unknownLists: [],
			raw: tooLong,
		});
	});

	test('4,000 characters of words are other, quickly', () => {
		const started = Date.now();
		const text = 'ISCRIZIONE ON ' + 'pa'.repeat(1990);
		expect(parseCommand(text).action).toBe('other');
		const emoji = '👍'.repeat(2000);
		expect(parseCommand(emoji).action).toBe('other');
		const hashes = 'ISCRIZIONE ON ' + '#'.repeat(4000);
		expect(parseCommand(hashes).action).toBe('subscribe');
		const huge = 'ISCRIZIONE ON ' + 'a '.repeat(500_000);
		expect(parseCommand(huge).action).toBe('other');
		expect(Date.now() - started).toBeLessThan(1000);
	});

	test.each([null, undefined, 42, {}, ['ACCETTO'], true, Symbol('x')])(
		'%p is other with raw ""',
		(value) => {
			expect(parseCommand(value as unknown as string)).toEqual({
				action: 'other',
				lists: [],
				unknownLists: [],
				raw: '',
			});
		},
	);

	test('lone surrogates and control characters do not throw', () => {
		for (const text of [
			'\uD800',
			'ACCETTO\uDFFF',
			'\u0000ACCETTO\u0007',
			'ISCRIZIONE ON #\uD83D',
		]) {
			expect(() => parseCommand(text)).not.toThrow();
		}
		expect(parseCommand('\u0000ACCETTO\u0007').action).toBe('acceptPolicy');
	});
});

describe('parseCommand: sentences containing the words are other', () => {
	test.each([
		other('vorrei fare ISCRIZIONE ON'),
		other('ISCRIZIONE ON grazie mille per tutto'),
		other('ISCRIZIONE ON #TRAFFICO STRADALE'),
		other('come faccio a mandare ISCRIZIONE ON #EMERGENZE?'),
		other('ho scritto ISCRIZIONE OFF ma ricevo ancora messaggi'),
		other('accetto le condizioni'),
		other('non accetto'),
		other('ACCETTO ma ho una domanda'),
		other('stop the spam please'),
		other('STOP EMERGENZE'),
		other('basta, stop'),
		other('cancellami dalla lista'),
		other('accept policy please'),
		other("Buongiorno, c'è una buca in via Flaminia"),
	])('$text → other', (testCase) => check(testCase));
});

describe('parseCommand: keywords staff configure', () => {
	const custom: CommandConfig = {
		...DEFAULT_COMMAND_CONFIG,
		subscribeKeyword: 'iscrivimi',
		unsubscribeKeyword: 'iscrivimi no',
		acceptKeywords: ['sì accetto', 'OK_POLICY'],
		optOutSynonyms: ['basta', 'disiscrivimi'],
		lists: [
			{ name: 'EMERGENZE', aliases: ['ALLERTA'] },
			{ name: 'CULTURA', aliases: ['EVENTI', 'TEATRO E MUSICA'] },
		],
	};

	test.each([
		sub('ISCRIVIMI', ['EMERGENZE', 'CULTURA']),
		sub('Iscrivimi #allerta', ['EMERGENZE']),
		sub('iscrivimi eventi', ['CULTURA']),
		sub('iscrivimi #teatro e musica', ['CULTURA']),
		sub('iscrivimi #PUBBLICAUTILITA', [], ['PUBBLICAUTILITA']),
		// The longer keyword wins: "iscrivimi no" is not "iscrivimi" + the list "no".
		unsub('ISCRIVIMI NO', ['EMERGENZE', 'CULTURA']),
		unsub('iscrivimi no #cultura', ['CULTURA']),
		accept('Sì, accetto!'),
		accept('si accetto'),
		accept('ok_policy'),
		unsub('Basta!', ['EMERGENZE', 'CULTURA']),
		unsub('DISISCRIVIMI', ['EMERGENZE', 'CULTURA']),
		other('ISCRIZIONE ON'),
		other('ACCETTO'),
		other('STOP'),
		other('accept_policy'),
	])('$text → $action $lists', (testCase) => check(testCase, custom));

	test('opt-out synonyms can be switched off', () => {
		const config = { ...DEFAULT_COMMAND_CONFIG, optOutSynonyms: [] };
		check(other('STOP'), config);
		check(unsub('ISCRIZIONE OFF'), config);
	});

	test('an opt-out synonym equal to the unsubscribe keyword still takes lists', () => {
		const config = { ...DEFAULT_COMMAND_CONFIG, optOutSynonyms: ['iscrizione off', 'STOP'] };
		check(unsub('ISCRIZIONE OFF #EMERGENZE', [E]), config);
	});

	test('lists come back in configuration order, deduplicated', () => {
		const config = {
			...DEFAULT_COMMAND_CONFIG,
			lists: [
				{ name: 'A1', aliases: [] },
				{ name: 'B2', aliases: ['BI'] },
				{ name: 'C3', aliases: [] },
			],
		};
		check(sub('ISCRIZIONE ON #C3 #B2 #A1 #BI #C3', ['A1', 'B2', 'C3']), config);
	});

	test('the default configuration is used when none is given, and is not changed', () => {
		const before = JSON.stringify(DEFAULT_COMMAND_CONFIG);
		const parsed = parseCommand('ISCRIZIONE ON');
		parsed.lists.push('X');
		expect(parseCommand('ISCRIZIONE ON').lists).toEqual(ALL);
		expect(JSON.stringify(DEFAULT_COMMAND_CONFIG)).toBe(before);
	});
});

describe('describeLists', () => {
	test('Rimini lists, as replies name them', () => {
		expect(describeLists()).toBe("#EMERGENZE e #PUBBLICAUTILITA'");
		expect(describeLists(DEFAULT_COMMAND_CONFIG)).toBe("#EMERGENZE e #PUBBLICAUTILITA'");
	});

	test.each([
		{ lists: [{ name: 'EMERGENZE', aliases: [] }], text: '#EMERGENZE' },
		{
			lists: [
				{ name: 'EMERGENZE', aliases: [] },
				{ name: 'METEO', aliases: [], display: '#METEO 🌦' },
				{ name: 'PUBBLICAUTILITA', aliases: [], display: "#PUBBLICAUTILITA'" },
			],
			text: "#EMERGENZE, #METEO 🌦 e #PUBBLICAUTILITA'",
		},
		{ lists: [{ name: 'CULTURA', aliases: [], display: '   ' }], text: '#CULTURA' },
		{ lists: [], text: '' },
	])('$text', ({ lists, text }) => {
		expect(describeLists({ ...DEFAULT_COMMAND_CONFIG, lists })).toBe(text);
	});
});
