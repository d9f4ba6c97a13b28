/**
 * The shapes the WhatsApp channel exchanges with the rest of the package.
 * Pure types: no n8n import, no runtime code.
 */

/** Who wrote or who received: phone users have `waId`; username users may have only `userId`. */
export interface CitizenRef {
	/** WhatsApp id (the phone number in international format, digits only). */
	waId?: string;
	/** Business-scoped user id, present for username users and sometimes alongside `waId`. */
	userId?: string;
	/** Profile name, when Meta sends it. */
	name?: string;
	/** WhatsApp username (`contacts[].profile.username`), when the user has one and Meta sends it. */
	username?: string;
}

/** One error object as Meta sends it in webhooks and API answers. */
export interface MetaErrorDetail {
	code: number;
	title?: string;
	message?: string;
	details?: string;
	href?: string;
}

export interface MediaRef {
	id: string;
	mimeType?: string;
	sha256?: string;
	filename?: string;
	/** audio: true when it is a voice note. */
	voice?: boolean;
	/** sticker: true when animated. */
	animated?: boolean;
}

export interface LocationRef {
	latitude: number;
	longitude: number;
	name?: string;
	address?: string;
	url?: string;
}

/** A message a citizen sent (or, with `echo: true`, one the business itself sent from another app). */
export interface InboundMessage {
	event: 'message';
	messageId: string;
	phoneNumberId: string;
	displayPhoneNumber?: string;
	from: CitizenRef;
	/** ISO 8601 in UTC, from Meta's epoch-seconds `timestamp`. */
	timestamp: string;
	/** Meta's `type`: text, image, video, audio, document, sticker, location, contacts, interactive, button, reaction, order, system, unsupported, request_welcome, … */
	type: string;
	/** The citizen's words: text body, or the title of a pressed button / list row, or a button's text. */
	text?: string;
	caption?: string;
	media?: MediaRef;
	location?: LocationRef;
	/** Reply buttons, list rows and template quick-reply buttons: what was pressed. */
	reply?: { id: string; title: string; description?: string };
	reaction?: { messageId: string; emoji?: string };
	context?: {
		messageId: string;
		from?: string;
		forwarded?: boolean;
		frequentlyForwarded?: boolean;
	};
	/** True when the message was forwarded (also set when `context` carries no message id). */
	forwarded?: boolean;
	/** True when the message was forwarded many times. */
	frequentlyForwarded?: boolean;
	contacts?: unknown[];
	order?: { catalogId?: string; text?: string; items: unknown[] };
	system?: { body?: string; type?: string; newWaId?: string };
	/** Errors Meta attached to the message (e.g. type `unsupported`). */
	errors?: MetaErrorDetail[];
	/** True when this is an echo of a message the business sent (not a citizen's). */
	echo: boolean;
	/** Echoes only: the citizen the business wrote to (`from` is then the business number). */
	to?: CitizenRef;
	/** The original message object exactly as received. */
	raw: unknown;
}

export type DeliveryStatus =
	| 'sent'
	| 'delivered'
	| 'read'
	| 'failed'
	| 'played'
	| 'deleted'
	| string;

/** A delivery status for a message the business sent. */
export interface StatusUpdate {
	event: 'status';
	/** The wamid of the message the status is about. */
	messageId: string;
	phoneNumberId: string;
	displayPhoneNumber?: string;
	status: DeliveryStatus;
	recipient: CitizenRef;
	timestamp: string;
	errors: MetaErrorDetail[];
	conversation?: { id?: string; category?: string; expiresAt?: string };
	pricing?: { billable?: boolean; category?: string; pricingModel?: string; type?: string };
	/** `biz_opaque_callback_data` echoed back from the send request, if any. */
	callbackData?: string;
	raw: unknown;
}

export type WebhookEvent = InboundMessage | StatusUpdate;
