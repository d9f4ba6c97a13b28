/**
 * Meta's delivery statuses (sent, delivered, read, failed of every message the URP sends: some 12,000
 * webhooks after an alert to 4,000 subscribers) as the trigger handles them: recorded in the store by
 * the trigger itself with no n8n execution, started as workflow items, or ignored. Citizens' messages
 * always start the workflow. Pure: the store comes in as an interface.
 */
import type { DeliveryStatusUpdate, StatusRecordOutcome } from '../shared/deliveryStatus';
import { maskWaId } from '../shared/text';
import type { WebhookEvent } from './types';

/** What the trigger does with delivery statuses (the `deliveryStatuses` parameter). */
export type DeliveryStatusMode = 'record' | 'start' | 'ignore';

export const DELIVERY_STATUS_MODES: readonly DeliveryStatusMode[] = ['record', 'start', 'ignore'];

/** The parameter's value as a mode; undefined for anything else (an expression gone wrong). */
export function deliveryStatusModeOf(value: unknown): DeliveryStatusMode | undefined {
	return DELIVERY_STATUS_MODES.find((mode) => mode === value);
}

/**
 * The mode for a value that is none: the statuses start the workflow, as before the parameter existed.
 * Nothing is lost and no store is needed; the executions show that something is off.
 */
export const FALLBACK_DELIVERY_STATUS_MODE: DeliveryStatusMode = 'start';

/** Where `record` mode writes: the WhatsUrp store (SubscriptionStore has this method). */
export interface DeliveryStatusRecorder {
	/** Records a whole POST's statuses in one call (one transaction); throws when the store fails. */
	recordDeliveryStatuses(updates: DeliveryStatusUpdate[], now: Date): Promise<StatusRecordOutcome>;
}

/** The mode, with the store for `record`. */
export type DeliveryStatusHandling =
	| { mode: 'record'; recorder: DeliveryStatusRecorder }
	| { mode: 'start' }
	| { mode: 'ignore' };

/** Longest message id recorded (the store's own limit for message ids); Meta's wamids are ~60. */
export const MAX_WAMID_LENGTH = 256;
/** Longest status recorded: Meta's are words such as `delivered`. */
export const MAX_STATUS_LENGTH = 32;

/**
 * Printable ASCII without spaces: what wamids (`wamid.` + base64) and statuses look like. Anything
 * else is refused before the store: a NUL is an error in a PostgreSQL text parameter, and one error
 * fails the whole POST's transaction every time Meta delivers it again.
 */
const TOKEN = /^[\x21-\x7e]+$/;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property only: `__proto__` or `constructor` keys never reach Object.prototype. */
function own(value: unknown, key: string): unknown {
	return isObject(value) && Object.prototype.hasOwnProperty.call(value, key)
		? value[key]
		: undefined;
}

function token(value: unknown, maxLength: number): string | undefined {
	return typeof value === 'string' && value.length <= maxLength && TOKEN.test(value)
		? value
		: undefined;
}

/** Meta's error code: an integer, also as decimal digits; null when absent or unusable. */
function errorCodeOf(value: unknown): number | null {
	if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
	if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
	return null;
}

/**
 * A delivery status as the store records it: from a normalised status event, or from the JSON of a
 * status item of the trigger (`event: 'status'`, `messageId`, `status`, `errors[0].code`). Null for
 * anything else, and for a message id or status the store cannot take (see {@link MAX_WAMID_LENGTH},
 * {@link MAX_STATUS_LENGTH}, printable ASCII).
 */
export function deliveryStatusUpdateOf(value: unknown): DeliveryStatusUpdate | null {
	if (own(value, 'event') !== 'status') return null;
	const wamid = token(own(value, 'messageId'), MAX_WAMID_LENGTH);
	const status = token(own(value, 'status'), MAX_STATUS_LENGTH);
	if (wamid === undefined || status === undefined) return null;
	const errors = own(value, 'errors');
	const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
	return { wamid, status, errorCode: errorCodeOf(own(first, 'code')) };
}

/** How one POST's events divide between the workflow and the store. */
export interface StatusSplit {
	/** What may start the workflow, in payload order: the messages, and the statuses in `start` mode. */
	toStart: WebhookEvent[];
	/** `record` mode: the statuses to record in one call, in payload order, each once. */
	toRecord: DeliveryStatusUpdate[];
	/** Status events in the POST. */
	statuses: number;
	/** `record` mode: the same status of the same message again in the same POST (recorded once). */
	repeated: number;
	/** `record` mode: statuses the store cannot take, skipped (one line each, nothing echoed). */
	problems: string[];
}

/**
 * Divides the verified, normalised events of one POST: messages always go on to the workflow;
 * statuses go to the store (`record`), on to the workflow (`start`) or nowhere (`ignore`).
 */
export function splitStatuses(events: WebhookEvent[], mode: DeliveryStatusMode): StatusSplit {
	const split: StatusSplit = { toStart: [], toRecord: [], statuses: 0, repeated: 0, problems: [] };
	const seen = new Set<string>();
	for (const event of events) {
		if (event.event !== 'status') {
			split.toStart.push(event);
			continue;
		}
		split.statuses += 1;
		if (mode === 'start') split.toStart.push(event);
		if (mode !== 'record') continue;
		const update = deliveryStatusUpdateOf(event);
		if (update === null) {
			split.problems.push(`delivery status ${split.statuses}: ${unusable(event)}`);
			continue;
		}
		// a wamid is printable ASCII without spaces: the space cannot be part of either
		const key = `${update.wamid} ${update.status}`;
		if (seen.has(key)) {
			split.repeated += 1;
			continue;
		}
		seen.add(key);
		split.toRecord.push(update);
	}
	return split;
}

/** Why a normalised status cannot be recorded, without echoing it. */
function unusable(event: { messageId: unknown; status: unknown }): string {
	const what = (value: unknown, maxLength: number) =>
		typeof value !== 'string'
			? 'is not text'
			: value.length > maxLength
				? `is ${value.length} characters long (at most ${maxLength})`
				: 'has spaces, control or non-ASCII characters';
	return token(event.messageId, MAX_WAMID_LENGTH) === undefined
		? `message id ${what(event.messageId, MAX_WAMID_LENGTH)}; not recorded`
		: `status ${what(event.status, MAX_STATUS_LENGTH)}; not recorded`;
}

/**
 * A log line with phone numbers masked: every run of 7 or more digits becomes `39******4567`
 * ({@link maskWaId}). Problem lines can quote a value of the payload, and errors a parameter.
 */
export function maskPhoneNumbers(line: string): string {
	return line.replace(/\d{7,}/g, (digits) => maskWaId(digits));
}
