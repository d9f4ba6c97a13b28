/** The ingress's outbox (store/outbox.ts) on both backends: ingest, dedupe, order per citizen, leases, retries, pruning. */
import type { OutboxEntry, SubscriptionStore } from '../../../nodes/core/store';
import { at, BACKENDS, freshStoreEachTest, type TestDb } from '../../helpers/storeFixtures';

// real servers and databases on a machine other suites share: room for a slow moment
jest.setTimeout(30_000);

function entry(wamid: string, citizen: string, body?: Buffer): OutboxEntry {
	return {
		wamid,
		citizenKey: `wa:${citizen}`,
		body: body ?? Buffer.from(`{"object":"whatsapp_business_account","id":"${wamid}"}`),
		signature: `sha256=${'ab'.repeat(32)}`,
		messages: 1,
	};
}

describe.each(BACKENDS)('ingress outbox (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;

	freshStoreEachTest(backend, (fresh, opened) => {
		db = fresh;
		store = opened;
	});

	test('ingest records statuses and queues bodies in one transaction, deduplicated by wamid', async () => {
		const first = await store.outbox.ingest(
			[
				{ wamid: 'wamid.s1', status: 'delivered' },
				{ wamid: 'wamid.s2', status: 'read' },
			],
			[entry('wamid.m1', '393330000001'), entry('wamid.m2', '393330000002')],
			at(0),
		);
		expect(first.queued).toEqual([true, true]);
		expect(first.statuses).toMatchObject({ received: 2, unknown: 2 });
		// Meta's redelivery of m1 with a new body m3
		const again = await store.outbox.enqueue(
			[entry('wamid.m1', '393330000001'), entry('wamid.m3', '393330000001')],
			at(1),
		);
		expect(again).toEqual([false, true]);
		expect((await store.outbox.depth()).waiting).toBe(3);
		expect((await store.statusTally())[0]).toMatchObject({ delivered: 1, read: 1 });
	});

	test('a body is kept byte for byte with its signature header', async () => {
		// non-ASCII as Meta never escapes it, a BOM, odd spacing and escapes: nothing is re-serialised
		const bytes = Buffer.from(
			'\ufeff{ "text" :"caff\u00e8 \u2603 \\u00e8 \ud83d\ude00",\r\n\t"n": 1.50 }',
			'utf8',
		);
		await store.outbox.enqueue(
			[{ ...entry('wamid.raw', '393330000001', bytes), signature: 'SHA256=AB' }],
			at(0),
		);
		const [claimed] = await store.outbox.claim('one', 10, 60_000, at(0));
		expect(claimed.body.equals(bytes)).toBe(true);
		expect(claimed.signature).toBe('SHA256=AB');
		expect(claimed).toMatchObject({
			wamid: 'wamid.raw',
			citizenKey: 'wa:393330000001',
			attempts: 1,
		});
	});

	test('a body with 1,000 statuses and a message is one transaction', async () => {
		const statuses = Array.from({ length: 1000 }, (_, i) => ({
			wamid: `wamid.bulk.${i}`,
			status: i % 2 === 0 ? 'delivered' : 'read',
		}));
		const outcome = await store.outbox.ingest(statuses, [entry('wamid.m', '393330000001')], at(0));
		expect(outcome.statuses).toMatchObject({ received: 1000, unknown: 1000 });
		expect((await store.statusTally())[0]).toMatchObject({ delivered: 500, read: 500 });
		expect((await store.outbox.depth()).waiting).toBe(1);
	});

	test('bad entries are refused before anything is written', async () => {
		const bad: Array<[string, Partial<OutboxEntry>]> = [
			['wamid', { wamid: '' }],
			['wamid', { wamid: 'a\u0000b' }],
			['citizenKey', { citizenKey: '' }],
			['body', { body: Buffer.alloc(0) }],
			['body', { body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }],
			['body', { body: Buffer.from('{"a":"\u0000"}') }],
			['signature', { signature: 'sha256=ab\r\nx-evil: 1' }],
		];
		for (const [field, change] of bad) {
			await expect(
				store.outbox.ingest(
					[{ wamid: 'wamid.s', status: 'read' }],
					[{ ...entry('wamid.x', '39333'), ...change }],
					at(0),
				),
			).rejects.toThrow(field);
		}
		expect(await store.statusTally()).toEqual([]);
		expect((await store.outbox.depth()).waiting).toBe(0);
	});

	test('claims take only the oldest body of each citizen, and a failing one holds its citizen back', async () => {
		await store.outbox.enqueue(
			[entry('a1', '3911'), entry('b1', '3922'), entry('a2', '3911'), entry('c1', '3933')],
			at(0),
		);
		const first = await store.outbox.claim('one', 10, 60_000, at(0));
		expect(first.map((c) => c.wamid)).toEqual(['a1', 'b1', 'c1']);
		// nothing more while they are leased
		expect(await store.outbox.claim('two', 10, 60_000, at(0))).toEqual([]);
		const [a1, b1, c1] = first;
		expect(
			await store.outbox.retryLater(
				a1.id,
				'one',
				{ kind: 'server', error: 'n8n answered HTTP 502', delayMs: 5 * 60_000 },
				at(1),
			),
		).toBe(true);
		expect(await store.outbox.markForwarded(b1.id, 'one', at(1))).toBe(true);
		expect(await store.outbox.markForwarded(c1.id, 'one', at(1))).toBe(true);
		// a2 waits behind a1, whose next attempt is not due yet
		expect(await store.outbox.claim('one', 10, 60_000, at(2))).toEqual([]);
		const depth = await store.outbox.depth();
		expect(depth).toMatchObject({
			waiting: 2,
			forwarded: 2,
			failing: { server: 1, refused: 0, network: 0 },
		});
		expect(depth.oldestWaitingAt).toBe(at(0).toISOString());
		expect(await store.outbox.failures()).toEqual([
			{ wamid: 'a1', kind: 'server', error: 'n8n answered HTTP 502', attempts: 1 },
		]);
		const retry = await store.outbox.claim('one', 10, 60_000, at(6));
		expect(retry.map((c) => [c.wamid, c.attempts])).toEqual([['a1', 2]]);
		await store.outbox.markForwarded(retry[0].id, 'one', at(6));
		expect((await store.outbox.claim('one', 10, 60_000, at(6))).map((c) => c.wamid)).toEqual([
			'a2',
		]);
	});

	test('an expired lease returns the body to another instance; the first loses its claim', async () => {
		await store.outbox.enqueue([entry('m1', '3911')], at(0));
		const [mine] = await store.outbox.claim('crashed', 10, 30_000, at(0));
		expect(await store.outbox.claim('other', 10, 30_000, at(0.4))).toEqual([]);
		const [theirs] = await store.outbox.claim('other', 10, 30_000, at(1));
		expect(theirs).toMatchObject({ id: mine.id, attempts: 2 });
		expect(await store.outbox.markForwarded(mine.id, 'crashed', at(1))).toBe(false);
		expect(
			await store.outbox.retryLater(
				mine.id,
				'crashed',
				{ kind: 'network', error: 'x', delayMs: 1 },
				at(1),
			),
		).toBe(false);
		expect(await store.outbox.markForwarded(theirs.id, 'other', at(1))).toBe(true);
	});

	test('a forwarded body loses its bytes at once and its row after the retention; waiting rows are never pruned', async () => {
		await store.outbox.enqueue([entry('old', '3911'), entry('waiting', '3922')], at(0));
		const claimed = await store.outbox.claim('one', 10, 60_000, at(0));
		await store.outbox.markForwarded(claimed.find((c) => c.wamid === 'old')!.id, 'one', at(0));
		await store.outbox.retryLater(
			claimed.find((c) => c.wamid === 'waiting')!.id,
			'one',
			{ kind: 'refused', error: 'n8n answered HTTP 404', delayMs: 1 },
			at(0),
		);
		expect(
			await db.query("SELECT body, signature FROM ingress_outbox WHERE wamid = 'old'"),
		).toEqual([{ body: null, signature: null }]);
		expect(await store.outbox.prune(at(-1))).toBe(0);
		expect(await store.outbox.prune(at(10))).toBe(1);
		expect((await db.query('SELECT wamid FROM ingress_outbox')).map((r) => r.wamid)).toEqual([
			'waiting',
		]);
		// the pruned wamid may come again (Meta keeps no body 8 days): it is queued as new
		expect(await store.outbox.enqueue([entry('old', '3911')], at(11))).toEqual([true]);
	});

	test('a closed store fails the ingest and writes nothing', async () => {
		const other = await db.open();
		await other.close();
		await expect(
			other.outbox.ingest([{ wamid: 'w', status: 'read' }], [entry('m', '3911')], at(0)),
		).rejects.toThrow(/closed/);
		expect((await store.outbox.depth()).waiting).toBe(0);
	});
});

describe('ingress outbox on PostgreSQL: concurrent claimers', () => {
	let db: TestDb;
	let first: SubscriptionStore;

	freshStoreEachTest('postgres', (fresh, opened) => {
		db = fresh;
		first = opened;
	});

	test('two instances claiming at once never get the same body, and keep each citizen in order', async () => {
		const second = await db.open();
		const citizens = 20;
		const perCitizen = 10;
		const entries: OutboxEntry[] = [];
		for (let m = 0; m < perCitizen; m++)
			for (let c = 0; c < citizens; c++) entries.push(entry(`w.${c}.${m}`, `39${1000 + c}`));
		await first.outbox.enqueue(entries, at(0));
		const forwarded: string[] = [];
		const claimer = async (store: SubscriptionStore, owner: string) => {
			for (;;) {
				const claimed = await store.outbox.claim(owner, 7, 60_000, new Date());
				if (claimed.length === 0) {
					if ((await store.outbox.depth()).waiting === 0) return;
					continue;
				}
				for (const body of claimed) {
					forwarded.push(body.wamid);
					expect(await store.outbox.markForwarded(body.id, owner, new Date())).toBe(true);
				}
			}
		};
		await Promise.all([claimer(first, 'one'), claimer(second, 'two')]);
		expect(forwarded).toHaveLength(citizens * perCitizen);
		expect(new Set(forwarded).size).toBe(citizens * perCitizen);
		for (let c = 0; c < citizens; c++) {
			const order = forwarded
				.filter((w) => w.startsWith(`w.${c}.`))
				.map((w) => Number(w.split('.')[2]));
			expect(order).toEqual([...order].sort((a, b) => a - b));
		}
	});
});
