/**
 * What the trigger does with one HTTP request from Meta, as pure functions: the GET handshake and the
 * signed POST (verify → parse → normalise → record delivery statuses → drop redeliveries). The n8n
 * node only moves bytes in and out.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import type { StatusRecordOutcome } from '../shared/deliveryStatus';
import { keepUnseen, type SeenRegistry } from './dedupe';
import {
	maskPhoneNumbers,
	splitStatuses,
	type DeliveryStatusHandling,
	type DeliveryStatusMode,
} from './deliveryStatuses';
import { verifySignature } from './signature';
import type { WebhookEvent } from './types';
import { normaliseWebhook, parseWebhookBody } from './webhook';

export interface HandshakeAnswer {
	status: 200 | 403;
	/** The bare `hub.challenge` on success; a short English reason otherwise. */
	body: string;
}

function firstString(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
	return undefined;
}

/**
 * Meta's subscription handshake: `hub.mode=subscribe` and `hub.verify_token` equal to ours → 200 with the
 * bare challenge; anything else → 403. An empty configured token never matches.
 */
export function answerHandshake(
	query: Record<string, unknown>,
	verifyToken: string,
): HandshakeAnswer {
	const mode = firstString(query['hub.mode']);
	const token = firstString(query['hub.verify_token']);
	const challenge = firstString(query['hub.challenge']);
	if (mode !== 'subscribe') return { status: 403, body: 'hub.mode must be "subscribe"' };
	if (!verifyToken || token === undefined || !sameText(token, verifyToken)) {
		return { status: 403, body: 'hub.verify_token does not match the credential' };
	}
	if (challenge === undefined || challenge === '')
		return { status: 403, body: 'hub.challenge is missing' };
	return { status: 200, body: challenge };
}

/** Constant-time text comparison (the verify token is a secret too): digests have equal lengths. */
function sameText(a: string, b: string): boolean {
	const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
	return timingSafeEqual(digest(a), digest(b));
}

export interface ReceiveSettings {
	appSecret: string;
	/** What happens to delivery statuses; citizens' messages always start the workflow. */
	deliveryStatuses: DeliveryStatusHandling;
	dropEchoes: boolean;
	/** Where redeliveries of what starts the workflow are recognised; none = every update passes. */
	registry?: SeenRegistry;
	now?: Date;
	maxBytes?: number;
}

/** What became of the POST's delivery statuses. */
export interface StatusesOutcome {
	mode: DeliveryStatusMode;
	/** Status events in the POST (none are read in `ignore` mode). */
	received: number;
	/** `record` mode: the same status of the same message again in the POST, recorded once. */
	repeated: number;
	/** `record` mode: what the store did with the one call; absent when there was nothing to record. */
	recorded?: StatusRecordOutcome;
	/** `record` mode: why the store failed (the answer is then 500); phone numbers masked. */
	error?: string;
}

export interface ReceiveOutcome {
	/**
	 * What to answer Meta. 200 also when nothing is started (irrelevant object, only redeliveries, only
	 * recorded statuses); 500 when the statuses could not be recorded, so that Meta delivers it again.
	 */
	status: 200 | 400 | 401 | 413 | 500;
	/** Short English reason for a refusal (never echoes the payload). */
	reason?: string;
	/** Events to start the workflow with (empty: start nothing). */
	events: WebhookEvent[];
	duplicates: number;
	/** Pieces of the payload skipped as malformed, with where they were; fit for a log (numbers masked). */
	problems: string[];
	/** The redelivery registry failed, so events passed unchecked (numbers masked). */
	registryError?: string;
	statuses: StatusesOutcome;
}

/** The answer to Meta when the store could not take the statuses. */
export const RECORD_FAILED_REASON =
	'Delivery statuses could not be recorded (the store is unavailable); deliver again';

function errorText(error: unknown): string {
	return maskPhoneNumbers(error instanceof Error ? error.message : String(error));
}

/**
 * Verifies, parses and normalises one POST from Meta; records its delivery statuses (`record` mode,
 * one store call for the whole POST) before anything is marked as seen; drops redeliveries of what
 * is left to start. Never throws.
 *
 * When recording fails the answer is 500 and nothing is marked as seen: Meta delivers the whole POST
 * again, messages included. Recorded statuses skip the redelivery registry: recording only moves
 * forward, so a status delivered twice changes nothing (it is counted twice in the daily tally).
 */
export async function receiveWebhook(
	rawBody: Buffer,
	signatureHeader: string | string[] | undefined,
	settings: ReceiveSettings,
): Promise<ReceiveOutcome> {
	const mode = settings.deliveryStatuses.mode;
	const nothing = (): StatusesOutcome => ({ mode, received: 0, repeated: 0 });
	const refused = (status: 400 | 401 | 413, reason: string): ReceiveOutcome => ({
		status,
		reason,
		events: [],
		duplicates: 0,
		problems: [],
		statuses: nothing(),
	});

	const signature = verifySignature(rawBody, signatureHeader, settings.appSecret);
	if (!signature.valid) {
		const reasons = {
			missing: 'X-Hub-Signature-256 header is missing',
			malformed: 'X-Hub-Signature-256 header is not "sha256=<hex>"',
			mismatch: 'X-Hub-Signature-256 does not match the body and the app secret',
			noSecret: 'the credential has no app secret, so no signature can be checked',
		} as const;
		return refused(401, reasons[signature.reason]);
	}

	const parsed = parseWebhookBody(rawBody, { maxBytes: settings.maxBytes });
	if (!parsed.ok) return refused(parsed.status, parsed.reason);

	const normalised = normaliseWebhook(parsed.payload, {
		// ignored statuses are not even read
		include: mode === 'ignore' ? 'messages' : 'both',
		dropEchoes: settings.dropEchoes,
	});
	const problems = normalised.problems.map(maskPhoneNumbers);
	if (!normalised.relevant) {
		return { status: 200, events: [], duplicates: 0, problems, statuses: nothing() };
	}

	const split = splitStatuses(normalised.events, mode);
	problems.push(...split.problems);
	const statuses: StatusesOutcome = {
		mode,
		received: split.statuses,
		repeated: split.repeated,
	};
	const now = settings.now ?? new Date();
	if (settings.deliveryStatuses.mode === 'record' && split.toRecord.length > 0) {
		try {
			statuses.recorded = await settings.deliveryStatuses.recorder.recordDeliveryStatuses(
				split.toRecord,
				now,
			);
		} catch (error) {
			// nothing is marked as seen: the redelivery of this POST must start its messages
			return {
				status: 500,
				reason: RECORD_FAILED_REASON,
				events: [],
				duplicates: 0,
				problems,
				statuses: { ...statuses, error: errorText(error) },
			};
		}
	}

	if (!settings.registry) {
		return { status: 200, events: split.toStart, duplicates: 0, problems, statuses };
	}
	const outcome = await keepUnseen(split.toStart, settings.registry, now);
	return {
		status: 200,
		events: outcome.fresh,
		duplicates: outcome.duplicates,
		problems,
		statuses,
		...(outcome.registryError !== undefined
			? { registryError: maskPhoneNumbers(outcome.registryError) }
			: {}),
	};
}
