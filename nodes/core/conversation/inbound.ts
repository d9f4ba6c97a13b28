/**
 * A citizen's message as the WhatsUrp Trigger emits it (and the nodes after it enriched it), read into
 * what the conversation ledger takes: the citizen, the report part, the instant, the report rules.
 * Plain objects in, plain objects out; anything malformed is a ConversationInputError naming the field.
 */
import { keywordsFromText, RIMINI_SERVICE_KEYWORDS, validateReportRules } from './report';
import type { CaseChange, ReportPart, ReportRules } from './types';
import { CASE_ROUTES, CASE_STATES } from './types';

/** An item field that cannot be read (no sender, a position that is not one, a bad date-time, …). */
export class ConversationInputError extends Error {
	/** The item field or parameter at fault: `from`, `location`, `timestamp`, `windowHours`, … */
	readonly field: string;
	/** What to do about it, for staff. */
	readonly hint: string;

	constructor(field: string, message: string, hint: string) {
		super(message);
		this.name = 'ConversationInputError';
		this.field = field;
		this.hint = hint;
	}
}

/** The citizen as the store names them (the store validates the ids further). */
export interface ItemCitizen {
	waId?: string;
	userId?: string;
	name?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of a string or a number (ids sometimes arrive as numbers from expressions); else ''. */
function textOf(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

/** `from` {waId, userId, name} → the citizen; ConversationInputError when neither id is there. */
export function citizenFromItem(item: Record<string, unknown>): ItemCitizen {
	const from = isRecord(item.from) ? item.from : {};
	const waId = textOf(from.waId);
	const userId = textOf(from.userId);
	if (waId === '' && userId === '') {
		throw new ConversationInputError(
			'from',
			'The item names no citizen',
			"L'elemento in ingresso deve avere from.waId o from.userId, come li dà il WhatsUrp Trigger per un messaggio.",
		);
	}
	const name = typeof from.name === 'string' ? from.name.trim() : '';
	return {
		...(waId !== '' ? { waId } : {}),
		...(userId !== '' ? { userId } : {}),
		...(name !== '' ? { name } : {}),
	};
}

/**
 * The instant of the item: its `timestamp` (ISO 8601, or epoch seconds as Meta sends them), else `now`
 * when there is none. ConversationInputError for anything that is not a date-time.
 */
export function instantFromItem(value: unknown, now: Date, field = 'timestamp'): Date {
	if (value === undefined || value === null || value === '') return now;
	let date: Date | null = null;
	if (typeof value === 'number' && Number.isFinite(value)) date = new Date(value * 1000);
	else if (typeof value === 'string' && /^\d{9,11}$/.test(value.trim()))
		date = new Date(Number(value.trim()) * 1000);
	else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value.trim()))
		date = new Date(value.trim());
	if (date === null || Number.isNaN(date.getTime())) {
		throw new ConversationInputError(
			field,
			`${field} is not a date-time`,
			"Usa una data e ora ISO (2026-03-03T10:30:00Z) o i secondi epoch, come li dà il WhatsUrp Trigger.",
		);
	}
	return date;
}

function coordinate(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '') return Number(value);
	return Number.NaN;
}

/** The item's `messageId` (the wamid): a message delivered twice is recognised by it. */
export function messageIdFromItem(item: Record<string, unknown>): string {
	const messageId = textOf(item.messageId);
	if (messageId === '') {
		throw new ConversationInputError(
			'messageId',
			'The item has no message ID',
			"L'elemento in ingresso deve avere messageId (il wamid), come lo dà il WhatsUrp Trigger: serve a riconoscere un messaggio consegnato due volte.",
		);
	}
	return messageId;
}

/** `location` {latitude, longitude, name, address} → the part's position; undefined when absent. */
export function locationFromItem(value: unknown): ReportPart['location'] | undefined {
	if (value === undefined || value === null) return undefined;
	const latitude = isRecord(value) ? coordinate(value.latitude) : Number.NaN;
	const longitude = isRecord(value) ? coordinate(value.longitude) : Number.NaN;
	if (
		!Number.isFinite(latitude) ||
		!Number.isFinite(longitude) ||
		Math.abs(latitude) > 90 ||
		Math.abs(longitude) > 180
	) {
		throw new ConversationInputError(
			'location',
			'The location is not a position',
			'location.latitude deve essere un numero entro ±90 e location.longitude entro ±180, come li dà il WhatsUrp Trigger per una posizione condivisa.',
		);
	}
	const record = value as Record<string, unknown>;
	const place = [textOf(record.name), textOf(record.address)]
		.filter((part) => part !== '')
		.join(', ');
	return { latitude, longitude, ...(place !== '' ? { place } : {}) };
}

/**
 * The item as one part of a report: its message id, when it was sent (`now` without a timestamp), its
 * type, its text or caption, its media and its position. The store checks sizes.
 */
export function reportPartFromItem(item: Record<string, unknown>, now: Date): ReportPart {
	const part: ReportPart = {
		messageId: messageIdFromItem(item),
		receivedAt: instantFromItem(item.timestamp, now).toISOString(),
		type: textOf(item.type) || 'unknown',
	};
	const text = typeof item.text === 'string' && item.text.trim() !== '' ? item.text : item.caption;
	if (typeof text === 'string' && text.trim() !== '') part.text = text;
	if (isRecord(item.media)) {
		const id = textOf(item.media.id);
		if (id !== '') {
			const mimeType = textOf(item.media.mimeType);
			const filename = textOf(item.media.filename);
			part.media = {
				id,
				...(mimeType !== '' ? { mimeType } : {}),
				...(filename !== '' ? { filename } : {}),
			};
		}
	}
	const location = locationFromItem(item.location);
	if (location !== undefined) part.location = location;
	const from = isRecord(item.from) ? item.from : {};
	if (typeof from.name === 'string' && from.name.trim() !== '') part.name = from.name.trim();
	return part;
}

/** True when the office-hours node said the office was closed (`officeHours.open === false`). */
export function outOfHoursFromItem(item: Record<string, unknown>): boolean {
	return isRecord(item.officeHours) && item.officeHours.open === false;
}

/** One row of the node's "Service Keywords": a portal service code and its comma-separated words. */
export interface ServiceKeywordRow {
	code?: unknown;
	keywords?: unknown;
}

/** The node's default rows: Rimini's services, keywords joined with ", ". */
export function defaultServiceKeywordRows(): Array<{ code: string; keywords: string }> {
	return RIMINI_SERVICE_KEYWORDS.map((entry) => ({
		code: entry.service,
		keywords: entry.keywords.join(', '),
	}));
}

/**
 * The node's report parameters as checked rules (validateReportRules): window 1 minute – 7 days,
 * every service with a code and a keyword. ConversationInputError naming the parameter otherwise.
 */
export function reportRulesFromParameters(parameters: {
	serviceKeywords: readonly ServiceKeywordRow[];
	fallbackService: unknown;
	windowHours: unknown;
}): ReportRules {
	const hours =
		typeof parameters.windowHours === 'number' ||
		(typeof parameters.windowHours === 'string' && parameters.windowHours.trim() !== '')
			? Number(parameters.windowHours)
			: Number.NaN;
	const rules: ReportRules = {
		services: parameters.serviceKeywords.map((row) => ({
			service: textOf(row.code),
			keywords: typeof row.keywords === 'string' ? keywordsFromText(row.keywords) : [],
		})),
		fallbackService: textOf(parameters.fallbackService),
		windowMs: hours * 3_600_000,
	};
	let message: string;
	try {
		return validateReportRules(rules);
	} catch (error) {
		message = (error as Error).message;
	}
	// validateReportRules's messages: 'the report window must be …', 'the fallback service code is empty'
	const field = message.startsWith('the report window')
		? 'windowHours'
		: message.startsWith('the fallback service')
			? 'fallbackService'
			: 'serviceKeywords';
	const hint =
		field === 'windowHours'
			? `Imposta «Report Window (Hours)» tra 0,02 (1 minuto) e 168 (7 giorni); ora è ${String(parameters.windowHours)}.`
			: field === 'fallbackService'
				? "Imposta «Fallback Service» con il codice del servizio del portale per le segnalazioni a cui non corrisponde nessuna parola chiave."
				: "Dai a ogni riga di «Service Keywords» un codice di servizio e almeno una parola chiave.";
	throw new ConversationInputError(field, `Report rules: ${message}`, hint);
}

/** True for an IANA time zone this runtime knows (Europe/Rome, UTC, …). */
export function isTimeZone(timeZone: unknown): timeZone is string {
	if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
	try {
		new Intl.DateTimeFormat('en-GB', { timeZone });
		return true;
	} catch {
		return false;
	}
}

/**
 * The closure the automatic reply is remembered for: the office's next opening (ISO), as the Office
 * Hours node gives it. ConversationInputError when there is none (an office that never opens again).
 */
export function closureFromParameter(nextOpening: unknown): string {
	const closure = textOf(nextOpening);
	if (closure === '') {
		throw new ConversationInputError(
			'nextOpening',
			'No next opening to remember the reply by',
			"Imposta «Next Opening» con la prossima apertura dell'ufficio (officeHours.nextOpening dell'uscita Closed del nodo Office Hours); è vuota quando il calendario non riapre più.",
		);
	}
	return closure;
}

/** The "Update Case" parameters: the new state (`keep` for none) and the fields set. */
export interface CaseUpdateParameters {
	state?: unknown;
	routedTo?: unknown;
	portalService?: unknown;
	portalRequestId?: unknown;
	answeredHow?: unknown;
	replyWamid?: unknown;
	closedReason?: unknown;
}

/**
 * The change "Update Case" asks for: state unless `keep`, and each field given (empty ones left out).
 * States and routes are checked here; the store checks the rest (steps back, lengths).
 */
export function caseChangeFromParameters(parameters: CaseUpdateParameters): CaseChange {
	const change: CaseChange = {};
	const state = textOf(parameters.state);
	if (state !== '' && state !== 'keep') {
		if (!(CASE_STATES as readonly string[]).includes(state)) {
			throw new ConversationInputError(
				'state',
				`Unknown case state "${state}"`,
				`Usa uno di questi valori: keep, ${CASE_STATES.join(', ')}.`,
			);
		}
		change.state = state as CaseChange['state'];
	}
	const routedTo = textOf(parameters.routedTo);
	if (routedTo !== '') {
		if (!(CASE_ROUTES as readonly string[]).includes(routedTo)) {
			throw new ConversationInputError(
				'routedTo',
				`Unknown route "${routedTo}"`,
				`Usa uno di questi valori: ${CASE_ROUTES.join(', ')}.`,
			);
		}
		change.routedTo = routedTo as CaseChange['routedTo'];
	}
	const answeredHow = textOf(parameters.answeredHow);
	if (answeredHow !== '') {
		if (answeredHow !== 'text' && answeredHow !== 'template') {
			throw new ConversationInputError(
				'answeredHow',
				`Unknown answer kind "${answeredHow}"`,
				'Usa text o template.',
			);
		}
		change.answeredHow = answeredHow;
	}
	for (const field of ['portalService', 'portalRequestId', 'replyWamid', 'closedReason'] as const) {
		const value = parameters[field];
		if (value === undefined || value === null || value === '') continue;
		if (typeof value !== 'string' && typeof value !== 'number') {
			throw new ConversationInputError(field, `${field} must be text`, `Indica ${field} come testo.`);
		}
		const text = String(value).trim();
		if (text !== '') change[field] = text;
	}
	return change;
}
