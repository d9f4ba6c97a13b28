import {
	classifyIntent,
	DEFAULT_REPORT_KEYWORDS,
	italianStem,
	type IntentInput,
} from '../../../nodes/core/commands';

const keywords = [...DEFAULT_REPORT_KEYWORDS];

describe('classifyIntent: what the message carries', () => {
	test.each<[string, IntentInput, 'report' | 'question']>([
		['a shared location', { type: 'location', hasLocation: true }, 'report'],
		['a location flag without type', { hasLocation: true, text: 'qui' }, 'report'],
		['a location type without flag', { type: 'location' }, 'report'],
		[
			'a photo without caption',
			{ type: 'image', hasMedia: true, mediaType: 'image/jpeg' },
			'report',
		],
		['a video', { type: 'video', hasMedia: true, mediaType: 'video/mp4' }, 'report'],
		['media known by MIME type only', { hasMedia: true, mediaType: 'image/png' }, 'report'],
		['media known by kind only', { hasMedia: true, mediaType: 'video' }, 'report'],
		[
			'a sticker (image/webp to Meta)',
			{ type: 'sticker', hasMedia: true, mediaType: 'image/webp' },
			'question',
		],
		['a voice note', { type: 'audio', hasMedia: true, mediaType: 'audio/ogg' }, 'question'],
		['a document', { type: 'document', hasMedia: true, mediaType: 'application/pdf' }, 'question'],
		[
			'a document whose caption reports',
			{ type: 'document', hasMedia: true, text: 'segnalazione allegata' },
			'report',
		],
		['nothing at all', {}, 'question'],
		['an empty text', { type: 'text', text: '' }, 'question'],
		['emoji only', { type: 'text', text: '🕳️🚗' }, 'question'],
	])('%s → %s', (_label, input, intent) => {
		expect(classifyIntent(input, keywords)).toBe(intent);
	});
});

describe('classifyIntent: report keywords in the text', () => {
	test.each<[string, 'report' | 'question']>([
		["C'è una buca enorme in via Flaminia", 'report'],
		['Ci sono delle BUCHE in viale Regina Elena', 'report'],
		['un buco nel marciapiede', 'report'],
		['Il lampione davanti al civico 12 è spento', 'report'],
		['lampioni spenti in tutta la via', 'report'],
		['Rifiuti abbandonati vicino al parco', 'report'],
		['sacchi abbandonati', 'report'],
		["perdita d'acqua dal tombino", 'report'],
		['è caduto un albero sulla ciclabile', 'report'],
		['alberi pericolanti', 'report'],
		['semaforo guasto in piazzale Kennedy', 'report'],
		['marciapiedi dissestati', 'report'],
		['allagamento del sottopasso', 'report'],
		['strada allagata', 'report'],
		['vorrei segnalare un problema', 'report'],
		['SEGNALAZIONE: panchina rotta', 'report'],
		['ILLUMINAZIONE assente', 'report'],
		['graffiti sul muro della scuola', 'report'],
		['Rótto il cancello del parco!!!', 'report'],
		['r\u043Etto il cancello', 'report'],
		["Quando apre l'ufficio anagrafe?", 'question'],
		["Come rinnovo la carta d'identità?", 'question'],
		['Informazioni sulla rottamazione delle cartelle', 'question'],
		["Vorrei prenotare un albergo per l'estate", 'question'],
		['Quanto costa la TARI?', 'question'],
		['bucato steso', 'question'],
		['ciao', 'question'],
	])('%s → %s', (text, intent) => {
		expect(classifyIntent({ type: 'text', text }, keywords)).toBe(intent);
	});

	test('staff keywords replace the defaults; * makes a prefix; several words match in a row', () => {
		const custom = ['zanzare', 'spiaggia sporca', 'ombrell*'];
		expect(classifyIntent({ text: 'troppe zanzara al parco' }, custom)).toBe('report');
		expect(classifyIntent({ text: 'la spiaggia è sporca' }, custom)).toBe('question');
		expect(classifyIntent({ text: 'spiagge sporche a Marina Centro' }, custom)).toBe('report');
		expect(classifyIntent({ text: 'ombrelloni abbandonati' }, custom)).toBe('report');
		expect(classifyIntent({ text: 'una buca' }, custom)).toBe('question');
		expect(classifyIntent({ text: 'una buca' }, [])).toBe('question');
	});

	test('the default keywords are used when none are given', () => {
		expect(classifyIntent({ text: 'buca' })).toBe('report');
	});

	test('never throws, and long texts are searched at their start only', () => {
		for (const input of [null, undefined, 42, 'buca', { text: 42 }, { text: null }]) {
			expect(classifyIntent(input as unknown as IntentInput, keywords)).toBe('question');
		}
		expect(classifyIntent({ text: 'buca' }, null as unknown as string[])).toBe('question');
		expect(
			classifyIntent({ text: 'buca' }, [42, null, '', '*', 'buca'] as unknown as string[]),
		).toBe('report');
		const started = Date.now();
		expect(classifyIntent({ text: `${'parola '.repeat(580)}buca` }, keywords)).toBe('report');
		expect(classifyIntent({ text: `${'parola '.repeat(100_000)}buca` }, keywords)).toBe('question');
		expect(Date.now() - started).toBeLessThan(1000);
	});
});

describe('italianStem', () => {
	test.each([
		['BUCA', 'BUC'],
		['BUCHE', 'BUC'],
		['BUCHI', 'BUC'],
		['LAGHI', 'LAG'],
		['SPIAGGIA', 'SPIAGG'],
		['SPIAGGE', 'SPIAGG'],
		['FARMACIE', 'FARMAC'],
		['LAMPIONI', 'LAMPION'],
		['ROTTA', 'ROTT'],
		['GAS', 'GAS'],
		['TAR', 'TAR'],
		['STOP', 'STOP'],
	])('%s → %s', (word, stem) => expect(italianStem(word)).toBe(stem));
});
