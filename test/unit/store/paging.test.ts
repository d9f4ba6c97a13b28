/** list() keyset paging and count() over 250 subscribers — both backends. */
import type { SubscriberRecord, SubscriptionStore } from '../../../nodes/core/store';
import { BACKENDS, createTestDb, wa, type TestDb } from '../../helpers/storeFixtures';

const CITIZENS = 250;

function waIdOf(i: number): string {
	return `39333${String(i).padStart(7, '0')}`;
}

async function collect(
	store: SubscriptionStore,
	query: { list?: string; state?: 'pending' | 'active' | 'cancelled' },
	limit: number,
): Promise<{ keys: string[]; pages: number; items: SubscriberRecord[] }> {
	const items: SubscriberRecord[] = [];
	let after: string | undefined;
	let pages = 0;
	for (;;) {
		const page = await store.list({ ...query, limit, after });
		pages++;
		expect(page.items.length).toBeLessThanOrEqual(limit);
		items.push(...page.items);
		if (page.nextCursor === null) break;
		after = page.nextCursor;
		if (pages > 1000) throw new Error('paging does not end');
	}
	return { keys: items.map((i) => i.key), pages, items };
}

describe.each(BACKENDS)('list and count (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;

	beforeAll(async () => {
		db = await createTestDb(backend);
		store = await db.open();
		// Every citizen asks for EMERGENZE; even ones accept; every third one also asks PUBBLICAUTILITA;
		// every fifth one then leaves everything. Also 10 username-only citizens (user: keys).
		for (let i = 0; i < CITIZENS; i++) {
			const citizen = { waId: waIdOf(i) };
			await store.requestSubscription(
				citizen,
				i % 3 === 0 ? ['EMERGENZE', 'PUBBLICAUTILITA'] : ['EMERGENZE'],
				wa(i),
			);
			if (i % 2 === 0) await store.confirmConsent(citizen, wa(i + 1));
			if (i % 5 === 0) await store.unsubscribe(citizen, 'all', wa(i + 2));
		}
		for (let i = 0; i < 10; i++) {
			await store.requestSubscription({ userId: `IT.user${i}` }, ['EMERGENZE'], wa(i));
		}
	}, 120_000);
	afterAll(async () => {
		await db.cleanup();
	});

	function expected(predicate: (i: number) => boolean): string[] {
		const keys: string[] = [];
		for (let i = 0; i < CITIZENS; i++) if (predicate(i)) keys.push(`wa:${waIdOf(i)}`);
		return keys;
	}

	test.each([1, 7, 50, 100, 1000])(
		'all subscribers, page size %i: no duplicates, no misses, in key order',
		async (limit) => {
			const { keys, pages } = await collect(store, {}, limit);
			const all = [
				...expected(() => true),
				...Array.from({ length: 10 }, (_, i) => `user:IT.user${i}`),
			];
			expect(new Set(keys).size).toBe(keys.length);
			expect([...keys].sort()).toEqual([...all].sort());
			expect(keys).toEqual([...keys].sort());
			expect(pages).toBe(Math.max(1, Math.ceil(all.length / limit)));
		},
	);

	test('by list and state', async () => {
		const active = await collect(store, { list: 'EMERGENZE', state: 'active' }, 33);
		expect(active.keys).toEqual(expected((i) => i % 2 === 0 && i % 5 !== 0));
		for (const item of active.items) {
			expect(item.subscriptions.find((s) => s.list === 'EMERGENZE')?.state).toBe('active');
		}
		const pendingPu = await collect(store, { list: 'PUBBLICAUTILITA', state: 'pending' }, 10);
		expect(pendingPu.keys).toEqual(expected((i) => i % 3 === 0 && i % 2 === 1 && i % 5 !== 0));
		const anyPu = await collect(store, { list: 'PUBBLICAUTILITA' }, 20);
		expect(anyPu.keys).toEqual(expected((i) => i % 3 === 0));
		const cancelled = await collect(store, { state: 'cancelled' }, 9);
		expect(cancelled.keys).toEqual(expected((i) => i % 5 === 0));
		// Records carry every subscription of the citizen, not only the matching one.
		expect(cancelled.items.find((i) => i.key === `wa:${waIdOf(0)}`)?.subscriptions).toHaveLength(2);
	});

	test('count per list and state', async () => {
		const emergenzeActive = expected((i) => i % 2 === 0 && i % 5 !== 0).length;
		const emergenzePending = expected((i) => i % 2 === 1 && i % 5 !== 0).length + 10;
		const cancelledEmergenze = expected((i) => i % 5 === 0).length;
		expect(await store.count({ list: 'EMERGENZE' })).toEqual([
			{ list: 'EMERGENZE', state: 'active', count: emergenzeActive },
			{ list: 'EMERGENZE', state: 'cancelled', count: cancelledEmergenze },
			{ list: 'EMERGENZE', state: 'pending', count: emergenzePending },
		]);
		const all = await store.count({});
		expect(all.reduce((sum, row) => sum + row.count, 0)).toBe(
			CITIZENS + expected((i) => i % 3 === 0).length + 10,
		);
		expect(await store.count({ state: 'active', list: 'NONE' })).toEqual([]);
	});

	test('stable under concurrent inserts: rows present throughout are seen exactly once', async () => {
		const seen: string[] = [];
		let after: string | undefined;
		let extra = 0;
		for (;;) {
			const page = await store.list({ list: 'EMERGENZE', limit: 25, after });
			seen.push(...page.items.map((i) => i.key));
			// New subscribers arrive between pages, before and after the cursor.
			await store.requestSubscription(
				{ waId: `3900000${String(extra).padStart(5, '0')}` },
				['EMERGENZE'],
				wa(1000),
			);
			await store.requestSubscription(
				{ waId: `3999999${String(extra).padStart(5, '0')}` },
				['EMERGENZE'],
				wa(1000),
			);
			extra++;
			if (page.nextCursor === null) break;
			after = page.nextCursor;
		}
		expect(new Set(seen).size).toBe(seen.length);
		for (const key of expected(() => true)) expect(seen).toContain(key);
	});

	test('bad cursor and limits are StoreInputError', async () => {
		await expect(store.list({ limit: 10, after: 'not-a-cursor' })).rejects.toMatchObject({
			field: 'after',
		});
		await expect(store.list({ limit: 0 })).rejects.toMatchObject({ field: 'limit' });
		await expect(store.list({ limit: 1001 })).rejects.toMatchObject({ field: 'limit' });
		await expect(store.list({ limit: 1.5 })).rejects.toMatchObject({ field: 'limit' });
		await expect(store.list({ limit: 5, state: 'gone' as never })).rejects.toMatchObject({
			field: 'state',
		});
	});
});
