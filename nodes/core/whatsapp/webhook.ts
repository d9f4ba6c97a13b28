/**
 * Inbound webhook core: turns the body of Meta's `POST` (after the signature check) into normalised
 * events, one per message, echo and delivery status. Pure: no n8n, no I/O, never throws on
 * what the network sends; malformed pieces are skipped and described in `problems`.
 */
import type {
	CitizenRef,
	InboundMessage,
	LocationRef,
	MediaRef,
	MetaErrorDetail,
	StatusUpdate,
	WebhookEvent,
} from './types';

/** The `object` of every WhatsApp Business Account webhook. */
export const WEBHOOK_OBJECT = 'whatsapp_business_account';

/** Default largest body {@link parseWebhookBody} accepts: 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Result of {@link parseWebhookBody}: the parsed object, or the HTTP status to answer and why. */
export type ParsedWebhookBody =
	| { ok: true; payload: unknown }
	| { ok: false; status: 400 | 413; reason: string };

/** What {@link normaliseWebhook} emits: messages (echoes included), statuses, or both (default). */
export type WebhookInclude = 'messages' | 'statuses' | 'both';

/** Options of {@link normaliseWebhook}. */
export interface NormaliseOptions {
	/** Which events to emit; default `both`. */
	include?: WebhookInclude;
	/** Leave out echoes of messages the business sent from another app; default false. */
	dropEchoes?: boolean;
}

/** Result of {@link normaliseWebhook}. */
export interface NormalisedWebhook {
	/** The payload's `object`, or null when missing. */
	object: string | null;
	/** False when `object` is not {@link WEBHOOK_OBJECT}: nothing was read then. */
	relevant: boolean;
	/** Messages and statuses, in the order they appear in the payload. */
	events: WebhookEvent[];
	/** One readable line per skipped or partly unreadable piece, with its path in the payload. */
	problems: string[];
}

type JsonObject = Record<string, unknown>;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property only: keys such as `constructor` or `__proto__` never reach Object.prototype. */
function own(value: unknown, key: string): unknown {
	return isObject(value) && Object.prototype.hasOwnProperty.call(value, key)
		? value[key]
		: undefined;
}

/** A non-empty string; a safe non-negative integer is accepted as its decimal digits. */
function idString(value: unknown): string | undefined {
	if (typeof value === 'string') return value === '' ? undefined : value;
	if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
	return undefined;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function nonEmptyText(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finite number, also from a numeric string. */
function numberFrom(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value)) {
		const parsed = Number(value);
		return Number.isFinite(parsed) ? parsed : undefined;
	}
	return undefined;
}

function bool(value: unknown): boolean | undefined {
	return typeof value === 'boolean' ? value : undefined;
}

/** Meta's epoch-seconds timestamp (string or number) as ISO 8601 UTC; undefined when unusable. */
function isoFromEpochSeconds(value: unknown): string | undefined {
	let seconds: number | undefined;
	if (typeof value === 'number') seconds = value;
	else if (typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value)) seconds = Number(value);
	if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
	const date = new Date(seconds * 1000);
	return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function timestampProblem(value: unknown): string {
	return value === undefined ? 'missing timestamp' : `invalid timestamp ${describe(value)}`;
}

/** A short, safe rendering of a value for a problem line. */
function describe(value: unknown): string {
	if (value === undefined) return 'undefined';
	if (typeof value === 'string') {
		return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
	}
	if (typeof value === 'number' || typeof value === 'boolean' || value === null)
		return String(value);
	return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * Decodes and parses a webhook body: 413 when larger than `maxBytes` (default 10 MiB), 400 when empty,
 * not UTF-8, not JSON or not a JSON object. Call it after the signature check, on the same raw bytes.
 */
export function parseWebhookBody(
	raw: Buffer | string,
	limits?: { maxBytes?: number },
): ParsedWebhookBody {
	const requested = limits?.maxBytes;
	const maxBytes =
		typeof requested === 'number' && Number.isFinite(requested) && requested >= 0
			? requested
			: DEFAULT_MAX_BODY_BYTES;
	let body: string;
	if (raw instanceof Uint8Array) {
		if (raw.length > maxBytes) return tooLarge(raw.length, maxBytes);
		try {
			body = UTF8.decode(raw);
		} catch {
			return { ok: false, status: 400, reason: 'Body is not valid UTF-8' };
		}
	} else if (typeof raw === 'string') {
		const size = Buffer.byteLength(raw, 'utf8');
		if (size > maxBytes) return tooLarge(size, maxBytes);
		body = raw.startsWith('\ufeff') ? raw.slice(1) : raw;
	} else {
		return { ok: false, status: 400, reason: 'Body is missing' };
	}
	if (body.trim() === '') return { ok: false, status: 400, reason: 'Body is empty' };
	let payload: unknown;
	try {
		payload = JSON.parse(body);
	} catch (error) {
		// Only the position is kept from the parser's message: it may quote the body.
		const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
		const where = position ? ` (at character ${position[1]})` : '';
		return { ok: false, status: 400, reason: `Body is not valid JSON${where}` };
	}
	if (!isObject(payload)) {
		const kind = payload === null ? 'null' : Array.isArray(payload) ? 'an array' : typeof payload;
		return { ok: false, status: 400, reason: `Body is JSON but not an object (it is ${kind})` };
	}
	return { ok: true, payload };
}

function tooLarge(size: number, maxBytes: number): ParsedWebhookBody {
	return {
		ok: false,
		status: 413,
		reason: `Body is ${size} bytes, more than the ${maxBytes}-byte limit`,
	};
}

/** A sender or recipient as `value.contacts[]` describes them. */
interface ContactInfo {
	waId?: string;
	userId?: string;
	name?: string;
	username?: string;
}

/** What every update inside one `changes[].value` shares. */
interface ChangeContext {
	phoneNumberId: string;
	displayPhoneNumber?: string;
	contacts: ContactInfo[];
	problems: string[];
}

function readContacts(value: unknown, path: string, problems: string[]): ContactInfo[] {
	if (value === undefined) return [];
	if (!Array.isArray(value)) {
		problems.push(`${path}: not an array`);
		return [];
	}
	const contacts: ContactInfo[] = [];
	value.forEach((contact, index) => {
		if (!isObject(contact)) {
			problems.push(`${path}[${index}]: not an object`);
			return;
		}
		const profile = own(contact, 'profile');
		contacts.push({
			waId: idString(own(contact, 'wa_id')),
			userId: idString(own(contact, 'user_id')),
			name: nonEmptyText(own(profile, 'name')),
			username: nonEmptyText(own(profile, 'username')),
		});
	});
	return contacts;
}

/**
 * The contact that describes this person: the one with the same wa_id or user_id; else a lone contact
 * that does not name someone else (Meta sends one contact per message).
 */
function findContact(
	contacts: ContactInfo[],
	waId?: string,
	userId?: string,
): ContactInfo | undefined {
	const matching = contacts.find(
		(contact) =>
			(waId !== undefined && contact.waId === waId) ||
			(userId !== undefined && contact.userId === userId),
	);
	if (matching || contacts.length !== 1) return matching;
	const [only] = contacts;
	const conflicts =
		(waId !== undefined && only.waId !== undefined && only.waId !== waId) ||
		(userId !== undefined && only.userId !== undefined && only.userId !== userId);
	return conflicts ? undefined : only;
}

/** A citizen from the message's own ids, completed by the matching contact. */
function citizen(contacts: ContactInfo[], waIdValue: unknown, userIdValue: unknown): CitizenRef {
	const ownWaId = idString(waIdValue);
	const ownUserId = idString(userIdValue);
	const contact = findContact(contacts, ownWaId, ownUserId);
	const ref: CitizenRef = {};
	const waId = ownWaId ?? contact?.waId;
	const userId = ownUserId ?? contact?.userId;
	if (waId !== undefined) ref.waId = waId;
	if (userId !== undefined) ref.userId = userId;
	if (contact?.name !== undefined) ref.name = contact.name;
	if (contact?.username !== undefined) ref.username = contact.username;
	return ref;
}

function readErrors(value: unknown, path: string, problems: string[]): MetaErrorDetail[] {
	if (value === undefined) return [];
	if (!Array.isArray(value)) {
		problems.push(`${path}: not an array`);
		return [];
	}
	const errors: MetaErrorDetail[] = [];
	value.forEach((error, index) => {
		const code = numberFrom(own(error, 'code'));
		if (!isObject(error) || code === undefined || !Number.isInteger(code)) {
			problems.push(`${path}[${index}]: not an error object with a numeric code`);
			return;
		}
		const detail: MetaErrorDetail = { code };
		const title = text(own(error, 'title'));
		const message = text(own(error, 'message'));
		const details = text(own(own(error, 'error_data'), 'details'));
		const href = text(own(error, 'href'));
		if (title !== undefined) detail.title = title;
		if (message !== undefined) detail.message = message;
		if (details !== undefined) detail.details = details;
		if (href !== undefined) detail.href = href;
		errors.push(detail);
	});
	return errors;
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

function readMedia(
	message: InboundMessage,
	type: string,
	value: unknown,
	path: string,
	problems: string[],
) {
	if (!isObject(value)) {
		problems.push(`${path}: missing ${type} object`);
		return;
	}
	const caption = text(own(value, 'caption'));
	if (caption !== undefined) message.caption = caption;
	const id = idString(own(value, 'id'));
	if (id === undefined) {
		problems.push(`${path}.id: missing media id`);
		return;
	}
	const media: MediaRef = { id };
	const mimeType = nonEmptyText(own(value, 'mime_type'));
	const sha256 = nonEmptyText(own(value, 'sha256'));
	const filename = nonEmptyText(own(value, 'filename'));
	const voice = bool(own(value, 'voice'));
	const animated = bool(own(value, 'animated'));
	if (mimeType !== undefined) media.mimeType = mimeType;
	if (sha256 !== undefined) media.sha256 = sha256;
	if (filename !== undefined) media.filename = filename;
	if (voice !== undefined) media.voice = voice;
	if (animated !== undefined) media.animated = animated;
	message.media = media;
}

function readLocation(value: unknown, path: string, problems: string[]): LocationRef | undefined {
	const latitude = numberFrom(own(value, 'latitude'));
	const longitude = numberFrom(own(value, 'longitude'));
	if (
		latitude === undefined ||
		longitude === undefined ||
		Math.abs(latitude) > 90 ||
		Math.abs(longitude) > 180
	) {
		problems.push(`${path}: missing or invalid latitude/longitude`);
		return undefined;
	}
	const location: LocationRef = { latitude, longitude };
	const name = nonEmptyText(own(value, 'name'));
	const address = nonEmptyText(own(value, 'address'));
	const url = nonEmptyText(own(value, 'url'));
	if (name !== undefined) location.name = name;
	if (address !== undefined) location.address = address;
	if (url !== undefined) location.url = url;
	return location;
}

/** Reply buttons, list rows and WhatsApp Flows answers (`nfm_reply`). */
function readInteractive(
	message: InboundMessage,
	value: unknown,
	path: string,
	problems: string[],
) {
	const kind = text(own(value, 'type'));
	if (kind === 'button_reply' || kind === 'list_reply') {
		const reply = own(value, kind);
		const id = idString(own(reply, 'id'));
		const title = text(own(reply, 'title'));
		if (id === undefined || title === undefined) {
			problems.push(`${path}.${kind}: missing id or title`);
			return;
		}
		const description = text(own(reply, 'description'));
		message.reply = description === undefined ? { id, title } : { id, title, description };
		message.text = title;
	} else if (kind === 'nfm_reply') {
		// A Flow's answer: the form data stays in raw (nfm_reply.response_json); the body is Meta's
		// summary ("Sent"), not the citizen's words, so it is not copied to `text`.
		const reply = own(value, 'nfm_reply');
		message.reply = { id: 'nfm_reply', title: text(own(reply, 'body')) ?? '' };
	} else if (kind === undefined) {
		problems.push(`${path}.type: missing`);
	}
}

function readContext(message: InboundMessage, value: unknown) {
	if (!isObject(value)) return;
	const forwarded = bool(own(value, 'forwarded'));
	const frequentlyForwarded = bool(own(value, 'frequently_forwarded'));
	if (forwarded !== undefined) message.forwarded = forwarded;
	if (frequentlyForwarded !== undefined) message.frequentlyForwarded = frequentlyForwarded;
	const messageId = idString(own(value, 'id'));
	if (messageId === undefined) return;
	const context: NonNullable<InboundMessage['context']> = { messageId };
	const from = idString(own(value, 'from'));
	if (from !== undefined) context.from = from;
	if (forwarded !== undefined) context.forwarded = forwarded;
	if (frequentlyForwarded !== undefined) context.frequentlyForwarded = frequentlyForwarded;
	message.context = context;
}

/** The per-type part of a message: text, media, location, reply, reaction, order, system… */
function readContent(message: InboundMessage, raw: JsonObject, path: string, problems: string[]) {
	const { type } = message;
	const content = own(raw, type);
	const contentPath = `${path}.${type}`;
	if (MEDIA_TYPES.has(type)) {
		readMedia(message, type, content, contentPath, problems);
		return;
	}
	switch (type) {
		case 'text': {
			const body = text(own(content, 'body'));
			if (body === undefined) problems.push(`${contentPath}.body: missing`);
			else message.text = body;
			break;
		}
		case 'location': {
			const location = readLocation(content, contentPath, problems);
			if (location) message.location = location;
			break;
		}
		case 'contacts':
			if (Array.isArray(content)) message.contacts = content;
			else problems.push(`${contentPath}: not an array`);
			break;
		case 'interactive':
			readInteractive(message, content, contentPath, problems);
			break;
		case 'button': {
			const payload = text(own(content, 'payload'));
			const label = text(own(content, 'text'));
			if (payload === undefined && label === undefined) {
				problems.push(`${contentPath}: missing payload and text`);
				break;
			}
			message.reply = { id: payload ?? label ?? '', title: label ?? payload ?? '' };
			if (label !== undefined) message.text = label;
			break;
		}
		case 'reaction': {
			const messageId = idString(own(content, 'message_id'));
			if (messageId === undefined) {
				problems.push(`${contentPath}.message_id: missing`);
				break;
			}
			// No emoji (or an empty one) means the citizen removed their reaction.
			const emoji = nonEmptyText(own(content, 'emoji'));
			message.reaction = emoji === undefined ? { messageId } : { messageId, emoji };
			break;
		}
		case 'order': {
			if (!isObject(content)) {
				problems.push(`${contentPath}: missing order object`);
				break;
			}
			const items = own(content, 'product_items');
			const order: NonNullable<InboundMessage['order']> = {
				items: Array.isArray(items) ? items : [],
			};
			const catalogId = idString(own(content, 'catalog_id'));
			const orderText = text(own(content, 'text'));
			if (catalogId !== undefined) order.catalogId = catalogId;
			if (orderText !== undefined) order.text = orderText;
			message.order = order;
			break;
		}
		case 'system': {
			if (!isObject(content)) {
				problems.push(`${contentPath}: missing system object`);
				break;
			}
			const system: NonNullable<InboundMessage['system']> = {};
			const body = text(own(content, 'body'));
			const systemType = text(own(content, 'type'));
			// customer_changed_number carries new_wa_id; the spec's user_changed_number carries wa_id.
			const newWaId = idString(own(content, 'new_wa_id')) ?? idString(own(content, 'wa_id'));
			if (body !== undefined) system.body = body;
			if (systemType !== undefined) system.type = systemType;
			if (newWaId !== undefined) system.newWaId = newWaId;
			message.system = system;
			break;
		}
		default:
			// unsupported, unknown, request_welcome and types newer than this code: raw keeps everything.
			break;
	}
}

/** The wamid of a message or status object; undefined (with a problem line) when it has none. */
function identify(raw: unknown, path: string, problems: string[]): string | undefined {
	if (!isObject(raw)) {
		problems.push(`${path}: not an object (${describe(raw)})`);
		return undefined;
	}
	const messageId = idString(own(raw, 'id'));
	if (messageId === undefined) problems.push(`${path}: missing id`);
	return messageId;
}

function normaliseMessage(
	raw: unknown,
	path: string,
	change: ChangeContext,
	echo: boolean,
): InboundMessage | undefined {
	const { problems } = change;
	const messageId = identify(raw, path, problems);
	if (messageId === undefined || !isObject(raw)) return undefined;
	const timestamp = isoFromEpochSeconds(own(raw, 'timestamp'));
	if (timestamp === undefined) {
		problems.push(`${path}: ${timestampProblem(own(raw, 'timestamp'))} (${messageId})`);
		return undefined;
	}
	const type = nonEmptyText(own(raw, 'type'));
	if (type === undefined) {
		problems.push(`${path}: missing type (${messageId})`);
		return undefined;
	}
	let from: CitizenRef;
	let to: CitizenRef | undefined;
	if (echo) {
		// Business → citizen: `from` is the business number, `to` the citizen.
		const business = idString(own(raw, 'from')) ?? change.displayPhoneNumber;
		from = business === undefined ? {} : { waId: business };
		to = citizen(change.contacts, own(raw, 'to'), own(raw, 'to_user_id'));
		if (to.waId === undefined && to.userId === undefined) {
			problems.push(`${path}: missing recipient (to) (${messageId})`);
			return undefined;
		}
	} else {
		from = citizen(change.contacts, own(raw, 'from'), own(raw, 'from_user_id'));
		if (from.waId === undefined && from.userId === undefined) {
			problems.push(`${path}: missing sender (from, from_user_id or contacts) (${messageId})`);
			return undefined;
		}
	}
	const message: InboundMessage = {
		event: 'message',
		messageId,
		phoneNumberId: change.phoneNumberId,
		from,
		timestamp,
		type,
		echo,
		raw,
	};
	if (change.displayPhoneNumber !== undefined)
		message.displayPhoneNumber = change.displayPhoneNumber;
	if (to !== undefined) message.to = to;
	readContent(message, raw, path, problems);
	readContext(message, own(raw, 'context'));
	const errors = readErrors(own(raw, 'errors'), `${path}.errors`, problems);
	if (errors.length > 0) message.errors = errors;
	return message;
}

function normaliseStatus(
	raw: unknown,
	path: string,
	change: ChangeContext,
): StatusUpdate | undefined {
	const { problems } = change;
	const messageId = identify(raw, path, problems);
	if (messageId === undefined || !isObject(raw)) return undefined;
	const status = nonEmptyText(own(raw, 'status'));
	if (status === undefined) {
		problems.push(`${path}: missing status (${messageId})`);
		return undefined;
	}
	const timestamp = isoFromEpochSeconds(own(raw, 'timestamp'));
	if (timestamp === undefined) {
		problems.push(`${path}: ${timestampProblem(own(raw, 'timestamp'))} (${messageId})`);
		return undefined;
	}
	const update: StatusUpdate = {
		event: 'status',
		messageId,
		phoneNumberId: change.phoneNumberId,
		status,
		recipient: citizen(change.contacts, own(raw, 'recipient_id'), own(raw, 'recipient_user_id')),
		timestamp,
		errors: readErrors(own(raw, 'errors'), `${path}.errors`, problems),
		raw,
	};
	if (change.displayPhoneNumber !== undefined)
		update.displayPhoneNumber = change.displayPhoneNumber;

	const conversation = own(raw, 'conversation');
	if (isObject(conversation)) {
		const id = idString(own(conversation, 'id'));
		const category = nonEmptyText(own(own(conversation, 'origin'), 'type'));
		const expiresAt = isoFromEpochSeconds(own(conversation, 'expiration_timestamp'));
		update.conversation = {};
		if (id !== undefined) update.conversation.id = id;
		if (category !== undefined) update.conversation.category = category;
		if (expiresAt !== undefined) update.conversation.expiresAt = expiresAt;
	}
	const pricing = own(raw, 'pricing');
	if (isObject(pricing)) {
		const billable = bool(own(pricing, 'billable'));
		const category = nonEmptyText(own(pricing, 'category'));
		const pricingModel = nonEmptyText(own(pricing, 'pricing_model'));
		const type = nonEmptyText(own(pricing, 'type'));
		update.pricing = {};
		if (billable !== undefined) update.pricing.billable = billable;
		if (category !== undefined) update.pricing.category = category;
		if (pricingModel !== undefined) update.pricing.pricingModel = pricingModel;
		if (type !== undefined) update.pricing.type = type;
	}
	const callbackData = text(own(raw, 'biz_opaque_callback_data'));
	if (callbackData !== undefined) update.callbackData = callbackData;
	return update;
}

/** The array under `key`, or [] (with a problem line when present but not an array). */
function listAt(value: JsonObject, key: string, path: string, problems: string[]): unknown[] {
	const list = own(value, key);
	if (list === undefined) return [];
	if (!Array.isArray(list)) {
		problems.push(`${path}.${key}: not an array`);
		return [];
	}
	return list;
}

function normaliseChange(
	change: unknown,
	path: string,
	options: Required<NormaliseOptions>,
	result: NormalisedWebhook,
) {
	const { problems } = result;
	if (!isObject(change)) {
		problems.push(`${path}: not an object (${describe(change)})`);
		return;
	}
	const field = own(change, 'field');
	if (typeof field !== 'string') {
		problems.push(`${path}.field: missing`);
		return;
	}
	// Other subscriptions (account updates, templates, groups…) are not ours to read.
	if (field !== 'messages' && field !== 'smb_message_echoes') return;
	const value = own(change, 'value');
	const valuePath = `${path}.value`;
	if (!isObject(value)) {
		problems.push(`${valuePath}: missing or not an object`);
		return;
	}
	const metadata = own(value, 'metadata');
	const phoneNumberId = idString(own(metadata, 'phone_number_id'));
	if (phoneNumberId === undefined) {
		const keys = ['messages', 'statuses', 'message_echoes'];
		const count = keys.reduce((sum, key) => {
			const list = own(value, key);
			return sum + (Array.isArray(list) ? list.length : 0);
		}, 0);
		problems.push(`${valuePath}.metadata.phone_number_id: missing; ${count} update(s) skipped`);
		return;
	}
	const context: ChangeContext = {
		phoneNumberId,
		contacts: readContacts(own(value, 'contacts'), `${valuePath}.contacts`, problems),
		problems,
	};
	const displayPhoneNumber = idString(own(metadata, 'display_phone_number'));
	if (displayPhoneNumber !== undefined) context.displayPhoneNumber = displayPhoneNumber;

	const wantMessages = options.include !== 'statuses';
	const wantStatuses = options.include !== 'messages';
	const push = (event: WebhookEvent | undefined) => {
		if (event) result.events.push(event);
	};
	if (field === 'smb_message_echoes') {
		if (!wantMessages || options.dropEchoes) return;
		listAt(value, 'message_echoes', valuePath, problems).forEach((raw, index) =>
			push(normaliseMessage(raw, `${valuePath}.message_echoes[${index}]`, context, true)),
		);
		return;
	}
	if (wantMessages) {
		listAt(value, 'messages', valuePath, problems).forEach((raw, index) =>
			push(normaliseMessage(raw, `${valuePath}.messages[${index}]`, context, false)),
		);
	}
	if (wantStatuses) {
		listAt(value, 'statuses', valuePath, problems).forEach((raw, index) =>
			push(normaliseStatus(raw, `${valuePath}.statuses[${index}]`, context)),
		);
	}
	// Errors about the whole update (not about one message) only get reported.
	readErrors(own(value, 'errors'), `${valuePath}.errors`, problems).forEach((error, index) =>
		problems.push(
			`${valuePath}.errors[${index}]: Meta reported error ${error.code}` +
				(error.title ? ` (${error.title})` : '') +
				(error.details ? `: ${error.details}` : ''),
		),
	);
}

/**
 * Reads every entry[] and changes[] of a parsed webhook body: `messages` changes give messages and
 * statuses, `smb_message_echoes` changes give echoes (`echo: true`). Never throws; whatever cannot be
 * read is skipped and described in `problems`. `relevant` is false unless `object` is
 * `whatsapp_business_account`.
 */
export function normaliseWebhook(payload: unknown, options?: NormaliseOptions): NormalisedWebhook {
	const include = options?.include;
	const resolved: Required<NormaliseOptions> = {
		include: include === 'messages' || include === 'statuses' ? include : 'both',
		dropEchoes: options?.dropEchoes === true,
	};
	const result: NormalisedWebhook = { object: null, relevant: false, events: [], problems: [] };
	if (!isObject(payload)) {
		result.problems.push(`payload: not a JSON object (${describe(payload)})`);
		return result;
	}
	const object = own(payload, 'object');
	if (typeof object !== 'string') {
		result.problems.push('object: missing');
		return result;
	}
	result.object = object;
	if (object !== WEBHOOK_OBJECT) return result;
	result.relevant = true;
	const entries = own(payload, 'entry');
	if (!Array.isArray(entries)) {
		result.problems.push('entry: missing or not an array');
		return result;
	}
	entries.forEach((entry, entryIndex) => {
		const entryPath = `entry[${entryIndex}]`;
		if (!isObject(entry)) {
			result.problems.push(`${entryPath}: not an object (${describe(entry)})`);
			return;
		}
		const changes = own(entry, 'changes');
		if (!Array.isArray(changes)) {
			result.problems.push(`${entryPath}.changes: missing or not an array`);
			return;
		}
		changes.forEach((change, changeIndex) =>
			normaliseChange(change, `${entryPath}.changes[${changeIndex}]`, resolved, result),
		);
	});
	return result;
}
