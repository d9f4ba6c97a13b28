/** The monthly email: last month's figures and the waiting list, in text and HTML, staff's texts filled. */
import { monthlyEmail, WAITING_SHOWN } from '../../../nodes/core/dashboard/email';
import type { Figures } from '../../../nodes/core/figures/types';
import {
	broadcastFigures,
	HOSTILE,
	listFigures,
	messages,
	service,
	waitingCase,
	yearFigures,
	ZONE,
} from './fixtures';

/** November 2026 as the Figures node gives a month: one row, the totals equal to it. */
function november(
	part: Parameters<typeof yearFigures>[3],
	waiting: Parameters<typeof yearFigures>[4] = {},
): Figures {
	const year = yearFigures(2026, ['EMERGENZE', 'PUBBLICAUTILITA'], [], part, waiting);
	return {
		...year,
		period: { from: '2026-11-01', to: '2026-11-30', timeZone: ZONE, granularity: 'month' },
		rows: [{ ...year.rows[10], ...year.totals }],
	};
}

const NOVEMBER = november(
	{
		subscribers: [
			listFigures('EMERGENZE', {
				activeAtStart: 4090,
				activeAtEnd: 4102,
				joined: 30,
				leftByCommand: 17,
				leftByErase: 1,
			}),
			listFigures('PUBBLICAUTILITA', {
				activeAtStart: 300,
				activeAtEnd: 295,
				joined: 2,
				leftByCommand: 7,
			}),
		],
		broadcasts: [
			broadcastFigures('EMERGENZE', {
				count: 4,
				recipients: 16380,
				delivered: 16200,
				read: 12000,
				failed: 40,
			}),
			broadcastFigures('PUBBLICAUTILITA', {
				count: 1,
				recipients: 300,
				delivered: 299,
				read: 150,
				failed: 1,
			}),
		],
		messages: messages({ questions: 187, reports: 544, commands: 61, outOfHours: 90 }),
		service: service({
			answered: 180,
			answerMinutesMedian: 125,
			answerMinutesP90: 1620,
			answeredByNextOpeningDayShare: 0.85,
			answeredAsTemplate: 4,
			unanswered: 3,
			reportsRegistered: 530,
			reportsToMailbox: 14,
		}),
	},
	{
		openQuestions: [waitingCase(901, { ageMinutes: 4440, openedAt: '2026-12-04T08:00:00.000Z' })],
		reportsNotRegistered: Array.from({ length: WAITING_SHOWN + 3 }, (_, at) =>
			waitingCase(1000 + at, { kind: 'report', routedTo: 'urp_mailbox', ageMinutes: 60 }),
		),
	},
);

describe('monthlyEmail', () => {
	const email = monthlyEmail(NOVEMBER, {
		dashboardUrl: 'https://n8n.comune.example/webhook/whatsurp/cruscotto',
	});

	test('the subject and the opening name the month; the closing links the dashboard', () => {
		expect(email.subject).toBe('WhatsUrp – i numeri di novembre 2026');
		expect(
			email.text.startsWith(
				"Buongiorno,\necco i numeri del servizio WhatsApp dell'URP per novembre 2026 e quello che è in attesa adesso (14 casi).",
			),
		).toBe(true);
		expect(email.text).toContain(
			'Il cruscotto con i grafici e i dati da scaricare: https://n8n.comune.example/webhook/whatsurp/cruscotto',
		);
	});

	test.each([
		['#EMERGENZE: 4.102 iscritti (+12: 30 nuovi, 18 usciti)'],
		['#PUBBLICAUTILITA: 295 iscritti (−5: 2 nuovi, 7 usciti)'],
		[
			'#EMERGENZE: 4 avvisi, 16.380 destinatari: 16.200 consegnati, 12.000 letti, 40 non consegnati',
		],
		['#PUBBLICAUTILITA: 1 avviso, 300 destinatari'],
		['- Domande: 187'],
		['- Segnalazioni: 544'],
		['Domande con risposta: 180; tempo mediano 2 h 5 min, 9 su 10 entro 1 g 3 h'],
		["Risposte entro il giorno d'apertura successivo: 85%"],
		['inviate alla casella URP (DA REGISTRARE): 14'],
		['IN ATTESA ADESSO (7 dicembre 2026, 9:05)'],
		[
			'- Domande senza risposta: 1\n  caso n. 901 (domanda), aperto il 4 dicembre 2026, 9:00, in attesa da 3 g 2 h',
		],
		[`- Segnalazioni non registrate: ${WAITING_SHOWN + 3}`],
		['  … e altri 3'],
		['- Casi non inoltrati: 0'],
	])('the text says %s', (line) => {
		expect(email.text).toContain(line);
		const [first] = line.trim().replace(/^- /u, '').split('\n');
		expect(email.html.toLowerCase()).toContain(first.replace(/'/gu, '&#39;').toLowerCase());
	});

	test('only the first cases of a long waiting list are listed', () => {
		expect(email.text.match(/caso n\. 10\d\d/gu)).toHaveLength(WAITING_SHOWN);
	});

	test("staff's texts with placeholders; unknown ones stay as written; blank ones fall back", () => {
		const custom = monthlyEmail(NOVEMBER, {
			subject:
				'Numeri {mese}: {domande} domande, {segnalazioni} segnalazioni, {avvisi} avvisi\n{sconosciuto}',
			opening: 'Dal {dal} al {al}.',
			closing: '   ',
		});
		expect(custom.subject).toBe(
			'Numeri novembre 2026: 187 domande, 544 segnalazioni, 5 avvisi {sconosciuto}',
		);
		expect(
			custom.text.startsWith(
				'Dal 1 novembre 2026 al 30 novembre 2026.\n\nISCRITTI ALLE LISTE (al 30 novembre 2026)',
			),
		).toBe(true);
		expect(custom.text.endsWith('Messaggio automatico di WhatsUrp.')).toBe(true);
	});

	test('whole counts given beside lists cut at a limit are the numbers said', () => {
		const cut = november({}, {
			openQuestions: [waitingCase(1)],
			counts: { openQuestions: 250, reportsNotRegistered: 0, notRouted: 0 },
		} as Parameters<typeof november>[1]);
		const mail = monthlyEmail(cut);
		expect(mail.text).toContain('- Domande senza risposta: 250\n  caso n. 1 ');
		expect(mail.text).toContain('  … e altri 249');
		expect(mail.subject).toBe('WhatsUrp – i numeri di novembre 2026');
		expect(mail.text).toContain('(250 casi)');
	});

	test('a month with nothing in it says so', () => {
		const empty = monthlyEmail(november({}));
		expect(empty.text).toContain('- Nessun avviso inviato.');
		expect(empty.text).toContain('- Nessuna domanda con risposta.');
		expect(empty.text).toContain("- Risposte entro il giorno d'apertura successivo: –");
	});

	test('hostile text is escaped in the HTML and a value is never read as a placeholder', () => {
		const hostile = november({ subscribers: [listFigures(HOSTILE, { activeAtEnd: 3 })] });
		const mail = monthlyEmail(hostile, { opening: '{mese} <b>ciao</b>', dashboardUrl: '{mese}' });
		expect(mail.html).not.toContain('<script>');
		expect(mail.html).toContain('#&lt;script&gt;');
		expect(mail.html).toContain('novembre 2026 &lt;b&gt;ciao&lt;/b&gt;');
		expect(mail.text).toContain('dati da scaricare: {mese}');
	});
});
