/**
 * The figures of a year as a few Italian sentences, in the style of the city's own yearly report ("Nel
 * 2024 il servizio WhatsApp ha contato 3.954 iscritti (+5 % sul 2023) …"): subscribers per list with the
 * change on the previous year, alerts sent and their reach, information requests and reports, the
 * operators' answers. Numbers in Italian form (4.102; 5,3 %); without a previous year (nobody subscribed
 * at the start) there is no percentage.
 */
import type { Figures, ListFigures } from './types';

/** A whole number with a dot every three digits (Italian: 4.102, 1.250.000), minus sign as −. */
export function formatItalianInteger(value: number): string {
	const rounded = Math.round(value);
	const digits = String(Math.abs(rounded));
	const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
	return rounded < 0 ? `−${grouped}` : grouped;
}

/** A number with at most one decimal and a decimal comma (5,3; 12). */
export function formatItalianDecimal(value: number): string {
	const rounded = Math.round(value * 10) / 10;
	const whole = Math.trunc(Math.abs(rounded));
	const tenth = Math.round((Math.abs(rounded) - whole) * 10);
	const text = `${formatItalianInteger(whole)}${tenth === 0 ? '' : `,${tenth}`}`;
	return rounded < 0 ? `−${text}` : text;
}

/** A change in percent with its sign: +5 %, −2,5 %, 0 %. */
export function formatItalianChange(percent: number): string {
	const rounded = Math.round(percent * 10) / 10;
	if (rounded === 0) return '0 %';
	return `${rounded > 0 ? '+' : ''}${formatItalianDecimal(rounded)} %`;
}

function plural(count: number, one: string, many: string): string {
	return `${formatItalianInteger(count)} ${count === 1 ? one : many}`;
}

/** Minutes as Italian words: 35 minuti, 3 ore, 2 giorni. */
export function formatItalianDuration(minutes: number): string {
	if (minutes < 60) return plural(Math.round(minutes), 'minuto', 'minuti');
	if (minutes < 48 * 60) return plural(Math.round(minutes / 60), 'ora', 'ore');
	return plural(Math.round(minutes / (24 * 60)), 'giorno', 'giorni');
}

function joinItalian(items: string[]): string {
	if (items.length <= 1) return items.join('');
	return `${items.slice(0, -1).join(', ')} e ${items[items.length - 1]}`;
}

function dateIt(iso: string): string {
	const [y, m, d] = iso.split('-');
	return `${d}/${m}/${y}`;
}

/** The period's name: `2026` for a calendar year, else `dal 01/03/2026 al 31/03/2026`. */
function periodOf(figures: Figures): { opening: string; previous: string } {
	const { from, to } = figures.period;
	const year = from.slice(0, 4);
	if (from === `${year}-01-01` && to === `${year}-12-31`) {
		return { opening: `Nel ${year}`, previous: `sul ${Number(year) - 1}` };
	}
	return {
		opening: `Dal ${dateIt(from)} al ${dateIt(to)}`,
		previous: 'sul periodo precedente',
	};
}

function subscribersSentence(figures: Figures, opening: string, previous: string): string {
	const lists: ListFigures[] = figures.totals.subscribers.filter(
		(l) => l.activeAtEnd > 0 || l.activeAtStart > 0 || l.joined > 0,
	);
	const end = lists.reduce((sum, l) => sum + l.activeAtEnd, 0);
	const start = lists.reduce((sum, l) => sum + l.activeAtStart, 0);
	const joined = lists.reduce((sum, l) => sum + l.joined, 0);
	const left = lists.reduce((sum, l) => sum + l.leftByCommand + l.leftByErase, 0);
	if (lists.length === 0) return `${opening} il servizio WhatsUrp non ha contato iscritti.`;
	const change =
		start === 0 ? '' : ` (${formatItalianChange(((end - start) / start) * 100)} ${previous})`;
	const moves = `${plural(joined, 'nuova iscrizione', 'nuove iscrizioni')} e ${plural(left, 'cancellazione', 'cancellazioni')}`;
	if (lists.length === 1) {
		return `${opening} il servizio WhatsUrp ha contato ${plural(end, 'iscritto', 'iscritti')} alla lista ${lists[0].list}${change}, con ${moves}.`;
	}
	const perList = joinItalian(
		lists.map((l) => `${formatItalianInteger(l.activeAtEnd)} a ${l.list}`),
	);
	return `${opening} il servizio WhatsUrp ha contato ${plural(end, 'iscrizione', 'iscrizioni')} alle liste${change}: ${perList}, con ${moves}.`;
}

function alertsSentence(figures: Figures): string {
	const alerts = figures.totals.broadcasts;
	const count = alerts.reduce((sum, b) => sum + b.count, 0);
	if (count === 0) return 'Non sono stati inviati avvisi alle liste.';
	const delivered = alerts.reduce((sum, b) => sum + b.delivered, 0);
	const read = alerts.reduce((sum, b) => sum + b.read, 0);
	const sent = alerts.reduce((sum, b) => sum + b.accepted, 0);
	const verb = count === 1 ? 'È stato inviato' : 'Sono stati inviati';
	return `${verb} ${plural(count, 'avviso', 'avvisi')} alle liste, per ${plural(sent, 'messaggio', 'messaggi')}: ${plural(delivered, 'recapitato', 'recapitati')}, di cui ${plural(read, 'letto', 'letti')}.`;
}

function messagesSentence(figures: Figures): string[] {
	const { questions, reports } = figures.totals.messages;
	const s = figures.totals.service;
	if (questions === 0 && reports === 0) {
		return ['I cittadini non hanno inviato richieste di informazioni né segnalazioni.'];
	}
	const parts = [
		`I cittadini hanno inviato ${plural(questions, 'richiesta di informazioni', 'richieste di informazioni')} e ${plural(reports, 'segnalazione', 'segnalazioni')}.`,
	];
	if (reports > 0) {
		parts.push(
			`Delle segnalazioni, ${plural(s.reportsRegistered, 'è stata registrata', 'sono state registrate')} sul portale e ${formatItalianInteger(s.reportsToMailbox)} ${s.reportsToMailbox === 1 ? 'è stata inviata' : 'sono state inviate'} all'URP da registrare.`,
		);
	}
	if (s.answered > 0 && s.answerMinutesMedian !== null) {
		const share =
			s.answeredByNextOpeningDayShare === null
				? ''
				: `; il ${formatItalianDecimal(s.answeredByNextOpeningDayShare * 100)} % ha avuto risposta entro il giorno di apertura successivo`;
		parts.push(
			`Gli operatori hanno risposto a ${plural(s.answered, 'richiesta', 'richieste')}, con un tempo mediano di ${formatItalianDuration(s.answerMinutesMedian)}${share}.`,
		);
	}
	if (s.unanswered > 0) {
		parts.push(
			`${s.unanswered === 1 ? 'Una richiesta è rimasta' : `${formatItalianInteger(s.unanswered)} richieste sono rimaste`} senza risposta.`,
		);
	}
	return parts;
}

/** The yearly summary in Italian (plain text, one paragraph). Aggregates only. */
export function yearlySummary(figures: Figures): string {
	const { opening, previous } = periodOf(figures);
	return [
		subscribersSentence(figures, opening, previous),
		alertsSentence(figures),
		...messagesSentence(figures),
	].join(' ');
}
