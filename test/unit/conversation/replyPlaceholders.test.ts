/**
 * The placeholders the nodes add for the replies after them ({pratica}, {liste}, …) and the filling of
 * staff's texts from an item.
 */
import { ConversationInputError } from '../../../nodes/core/conversation/inbound';
import { positionText } from '../../../nodes/core/conversation/placeholders';
import {
	commandPlaceholders,
	fillForItem,
	escapeForSendAndWait,
	fillTexts,
	MESSAGE_PLACEHOLDER_LIST,
	reportPlaceholders,
	subscriptionPlaceholders,
	subscriptionReplyLists,
	withPlaceholders,
} from '../../../nodes/core/conversation/replyPlaceholders';
import type { AssembledReport } from '../../../nodes/core/conversation/types';
import type { CommandOperation, CommandSummary } from '../../../nodes/core/store/outcome';

test('MESSAGE_PLACEHOLDER_LIST names every placeholder of a message, for the editor', () => {
	expect(MESSAGE_PLACEHOLDER_LIST).toMatch(/^\{nome\}, \{mittente\}, /);
	expect(MESSAGE_PLACEHOLDER_LIST).toContain('{pratica}');
	expect(MESSAGE_PLACEHOLDER_LIST).toContain('{prossima_apertura}');
});

describe('withPlaceholders', () => {
	test.each<[string, unknown, object]>([
		['none before', undefined, { pratica: 1 }],
		['kept and overridden', { liste: '#A', pratica: 0 }, { liste: '#A', pratica: 1 }],
		['text is ignored', 'testo', { pratica: 1 }],
		['an array is ignored', ['a'], { pratica: 1 }],
		['null is ignored', null, { pratica: 1 }],
	])('%s', (_label, earlier, merged) => {
		expect(withPlaceholders(earlier, { pratica: 1 })).toEqual(merged);
	});

	test('a __proto__ key stays a plain key, the prototype untouched', () => {
		const merged = withPlaceholders(JSON.parse('{"__proto__": {"polluted": 1}}'), { a: 'b' });
		expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
		expect((merged as Record<string, unknown>).polluted).toBeUndefined();
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe('reportPlaceholders', () => {
	const report = {
		service: 'buche',
		description: 'Buca\nInviata tramite WhatsApp',
		photos: [{ id: 'm1' }, { id: 'm2' }],
		latitude: 44.06,
		longitude: 12.57,
		place: 'Piazza Cavour',
	} as AssembledReport;

	test('a complete report', () => {
		expect(reportPlaceholders(7, report)).toEqual({
			pratica: 7,
			servizio: 'buche',
			descrizione: 'Buca\nInviata tramite WhatsApp',
			foto: 2,
			posizione: positionText(44.06, 12.57),
			luogo: 'Piazza Cavour',
		});
	});

	test('a report without a position or photos', () => {
		expect(
			reportPlaceholders(8, { ...report, photos: [], latitude: null, longitude: null, place: '' }),
		).toMatchObject({ foto: 0, posizione: '', luogo: '' });
	});
});

describe('subscriptionReplyLists', () => {
	const summary = (outcome: CommandSummary['outcome']): CommandSummary => ({
		outcome,
		changedLists: ['CHANGED'],
		activeLists: ['ACTIVE'],
		pendingLists: ['PENDING'],
	});
	test.each<[CommandOperation, CommandSummary['outcome'], string[]]>([
		['requestSubscription', 'pending', ['PENDING']],
		['requestSubscription', 'alreadyActive', ['ACTIVE']],
		['requestSubscription', 'unchanged', ['PENDING']],
		['confirmConsent', 'activated', ['CHANGED']],
		['confirmConsent', 'nothingPending', ['CHANGED']],
		['unsubscribe', 'cancelled', ['CHANGED']],
		['importSubscriber', 'imported', ['CHANGED']],
	])('%s, %s → %j', (operation, outcome, lists) => {
		expect(subscriptionReplyLists(operation, summary(outcome))).toEqual(lists);
	});

	test('{liste} as a citizen reads it', () => {
		expect(
			subscriptionPlaceholders('unsubscribe', {
				outcome: 'cancelled',
				changedLists: ['EMERGENZE', 'PUBBLICAUTILITA'],
				activeLists: [],
				pendingLists: [],
			}),
		).toEqual({ liste: '#EMERGENZE e #PUBBLICAUTILITA' });
		expect(
			subscriptionPlaceholders('unsubscribe', {
				outcome: 'notSubscribed',
				changedLists: [],
				activeLists: [],
				pendingLists: [],
			}),
		).toEqual({ liste: '' });
	});
});

describe('commandPlaceholders', () => {
	test.each<[string[], string]>([
		[[], ''],
		[['METEO'], '#METEO'],
		[['meteo', 'Traffico', 'x'], '#meteo, #Traffico, #x'],
		[['{pratica}'], '#{pratica}'],
	])('unknown %j → {liste} %j', (unknownLists, liste) => {
		expect(commandPlaceholders({ unknownLists }, "#EMERGENZE e #PUBBLICAUTILITA'")).toEqual({
			liste,
			liste_disponibili: "#EMERGENZE e #PUBBLICAUTILITA'",
		});
	});
});

describe('fillForItem', () => {
	test('the message and the item placeholders', () => {
		expect(
			fillForItem('{nome}: {liste} ({pratica})', {
				from: { waId: '393331234567', name: 'Maria' },
				caseId: 3,
				placeholders: { liste: '#EMERGENZE' },
			}),
		).toBe('Maria: #EMERGENZE (3)');
	});

	test.each([null, 'testo', [1, 2], 5])(
		'an item %j that is not an object gives the defaults',
		(item) => {
			expect(fillForItem('{nome} {x}', item)).toBe('(nome non indicato) {x}');
		},
	);

	test('a citizen who names themselves {pratica} does not see the case number there', () => {
		expect(fillForItem('{nome}', { from: { waId: '39', name: '{pratica}' }, caseId: 9 })).toBe(
			'{pratica}',
		);
	});
});

describe('fillTexts', () => {
	const item = {
		from: { waId: '393331234567', name: 'Maria' },
		timestamp: '2026-03-02T18:45:00Z',
		placeholders: { pratica: 12 },
	};

	test('each row filled from the same values, in order; numbers as templates are text', () => {
		expect(
			fillTexts(
				[
					{ name: 'oggetto', template: 'Pratica {pratica} – {mittente}' },
					{ name: ' testo ', template: 'Ricevuto {ricevuto}' },
					{ name: 'n', template: 42 },
					{ name: 'vuoto' },
				],
				item,
			),
		).toEqual([
			['oggetto', 'Pratica 12 – Maria'],
			['testo', 'Ricevuto lunedì 2 marzo 2026 alle 19:45'],
			['n', '42'],
			['vuoto', ''],
		]);
	});

	test('the time zone of {ricevuto}', () => {
		expect(fillTexts([{ name: 't', template: '{ricevuto}' }], item, 'UTC')).toEqual([
			['t', 'lunedì 2 marzo 2026 alle 18:45'],
		]);
	});

	test.each<[string, object[], string, string]>([
		['a row without a name', [{ template: 'x' }], 'Europe/Rome', 'texts'],
		['a blank name', [{ name: '  ', template: 'x' }], 'Europe/Rome', 'texts'],
		['__proto__ as the name', [{ name: '__proto__', template: 'x' }], 'Europe/Rome', 'texts'],
		['a name that is not text', [{ name: 5, template: 'x' }], 'Europe/Rome', 'texts'],
		['an unknown time zone', [{ name: 'a', template: 'x' }], 'Mars/Olympus', 'timezone'],
		['an empty time zone', [], '', 'timezone'],
	])('%s → %s', (_label, rows, timeZone, field) => {
		let caught: unknown;
		try {
			fillTexts(rows, item, timeZone);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(ConversationInputError);
		expect((caught as ConversationInputError).field).toBe(field);
	});
});

describe("fillTexts for n8n's Send and Wait message", () => {
	const hostile = {
		from: { waId: '393331234567', name: '<img src=x onerror=alert(1)> & "Co"' },
		text: '<script>steal()</script> R&D',
	};
	/** What n8n 2.41 does to the message before putting it into the email's HTML: it decodes entities once. */
	const n8nDecodes = (text: string) =>
		text.replace(/&amp;|&lt;|&gt;|&#39;|&quot;/g, (m) =>
			m === '&amp;' ? '&' : m === '&lt;' ? '<' : m === '&gt;' ? '>' : m === '&#39;' ? "'" : '"',
		);
	test.each([
		[
			'values are escaped twice, the template not',
			'<b>Da:</b> {nome}\n{messaggio}',
			'<b>Da:</b> &lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot;\n&lt;script&gt;steal()&lt;/script&gt; R&amp;D',
		],
		[
			'an apostrophe stays as typed',
			"{numero_mascherato} l'ha scritto",
			"39******4567 l'ha scritto",
		],
		['unknown placeholders stay as written', '{sconosciuto} <i>x</i>', '{sconosciuto} <i>x</i>'],
	])(
		"%s: after n8n decodes it, the HTML shows the citizen's characters as text",
		(_case, template, html) => {
			const [[, filled]] = fillTexts([{ name: 't', template, html: true }], hostile);
			expect(n8nDecodes(filled)).toBe(html);
			expect(escapeForSendAndWait('<')).toBe('&amp;lt;');
		},
	);

	test('a plain row next to an HTML row keeps the values as they are', () => {
		const [[, html], [, plain]] = fillTexts(
			[
				{ name: 'html', template: '{messaggio}', html: true },
				{ name: 'plain', template: '{messaggio}' },
			],
			hostile,
		);
		expect(html).toBe('&amp;lt;script&amp;gt;steal()&amp;lt;/script&amp;gt; R&amp;amp;D');
		expect(plain).toBe('<script>steal()</script> R&D');
	});
});
