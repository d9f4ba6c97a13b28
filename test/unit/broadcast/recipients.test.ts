/**
 * The broadcast run's RecipientQueue with a ledger stub: pages read ahead in key order, due retries
 * before the rest, the budget respected, the earliest retry, and when nobody is left.
 */
import type { Candidate } from '../../../nodes/core/broadcast';
import { RecipientQueue } from '../../../nodes/core/broadcast/recipients';

const SCOPE = { id: 'allerta-1', list: 'EMERGENZE', createdAt: '2026-11-30T08:00:00.000Z' };

function candidate(key: string): Candidate {
	return { key, waId: key.replace('wa:', ''), userId: null };
}

/** A ledger whose list holds `keys` (sorted), recording each scan's afterKey and limit. */
function ledgerOf(keys: string[]) {
	const scans: Array<{ afterKey: string; limit: number }> = [];
	return {
		scans,
		scan: async (query: { id: string; list: string; afterKey: string; limit: number }) => {
			expect(query).toMatchObject({ id: SCOPE.id, list: SCOPE.list, createdAt: SCOPE.createdAt });
			scans.push({ afterKey: query.afterKey, limit: query.limit });
			return keys
				.filter((key) => key > query.afterKey)
				.slice(0, query.limit)
				.map(candidate);
		},
	};
}

const keys = (n: number) =>
	Array.from({ length: n }, (_, i) => `wa:39${String(i).padStart(3, '0')}`);
const keysOf = (candidates: Candidate[]) => candidates.map((c) => c.key);

describe('reading ahead', () => {
	test.each([
		{ list: 0, pageSize: 3, reads: [''] },
		{ list: 2, pageSize: 3, reads: [''] },
		{ list: 3, pageSize: 3, reads: ['', 'wa:39002'] },
		{ list: 7, pageSize: 3, reads: ['', 'wa:39002', 'wa:39005'] },
	])(
		'a list of $list, pages of $pageSize: reads after $reads',
		async ({ list, pageSize, reads }) => {
			const ledger = ledgerOf(keys(list));
			const queue = new RecipientQueue(ledger, SCOPE, pageSize);
			// take everything read each time, so every read is needed
			for (;;) {
				if (!(await queue.readAhead())) break;
				queue.take(0, 1000);
			}
			expect(ledger.scans.map((s) => s.afterKey)).toEqual(reads);
			expect(ledger.scans.every((s) => s.limit === pageSize)).toBe(true);
			expect(queue.exhausted).toBe(true);
		},
	);

	test('does not read while a page is waiting, and not after a short page', async () => {
		const ledger = ledgerOf(keys(5));
		const queue = new RecipientQueue(ledger, SCOPE, 3);
		expect(await queue.readAhead()).toBe(true);
		expect(await queue.readAhead()).toBe(false); // 3 waiting: a page
		expect(keysOf(queue.take(0, 1))).toEqual(['wa:39000']);
		expect(await queue.readAhead()).toBe(true); // 2 waiting: the next page (2 keys, short)
		expect(keysOf(queue.take(0, 10))).toEqual(['wa:39001', 'wa:39002', 'wa:39003', 'wa:39004']);
		expect(await queue.readAhead()).toBe(false);
		expect(queue.exhausted).toBe(true);
		expect(ledger.scans).toHaveLength(2);
	});
});

describe('taking recipients', () => {
	// retries scheduled r:2 (due 200), r:3 (due 300), r:1 (due 100): the due ones in that order, then the list
	test.each([
		{ now: 0, budget: 4, taken: ['wa:39000', 'wa:39001', 'wa:39002'] },
		{ now: 100, budget: 4, taken: ['r:1', 'wa:39000', 'wa:39001', 'wa:39002'] },
		{ now: 200, budget: 4, taken: ['r:2', 'r:1', 'wa:39000', 'wa:39001'] },
		{ now: 300, budget: 2, taken: ['r:2', 'r:3'] },
		{ now: 300, budget: 4, taken: ['r:2', 'r:3', 'r:1', 'wa:39000'] },
		{ now: 300, budget: 0, taken: [] },
	])('at $now with a budget of $budget: $taken', async ({ now, budget, taken }) => {
		const queue = new RecipientQueue(ledgerOf(keys(3)), SCOPE, 10);
		await queue.readAhead();
		queue.retryAt(candidate('r:2'), 200);
		queue.retryAt(candidate('r:3'), 300);
		queue.retryAt(candidate('r:1'), 100);
		expect(keysOf(queue.take(now, budget))).toEqual(taken);
	});

	test('the earliest retry, and nobody left only when the retries are taken too', async () => {
		const queue = new RecipientQueue(ledgerOf([]), SCOPE, 10);
		await queue.readAhead();
		expect(queue.nextRetryAt()).toBe(Number.POSITIVE_INFINITY);
		expect(queue.exhausted).toBe(true);
		queue.retryAt(candidate('r:1'), 500);
		queue.retryAt(candidate('r:2'), 250);
		expect(queue.nextRetryAt()).toBe(250);
		expect(queue.exhausted).toBe(false);
		expect(queue.hasWaiting).toBe(false);
		expect(keysOf(queue.take(250, 10))).toEqual(['r:2']);
		expect(queue.nextRetryAt()).toBe(500);
		expect(keysOf(queue.take(500, 10))).toEqual(['r:1']);
		expect(queue.exhausted).toBe(true);
	});
});
