/**
 * Builders of the request bodies POSTed to the Cloud API's /{Phone-Number-ID}/messages endpoint
 * (Meta's OpenAPI v23.0, schemas `Message` and `MarkMessageRequestPayload`). Pure functions: each one
 * validates its input against WhatsApp's limits and throws a MessageValidationError naming the field,
 * so a message Meta would refuse is never sent.
 *
 * Lengths are counted in Unicode code points (`[...text].length`): an emoji such as 👍 counts as one
 * character, as WhatsApp counts it, while a flag or a family emoji made of several code points counts
 * as several (the same count Ajv's maxLength makes on Meta's schema). UTF-16 length would count every
 * emoji as two and refuse titles WhatsApp accepts.
 *
 * Texts are passed through unchanged: no trimming, no escaping (WhatsApp shows plain text, so
 * `<b>` or `<script>` reach the citizen verbatim). Only the NUL character is refused.
 */

/** Input refused before anything is sent; `field` is the path of the offending option. */
export class MessageValidationError extends Error {
	readonly field: string;
	/** The same problem in Italian, for the office's staff. */
	readonly hintIt: string;

	constructor(field: string, message: string, hintIt: string) {
		super(message);
		this.name = 'MessageValidationError';
		this.field = field;
		this.hintIt = hintIt;
	}
}

/** WhatsApp's limits, in characters (code points) or items. */
export const MESSAGE_LIMITS = {
	textBody: 4096,
	caption: 1024,
	interactiveBody: 1024,
	headerText: 60,
	footerText: 60,
	buttons: 3,
	buttonTitle: 20,
	buttonId: 256,
	listButtonText: 20,
	sections: 10,
	rows: 10,
	sectionTitle: 24,
	rowTitle: 24,
	rowDescription: 72,
	rowId: 200,
	templateName: 512,
	templateParameter: 32768,
	templateHeaderParameters: 1,
	waIdMinDigits: 8,
	waIdMaxDigits: 15,
} as const;

/** Characters as WhatsApp counts them: Unicode code points. */
export function countCharacters(text: string): number {
	return [...text].length;
}

// ---------------------------------------------------------------------------------------------
// Payload shapes

/** Who receives: a phone number (`waId`) or, for username users, the business-scoped user id. */
export type Recipient = { waId?: string; userId?: string };

/** A Recipient, or a phone number as a string. */
export type RecipientInput = Recipient | string;

/**
 * `to` for phone numbers; `recipient` for a business-scoped user id (BSUID, e.g.
 * "IT.1502576394655843"). Meta introduced BSUIDs in 2026 and documents sending to them with the
 * `recipient` property instead of `to`; the v23.0 OpenAPI spec predates them and still requires
 * `to`, so a BSUID-only body does not validate against that spec (see test/unit/whatsapp/schema.test).
 */
export type RecipientFields = { to: string; recipient?: never } | { recipient: string; to?: never };

export type BaseMessagePayload = RecipientFields & {
	messaging_product: 'whatsapp';
	recipient_type: 'individual';
	context?: { message_id: string };
};

export type TextMessagePayload = BaseMessagePayload & {
	type: 'text';
	text: { body: string; preview_url?: boolean };
};

export type MediaKind = 'image' | 'document' | 'video' | 'audio';

export interface MediaObjectPayload {
	id?: string;
	link?: string;
	caption?: string;
	filename?: string;
}

export type MediaMessagePayload = BaseMessagePayload & { type: MediaKind } & {
	[kind in MediaKind]?: MediaObjectPayload;
};

export interface TemplateTextParameterPayload {
	type: 'text';
	text: string;
}

export type TemplateMediaParameterPayload =
	| { type: 'image'; image: { link: string } }
	| { type: 'document'; document: { link: string } }
	| { type: 'video'; video: { link: string } };

export type TemplateComponentPayload =
	| {
			type: 'header';
			parameters: Array<TemplateTextParameterPayload | TemplateMediaParameterPayload>;
	  }
	| { type: 'body'; parameters: TemplateTextParameterPayload[] }
	| {
			type: 'button';
			sub_type: 'quick_reply' | 'url';
			index: string;
			parameters: Array<{ type: 'payload'; payload: string } | TemplateTextParameterPayload>;
	  };

export type TemplateMessagePayload = BaseMessagePayload & {
	type: 'template';
	template: {
		name: string;
		language: { policy: 'deterministic'; code: string };
		components?: TemplateComponentPayload[];
	};
};

export interface InteractiveTextParts {
	header?: { type: 'text'; text: string };
	body: { text: string };
	footer?: { text: string };
}

export type ButtonsMessagePayload = BaseMessagePayload & {
	type: 'interactive';
	interactive: InteractiveTextParts & {
		type: 'button';
		action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> };
	};
};

export interface ListRowPayload {
	id: string;
	title: string;
	description?: string;
}

export type ListMessagePayload = BaseMessagePayload & {
	type: 'interactive';
	interactive: InteractiveTextParts & {
		type: 'list';
		action: { button: string; sections: Array<{ title?: string; rows: ListRowPayload[] }> };
	};
};

export interface MarkAsReadPayload {
	messaging_product: 'whatsapp';
	status: 'read';
	message_id: string;
	typing_indicator?: { type: 'text' };
}

export type OutgoingMessagePayload =
	| TextMessagePayload
	| MediaMessagePayload
	| TemplateMessagePayload
	| ButtonsMessagePayload
	| ListMessagePayload;

// ---------------------------------------------------------------------------------------------
// Options

export interface TextMessageOptions {
	body: string;
	previewUrl?: boolean;
	/** wamid of the message this one answers (shown as a quote). */
	replyTo?: string;
}

export type TemplateHeaderParameter =
	| string
	| { type: 'image' | 'document' | 'video'; link: string };

export interface TemplateButtonParameter {
	/** Position of the button in the template, 0–9. */
	index: number;
	subType: 'quick_reply' | 'url';
	/** Payload of a quick-reply button, or the suffix appended to a URL button's URL. */
	value: string;
}

export interface TemplateMessageOptions {
	/** The approved template's name: lowercase letters, digits and underscores. */
	name: string;
	/** Language code of the approved translation: `it`, `it_IT`, `en_US`, … */
	language: string;
	headerParameters?: TemplateHeaderParameter[];
	bodyParameters?: string[];
	buttonParameters?: TemplateButtonParameter[];
}

export interface ReplyButton {
	id: string;
	title: string;
}

export interface ButtonsMessageOptions {
	body: string;
	header?: string;
	footer?: string;
	buttons: ReplyButton[];
	replyTo?: string;
}

export interface ListSection {
	title?: string;
	rows: ListRowPayload[];
}

export interface ListMessageOptions {
	body: string;
	buttonText: string;
	header?: string;
	footer?: string;
	sections: ListSection[];
	replyTo?: string;
}

export interface MediaMessageOptions {
	link?: string;
	id?: string;
	caption?: string;
	filename?: string;
	replyTo?: string;
}

export interface MarkAsReadOptions {
	/** Also show "typing…" to the citizen (up to 25 s or until the next message). */
	typingIndicator?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers

/** A field as the error names it: machine path, English label, Italian label. */
interface Field {
	path: string;
	en: string;
	it: string;
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Short, safe rendering of a value for error messages. */
function show(value: unknown): string {
	if (typeof value === 'string') {
		const chars = [...value];
		return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 37).join('')}...` : value);
	}
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	return `${typeof value} ${String(value)}`;
}

/**
 * Throws for `field`. `en` follows the English label; in `it`, "%L" stands for the Italian label
 * (capitalized at the start), and a hint without "%L" follows the label.
 */
function fail(field: Field, en: string, it: string): never {
	const hint = it.includes('%L')
		? it.replace(/^%L/, capitalize(field.it)).replace('%L', field.it)
		: `${capitalize(field.it)} ${it}`;
	throw new MessageValidationError(field.path, `${capitalize(field.en)} ${en}`, hint);
}

function isAbsent(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

/** A required text: a string, not blank, without NUL, at most `max` characters. Returned unchanged. */
function requireText(field: Field, value: unknown, max: number): string {
	if (value === undefined || value === null) {
		fail(field, 'is required', 'Manca %L.');
	}
	if (typeof value !== 'string') {
		fail(
			field,
			`must be a string, got ${show(value)}`,
			`%L: serve un testo, ricevuto ${show(value)}.`,
		);
	}
	if (value.trim() === '') {
		fail(field, 'must not be empty', 'Manca %L: il testo è vuoto.');
	}
	if (value.includes('\u0000')) {
		fail(
			field,
			'contains a NUL character (\\u0000), which WhatsApp does not accept',
			'%L contiene un carattere nullo (\\u0000) che WhatsApp non accetta: ricopiare il testo.',
		);
	}
	const length = countCharacters(value);
	if (length > max) {
		fail(
			field,
			`${show(value)} is ${length} characters; WhatsApp allows at most ${max}`,
			`(${show(value)}) ha ${length} caratteri: WhatsApp ne consente al massimo ${max}.`,
		);
	}
	return value;
}

/** An optional text: absent, null or '' mean "not set"; anything else as requireText. */
function optionalText(field: Field, value: unknown, max: number): string | undefined {
	return isAbsent(value) ? undefined : requireText(field, value, max);
}

/** An identifier: a text without surrounding spaces. */
function requireId(field: Field, value: unknown, max: number): string {
	const id = requireText(field, value, max);
	if (id.trim() !== id) {
		fail(
			field,
			`${show(id)} must not start or end with spaces`,
			`(${show(id)}) non deve iniziare o finire con spazi.`,
		);
	}
	return id;
}

function requireObject(field: Field, value: unknown): Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		fail(
			field,
			`must be an object, got ${show(value)}`,
			`%L: valore non valido, ricevuto ${show(value)}.`,
		);
	}
	return value as Record<string, unknown>;
}

function requireArray(field: Field, value: unknown, min: number, max: number): unknown[] {
	if (!Array.isArray(value)) {
		fail(
			field,
			`must be an array, got ${show(value)}`,
			`%L: serve un elenco, ricevuto ${show(value)}.`,
		);
	}
	if (value.length < min) {
		fail(
			field,
			`must have at least ${min} item(s), got ${value.length}`,
			`%L: ne serve almeno ${min}, ricevuti ${value.length}.`,
		);
	}
	if (value.length > max) {
		fail(
			field,
			`has ${value.length} items; WhatsApp allows at most ${max}`,
			`%L: ricevuti ${value.length}, WhatsApp ne consente al massimo ${max}.`,
		);
	}
	return value;
}

function optionalBoolean(field: Field, value: unknown): boolean | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'boolean') {
		fail(
			field,
			`must be true or false, got ${show(value)}`,
			`%L: serve vero o falso, ricevuto ${show(value)}.`,
		);
	}
	return value;
}

function isHttpUrl(value: string): boolean {
	if (/\s/.test(value)) return false;
	try {
		const url = new URL(value);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
	} catch {
		return false;
	}
}

function requireHttpUrl(field: Field, value: unknown): string {
	const link = requireText(field, value, 4096);
	if (!isHttpUrl(link)) {
		fail(
			field,
			`${show(link)} is not an absolute http(s) URL`,
			`(${show(link)}) non è un indirizzo web completo (deve iniziare con https:// o http://).`,
		);
	}
	return link;
}

// ---------------------------------------------------------------------------------------------
// Recipient

const RECIPIENT: Field = { path: 'to', en: 'recipient', it: 'il destinatario' };
const WA_ID: Field = {
	path: 'to.waId',
	en: 'recipient phone number',
	it: 'il numero del destinatario',
};
const USER_ID: Field = {
	path: 'to.userId',
	en: 'recipient user id',
	it: "l'identificativo utente del destinatario",
};

/**
 * The WhatsApp id of a phone number: digits only, after removing '+', spaces and dashes; 8–15 digits
 * starting with the country code (a leading 0 or 00 is refused rather than guessed).
 */
export function normalizeWaId(value: unknown): string {
	const raw = requireText(WA_ID, value, 64);
	const digits = raw.replace(/[+\s-]/g, '');
	if (!/^\d+$/.test(digits)) {
		fail(
			WA_ID,
			`${show(raw)} must contain only digits (with optional '+', spaces and dashes)`,
			`(${show(raw)}) deve contenere solo cifre (sono ammessi '+', spazi e trattini).`,
		);
	}
	if (digits.startsWith('0')) {
		fail(
			WA_ID,
			`${show(raw)} must start with the country code (e.g. 39 for Italy), not with 0 or 00`,
			`(${show(raw)}) deve iniziare con il prefisso internazionale senza 00 (per l'Italia 39, es. 393331234567).`,
		);
	}
	const { waIdMinDigits: min, waIdMaxDigits: max } = MESSAGE_LIMITS;
	if (digits.length < min || digits.length > max) {
		fail(
			WA_ID,
			`${show(raw)} has ${digits.length} digits; a WhatsApp number has ${min} to ${max}`,
			`(${show(raw)}) ha ${digits.length} cifre: un numero WhatsApp ne ha da ${min} a ${max}, prefisso internazionale compreso.`,
		);
	}
	return digits;
}

/** A business-scoped user id (BSUID): a country code, a dot and alphanumerics (`IT.1502576394655843`). */
const BSUID = /^[A-Z]{2}(\.[A-Za-z0-9]+)+$/;

/**
 * What staff type (or an expression gives) in a "Recipient" field: a BSUID is a user id, anything
 * else a phone number (validated when the message is built).
 */
export function parseRecipient(value: unknown): Recipient {
	const text = typeof value === 'string' ? value.trim() : String(value ?? '').trim();
	return BSUID.test(text) ? { userId: text } : { waId: text };
}

/** `{ to }` for a phone number (preferred when both are known), `{ recipient }` for a BSUID only. */
export function recipientFields(to: RecipientInput): RecipientFields {
	if (typeof to === 'string') return { to: normalizeWaId(to) };
	const recipient = requireObject(RECIPIENT, to);
	if (!isAbsent(recipient.waId)) return { to: normalizeWaId(recipient.waId) };
	if (!isAbsent(recipient.userId)) {
		const userId = requireText(USER_ID, recipient.userId, 256);
		if (/\s/.test(userId)) {
			fail(
				USER_ID,
				`${show(userId)} must not contain spaces`,
				`(${show(userId)}) non deve contenere spazi.`,
			);
		}
		return { recipient: userId };
	}
	return fail(
		RECIPIENT,
		'needs a phone number (waId) or a business-scoped user id (userId)',
		'deve avere un numero di telefono (waId) o un identificativo utente (userId).',
	);
}

function base(to: RecipientInput, replyTo: unknown): BaseMessagePayload {
	const payload: BaseMessagePayload = {
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		...recipientFields(to),
	};
	const messageId = isAbsent(replyTo)
		? undefined
		: requireId(
				{ path: 'replyTo', en: 'replyTo message id', it: "l'id del messaggio a cui si risponde" },
				replyTo,
				1024,
			);
	if (messageId !== undefined) payload.context = { message_id: messageId };
	return payload;
}

function options(value: unknown): Record<string, unknown> {
	return requireObject(
		{ path: 'options', en: 'message options', it: 'le opzioni del messaggio' },
		value,
	);
}

// ---------------------------------------------------------------------------------------------
// Builders

/** A text message (1–4096 characters); `previewUrl` asks WhatsApp to preview the first link. */
export function buildTextMessage(
	to: RecipientInput,
	input: TextMessageOptions,
): TextMessagePayload {
	const opts = options(input);
	const body = requireText(
		{ path: 'body', en: 'text body', it: 'il testo del messaggio' },
		opts.body,
		MESSAGE_LIMITS.textBody,
	);
	const previewUrl = optionalBoolean(
		{ path: 'previewUrl', en: 'previewUrl', it: "l'anteprima dei link" },
		opts.previewUrl,
	);
	const text: TextMessagePayload['text'] = { body };
	if (previewUrl !== undefined) text.preview_url = previewUrl;
	return { ...base(to, opts.replyTo), type: 'text', text };
}

const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const TEMPLATE_LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;

/**
 * Template parameters Meta refuses with error 132018: "Param text cannot have new-line/tab characters
 * or more than 4 consecutive spaces".
 */
function requireTemplateText(field: Field, value: unknown): string {
	const text = requireText(field, value, MESSAGE_LIMITS.templateParameter);
	if (/[\n\r\t]/.test(text) || / {5,}/.test(text)) {
		fail(
			field,
			`${show(text)} must not contain new lines, tabs or more than 4 consecutive spaces`,
			`(${show(text)}) non può contenere a capo, tabulazioni o più di 4 spazi consecutivi: WhatsApp rifiuta il modello.`,
		);
	}
	return text;
}

/** A pre-approved template, the only kind of message allowed outside the 24-hour window. */
export function buildTemplateMessage(
	to: RecipientInput,
	input: TemplateMessageOptions,
): TemplateMessagePayload {
	const opts = options(input);
	const nameField: Field = { path: 'name', en: 'template name', it: 'il nome del modello' };
	const name = requireText(nameField, opts.name, MESSAGE_LIMITS.templateName);
	if (!TEMPLATE_NAME.test(name)) {
		fail(
			nameField,
			`${show(name)} may contain only lowercase letters, digits and underscores`,
			`(${show(name)}) può contenere solo lettere minuscole, cifre e trattini bassi, come in Meta Business Manager.`,
		);
	}
	const languageField: Field = {
		path: 'language',
		en: 'template language',
		it: 'la lingua del modello',
	};
	const language = requireText(languageField, opts.language, 16);
	if (!TEMPLATE_LANGUAGE.test(language)) {
		fail(
			languageField,
			`${show(language)} must be a language code like "it" or "it_IT"`,
			`(${show(language)}) deve essere un codice come "it" o "it_IT".`,
		);
	}

	const components: TemplateComponentPayload[] = [];

	if (!isAbsent(opts.headerParameters)) {
		const items = requireArray(
			{ path: 'headerParameters', en: 'headerParameters', it: "i parametri dell'intestazione" },
			opts.headerParameters,
			0,
			MESSAGE_LIMITS.templateHeaderParameters,
		);
		const parameters = items.map(
			(item, i): TemplateTextParameterPayload | TemplateMediaParameterPayload => {
				const field: Field = {
					path: `headerParameters[${i}]`,
					en: `header parameter ${i + 1}`,
					it: `il parametro ${i + 1} dell'intestazione`,
				};
				if (typeof item === 'string' || item === null || typeof item !== 'object') {
					return { type: 'text', text: requireTemplateText(field, item) };
				}
				const media = item as Record<string, unknown>;
				const kind = media.type;
				if (kind !== 'image' && kind !== 'document' && kind !== 'video') {
					fail(
						{ ...field, path: `${field.path}.type` },
						`type must be "image", "document" or "video", got ${show(kind)}`,
						`deve essere di tipo immagine, documento o video (ricevuto ${show(kind)}).`,
					);
				}
				const link = requireHttpUrl(
					{ ...field, path: `${field.path}.link`, en: `${field.en} link` },
					media.link,
				);
				if (kind === 'image') return { type: kind, image: { link } };
				if (kind === 'document') return { type: kind, document: { link } };
				return { type: kind, video: { link } };
			},
		);
		if (parameters.length > 0) components.push({ type: 'header', parameters });
	}

	if (!isAbsent(opts.bodyParameters)) {
		const items = requireArray(
			{ path: 'bodyParameters', en: 'bodyParameters', it: 'i parametri del corpo' },
			opts.bodyParameters,
			0,
			100,
		);
		const parameters = items.map((item, i) => ({
			type: 'text' as const,
			text: requireTemplateText(
				{
					path: `bodyParameters[${i}]`,
					en: `body parameter ${i + 1}`,
					it: `il parametro {{${i + 1}}} del corpo`,
				},
				item,
			),
		}));
		if (parameters.length > 0) components.push({ type: 'body', parameters });
	}

	if (!isAbsent(opts.buttonParameters)) {
		const items = requireArray(
			{ path: 'buttonParameters', en: 'buttonParameters', it: 'i parametri dei pulsanti' },
			opts.buttonParameters,
			0,
			10,
		);
		const seen = new Set<number>();
		items.forEach((item, i) => {
			const field: Field = {
				path: `buttonParameters[${i}]`,
				en: `button parameter ${i + 1}`,
				it: `il parametro del pulsante ${i + 1}`,
			};
			const button = requireObject(field, item);
			const index = button.index;
			if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 9) {
				fail(
					{ ...field, path: `${field.path}.index` },
					`index must be an integer from 0 to 9, got ${show(index)}`,
					`deve indicare la posizione del pulsante con un numero da 0 a 9 (ricevuto ${show(index)}).`,
				);
			}
			if (seen.has(index)) {
				fail(
					{ ...field, path: `${field.path}.index` },
					`index ${index} is used twice`,
					`usa la posizione ${index} già usata da un altro pulsante.`,
				);
			}
			seen.add(index);
			const subType = button.subType;
			if (subType !== 'quick_reply' && subType !== 'url') {
				fail(
					{ ...field, path: `${field.path}.subType` },
					`subType must be "quick_reply" or "url", got ${show(subType)}`,
					`deve essere di tipo risposta rapida (quick_reply) o link (url), ricevuto ${show(subType)}.`,
				);
			}
			const value = requireText(
				{ ...field, path: `${field.path}.value`, en: `${field.en} value` },
				button.value,
				2000,
			);
			components.push({
				type: 'button',
				sub_type: subType,
				index: String(index),
				parameters: [
					subType === 'quick_reply'
						? { type: 'payload', payload: value }
						: { type: 'text', text: value },
				],
			});
		});
	}

	const template: TemplateMessagePayload['template'] = {
		name,
		language: { policy: 'deterministic', code: language },
	};
	if (components.length > 0) template.components = components;
	return { ...base(to, undefined), type: 'template', template };
}

/** Header / body / footer of an interactive message. */
function interactiveTextParts(opts: Record<string, unknown>): InteractiveTextParts {
	const parts: InteractiveTextParts = {
		body: {
			text: requireText(
				{ path: 'body', en: 'body', it: 'il testo del messaggio' },
				opts.body,
				MESSAGE_LIMITS.interactiveBody,
			),
		},
	};
	const header = optionalText(
		{ path: 'header', en: 'header', it: "l'intestazione" },
		opts.header,
		MESSAGE_LIMITS.headerText,
	);
	if (header !== undefined) parts.header = { type: 'text', text: header };
	const footer = optionalText(
		{ path: 'footer', en: 'footer', it: 'il piè di pagina' },
		opts.footer,
		MESSAGE_LIMITS.footerText,
	);
	if (footer !== undefined) parts.footer = { text: footer };
	return parts;
}

/** Up to 3 reply buttons under a text; the citizen's choice comes back as the button's id. */
export function buildButtonsMessage(
	to: RecipientInput,
	input: ButtonsMessageOptions,
): ButtonsMessagePayload {
	const opts = options(input);
	const parts = interactiveTextParts(opts);
	const items = requireArray(
		{ path: 'buttons', en: 'buttons', it: 'i pulsanti' },
		opts.buttons,
		1,
		MESSAGE_LIMITS.buttons,
	);
	const ids = new Map<string, number>();
	const titles = new Map<string, number>();
	const buttons = items.map((item, i) => {
		const n = i + 1;
		const button = requireObject(
			{ path: `buttons[${i}]`, en: `button ${n}`, it: `il pulsante ${n}` },
			item,
		);
		const id = requireId(
			{ path: `buttons[${i}].id`, en: `button ${n} id`, it: `l'id del pulsante ${n}` },
			button.id,
			MESSAGE_LIMITS.buttonId,
		);
		const title = requireText(
			{ path: `buttons[${i}].title`, en: `button ${n} title`, it: `il titolo del pulsante ${n}` },
			button.title,
			MESSAGE_LIMITS.buttonTitle,
		);
		const sameId = ids.get(id);
		if (sameId !== undefined) {
			fail(
				{ path: `buttons[${i}].id`, en: `button ${n} id`, it: `l'id del pulsante ${n}` },
				`${show(id)} is already used by button ${sameId}; ids must be unique`,
				`(${show(id)}) è già usato dal pulsante ${sameId}: ogni pulsante deve avere un id diverso.`,
			);
		}
		const sameTitle = titles.get(title);
		if (sameTitle !== undefined) {
			fail(
				{ path: `buttons[${i}].title`, en: `button ${n} title`, it: `il titolo del pulsante ${n}` },
				`${show(title)} is already used by button ${sameTitle}; titles must be unique`,
				`(${show(title)}) è già usato dal pulsante ${sameTitle}: ogni pulsante deve avere un titolo diverso.`,
			);
		}
		ids.set(id, n);
		titles.set(title, n);
		return { type: 'reply' as const, reply: { id, title } };
	});
	return {
		...base(to, opts.replyTo),
		type: 'interactive',
		interactive: { type: 'button', ...parts, action: { buttons } },
	};
}

/** A list of up to 10 rows in up to 10 sections, opened by a button. */
export function buildListMessage(
	to: RecipientInput,
	input: ListMessageOptions,
): ListMessagePayload {
	const opts = options(input);
	const parts = interactiveTextParts(opts);
	const button = requireText(
		{ path: 'buttonText', en: 'list button text', it: 'il testo del pulsante della lista' },
		opts.buttonText,
		MESSAGE_LIMITS.listButtonText,
	);
	const sectionItems = requireArray(
		{ path: 'sections', en: 'sections', it: 'le sezioni della lista' },
		opts.sections,
		1,
		MESSAGE_LIMITS.sections,
	);
	const ids = new Map<string, string>();
	let totalRows = 0;
	const sections = sectionItems.map((sectionItem, s) => {
		const sn = s + 1;
		const sectionField: Field = {
			path: `sections[${s}]`,
			en: `section ${sn}`,
			it: `la sezione ${sn}`,
		};
		const section = requireObject(sectionField, sectionItem);
		const titleField: Field = {
			path: `sections[${s}].title`,
			en: `section ${sn} title`,
			it: `il titolo della sezione ${sn}`,
		};
		const title = optionalText(titleField, section.title, MESSAGE_LIMITS.sectionTitle);
		if (title === undefined && sectionItems.length > 1) {
			fail(
				titleField,
				'is required when the list has more than one section',
				'è obbligatorio quando la lista ha più di una sezione.',
			);
		}
		const rowItems = requireArray(
			{ path: `sections[${s}].rows`, en: `section ${sn} rows`, it: `le righe della sezione ${sn}` },
			section.rows,
			1,
			MESSAGE_LIMITS.rows,
		);
		totalRows += rowItems.length;
		if (totalRows > MESSAGE_LIMITS.rows) {
			fail(
				{ path: 'sections', en: 'sections', it: 'la lista' },
				`have more than ${MESSAGE_LIMITS.rows} rows in total; WhatsApp allows at most ${MESSAGE_LIMITS.rows} rows across all sections`,
				`ha più di ${MESSAGE_LIMITS.rows} righe in totale: WhatsApp ne consente al massimo ${MESSAGE_LIMITS.rows}, sommando tutte le sezioni.`,
			);
		}
		const rows = rowItems.map((rowItem, r) => {
			const where = `section ${sn} row ${r + 1}`;
			const whereIt = `della riga ${r + 1} della sezione ${sn}`;
			const path = `sections[${s}].rows[${r}]`;
			const row = requireObject(
				{ path, en: where, it: `la riga ${r + 1} della sezione ${sn}` },
				rowItem,
			);
			const idField: Field = { path: `${path}.id`, en: `${where} id`, it: `l'id ${whereIt}` };
			const id = requireId(idField, row.id, MESSAGE_LIMITS.rowId);
			const rowTitle = requireText(
				{ path: `${path}.title`, en: `${where} title`, it: `il titolo ${whereIt}` },
				row.title,
				MESSAGE_LIMITS.rowTitle,
			);
			const description = optionalText(
				{
					path: `${path}.description`,
					en: `${where} description`,
					it: `la descrizione ${whereIt}`,
				},
				row.description,
				MESSAGE_LIMITS.rowDescription,
			);
			const previous = ids.get(id);
			if (previous !== undefined) {
				fail(
					idField,
					`${show(id)} is already used by ${previous}; row ids must be unique`,
					`(${show(id)}) è già usato: ogni riga deve avere un id diverso.`,
				);
			}
			ids.set(id, where);
			const out: ListRowPayload = { id, title: rowTitle };
			if (description !== undefined) out.description = description;
			return out;
		});
		return title === undefined ? { rows } : { title, rows };
	});
	return {
		...base(to, opts.replyTo),
		type: 'interactive',
		interactive: { type: 'list', ...parts, action: { button, sections } },
	};
}

const MEDIA_KINDS: readonly MediaKind[] = ['image', 'document', 'video', 'audio'];

/** An image, document, video or audio, by public http(s) link or by uploaded media id. */
export function buildMediaMessage(
	to: RecipientInput,
	kind: MediaKind,
	input: MediaMessageOptions,
): MediaMessagePayload {
	if (!MEDIA_KINDS.includes(kind)) {
		throw new MessageValidationError(
			'kind',
			`Media kind must be one of ${MEDIA_KINDS.join(', ')}, got ${show(kind)}`,
			`Il tipo di allegato deve essere immagine, documento, video o audio (ricevuto ${show(kind)}).`,
		);
	}
	const opts = options(input);
	const hasLink = !isAbsent(opts.link);
	const hasId = !isAbsent(opts.id);
	if (hasLink === hasId) {
		throw new MessageValidationError(
			hasLink ? 'id' : 'link',
			`Media needs exactly one of link or id, got ${hasLink ? 'both' : 'neither'}`,
			hasLink
				? "Indicare il link oppure l'id dell'allegato, non entrambi."
				: "Indicare il link (https://…) o l'id dell'allegato caricato su WhatsApp.",
		);
	}
	const media: MediaObjectPayload = hasLink
		? {
				link: requireHttpUrl(
					{ path: 'link', en: 'media link', it: "il link dell'allegato" },
					opts.link,
				),
			}
		: { id: requireId({ path: 'id', en: 'media id', it: "l'id dell'allegato" }, opts.id, 256) };
	if (!isAbsent(opts.caption)) {
		if (kind === 'audio') {
			throw new MessageValidationError(
				'caption',
				'Caption is not supported for audio messages',
				'I messaggi audio non possono avere una didascalia.',
			);
		}
		media.caption = requireText(
			{ path: 'caption', en: 'caption', it: 'la didascalia' },
			opts.caption,
			MESSAGE_LIMITS.caption,
		);
	}
	if (!isAbsent(opts.filename)) {
		if (kind !== 'document') {
			throw new MessageValidationError(
				'filename',
				`Filename is only supported for documents, not for ${kind} messages`,
				'Il nome del file si può indicare solo per i documenti.',
			);
		}
		media.filename = requireText(
			{ path: 'filename', en: 'filename', it: 'il nome del file' },
			opts.filename,
			255,
		);
	}
	return { ...base(to, opts.replyTo), type: kind, [kind]: media } as MediaMessagePayload;
}

/** Marks a received message (and the earlier ones) as read; optionally shows "typing…". */
export function buildMarkAsRead(
	messageId: string,
	input: MarkAsReadOptions = {},
): MarkAsReadPayload {
	const id = requireId(
		{ path: 'messageId', en: 'message id', it: "l'id del messaggio" },
		messageId,
		1024,
	);
	const opts = options(input);
	const typing = optionalBoolean(
		{ path: 'typingIndicator', en: 'typingIndicator', it: "l'indicatore di scrittura" },
		opts.typingIndicator,
	);
	const payload: MarkAsReadPayload = {
		messaging_product: 'whatsapp',
		status: 'read',
		message_id: id,
	};
	if (typing === true) payload.typing_indicator = { type: 'text' };
	return payload;
}
