/**
 * Webhooks as Meta sends them: JSON escaped the way Meta escapes it (every non-ASCII UTF-16 unit as
 * \uXXXX with lowercase hex, "/" as "\/"), `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(appSecret,
 * exact body bytes)>`, POSTed one at a time in order (a status never overtakes the message before it)
 * unless `concurrency` allows several at once: then, as Meta warns, they may arrive in any order.
 * Meta retries non-200 answers; here retries are off unless `retry` is given.
 */
import { createHmac } from 'node:crypto';

export type WebhookKind = 'message' | 'status' | 'raw' | 'redelivery';

export interface WebhookDelivery {
	index: number;
	url: string | undefined;
	/** the exact body POSTed */
	body: string;
	/** the X-Hub-Signature-256 header sent, or null when none was */
	signature: string | null;
	/** the receiver's HTTP status; null when nothing was POSTed or the request failed */
	status: number | null;
	/** the receiver's answer body (first 2 kB) */
	response?: string;
	error?: string;
	kind: WebhookKind;
	/** wamids this body carries (messages or statuses) */
	messageIds: string[];
	attempt: number;
	at: number;
}

export interface WebhookRetryOptions {
	/** further attempts after the first (Meta: for up to 7 days) */
	attempts: number;
	/** delay before the first retry, doubled each time */
	backoffMs: number;
}

/** JSON.stringify, then Meta's escaping: \uXXXX (lowercase) above 0x7f, "\/" for "/". */
export function metaJson(value: unknown): string {
	return JSON.stringify(value)
		.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
		.replace(/\//g, '\\/');
}

export function signBody(appSecret: string, body: string): string {
	return 'sha256=' + createHmac('sha256', appSecret).update(body, 'utf8').digest('hex');
}

export interface WebhookSenderOptions {
	appSecret: string;
	url?: string;
	timeoutMs: number;
	retry?: WebhookRetryOptions;
	/** POSTs in flight at once (default 1: in order). */
	concurrency?: number;
	now: () => number;
	log: (line: string) => void;
}

export class WebhookSender {
	readonly deliveries: WebhookDelivery[] = [];
	url: string | undefined;
	private queue: Promise<unknown> = Promise.resolve();
	private generation = 0;
	private inFlight = 0;
	private readonly waiting: Array<() => void> = [];
	private readonly pending = new Set<Promise<unknown>>();

	constructor(private readonly options: WebhookSenderOptions) {
		this.url = options.url;
	}

	/** Queues a signed POST of `body`; `signature` null sends none, a string sends that one instead. */
	send(
		body: string,
		kind: WebhookKind,
		messageIds: string[],
		signature?: string | null,
	): Promise<WebhookDelivery> {
		const header = signature === undefined ? signBody(this.options.appSecret, body) : signature;
		const generation = this.generation;
		const deliver = async () => {
			let delivery = await this.post(body, header, kind, messageIds, 1);
			const retry = this.options.retry;
			for (let attempt = 2; retry && attempt <= retry.attempts + 1; attempt++) {
				if (delivery.status === 200 || delivery.url === undefined) break;
				if (generation !== this.generation) break;
				await new Promise((resolve) => setTimeout(resolve, retry.backoffMs * 2 ** (attempt - 2)));
				delivery = await this.post(body, header, kind, messageIds, attempt);
			}
			return delivery;
		};
		if ((this.options.concurrency ?? 1) > 1) {
			const result = this.parallel(deliver);
			const settled = result.catch(() => undefined);
			this.pending.add(settled);
			void settled.then(() => this.pending.delete(settled));
			return result;
		}
		const result = this.queue.then(deliver);
		this.queue = result.catch(() => undefined);
		return result;
	}

	/** Runs `task` once fewer than `concurrency` POSTs are in flight. */
	private async parallel<T>(task: () => Promise<T>): Promise<T> {
		while (this.inFlight >= (this.options.concurrency ?? 1))
			await new Promise<void>((resume) => this.waiting.push(resume));
		this.inFlight++;
		try {
			return await task();
		} finally {
			this.inFlight--;
			this.waiting.shift()?.();
		}
	}

	/** Resolves when every queued POST has been answered. */
	async idle(): Promise<void> {
		let current: Promise<unknown>;
		do {
			current = this.queue;
			await current;
			await Promise.all([...this.pending]);
		} while (current !== this.queue || this.pending.size > 0);
	}

	clear(): void {
		this.generation++;
		this.deliveries.length = 0;
	}

	private async post(
		body: string,
		signature: string | null,
		kind: WebhookKind,
		messageIds: string[],
		attempt: number,
	): Promise<WebhookDelivery> {
		const delivery: WebhookDelivery = {
			index: this.deliveries.length,
			url: this.url,
			body,
			signature,
			status: null,
			kind,
			messageIds,
			attempt,
			at: this.options.now(),
		};
		this.deliveries.push(delivery);
		if (this.url === undefined) {
			delivery.error = 'no webhook URL set';
			return delivery;
		}
		const headers: Record<string, string> = {
			'content-type': 'application/json',
			'user-agent': 'facebookexternalua',
			accept: '*/*',
		};
		if (signature !== null) headers['x-hub-signature-256'] = signature;
		try {
			const answer = await fetch(this.url, {
				method: 'POST',
				headers,
				body,
				signal: AbortSignal.timeout(this.options.timeoutMs),
			});
			delivery.status = answer.status;
			delivery.response = (await answer.text()).slice(0, 2048);
		} catch (error) {
			delivery.error = error instanceof Error ? error.message : String(error);
		}
		this.options.log(`webhook ${kind} → ${this.url}: ${delivery.status ?? delivery.error}`);
		return delivery;
	}
}
