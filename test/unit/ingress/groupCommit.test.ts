/** Group commit (core/ingress/groupCommit.ts) on a real SQLite store: many requests, few transactions, none answered early. */
import { GroupCommitter } from '../../../nodes/core/ingress/groupCommit';
import type { IngestOutcome, OutboxEntry, SubscriptionStore } from '../../../nodes/core/store';
import { freshStoreEachTest } from '../../helpers/storeFixtures';

const body = (wamid: string): OutboxEntry => ({
	wamid,
	citizenKey: 'wa:393471234567',
	body: Buffer.from(`{"id":"${wamid}"}`),
	signature: `sha256=${'1'.repeat(64)}`,
	messages: 1,
});

describe('GroupCommitter', () => {
	let store: SubscriptionStore;
	freshStoreEachTest('sqlite', (_db, opened) => {
		store = opened;
	});

	test('300 requests at once go in a few transactions, and each is answered only after its own committed', async () => {
		const commits: Array<{ requests: number; at: number }> = [];
		const committer = new GroupCommitter(async (statuses, entries, now) => {
			const outcome = await store.outbox.ingest(statuses, entries, now);
			await new Promise((resolve) => setTimeout(resolve, 2));
			commits.push({ requests: statuses.length / 5, at: performance.now() });
			return outcome;
		});
		const answeredAt: number[] = [];
		const results = await Promise.all(
			Array.from({ length: 300 }, (_, r) =>
				committer
					.submit({
						statuses: Array.from({ length: 5 }, (_, i) => ({
							wamid: `wamid.${r}.${i}`,
							status: 'delivered',
						})),
						entry: null,
					})
					.then((result) => {
						answeredAt[r] = performance.now();
						return result;
					}),
			),
		);
		expect(commits.length).toBeLessThan(10);
		expect(committer.stats).toMatchObject({ requests: 300, statuses: 1500, failedTransactions: 0 });
		expect((await store.statusTally())[0].delivered).toBe(1500);
		// the first request went alone; the others waited and went together
		expect(results[0].batchRequests).toBe(1);
		expect(Math.max(...results.map((r) => r.batchRequests))).toBeGreaterThan(100);
		const lastCommit = Math.max(...commits.map((c) => c.at));
		const firstAnswer = Math.min(...answeredAt);
		expect(firstAnswer).toBeGreaterThanOrEqual(commits[0].at);
		expect(Math.max(...answeredAt)).toBeGreaterThanOrEqual(lastCommit);
	});

	test('a batch is capped by statuses (a request is never split) and bodies of one batch are queued once', async () => {
		const sizes: number[] = [];
		const committer = new GroupCommitter(async (statuses, entries, now) => {
			sizes.push(statuses.length);
			return await store.outbox.ingest(statuses, entries, now);
		}, 1000);
		const big = (r: number) =>
			Array.from({ length: 600 }, (_, i) => ({ wamid: `w.${r}.${i}`, status: 'read' }));
		const results = await Promise.all([
			committer.submit({ statuses: big(0), entry: body('m0') }),
			committer.submit({ statuses: big(1), entry: body('m1') }),
			committer.submit({ statuses: big(2), entry: body('m1') }),
			committer.submit({ statuses: [], entry: body('m0') }),
		]);
		expect(sizes).toEqual([600, 600, 600]);
		expect(results.map((r) => r.queued)).toEqual([true, true, false, false]);
		expect((await store.outbox.depth()).waiting).toBe(2);
	});

	test('a failed transaction fails every request in it and writes nothing; the next batch works', async () => {
		let fail = true;
		const committer = new GroupCommitter(async (statuses, entries, now): Promise<IngestOutcome> => {
			if (fail) {
				// a real failure inside the transaction: an entry the store refuses, after the statuses
				return await store.outbox.ingest(
					statuses,
					[...entries, { ...body('bad'), wamid: '' }],
					now,
				);
			}
			return await store.outbox.ingest(statuses, entries, now);
		});
		const outcomes = await Promise.allSettled(
			[0, 1, 2].map((r) =>
				committer.submit({ statuses: [{ wamid: `w${r}`, status: 'read' }], entry: body(`m${r}`) }),
			),
		);
		expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
		expect(committer.stats.failedTransactions).toBeGreaterThanOrEqual(1);
		expect(await store.statusTally()).toEqual([]);
		expect((await store.outbox.depth()).waiting).toBe(0);
		fail = false;
		expect(
			await committer.submit({ statuses: [{ wamid: 'w9', status: 'read' }], entry: body('m9') }),
		).toMatchObject({ queued: true });
		await committer.drain();
		expect(committer.pending).toBe(0);
	});
});
