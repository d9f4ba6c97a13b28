/**
 * The broadcast engine: sends one message to every active subscriber of
 * a list, one request per recipient, paced by a token bucket, resumable by broadcast id.
 *
 * A run (BroadcastRun, below) begins in the ledger, loops, and finishes in the ledger. Each turn of
 * the loop is one ledger transaction (a step): it writes the answers received since the last step,
 * re-reads the subscriptions of the next recipients (an `ISCRIZIONE OFF` that arrived a moment ago is
 * honoured) and claims them as `sending`; then their requests go out, at most `concurrency` at a time.
 * So at most `concurrency` recipients are ever `sending` in the database: the most a crash can leave
 * unresolved, i.e. the most who may get the message twice after a re-run. Who comes next is the
 * RecipientQueue's (recipients.ts); the pace is the token bucket's and the adaptive rate's (pacing.ts).
 *
 * Answers: 130429 slows the whole broadcast (adaptive rate) and retries the recipient; 131056 makes
 * only that recipient wait; 5xx, 131000, 131016 and network errors retry with exponential back-off
 * and jitter; fatal errors (190, 368, 131031, 131048, …) stop the broadcast at once; a recipient's
 * permanent error (131026, 131049, 131050, 131047, …) is recorded and the broadcast goes on.
 */
import { interpretSendResponse } from '../whatsapp/api';
import { MetaApiError } from '../whatsapp/errors';
import type { Recipient } from '../whatsapp/messages';
import { backoffMs } from '../shared/backoff';
import type { BeginResult, BroadcastLedger } from '../store/broadcastLedger';
import { normaliseBroadcastId } from '../store/broadcastLedger';
import type { BroadcastCounts, Candidate, DeliveryOutcome } from '../store/broadcastTypes';
import { REACHED_DELIVERY_STATES } from '../store/broadcastTypes';
import { AdaptiveRate, DEFAULT_RATE, defaultConcurrency, TokenBucket, validRate } from './pacing';
import { RecipientQueue } from './recipients';

/** What the transport got back: the HTTP status and body of POST /messages. */
export interface SendAnswer {
	status: number;
	body: unknown;
}

/** Sends one payload; rejects only when no HTTP answer came (network error, timeout). */
export type Transport = (payload: object) => Promise<SendAnswer>;

export interface BroadcastMessage {
	/** stored with the broadcast and hashed: a re-run must send the same message */
	description: Record<string, unknown>;
	/** the Cloud API body for one recipient */
	build(recipient: Recipient): object;
}

export interface Clock {
	now(): number;
	/** resolves after `ms`, or earlier when `wake` is called */
	sleep(ms: number, wake: Promise<void>): Promise<void>;
}

export const realClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms, wake) => {
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			wake,
			new Promise<void>((resolve) => {
				timer = setTimeout(resolve, Math.max(0, ms));
			}),
		]);
		clearTimeout(timer);
	},
};

export interface BroadcastProgress {
	broadcastId: string;
	/** recipients this run decided about (sent, failed, unsubscribed) */
	done: number;
	/** recipients this run had to handle when it started */
	expected: number;
	percent: number;
	sent: number;
	failed: number;
	rate: number;
}

export interface RunBroadcastOptions {
	ledger: BroadcastLedger;
	id: string;
	list: string;
	message: BroadcastMessage;
	/** messages per second (default 80, at most 1,000) */
	rate?: number;
	/** requests in flight at most; default a quarter of a second's worth (8–250) */
	concurrency?: number;
	transport: Transport;
	/** attempts per recipient for temporary errors (5xx, network), default 6 */
	maxAttempts?: number;
	/** subscribers read from the store at a time, default 500 */
	pageSize?: number;
	clock?: Clock;
	random?: () => number;
	/** cancels the run (n8n's "stop execution"): in-flight answers are recorded, nothing more is sent */
	signal?: AbortSignal;
	onProgress?: (progress: BroadcastProgress) => void;
	/** a run whose heartbeat is older than this may be resumed by another; default 10 s */
	staleAfterMs?: number;
}

export interface BroadcastSummary {
	broadcastId: string;
	list: string;
	/** false when this run created the broadcast */
	resumed: boolean;
	runs: number;
	/** everyone the broadcast covers: handled so far plus those still to reach */
	total: number;
	/** accepted by WhatsApp (sent, delivered or read), all runs */
	sent: number;
	failed: { count: number; byCode: Record<string, number> };
	skipped: {
		/** reached by an earlier run of the same id, so not sent again */
		alreadySent: number;
		/** left the list before being reached (all runs) */
		unsubscribed: number;
		/** in flight during two crashes: maybe messaged twice, never a third time */
		uncertain: number;
	};
	/** active subscribers not reached yet (after an abort, or who joined after the run passed them) */
	remaining: number;
	thisRun: {
		sent: number;
		failed: number;
		unsubscribed: number;
		/** re-sent because an earlier run died while their request was in flight */
		resentAfterCrash: number;
		retries: number;
		/** 130429 answers */
		throttled: number;
		/** 131056 answers */
		pairRateLimited: number;
	};
	aborted: boolean;
	reason: string | null;
	/** Meta's code of the error that stopped the broadcast */
	abortCode: number | null;
	/** what staff should do, in Italian */
	hintIt: string | null;
	durationMs: number;
	configuredRate: number;
	/** messages accepted per second while sending */
	achievedRate: number;
	lowestRate: number;
	concurrency: number;
}

export interface BroadcastPreview {
	broadcastId: string;
	list: string;
	/** active subscribers a run would message now */
	recipients: number;
	/** the broadcast's ledger so far, if the id exists */
	existing: { state: string; sent: number; runs: number } | null;
}

/** What to do with a recipient after an answer. */
export type AnswerAction =
	| { action: 'sent'; wamid: string }
	| { action: 'throttle'; code: number | null }
	| { action: 'pairWait'; code: number }
	| { action: 'backoff'; code: number | null }
	| { action: 'abort'; code: number | null; message: string; hintIt: string }
	| { action: 'failed'; code: number | null; invalidRequest: boolean };

/** Decides what an answer (or a network failure, `answer` undefined) means for the broadcast. */
export function decideAnswer(answer: SendAnswer | undefined): AnswerAction {
	if (answer === undefined) return { action: 'backoff', code: null };
	const result = interpretSendResponse(answer.status, answer.body);
	if (result.ok) return { action: 'sent', wamid: result.messageId };
	const error: MetaApiError = result.error;
	const code = error.code ?? null;
	switch (error.kind) {
		case 'throttle':
			return { action: 'throttle', code };
		case 'pairRate':
			return { action: 'pairWait', code: code ?? 131056 };
		case 'retryable':
			return { action: 'backoff', code };
		case 'fatal':
			return { action: 'abort', code, message: error.message, hintIt: error.hintIt };
		case 'recipient':
		case 'outsideWindow':
			return { action: 'failed', code, invalidRequest: false };
		case 'invalidRequest':
			return { action: 'failed', code, invalidRequest: true };
		default:
			return error.retryable
				? { action: 'backoff', code }
				: { action: 'failed', code, invalidRequest: false };
	}
}

/**
 * The bucket's burst: 50 ms worth of messages, at least 4. It is also the slack the loop has: a wake-up
 * later than that (a busy CPU, a GC pause) loses the tokens beyond it — with 2 % of a second (1.6
 * tokens at 80/s) a loaded two-core machine lost 15 % of the rate (BENCHMARKS.md).
 */
export function burstOf(rate: number): number {
	return Math.max(4, Math.ceil(rate * 0.05));
}

/** Refusals in a row, none accepted, after which the message itself is judged wrong. */
export const INVALID_REQUEST_ABORT_AFTER = 10;
/** How long a recipient waits after 130429, and after 131056 (Meta: 1 message per 6 s per recipient). */
export const THROTTLE_RETRY_MS = 1000;
export const PAIR_RATE_RETRY_MS = 6000;
/** 131056 answers for one recipient before giving up on them. */
export const MAX_PAIR_RATE_WAITS = 10;

function recipientOf(candidate: Candidate): Recipient {
	return candidate.waId !== null ? { waId: candidate.waId } : { userId: candidate.userId! };
}

/** How a run ends early. */
interface Abort {
	reason: string;
	code: number | null;
	hintIt: string;
}

/** A stable JSON text of the message description, hashed to tell the same message from another. */
export function messageHash(description: Record<string, unknown>): string {
	const stable = (value: unknown): unknown => {
		if (Array.isArray(value)) return value.map(stable);
		if (value !== null && typeof value === 'object') {
			return Object.fromEntries(
				Object.keys(value as object)
					.sort()
					.map((key) => [key, stable((value as Record<string, unknown>)[key])]),
			);
		}
		return value;
	};
	// FNV-1a 64-bit over the UTF-16 units: a fingerprint, not a secret.
	let hash = 0xcbf29ce484222325n;
	for (const char of JSON.stringify(stable(description))) {
		hash ^= BigInt(char.charCodeAt(0));
		hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
	}
	return hash.toString(16).padStart(16, '0');
}

/** Counts what a run would send, without sending or writing anything (dry run). */
export async function previewBroadcast(
	ledger: BroadcastLedger,
	id: string,
	list: string,
): Promise<BroadcastPreview> {
	const broadcastId = normaliseBroadcastId(id);
	const recipients = await ledger.pendingCount(broadcastId, list);
	const record = await ledger.get(broadcastId);
	let existing: BroadcastPreview['existing'] = null;
	if (record !== null) {
		const counts = await ledger.counts(broadcastId);
		existing = {
			state: record.state,
			runs: record.runs,
			sent: REACHED_DELIVERY_STATES.reduce((n, s) => n + counts.byState[s], 0),
		};
	}
	return { broadcastId, list, recipients, existing };
}

/** Runs (or resumes) a broadcast to the end, or until a fatal error or cancellation; never throws for Meta's answers. */
export async function runBroadcast(options: RunBroadcastOptions): Promise<BroadcastSummary> {
	const settings = settingsOf(options);
	const run = await BroadcastRun.begin(settings);
	await run.sendAll();
	return await run.finish();
}

/** The options checked, with their defaults. */
interface RunSettings {
	ledger: BroadcastLedger;
	id: string;
	list: string;
	message: BroadcastMessage;
	transport: Transport;
	configuredRate: number;
	concurrency: number;
	maxAttempts: number;
	pageSize: number;
	clock: Clock;
	random: () => number;
	signal?: AbortSignal;
	onProgress?: (progress: BroadcastProgress) => void;
	staleAfterMs?: number;
}

function settingsOf(options: RunBroadcastOptions): RunSettings {
	const configuredRate = validRate(options.rate ?? DEFAULT_RATE);
	const concurrency = options.concurrency ?? defaultConcurrency(configuredRate);
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) {
		throw new RangeError('Concurrency must be an integer from 1 to 1000');
	}
	return {
		ledger: options.ledger,
		id: normaliseBroadcastId(options.id),
		list: options.list,
		message: options.message,
		transport: options.transport,
		configuredRate,
		concurrency,
		maxAttempts: options.maxAttempts ?? 6,
		pageSize: options.pageSize ?? 500,
		clock: options.clock ?? realClock,
		random: options.random ?? Math.random,
		signal: options.signal,
		onProgress: options.onProgress,
		staleAfterMs: options.staleAfterMs,
	};
}

/** Recipients claimed in one step at most. */
const MAX_CLAIMS_PER_STEP = 100;
/** A step writes the run's heartbeat when the last one is this old. */
const HEARTBEAT_EVERY_MS = 1000;
/** The longest the loop sleeps when it waits for nothing in particular (an answer wakes it earlier). */
const IDLE_MS = 1000;

const CANCELLED: Abort = {
	reason: 'The execution was stopped',
	code: null,
	hintIt:
		"L'invio è stato fermato: ripeterlo con lo stesso identificativo per raggiungere chi manca, senza inviare due volte a chi l'ha già ricevuto.",
};

const TAKEN_OVER: Abort = {
	reason: 'Another execution took this broadcast over',
	code: null,
	hintIt:
		"Un'altra esecuzione ha ripreso questo invio (stesso identificativo): questa si ferma per non inviare due volte.",
};

function wrongMessage(refusals: number, code: number | null): Abort {
	return {
		reason: `WhatsApp refused the message for the first ${refusals} recipients (error ${code ?? 'unknown'}): the message itself is wrong`,
		code,
		hintIt:
			"WhatsApp rifiuta il messaggio per tutti i destinatari: controllare nome, lingua e parametri del modello in WhatsApp Manager. Se basta l'approvazione del modello, ripetere l'invio con lo stesso identificativo; se si corregge il modello nel nodo, usare un identificativo nuovo.",
	};
}

function reachedIn(counts: BroadcastCounts): number {
	return REACHED_DELIVERY_STATES.reduce((n, s) => n + counts.byState[s], 0);
}

/** What this run decided about its recipients (the summary's `thisRun`, and the progress). */
interface RunTally {
	sent: number;
	failed: number;
	unsubscribed: number;
	/** handled by another run meanwhile */
	alreadyFinal: number;
	retries: number;
	pairRateLimited: number;
}

/** A promise the loop sleeps on; every answer (and a cancellation) resolves it and sets a new one. */
class Wakeup {
	private resolve: () => void = () => undefined;
	promise: Promise<void> = this.renew();

	private renew(): Promise<void> {
		return new Promise<void>((resolve) => (this.resolve = resolve));
	}

	wake(): void {
		const resolve = this.resolve;
		this.promise = this.renew();
		resolve();
	}
}

/** Calls onProgress each time the share of recipients decided passes another 5 %. */
class ProgressReport {
	private next = 5;

	constructor(
		private readonly broadcastId: string,
		private readonly expected: number,
		private readonly onProgress: ((progress: BroadcastProgress) => void) | undefined,
	) {}

	update(tally: RunTally, rate: number): void {
		if (!this.onProgress || this.expected === 0) return;
		const done = tally.sent + tally.failed + tally.unsubscribed + tally.alreadyFinal;
		const percent = Math.min(100, Math.floor((done * 100) / this.expected));
		if (percent < this.next) return;
		this.next = percent - (percent % 5) + 5;
		this.onProgress({
			broadcastId: this.broadcastId,
			done,
			expected: this.expected,
			percent,
			sent: tally.sent,
			failed: tally.failed,
			rate,
		});
	}
}

/** How the run started: the ledger's answer to begin, and what was there before. */
interface RunStart {
	startedAt: number;
	begin: BeginResult;
	/** reached by earlier runs */
	alreadySent: number;
	/** recipients to handle when this run started */
	expected: number;
}

/**
 * One run of a broadcast, in three steps: {@link begin} (claim the broadcast in the ledger),
 * {@link sendAll} (the loop: claim the next recipients in a ledger step, send them paced, record their
 * answers, until nobody is left or the run stops), {@link finish} (close the run in the ledger and
 * summarise). Answers arrive while the loop waits: {@link recordAnswer} decides about each one and keeps
 * the outcome for the next ledger step.
 */
class BroadcastRun {
	// pacing
	private readonly adaptive: AdaptiveRate;
	private readonly bucket: TokenBucket;
	private lastBeatAt: number;

	// who is next
	private readonly recipients: RecipientQueue;

	// requests in flight
	private inFlight = 0;
	private readonly wakeup = new Wakeup();
	private firstSendAt: number | null = null;
	private lastAnswerAt: number | null = null;

	// answers: decided, waiting for the next ledger step
	private pending: DeliveryOutcome[] = [];
	/**
	 * Refusals of the request (invalidRequest: 100, 132001, …) while nothing was accepted yet: they may
	 * be the message's fault (a template not approved yet), not the recipient's. Written as `failed` once
	 * a message is accepted (or the run completes); if the run stops first they are written `retry`, so
	 * a re-run with the same id reaches them — nobody was messaged.
	 */
	private held: Array<{ key: string; errorCode: number | null; attempts: number }> = [];
	/** attempts so far of the recipients that got a temporary error (5xx, network) */
	private readonly attempts = new Map<string, number>();
	/** 131056 answers so far, per recipient */
	private readonly pairWaits = new Map<string, number>();
	/** refusals of the request in a row, while nothing was accepted (see INVALID_REQUEST_ABORT_AFTER) */
	private invalidInARow = 0;

	private readonly tally: RunTally = {
		sent: 0,
		failed: 0,
		unsubscribed: 0,
		alreadyFinal: 0,
		retries: 0,
		pairRateLimited: 0,
	};
	private readonly progress: ProgressReport;
	/** why the run stops early; null while it goes on */
	private abort: Abort | null = null;

	private constructor(
		private readonly settings: RunSettings,
		private readonly start: RunStart,
	) {
		const { configuredRate, ledger, id, list, pageSize } = settings;
		this.adaptive = new AdaptiveRate(configuredRate);
		this.bucket = new TokenBucket(configuredRate, burstOf(configuredRate), start.startedAt);
		this.lastBeatAt = start.startedAt;
		this.recipients = new RecipientQueue(
			ledger,
			{ id, list, createdAt: start.begin.record.createdAt },
			pageSize,
		);
		this.progress = new ProgressReport(id, start.expected, settings.onProgress);
	}

	/** Creates the broadcast in the ledger, or resumes it, and counts what is there to do. */
	static async begin(settings: RunSettings): Promise<BroadcastRun> {
		const { ledger, id, list, message, clock } = settings;
		const startedAt = clock.now();
		const begin = await ledger.begin({
			id,
			list,
			messageHash: messageHash(message.description),
			message: message.description,
			now: new Date(startedAt),
			staleAfterMs: settings.staleAfterMs,
		});
		const alreadySent = begin.resumed ? reachedIn(await ledger.counts(id)) : 0;
		const expected = await ledger.pendingCount(id, list);
		return new BroadcastRun(settings, { startedAt, begin, alreadySent, expected });
	}

	/**
	 * The loop: each turn paces, reads ahead, and either runs a ledger step (answers to write,
	 * recipients to claim, or a heartbeat due), or ends (nothing left or stopped, nothing in flight), or
	 * sleeps until a token, a retry or an answer.
	 */
	async sendAll(): Promise<void> {
		const { signal } = this.settings;
		const onAbortSignal = () => {
			this.stop(CANCELLED);
			this.wakeup.wake();
		};
		if (signal?.aborted) onAbortSignal();
		signal?.addEventListener('abort', onAbortSignal, { once: true });
		try {
			for (;;) {
				const now = await this.paceAndReadAhead();
				const slots = this.settings.concurrency - this.inFlight;
				const ready = this.readyToSend(now, slots);
				const heartbeat = now - this.lastBeatAt >= HEARTBEAT_EVERY_MS;
				if (ready.length > 0 || this.pending.length > 0 || heartbeat) {
					await this.step(ready, now, heartbeat);
				} else if (this.inFlight === 0 && (this.abort !== null || this.recipients.exhausted)) {
					if (this.held.length === 0) break;
					this.releaseHeldRefusals(this.abort !== null);
				} else {
					await this.idle(now, slots);
				}
			}
		} finally {
			signal?.removeEventListener('abort', onAbortSignal);
		}
	}

	/** Closes the run in the ledger (completed or aborted) and summarises the broadcast. */
	async finish(): Promise<BroadcastSummary> {
		const { ledger, id, list, clock, configuredRate, concurrency } = this.settings;
		const { begin, startedAt, alreadySent } = this.start;
		const abort = this.abort;
		const endedAt = clock.now();
		await ledger.finish({
			id,
			runToken: begin.runToken,
			state: abort === null ? 'completed' : 'aborted',
			reason: abort?.reason ?? null,
			now: new Date(endedAt),
		});
		const counts = await ledger.counts(id);
		const remaining = await ledger.pendingCount(id, list);
		const handled = Object.values(counts.byState).reduce((a, b) => a + b, 0);
		const inFlightOrRetry = counts.byState.sending + counts.byState.retry;
		const sendingSeconds =
			this.firstSendAt !== null && this.lastAnswerAt !== null
				? (this.lastAnswerAt - this.firstSendAt) / 1000
				: 0;
		return {
			broadcastId: id,
			list,
			resumed: begin.resumed,
			runs: begin.record.runs,
			total: handled - inFlightOrRetry + remaining,
			sent: reachedIn(counts),
			failed: { count: counts.byState.failed, byCode: counts.failedByCode },
			skipped: {
				alreadySent,
				unsubscribed: counts.byState.unsubscribed,
				uncertain: counts.byState.uncertain,
			},
			remaining,
			thisRun: {
				sent: this.tally.sent,
				failed: this.tally.failed,
				unsubscribed: this.tally.unsubscribed,
				resentAfterCrash: begin.resend,
				retries: this.tally.retries,
				throttled: this.adaptive.throttles,
				pairRateLimited: this.tally.pairRateLimited,
			},
			aborted: abort !== null,
			reason: abort?.reason ?? null,
			abortCode: abort?.code ?? null,
			hintIt: abort?.hintIt ?? null,
			durationMs: endedAt - startedAt,
			configuredRate,
			achievedRate:
				sendingSeconds > 0 ? Math.round((this.tally.sent / sendingSeconds) * 10) / 10 : 0,
			lowestRate: Math.round(this.adaptive.lowest * 10) / 10,
			concurrency,
		};
	}

	/** Sets the bucket to the adaptive rate, reads the next page of subscribers if needed; returns now. */
	private async paceAndReadAhead(): Promise<number> {
		const { clock } = this.settings;
		let now = clock.now();
		this.bucket.setRate(this.adaptive.tick(now), now);
		if (this.abort === null && (await this.recipients.readAhead())) now = clock.now();
		return now;
	}

	/** The recipients to claim now: as many as free slots and tokens allow (none once stopping). */
	private readyToSend(now: number, slots: number): Candidate[] {
		const tokens = this.bucket.available(now);
		const budget = this.abort === null ? Math.min(slots, tokens, MAX_CLAIMS_PER_STEP) : 0;
		return budget > 0 ? this.recipients.take(now, budget) : [];
	}

	/** Sleeps until a token is there or a retry is due (or an answer arrives); a second at most. */
	private async idle(now: number, slots: number): Promise<void> {
		const nextRetryAt = this.recipients.nextRetryAt();
		const canSend = this.abort === null && slots > 0;
		let delay = IDLE_MS;
		if (canSend && (this.recipients.hasWaiting || nextRetryAt <= now)) {
			delay = Math.max(1, this.bucket.waitMs(now));
		}
		if (canSend && nextRetryAt < Number.POSITIVE_INFINITY) {
			delay = Math.min(delay, Math.max(1, nextRetryAt - now));
		}
		await this.settings.clock.sleep(delay, this.wakeup.promise);
	}

	/**
	 * One ledger step: writes the answers decided since the last one, claims `ready` (those still
	 * subscribed become `sending`), then sends the claimed ones — or, once stopping, leaves them `retry`.
	 */
	private async step(ready: Candidate[], now: number, heartbeat: boolean): Promise<void> {
		const { ledger, id, list, clock } = this.settings;
		const outcomes = this.pending;
		this.pending = [];
		const step = await ledger.step({
			id,
			runToken: this.start.begin.runToken,
			list,
			createdAt: this.start.begin.record.createdAt,
			now: new Date(now),
			outcomes,
			claim: ready,
			heartbeat,
		});
		if (heartbeat) this.lastBeatAt = now;
		if (step.takenOver) this.stop(TAKEN_OVER);
		this.tally.unsubscribed += step.unsubscribed.length;
		this.tally.alreadyFinal += step.alreadyFinal.length;
		this.bucket.take(step.claimed.length, clock.now());
		if (this.abort !== null) {
			// Claimed in the same step as the abort: not sent, left for a re-run.
			for (const candidate of step.claimed) {
				this.pending.push({ key: candidate.key, state: 'retry', errorCode: null, attempts: 0 });
			}
		} else {
			for (const candidate of step.claimed) this.send(candidate);
		}
		if (step.unsubscribed.length + step.alreadyFinal.length > 0) this.reportProgress();
	}

	/** Sends to one claimed recipient; the answer is recorded when it comes, and wakes the loop. */
	private send(candidate: Candidate): void {
		const { clock, message, transport } = this.settings;
		this.inFlight += 1;
		this.firstSendAt ??= clock.now();
		let payload: object;
		try {
			payload = message.build(recipientOf(candidate));
		} catch {
			// A stored number the Cloud API cannot take: recorded, not sent.
			this.inFlight -= 1;
			this.tally.failed += 1;
			this.pending.push({ key: candidate.key, state: 'failed', errorCode: null, attempts: 0 });
			return;
		}
		transport(payload)
			.then(
				(answer) => this.recordAnswer(candidate, answer),
				() => this.recordAnswer(candidate, undefined),
			)
			.finally(() => {
				this.inFlight -= 1;
				this.wakeup.wake();
			});
	}

	/** Decides about one answer (see decideAnswer) and keeps its outcome for the next step. */
	private recordAnswer(candidate: Candidate, answer: SendAnswer | undefined): void {
		const now = this.settings.clock.now();
		this.lastAnswerAt = now;
		const key = candidate.key;
		const attempt = (this.attempts.get(key) ?? 0) + 1;
		const decision = decideAnswer(answer);
		switch (decision.action) {
			case 'sent':
				this.tally.sent += 1;
				this.invalidInARow = 0;
				this.releaseHeldRefusals(false);
				this.attempts.delete(key);
				this.pairWaits.delete(key);
				this.pending.push({ key, state: 'sent', wamid: decision.wamid, attempts: attempt });
				break;
			case 'throttle': {
				// The whole broadcast slows down; this recipient is tried again in a second.
				const rate = this.adaptive.throttled(now);
				this.bucket.setRate(rate, now);
				this.bucket.drain(now);
				const jitter = Math.round(this.settings.random() * 250);
				this.retryLater(candidate, decision.code, attempt, now + THROTTLE_RETRY_MS + jitter);
				break;
			}
			case 'pairWait': {
				this.tally.pairRateLimited += 1;
				const waits = (this.pairWaits.get(key) ?? 0) + 1;
				this.pairWaits.set(key, waits);
				if (waits > MAX_PAIR_RATE_WAITS) {
					this.recordFailed(key, decision.code, attempt);
				} else {
					const jitter = Math.round(this.settings.random() * 500);
					this.retryLater(candidate, decision.code, attempt, now + PAIR_RATE_RETRY_MS + jitter);
				}
				break;
			}
			case 'backoff':
				this.attempts.set(key, attempt);
				if (attempt >= this.settings.maxAttempts) {
					this.attempts.delete(key);
					this.recordFailed(key, decision.code, attempt);
				} else {
					const delay = backoffMs(attempt, this.settings.random);
					this.retryLater(candidate, decision.code, attempt, now + delay);
				}
				break;
			case 'abort':
				// Not sent: the recipient stays to be sent by a re-run once the problem is fixed.
				this.pending.push({ key, state: 'retry', errorCode: decision.code, attempts: attempt });
				this.stop({ reason: decision.message, code: decision.code, hintIt: decision.hintIt });
				break;
			case 'failed':
				this.recordRefusal(key, decision.code, decision.invalidRequest, attempt);
				break;
		}
		this.reportProgress();
	}

	/** A recipient's refusal; refusals of the request itself before any acceptance are held (see held). */
	private recordRefusal(
		key: string,
		code: number | null,
		invalidRequest: boolean,
		attempt: number,
	): void {
		if (invalidRequest && this.tally.sent === 0) {
			this.held.push({ key, errorCode: code, attempts: attempt });
		} else {
			this.recordFailed(key, code, attempt);
		}
		if (!invalidRequest) {
			this.invalidInARow = 0;
			return;
		}
		this.invalidInARow += 1;
		if (this.invalidInARow >= INVALID_REQUEST_ABORT_AFTER && this.tally.sent === 0) {
			this.stop(wrongMessage(this.invalidInARow, code));
		}
	}

	private recordFailed(key: string, code: number | null, attempt: number): void {
		this.tally.failed += 1;
		this.pending.push({ key, state: 'failed', errorCode: code, attempts: attempt });
	}

	private retryLater(candidate: Candidate, code: number | null, attempt: number, dueAt: number) {
		this.tally.retries += 1;
		this.pending.push({ key: candidate.key, state: 'retry', errorCode: code, attempts: attempt });
		this.recipients.retryAt(candidate, dueAt);
	}

	/** Writes the held refusals: `failed`, or `retry` when the run stops before any acceptance. */
	private releaseHeldRefusals(asRetry: boolean): void {
		for (const held of this.held) {
			this.pending.push({ ...held, state: asRetry ? 'retry' : 'failed' });
		}
		if (!asRetry) this.tally.failed += this.held.length;
		this.held = [];
	}

	/** Stops the run for the first reason given: nothing more is claimed; answers in flight are recorded. */
	private stop(reason: Abort): void {
		if (this.abort === null) this.abort = reason;
	}

	private reportProgress(): void {
		this.progress.update(this.tally, this.adaptive.rate);
	}
}
