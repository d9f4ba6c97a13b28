/**
 * The broadcast's pacing rules with explicit times (no waiting): the token bucket, the adaptive rate
 * (down on 130429, floor, slow recovery), exponential back-off with jitter, rate and concurrency checks.
 */
import {
	AdaptiveRate,
	backoffMs,
	DEFAULT_RATE,
	defaultConcurrency,
	MAX_RATE,
	TokenBucket,
	validRate,
} from '../../../nodes/core/broadcast';
import {
	MIN_RATE_SHARE,
	RECOVERY_DELAY_MS,
	RECOVERY_STEP,
	THROTTLE_DECREASE,
} from '../../../nodes/core/broadcast/pacing';

describe('TokenBucket', () => {
	test('starts with one token, whatever the capacity', () => {
		expect(new TokenBucket(100, 20, 0).available(0)).toBe(1);
		expect(new TokenBucket(1, 1, 0).available(0)).toBe(1);
		// a capacity under one token (a slow pace): never a whole token at the start
		expect(new TokenBucket(1, 0.5, 0).available(0)).toBe(0);
	});

	// rate 100/s = one token per 10 ms, capacity 5
	test.each([
		{ at: 0, available: 1 },
		{ at: 9, available: 1 },
		{ at: 10, available: 2 },
		{ at: 35, available: 4 },
		{ at: 40, available: 5 },
		{ at: 10_000, available: 5 }, // never above the capacity
	])('refills at the rate up to the capacity: at $at ms → $available', ({ at, available }) => {
		const bucket = new TokenBucket(100, 5, 0);
		expect(bucket.available(at)).toBe(available);
	});

	test.each([
		// [tokens taken at 0 ms, now, waitMs]
		{ take: 0, now: 0, wait: 0 },
		{ take: 1, now: 0, wait: 10 },
		{ take: 1, now: 4, wait: 6 },
		{ take: 1, now: 10, wait: 0 },
		{ take: 3, now: 0, wait: 30 }, // taken into debt: the debt is paid first
		{ take: 3, now: 25, wait: 5 },
	])('waitMs after taking $take at 0, asked at $now ms → $wait', ({ take, now, wait }) => {
		const bucket = new TokenBucket(100, 5, 0);
		bucket.take(take, 0);
		expect(bucket.waitMs(now)).toBe(wait);
		if (wait > 0) expect(bucket.available(now)).toBeLessThanOrEqual(0);
		expect(bucket.available(now + wait)).toBeGreaterThanOrEqual(1);
	});

	test('take goes into debt; available never reports a negative count as usable', () => {
		const bucket = new TokenBucket(100, 5, 0);
		bucket.take(4, 0);
		expect(bucket.available(0)).toBeLessThanOrEqual(0);
		expect(bucket.available(30)).toBe(0);
		expect(bucket.available(40)).toBe(1);
	});

	test('setRate keeps what was earned at the old rate, then earns at the new one', () => {
		const bucket = new TokenBucket(100, 10, 0);
		bucket.take(1, 0); // 0 tokens
		bucket.setRate(10, 50); // 50 ms at 100/s = 5 tokens
		expect(bucket.available(50)).toBe(5);
		expect(bucket.available(150)).toBe(6); // +100 ms at 10/s = 1
		bucket.take(6, 150);
		expect(bucket.waitMs(150)).toBe(100);
	});

	test('drain empties the bucket but keeps a debt', () => {
		const full = new TokenBucket(100, 5, 0);
		full.drain(1000);
		expect(full.available(1000)).toBe(0);
		expect(full.waitMs(1000)).toBe(10);

		const indebted = new TokenBucket(100, 5, 0);
		indebted.take(3, 0); // −2
		indebted.drain(0);
		expect(indebted.waitMs(0)).toBe(30);
	});

	test('a clock going backwards earns nothing and does not crash', () => {
		const bucket = new TokenBucket(100, 5, 1000);
		bucket.take(1, 1000);
		expect(bucket.available(500)).toBe(0);
		expect(bucket.waitMs(500)).toBe(10);
	});
});

describe('AdaptiveRate', () => {
	test('a 130429 multiplies the rate by THROTTLE_DECREASE and remembers the lowest', () => {
		const rate = new AdaptiveRate(100);
		expect(rate.rate).toBe(100);
		expect(rate.throttled(1000)).toBeCloseTo(100 * THROTTLE_DECREASE);
		expect(rate.throttles).toBe(1);
		expect(rate.lowest).toBeCloseTo(70);
	});

	test.each([
		// throttles at these times → rate (answers within 200 ms of the last count once)
		{ times: [0], rate: 70 },
		{ times: [0, 50, 100, 199], rate: 70 },
		{ times: [0, 200], rate: 49 },
		{ times: [0, 150, 300], rate: 70 }, // 300 − 150 < 200: still the same bunch
		{ times: [0, 250, 500, 750], rate: 100 * 0.7 ** 4 },
	])('a bunch of 130429 answers slows down once per 200 ms: $times → $rate', ({ times, rate }) => {
		const adaptive = new AdaptiveRate(100);
		for (const t of times) adaptive.throttled(t);
		expect(adaptive.rate).toBeCloseTo(rate);
		expect(adaptive.throttles).toBe(times.length);
	});

	test('never below MIN_RATE_SHARE of the configured rate', () => {
		const adaptive = new AdaptiveRate(200);
		for (let t = 0; t < 100 * 250; t += 250) adaptive.throttled(t);
		expect(adaptive.rate).toBeCloseTo(200 * MIN_RATE_SHARE);
		expect(adaptive.lowest).toBeCloseTo(200 * MIN_RATE_SHARE);
	});

	test('recovery: nothing before RECOVERY_DELAY_MS without throttling, then climbs, capped at the configured rate', () => {
		const adaptive = new AdaptiveRate(100);
		adaptive.throttled(0); // 70
		expect(adaptive.tick(0)).toBeCloseTo(70);
		expect(adaptive.tick(RECOVERY_DELAY_MS - 1)).toBeCloseTo(70);
		const first = adaptive.tick(RECOVERY_DELAY_MS);
		expect(first).toBeGreaterThan(70);
		expect(first).toBeLessThanOrEqual(100);
		// then RECOVERY_STEP of the configured rate per second
		const later = adaptive.tick(RECOVERY_DELAY_MS + 1000);
		expect(later).toBeCloseTo(Math.min(100, first + 100 * RECOVERY_STEP));
		expect(adaptive.tick(RECOVERY_DELAY_MS + 60_000)).toBe(100);
		expect(adaptive.tick(RECOVERY_DELAY_MS + 120_000)).toBe(100);
		expect(adaptive.lowest).toBeCloseTo(70); // the lowest stays recorded
	});

	test('a new 130429 during recovery stops the climb and restarts the delay', () => {
		const adaptive = new AdaptiveRate(100);
		adaptive.throttled(0);
		const before = adaptive.tick(RECOVERY_DELAY_MS + 500);
		expect(before).toBeGreaterThan(70);
		expect(before).toBeLessThan(100);
		const after = adaptive.throttled(RECOVERY_DELAY_MS + 500);
		expect(after).toBeCloseTo(before * THROTTLE_DECREASE);
		expect(adaptive.tick(2 * RECOVERY_DELAY_MS + 499)).toBeCloseTo(after);
		expect(adaptive.tick(2 * RECOVERY_DELAY_MS + 500)).toBeGreaterThan(after);
	});

	test('tick at the configured rate changes nothing', () => {
		const adaptive = new AdaptiveRate(80);
		expect(adaptive.tick(0)).toBe(80);
		expect(adaptive.tick(1e9)).toBe(80);
		expect(adaptive.throttles).toBe(0);
		expect(adaptive.lowest).toBe(80);
	});
});

describe('backoffMs', () => {
	test.each([
		// attempt, random, base, max → delay: full jitter in [ceiling/2, ceiling], ceiling = base·2^(n−1) capped
		{ attempt: 1, random: 0, expected: 250 },
		{ attempt: 1, random: 1, expected: 500 },
		{ attempt: 1, random: 0.5, expected: 375 },
		{ attempt: 2, random: 0, expected: 500 },
		{ attempt: 2, random: 1, expected: 1000 },
		{ attempt: 3, random: 0, expected: 1000 },
		{ attempt: 6, random: 1, expected: 16_000 },
		{ attempt: 7, random: 1, expected: 30_000 }, // 32 s capped at 30 s
		{ attempt: 7, random: 0, expected: 15_000 },
		{ attempt: 50, random: 1, expected: 30_000 },
		{ attempt: 0, random: 1, expected: 500 }, // treated like the first
		{ attempt: -3, random: 0, expected: 250 },
	])('attempt $attempt with random $random → $expected ms', ({ attempt, random, expected }) => {
		expect(backoffMs(attempt, () => random)).toBe(expected);
	});

	test('custom base and cap', () => {
		expect(backoffMs(1, () => 1, 100, 1000)).toBe(100);
		expect(backoffMs(5, () => 1, 100, 1000)).toBe(1000);
		expect(backoffMs(5, () => 0, 100, 1000)).toBe(500);
	});

	test('grows with the attempt and stays within its bounds for any random', () => {
		for (let attempt = 1; attempt <= 10; attempt++) {
			const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
			for (const r of [0, 0.1, 0.33, 0.5, 0.99, 1]) {
				const delay = backoffMs(attempt, () => r);
				expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
				expect(delay).toBeLessThanOrEqual(ceiling);
			}
		}
	});
});

describe('validRate', () => {
	test.each([
		[1, 1],
		[80, 80],
		[MAX_RATE, MAX_RATE],
		[0.5, 0.5],
		['80', 80],
		[' 250 ', 250],
		['1e3', 1000],
	])('accepts %p → %p', (input, expected) => {
		expect(validRate(input)).toBe(expected);
	});

	test.each([
		0,
		-1,
		MAX_RATE + 0.001,
		1e9,
		Number.NaN,
		Number.POSITIVE_INFINITY,
		Number.NEGATIVE_INFINITY,
		'',
		'   ',
		'abc',
		'80/s',
		'-5',
		null,
		undefined,
		true,
		{},
		[80],
		80n,
	])('refuses %p with a RangeError', (input) => {
		expect(() => validRate(input)).toThrow(RangeError);
		expect(() => validRate(input)).toThrow(/at most 1000 messages per second/);
	});

	test('the default rate is Meta’s default throughput and is valid', () => {
		expect(validRate(DEFAULT_RATE)).toBe(80);
	});
});

describe('defaultConcurrency', () => {
	test.each([
		[0.5, 8],
		[1, 8],
		[20, 8],
		[32, 8],
		[33, 9],
		[80, 20],
		[100, 25],
		[200, 50],
		[999, 250],
		[1000, 250],
	])('rate %p → %p requests in flight (a quarter of a second, 8 to 250)', (rate, expected) => {
		expect(defaultConcurrency(rate)).toBe(expected);
	});
});
