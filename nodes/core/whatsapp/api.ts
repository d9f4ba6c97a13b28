/**
 * The Cloud API's endpoints and answers, without doing any I/O: URLs for the Graph API (or a
 * simulator), the interpretation of a send answer, and the media-download steps (media info →
 * file name → integrity check of the downloaded bytes). Never throws on answers, only on bad settings.
 */
import { createHash } from 'node:crypto';
import { MetaApiError, parseApiBody, replaceControlCharacters } from './errors';

export { parseApiBody } from './errors';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_API_VERSION = 'v23.0';

/** A setting used to build a URL is invalid (base URL, API version, id). */
export class ApiConfigError extends Error {
	readonly field: string;

	constructor(field: string, message: string) {
		super(message);
		this.name = 'ApiConfigError';
		this.field = field;
	}
}

const API_VERSION = /^v\d+\.\d+$/;

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

function baseOf(baseUrl: string): string {
	if (typeof baseUrl !== 'string' || baseUrl.trim() === '') {
		throw new ApiConfigError('baseUrl', 'Base URL is required (e.g. https://graph.facebook.com)');
	}
	const trimmed = baseUrl.trim().replace(/\/+$/, '');
	const url = parseUrl(trimmed);
	if (!url) {
		throw new ApiConfigError('baseUrl', `Base URL ${JSON.stringify(baseUrl)} is not a URL`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new ApiConfigError(
			'baseUrl',
			`Base URL ${JSON.stringify(baseUrl)} must use http or https`,
		);
	}
	if (url.search !== '' || url.hash !== '') {
		throw new ApiConfigError(
			'baseUrl',
			`Base URL ${JSON.stringify(baseUrl)} must not have a query or fragment`,
		);
	}
	return trimmed;
}

function versionOf(apiVersion: string): string {
	const version = typeof apiVersion === 'string' ? apiVersion.trim() : apiVersion;
	if (typeof version !== 'string' || !API_VERSION.test(version)) {
		throw new ApiConfigError(
			'apiVersion',
			`API version ${JSON.stringify(apiVersion)} must look like "v23.0"`,
		);
	}
	return version;
}

function segment(field: string, value: string): string {
	const id = typeof value === 'string' ? value.trim() : value;
	if (typeof id !== 'string' || id === '' || id === '.' || id === '..') {
		throw new ApiConfigError(field, `${field} ${JSON.stringify(value)} is not a valid id`);
	}
	return encodeURIComponent(id);
}

/** POST here to send a message or mark one as read. */
export function messagesUrl(baseUrl: string, apiVersion: string, phoneNumberId: string): string {
	return `${phoneNumberUrl(baseUrl, apiVersion, phoneNumberId)}/messages`;
}

/** GET here for a media's download URL, mime type, hash and size. */
export function mediaUrl(baseUrl: string, apiVersion: string, mediaId: string): string {
	return `${baseOf(baseUrl)}/${versionOf(apiVersion)}/${segment('mediaId', mediaId)}`;
}

/** GET here for the business phone number's details (a cheap credential test). */
export function phoneNumberUrl(baseUrl: string, apiVersion: string, phoneNumberId: string): string {
	return `${baseOf(baseUrl)}/${versionOf(apiVersion)}/${segment('phoneNumberId', phoneNumberId)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const trimmed = value.trim();
	return trimmed === '' ? undefined : trimmed;
}

function isSuccess(status: number): boolean {
	return Number.isInteger(status) && status >= 200 && status <= 299;
}

/** An error for a 2xx answer that lacks what it should carry: not retried (it may have been sent). */
function malformedSuccess(status: number, what: string): MetaApiError {
	return new MetaApiError({
		httpStatus: status,
		message: `WhatsApp API answered HTTP ${status} ${what}`,
		classification: {
			kind: 'unknown',
			retryable: false,
			hintIt:
				'Risposta di WhatsApp inattesa: non è certo che il messaggio sia stato inviato. Verificare nella conversazione prima di inviarlo di nuovo.',
		},
	});
}

export type SendResult =
	| { ok: true; messageId: string; waId?: string; input?: string; messageStatus?: string }
	| { ok: false; error: MetaApiError };

/**
 * Reads the answer to POST /messages: `{ messaging_product, contacts: [{ input, wa_id }],
 * messages: [{ id, message_status? }] }` on success, Meta's error envelope otherwise. For a BSUID
 * recipient `contacts` may lack `wa_id`. Never throws.
 */
export function interpretSendResponse(status: number, body: unknown): SendResult {
	const parsed = parseApiBody(body);
	if (!isSuccess(status) || (isRecord(parsed) && isRecord(parsed.error))) {
		return { ok: false, error: MetaApiError.fromResponse(status, parsed) };
	}
	if (!isRecord(parsed)) {
		return {
			ok: false,
			error: malformedSuccess(
				status,
				parsed === undefined ? 'with an empty body' : 'with a body that is not JSON',
			),
		};
	}
	const first = Array.isArray(parsed.messages) ? parsed.messages[0] : undefined;
	const messageId = isRecord(first) ? nonEmptyString(first.id) : undefined;
	if (messageId === undefined) {
		return { ok: false, error: malformedSuccess(status, 'without a message id (messages[0].id)') };
	}
	const result: SendResult = { ok: true, messageId };
	const contact = Array.isArray(parsed.contacts) ? parsed.contacts[0] : undefined;
	if (isRecord(contact)) {
		// Meta's own examples carry a trailing space in wa_id ('48XXXXXXXXX '): trimmed.
		const waId = nonEmptyString(contact.wa_id);
		const input = nonEmptyString(contact.input);
		if (waId !== undefined) result.waId = waId;
		if (input !== undefined) result.input = input;
	}
	const messageStatus = isRecord(first) ? nonEmptyString(first.message_status) : undefined;
	if (messageStatus !== undefined) result.messageStatus = messageStatus;
	return result;
}

/** Reads an answer `{ success: true }` (mark as read, delete media, …). Never throws. */
export function interpretSuccessResponse(
	status: number,
	body: unknown,
): { ok: true } | { ok: false; error: MetaApiError } {
	const parsed = parseApiBody(body);
	if (!isSuccess(status) || (isRecord(parsed) && isRecord(parsed.error))) {
		return { ok: false, error: MetaApiError.fromResponse(status, parsed) };
	}
	if (isRecord(parsed) && parsed.success === true) return { ok: true };
	return { ok: false, error: malformedSuccess(status, 'without "success": true') };
}

export interface MediaInfo {
	/** Download URL, valid for about 5 minutes; GET it with the same bearer token. */
	url: string;
	mimeType: string;
	sha256?: string;
	fileSize?: number;
	id: string;
}

export type MediaInfoResult = ({ ok: true } & MediaInfo) | { ok: false; error: MetaApiError };

function mediaInfoError(status: number, what: string): MetaApiError {
	return new MetaApiError({
		httpStatus: status,
		message: `WhatsApp media info (HTTP ${status}) ${what}`,
		classification: {
			kind: 'unknown',
			retryable: false,
			hintIt:
				"WhatsApp non ha fornito l'indirizzo per scaricare l'allegato: chiedere al cittadino di inviarlo di nuovo.",
		},
	});
}

/**
 * Reads the answer to GET /{Media-ID}: `{ url, mime_type, sha256, file_size, id, messaging_product }`.
 * `file_size` is a number in practice and a string in Meta's spec example: both are read.
 * Never throws.
 */
export function interpretMediaInfo(status: number, body: unknown): MediaInfoResult {
	const parsed = parseApiBody(body);
	if (!isSuccess(status) || (isRecord(parsed) && isRecord(parsed.error))) {
		return { ok: false, error: MetaApiError.fromResponse(status, parsed) };
	}
	if (!isRecord(parsed))
		return { ok: false, error: mediaInfoError(status, 'is not a JSON object') };
	const url = nonEmptyString(parsed.url);
	if (url === undefined) return { ok: false, error: mediaInfoError(status, 'has no url') };
	const parsedUrl = parseUrl(url);
	if (!parsedUrl || (parsedUrl.protocol !== 'https:' && parsedUrl.protocol !== 'http:')) {
		return { ok: false, error: mediaInfoError(status, 'has a url that is not http(s)') };
	}
	const id = nonEmptyString(parsed.id);
	if (id === undefined) return { ok: false, error: mediaInfoError(status, 'has no id') };
	const result: { ok: true } & MediaInfo = {
		ok: true,
		url,
		mimeType: nonEmptyString(parsed.mime_type)?.toLowerCase() ?? 'application/octet-stream',
		id,
	};
	const sha256 = nonEmptyString(parsed.sha256);
	if (sha256 !== undefined) result.sha256 = sha256;
	const size =
		typeof parsed.file_size === 'number'
			? parsed.file_size
			: typeof parsed.file_size === 'string' && /^\d+$/.test(parsed.file_size.trim())
				? Number(parsed.file_size.trim())
				: undefined;
	if (size !== undefined && Number.isSafeInteger(size) && size >= 0) result.fileSize = size;
	return result;
}

/** File extensions of the media types WhatsApp carries. */
export const MEDIA_EXTENSIONS: Readonly<Record<string, string>> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'image/heic': 'heic',
	'audio/ogg': 'ogg',
	'audio/opus': 'opus',
	'audio/mpeg': 'mp3',
	'audio/mp4': 'm4a',
	'audio/aac': 'aac',
	'audio/amr': 'amr',
	'video/mp4': 'mp4',
	'video/3gpp': '3gp',
	'video/quicktime': 'mov',
	'application/pdf': 'pdf',
	'text/plain': 'txt',
	'text/csv': 'csv',
	'application/msword': 'doc',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
	'application/vnd.ms-excel': 'xls',
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
	'application/vnd.ms-powerpoint': 'ppt',
	'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
	'application/vnd.oasis.opendocument.text': 'odt',
	'application/vnd.oasis.opendocument.spreadsheet': 'ods',
	'application/zip': 'zip',
	'application/octet-stream': 'bin',
};

/** "audio/ogg; codecs=opus" → "ogg"; unknown types → "bin". */
export function extensionForMimeType(mimeType: string | undefined): string {
	const essence = (mimeType ?? '').split(';')[0].trim().toLowerCase();
	return MEDIA_EXTENSIONS[essence] ?? 'bin';
}

/** No path, no control or reserved characters (Windows too), no leading dots, at most `max` characters. */
function safeFileName(name: string, max: number): string {
	const base = name.split(/[/\\]/).pop() ?? '';
	const cleaned = replaceControlCharacters(base.normalize('NFC'), '_')
		.replace(/[<>:"|?*]/g, '_')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/^\.+/, '');
	const chars = [...cleaned];
	if (chars.length <= max) return cleaned;
	const dot = cleaned.lastIndexOf('.');
	const extension = dot > 0 ? [...cleaned.slice(dot)] : [];
	if (extension.length > 0 && extension.length < 16) {
		return chars.slice(0, max - extension.length).join('') + extension.join('');
	}
	return chars.slice(0, max).join('');
}

/**
 * A file name for a downloaded media: the citizen's own file name for documents (path parts and
 * control characters removed), else "<media id>.<extension from the mime type>".
 */
export function fileNameForMedia(
	mimeType: string | undefined,
	id: string,
	filename?: string,
): string {
	if (typeof filename === 'string') {
		const safe = safeFileName(filename, 200);
		if (safe !== '' && safe !== '.' && safe !== '..') return safe;
	}
	const safeId = safeFileName(String(id ?? ''), 100).replace(/[^A-Za-z0-9._-]/g, '_') || 'media';
	return `${safeId}.${extensionForMimeType(mimeType)}`;
}

export type MediaDownloadCheck =
	| { ok: true; sha256: string; size: number }
	| { ok: false; reason: 'size' | 'sha256' | 'empty'; message: string; hintIt: string };

/**
 * Step 3 of a media download: the bytes fetched from `info.url` match the size and SHA-256 that
 * Meta announced (either may be missing, then it is not checked).
 */
export function checkMediaDownload(
	info: Pick<MediaInfo, 'sha256' | 'fileSize'>,
	data: Uint8Array,
): MediaDownloadCheck {
	const hintIt =
		"L'allegato scaricato da WhatsApp è incompleto o danneggiato: riprovare a scaricarlo o chiedere al cittadino di inviarlo di nuovo.";
	if (data.byteLength === 0) {
		return { ok: false, reason: 'empty', message: 'Downloaded media is empty', hintIt };
	}
	if (info.fileSize !== undefined && info.fileSize !== data.byteLength) {
		return {
			ok: false,
			reason: 'size',
			message: `Downloaded media is ${data.byteLength} bytes; WhatsApp announced ${info.fileSize}`,
			hintIt,
		};
	}
	const sha256 = createHash('sha256').update(data).digest('hex');
	if (info.sha256 !== undefined && info.sha256.trim().toLowerCase() !== sha256) {
		// Meta documents a hex digest; accept base64 of the same digest too.
		const base64 = Buffer.from(sha256, 'hex').toString('base64');
		if (info.sha256.trim() !== base64) {
			return {
				ok: false,
				reason: 'sha256',
				message: `Downloaded media SHA-256 ${sha256} does not match ${info.sha256.trim()}`,
				hintIt,
			};
		}
	}
	return { ok: true, sha256, size: data.byteLength };
}
