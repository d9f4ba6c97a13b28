/**
 * Meta's sending limits as token buckets, measured with the simulator's clock (`now()`):
 * - throughput: per business phone number, `perSecond` messages a second (default 80) with a bucket of
 *   `burst` (default = perSecond) — error 130429;
 * - pair rate: per (business number, recipient), 1 message every `intervalMs` (6 s) with a bucket of
 *   `burst` (default 45: Meta lets a business "borrow" up to 45 messages in 6 s, then the recipient is
 *   blocked until the borrowed time has passed) — error 131056.
 * A rejected request does not take a token.
 */

export class TokenBucket {
	private tokens: number;
	private updatedAt: number;

	constructor(
		private readonly capacity: number,
		/** tokens regained per millisecond */
		private readonly refillPerMs: number,
		now: number,
	) {
		this.tokens = capacity;
		this.updatedAt = now;
	}

	tryTake(now: number): boolean {
		const elapsed = Math.max(0, now - this.updatedAt);
		this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerMs);
		this.updatedAt = now;
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}
}

export interface ThroughputOptions {
	perSecond: number;
	burst?: number;
}

export interface PairRateOptions {
	intervalMs: number;
	burst: number;
}

export const DEFAULT_THROUGHPUT: ThroughputOptions = { perSecond: 80 };
export const DEFAULT_PAIR_RATE: PairRateOptions = { intervalMs: 6000, burst: 45 };

/** The limits of one business phone number. */
export class SendingLimits {
	private throughputBucket: TokenBucket;
	private readonly pairBuckets = new Map<string, TokenBucket>();

	constructor(
		private readonly throughput: ThroughputOptions,
		private readonly pairRate: PairRateOptions | false,
		private readonly now: () => number,
	) {
		this.throughputBucket = this.newThroughputBucket();
	}

	private newThroughputBucket(): TokenBucket {
		const { perSecond, burst } = this.throughput;
		return new TokenBucket(burst ?? perSecond, perSecond / 1000, this.now());
	}

	/** Takes a throughput token; false means 130429. */
	takeThroughput(): boolean {
		return this.throughputBucket.tryTake(this.now());
	}

	/** Takes a pair-rate token for this recipient; false means 131056. */
	takePair(recipientKey: string): boolean {
		if (this.pairRate === false) return true;
		let bucket = this.pairBuckets.get(recipientKey);
		if (!bucket) {
			bucket = new TokenBucket(this.pairRate.burst, 1 / this.pairRate.intervalMs, this.now());
			this.pairBuckets.set(recipientKey, bucket);
		}
		return bucket.tryTake(this.now());
	}

	reset(): void {
		this.throughputBucket = this.newThroughputBucket();
		this.pairBuckets.clear();
	}
}
