/**
 * The dashboard's tables: one model for what the page shows under each chart, the CSV downloads and
 * the monthly email. A cell is text, a number (counts, minutes, percentages) or null (no value).
 */
import type { Figures, FiguresRow, WaitingCase } from '../figures/types';
import { italianInstant, rowLabel } from './format';

export type Cell = string | number | null;

/** A column: its Italian heading and how its numbers read (`minutes` and `percent` get a unit). */
export interface Column {
	heading: string;
	kind: 'text' | 'count' | 'minutes' | 'percent';
}

export interface Table {
	id: FiguresTableId;
	title: string;
	columns: Column[];
	rows: Cell[][];
}

/** The tables, by the id the page's links and `?csv=` use (Italian, as staff read them in the address). */
export const FIGURES_TABLES = [
	'iscritti',
	'avvisi',
	'errori',
	'messaggi',
	'segnalazioni',
	'risposte',
	'attesa',
] as const;

export type FiguresTableId = (typeof FIGURES_TABLES)[number];

/** Each table's Italian title (the page's captions, the editor's choices). */
export const FIGURES_TABLE_TITLES: Readonly<Record<FiguresTableId, string>> = {
	iscritti: 'Iscritti per lista',
	avvisi: 'Avvisi inviati alle liste',
	errori: 'Avvisi non consegnati per codice di errore WhatsApp (intero periodo)',
	messaggi: 'Messaggi dei cittadini',
	segnalazioni: 'Segnalazioni per servizio del portale',
	risposte: 'Risposte degli operatori',
	attesa: 'In attesa adesso',
};

export function isFiguresTableId(value: unknown): value is FiguresTableId {
	return typeof value === 'string' && (FIGURES_TABLES as readonly string[]).includes(value);
}

const TOTAL = 'Totale';

const text = (heading: string): Column => ({ heading, kind: 'text' });
const count = (heading: string): Column => ({ heading, kind: 'count' });
const minutes = (heading: string): Column => ({ heading, kind: 'minutes' });
const percent = (heading: string): Column => ({ heading, kind: 'percent' });

/** The period's rows, then the totals as one row named «Totale». */
function withTotals(figures: Figures): Array<[string, Omit<FiguresRow, 'key' | 'from' | 'to'>]> {
	return [
		...figures.rows.map((row): [string, FiguresRow] => [rowLabel(row.key), row]),
		[TOTAL, figures.totals],
	];
}

const round1 = (value: number | null): number | null =>
	value === null ? null : Math.round(value * 10) / 10;

function subscribersTable(figures: Figures): Table {
	return {
		id: 'iscritti',
		title: FIGURES_TABLE_TITLES.iscritti,
		columns: [
			text('Periodo'),
			text('Lista'),
			count('Iscritti a inizio periodo'),
			count('Iscritti a fine periodo'),
			count('Nuove iscrizioni'),
			count('Uscite (comando)'),
			count('Uscite (dati cancellati)'),
			count('Richieste scadute'),
			count('Variazione'),
			percent('Variazione sul periodo precedente (%)'),
		],
		rows: withTotals(figures).flatMap(([label, span]) =>
			span.subscribers.map((list) => [
				label,
				`#${list.list}`,
				list.activeAtStart,
				list.activeAtEnd,
				list.joined,
				list.leftByCommand,
				list.leftByErase,
				list.pendingExpired,
				list.change,
				round1(list.changePercent),
			]),
		),
	};
}

function broadcastsTable(figures: Figures): Table {
	return {
		id: 'avvisi',
		title: FIGURES_TABLE_TITLES.avvisi,
		columns: [
			text('Periodo'),
			text('Lista'),
			count('Avvisi'),
			count('Destinatari'),
			count('Accettati da WhatsApp'),
			count('Consegnati'),
			count('Letti'),
			count('Non consegnati'),
			count("Usciti durante l'invio"),
			minutes('Durata totale (min)'),
			minutes('Invio più lungo (min)'),
		],
		rows: withTotals(figures).flatMap(([label, span]) =>
			span.broadcasts.map((b) => [
				label,
				`#${b.list}`,
				b.count,
				b.recipients,
				b.accepted,
				b.delivered,
				b.read,
				b.failed,
				b.unsubscribedMidway,
				round1(b.durationSeconds / 60),
				round1(b.longestSeconds / 60),
			]),
		),
	};
}

function failuresTable(figures: Figures): Table {
	return {
		id: 'errori',
		title: FIGURES_TABLE_TITLES.errori,
		columns: [text('Lista'), text('Codice di errore'), count('Destinatari')],
		rows: figures.totals.broadcasts.flatMap((b) =>
			Object.entries(b.failedByCode)
				.sort(([a], [z]) => a.localeCompare(z))
				.map(([code, n]): Cell[] => [`#${b.list}`, code === 'unknown' ? 'sconosciuto' : code, n]),
		),
	};
}

function messagesTable(figures: Figures): Table {
	return {
		id: 'messaggi',
		title: FIGURES_TABLE_TITLES.messaggi,
		columns: [
			text('Periodo'),
			count('Domande'),
			count('Segnalazioni'),
			count('Comandi di iscrizione'),
			count('Domande e segnalazioni fuori orario'),
		],
		rows: withTotals(figures).map(([label, span]) => [
			label,
			span.messages.questions,
			span.messages.reports,
			span.messages.commands,
			span.messages.outOfHours,
		]),
	};
}

function reportsByServiceTable(figures: Figures): Table {
	return {
		id: 'segnalazioni',
		title: FIGURES_TABLE_TITLES.segnalazioni,
		columns: [text('Periodo'), text('Servizio'), count('Segnalazioni')],
		rows: withTotals(figures).flatMap(([label, span]) =>
			Object.entries(span.messages.reportsByService)
				.sort(([a], [z]) => a.localeCompare(z))
				.map(([service, n]): Cell[] => [
					label,
					service === 'unknown' ? 'non indicato' : service,
					n,
				]),
		),
	};
}

function serviceTable(figures: Figures): Table {
	return {
		id: 'risposte',
		title: FIGURES_TABLE_TITLES.risposte,
		columns: [
			text('Periodo'),
			count('Domande con risposta'),
			minutes('Tempo di risposta mediano (min)'),
			minutes('Tempo di risposta, 90° percentile (min)'),
			percent("Risposte entro il giorno d'apertura successivo (%)"),
			count('Risposte con modello (finestra di 24 ore chiusa)'),
			count('Domande senza risposta'),
			count('Segnalazioni registrate sul portale'),
			count('Segnalazioni alla casella URP (DA REGISTRARE)'),
		],
		rows: withTotals(figures).map(([label, span]) => [
			label,
			span.service.answered,
			round1(span.service.answerMinutesMedian),
			round1(span.service.answerMinutesP90),
			span.service.answeredByNextOpeningDayShare === null
				? null
				: round1(span.service.answeredByNextOpeningDayShare * 100),
			span.service.answeredAsTemplate,
			span.service.unanswered,
			span.service.reportsRegistered,
			span.service.reportsToMailbox,
		]),
	};
}

const KIND: Readonly<Record<WaitingCase['kind'], string>> = {
	question: 'domanda',
	report: 'segnalazione',
};
const STATE: Readonly<Record<WaitingCase['state'], string>> = {
	received: 'ricevuto',
	routed: 'inoltrato',
};
const ROUTE: Readonly<Record<NonNullable<WaitingCase['routedTo']>, string>> = {
	operators: 'operatori',
	urp_mailbox: 'casella URP',
	segnala: 'portale Segnala',
};

/** The groups of the waiting list, as the page, the CSV and the email name them. */
export const WAITING_GROUPS = [
	['openQuestions', 'Domande senza risposta'],
	['reportsNotRegistered', 'Segnalazioni non registrate'],
	['notRouted', 'Casi non inoltrati'],
] as const;

export type WaitingGroup = (typeof WAITING_GROUPS)[number][0];

/**
 * How many cases a waiting group holds in all: the figures' `waiting.counts` when they carry it (the
 * lists of cases may stop at a limit, oldest first), else the length of the list.
 */
export function waitingTotal(figures: Figures, group: WaitingGroup): number {
	const counts = (figures.waiting as { counts?: Partial<Record<WaitingGroup, unknown>> }).counts;
	const counted = counts?.[group];
	const listed = figures.waiting[group].length;
	return typeof counted === 'number' && Number.isFinite(counted)
		? Math.max(counted, listed)
		: listed;
}

/**
 * How many cases are waiting, each once: a report received and not routed is both "not registered" and
 * "not routed" (the figures' groups overlap there by definition), so those are counted once.
 */
export function waitingCases(figures: Figures): number {
	const sum = WAITING_GROUPS.reduce((total, [field]) => total + waitingTotal(figures, field), 0);
	const both = figures.waiting.notRouted.filter((one) => one.kind === 'report').length;
	return sum - both;
}

/** One waiting case as cells: the group, its number, kind, state, route, opened, age, out of hours. */
export function waitingCells(group: string, one: WaitingCase, timeZone: string): Cell[] {
	return [
		group,
		one.caseId,
		KIND[one.kind] ?? String(one.kind),
		STATE[one.state] ?? String(one.state),
		one.routedTo === null ? '' : (ROUTE[one.routedTo] ?? String(one.routedTo)),
		italianInstant(one.openedAt, timeZone) || String(one.openedAt),
		one.ageMinutes,
		one.outOfHours ? 'sì' : 'no',
	];
}

export const WAITING_COLUMNS: Column[] = [
	text('Gruppo'),
	count('Caso n.'),
	text('Tipo'),
	text('Stato'),
	text('Inoltrato a'),
	text('Aperto il'),
	minutes('In attesa da (min)'),
	text('Arrivato fuori orario'),
];

function waitingTable(figures: Figures): Table {
	return {
		id: 'attesa',
		title: FIGURES_TABLE_TITLES.attesa,
		columns: WAITING_COLUMNS,
		rows: WAITING_GROUPS.flatMap(([field, group]) =>
			figures.waiting[field].map((one) => waitingCells(group, one, figures.period.timeZone)),
		),
	};
}

const BUILDERS: Readonly<Record<FiguresTableId, (figures: Figures) => Table>> = {
	iscritti: subscribersTable,
	avvisi: broadcastsTable,
	errori: failuresTable,
	messaggi: messagesTable,
	segnalazioni: reportsByServiceTable,
	risposte: serviceTable,
	attesa: waitingTable,
};

/** One table of the figures. */
export function figuresTable(figures: Figures, id: FiguresTableId): Table {
	return BUILDERS[id](figures);
}
