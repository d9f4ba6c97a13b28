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

	test('requests of one turn share a transaction; those arriving during it share the next; none is answered before its commit', async () => {
		const commits: Array<{ requests: number; at: number }> = [];
		const answers: Array<{ wave: number; at: number; batch: number }> = [];
		const submit = (wave: number, r: number) =>
			committer
				.submit({
					statuses: Array.from({ length: 5 }, (_, i) => ({
						wamid: `wamid.${wave}.${r}.${i}`,
						status: 'delivered',
					})),
					entry: null,
				})
				.then((result) =>
					answers.push({ wave, at: performance.now(), batch: result.batchRequests }),
				);
		const second: Array<Promise<unknown>> = [];
		const committer: GroupCommitter = new GroupCommitter(async (statuses, entries, now) => {
			const outcome = await store.outbox.ingest(statuses, entries, now);
			// 200 more arrive while this transaction is in flight
			if (commits.length === 0) for (let r = 0; r < 200; r++) second.push(submit(2, r));
			await new Promise((resolve) => setTimeout(resolve, 5));
			commits.push({ requests: statuses.length / 5, at: performance.now() });
			return outcome;
		});
		await Promise.all(Array.from({ length: 100 }, (_, r) => submit(1, r)));
		await Promise.all(second);
		expect(commits.map((c) => c.requests)).toEqual([100, 200]);
		expect(committer.stats).toMatchObject({
			transactions: 2,
			requests: 300,
			statuses: 1500,
			failedTransactions: 0,
		});
		expect((await store.statusTally())[0].delivered).toBe(1500);
		for (const answer of answers) {
			expect(answer.batch).toBe(answer.wave === 1 ? 100 : 200);
			expect(answer.at).toBeGreaterThanOrEqual(commits[answer.wave - 1].at);
		}
		expect(answers).toHaveLength(300);
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
