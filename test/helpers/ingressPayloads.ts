/**
 * Webhook bodies as Meta sends them (Meta's JSON escaping, signed with the test app secret) for the
 * ingress's tests and benchmark: citizens' messages and delivery statuses.
 */
import { toMetaJson } from '../../nodes/core/whatsapp/metaJson';
import { computeSignature } from '../../nodes/core/whatsapp/signature';

export const INGRESS_SECRET = 'ingress-app-secret-for-tests';
export const INGRESS_VERIFY_TOKEN = 'ingress-verify-token';
export const PHONE_NUMBER_ID = '106540352242922';

export interface Signed {
	body: Buffer;
	signature: string;
}

export function sign(payload: unknown, secret = INGRESS_SECRET): Signed {
	const body = Buffer.from(toMetaJson(payload));
	return { body, signature: computeSignature(body, secret) };
}

function envelope(value: Record<string, unknown>): unknown {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: '419561257915477',
				changes: [
					{
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
							...value,
						},
						field: 'messages',
					},
				],
			},
		],
	};
}

/** A citizen's text message. */
export function messagePayload(
	from: string,
	wamid: string,
	text: string,
	at = 1764489600,
): unknown {
	return envelope({
		contacts: [{ profile: { name: 'Cittadino' }, wa_id: from }],
		messages: [{ from, id: wamid, timestamp: String(at), type: 'text', text: { body: text } }],
	});
}

/** Delivery statuses of our messages (`wamids[i]` gets `status`). */
export function statusesPayload(wamids: string[], status = 'delivered', at = 1764489600): unknown {
	return envelope({
		statuses: wamids.map((id, i) => ({
			id,
			status,
			timestamp: String(at + i),
			recipient_id: `39333${String(i).padStart(7, '0')}`,
		})),
	});
}

/** Both in one body: statuses and a citizen's message. */
export function mixedPayload(
	wamids: string[],
	status: string,
	from: string,
	wamid: string,
	text: string,
): unknown {
	const statuses = statusesPayload(wamids, status) as {
		entry: Array<{ changes: Array<{ value: Record<string, unknown> }> }>;
	};
	const message = messagePayload(from, wamid, text) as typeof statuses;
	Object.assign(statuses.entry[0].changes[0].value, {
		contacts: message.entry[0].changes[0].value.contacts,
		messages: message.entry[0].changes[0].value.messages,
	});
	return statuses;
}
