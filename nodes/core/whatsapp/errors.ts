/**
 * Cloud API errors: what a Meta error code means for the sender (retry? give up? use a template?)
 * and an Italian hint for the office's staff. Codes from Meta's error-code reference for the Cloud API
 * and the Graph API; anything else is `unknown` and retryable only when the HTTP status is 5xx.
 */
import { isControlCharacter } from '../shared/text';

export type MetaErrorKind =
	| 'throttle'
	| 'pairRate'
	| 'outsideWindow'
	| 'retryable'
	| 'fatal'
	| 'recipient'
	| 'invalidRequest'
	| 'unknown';

export interface MetaErrorClassification {
	kind: MetaErrorKind;
	retryable: boolean;
	hintIt: string;
}

/** Kinds worth retrying later (with back-off); the others need a person or a different message. */
const RETRYABLE_KINDS: ReadonlySet<MetaErrorKind> = new Set(['throttle', 'pairRate', 'retryable']);

const CHECK_TEMPLATE =
	'controllare il modello in Meta Business Manager (WhatsApp Manager › Modelli di messaggio).';

const HINTS = {
	throttle:
		'WhatsApp sta limitando gli invii di questo numero (troppi messaggi in poco tempo): il messaggio verrà ritentato più tardi; per gli avvisi a molti iscritti rallentare il ritmo di invio.',
	retryable:
		'Errore temporaneo dei server di WhatsApp: il messaggio verrà ritentato automaticamente; se persiste, verificare lo stato della piattaforma Meta.',
	permission:
		"L'app Meta non ha i permessi per inviare da questo numero (whatsapp_business_messaging): verificare in Meta Business Manager che il token della credenziale «WhatsApp Cloud API» appartenga a un utente di sistema con accesso all'account WhatsApp Business.",
	unknownRetryable:
		'Errore dei server di WhatsApp non riconosciuto: il messaggio verrà ritentato; se si ripete, annotare il codice e il fbtrace_id e contattare il supporto tecnico.',
	unknown:
		'Errore di WhatsApp non riconosciuto: il messaggio non è stato inviato. Annotare il codice e il fbtrace_id e contattare il supporto tecnico.',
} as const;

/** The classification table: code → kind and Italian hint. */
const TABLE: ReadonlyMap<number, { kind: MetaErrorKind; hintIt: string }> = new Map<
	number,
	{ kind: MetaErrorKind; hintIt: string }
>([
	// Throughput
	[130429, { kind: 'throttle', hintIt: HINTS.throttle }],
	[
		4,
		{
			kind: 'throttle',
			hintIt:
				"Troppe chiamate all'API di Meta da parte dell'app: il messaggio verrà ritentato più tardi; rallentare gli invii.",
		},
	],
	[
		80007,
		{
			kind: 'throttle',
			hintIt:
				"L'account WhatsApp Business ha raggiunto il limite di richieste: il messaggio verrà ritentato più tardi; rallentare gli invii.",
		},
	],
	[
		131056,
		{
			kind: 'pairRate',
			hintIt:
				'Troppi messaggi in poco tempo allo stesso cittadino: attendere qualche secondo prima di scrivergli di nuovo (il messaggio verrà ritentato).',
		},
	],
	// Customer-service window
	[
		131047,
		{
			kind: 'outsideWindow',
			hintIt:
				"Sono passate più di 24 ore dall'ultimo messaggio del cittadino: WhatsApp consente di scrivergli solo con un modello approvato (template). Inviare un modello, oppure attendere che il cittadino scriva di nuovo.",
		},
	],
	// Temporary
	[1, { kind: 'retryable', hintIt: HINTS.retryable }],
	[2, { kind: 'retryable', hintIt: HINTS.retryable }],
	[131000, { kind: 'retryable', hintIt: HINTS.retryable }],
	[
		131016,
		{
			kind: 'retryable',
			hintIt:
				'Il servizio WhatsApp è momentaneamente sovraccarico o non disponibile: il messaggio verrà ritentato automaticamente.',
		},
	],
	[
		133004,
		{
			kind: 'retryable',
			hintIt:
				'Il server di WhatsApp è temporaneamente non disponibile: il messaggio verrà ritentato automaticamente.',
		},
	],
	// Fatal: configuration or account, needs a person
	[
		190,
		{
			kind: 'fatal',
			hintIt:
				'Il token di accesso di WhatsApp non è valido o è scaduto: aggiornare la credenziale «WhatsApp Cloud API» in n8n.',
		},
	],
	[
		368,
		{
			kind: 'fatal',
			hintIt:
				"L'account è temporaneamente bloccato da Meta per violazione delle regole d'uso di WhatsApp: verificare la qualità dell'account in WhatsApp Manager prima di inviare altri messaggi.",
		},
	],
	[
		131031,
		{
			kind: 'fatal',
			hintIt:
				"L'account WhatsApp Business è stato bloccato da Meta (per esempio per violazioni delle regole o verifica del PIN non riuscita): controllare lo stato dell'account in WhatsApp Manager.",
		},
	],
	[
		131048,
		{
			kind: 'fatal',
			hintIt:
				'Invii limitati da Meta perché troppi messaggi precedenti sono stati segnalati o bloccati dai destinatari: sospendere gli invii di massa e controllare la qualità del numero in WhatsApp Manager.',
		},
	],
	[10, { kind: 'fatal', hintIt: HINTS.permission }],
	[200, { kind: 'fatal', hintIt: HINTS.permission }],
	[131005, { kind: 'fatal', hintIt: HINTS.permission }],
	[
		131042,
		{
			kind: 'fatal',
			hintIt:
				"Problema di pagamento dell'account WhatsApp Business (metodo di pagamento mancante o limite di credito superato): verificare la fatturazione in Meta Business Manager.",
		},
	],
	// The recipient
	[
		131026,
		{
			kind: 'recipient',
			hintIt:
				'Messaggio non recapitabile: il numero potrebbe non essere su WhatsApp, usare una versione di WhatsApp troppo vecchia, non aver accettato i nuovi termini di servizio, oppure aver bloccato il numero del Comune. Verificare il numero o contattare il cittadino con un altro canale.',
		},
	],
	[
		131049,
		{
			kind: 'recipient',
			hintIt:
				'Meta non ha recapitato il messaggio per limitare i messaggi di marketing ricevuti da questo cittadino: non ritentare subito; riprovare fra qualche giorno o usare un modello di categoria «utilità».',
		},
	],
	[
		131050,
		{
			kind: 'recipient',
			hintIt:
				'Il cittadino ha scelto di non ricevere messaggi di marketing da questo numero: non inviargli più modelli di marketing.',
		},
	],
	[
		131051,
		{
			kind: 'recipient',
			hintIt:
				'Tipo di messaggio non supportato da WhatsApp: inviare un testo, un allegato o un modello.',
		},
	],
	[
		131052,
		{
			kind: 'recipient',
			hintIt:
				"Non è stato possibile scaricare l'allegato inviato dal cittadino: chiedergli di inviarlo di nuovo.",
		},
	],
	[
		131053,
		{
			kind: 'recipient',
			hintIt:
				"WhatsApp non è riuscita a caricare l'allegato da inviare: verificare che il link sia pubblico e raggiungibile e che il formato e la dimensione del file siano tra quelli ammessi.",
		},
	],
	[
		131021,
		{
			kind: 'recipient',
			hintIt:
				'Il destinatario coincide con il numero del Comune che invia: indicare il numero del cittadino.',
		},
	],
	[
		470,
		{
			kind: 'recipient',
			hintIt:
				"Messaggio non recapitabile a questo destinatario (codice 470, che le versioni precedenti dell'API usavano anche per la finestra di 24 ore scaduta): verificare il numero; se il cittadino non scrive da più di 24 ore, usare un modello approvato.",
		},
	],
	// Invalid request: fix the message or the template
	[
		100,
		{
			kind: 'invalidRequest',
			hintIt:
				"Richiesta non valida: un parametro del messaggio è errato o mancante (vedere il dettaglio dell'errore). Controllare numero del destinatario, testo e configurazione del nodo.",
		},
	],
	[
		131008,
		{
			kind: 'invalidRequest',
			hintIt:
				"Manca un parametro obbligatorio del messaggio (vedere il dettaglio dell'errore): completare la configurazione del nodo.",
		},
	],
	[
		131009,
		{
			kind: 'invalidRequest',
			hintIt:
				"Un valore del messaggio non è valido (per esempio un numero di telefono non corretto o un id di pulsante ripetuto): vedere il dettaglio dell'errore e correggere il nodo.",
		},
	],
	[
		132000,
		{
			kind: 'invalidRequest',
			hintIt: `Il numero di parametri inviati non corrisponde ai segnaposto {{1}}, {{2}}, … del modello: ${CHECK_TEMPLATE}`,
		},
	],
	[
		132001,
		{
			kind: 'invalidRequest',
			hintIt: `Il modello non esiste in questa lingua o non è ancora approvato: verificare nome e codice lingua (es. «it»), poi ${CHECK_TEMPLATE}`,
		},
	],
	[
		132005,
		{
			kind: 'invalidRequest',
			hintIt:
				'Il testo del modello con i parametri sostituiti è troppo lungo: accorciare i valori dei parametri.',
		},
	],
	[
		132007,
		{
			kind: 'invalidRequest',
			hintIt: `Il contenuto dei parametri viola le regole di formattazione o i criteri di WhatsApp per questo modello: rivedere i valori inviati e ${CHECK_TEMPLATE}`,
		},
	],
	[
		132012,
		{
			kind: 'invalidRequest',
			hintIt: `Un parametro non ha il formato previsto dal modello (per esempio un testo al posto di un'immagine nell'intestazione): ${CHECK_TEMPLATE}`,
		},
	],
	[
		132015,
		{
			kind: 'invalidRequest',
			hintIt: `Il modello è stato messo in pausa da Meta per bassa qualità (troppe segnalazioni): modificarlo o usarne un altro; ${CHECK_TEMPLATE}`,
		},
	],
	[
		132016,
		{
			kind: 'invalidRequest',
			hintIt: `Il modello è stato disattivato definitivamente da Meta per bassa qualità: crearne uno nuovo e farlo approvare; ${CHECK_TEMPLATE}`,
		},
	],
	[
		132018,
		{
			kind: 'invalidRequest',
			hintIt:
				'Un parametro del modello contiene caratteri non ammessi (a capo, tabulazioni o più di 4 spazi consecutivi): riscriverlo su una sola riga.',
		},
	],
	[
		135000,
		{
			kind: 'invalidRequest',
			hintIt:
				"WhatsApp ha rifiutato il messaggio per un errore generico nei parametri: controllare il contenuto del messaggio; se l'errore si ripete con messaggi corretti, contattare il supporto tecnico.",
		},
	],
]);

/** The codes of the classification table (for documentation and tests). */
export const CLASSIFIED_META_ERROR_CODES: readonly number[] = [...TABLE.keys()];

/**
 * What a Meta error means for the sender. A known `code` decides; without one, a 5xx is a temporary
 * server problem and a 429 is throttling; anything else is `unknown`, retryable only on 5xx.
 */
export function classifyMetaError(
	code: number | undefined,
	httpStatus?: number,
): MetaErrorClassification {
	const serverError = httpStatus !== undefined && httpStatus >= 500 && httpStatus <= 599;
	const known = code === undefined ? undefined : TABLE.get(code);
	if (known)
		return { kind: known.kind, retryable: RETRYABLE_KINDS.has(known.kind), hintIt: known.hintIt };
	if (code === undefined && serverError) {
		return { kind: 'retryable', retryable: true, hintIt: HINTS.retryable };
	}
	if (code === undefined && httpStatus === 429) {
		return { kind: 'throttle', retryable: true, hintIt: HINTS.throttle };
	}
	if (code === undefined && httpStatus === 401) {
		return { kind: 'fatal', retryable: false, hintIt: TABLE.get(190)!.hintIt };
	}
	return {
		kind: 'unknown',
		retryable: serverError,
		hintIt: serverError ? HINTS.unknownRetryable : HINTS.unknown,
	};
}

/** Longest error message built from a response (hostile or huge bodies are cut). */
export const MAX_ERROR_MESSAGE_LENGTH = 1000;

export { isControlCharacter };

/** `text` with every control character replaced by `replacement`. */
export function replaceControlCharacters(text: string, replacement: string): string {
	let out = '';
	for (const char of text) out += isControlCharacter(char.codePointAt(0) ?? 0) ? replacement : char;
	return out;
}

/** One line of printable text, at most `max` code points (with "…" when cut). */
export function sanitizeErrorText(text: string, max: number): string {
	const flat = replaceControlCharacters(text, ' ').replace(/ {2,}/g, ' ').trim();
	const chars = [...flat];
	return chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('')}…` : flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown, max = 500): string | undefined {
	if (typeof value !== 'string') return undefined;
	const text = sanitizeErrorText(value, max);
	return text === '' ? undefined : text;
}

function asInteger(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isInteger(value)) return value;
	if (typeof value === 'string' && /^\d{1,9}$/.test(value.trim())) return Number(value.trim());
	return undefined;
}

const HTTP_REASONS: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

/** Readable text of a non-JSON body (an HTML error page of a proxy, …): tags removed, cut short. */
function describeRawBody(text: string): string {
	const withoutTags = text
		.replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/&nbsp;/g, ' ');
	return sanitizeErrorText(withoutTags, 200);
}

export interface MetaApiErrorFields {
	httpStatus: number;
	code?: number;
	subcode?: number;
	type?: string;
	title?: string;
	details?: string;
	fbtraceId?: string;
	/** Text of a body that was not Meta's JSON envelope, cut short. */
	rawText?: string;
	/** Overrides the built message (e.g. for a 200 answer without a message id). */
	message?: string;
	classification?: MetaErrorClassification;
}

/** An error answer of the Cloud API, classified. */
export class MetaApiError extends Error {
	readonly httpStatus: number;
	readonly code?: number;
	readonly subcode?: number;
	readonly type?: string;
	readonly title?: string;
	readonly details?: string;
	readonly fbtraceId?: string;
	readonly kind: MetaErrorKind;
	readonly retryable: boolean;
	readonly hintIt: string;

	constructor(fields: MetaApiErrorFields) {
		const classification =
			fields.classification ?? classifyMetaError(fields.code, fields.httpStatus);
		super(
			sanitizeErrorText(fields.message ?? MetaApiError.describe(fields), MAX_ERROR_MESSAGE_LENGTH),
		);
		this.name = 'MetaApiError';
		this.httpStatus = fields.httpStatus;
		this.code = fields.code;
		this.subcode = fields.subcode;
		this.type = fields.type;
		this.title = fields.title;
		this.details = fields.details;
		this.fbtraceId = fields.fbtraceId;
		this.kind = classification.kind;
		this.retryable = classification.retryable;
		this.hintIt = classification.hintIt;
	}

	private static describe(fields: MetaApiErrorFields): string {
		const explanation = fields.details ?? fields.rawText;
		if (fields.code !== undefined) {
			const title = fields.title ? ` (${fields.title})` : '';
			const details = explanation && explanation !== fields.title ? `: ${explanation}` : '';
			return `WhatsApp API error ${fields.code}${title}${details}`;
		}
		const reason = HTTP_REASONS[fields.httpStatus];
		const status = `HTTP ${fields.httpStatus}${reason ? ` ${reason}` : ''}`;
		if (fields.title || fields.details) {
			return `WhatsApp API error: ${status}: ${[fields.title, fields.details].filter(Boolean).join(': ')}`;
		}
		if (fields.rawText)
			return `WhatsApp API error: ${status} (non-JSON response: "${fields.rawText}")`;
		return `WhatsApp API error: ${status} with no error details`;
	}

	/**
	 * Reads Meta's error envelope
	 * `{ error: { message, type, code, error_subcode, error_data: { messaging_product, details }, fbtrace_id } }`
	 * from any body (object, JSON text, Buffer, HTML page, nothing). Never throws.
	 */
	static fromResponse(status: number, body: unknown): MetaApiError {
		const httpStatus = Number.isInteger(status) ? status : 0;
		const parsed = parseApiBody(body);
		if (typeof parsed === 'string') {
			return new MetaApiError({ httpStatus, rawText: describeRawBody(parsed) || undefined });
		}
		const envelope = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
		if (!envelope) {
			const rawText =
				parsed === undefined ? undefined : describeRawBody(safeJson(parsed)) || undefined;
			return new MetaApiError({ httpStatus, rawText });
		}
		const code = asInteger(envelope.code);
		const message = asString(envelope.message);
		// Meta prefixes the message with the code: "(#131047) Re-engagement message".
		const title =
			asString(envelope.error_user_title) ?? message?.replace(/^\(#\d+\)\s*/, '') ?? undefined;
		const errorData = isRecord(envelope.error_data) ? envelope.error_data : undefined;
		const details = asString(errorData?.details) ?? asString(envelope.error_user_msg) ?? undefined;
		return new MetaApiError({
			httpStatus,
			code,
			subcode: asInteger(envelope.error_subcode),
			type: asString(envelope.type, 100),
			title: title === '' ? undefined : title,
			details,
			fbtraceId: asString(envelope.fbtrace_id, 100),
		});
	}
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return '[unserializable body]';
	}
}

/**
 * A Cloud API body as a JSON value: objects pass through; strings and Buffers are parsed as JSON, and
 * kept as (trimmed) text when they are not JSON (an HTML error page); empty bodies give undefined.
 * Never throws.
 */
export function parseApiBody(raw: unknown): unknown {
	let text: string;
	if (typeof raw === 'string') text = raw;
	else if (raw instanceof Uint8Array) text = Buffer.from(raw).toString('utf8');
	else return raw ?? undefined;
	const trimmed = text.replace(/^\uFEFF/, '').trim();
	if (trimmed === '') return undefined;
	try {
		return JSON.parse(trimmed) as unknown;
	} catch {
		return trimmed;
	}
}
