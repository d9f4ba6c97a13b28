/**
 * A fake of Meta's WhatsApp Cloud API on a real HTTP server (node:http), for tests and the sandbox:
 * Graph routes under /{version}/, the media download URL, a chat page (/ and /chat) where a person plays
 * a citizen, and JSON control endpoints under /_sim/. See README.md for what it enforces.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLarge, readBody } from '../readBody';
import { renderChatPage } from './chatPage';
import {
	ASYNC_BY_DEFAULT,
	fbTraceId,
	invalidTokenError,
	statusError,
	unknownObjectError,
	unknownPathError,
	whatsAppError,
	type GraphErrorAnswer,
} from './errors';
import { DEFAULT_PAIR_RATE, DEFAULT_THROUGHPUT, SendingLimits } from './limits';
import {
	envelope,
	incomingValue,
	newWamid,
	statusValue,
	storeMedia,
	type BusinessNumber,
	type StatusTarget,
	type StoredMedia,
} from './payloads';
import {
	DEFAULT_MESSAGE_TYPE,
	DEFAULT_RECIPIENT_TYPE,
	loadMessageValidator,
	type MessageValidator,
	type ValidationResult,
} from './schema';
import type {
	CitizenIdentity,
	CitizenMessageInput,
	CitizenSendResult,
	CloudApiSimulator,
	CloudApiSimulatorOptions,
	ConversationEntry,
	FailureInjection,
	OutboundFilter,
	OutboundMessage,
	OutboundStatus,
	ReceivedRequest,
	SimulatorStats,
} from './types';
import { metaJson, WebhookSender, type WebhookDelivery } from './webhooks';

export * from './types';
export { metaJson, signBody } from './webhooks';

const DAY_MS = 24 * 60 * 60 * 1000;
const VERSION = /^v\d+\.\d+$/;

type JsonObject = Record<string, unknown>;

interface Citizen extends CitizenIdentity {
	key: string;
	lastInboundAt?: number;
}

interface InboundRecord {
	id: string;
	citizen: Citizen;
	message: JsonObject;
	at: number;
}

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function digits(value: string): string {
	return value.replace(/\D/g, '');
}

/** A rejected body: the first problem's code (100 or 131009) and every problem in `details`. */
function invalidBody(check: ValidationResult): GraphErrorAnswer {
	return whatsAppError(check.issues[0]?.code ?? 100, { details: check.errors.join('; ') });
}

class Simulator implements CloudApiSimulator {
	baseUrl = '';
	chatUrl = '';
	port = 0;
	readonly received: ReceivedRequest[] = [];
	readonly webhookDeliveries: WebhookDelivery[];

	private readonly server: Server;
	private readonly now: () => number;
	private readonly log: (line: string) => void;
	private readonly validator: MessageValidator;
	private readonly limits: SendingLimits;
	private readonly sender: WebhookSender;
	private readonly business: BusinessNumber;
	private verifiedName: string;
	private qualityRating = 'GREEN';
	private readonly citizens = new Map<string, Citizen>();
	private readonly inbound: InboundRecord[] = [];
	private readonly sent: OutboundMessage[] = [];
	private waiters: Array<{
		test: (m: OutboundMessage) => boolean;
		resolve: (m: OutboundMessage) => void;
	}> = [];
	private readonly media = new Map<string, StoredMedia>();
	private readonly downloads = new Map<string, { mediaId: string; expiresAt: number }>();
	private failures: Array<FailureInjection & { left: number }> = [];
	private readonly timers = new Set<NodeJS.Timeout>();
	private counters = {
		accepted: 0,
		rejected: {} as Record<string, number>,
		failed: {} as Record<string, number>,
	};

	constructor(private readonly options: CloudApiSimulatorOptions) {
		this.now = options.now ?? Date.now;
		this.log = options.log ?? (() => undefined);
		this.validator = loadMessageValidator(options.specPath);
		this.limits = new SendingLimits(
			options.throughput ?? DEFAULT_THROUGHPUT,
			options.pairRate ?? DEFAULT_PAIR_RATE,
			this.now,
		);
		this.sender = new WebhookSender({
			appSecret: options.appSecret,
			url: options.webhookUrl,
			timeoutMs: options.webhookTimeoutMs ?? 10_000,
			retry: options.webhookRetry,
			concurrency: options.webhookConcurrency,
			now: this.now,
			log: this.log,
		});
		this.webhookDeliveries = this.sender.deliveries;
		this.business = {
			wabaId: options.wabaId ?? '102290129340398',
			phoneNumberId: options.phoneNumberId,
			displayPhoneNumber: options.displayPhoneNumber ?? '390541704111',
		};
		this.verifiedName = options.verifiedName ?? 'Comune di Rimini - URP';
		this.server = createServer((request, response) => {
			this.handle(request, response).catch((error: unknown) => {
				this.log(`simulator error: ${error instanceof Error ? error.stack : String(error)}`);
				if (!response.headersSent) this.json(response, 500, { error: 'simulator error' });
				else response.end();
			});
		});
	}

	async listen(): Promise<void> {
		const host = this.options.host ?? '127.0.0.1';
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, host, () => resolve());
		});
		this.port = (this.server.address() as AddressInfo).port;
		this.baseUrl = `http://${host}:${this.port}`;
		this.chatUrl = `${this.baseUrl}/chat`;
	}

	// ---- HTTP ---------------------------------------------------------------------------------------

	private json(
		response: ServerResponse,
		status: number,
		body: unknown,
		headers: JsonObject = {},
	): void {
		const text = JSON.stringify(body);
		response.writeHead(status, {
			'content-type': 'application/json; charset=UTF-8',
			'content-length': Buffer.byteLength(text),
			...(headers as Record<string, string>),
		});
		response.end(text);
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://simulator.invalid');
		const segments = url.pathname.split('/').filter((s) => s !== '');
		let raw: Buffer;
		try {
			raw = await readBody(request, this.options.maxBodyBytes ?? 4 * 1024 * 1024);
		} catch (error) {
			if (!(error instanceof BodyTooLarge)) throw error;
			const answer = whatsAppError(100, { details: 'Request body too large', httpStatus: 413 });
			this.json(response, 413, answer.body, { connection: 'close' });
			return;
		}
		const method = request.method ?? 'GET';
		if (method === 'GET' && (segments.length === 0 || url.pathname === '/chat')) {
			const page = renderChatPage({
				displayPhoneNumber: this.business.displayPhoneNumber,
				verifiedName: this.verifiedName,
			});
			response.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' });
			response.end(page);
			return;
		}
		if (segments[0] === '_sim') {
			await this.handleControl(method, segments.slice(1), url, raw, response);
			return;
		}
		if (segments[0] === 'media-download' && segments.length === 2 && method === 'GET') {
			this.handleDownload(request, segments[1], response);
			return;
		}
		if (segments.length > 0 && /^v\d/.test(segments[0])) {
			await this.handleGraph(method, segments, url, request, raw, response);
			return;
		}
		this.json(response, 404, { error: `Not found: ${method} ${url.pathname}` });
	}

	private async handleGraph(
		method: string,
		segments: string[],
		url: URL,
		request: IncomingMessage,
		raw: Buffer,
		response: ServerResponse,
	): Promise<void> {
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(request.headers)) {
			headers[name] = name === 'authorization' ? '[redacted]' : String(value);
		}
		const text = raw.toString('utf8');
		let parsedBody: unknown = text === '' ? undefined : text;
		try {
			if (text !== '') parsedBody = JSON.parse(text);
		} catch {
			// kept as text in `received`
		}
		const answer = await this.answerGraph(method, segments, url, request, text);
		const extra: JsonObject = { 'x-fb-trace-id': fbTraceId(), 'facebook-api-version': segments[0] };
		if (answer.status === 401) {
			extra['www-authenticate'] =
				'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token - Cannot parse access token"';
		}
		this.received.push({
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers,
			body: parsedBody,
			status: answer.status,
			response: answer.body,
			at: this.now(),
		});
		if (answer.status >= 400 && segments[2] === 'messages') {
			const code = String((answer.body as GraphErrorAnswer['body']).error?.code ?? answer.status);
			this.counters.rejected[code] = (this.counters.rejected[code] ?? 0) + 1;
		}
		this.json(response, answer.status, answer.body, extra);
	}

	private isAuthorized(request: IncomingMessage, url: URL): boolean {
		const header = request.headers.authorization ?? '';
		const match = /^Bearer\s+(.+)$/i.exec(header);
		const token = match ? match[1].trim() : url.searchParams.get('access_token');
		return token === this.options.accessToken;
	}

	private async answerGraph(
		method: string,
		segments: string[],
		url: URL,
		request: IncomingMessage,
		text: string,
	): Promise<{ status: number; body: unknown }> {
		const [version, id, edge, ...rest] = segments;
		const versions = this.options.apiVersions;
		if (!VERSION.test(version) || (versions && !versions.includes(version))) {
			return whatsAppError(100, {
				message: `Unknown path components: /${version}`,
				details: `Unsupported API version ${version}`,
			});
		}
		if (!this.isAuthorized(request, url)) return invalidTokenError();
		if (id === undefined || rest.length > 0) return unknownPathError(url.pathname);
		const isPhone = id === this.business.phoneNumberId;
		if (edge === undefined) {
			if (method === 'GET' && isPhone) {
				return {
					status: 200,
					body: {
						id,
						display_phone_number: this.business.displayPhoneNumber,
						verified_name: this.verifiedName,
						quality_rating: this.qualityRating,
					},
				};
			}
			const media = this.media.get(id);
			if (media && method === 'GET') return { status: 200, body: this.mediaUrl(media) };
			if (media && method === 'DELETE') {
				this.media.delete(id);
				return { status: 200, body: { success: true } };
			}
			return unknownObjectError(method === 'POST' ? 'post' : 'get', id);
		}
		if (edge !== 'messages') return unknownPathError(url.pathname);
		if (!isPhone) return unknownObjectError(method === 'POST' ? 'post' : 'get', id);
		if (method !== 'POST') return unknownPathError(url.pathname);
		const contentType = String(request.headers['content-type'] ?? '');
		if (!/^application\/json\b/i.test(contentType)) {
			return whatsAppError(100, {
				details: `Content-Type must be application/json (got "${contentType}")`,
			});
		}
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch (error) {
			return whatsAppError(100, { details: `Body is not valid JSON: ${(error as Error).message}` });
		}
		return this.send(body);
	}

	// ---- sending ------------------------------------------------------------------------------------

	private send(body: unknown): { status: number; body: unknown } {
		if (isObject(body) && body.type === undefined && body.status !== undefined)
			return this.markRead(body);
		const check = this.validator.validateMessage(body);
		if (!check.valid || !isObject(body)) return invalidBody(check);
		if ((body.recipient_type ?? DEFAULT_RECIPIENT_TYPE) === 'group') {
			return whatsAppError(100, { details: 'Group messages are not supported by the simulator' });
		}
		const phone = typeof body.to === 'string' ? digits(body.to) : undefined;
		if (phone === '')
			return whatsAppError(100, { details: `Invalid phone number in to: "${String(body.to)}"` });
		const userId = phone === undefined ? String(body.recipient) : undefined;
		const citizen = this.citizens.get(phone ?? String(userId));
		const type = typeof body.type === 'string' ? body.type : DEFAULT_MESSAGE_TYPE;

		if (!this.limits.takeThroughput()) return whatsAppError(130429, { subcode: 2494055 });
		if (!this.limits.takePair(citizen?.key ?? phone ?? String(userId)))
			return whatsAppError(131056);
		let asyncFailure: { code: number; message?: string } | undefined;
		const lastInbound = citizen?.lastInboundAt;
		if (
			this.options.enforceWindow !== false &&
			type !== 'template' &&
			(lastInbound === undefined || this.now() - lastInbound > DAY_MS)
		) {
			if (this.options.windowErrorMode === 'async') asyncFailure = { code: 131047 };
			else return whatsAppError(131047);
		}
		const failure = this.failures.find(
			(f) =>
				(f.to === undefined || f.to === phone || f.to === userId || digits(f.to) === phone) &&
				this.counters.accepted >= (f.afterAccepted ?? 0),
		);
		if (failure) {
			if (failure.left > 0) failure.left--;
			if (failure.left === 0) this.failures = this.failures.filter((f) => f !== failure);
			if (failure.async ?? ASYNC_BY_DEFAULT.has(failure.code)) {
				asyncFailure = { code: failure.code, message: failure.message };
			} else {
				return failure.code === 190
					? { ...invalidTokenError(), status: failure.httpStatus ?? 401 }
					: whatsAppError(failure.code, {
							httpStatus: failure.httpStatus,
							message: failure.message,
						});
			}
		}

		const wamid = newWamid(phone ?? String(userId));
		const message: OutboundMessage = {
			wamid,
			...(phone === undefined ? { recipient: userId } : { to: phone }),
			type,
			body,
			status: 'accepted',
			at: this.now(),
		};
		this.sent.push(message);
		this.counters.accepted++;
		this.waiters = this.waiters.filter((w) => {
			if (!w.test(message)) return true;
			w.resolve(message);
			return false;
		});
		this.scheduleStatuses(
			message,
			{ wamid, phone, userId: citizen?.userId ?? userId, template: type === 'template' },
			asyncFailure,
		);
		const contact =
			phone === undefined
				? { input: body.recipient, user_id: userId }
				: { input: body.to, wa_id: phone };
		return {
			status: 200,
			body: {
				messaging_product: 'whatsapp',
				contacts: [contact],
				messages: [type === 'template' ? { id: wamid, message_status: 'accepted' } : { id: wamid }],
			},
		};
	}

	private markRead(body: JsonObject): { status: number; body: unknown } {
		const check = this.validator.validateMarkRead(body);
		if (!check.valid) return invalidBody(check);
		if (!this.inbound.some((m) => m.id === body.message_id)) {
			return whatsAppError(100, { details: `Invalid message_id: ${String(body.message_id)}` });
		}
		return { status: 200, body: { success: true } };
	}

	private later(ms: number, action: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			action();
		}, ms);
		timer.unref();
		this.timers.add(timer);
	}

	private scheduleStatuses(
		message: OutboundMessage,
		target: StatusTarget,
		failure: { code: number; message?: string } | undefined,
	): void {
		if (this.options.statusWebhooks === false) return;
		const delays = this.options.statusDelaysMs ?? { delivered: 50, read: 150 };
		const emit = (status: Exclude<OutboundStatus, 'accepted'>): void => {
			message.status = status;
			const errors = failure ? [statusError(failure.code, failure.message)] : undefined;
			const value = statusValue(target, status, Math.floor(this.now() / 1000), errors);
			void this.sender.send(metaJson(envelope(this.business, [value])), 'status', [message.wamid]);
		};
		if (failure) {
			this.counters.failed[failure.code] = (this.counters.failed[failure.code] ?? 0) + 1;
			this.later(delays.sent ?? 10, () => emit('failed'));
			return;
		}
		this.later(delays.sent ?? 10, () => emit('sent'));
		this.later(Math.max(delays.delivered, delays.sent ?? 10), () => emit('delivered'));
		if (delays.read !== null)
			this.later(Math.max(delays.read, delays.delivered), () => emit('read'));
	}

	// ---- media --------------------------------------------------------------------------------------

	private mediaUrl(media: StoredMedia): JsonObject {
		const token = randomBytes(18).toString('base64url');
		const expiresAt = this.now() + (this.options.mediaUrlTtlMs ?? 5 * 60 * 1000);
		this.downloads.set(token, { mediaId: media.id, expiresAt });
		return {
			messaging_product: 'whatsapp',
			url: `${this.baseUrl}/media-download/${token}?mid=${media.id}&expires=${Math.floor(expiresAt / 1000)}`,
			mime_type: media.mimeType,
			sha256: media.sha256Hex,
			file_size: String(media.content.length),
			id: media.id,
		};
	}

	private handleDownload(request: IncomingMessage, token: string, response: ServerResponse): void {
		const header = request.headers.authorization ?? '';
		if (header !== `Bearer ${this.options.accessToken}`) {
			this.json(response, 401, invalidTokenError().body);
			return;
		}
		const download = this.downloads.get(token);
		const media = download && this.media.get(download.mediaId);
		if (!download || !media || this.now() > download.expiresAt) {
			this.json(response, 404, {
				error: 'URL expired or unknown: ask GET /{version}/{media-id} again',
			});
			return;
		}
		response.writeHead(200, {
			'content-type': media.mimeType,
			'content-length': media.content.length,
		});
		response.end(media.content);
	}

	// ---- the citizen side ---------------------------------------------------------------------------

	private register(identity: CitizenIdentity): Citizen {
		const { waId, userId } = identity;
		if (waId === undefined && userId === undefined)
			throw new Error('A citizen needs a waId or a userId');
		const phone = waId === undefined ? undefined : digits(waId);
		let citizen =
			(phone && this.citizens.get(phone)) || (userId && this.citizens.get(userId)) || undefined;
		if (!citizen) citizen = { key: phone ?? String(userId) };
		if (phone) citizen.waId = phone;
		if (userId) citizen.userId = userId;
		if (identity.name !== undefined) citizen.name = identity.name;
		if (identity.username !== undefined) citizen.username = identity.username;
		if (citizen.waId) this.citizens.set(citizen.waId, citizen);
		if (citizen.userId) this.citizens.set(citizen.userId, citizen);
		return citizen;
	}

	async citizenSends(input: CitizenMessageInput): Promise<CitizenSendResult> {
		const [result] = await this.citizenSendsMany([input]);
		return result;
	}

	async citizenSendsMany(
		inputs: CitizenMessageInput[],
		options: { perPost?: number } = {},
	): Promise<CitizenSendResult[]> {
		const built = inputs.map((input) => {
			const citizen = this.register(input.from);
			// A message without a name carries the name the citizen gave before (profile.name).
			const from = {
				...input.from,
				waId: input.from.waId === undefined ? undefined : digits(input.from.waId),
				name: input.from.name ?? citizen.name,
			};
			let media: StoredMedia | undefined;
			if (['image', 'video', 'audio', 'document', 'sticker'].includes(input.type)) {
				const content =
					input.media?.content ??
					(input.media?.contentBase64 === undefined
						? Buffer.from(`simulated ${input.type}`)
						: Buffer.from(input.media.contentBase64, 'base64'));
				media = storeMedia(input.media?.mimeType ?? 'application/octet-stream', content);
				this.media.set(media.id, media);
			}
			const timestamp = input.timestamp ?? Math.floor(this.now() / 1000);
			const id = newWamid(citizen.key);
			const { value, message } = incomingValue(
				{ ...input, from },
				id,
				this.business,
				timestamp,
				media,
			);
			const at = input.timestamp === undefined ? this.now() : input.timestamp * 1000;
			if (input.type !== 'system') citizen.lastInboundAt = Math.max(citizen.lastInboundAt ?? 0, at);
			this.inbound.push({ id, citizen, message, at: this.now() });
			return { id, value };
		});
		const perPost = Math.max(1, options.perPost ?? inputs.length);
		const results: CitizenSendResult[] = [];
		for (let start = 0; start < built.length; start += perPost) {
			const group = built.slice(start, start + perPost);
			const payload = envelope(
				this.business,
				group.map((b) => b.value),
			);
			const delivery = await this.sender.send(
				metaJson(payload),
				'message',
				group.map((b) => b.id),
			);
			for (const item of group) {
				results.push({ messageId: item.id, status: delivery.status, body: payload, delivery });
			}
		}
		return results;
	}

	conversation(citizenId: string): ConversationEntry[] {
		const citizen = this.citizens.get(digits(citizenId)) ?? this.citizens.get(citizenId);
		const ids = new Set(
			[citizenId, digits(citizenId), citizen?.waId, citizen?.userId].filter(Boolean),
		);
		const entries: ConversationEntry[] = [
			...this.inbound
				.filter((m) => m.citizen === citizen)
				.map((m) => ({
					direction: 'in' as const,
					id: m.id,
					type: String(m.message.type),
					payload: m.message,
					at: m.at,
				})),
			...this.sent
				.filter((m) => ids.has(m.to ?? '') || ids.has(m.recipient ?? ''))
				.map((m) => ({
					direction: 'out' as const,
					id: m.wamid,
					type: m.type,
					payload: m.body,
					status: m.status,
					at: m.at,
				})),
		];
		return entries.sort((a, b) => a.at - b.at);
	}

	// ---- test API -----------------------------------------------------------------------------------

	outbound(filter?: OutboundFilter): OutboundMessage[] {
		if (filter === undefined) return [...this.sent];
		if (typeof filter === 'function') return this.sent.filter(filter);
		return this.sent.filter(
			(m) =>
				(filter.to === undefined || m.to === digits(filter.to)) &&
				(filter.recipient === undefined || m.recipient === filter.recipient) &&
				(filter.type === undefined || m.type === filter.type),
		);
	}

	waitForOutbound(
		test: (message: OutboundMessage) => boolean,
		timeoutMs = 5000,
	): Promise<OutboundMessage> {
		const found = this.sent.find(test);
		if (found) return Promise.resolve(found);
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((w) => w.resolve !== done);
				reject(
					new Error(
						`No matching outbound message within ${timeoutMs} ms (${this.sent.length} accepted)`,
					),
				);
			}, timeoutMs);
			const done = (message: OutboundMessage): void => {
				clearTimeout(timer);
				resolve(message);
			};
			this.waiters.push({ test, resolve: done });
		});
	}

	setWebhookUrl(url: string | undefined): void {
		this.sender.url = url;
	}

	redeliver(target: number | string): Promise<WebhookDelivery> {
		const original =
			typeof target === 'number'
				? this.webhookDeliveries[target]
				: this.webhookDeliveries.find((d) => d.messageIds.includes(target));
		if (!original) return Promise.reject(new Error(`No webhook delivery ${String(target)}`));
		return this.sender.send(original.body, 'redelivery', original.messageIds, original.signature);
	}

	sendRawWebhook(
		body: string,
		options: { signature?: string | null } = {},
	): Promise<WebhookDelivery> {
		return this.sender.send(body, 'raw', [], options.signature);
	}

	injectFailure(failure: FailureInjection): void {
		const times = failure.times ?? 1;
		this.failures.push({ ...failure, left: times < 0 || times === Infinity ? -1 : times });
	}

	clearFailures(): void {
		this.failures = [];
	}

	setPhoneNumber(update: {
		displayPhoneNumber?: string;
		verifiedName?: string;
		qualityRating?: string;
	}): void {
		if (update.displayPhoneNumber !== undefined)
			this.business.displayPhoneNumber = update.displayPhoneNumber;
		if (update.verifiedName !== undefined) this.verifiedName = update.verifiedName;
		if (update.qualityRating !== undefined) this.qualityRating = update.qualityRating;
	}

	webhooksIdle(): Promise<void> {
		return this.sender.idle();
	}

	stats(): SimulatorStats {
		return {
			accepted: this.counters.accepted,
			rejectedByCode: { ...this.counters.rejected },
			failedByCode: { ...this.counters.failed },
			webhooksSent: this.webhookDeliveries.filter((d) => d.url !== undefined).length,
		};
	}

	reset(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.received.length = 0;
		this.sent.length = 0;
		this.inbound.length = 0;
		this.citizens.clear();
		this.media.clear();
		this.downloads.clear();
		this.failures = [];
		this.limits.reset();
		this.sender.clear();
		this.counters = { accepted: 0, rejected: {}, failed: {} };
	}

	async stop(): Promise<void> {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	// ---- /_sim control endpoints --------------------------------------------------------------------

	private async handleControl(
		method: string,
		segments: string[],
		url: URL,
		raw: Buffer,
		response: ServerResponse,
	): Promise<void> {
		const route = `${method} /${segments[0] ?? ''}`;
		let input: unknown;
		try {
			input = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {};
		} catch {
			this.json(response, 400, { error: 'Body is not valid JSON' });
			return;
		}
		const body = isObject(input) ? input : {};
		try {
			switch (route) {
				case 'GET /state':
					return this.json(response, 200, {
						phoneNumberId: this.business.phoneNumberId,
						displayPhoneNumber: this.business.displayPhoneNumber,
						verifiedName: this.verifiedName,
						webhookUrl: this.sender.url ?? null,
						stats: this.stats(),
					});
				case 'GET /stats':
					return this.json(response, 200, this.stats());
				case 'GET /outbound': {
					const query = Object.fromEntries(url.searchParams) as {
						to?: string;
						recipient?: string;
						type?: string;
					};
					return this.json(response, 200, this.outbound(query));
				}
				case 'GET /received':
					return this.json(response, 200, this.received);
				case 'GET /webhooks':
					return this.json(response, 200, this.webhookDeliveries);
				case 'GET /citizens':
					return this.json(response, 200, [...new Set(this.citizens.values())]);
				case 'GET /conversations':
					if (segments[1] === undefined) break;
					return this.json(response, 200, {
						citizen:
							this.citizens.get(digits(segments[1])) ?? this.citizens.get(segments[1]) ?? null,
						messages: this.conversation(decodeURIComponent(segments[1])),
					});
				case 'POST /citizen-sends': {
					const perPost = Number(url.searchParams.get('perPost') ?? '0') || undefined;
					const results = Array.isArray(input)
						? await this.citizenSendsMany(input as CitizenMessageInput[], { perPost })
						: [await this.citizenSends(body as unknown as CitizenMessageInput)];
					const summary = results.map((r) => ({
						messageId: r.messageId,
						status: r.status,
						body: r.body,
					}));
					return this.json(response, 200, Array.isArray(input) ? summary : summary[0]);
				}
				case 'POST /failures':
					if (typeof body.code !== 'number') throw new Error('code (number) is required');
					if (
						body.afterAccepted !== undefined &&
						!(Number.isSafeInteger(body.afterAccepted) && (body.afterAccepted as number) >= 0)
					) {
						throw new Error('afterAccepted must be a whole number of messages, 0 or more');
					}
					this.injectFailure(body as unknown as FailureInjection);
					return this.json(response, 200, { ok: true });
				case 'DELETE /failures':
					this.clearFailures();
					return this.json(response, 200, { ok: true });
				case 'POST /webhook-url':
					this.setWebhookUrl(typeof body.url === 'string' ? body.url : undefined);
					return this.json(response, 200, { ok: true, webhookUrl: this.sender.url ?? null });
				case 'POST /redeliver': {
					const target = body.target;
					if (typeof target !== 'number' && typeof target !== 'string')
						throw new Error('target is required');
					const delivery = await this.redeliver(target);
					return this.json(response, 200, delivery);
				}
				case 'POST /reset':
					this.reset();
					return this.json(response, 200, { ok: true });
			}
			this.json(response, 404, { error: `Unknown control endpoint ${method} ${url.pathname}` });
		} catch (error) {
			this.json(response, 400, { error: error instanceof Error ? error.message : String(error) });
		}
	}
}

/** Starts a simulator on `options.port` (0 = a free port); `stop()` closes it. */
export async function startCloudApiSimulator(
	options: CloudApiSimulatorOptions,
): Promise<CloudApiSimulator> {
	const simulator = new Simulator(options);
	await simulator.listen();
	options.log?.(
		`WhatsApp Cloud API simulator on ${simulator.baseUrl} (chat: ${simulator.chatUrl})`,
	);
	return simulator;
}
