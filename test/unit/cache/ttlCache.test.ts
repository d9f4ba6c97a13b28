import { TtlCache } from '../../../nodes/core/cache/ttlCache';

function clock(start = 0) {
	let time = start;
	return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('TtlCache', () => {
	test('a value is loaded once while fresh, again once expired', async () => {
		const time = clock();
		const cache = new TtlCache<string>(10_000, 10, time.now);
		let loads = 0;
		const load = async () => `v${++loads}`;
		expect(await cache.get('a', load)).toBe('v1');
		time.advance(9_999);
		expect(await cache.get('a', load)).toBe('v1');
		time.advance(1);
		expect(await cache.get('a', load)).toBe('v2');
		expect(loads).toBe(2);
	});

	test('callers at the same time share one load', async () => {
		const cache = new TtlCache<number>(1000);
		let loads = 0;
		let release!: (value: number) => void;
		const load = () => {
			loads++;
			return new Promise<number>((resolve) => (release = resolve));
		};
		const both = Promise.all([cache.get('k', load), cache.get('k', load)]);
		release(7);
		expect(await both).toEqual([7, 7]);
		expect(loads).toBe(1);
	});

	test('a failed load is not cached: the next caller loads again', async () => {
		const cache = new TtlCache<string>(1000);
		await expect(cache.get('k', async () => Promise.reject(new Error('db down')))).rejects.toThrow(
			'db down',
		);
		expect(cache.size).toBe(0);
		expect(await cache.get('k', async () => 'ok')).toBe('ok');
	});

	test('keys are separate; the oldest goes beyond maxEntries', async () => {
		const cache = new TtlCache<string>(1000, 2);
		await cache.get('a', async () => 'A');
		await cache.get('b', async () => 'B');
		await cache.get('c', async () => 'C');
		expect(cache.size).toBe(2);
		expect(await cache.get('a', async () => 'A2')).toBe('A2');
		expect(await cache.get('c', async () => 'C2')).toBe('C');
	});

	test('ttl 0 caches nothing; delete forgets one key', async () => {
		const none = new TtlCache<number>(0);
		let n = 0;
		await none.get('k', async () => ++n);
		await none.get('k', async () => ++n);
		expect(n).toBe(2);
		const cache = new TtlCache<number>(1000);
		await cache.get('k', async () => 1);
		cache.delete('k');
		expect(await cache.get('k', async () => 2)).toBe(2);
	});

	test.each([
		{ ttl: -1, max: 1 },
		{ ttl: Number.NaN, max: 1 },
		{ ttl: Number.POSITIVE_INFINITY, max: 1 },
		{ ttl: 10, max: 0 },
		{ ttl: 10, max: 1.5 },
	])('bad settings ttl=$ttl max=$max are refused', ({ ttl, max }) => {
		expect(() => new TtlCache(ttl, max)).toThrow(RangeError);
	});
});
