/**
 * When to send a refused message again. A reply to a citizen must not be lost because Meta throttled
 * the number for a moment (130429), the pair rate to that citizen was hit (131056) or Meta had a
 * passing failure (131000, 5xx): those are retried a few times with back-off; anything else is final.
 */
import { backoffMs } from '../shared/backoff';
import type { MetaErrorKind } from './errors';

export interface SendRetryPolicy {
	/** Attempts in all, the first included. */
	attempts: number;
	/** First back-off ceiling (doubled each attempt, full jitter). */
	baseMs: number;
	maxMs: number;
	/** Meta's pair rate: about one message every 6 s to the same citizen. */
	pairRateMs: number;
}

export const DEFAULT_SEND_RETRY: SendRetryPolicy = {
	attempts: 4,
	baseMs: 1000,
	maxMs: 8000,
	pairRateMs: 6000,
};

/**
 * The wait before attempt `attempt + 1` after a refusal on attempt `attempt` (1-based), or undefined
 * when the refusal is final or the attempts are spent.
 */
export function sendRetryDelayMs(
	error: { kind: MetaErrorKind; retryable: boolean },
	attempt: number,
	policy: SendRetryPolicy = DEFAULT_SEND_RETRY,
	random: () => number = Math.random,
): number | undefined {
	if (!error.retryable || attempt >= policy.attempts) return undefined;
	if (error.kind === 'pairRate') return policy.pairRateMs + Math.round(random() * 1000);
	return backoffMs(attempt, random, policy.baseMs, policy.maxMs);
}
