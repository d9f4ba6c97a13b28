/**
 * Meta-shaped webhook payloads: incoming citizen messages (shapes of the spec's `POST /whatsapp/webhooks`
 * examples) and message statuses (`StatusMessageValue`). Username users (business-scoped user ids) have
 * no `from`/`wa_id`: the message carries `from_user_id`, the contact `user_id` and `profile.username`
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CitizenMessageInput, OutboundStatus } from './types';

export interface BusinessNumber {
	wabaId: string;
	phoneNumberId: string;
	displayPhoneNumber: string;
}

export interface StoredMedia {
	id: string;
	mimeType: string;
	content: Buffer;
	sha256Hex: string;
	sha256Base64: string;
}

type JsonObject = Record<string, unknown>;

let counter = 0;

/** A wamid: "wamid." + base64 of an opaque, unique id (Meta's are base64 of a protobuf). */
export function newWamid(seed: string): string {
	counter++;
	const opaque = `${seed}\u0015\u0002\u0000${counter.toString(36)}${randomBytes(9).toString('hex')}`;
	return 'wamid.' + Buffer.from(opaque, 'latin1').toString('base64');
}

/** A Graph-style numeric id (media ids look like "1003383421387256"). */
export function newNumericId(): string {
	return String(1e15 + Math.floor(Math.random() * 8e15));
}

export function storeMedia(mimeType: string, content: Buffer): StoredMedia {
	return {
		id: newNumericId(),
		mimeType,
		content,
		sha256Hex: createHash('sha256').update(content).digest('hex'),
		sha256Base64: createHash('sha256').update(content).digest('base64'),
	};
}

export function envelope(business: BusinessNumber, values: JsonObject[]): JsonObject {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: business.wabaId,
				changes: values.map((value) => ({
					value: {
						messaging_product: 'whatsapp',
						metadata: {
							display_phone_number: business.displayPhoneNumber,
							phone_number_id: business.phoneNumberId,
						},
						...value,
					},
					field: 'messages',
				})),
			},
		],
	};
}

/**
 * profile.name of a citizen never named: WhatsApp sends the name the user chose, never the number, so a
 * test that gave no name gets this (or the citizen's username).
 */
export const DEFAULT_CITIZEN_NAME = 'Cittadino';

/** `input.from.name` is the name given now or, when absent, the one the citizen gave before. */
function contactOf(input: CitizenMessageInput): JsonObject {
	const { waId, userId, name, username } = input.from;
	const profile: JsonObject = { name: name ?? username ?? DEFAULT_CITIZEN_NAME };
	if (username !== undefined) profile.username = username;
	return {
		profile,
		...(waId === undefined ? {} : { wa_id: waId }),
		...(userId === undefined ? {} : { user_id: userId }),
	};
}

/** The `messages[]` item for one citizen message; `media` is the stored media of a media message. */
function messageOf(
	input: CitizenMessageInput,
	id: string,
	business: BusinessNumber,
	timestamp: number,
	media: StoredMedia | undefined,
): JsonObject {
	const message: JsonObject = {};
	if (input.context)
		message.context = { from: business.displayPhoneNumber, id: input.context.messageId };
	if (input.from.waId !== undefined) message.from = input.from.waId;
	if (input.from.userId !== undefined) message.from_user_id = input.from.userId;
	message.id = id;
	message.timestamp = String(timestamp);
	message.type = input.type;
	switch (input.type) {
		case 'text':
			message.text = { body: input.text ?? '' };
			break;
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker': {
			const item: JsonObject = {};
			if (input.media?.caption !== undefined) item.caption = input.media.caption;
			if (input.type === 'document') item.filename = input.media?.filename ?? 'documento.pdf';
			item.mime_type = media?.mimeType;
			item.sha256 = media?.sha256Base64;
			item.id = media?.id;
			if (input.type === 'audio') item.voice = false;
			if (input.type === 'sticker') item.animated = false;
			message[input.type] = item;
			break;
		}
		case 'location':
			message.location = { ...(input.location ?? { latitude: 44.0596, longitude: 12.5683 }) };
			break;
		case 'contacts':
			message.contacts = input.contacts ?? [
				{ name: { formatted_name: 'Contatto', first_name: 'Contatto' }, phones: [] },
			];
			break;
		case 'interactive': {
			const reply = input.reply ?? { id: 'reply', title: input.text ?? '', kind: 'button_reply' };
			const { kind, ...rest } = reply;
			message.interactive = { type: kind, [kind]: rest };
			break;
		}
		case 'button': {
			const button = input.button ?? { payload: input.text ?? '', text: input.text ?? '' };
			message.button = { payload: button.payload, text: button.text };
			break;
		}
		case 'reaction':
			message.reaction = {
				message_id: input.reaction?.messageId ?? input.context?.messageId,
				emoji: input.reaction?.emoji ?? '',
			};
			delete message.context;
			break;
		case 'order':
			message.order = input.order ?? { catalog_id: '0', text: '', product_items: [] };
			break;
		case 'system':
			message.system = {
				body: input.system?.body ?? '',
				...(input.system?.newWaId === undefined ? {} : { wa_id: input.system.newWaId }),
				type: input.system?.type ?? 'user_changed_number',
			};
			break;
		case 'unsupported':
			message.errors = [
				{
					code: 131051,
					title: 'Message type unknown',
					message: 'Message type unknown',
					error_data: { details: 'Message type is currently not supported.' },
				},
			];
			break;
	}
	return message;
}

/** The `value` of one `messages` change for one citizen message (system messages have no contacts). */
export function incomingValue(
	input: CitizenMessageInput,
	id: string,
	business: BusinessNumber,
	timestamp: number,
	media: StoredMedia | undefined,
): { value: JsonObject; message: JsonObject } {
	const message = messageOf(input, id, business, timestamp, media);
	const value: JsonObject =
		input.type === 'system'
			? { messages: [message] }
			: { contacts: [contactOf(input)], messages: [message] };
	return { value, message };
}

export interface StatusTarget {
	wamid: string;
	/** phone number, when the business sent to one */
	phone?: string;
	/** business-scoped user id, when known */
	userId?: string;
	template: boolean;
}

/** The `value` of a `statuses` change. */
export function statusValue(
	target: StatusTarget,
	status: Exclude<OutboundStatus, 'accepted'>,
	timestamp: number,
	errors?: JsonObject[],
): JsonObject {
	const item: JsonObject = { id: target.wamid, status, timestamp: String(timestamp) };
	if (target.phone !== undefined) item.recipient_id = target.phone;
	if (target.userId !== undefined) item.recipient_user_id = target.userId;
	if (status === 'failed') {
		item.errors = errors ?? [];
	} else {
		item.pricing = {
			billable: target.template,
			pricing_model: 'PMP',
			category: target.template ? 'utility' : 'service',
			type: target.template ? 'regular' : 'free_customer_service',
		};
	}
	return { statuses: [item] };
}
