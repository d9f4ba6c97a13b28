/**
 * Pacing of a broadcast: a token bucket at the current rate, and the adaptive rule that lowers the
 * rate when WhatsApp answers 130429 (throughput limit) and raises it back slowly while it does not.
 * Time is passed in (milliseconds), so the rules are tested without waiting.
 */

/** Meta's default throughput of a business number, messages per second. */
export const DEFAULT_RATE = 80;
/** The highest throughput Meta grants a number (automatic upgrade), messages per second. */
export const MAX_RATE = 1000;

/** After a 130429 the rate is multiplied by this… */
export const THROTTLE_DECREASE = 0.7;
/** …never below this share of the configured rate… */
export const MIN_RATE_SHARE = 0.05;
/** …and, after this long without another 130429, climbs back by RECOVERY_STEP of the configured rate a second. */
export const RECOVERY_DELAY_MS = 2000;
export const RECOVERY_STEP = 0.1;

/** Validates a rate in messages per second (1 to 1,000; fractions allowed for tests of slow paces). */
export function validRate(value: unknown): number {
	const rate = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE) {
		throw new RangeError(
			`Rate must be a number above 0 and at most ${MAX_RATE} messages per second`,
		);
	}
	return rate;
}

/**
 * Requests in flight that a rate needs and the most a crash can leave unresolved (so the most
 * recipients who may get a message twice after a crash): a quarter of a second's worth, 8 to 250.
 */
export function defaultConcurrency(rate: number): number {
	return Math.min(250, Math.max(8, Math.ceil(rate / 4)));
}

export class TokenBucket {
	private tokens: number;
	private updatedAt: number;

	/**
	 * @param rate tokens per second
	 * @param capacity largest burst; small, so the requests stay evenly spread within a second
	 */
	constructor(
		private rate: number,
		private readonly capacity: number,
		now: number,
	) {
		this.tokens = Math.min(1, capacity);
		this.updatedAt = now;
	}

	private refill(now: number): void {
		const elapsed = Math.max(0, now - this.updatedAt);
		this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.rate) / 1000);
		this.updatedAt = now;
	}

	/** Whole tokens available now. */
	available(now: number): number {
		this.refill(now);
		return Math.floor(this.tokens);
	}

	take(count: number, now: number): void {
		this.refill(now);
		this.tokens -= count;
	}

	/** Milliseconds until one whole token is available (0 if one is). */
	waitMs(now: number): number {
		this.refill(now);
		if (this.tokens >= 1) return 0;
		return Math.ceil(((1 - this.tokens) * 1000) / this.rate);
	}

	setRate(rate: number, now: number): void {
		this.refill(now);
		this.rate = rate;
	}

	/** Empties the bucket (after a throttle answer nothing more should go out at once). */
	drain(now: number): void {
		this.refill(now);
		this.tokens = Math.min(this.tokens, 0);
	}
}

/** The adaptive rate: down on throttling, slowly back up to the configured rate. */
export class AdaptiveRate {
	private current: number;
	private lastThrottleAt = Number.NEGATIVE_INFINITY;
	private lastRaiseAt = 0;
	/** 130429 answers received */
	throttles = 0;
	/** lowest rate reached */
	lowest: number;

	constructor(private readonly configured: number) {
		this.current = configured;
		this.lowest = configured;
	}

	get rate(): number {
		return this.current;
	}

	/** A 130429: slow the whole broadcast down (at most once per 200 ms, the answers come in bunches). */
	throttled(now: number): number {
		this.throttles += 1;
		if (now - this.lastThrottleAt >= 200) {
			this.current = Math.max(this.configured * MIN_RATE_SHARE, this.current * THROTTLE_DECREASE);
			this.lowest = Math.min(this.lowest, this.current);
		}
		this.lastThrottleAt = now;
		this.lastRaiseAt = now;
		return this.current;
	}

	/** Raises the rate back when no throttle was seen for a while; returns the rate to use now. */
	tick(now: number): number {
		if (this.current >= this.configured) return this.current;
		if (now - this.lastThrottleAt < RECOVERY_DELAY_MS) return this.current;
		const seconds = (now - this.lastRaiseAt) / 1000;
		if (seconds <= 0) return this.current;
		this.current = Math.min(
			this.configured,
			this.current + this.configured * RECOVERY_STEP * seconds,
		);
		this.lastRaiseAt = now;
		return this.current;
	}
}

/** The back-off lives in core/shared (the single sends' retries use it too); exported here as before. */
export { backoffMs } from '../shared/backoff';
