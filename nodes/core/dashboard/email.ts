/**
 * The monthly email to the URP: last month's figures and what is waiting now, as plain text and HTML
 * (the same content). The texts staff edit (subject, opening, closing) are plain text with
 * `{placeholders}`, filled here; every value in the HTML is escaped.
 */
import { fillPlaceholders, type PlaceholderValues } from '../conversation/placeholders';
import type { Figures, WaitingCase } from '../figures/types';
import {
	italianDay,
	italianDuration,
	italianInstant,
	italianMonthOf,
	italianNumber,
	italianPercent,
	signedNumber,
} from './format';
import { escapeHtml } from './html';
import { WAITING_GROUPS, waitingCases, waitingTotal } from './tables';

export interface MonthlyEmailTexts {
	/** Placeholders: see {@link MONTHLY_EMAIL_PLACEHOLDERS}. */
	subject?: string;
	opening?: string;
	closing?: string;
	/** The dashboard's address, for `{cruscotto}`. */
	dashboardUrl?: string;
}

export interface MonthlyEmail {
	subject: string;
	text: string;
	html: string;
}

export const DEFAULT_MONTHLY_EMAIL_TEXTS: Required<Omit<MonthlyEmailTexts, 'dashboardUrl'>> = {
	subject: 'WhatsUrp – i numeri di {mese}',
	opening:
		"Buongiorno,\necco i numeri del servizio WhatsApp dell'URP per {mese} e quello che è in attesa adesso ({in_attesa} casi).",
	closing:
		'Il cruscotto con i grafici e i dati da scaricare: {cruscotto}\n\nMessaggio automatico di WhatsUrp.',
};

/** The placeholders the monthly email's texts may use. */
export const MONTHLY_EMAIL_PLACEHOLDERS = [
	'mese',
	'dal',
	'al',
	'domande',
	'segnalazioni',
	'avvisi',
	'in_attesa',
	'cruscotto',
] as const;

/** Cases listed per group of the waiting list; the rest are counted. */
export const WAITING_SHOWN = 10;

interface Section {
	title: string;
	/** Said after the title, in brackets: the date the section is at. */
	at?: string;
	lines: string[];
}

function periodName(figures: Figures): string {
	const { from, to } = figures.period;
	return from.slice(0, 7) === to.slice(0, 7) && from.endsWith('-01')
		? italianMonthOf(from)
		: `dal ${italianDay(from)} al ${italianDay(to)}`;
}

function caseLine(one: WaitingCase, timeZone: string): string {
	const kind = one.kind === 'question' ? 'domanda' : 'segnalazione';
	return `caso n. ${one.caseId} (${kind}${one.outOfHours ? ', arrivata fuori orario' : ''}), aperto il ${italianInstant(one.openedAt, timeZone)}, in attesa da ${italianDuration(one.ageMinutes)}`;
}

function sections(figures: Figures): Section[] {
	const t = figures.totals;
	const zone = figures.period.timeZone;
	const subscribers: Section = {
		title: 'Iscritti alle liste',
		at: `al ${italianDay(figures.period.to)}`,
		lines:
			t.subscribers.length === 0
				? ['Nessuna lista.']
				: t.subscribers.map(
						(one) =>
							`#${one.list}: ${italianNumber(one.activeAtEnd)} iscritti (${signedNumber(one.change)}: ${italianNumber(one.joined)} nuovi, ${italianNumber(one.leftByCommand + one.leftByErase)} usciti)`,
					),
	};
	const broadcasts: Section = {
		title: 'Avvisi',
		lines:
			t.broadcasts.length === 0 || t.broadcasts.every((b) => b.count === 0)
				? ['Nessun avviso inviato.']
				: t.broadcasts.map(
						(b) =>
							`#${b.list}: ${italianNumber(b.count)} ${b.count === 1 ? 'avviso' : 'avvisi'}, ${italianNumber(b.recipients)} destinatari: ${italianNumber(b.delivered)} consegnati, ${italianNumber(b.read)} letti, ${italianNumber(b.failed)} non consegnati`,
					),
	};
	const m = t.messages;
	const messages: Section = {
		title: 'Messaggi dei cittadini',
		lines: [
			`Domande: ${italianNumber(m.questions)}`,
			`Segnalazioni: ${italianNumber(m.reports)}`,
			`Comandi di iscrizione: ${italianNumber(m.commands)}`,
			`Domande e segnalazioni arrivate fuori orario: ${italianNumber(m.outOfHours)}`,
		],
	};
	const s = t.service;
	const service: Section = {
		title: 'Risposte',
		lines: [
			s.answered === 0
				? 'Nessuna domanda con risposta.'
				: `Domande con risposta: ${italianNumber(s.answered)}; tempo mediano ${italianDuration(s.answerMinutesMedian)}, 9 su 10 entro ${italianDuration(s.answerMinutesP90)}`,
			`Risposte entro il giorno d'apertura successivo: ${italianPercent(s.answeredByNextOpeningDayShare)}`,
			`Risposte con modello (finestra di 24 ore chiusa): ${italianNumber(s.answeredAsTemplate)}`,
			`Domande rimaste senza risposta: ${italianNumber(s.unanswered)}`,
			`Segnalazioni registrate sul portale: ${italianNumber(s.reportsRegistered)}; inviate alla casella URP (DA REGISTRARE): ${italianNumber(s.reportsToMailbox)}`,
		],
	};
	const waiting: Section = {
		title: 'In attesa adesso',
		at: italianInstant(figures.generatedAt, zone),
		lines: WAITING_GROUPS.flatMap(([field, title]) => {
			const cases = figures.waiting[field];
			const total = waitingTotal(figures, field);
			const shown = cases.slice(0, WAITING_SHOWN).map((one) => `  ${caseLine(one, zone)}`);
			const more =
				total > shown.length ? [`  … e altri ${italianNumber(total - shown.length)}`] : [];
			return [`${title}: ${italianNumber(total)}`, ...shown, ...more];
		}),
	};
	return [subscribers, broadcasts, messages, service, waiting];
}

/** The email for `figures` (last month's); `texts` replace the default subject, opening and closing. */
export function monthlyEmail(figures: Figures, texts: MonthlyEmailTexts = {}): MonthlyEmail {
	const values: PlaceholderValues = {
		mese: periodName(figures),
		dal: italianDay(figures.period.from),
		al: italianDay(figures.period.to),
		domande: italianNumber(figures.totals.messages.questions),
		segnalazioni: italianNumber(figures.totals.messages.reports),
		avvisi: italianNumber(figures.totals.broadcasts.reduce((sum, b) => sum + b.count, 0)),
		in_attesa: italianNumber(waitingCases(figures)),
		cruscotto: texts.dashboardUrl ?? '',
	};
	const pick = (text: string | undefined, fallback: string) =>
		fillPlaceholders(text === undefined || text.trim() === '' ? fallback : text, values);
	const subject = pick(texts.subject, DEFAULT_MONTHLY_EMAIL_TEXTS.subject)
		.replace(/[\r\n]+/gu, ' ')
		.trim();
	const opening = pick(texts.opening, DEFAULT_MONTHLY_EMAIL_TEXTS.opening);
	const closing = pick(texts.closing, DEFAULT_MONTHLY_EMAIL_TEXTS.closing);
	const parts = sections(figures);

	const text = [
		opening,
		...parts.map(
			(part) =>
				`${part.title.toUpperCase()}${part.at ? ` (${part.at})` : ''}\n${part.lines.map((line) => (line.startsWith('  ') ? line : `- ${line}`)).join('\n')}`,
		),
		closing,
	].join('\n\n');

	const paragraphs = (value: string) =>
		value
			.split(/\n{2,}/u)
			.map((one) => `<p>${escapeHtml(one).replace(/\n/gu, '<br>')}</p>`)
			.join('');
	const list = (lines: string[]) => {
		const items: string[] = [];
		for (const line of lines) {
			if (line.startsWith('  ') && items.length > 0) {
				items[items.length - 1] += `<br><small>${escapeHtml(line.trim())}</small>`;
			} else items.push(escapeHtml(line));
		}
		return `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;
	};
	const html = `<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:Arial,sans-serif;color:#1a1a1a;max-width:680px">${paragraphs(opening)}${parts
		.map(
			(part) =>
				`<h3 style="margin:1.2em 0 .3em;color:#0072B2">${escapeHtml(part.title)}${part.at ? ` (${escapeHtml(part.at)})` : ''}</h3>${list(part.lines)}`,
		)
		.join('')}${paragraphs(closing)}</body></html>`;

	return { subject, text, html };
}
