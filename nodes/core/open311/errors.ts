/**
 * What can go wrong talking to an Open311 GeoReport v2 portal, as one error class: bad settings or
 * fields caught before sending (`config`, `input`), and the portal's answers (`auth`, `notFound`,
 * `rejected`, `unavailable`, `malformed`). GeoReport v2 errors are an array `[{ code, description }]`
 * with HTTP 403 for a missing or wrong api_key, 404 for what does not exist and 400 for the rest;
 * anything else (an HTML page of a proxy, an empty or huge body, a 5xx) is read without throwing.
 */

export type Open311ErrorKind =
	/** The credential's settings (base URL, API key) cannot make a request. */
	| 'config'
	/** A field of the request is invalid; nothing was sent. */
	| 'input'
	/** HTTP 401/403: the api_key is missing or wrong. */
	| 'auth'
	/** HTTP 404/410: the service code, request, token or jurisdiction does not exist. */
	| 'notFound'
	/** Another 4xx: the portal did not accept the request. */
	| 'rejected'
	/** 5xx, 408, 429 or no answer at all: worth retrying later. */
	| 'unavailable'
	/** An answer that is not GeoReport v2 JSON (HTML page, empty, too large, wrong shape). */
	| 'malformed';

/** The call an error belongs to: it chooses the hint for staff. */
export type Open311Operation =
	| 'listServices'
	| 'getServiceDefinition'
	| 'createRequest'
	| 'getRequest'
	| 'listRequests'
	| 'getToken';

/** One entry of a GeoReport v2 error array. */
export interface PortalError {
	code?: number | string;
	description: string;
}

export interface Open311ErrorFields {
	kind: Open311ErrorKind;
	/** English, one line; built from the other fields when missing. */
	message?: string;
	/** HTTP status of the answer; 0 when nothing was answered (settings, fields, network). */
	httpStatus?: number;
	/** The portal's error entries, in order. */
	errors?: PortalError[];
	/** The field at fault (`input` and `config` errors). */
	field?: string;
	operation?: Open311Operation;
	/** Italian hint for staff; a default per kind and operation when missing. */
	hintIt?: string;
}

/** Longest message of an error; hostile or huge bodies are cut. */
export const MAX_ERROR_MESSAGE_LENGTH = 1000;
const MAX_PORTAL_ERRORS = 10;
const MAX_PORTAL_DESCRIPTION = 500;

const CREDENTIAL = '«Open311 API»';

const HINTS: Record<Exclude<Open311ErrorKind, 'input'>, string> = {
	config: `Controllare la credenziale ${CREDENTIAL} in n8n: l'indirizzo del portale deve essere completo, per esempio https://segnala.comune.rimini.it/open311/v2.`,
	auth: `Il portale Segnala non ha accettato la chiave API: verificare il campo «API Key» della credenziale ${CREDENTIAL} in n8n (la chiave la fornisce il gestore del portale).`,
	notFound: `Il portale non ha trovato quanto richiesto: verificare l'indirizzo e il codice ente (jurisdiction_id) della credenziale ${CREDENTIAL}.`,
	rejected:
		'Il portale Segnala non ha accettato la richiesta: leggere il motivo indicato; se si ripete con dati corretti, avvisare il gestore del portale.',
	unavailable:
		'Il portale Segnala non risponde o è temporaneamente non disponibile: riprovare più tardi.',
	malformed: `Risposta inattesa dal portale Segnala (non è Open311 in formato JSON): verificare l'indirizzo nella credenziale ${CREDENTIAL}; se è corretto, avvisare il gestore del portale.`,
};

const OPERATION_HINTS: Partial<
	Record<Open311Operation, Partial<Record<Open311ErrorKind, string>>>
> = {
	createRequest: {
		notFound: `Il portale non conosce questo codice servizio: usare l'operazione «Get Many» dei servizi per vedere i codici validi (per esempio «buche» o «illuminazione»), oppure verificare il codice ente (jurisdiction_id) della credenziale ${CREDENTIAL}.`,
		rejected:
			'Il portale ha rifiutato la segnalazione, che NON è stata registrata: leggere il motivo indicato e correggere i campi del nodo (codice servizio, posizione, attributi obbligatori, descrizione, contatti).',
		unavailable:
			'Il portale Segnala non risponde o è sovraccarico: la segnalazione potrebbe non essere stata registrata. Verificare sul portale prima di inviarla di nuovo, oppure riprovare più tardi.',
		malformed:
			'Risposta inattesa dal portale Segnala: non è certo che la segnalazione sia stata registrata. Verificare sul portale prima di inviarla di nuovo e avvisare il gestore del portale.',
	},
	getServiceDefinition: {
		notFound: `Il portale non conosce questo codice servizio: usare l'operazione «Get Many» dei servizi per vedere i codici validi, oppure verificare il codice ente (jurisdiction_id) della credenziale ${CREDENTIAL}.`,
	},
	getRequest: {
		notFound:
			'Nessuna segnalazione con questo numero sul portale: verificare il numero (una segnalazione appena inviata può comparire dopo qualche minuto).',
	},
	getToken: {
		notFound:
			'Il portale non riconosce il codice provvisorio (token) della segnalazione: potrebbe essere ancora in lavorazione, riprovare più tardi.',
	},
};

/** The default Italian hint for an error of `kind` in `operation`. */
export function hintFor(kind: Open311ErrorKind, operation?: Open311Operation): string {
	const specific = operation ? OPERATION_HINTS[operation]?.[kind] : undefined;
	if (specific) return specific;
	if (kind === 'input') return 'Correggere il campo indicato nel nodo.';
	return HINTS[kind];
}

const HTTP_REASONS: Record<number, string> = {
	200: 'OK',
	201: 'Created',
	202: 'Accepted',
	204: 'No Content',
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	408: 'Request Timeout',
	410: 'Gone',
	413: 'Payload Too Large',
	422: 'Unprocessable Entity',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

/** `HTTP 404 Not Found` */
export function describeStatus(status: number): string {
	const reason = HTTP_REASONS[status];
	return `HTTP ${status}${reason ? ` ${reason}` : ''}`;
}

/** What an HTTP status means when the body says nothing better. */
export function kindForStatus(status: number): Open311ErrorKind {
	if (status === 401 || status === 403) return 'auth';
	if (status === 404 || status === 410) return 'notFound';
	if (status === 0 || status === 408 || status === 429 || (status >= 500 && status <= 599)) {
		return 'unavailable';
	}
	if (status >= 400 && status <= 499) return 'rejected';
	return 'malformed';
}

/** C0/C1 control characters and line/paragraph separators. */
function isControl(codePoint: number): boolean {
	return (
		codePoint <= 0x1f ||
		(codePoint >= 0x7f && codePoint <= 0x9f) ||
		codePoint === 0x2028 ||
		codePoint === 0x2029
	);
}

/** One line of printable text, at most `max` code points (with "…" when cut). */
export function oneLine(text: string, max: number): string {
	let flat = '';
	for (const char of text) flat += isControl(char.codePointAt(0) ?? 0) ? ' ' : char;
	flat = flat.replace(/\s{2,}/g, ' ').trim();
	const chars = [...flat];
	return chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('')}…` : flat;
}

const KIND_PHRASES: Record<Exclude<Open311ErrorKind, 'input' | 'config'>, string> = {
	auth: 'The portal refused the API key',
	notFound: 'The portal did not find it',
	rejected: 'The portal did not accept the request',
	unavailable: 'The portal is unavailable',
	malformed: 'The portal gave an unexpected answer',
};

const OPERATION_NOT_FOUND: Partial<Record<Open311Operation, string>> = {
	createRequest: 'The portal does not know this service code or jurisdiction',
	getServiceDefinition: 'The portal does not know this service code or jurisdiction',
	getRequest: 'The portal has no request with this ID',
	getToken: 'The portal does not know this token',
	listServices: 'The portal did not find the service list (check the base URL and jurisdiction)',
	listRequests: 'The portal did not find the request list (check the base URL and jurisdiction)',
};

/** An Open311 exchange that did not give what was asked, with a hint for the office's staff. */
export class Open311Error extends Error {
	readonly kind: Open311ErrorKind;
	readonly httpStatus: number;
	readonly errors: PortalError[];
	/** The first portal error's code, if any. */
	readonly code?: number | string;
	/** The portal's descriptions, joined; or the reason for a local error. */
	readonly description?: string;
	readonly field?: string;
	readonly operation?: Open311Operation;
	readonly hintIt: string;
	/** Whether trying again later may work (portal down, overloaded, unreachable). */
	readonly retryable: boolean;

	constructor(fields: Open311ErrorFields) {
		const errors = (fields.errors ?? []).slice(0, MAX_PORTAL_ERRORS).map((entry) => ({
			...(entry.code !== undefined ? { code: entry.code } : {}),
			description: oneLine(entry.description, MAX_PORTAL_DESCRIPTION),
		}));
		const description = errors.length
			? errors.map((entry) => entry.description).join('; ')
			: undefined;
		const httpStatus =
			Number.isInteger(fields.httpStatus) && (fields.httpStatus ?? 0) >= 0
				? (fields.httpStatus as number)
				: 0;
		super(
			oneLine(
				fields.message ??
					Open311Error.describe(fields.kind, httpStatus, description, fields.operation),
				MAX_ERROR_MESSAGE_LENGTH,
			),
		);
		this.name = 'Open311Error';
		this.kind = fields.kind;
		this.httpStatus = httpStatus;
		this.errors = errors;
		this.code = errors[0]?.code;
		this.description = description;
		this.field = fields.field;
		this.operation = fields.operation;
		this.hintIt = fields.hintIt ?? hintFor(fields.kind, fields.operation);
		this.retryable = fields.kind === 'unavailable';
	}

	private static describe(
		kind: Open311ErrorKind,
		httpStatus: number,
		description: string | undefined,
		operation: Open311Operation | undefined,
	): string {
		if (kind === 'input' || kind === 'config') return description ?? 'Invalid setting';
		const phrase =
			(kind === 'notFound' && operation ? OPERATION_NOT_FOUND[operation] : undefined) ??
			KIND_PHRASES[kind];
		const status = httpStatus ? ` (${describeStatus(httpStatus)})` : '';
		return `${phrase}${status}${description ? `: ${description}` : ''}`;
	}

	/** A field of the request is invalid: nothing was sent. */
	static input(field: string, message: string, hintIt: string): Open311Error {
		return new Open311Error({ kind: 'input', field, message, hintIt });
	}

	/** A setting of the credential is invalid: nothing was sent. */
	static config(field: string, message: string, hintIt?: string): Open311Error {
		return new Open311Error({ kind: 'config', field, message, hintIt });
	}

	/**
	 * The error a non-2xx answer stands for: the GeoReport v2 error array when the body has one (also
	 * `{ errors: [...] }` and a single `{ code, description }`), else the status and the body's text
	 * (an HTML page is reduced to its words). Never throws.
	 */
	static fromResponse(status: number, body: unknown, operation?: Open311Operation): Open311Error {
		const httpStatus = Number.isInteger(status) ? status : 0;
		const parsed = parseOpen311Body(body);
		const kind = kindForStatus(httpStatus);
		if (parsed.type === 'json') {
			const errors = portalErrors(parsed.value);
			if (errors.length > 0) return new Open311Error({ kind, httpStatus, errors, operation });
			const text = describeJson(parsed.value);
			return new Open311Error({
				kind,
				httpStatus,
				errors: text ? [{ description: text }] : [],
				operation,
			});
		}
		if (parsed.type === 'text') {
			const text = readableText(parsed.text);
			const what = parsed.markup === 'html' ? 'HTML page' : parsed.markup === 'xml' ? 'XML' : '';
			const description = what ? `${what}${text ? `: "${text}"` : ''}` : text;
			return new Open311Error({
				kind,
				httpStatus,
				errors: description ? [{ description }] : [],
				operation,
			});
		}
		if (parsed.type === 'tooLarge') {
			return new Open311Error({
				kind,
				httpStatus,
				errors: [{ description: `a body of ${parsed.size} bytes, too large to read` }],
				operation,
			});
		}
		return new Open311Error({ kind, httpStatus, operation });
	}

	/** A 2xx answer that is not what GeoReport v2 says it should be. */
	static malformed(httpStatus: number, what: string, operation?: Open311Operation): Open311Error {
		return new Open311Error({
			kind: 'malformed',
			httpStatus,
			operation,
			message: `The portal answered ${describeStatus(httpStatus)} ${what}`,
		});
	}
}

/**
 * The same error with every occurrence of the secrets (the API key) replaced by "***": a hostile or
 * careless portal may echo the key in its error text.
 */
export function redactSecrets(
	error: Open311Error,
	secrets: Array<string | undefined>,
): Open311Error {
	const words = secrets.filter((secret): secret is string => !!secret && secret.length >= 4);
	if (words.length === 0) return error;
	const redact = (text: string) =>
		words.reduce((out, secret) => out.split(secret).join('***'), text);
	const touched =
		words.some((secret) => error.message.includes(secret)) ||
		error.errors.some((entry) => words.some((secret) => entry.description.includes(secret)));
	if (!touched) return error;
	return new Open311Error({
		kind: error.kind,
		httpStatus: error.httpStatus,
		errors: error.errors.map((entry) => ({ ...entry, description: redact(entry.description) })),
		field: error.field,
		operation: error.operation,
		hintIt: error.hintIt,
		message: redact(error.message),
	});
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function portalError(value: unknown): PortalError | undefined {
	if (!isRecord(value)) return undefined;
	const description =
		typeof value.description === 'string'
			? value.description
			: typeof value.message === 'string'
				? value.message
				: undefined;
	if (description === undefined || description.trim() === '') return undefined;
	const code =
		typeof value.code === 'number' && Number.isFinite(value.code)
			? value.code
			: typeof value.code === 'string' && value.code.trim() !== ''
				? oneLine(value.code, 50)
				: undefined;
	return code === undefined ? { description } : { code, description };
}

/** The GeoReport v2 error entries in a parsed body, if it has any. */
export function portalErrors(value: unknown): PortalError[] {
	const list = Array.isArray(value)
		? value
		: isRecord(value) && Array.isArray(value.errors)
			? value.errors
			: isRecord(value) && isRecord(value.errors) && value.errors.error !== undefined
				? [value.errors.error].flat()
				: isRecord(value)
					? [value]
					: [];
	return list
		.slice(0, MAX_PORTAL_ERRORS * 10)
		.map(portalError)
		.filter((entry): entry is PortalError => entry !== undefined);
}

function describeJson(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return readableText(value);
	try {
		return oneLine(JSON.stringify(value) ?? '', 200);
	} catch {
		return '';
	}
}

/** Readable words of a text or markup body: scripts, styles and tags removed, cut short. */
function readableText(text: string): string {
	const withoutTags = text
		.replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/&nbsp;/g, ' ');
	return oneLine(withoutTags, 200);
}

/** Largest body read (a list of 1,000 requests with long descriptions stays well below). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type ParsedBody =
	| { type: 'empty' }
	| { type: 'json'; value: unknown }
	| { type: 'text'; text: string; markup?: 'html' | 'xml' }
	| { type: 'tooLarge'; size: number };

/**
 * A body as the transport gave it (text, bytes, an already parsed value or nothing) read as JSON when
 * it is JSON; text otherwise (with a note when it is an HTML page or XML). Never throws.
 */
export function parseOpen311Body(raw: unknown, maxBytes = MAX_BODY_BYTES): ParsedBody {
	let text: string;
	if (raw === undefined || raw === null) return { type: 'empty' };
	if (typeof raw === 'string') {
		if (raw.length > maxBytes) return { type: 'tooLarge', size: Buffer.byteLength(raw) };
		text = raw;
	} else if (raw instanceof Uint8Array || raw instanceof ArrayBuffer) {
		const bytes = raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw;
		if (bytes.byteLength > maxBytes) return { type: 'tooLarge', size: bytes.byteLength };
		text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
	} else {
		return { type: 'json', value: raw };
	}
	const trimmed = text.replace(/^\uFEFF/, '').trim();
	if (trimmed === '') return { type: 'empty' };
	const first = trimmed[0];
	if (
		first === '[' ||
		first === '{' ||
		first === '"' ||
		/^(-?\d|true$|false$|null$)/.test(trimmed)
	) {
		try {
			return { type: 'json', value: JSON.parse(trimmed) as unknown };
		} catch {
			// not JSON after all: read as text below
		}
	}
	if (/^<\?xml/i.test(trimmed)) return { type: 'text', text: trimmed, markup: 'xml' };
	if (/^<(!doctype\s+html|html|head|body)\b/i.test(trimmed) || /<\/(html|body)>/i.test(trimmed)) {
		return { type: 'text', text: trimmed, markup: 'html' };
	}
	if (first === '<') return { type: 'text', text: trimmed, markup: 'xml' };
	return { type: 'text', text: trimmed };
}
