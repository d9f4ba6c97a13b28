/**
 * What the trigger does with one HTTP request from Meta, as pure functions: the GET handshake and the
 * signed POST (verify → parse → normalise → drop redeliveries). The n8n node only moves bytes in and out.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { keepUnseen, type SeenRegistry } from './dedupe';
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
	include: 'messages' | 'statuses' | 'both';
	dropEchoes: boolean;
	/** Where redeliveries are recognised; none = every update passes. */
	registry?: SeenRegistry;
	now?: Date;
	maxBytes?: number;
}

export interface ReceiveOutcome {
	/** What to answer Meta. 200 also when nothing is started (irrelevant object, only redeliveries). */
	status: 200 | 400 | 401 | 413;
	/** Short English reason for a refusal (never echoes the payload). */
	reason?: string;
	/** Events to start the workflow with (empty: start nothing). */
	events: WebhookEvent[];
	duplicates: number;
	/** Pieces of the payload skipped as malformed, with where they were. */
	problems: string[];
	/** The redelivery registry failed, so events passed unchecked. */
	registryError?: string;
}

/** Verifies, parses, normalises and de-duplicates one POST from Meta. Never throws. */
export async function receiveWebhook(
	rawBody: Buffer,
	signatureHeader: string | string[] | undefined,
	settings: ReceiveSettings,
): Promise<ReceiveOutcome> {
	const refused = (status: 400 | 401 | 413, reason: string): ReceiveOutcome => ({
		status,
		reason,
		events: [],
		duplicates: 0,
		problems: [],
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
		include: settings.include,
		dropEchoes: settings.dropEchoes,
	});
	if (!normalised.relevant) {
		return { status: 200, events: [], duplicates: 0, problems: normalised.problems };
	}
	if (!settings.registry) {
		return { status: 200, events: normalised.events, duplicates: 0, problems: normalised.problems };
	}
	const outcome = await keepUnseen(
		normalised.events,
		settings.registry,
		settings.now ?? new Date(),
	);
	return {
		status: 200,
		events: outcome.fresh,
		duplicates: outcome.duplicates,
		problems: normalised.problems,
		...(outcome.registryError !== undefined ? { registryError: outcome.registryError } : {}),
	};
}
