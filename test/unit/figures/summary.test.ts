/** The yearly summary in Italian and its number formats, table-tested on built figures. */
import {
	formatItalianChange,
	formatItalianDecimal,
	formatItalianDuration,
	formatItalianInteger,
	yearlySummary,
	type BroadcastFigures,
	type Figures,
	type ListFigures,
	type MessageFigures,
	type ServiceLevelFigures,
} from '../../../nodes/core/figures';

function listOf(list: string, start: number, end: number, joined = 0, left = 0): ListFigures {
	return {
		list,
		activeAtStart: start,
		activeAtEnd: end,
		joined,
		leftByCommand: left,
		leftByErase: 0,
		pendingExpired: 0,
		change: end - start,
		changePercent: start === 0 ? null : ((end - start) / start) * 100,
	};
}

function alertsOf(
	list: string,
	count: number,
	accepted: number,
	delivered: number,
	read: number,
): BroadcastFigures {
	return {
		list,
		count,
		recipients: accepted,
		accepted,
		delivered,
		read,
		failed: 0,
		failedByCode: {},
		unsubscribedMidway: 0,
		durationSeconds: 0,
		longestSeconds: 0,
	};
}

const NO_MESSAGES: MessageFigures = {
	questions: 0,
	reports: 0,
	reportsByService: {},
	commands: 0,
	outOfHours: 0,
};
const NO_SERVICE: ServiceLevelFigures = {
	answered: 0,
	answerMinutesMedian: null,
	answerMinutesP90: null,
	answeredByNextOpeningDayShare: null,
	answeredAsTemplate: 0,
	unanswered: 0,
	reportsRegistered: 0,
	reportsToMailbox: 0,
};

function figuresOf(parts: {
	from?: string;
	to?: string;
	subscribers?: ListFigures[];
	broadcasts?: BroadcastFigures[];
	messages?: Partial<MessageFigures>;
	service?: Partial<ServiceLevelFigures>;
}): Figures {
	return {
		period: {
			from: parts.from ?? '2026-01-01',
			to: parts.to ?? '2026-12-31',
			timeZone: 'Europe/Rome',
			granularity: 'month',
		},
		generatedAt: '2027-01-02T08:00:00.000Z',
		lists: (parts.subscribers ?? []).map((l) => l.list),
		rows: [],
		totals: {
			subscribers: parts.subscribers ?? [],
			broadcasts: parts.broadcasts ?? [],
			messages: { ...NO_MESSAGES, ...parts.messages },
			service: { ...NO_SERVICE, ...parts.service },
		},
		waiting: {
			openQuestions: [],
			reportsNotRegistered: [],
			notRouted: [],
			counts: { openQuestions: 0, reportsNotRegistered: 0, notRouted: 0 },
		},
	};
}

test.each([
	[0, '0'],
	[7, '7'],
	[4102, '4.102'],
	[54, '54'],
	[1_250_000, '1.250.000'],
	[-3954, '−3.954'],
])('integer %d → %s', (value, text) => expect(formatItalianInteger(value)).toBe(text));

test.each([
	[5.3, '5,3'],
	[5, '5'],
	[5.04, '5'],
	[1234.56, '1.234,6'],
	[-2.5, '−2,5'],
])('decimal %d → %s', (value, text) => expect(formatItalianDecimal(value)).toBe(text));

test.each([
	[5, '+5 %'],
	[5.26, '+5,3 %'],
	[-2.5, '−2,5 %'],
	[0.01, '0 %'],
])('change %d → %s', (value, text) => expect(formatItalianChange(value)).toBe(text));

test.each([
	[1, '1 minuto'],
	[35, '35 minuti'],
	[60, '1 ora'],
	[185, '3 ore'],
	[47 * 60, '47 ore'],
	[3 * 24 * 60, '3 giorni'],
])('duration %d min → %s', (value, text) => expect(formatItalianDuration(value)).toBe(text));

test.each([
	[
		'a year like the city report: one list, growth, alerts, requests, reports, answers',
		figuresOf({
			subscribers: [listOf('EMERGENZE', 3906, 4102, 400, 204)],
			broadcasts: [alertsOf('EMERGENZE', 54, 215_000, 210_500, 150_000)],
			messages: { questions: 2243, reports: 6536 },
			service: {
				answered: 2100,
				answerMinutesMedian: 185,
				answeredByNextOpeningDayShare: 0.723,
				unanswered: 143,
				reportsRegistered: 5000,
				reportsToMailbox: 1536,
			},
		}),
		'Nel 2026 il servizio WhatsUrp ha contato 4.102 iscritti alla lista EMERGENZE (+5 % sul 2025), con 400 nuove iscrizioni e 204 cancellazioni. ' +
			'Sono stati inviati 54 avvisi alle liste, per 215.000 messaggi: 210.500 recapitati, di cui 150.000 letti. ' +
			'I cittadini hanno inviato 2.243 richieste di informazioni e 6.536 segnalazioni. ' +
			"Delle segnalazioni, 5.000 sono state registrate sul portale e 1.536 sono state inviate all'URP da registrare. " +
			'Gli operatori hanno risposto a 2.100 richieste, con un tempo mediano di 3 ore; il 72,3 % ha avuto risposta entro il giorno di apertura successivo. ' +
			'143 richieste sono rimaste senza risposta.',
	],
	[
		'two lists, a decrease with a decimal',
		figuresOf({
			subscribers: [listOf('EMERGENZE', 3000, 2900, 10, 110), listOf('VIABILITA', 1000, 1000)],
			broadcasts: [alertsOf('EMERGENZE', 1, 2900, 2800, 2000)],
			messages: { questions: 1, reports: 1 },
			service: {
				answered: 1,
				answerMinutesMedian: 20,
				answeredByNextOpeningDayShare: 1,
				unanswered: 1,
				reportsRegistered: 1,
			},
		}),
		'Nel 2026 il servizio WhatsUrp ha contato 3.900 iscrizioni alle liste (−2,5 % sul 2025): 2.900 a EMERGENZE e 1.000 a VIABILITA, con 10 nuove iscrizioni e 110 cancellazioni. ' +
			'È stato inviato 1 avviso alle liste, per 2.900 messaggi: 2.800 recapitati, di cui 2.000 letti. ' +
			'I cittadini hanno inviato 1 richiesta di informazioni e 1 segnalazione. ' +
			"Delle segnalazioni, 1 è stata registrata sul portale e 0 sono state inviate all'URP da registrare. " +
			'Gli operatori hanno risposto a 1 richiesta, con un tempo mediano di 20 minuti; il 100 % ha avuto risposta entro il giorno di apertura successivo. ' +
			'Una richiesta è rimasta senza risposta.',
	],
	[
		'the first year: nobody at the start, so no percentage',
		figuresOf({ subscribers: [listOf('EMERGENZE', 0, 120, 130, 10)] }),
		'Nel 2026 il servizio WhatsUrp ha contato 120 iscritti alla lista EMERGENZE, con 130 nuove iscrizioni e 10 cancellazioni. ' +
			'Non sono stati inviati avvisi alle liste. ' +
			'I cittadini non hanno inviato richieste di informazioni né segnalazioni.',
	],
	[
		'an empty year',
		figuresOf({}),
		'Nel 2026 il servizio WhatsUrp non ha contato iscritti. Non sono stati inviati avvisi alle liste. ' +
			'I cittadini non hanno inviato richieste di informazioni né segnalazioni.',
	],
	[
		'a period that is not a calendar year names its dates',
		figuresOf({
			from: '2026-03-01',
			to: '2026-03-31',
			subscribers: [listOf('EMERGENZE', 100, 101, 1)],
		}),
		'Dal 01/03/2026 al 31/03/2026 il servizio WhatsUrp ha contato 101 iscritti alla lista EMERGENZE (+1 % sul periodo precedente), con 1 nuova iscrizione e 0 cancellazioni. ' +
			'Non sono stati inviati avvisi alle liste. ' +
			'I cittadini non hanno inviato richieste di informazioni né segnalazioni.',
	],
])('%s', (_name, figures, text) => {
	expect(yearlySummary(figures)).toBe(text);
});
