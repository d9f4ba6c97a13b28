/**
 * The broadcast engine: sends one message to every active subscriber of
 * a list, one request per recipient, paced by a token bucket, resumable by broadcast id.
 *
 * One loop does the bookkeeping, one ledger transaction per step: it writes the answers received
 * since the last step, re-reads the subscriptions of the next recipients (an `ISCRIZIONE OFF` that
 * arrived a moment ago is honoured) and claims them as `sending`; then their requests go out, at most
 * `concurrency` at a time. So at most `concurrency` recipients are ever `sending` in the database: the
 * most a crash can leave unresolved, i.e. the most who may get the message twice after a re-run.
 *
 * Answers: 130429 slows the whole broadcast (adaptive rate) and retries the recipient; 131056 makes
 * only that recipient wait; 5xx, 131000, 131016 and network errors retry with exponential back-off
 * and jitter; fatal errors (190, 368, 131031, 131048, …) stop the broadcast at once; a recipient's
 * permanent error (131026, 131049, 131050, 131047, …) is recorded and the broadcast goes on.
 */
import { interpretSendResponse } from '../whatsapp/api';
import { MetaApiError } from '../whatsapp/errors';
import type { Recipient } from '../whatsapp/messages';
import type { BeginResult, BroadcastLedger } from '../store/broadcastLedger';
import { normaliseBroadcastId } from '../store/broadcastLedger';
import { AdaptiveRate, backoffMs, defaultConcurrency, TokenBucket, validRate } from './pacing';
import type { Candidate, DeliveryOutcome } from '../store/broadcastTypes';
import { REACHED_DELIVERY_STATES } from '../store/broadcastTypes';

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

interface Retry {
	candidate: Candidate;
	dueAt: number;
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
	const clock = options.clock ?? realClock;
	const random = options.random ?? Math.random;
	const { ledger, list, message, transport } = options;
	const configuredRate = validRate(options.rate ?? 80);
	const concurrency = options.concurrency ?? defaultConcurrency(configuredRate);
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) {
		throw new RangeError('Concurrency must be an integer from 1 to 1000');
	}
	const maxAttempts = options.maxAttempts ?? 6;
	const pageSize = options.pageSize ?? 500;
	const id = normaliseBroadcastId(options.id);
	const startedAt = clock.now();

	const begin: BeginResult = await ledger.begin({
		id,
		list,
		messageHash: messageHash(message.description),
		message: message.description,
		now: new Date(startedAt),
		staleAfterMs: options.staleAfterMs,
	});
	const runToken = begin.runToken;
	const createdAt = begin.record.createdAt;
	const before = begin.resumed ? await ledger.counts(id) : null;
	const alreadySent = before
		? REACHED_DELIVERY_STATES.reduce((n, s) => n + before.byState[s], 0)
		: 0;
	const expected = await ledger.pendingCount(id, list);

	const adaptive = new AdaptiveRate(configuredRate);
	const bucket = new TokenBucket(configuredRate, burstOf(configuredRate), startedAt);
	const run = {
		sent: 0,
		failed: 0,
		unsubscribed: 0,
		alreadyFinal: 0,
		retries: 0,
		pairRateLimited: 0,
	};
	const attempts = new Map<string, number>();
	const pairWaits = new Map<string, number>();
	let queue: Candidate[] = [];
	let scanAfter = '';
	let scanDone = false;
	const retries: Retry[] = [];
	let outcomes: DeliveryOutcome[] = [];
	/**
	 * Refusals of the request (invalidRequest: 100, 132001, …) while nothing was accepted yet: they may
	 * be the message's fault (a template not approved yet), not the recipient's. Written as `failed` once
	 * a message is accepted (or the run completes); if the run stops first they are written `retry`, so
	 * a re-run with the same id reaches them — nobody was messaged.
	 */
	let heldRefusals: Array<{ key: string; errorCode: number | null; attempts: number }> = [];
	const releaseRefusals = (asRetry: boolean) => {
		for (const held of heldRefusals) {
			outcomes.push({ ...held, state: asRetry ? 'retry' : 'failed' });
		}
		if (!asRetry) run.failed += heldRefusals.length;
		heldRefusals = [];
	};
	let inFlight = 0;
	let abort: Abort | null = null;
	let invalidInARow = 0;
	let firstSendAt: number | null = null;
	let lastAnswerAt: number | null = null;
	let lastBeatAt = startedAt;
	let nextProgress = 5;

	let wakeUp: () => void = () => undefined;
	let woken = new Promise<void>((resolve) => (wakeUp = resolve));
	const wake = () => {
		const resolve = wakeUp;
		woken = new Promise<void>((r) => (wakeUp = r));
		resolve();
	};

	const stopWith = (reason: Abort) => {
		if (abort === null) abort = reason;
	};

	const reportProgress = () => {
		if (!options.onProgress || expected === 0) return;
		const done = run.sent + run.failed + run.unsubscribed + run.alreadyFinal;
		const percent = Math.min(100, Math.floor((done * 100) / expected));
		if (percent < nextProgress) return;
		nextProgress = percent - (percent % 5) + 5;
		options.onProgress({
			broadcastId: id,
			done,
			expected,
			percent,
			sent: run.sent,
			failed: run.failed,
			rate: adaptive.rate,
		});
	};

	const settle = (candidate: Candidate, answer: SendAnswer | undefined) => {
		const now = clock.now();
		lastAnswerAt = now;
		const key = candidate.key;
		const attempt = (attempts.get(key) ?? 0) + 1;
		const decision = decideAnswer(answer);
		const retryAt = (dueAt: number) => {
			run.retries += 1;
			outcomes.push({
				key,
				state: 'retry',
				errorCode: decision.action === 'sent' ? null : decision.code,
				attempts: attempt,
			});
			retries.push({ candidate, dueAt });
		};
		switch (decision.action) {
			case 'sent':
				run.sent += 1;
				invalidInARow = 0;
				releaseRefusals(false);
				attempts.delete(key);
				pairWaits.delete(key);
				outcomes.push({ key, state: 'sent', wamid: decision.wamid, attempts: attempt });
				break;
			case 'throttle': {
				const rate = adaptive.throttled(now);
				bucket.setRate(rate, now);
				bucket.drain(now);
				retryAt(now + THROTTLE_RETRY_MS + Math.round(random() * 250));
				break;
			}
			case 'pairWait': {
				run.pairRateLimited += 1;
				const waits = (pairWaits.get(key) ?? 0) + 1;
				pairWaits.set(key, waits);
				if (waits > MAX_PAIR_RATE_WAITS) {
					run.failed += 1;
					outcomes.push({ key, state: 'failed', errorCode: decision.code, attempts: attempt });
				} else {
					retryAt(now + PAIR_RATE_RETRY_MS + Math.round(random() * 500));
				}
				break;
			}
			case 'backoff':
				attempts.set(key, attempt);
				if (attempt >= maxAttempts) {
					run.failed += 1;
					attempts.delete(key);
					outcomes.push({ key, state: 'failed', errorCode: decision.code, attempts: attempt });
				} else {
					retryAt(now + backoffMs(attempt, random));
				}
				break;
			case 'abort':
				// Not sent: the recipient stays to be sent by a re-run once the problem is fixed.
				outcomes.push({ key, state: 'retry', errorCode: decision.code, attempts: attempt });
				stopWith({ reason: decision.message, code: decision.code, hintIt: decision.hintIt });
				break;
			case 'failed':
				if (decision.invalidRequest && run.sent === 0) {
					heldRefusals.push({ key, errorCode: decision.code, attempts: attempt });
				} else {
					run.failed += 1;
					outcomes.push({ key, state: 'failed', errorCode: decision.code, attempts: attempt });
				}
				if (decision.invalidRequest) {
					invalidInARow += 1;
					if (invalidInARow >= INVALID_REQUEST_ABORT_AFTER && run.sent === 0) {
						stopWith({
							reason: `WhatsApp refused the message for the first ${invalidInARow} recipients (error ${decision.code ?? 'unknown'}): the message itself is wrong`,
							code: decision.code,
							hintIt:
								"WhatsApp rifiuta il messaggio per tutti i destinatari: controllare nome, lingua e parametri del modello in WhatsApp Manager. Se basta l'approvazione del modello, ripetere l'invio con lo stesso identificativo; se si corregge il modello nel nodo, usare un identificativo nuovo.",
						});
					}
				} else {
					invalidInARow = 0;
				}
				break;
		}
		reportProgress();
	};

	const fire = (candidate: Candidate) => {
		inFlight += 1;
		firstSendAt ??= clock.now();
		let payload: object;
		try {
			payload = message.build(recipientOf(candidate));
		} catch {
			// A stored number the Cloud API cannot take: recorded, not sent.
			inFlight -= 1;
			run.failed += 1;
			outcomes.push({ key: candidate.key, state: 'failed', errorCode: null, attempts: 0 });
			return;
		}
		transport(payload)
			.then(
				(answer) => settle(candidate, answer),
				() => settle(candidate, undefined),
			)
			.finally(() => {
				inFlight -= 1;
				wake();
			});
	};

	const onAbortSignal = () => {
		stopWith({
			reason: 'The execution was stopped',
			code: null,
			hintIt:
				"L'invio è stato fermato: ripeterlo con lo stesso identificativo per raggiungere chi manca, senza inviare due volte a chi l'ha già ricevuto.",
		});
		wake();
	};
	if (options.signal?.aborted) onAbortSignal();
	options.signal?.addEventListener('abort', onAbortSignal, { once: true });

	try {
		for (;;) {
			let now = clock.now();
			const rate = adaptive.tick(now);
			bucket.setRate(rate, now);

			if (abort === null && !scanDone && queue.length < pageSize) {
				const page = await ledger.scan({
					id,
					list,
					createdAt,
					afterKey: scanAfter,
					limit: pageSize,
				});
				if (page.length > 0) scanAfter = page[page.length - 1].key;
				scanDone = page.length < pageSize;
				queue = queue.length === 0 ? page : queue.concat(page);
				now = clock.now();
			}

			const ready: Candidate[] = [];
			let nextRetryAt = Number.POSITIVE_INFINITY;
			const slots = concurrency - inFlight;
			const tokens = bucket.available(now);
			const budget = abort === null ? Math.min(slots, tokens, 100) : 0;
			if (budget > 0) {
				for (let i = 0; i < retries.length && ready.length < budget; ) {
					if (retries[i].dueAt <= now) {
						ready.push(retries[i].candidate);
						retries.splice(i, 1);
					} else i += 1;
				}
				while (ready.length < budget && queue.length > 0) ready.push(queue.shift()!);
			}
			for (const r of retries) nextRetryAt = Math.min(nextRetryAt, r.dueAt);

			const heartbeat = now - lastBeatAt >= 1000;
			if (ready.length === 0 && outcomes.length === 0 && !heartbeat) {
				const nothingLeft = queue.length === 0 && scanDone && retries.length === 0;
				if ((abort !== null || nothingLeft) && inFlight === 0) {
					if (heldRefusals.length === 0) break;
					releaseRefusals(abort !== null);
					continue;
				}
				let delay = 1000;
				if (abort === null && slots > 0 && (queue.length > 0 || nextRetryAt <= now)) {
					delay = Math.max(1, bucket.waitMs(now));
				}
				if (abort === null && slots > 0 && nextRetryAt < Number.POSITIVE_INFINITY) {
					delay = Math.min(delay, Math.max(1, nextRetryAt - now));
				}
				await clock.sleep(delay, woken);
				continue;
			}

			const written = outcomes;
			outcomes = [];
			const step = await ledger.step({
				id,
				runToken,
				list,
				createdAt,
				now: new Date(now),
				outcomes: written,
				claim: ready,
				heartbeat,
			});
			if (heartbeat) lastBeatAt = now;
			if (step.takenOver) {
				stopWith({
					reason: 'Another execution took this broadcast over',
					code: null,
					hintIt:
						"Un'altra esecuzione ha ripreso questo invio (stesso identificativo): questa si ferma per non inviare due volte.",
				});
			}
			run.unsubscribed += step.unsubscribed.length;
			run.alreadyFinal += step.alreadyFinal.length;
			bucket.take(step.claimed.length, clock.now());
			if (abort !== null) {
				// Claimed in the same step as the abort: not sent, left for a re-run.
				for (const candidate of step.claimed) {
					outcomes.push({ key: candidate.key, state: 'retry', errorCode: null, attempts: 0 });
				}
			} else {
				for (const candidate of step.claimed) fire(candidate);
			}
			if (step.unsubscribed.length + step.alreadyFinal.length > 0) reportProgress();
		}
	} finally {
		options.signal?.removeEventListener('abort', onAbortSignal);
	}

	const endedAt = clock.now();
	const finalAbort = abort as Abort | null;
	await ledger.finish({
		id,
		runToken,
		state: finalAbort === null ? 'completed' : 'aborted',
		reason: finalAbort?.reason ?? null,
		now: new Date(endedAt),
	});
	const counts = await ledger.counts(id);
	const remaining = await ledger.pendingCount(id, list);
	const sent = REACHED_DELIVERY_STATES.reduce((n, s) => n + counts.byState[s], 0);
	const handled = Object.values(counts.byState).reduce((a, b) => a + b, 0);
	const inFlightOrRetry = counts.byState.sending + counts.byState.retry;
	const sendingSeconds =
		firstSendAt !== null && lastAnswerAt !== null ? (lastAnswerAt - firstSendAt) / 1000 : 0;
	return {
		broadcastId: id,
		list,
		resumed: begin.resumed,
		runs: begin.record.runs,
		total: handled - inFlightOrRetry + remaining,
		sent,
		failed: { count: counts.byState.failed, byCode: counts.failedByCode },
		skipped: {
			alreadySent,
			unsubscribed: counts.byState.unsubscribed,
			uncertain: counts.byState.uncertain,
		},
		remaining,
		thisRun: {
			sent: run.sent,
			failed: run.failed,
			unsubscribed: run.unsubscribed,
			resentAfterCrash: begin.resend,
			retries: run.retries,
			throttled: adaptive.throttles,
			pairRateLimited: run.pairRateLimited,
		},
		aborted: finalAbort !== null,
		reason: finalAbort?.reason ?? null,
		abortCode: finalAbort?.code ?? null,
		hintIt: finalAbort?.hintIt ?? null,
		durationMs: endedAt - startedAt,
		configuredRate,
		achievedRate: sendingSeconds > 0 ? Math.round((run.sent / sendingSeconds) * 10) / 10 : 0,
		lowestRate: Math.round(adaptive.lowest * 10) / 10,
		concurrency,
	};
}
