/** Public types of the Cloud API simulator. */
import type { PairRateOptions, ThroughputOptions } from './limits';
import type { WebhookDelivery, WebhookRetryOptions } from './webhooks';

export interface CloudApiSimulatorOptions {
	/** 0 (default) = a free port */
	port?: number;
	host?: string;
	accessToken: string;
	appSecret: string;
	phoneNumberId: string;
	displayPhoneNumber?: string;
	verifiedName?: string;
	wabaId?: string;
	/** accepted versions; default any `v<major>.<minor>` */
	apiVersions?: string[];
	webhookUrl?: string;
	throughput?: ThroughputOptions;
	/** false = no pair-rate limit */
	pairRate?: PairRateOptions | false;
	/** default true: free-form messages need a citizen message in the last 24 h (131047) */
	enforceWindow?: boolean;
	/**
	 * How 131047 reaches the business: 'sync' (default) = HTTP 400 as Meta's error-code table lists it;
	 * 'async' = 200 with a wamid, then a `failed` status webhook, as the Cloud API often does in practice.
	 */
	windowErrorMode?: 'sync' | 'async';
	/**
	 * Whether accepted messages bring status webhooks at all (default true). Load tests that count
	 * executions of citizens' messages turn them off and say so.
	 */
	statusWebhooks?: boolean;
	/** ms after acceptance; read null = never read */
	statusDelaysMs?: { sent?: number; delivered: number; read: number | null };
	/** media download URL lifetime (Meta: 5 minutes) */
	mediaUrlTtlMs?: number;
	/** request body limit, default 4 MB (→ 413) */
	maxBodyBytes?: number;
	webhookRetry?: WebhookRetryOptions;
	webhookTimeoutMs?: number;
	/**
	 * Webhook POSTs in flight at once (default 1: one at a time, in order). Meta delivers in parallel and
	 * does not guarantee order; load tests raise it.
	 */
	webhookConcurrency?: number;
	/** the OpenAPI YAML; default: META_OPENAPI_SPEC, else the copy in spec/meta-openapi/ */
	specPath?: string;
	now?: () => number;
	log?: (line: string) => void;
}

export interface ReceivedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	/** request headers; authorization is replaced by "[redacted]" */
	headers: Record<string, string>;
	/** parsed JSON body, or the raw text when it is not JSON, or undefined */
	body: unknown;
	status: number;
	response: unknown;
	at: number;
}

export type OutboundStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export interface OutboundMessage {
	wamid: string;
	/** the phone number (digits) when sent with `to` */
	to?: string;
	/** the business-scoped user id when sent with `recipient` only */
	recipient?: string;
	type: string;
	body: Record<string, unknown>;
	status: OutboundStatus;
	/** error code of an asynchronous failure */
	failedCode?: number;
	at: number;
}

export type OutboundFilter =
	| ((message: OutboundMessage) => boolean)
	| { to?: string; recipient?: string; type?: string };

export type CitizenMessageType =
	| 'text'
	| 'image'
	| 'video'
	| 'audio'
	| 'document'
	| 'sticker'
	| 'location'
	| 'contacts'
	| 'interactive'
	| 'button'
	| 'reaction'
	| 'order'
	| 'system'
	| 'unsupported';

export interface CitizenIdentity {
	/** phone number (wa_id); absent for a username user who hides it */
	waId?: string;
	/** business-scoped user id, e.g. "IT.1502576394655843" */
	userId?: string;
	/**
	 * profile.name; remembered (until reset) and used when a later message gives none; a citizen never
	 * named is "Cittadino" (or its username)
	 */
	name?: string;
	username?: string;
}

export interface CitizenMessageInput {
	from: CitizenIdentity;
	type: CitizenMessageType;
	text?: string;
	media?: {
		mimeType: string;
		caption?: string;
		filename?: string;
		content?: Buffer;
		/** over HTTP (/_sim): the content in base64 */
		contentBase64?: string;
	};
	location?: { latitude: number; longitude: number; name?: string; address?: string; url?: string };
	reply?: { id: string; title: string; description?: string; kind: 'button_reply' | 'list_reply' };
	/** a template quick-reply button (type 'button') */
	button?: { payload: string; text: string };
	reaction?: { messageId: string; emoji: string };
	contacts?: unknown[];
	order?: Record<string, unknown>;
	system?: { body: string; newWaId?: string; type?: string };
	/** the business message this one answers (buttons, list rows, quotes) */
	context?: { messageId: string };
	/** unix seconds; default now() */
	timestamp?: number;
}

export interface CitizenSendResult {
	messageId: string;
	/** the webhook receiver's HTTP status, null when nothing was delivered */
	status: number | null;
	/** the Meta-shaped `messages` webhook (parsed) */
	body: Record<string, unknown>;
	delivery: WebhookDelivery;
}

export interface FailureInjection {
	/** a phone number or user id; absent = any recipient */
	to?: string;
	code: number;
	httpStatus?: number;
	/** default 1; -1 = until cleared */
	times?: number;
	message?: string;
	/** report in a `failed` status webhook after a 200; default true for 131026, 131049, 130472, 131050 */
	async?: boolean;
	/**
	 * matches only once the simulator has accepted this many messages (counted like `stats().accepted`,
	 * since the last reset), e.g. "answer 190 after 500 sends"; default 0 = at once
	 */
	afterAccepted?: number;
}

export interface SimulatorStats {
	accepted: number;
	rejectedByCode: Record<string, number>;
	failedByCode: Record<string, number>;
	webhooksSent: number;
}

export interface ConversationEntry {
	direction: 'in' | 'out';
	id: string;
	type: string;
	/** in: the Meta message object of the webhook; out: the body the business POSTed */
	payload: Record<string, unknown>;
	status?: OutboundStatus;
	at: number;
}

export interface CloudApiSimulator {
	baseUrl: string;
	chatUrl: string;
	port: number;
	received: ReceivedRequest[];
	webhookDeliveries: WebhookDelivery[];
	outbound(filter?: OutboundFilter): OutboundMessage[];
	waitForOutbound(
		predicate: (message: OutboundMessage) => boolean,
		timeoutMs?: number,
	): Promise<OutboundMessage>;
	setWebhookUrl(url: string | undefined): void;
	citizenSends(input: CitizenMessageInput): Promise<CitizenSendResult>;
	citizenSendsMany(
		inputs: CitizenMessageInput[],
		options?: { perPost?: number },
	): Promise<CitizenSendResult[]>;
	redeliver(target: number | string): Promise<WebhookDelivery>;
	sendRawWebhook(body: string, options?: { signature?: string | null }): Promise<WebhookDelivery>;
	injectFailure(failure: FailureInjection): void;
	clearFailures(): void;
	setPhoneNumber(update: {
		displayPhoneNumber?: string;
		verifiedName?: string;
		qualityRating?: string;
	}): void;
	conversation(citizenId: string): ConversationEntry[];
	/** resolves when every webhook queued so far has been answered */
	webhooksIdle(): Promise<void>;
	stats(): SimulatorStats;
	reset(): void;
	stop(): Promise<void>;
}
