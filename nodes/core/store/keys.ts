/** Citizen keys and input validation of the subscription store. */
import { createHmac } from 'node:crypto';
import { listKeys } from '../lists';
import { StoreInputError } from './errors';
import type { ChangeContext, CitizenIdentity, SubscriptionState } from './types';

/** Longest list name, in code points. */
export const MAX_LIST_NAME_LENGTH = 64;
/** Most lists one call may name. */
export const MAX_LISTS_PER_CALL = 20;
/** Display names longer than this (code points) are truncated, not rejected. */
export const MAX_DISPLAY_NAME_LENGTH = 256;
/** Longest waId, userId, message id, channel or policy version accepted. */
export const MAX_ID_LENGTH = 128;
export const MAX_MESSAGE_ID_LENGTH = 256;
export const MAX_LABEL_LENGTH = 64;

/** Printable ASCII without spaces: what WhatsApp ids (digits) and business-scoped user ids look like. */
const ID_PATTERN = /^[\x21-\x7e]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const SUBSCRIPTION_STATES: readonly SubscriptionState[] = ['pending', 'active', 'cancelled'];

/** A citizen identity after validation: trimmed ids, cleaned name. */
export interface NormalisedCitizen {
	waId: string | null;
	userId: string | null;
	name: string | null;
}

function optionalId(value: unknown, field: string): string | null {
	if (value === undefined || value === null) return null;
	if (typeof value !== 'string') throw new StoreInputError(field, 'must be a string');
	const trimmed = value.trim();
	if (trimmed === '') return null;
	if (trimmed.length > MAX_ID_LENGTH) {
		throw new StoreInputError(field, `longer than ${MAX_ID_LENGTH} characters`);
	}
	if (!ID_PATTERN.test(trimmed)) {
		throw new StoreInputError(field, 'may hold printable ASCII characters only, without spaces');
	}
	return trimmed;
}

/** Replaces lone UTF-16 surrogates (which PostgreSQL cannot store) with U+FFFD. */
function wellFormed(text: string): string {
	return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** First `max` code points of `text` (never splits a surrogate pair). */
function truncateCodePoints(text: string, max: number): string {
	const codePoints = Array.from(text);
	return codePoints.length > max ? codePoints.slice(0, max).join('') : text;
}

/**
 * Validates a citizen identity: `waId` and/or `userId` (trimmed, printable ASCII, at most 128
 * characters; empty counts as missing) and an optional display name (control characters removed,
 * truncated to 256 code points: a long WhatsApp profile name must not cost a citizen their command).
 */
export function normaliseCitizen(citizen: CitizenIdentity | null | undefined): NormalisedCitizen {
	if (citizen === null || typeof citizen !== 'object') {
		throw new StoreInputError('citizen', 'must be an object with waId or userId');
	}
	const waId = optionalId(citizen.waId, 'citizen.waId');
	const userId = optionalId(citizen.userId, 'citizen.userId');
	if (waId === null && userId === null) {
		throw new StoreInputError('citizen', 'a citizen needs a waId or a userId');
	}
	let name: string | null = null;
	if (citizen.name !== undefined && citizen.name !== null) {
		if (typeof citizen.name !== 'string')
			throw new StoreInputError('citizen.name', 'must be a string');
		const cleaned = truncateCodePoints(
			wellFormed(citizen.name).replace(CONTROL_CHARACTERS, ' ').trim(),
			MAX_DISPLAY_NAME_LENGTH,
		).trim();
		name = cleaned === '' ? null : cleaned;
	}
	return { waId, userId, name };
}

/** Key of an already validated citizen. */
export function keyOf(citizen: NormalisedCitizen): string {
	return citizen.waId !== null ? `wa:${citizen.waId}` : `user:${citizen.userId}`;
}

/**
 * The store key of a citizen: `wa:<waId>` when the WhatsApp id is known, else `user:<userId>`.
 * Throws StoreInputError when neither is given.
 */
export function citizenKey(citizen: CitizenIdentity): string {
	return keyOf(normaliseCitizen(citizen));
}

/** Masking a WhatsApp id lives in core/shared (the WhatsApp channel and the texts use it too). */
export { maskWaId } from '../shared/text';

/**
 * List names as staff or an expression give them in one text: comma-separated, with or without `#`,
 * any case, accents or apostrophes (`#emergenze, PUBBLICAUTILITA'`) → canonical names (core/lists),
 * without repeats.
 */
export function listNamesFromText(text: string): string[] {
	return listKeys(text);
}

/**
 * One list name as the store keys it: trimmed, 1–64 code points, no control characters, otherwise
 * kept as given. The nodes hand the store canonical names (core/lists: the Command node's lists, the
 * Subscribers node's Lists field, the Broadcast node's list).
 */
export function normaliseListName(list: unknown, field = 'lists'): string {
	if (typeof list !== 'string') throw new StoreInputError(field, 'list names must be strings');
	const trimmed = list.trim();
	if (trimmed === '') throw new StoreInputError(field, 'a list name is empty');
	if (Array.from(trimmed).length > MAX_LIST_NAME_LENGTH) {
		throw new StoreInputError(
			field,
			`a list name is longer than ${MAX_LIST_NAME_LENGTH} characters`,
		);
	}
	if (
		new RegExp(CONTROL_CHARACTERS.source).test(trimmed) ||
		new RegExp(LONE_SURROGATE.source).test(trimmed)
	) {
		throw new StoreInputError(field, 'a list name holds control characters');
	}
	return trimmed;
}

/** 1–20 list names, validated and de-duplicated (first occurrence kept). */
export function normaliseLists(lists: unknown): string[] {
	if (!Array.isArray(lists)) throw new StoreInputError('lists', 'must be an array of list names');
	if (lists.length === 0) throw new StoreInputError('lists', 'name at least one list');
	if (lists.length > MAX_LISTS_PER_CALL) {
		throw new StoreInputError('lists', `at most ${MAX_LISTS_PER_CALL} lists per call`);
	}
	return [...new Set(lists.map((list) => normaliseListName(list)))];
}

/**
 * A valid Date between 1970 and 9999 (so its ISO text has a fixed width and sorts like the instant),
 * else StoreInputError.
 */
export function validDate(value: unknown, field: string): Date {
	if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
		throw new StoreInputError(field, 'must be a valid Date');
	}
	const year = value.getUTCFullYear();
	if (year < 1970 || year > 9999) throw new StoreInputError(field, 'must be between 1970 and 9999');
	return value;
}

function optionalLabel(value: unknown, field: string, max: number): string | null {
	if (value === undefined || value === null) return null;
	if (typeof value !== 'string') throw new StoreInputError(field, 'must be a string');
	const trimmed = value.trim();
	if (trimmed === '') return null;
	if (trimmed.length > max) throw new StoreInputError(field, `longer than ${max} characters`);
	if (new RegExp(CONTROL_CHARACTERS.source).test(trimmed)) {
		throw new StoreInputError(field, 'holds control characters');
	}
	return wellFormed(trimmed);
}

/** A change context after validation. */
export interface NormalisedContext {
	at: string;
	atMs: number;
	channel: string;
	messageId: string | null;
	policyVersion: string | null;
}

/** Validates a ChangeContext: a valid `at`, a non-empty `channel`, optional message id and policy version. */
export function normaliseContext(ctx: ChangeContext | null | undefined): NormalisedContext {
	if (ctx === null || typeof ctx !== 'object')
		throw new StoreInputError('ctx', 'must be an object');
	const at = validDate(ctx.at, 'ctx.at');
	const channel = optionalLabel(ctx.channel, 'ctx.channel', MAX_LABEL_LENGTH);
	if (channel === null) throw new StoreInputError('ctx.channel', 'is required');
	return {
		at: at.toISOString(),
		atMs: at.getTime(),
		channel,
		messageId: optionalLabel(ctx.messageId, 'ctx.messageId', MAX_MESSAGE_ID_LENGTH),
		policyVersion: optionalLabel(ctx.policyVersion, 'ctx.policyVersion', MAX_LABEL_LENGTH),
	};
}

/** A required policy version (1–64 characters). */
export function requiredPolicyVersion(value: unknown, field: string): string {
	const version = optionalLabel(value, field, MAX_LABEL_LENGTH);
	if (version === null) throw new StoreInputError(field, 'is required');
	return version;
}

/** A message id for the inbound dedupe table (1–256 characters). */
export function requiredMessageId(value: unknown): string {
	const id = optionalLabel(value, 'messageId', MAX_MESSAGE_ID_LENGTH);
	if (id === null) throw new StoreInputError('messageId', 'is required');
	return id;
}

/** A subscription state filter, when given. */
export function optionalState(value: unknown): SubscriptionState | null {
	if (value === undefined || value === null) return null;
	if (!SUBSCRIPTION_STATES.includes(value as SubscriptionState)) {
		throw new StoreInputError('state', `must be one of ${SUBSCRIPTION_STATES.join(', ')}`);
	}
	return value as SubscriptionState;
}

/** The anonymous audit subject of an erased citizen: `anon:` + HMAC-SHA256(pepper, key), 32 hex. */
export function anonymousSubject(pepperHex: string, key: string): string {
	const digest = createHmac('sha256', Buffer.from(pepperHex, 'hex'))
		.update(key, 'utf8')
		.digest('hex');
	return `anon:${digest.slice(0, 32)}`;
}

/** Opaque paging cursor: the last key of the page, base64url-encoded with a version tag. */
export function encodeCursor(key: string): string {
	return Buffer.from(JSON.stringify({ v: 1, k: key }), 'utf8').toString('base64url');
}

/** Reverses encodeCursor; StoreInputError('after') on anything else. */
export function decodeCursor(cursor: unknown): string | null {
	if (cursor === undefined || cursor === null || cursor === '') return null;
	if (typeof cursor !== 'string' || cursor.length > 1024) {
		throw new StoreInputError('after', 'is not a cursor returned by list()');
	}
	try {
		const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
		if (
			typeof parsed === 'object' &&
			parsed !== null &&
			(parsed as { v?: unknown }).v === 1 &&
			typeof (parsed as { k?: unknown }).k === 'string'
		) {
			return (parsed as { k: string }).k;
		}
	} catch {
		// fall through: not JSON
	}
	throw new StoreInputError('after', 'is not a cursor returned by list()');
}
