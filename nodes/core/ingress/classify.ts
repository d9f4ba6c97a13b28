/**
 * What the ingress does with one HTTP request from Meta, decided as the WhatsUrp Trigger decides it
 * (the same handshake, signature check, parser, normaliser and status split): pure, nothing written.
 * The server then writes what this returns (statuses to record, a body to queue) and answers.
 */
import type { DeliveryStatusUpdate } from '../shared/deliveryStatus';
import { maskWaId } from '../shared/text';
import { citizenKey } from '../store/keys';
import { splitStatuses } from '../whatsapp/deliveryStatuses';
import { answerHandshake } from '../whatsapp/receive';
import { SIGNATURE_HEADER, verifySignature } from '../whatsapp/signature';
import type { InboundMessage } from '../whatsapp/types';
import { normaliseWebhook, parseWebhookBody, WEBHOOK_OBJECT } from '../whatsapp/webhook';

/** Meta's webhooks are far smaller; anything larger is refused before it is read further. */
export const INGRESS_MAX_BODY_BYTES = 3 * 1024 * 1024;

/** A request as the server read it. */
export interface IngressRequest {
	method: string;
	query: Record<string, unknown>;
	/** Meta's `X-Hub-Signature-256` header. */
	signature: string | string[] | undefined;
	/** The raw body (empty for a GET). */
	body: Buffer;
}

export interface IngressSettings {
	appSecret: string;
	verifyToken: string;
	maxBytes?: number;
}

/** A body with citizens' messages, to queue for n8n. */
export interface QueuedBody {
	/** The first message's wamid, the body's identity (Meta redelivers the same body). */
	wamid: string;
	/** The first message's sender, as the store keys citizens: the unit of forwarding order. */
	citizenKey: string;
	messages: number;
	body: Buffer;
	signature: string;
}

export type IngressDecision =
	/** Answer now, nothing to write: the handshake, a refusal, or a verified body with nothing for us. */
	| { kind: 'answer'; status: number; body: string; reason?: string }
	/** Write, then answer 200 (503 if the write fails). */
	| {
			kind: 'write';
			statuses: DeliveryStatusUpdate[];
			queue: QueuedBody | null;
			/** Pieces of the payload that could not be read, for the log (numbers masked). */
			problems: string[];
	  };

const REASONS = {
	missing: 'X-Hub-Signature-256 header is missing',
	malformed: 'X-Hub-Signature-256 header is not "sha256=<hex>"',
	mismatch: 'X-Hub-Signature-256 does not match the body and the app secret',
	noSecret: 'the ingress has no app secret, so no signature can be checked',
} as const;

function refuse(status: number, reason: string): IngressDecision {
	return { kind: 'answer', status, body: reason, reason };
}

/** The store's key of the sender (`wa:<digits>` or `user:<id>`, store/keys.ts), as erase finds it. */
function citizenKeyOf(message: InboundMessage): string {
	try {
		return citizenKey({ waId: message.from?.waId, userId: message.from?.userId });
	} catch {
		// no usable sender: the body is its own unit of order
		return `wamid:${message.messageId}`;
	}
}

function firstHeader(value: string | string[] | undefined): string {
	return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * Decides what one request is. GET: Meta's handshake. POST: 401 on a bad signature (checked over the raw
 * bytes before anything else), 413 over the size limit, 400 when it is not JSON or not a WhatsApp
 * webhook (`object` other than `whatsapp_business_account`), else the delivery statuses to record and,
 * when it holds citizens' messages (or echoes, which the trigger decides about), the body to queue.
 */
export function classifyRequest(
	request: IngressRequest,
	settings: IngressSettings,
): IngressDecision {
	const method = request.method.toUpperCase();
	if (method === 'GET') {
		const answer = answerHandshake(request.query, settings.verifyToken);
		return { kind: 'answer', status: answer.status, body: answer.body };
	}
	if (method !== 'POST')
		return refuse(405, 'Only GET (handshake) and POST (webhooks) are accepted');

	const maxBytes = settings.maxBytes ?? INGRESS_MAX_BODY_BYTES;
	if (request.body.length > maxBytes) {
		return refuse(
			413,
			`Body is ${request.body.length} bytes, more than the ${maxBytes}-byte limit`,
		);
	}
	const signature = verifySignature(request.body, request.signature, settings.appSecret);
	if (!signature.valid) return refuse(401, REASONS[signature.reason]);

	const parsed = parseWebhookBody(request.body, { maxBytes });
	if (!parsed.ok) return refuse(parsed.status, parsed.reason);
	const normalised = normaliseWebhook(parsed.payload, { include: 'both', dropEchoes: false });
	if (!normalised.relevant) {
		return refuse(400, `Body is not a WhatsApp webhook (object must be "${WEBHOOK_OBJECT}")`);
	}
	const split = splitStatuses(normalised.events, 'record');
	const problems = [...normalised.problems, ...split.problems].map((line) =>
		line.replace(/\d{7,}/g, (digits) => maskWaId(digits)),
	);
	const messages = split.toStart.filter((e): e is InboundMessage => e.event === 'message');
	const queue: QueuedBody | null =
		messages.length === 0
			? null
			: {
					wamid: messages[0].messageId,
					citizenKey: citizenKeyOf(messages[0]),
					messages: messages.length,
					body: request.body,
					signature: firstHeader(request.signature).trim(),
				};
	return { kind: 'write', statuses: split.toRecord, queue, problems };
}

export { SIGNATURE_HEADER };
