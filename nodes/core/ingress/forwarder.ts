/**
 * The forwarder: claims queued bodies from the outbox and POSTs each, byte for byte with Meta's
 * original `X-Hub-Signature-256`, to the WhatsUrp Trigger's production URL — so the trigger verifies
 * and reads it exactly as if Meta had sent it. 2xx → forwarded. Anything else stays queued, forever:
 * 5xx, a refused connection or a timeout (n8n down, restarting, slow) come back after a back-off;
 * 401/403/404 (app secret rotated in n8n, workflow unpublished) are counted apart, reported, and come back
 * after a longer back-off.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

import { backoffMs } from '../shared/backoff';
import type { ClaimedBody, ForwardFailureKind } from '../store/outbox';
import { maskPhoneNumbers } from '../whatsapp/deliveryStatuses';

/** What the forwarder needs of the outbox. */
export interface ForwarderOutbox {
	claim(owner: string, limit: number, leaseMs: number, now: Date): Promise<ClaimedBody[]>;
	markForwarded(id: number, owner: string, now: Date): Promise<boolean>;
	retryLater(
		id: number,
		owner: string,
		failure: { kind: ForwardFailureKind; error: string; delayMs: number },
		now: Date,
	): Promise<boolean>;
}

export interface ForwarderOptions {
	outbox: ForwarderOutbox;
	/** The trigger's production webhook URL. */
	targetUrl: string;
	/** This instance's name in the claims (unique per instance). */
	owner: string;
	/** Bodies forwarded at once (each from a different citizen). */
	concurrency?: number;
	/** How long a claim holds; longer than a request's timeout. */
	leaseMs?: number;
	/** A request's timeout. */
	timeoutMs?: number;
	/** How often an empty queue is looked at again (a new body wakes the forwarder at once). */
	pollMs?: number;
	random?: () => number;
	/** The wait before the next attempt (default {@link forwardDelayMs}). */
	delay?: (kind: ForwardFailureKind, attempt: number) => number;
	log?: (line: string) => void;
}

/** Back-off after a failure: 1 s doubling to 1 min; refusals 30 s doubling to 15 min. */
export function forwardDelayMs(
	kind: ForwardFailureKind,
	attempt: number,
	random: () => number,
): number {
	return kind === 'refused'
		? backoffMs(attempt, random, 30_000, 15 * 60_000)
		: backoffMs(attempt, random, 1000, 60_000);
}

/** The kind of an HTTP answer: null for 2xx (forwarded). */
export function failureKindOf(status: number): ForwardFailureKind | null {
	if (status >= 200 && status < 300) return null;
	if (status === 401 || status === 403 || status === 404) return 'refused';
	return 'server';
}

export interface ForwarderStats {
	forwarded: number;
	failures: Record<ForwardFailureKind, number>;
	/** Claims lost to an expired lease (another instance may have forwarded the body too). */
	lostClaims: number;
	storeErrors: number;
	/** Milliseconds from arrival to forwarded, of the last body forwarded. */
	lastLagMs: number | null;
}

interface Answer {
	status: number;
}

/** POSTs bytes; resolves with the status, rejects on a connection error or timeout. */
function post(
	url: URL,
	body: Buffer,
	headers: Record<string, string>,
	timeoutMs: number,
	agents: { http: HttpAgent; https: HttpsAgent },
): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const secure = url.protocol === 'https:';
		const req = (secure ? httpsRequest : httpRequest)(
			url,
			{
				method: 'POST',
				headers: { ...headers, 'content-length': String(body.length) },
				agent: secure ? agents.https : agents.http,
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
				res.on('error', reject);
			},
		);
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(body);
	});
}

export class Forwarder {
	readonly stats: ForwarderStats = {
		forwarded: 0,
		failures: { refused: 0, server: 0, network: 0 },
		lostClaims: 0,
		storeErrors: 0,
		lastLagMs: null,
	};
	private readonly url: URL;
	private readonly concurrency: number;
	private readonly leaseMs: number;
	private readonly timeoutMs: number;
	private readonly pollMs: number;
	private readonly random: () => number;
	private readonly log: (line: string) => void;
	private readonly agents = {
		http: new HttpAgent({ keepAlive: true }),
		https: new HttpsAgent({ keepAlive: true }),
	};
	private running = false;
	private loop: Promise<void> | null = null;
	private wakeUp: (() => void) | null = null;
	private woken = false;
	private lastRefusalLog = 0;

	constructor(private readonly options: ForwarderOptions) {
		this.url = new URL(options.targetUrl);
		if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
			throw new RangeError(`The trigger's URL must be http or https, not ${this.url.protocol}`);
		}
		this.concurrency = options.concurrency ?? 8;
		this.timeoutMs = options.timeoutMs ?? 15_000;
		this.leaseMs = options.leaseMs ?? Math.max(60_000, this.timeoutMs * 4);
		this.pollMs = options.pollMs ?? 250;
		this.random = options.random ?? Math.random;
		this.log = options.log ?? (() => undefined);
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.loop = this.run();
	}

	/** A body was queued: look at once. */
	wake(): void {
		this.woken = true;
		this.wakeUp?.();
	}

	/** Stops claiming; resolves once the forwards in flight are recorded. */
	async stop(): Promise<void> {
		this.running = false;
		this.wake();
		await this.loop;
		this.agents.http.destroy();
		this.agents.https.destroy();
	}

	private async pause(ms: number): Promise<void> {
		if (this.woken || !this.running) {
			this.woken = false;
			return;
		}
		await new Promise<void>((resolve) => {
			const timer = setTimeout(done, ms);
			function done() {
				clearTimeout(timer);
				resolve();
			}
			this.wakeUp = done;
		});
		this.wakeUp = null;
		this.woken = false;
	}

	private async run(): Promise<void> {
		let storeFailures = 0;
		while (this.running) {
			let claimed: ClaimedBody[];
			try {
				claimed = await this.options.outbox.claim(
					this.options.owner,
					this.concurrency,
					this.leaseMs,
					new Date(),
				);
				storeFailures = 0;
			} catch (error) {
				this.stats.storeErrors += 1;
				storeFailures += 1;
				this.log(`forwarder: cannot claim from the store: ${maskPhoneNumbers(String(error))}`);
				await this.pause(backoffMs(storeFailures, this.random, 500, 10_000));
				continue;
			}
			if (claimed.length === 0) {
				await this.pause(this.pollMs);
				continue;
			}
			await Promise.all(claimed.map((body) => this.forward(body)));
		}
	}

	/** Forwards one body and records the outcome (a failed record leaves the lease to expire). */
	private async forward(body: ClaimedBody): Promise<void> {
		let kind: ForwardFailureKind | null;
		let error = '';
		try {
			const answer = await post(
				this.url,
				body.body,
				{
					'content-type': 'application/json',
					'x-hub-signature-256': body.signature,
					'user-agent': 'whatsurp-ingress',
				},
				this.timeoutMs,
				this.agents,
			);
			kind = failureKindOf(answer.status);
			if (kind !== null) error = `n8n answered HTTP ${answer.status}`;
		} catch (cause) {
			kind = 'network';
			error = cause instanceof Error ? cause.message : String(cause);
		}
		const now = new Date();
		try {
			if (kind === null) {
				if (await this.options.outbox.markForwarded(body.id, this.options.owner, now)) {
					this.stats.forwarded += 1;
					this.stats.lastLagMs = now.getTime() - Date.parse(body.receivedAt);
				} else this.stats.lostClaims += 1;
				return;
			}
			this.stats.failures[kind] += 1;
			if (kind === 'refused' && now.getTime() - this.lastRefusalLog > 60_000) {
				this.lastRefusalLog = now.getTime();
				this.log(
					`forwarder: n8n refuses the queued messages (${error}): check the trigger's URL, that the workflow is published and that its app secret matches; they stay queued`,
				);
			}
			const delayMs = this.options.delay
				? this.options.delay(kind, body.attempts)
				: forwardDelayMs(kind, body.attempts, this.random);
			if (
				!(await this.options.outbox.retryLater(
					body.id,
					this.options.owner,
					{ kind, error: maskPhoneNumbers(error), delayMs },
					now,
				))
			) {
				this.stats.lostClaims += 1;
			}
		} catch (cause) {
			this.stats.storeErrors += 1;
			this.log(`forwarder: cannot record an attempt: ${maskPhoneNumbers(String(cause))}`);
		}
	}
}
