/**
 * Texts staff edit are plain text with `{placeholders}`: `Sei già iscritto a {liste}.` This fills them.
 * No expression language, nothing evaluated: a placeholder is a name of letters, digits and `_` between
 * braces; a known name is replaced by its value, an unknown one is left as written (so a typo shows in the
 * message instead of vanishing), and a value is never scanned again (a citizen's `{numero}` stays text).
 */

import { weekdayOf } from '../calendar/civilDate';
import { ITALIAN_MONTHS, ITALIAN_WEEKDAYS } from '../calendar/italian';
import { maskWaId } from '../shared/text';

export type PlaceholderValue = string | number | boolean | null | undefined;
export type PlaceholderValues = Readonly<Record<string, PlaceholderValue>>;

const NAME = /^[\p{L}\p{N}_]{1,64}$/u;

/** The placeholders a text uses, in order of first use. */
export function placeholdersIn(template: string): string[] {
	const names: string[] = [];
	for (const match of template.matchAll(/\{([^{}\s]{1,64})\}/gu)) {
		if (NAME.test(match[1]) && !names.includes(match[1])) names.push(match[1]);
	}
	return names;
}

/** Replaces each `{name}` whose name is an own key of `values`; null/undefined become ''. */
export function fillPlaceholders(template: string, values: PlaceholderValues): string {
	return String(template ?? '').replace(/\{([^{}\s]{1,64})\}/gu, (whole, name: string) => {
		if (!NAME.test(name) || !Object.hasOwn(values, name)) return whole;
		const value = values[name];
		return value === null || value === undefined ? '' : String(value);
	});
}

/**
 * `#EMERGENZE e #PUBBLICAUTILITA'`: list names as a citizen reads them; three or more as Italian lists
 * them (`#A, #B e #C`). With `joiner`, every name is joined by it (`#A, #B, #C` for `', '`).
 */
export function listsForText(lists: readonly string[], joiner?: string): string {
	const names = lists.map((list) => `#${list}`);
	if (joiner !== undefined) return names.join(joiner);
	if (names.length <= 1) return names.join('');
	return `${names.slice(0, -1).join(', ')} e ${names[names.length - 1]}`;
}

/** What {@link messagePlaceholders} reads from an item: the trigger's message, and what nodes added. */
export interface MessageContext {
	messageId?: unknown;
	timestamp?: unknown;
	type?: unknown;
	/** The Command node's classification: report, question, … */
	intent?: unknown;
	text?: unknown;
	caption?: unknown;
	from?: { waId?: unknown; userId?: unknown; name?: unknown } | null;
	location?: { latitude?: unknown; longitude?: unknown; name?: unknown; address?: unknown } | null;
	media?: { id?: unknown } | null;
	officeHours?: {
		holidayName?: unknown;
		nextOpening?: unknown;
		nextOpeningText?: unknown;
		scheduleText?: unknown;
	} | null;
	caseId?: unknown;
	/** From the Conversation node's Add Part to Report. */
	report?: { firstMessageAt?: unknown; messages?: unknown } | null;
	/** From its Update Case: the portal's request number. */
	case?: { portalRequestId?: unknown } | null;
	/** From a step that failed and continued (the portal down): its message and hint. */
	error?: unknown;
	errorHint?: unknown;
	/** From the WhatsUrp node's media download: the files attached, the ones that failed. */
	attachments?: unknown;
	downloadErrors?: unknown;
	placeholders?: unknown;
}

/** `lunedì 2 marzo` (with the year when asked): the calendar's Italian names. */
function italianDate(year: number, month: number, day: number, withYear: boolean): string {
	const weekday = ITALIAN_WEEKDAYS[weekdayOf({ year, month, day })];
	return `${weekday} ${day} ${ITALIAN_MONTHS[month - 1]}${withYear ? ` ${year}` : ''}`;
}

function str(value: unknown): string {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** `39******4567`: a WhatsApp number fit for an email subject or a log. */
export function maskNumber(waId: string): string {
	return maskWaId(waId);
}

/**
 * `lunedì 2 marzo 2026 alle 9:05`, the instant's wall clock in `timeZone` (default Europe/Rome); the hour
 * without a leading zero, as the office-hours texts write it (`domani alle 9:00`). '' for an invalid
 * date; RangeError for an unknown time zone.
 */
export function italianDateTime(iso: string, timeZone = 'Europe/Rome'): string {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return '';
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-GB', {
			timeZone,
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23',
		})
			.formatToParts(date)
			.map((part) => [part.type, part.value]),
	);
	const year = Number(parts.year);
	const month = Number(parts.month);
	const day = Number(parts.day);
	return `${italianDate(year, month, day, true)} alle ${Number(parts.hour)}:${parts.minute}`;
}

/**
 * The next opening as a citizen reads it: `domani, lunedì 2 marzo, alle 9:00` (today and tomorrow get
 * the date too, so a message read late is not misleading); other days as the calendar says them.
 */
export function nextOpeningPhrase(nextOpeningText: string, nextOpening: string): string {
	const match = /^(oggi|domani) (.*)$/u.exec(nextOpeningText);
	const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(nextOpening);
	if (match === null || date === null) return nextOpeningText;
	const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
	return `${match[1]}, ${italianDate(year, month, day, false)}, ${match[2]}`;
}

/** A coordinate given as a number or as numeric text; NaN for anything else ('' , true, [], …). */
function coordinate(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '') return Number(value);
	return Number.NaN;
}

/**
 * `44.0596, 12.5683 – https://www.openstreetmap.org/?mlat=…&mlon=…#map=18/…/…` (at most 6 decimals), or
 * '' unless both are numbers (or numeric text) within ±90 and ±180.
 */
export function positionText(latitude: unknown, longitude: unknown): string {
	const lat = coordinate(latitude);
	const lon = coordinate(longitude);
	if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180)
		return '';
	// 6 decimals (about 10 cm): never an exponent (1e-7) in the text or the link
	const [y, x] = [String(Number(lat.toFixed(6))), String(Number(lon.toFixed(6)))];
	return `${y}, ${x} – https://www.openstreetmap.org/?mlat=${y}&mlon=${x}#map=18/${y}/${x}`;
}

/**
 * The placeholders every text about a citizen's message may use, from the trigger's item and what the
 * WhatsUrp nodes added to it (office hours, case). Values already in `item.placeholders` (set by an
 * earlier node: lists, the portal's number, …) win over these.
 *
 * {nome} profile name or '(nome non indicato)'; {mittente} name or masked number; {numero_mascherato};
 * {telefono} `+39…` (or the username id); {ricevuto} Italian date and time; {messaggio} text or caption
 * (or what kind of message it was); {tipo} Meta's type; {richiesta} segnalazione or domanda; {posizione} coordinates and map link;
 * {luogo} the place the position named; {orari}; {prossima_apertura}; {chiusura} holiday's name in
 * brackets; {pratica} the case number; reports: {messaggi} how many messages made it (and {ricevuto} is
 * its first one's time), {numero} the portal's request number, {errore_portale}; downloads:
 * {allegati} how many files are attached, {allegati_mancanti} the ones that could not be downloaded.
 */
export function messagePlaceholders(
	item: MessageContext,
	timeZone = 'Europe/Rome',
): Record<string, string> {
	const from = item.from ?? {};
	const waId = str(from.waId);
	const userId = str(from.userId);
	const name = str(from.name).trim();
	const masked = waId !== '' ? maskNumber(waId) : userId;
	const type = str(item.type);
	const text = str(item.text) || str(item.caption);
	const location = item.location ?? null;
	const hours = item.officeHours ?? null;
	const nextOpening = str(hours?.nextOpening);
	const nextOpeningText = str(hours?.nextOpeningText);
	const holiday = str(hours?.holidayName);
	const report = item.report ?? null;
	const received = str(report?.firstMessageAt) || str(item.timestamp);
	const attachments = str(item.attachments)
		.split(',')
		.filter((name) => name.trim() !== '');
	const downloadErrors = Array.isArray(item.downloadErrors)
		? item.downloadErrors.map((entry) => str(entry)).filter((entry) => entry !== '')
		: [];
	const error = str(item.error);
	const values: Record<string, string> = {
		nome: name !== '' ? name : '(nome non indicato)',
		mittente: name !== '' ? name : masked,
		numero_mascherato: masked,
		telefono: waId !== '' ? `+${waId}` : userId,
		ricevuto: received !== '' ? italianDateTime(received, timeZone) : '',
		messaggi: str(report?.messages) || '1',
		numero: str(item.case?.portalRequestId),
		errore_portale:
			error === '' ? '' : str(item.errorHint) !== '' ? `${error} – ${str(item.errorHint)}` : error,
		allegati: String(attachments.length),
		allegati_mancanti: downloadErrors.join('; '),
		messaggio: text !== '' ? text : `(messaggio senza testo, di tipo ${type || 'sconosciuto'})`,
		tipo: type,
		richiesta: str(item.intent) === 'report' ? 'segnalazione' : 'domanda',
		posizione: location === null ? '' : positionText(location.latitude, location.longitude),
		luogo:
			location === null
				? ''
				: [str(location.name), str(location.address)].filter((part) => part !== '').join(', '),
		orari: str(hours?.scheduleText),
		prossima_apertura:
			nextOpeningText !== '' ? nextOpeningPhrase(nextOpeningText, nextOpening) : '',
		chiusura: holiday !== '' ? ` (${holiday})` : '',
		pratica: str(item.caseId),
	};
	const earlier = item.placeholders;
	if (earlier !== null && typeof earlier === 'object' && !Array.isArray(earlier)) {
		for (const [key, value] of Object.entries(earlier as Record<string, unknown>)) {
			if (value === null || value === undefined) values[key] = '';
			else if (typeof value !== 'object') values[key] = String(value);
		}
	}
	return values;
}
