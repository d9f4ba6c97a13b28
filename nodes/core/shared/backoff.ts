/**
 * Back-off between attempts, shared by the broadcast engine and the single sends' retries. Pure: the
 * random source is passed in, so the delays are tested without chance.
 */

/** Exponential back-off with full jitter: a delay in [base·2^(n-1)/2, base·2^(n-1)], capped. */
export function backoffMs(
	attempt: number,
	random: () => number,
	baseMs = 500,
	maxMs = 30_000,
): number {
	const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
