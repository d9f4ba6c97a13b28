/**
 * Delivery statuses recorded by the trigger (store.recordDeliveryStatuses), both backends: broadcast
 * deliveries and cases' replies move forward only whatever order the statuses arrive in, unknown wamids
 * are counted and dropped, a full webhook (1,000 statuses) is one call, every status lands in the daily
 * tally, hostile statuses break nothing, and a failed or refused call writes nothing at all.
 */
import type { DeliveryStatusUpdate } from '../../../nodes/core/broadcast';
import { StoreError, StoreInputError, type SubscriptionStore } from '../../../nodes/core/store';
import { BACKENDS, createTestDb, type TestDb } from '../../helpers/storeFixtures';

const CONSENT = new Date('2026-01-10T10:00:00.000Z');
const T = new Date('2026-11-30T08:00:00.000Z');
const later = (ms: number) => new Date(T.getTime() + ms);
/** Tables emptied between tests, children first. */
const TABLES = [
	'broadcast_delivery',
	'broadcast',
	'subscription',
	'subscriber',
	'audit_event',
	'conversation_case',
	'delivery_status_tally',
];

const waIdOf = (i: number) => `39333${String(i).padStart(7, '0')}`;
const keyOf = (i: number) => `wa:${waIdOf(i)}`;
const bw = (i: number) => `wamid.B${i}`;
const cw = (i: number) => `wamid.C${i}`;

/** The permutations of a list (small lists only). */
function permutations<T>(items: T[]): T[][] {
	if (items.length <= 1) return [items];
	return items.flatMap((item, i) =>
		permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
	);
}

describe.each(BACKENDS)('recordDeliveryStatuses (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;

	beforeAll(async () => {
		db = await createTestDb(backend);
		store = await db.open();
	});
	afterAll(async () => db.cleanup());
	beforeEach(async () => {
		for (const table of TABLES) await db.query(`DELETE FROM ${table}`);
	});

	/** A broadcast `id` sent to recipients `indexes` (wamid.B<i>), as the broadcast node leaves it. */
	async function seedBroadcast(indexes: number[], id = 'allerta-1') {
		for (const i of indexes) {
			await store.importSubscriber(
				{
					citizen: { waId: waIdOf(i) },
					lists: ['EMERGENZE'],
					consentAt: CONSENT,
					policyVersion: 'v1',
				},
				{ at: CONSENT, channel: 'import' },
			);
		}
		const ledger = store.broadcasts;
		const run = await ledger.begin({
			id,
			list: 'EMERGENZE',
			messageHash: 'hash-a',
			message: { type: 'template', name: 'avviso', bodyParameters: ['x'] },
			now: T,
		});
		const step = (fields: Partial<Parameters<typeof ledger.step>[0]>) =>
			ledger.step({
				id,
				runToken: run.runToken,
				list: 'EMERGENZE',
				createdAt: T.toISOString(),
				now: T,
				outcomes: [],
				claim: [],
				heartbeat: false,
				...fields,
			});
		await step({ claim: indexes.map((i) => ({ key: keyOf(i), waId: waIdOf(i), userId: null })) });
		await step({
			outcomes: indexes.map((i) => ({
				key: keyOf(i),
				state: 'sent' as const,
				wamid: bw(i),
				attempts: 1,
			})),
		});
	}

	/** Cases whose last reply is wamid.C<i>, returning their ids. */
	async function seedReplies(indexes: number[]): Promise<number[]> {
		const ids: number[] = [];
		for (const i of indexes) {
			const { record } = await store.conversations.openCase({
				citizen: { waId: waIdOf(i) },
				kind: 'question',
				messageId: `wamid.in.${i}`,
				at: T,
				route: 'operators',
			});
			await store.conversations.updateCase(record.id, {
				replyWamid: cw(i),
				answeredHow: 'text',
				at: T,
			});
			ids.push(record.id);
		}
		return ids;
	}

	async function deliveryStates(id = 'allerta-1'): Promise<Record<string, string>> {
		const rows = await db.query(
			'SELECT wamid, state FROM broadcast_delivery WHERE broadcast_id = $1 ORDER BY wamid',
			[id],
		);
		return Object.fromEntries(rows.map((r) => [String(r.wamid), String(r.state)]));
	}

	const statuses = (wamid: string, list: string[]): DeliveryStatusUpdate[] =>
		list.map((status) => ({ wamid, status }));

	describe('broadcast deliveries', () => {
		test.each<[string[], string]>([
			...permutations(['sent', 'delivered', 'read']).map((order): [string[], string] => [
				order,
				'read',
			]),
			[['read', 'failed'], 'read'],
			[['failed', 'delivered', 'read'], 'failed'],
			[['delivered', 'failed'], 'failed'],
			[['sent', 'sent'], 'sent'],
		])('statuses %j in one call end %s', async (order, final) => {
			await seedBroadcast([1]);
			const outcome = await store.recordDeliveryStatuses(statuses(bw(1), order), later(1000));
			expect(await deliveryStates()).toEqual({ [bw(1)]: final });
			expect(outcome.received).toBe(order.length);
			expect(outcome.broadcast + outcome.unchanged).toBe(order.length);
			expect(outcome).toMatchObject({ cases: 0, unknown: 0 });
		});

		test('the same statuses one webhook each, in any order, end the same; late ones change nothing', async () => {
			await seedBroadcast([1, 2, 3]);
			const calls: DeliveryStatusUpdate[][] = [
				[{ wamid: bw(1), status: 'read' }],
				[{ wamid: bw(2), status: 'delivered' }],
				[{ wamid: bw(1), status: 'delivered' }], // after read: unchanged
				[{ wamid: bw(3), status: 'failed', errorCode: 131026 }],
				[{ wamid: bw(2), status: 'read' }],
				[{ wamid: bw(1), status: 'sent' }], // after read: unchanged
				[{ wamid: bw(3), status: 'read' }], // after failed: unchanged
			];
			const outcomes = [];
			for (const [k, call] of calls.entries())
				outcomes.push(await store.recordDeliveryStatuses(call, later(k)));
			expect(outcomes.map((o) => [o.broadcast, o.unchanged])).toEqual([
				[1, 0],
				[1, 0],
				[0, 1],
				[1, 0],
				[1, 0],
				[0, 1],
				[0, 1],
			]);
			expect(await deliveryStates()).toEqual({
				[bw(1)]: 'read',
				[bw(2)]: 'read',
				[bw(3)]: 'failed',
			});
			expect((await store.broadcasts.counts('allerta-1')).failedByCode).toEqual({ '131026': 1 });
		});

		test('broadcast.last_status_at: set on the broadcasts a status was about (also an unchanged one), only on them', async () => {
			await seedBroadcast([1], 'allerta-1');
			await seedBroadcast([2], 'allerta-2');
			await seedBroadcast([3], 'allerta-3');
			await store.recordDeliveryStatuses(statuses(bw(1), ['read']), later(10));
			await store.recordDeliveryStatuses(statuses(bw(2), ['sent']), later(20));
			const rows = await db.query('SELECT id, last_status_at FROM broadcast ORDER BY id');
			const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
			expect(rows.map((r) => [r.id, iso(r.last_status_at)])).toEqual([
				['allerta-1', later(10).toISOString()],
				['allerta-2', later(20).toISOString()],
				['allerta-3', null],
			]);
			// and the ledger's record (the Broadcast node's Report) says so
			expect((await store.broadcasts.get('allerta-1'))?.lastStatusAt).toBe(later(10).toISOString());
			expect((await store.broadcasts.get('allerta-3'))?.lastStatusAt).toBeNull();
		});
	});

	describe('cases’ replies', () => {
		test.each<[string[], string]>([
			...permutations(['sent', 'delivered', 'read']).map((order): [string[], string] => [
				order,
				'read',
			]),
			[['delivered'], 'delivered'],
			[['read', 'failed'], 'read'],
			[['sent', 'failed', 'read'], 'failed'],
		])('statuses %j end %s', async (order, final) => {
			const [id] = await seedReplies([1]);
			const outcome = await store.recordDeliveryStatuses(statuses(cw(1), order), later(5));
			expect(await store.conversations.getCase(id)).toMatchObject({
				replyStatus: final,
				state: 'routed',
			});
			expect(outcome.cases + outcome.unchanged).toBe(order.length);
			expect(outcome).toMatchObject({ broadcast: 0, unknown: 0 });
		});

		test('replyStatusAt is when the status that moved it was recorded; a new reply starts over', async () => {
			const [id] = await seedReplies([1]);
			await store.recordDeliveryStatuses(statuses(cw(1), ['delivered']), later(5));
			await store.recordDeliveryStatuses(statuses(cw(1), ['sent']), later(6));
			expect(await store.conversations.getCase(id)).toMatchObject({
				replyStatus: 'delivered',
				replyStatusAt: later(5).toISOString(),
			});
			await store.conversations.updateCase(id, { replyWamid: 'wamid.C1.bis', at: later(7) });
			const moved = await store.recordDeliveryStatuses(
				[...statuses('wamid.C1.bis', ['sent']), ...statuses(cw(1), ['read'])],
				later(8),
			);
			// the old reply's wamid is nobody's any more
			expect(moved).toMatchObject({ cases: 1, unknown: 1 });
			expect(await store.conversations.getCase(id)).toMatchObject({
				replyWamid: 'wamid.C1.bis',
				replyStatus: 'sent',
				replyStatusAt: later(8).toISOString(),
			});
		});
	});

	test('unknown wamids are counted as unknown and dropped; nothing but the tally is written', async () => {
		await seedBroadcast([1]);
		const [id] = await seedReplies([1]);
		const before = {
			deliveries: await deliveryStates(),
			case: await store.conversations.getCase(id),
		};
		const outcome = await store.recordDeliveryStatuses(
			[
				{ wamid: 'wamid.nobody', status: 'delivered' },
				{ wamid: 'wamid.nobody', status: 'read' },
				{ wamid: "x' OR '1'='1", status: 'read' },
				{ wamid: `${bw(1)}%`, status: 'read' },
			],
			later(1),
		);
		expect(outcome).toEqual({ received: 4, broadcast: 0, cases: 0, unchanged: 0, unknown: 4 });
		expect(await deliveryStates()).toEqual(before.deliveries);
		expect(await store.conversations.getCase(id)).toEqual(before.case);
		expect(await store.statusTally()).toEqual([
			expect.objectContaining({ delivered: 1, read: 3, unknown: 4, broadcast: 0, cases: 0 }),
		]);
	});

	test('a full webhook: 1,000 statuses in ONE call, counted exactly in the tally', async () => {
		const N = 100;
		const recipients = Array.from({ length: N }, (_, i) => i + 1);
		await seedBroadcast(recipients);
		const caseIds = await seedReplies(recipients);
		const batch: DeliveryStatusUpdate[] = [];
		for (const i of recipients) {
			batch.push(...statuses(bw(i), ['read', 'delivered', 'sent'])); // 1 moves, 2 unchanged
			batch.push(...statuses(cw(i), ['delivered', 'read', 'sent'])); // 2 move, 1 unchanged
			batch.push(
				...statuses(`wamid.U${i}`, [
					'delivered',
					'read',
					'failed',
					i % 2 === 0 ? 'deleted' : 'played',
				]),
			); // 4 unknown
		}
		expect(batch).toHaveLength(1000);
		const outcome = await store.recordDeliveryStatuses(batch, later(60_000));
		expect(outcome).toEqual({
			received: 1000,
			broadcast: N,
			cases: 2 * N,
			unchanged: 3 * N,
			unknown: 4 * N,
		});
		expect(await store.statusTally()).toEqual([
			{
				day: '2026-11-30',
				sent: 2 * N,
				delivered: 3 * N,
				read: 3 * N,
				failed: N,
				other: N,
				broadcast: N,
				cases: 2 * N,
				unknown: 4 * N,
				lastStatus: 'deleted',
				lastStatusAt: later(60_000).toISOString(),
			},
		]);
		expect(Object.values(await deliveryStates())).toEqual(Array(N).fill('read'));
		const replies = await db.query('SELECT reply_status FROM conversation_case ORDER BY id');
		expect(replies.map((r) => r.reply_status)).toEqual(Array(caseIds.length).fill('read'));
	}, 30_000);

	test('the tally adds up per UTC day, newest first; statusTally(days) limits it', async () => {
		await store.recordDeliveryStatuses(
			statuses('wamid.x', ['sent', 'delivered']),
			new Date('2026-11-29T23:59:59.000Z'),
		);
		await store.recordDeliveryStatuses(
			statuses('wamid.y', ['read']),
			new Date('2026-11-30T00:00:00.000Z'),
		);
		await store.recordDeliveryStatuses(
			statuses('wamid.z', ['failed', 'read']),
			new Date('2026-11-30T10:00:00.000Z'),
		);
		const tally = await store.statusTally();
		expect(
			tally.map((d) => [d.day, d.sent, d.delivered, d.read, d.failed, d.unknown, d.lastStatus]),
		).toEqual([
			['2026-11-30', 0, 0, 2, 1, 3, 'read'],
			['2026-11-29', 1, 1, 0, 0, 2, 'delivered'],
		]);
		expect(tally[0].lastStatusAt).toBe('2026-11-30T10:00:00.000Z');
		expect(await store.statusTally(1)).toHaveLength(1);
		expect(await store.statusTally(0)).toHaveLength(1);
		expect(await store.statusTally(Number.NaN)).toHaveLength(2);
	});

	test('an empty batch writes nothing', async () => {
		expect(await store.recordDeliveryStatuses([], later(1))).toEqual({
			received: 0,
			broadcast: 0,
			cases: 0,
			unchanged: 0,
			unknown: 0,
		});
		expect(await store.statusTally()).toEqual([]);
	});

	test('hostile statuses do not throw, change nothing they should not and count as other', async () => {
		await seedBroadcast([1, 2]);
		const [id] = await seedReplies([1]);
		const huge = 'x'.repeat(10_240);
		const hostile = [
			{ wamid: bw(1), status: '__proto__' },
			{ wamid: bw(1), status: 'constructor' },
			{ wamid: cw(1), status: 'toString' },
			{ wamid: cw(1), status: 'hasOwnProperty' },
			{ wamid: bw(2), status: huge },
			{ wamid: bw(2), status: 'READ' },
			{ wamid: bw(2), status: 'read\u0000' },
			{ wamid: 'wamid.\u0000', status: 'read' },
			{ wamid: 'w'.repeat(100_000), status: 'delivered' },
			{ wamid: 42, status: 'read' },
			null,
			{ wamid: bw(2), status: 7 },
			{ wamid: bw(2), status: 'failed', errorCode: 99_999_999_999 },
			{ wamid: cw(1), status: '\u0000\u0007 🚨 status\uD800' },
		] as unknown as DeliveryStatusUpdate[];
		const outcome = await store.recordDeliveryStatuses(hostile, later(1));
		expect(outcome).toEqual({ received: 14, broadcast: 1, cases: 0, unchanged: 9, unknown: 4 });
		expect(await deliveryStates()).toEqual({ [bw(1)]: 'sent', [bw(2)]: 'failed' });
		expect((await store.broadcasts.counts('allerta-1')).failedByCode).toEqual({ unknown: 1 });
		expect((await store.conversations.getCase(id))?.replyStatus).toBeNull();
		const [day] = await store.statusTally();
		expect(day).toMatchObject({ sent: 0, delivered: 1, read: 2, failed: 1, other: 10, unknown: 4 });
		expect(day.lastStatus).toBe('🚨 status\uFFFD');
	});

	test('a batch that is not a list, or an invalid time, is refused before anything is written', async () => {
		await expect(
			store.recordDeliveryStatuses(
				{ wamid: 'x', status: 'read' } as unknown as DeliveryStatusUpdate[],
				later(1),
			),
		).rejects.toBeInstanceOf(StoreInputError);
		await expect(store.recordDeliveryStatuses([], new Date('x'))).rejects.toMatchObject({
			field: 'now',
		});
		expect(await store.statusTally()).toEqual([]);
	});

	test('a batch failing half-way writes nothing: the deliveries it moved are rolled back', async () => {
		await seedBroadcast([1, 2]);
		const [id] = await seedReplies([1]);
		// the tally is written last: without its table the transaction fails after the moves
		await db.query('ALTER TABLE delivery_status_tally RENAME TO delivery_status_tally_away');
		try {
			await expect(
				store.recordDeliveryStatuses(
					[
						...statuses(bw(1), ['read']),
						...statuses(cw(1), ['delivered']),
						...statuses(bw(2), ['delivered']),
					],
					later(1),
				),
			).rejects.toBeInstanceOf(StoreError);
		} finally {
			await db.query('ALTER TABLE delivery_status_tally_away RENAME TO delivery_status_tally');
		}
		expect(await deliveryStates()).toEqual({ [bw(1)]: 'sent', [bw(2)]: 'sent' });
		expect((await store.conversations.getCase(id))?.replyStatus).toBeNull();
		const broadcast = await db.query('SELECT last_status_at FROM broadcast');
		expect(broadcast).toEqual([{ last_status_at: null }]);
		// and the store works again
		expect(
			(await store.recordDeliveryStatuses(statuses(bw(1), ['read']), later(2))).broadcast,
		).toBe(1);
	});

	test('statuses from two workers at once add up; the deliveries still end read', async () => {
		await seedBroadcast([1, 2, 3, 4]);
		const other = await db.open();
		const batches = Array.from({ length: 10 }, (_, k) => [
			...[1, 2, 3, 4].flatMap((i) =>
				statuses(bw(i), k % 2 === 0 ? ['delivered', 'read'] : ['read', 'delivered']),
			),
			...statuses(`wamid.unknown.${k}`, ['sent', 'played']),
		]);
		const outcomes = await Promise.all(
			batches.map((batch, k) =>
				(k % 2 === 0 ? store : other).recordDeliveryStatuses(batch, later(k)),
			),
		);
		expect(outcomes.reduce((sum, o) => sum + o.received, 0)).toBe(100);
		expect(outcomes.reduce((sum, o) => sum + o.unknown, 0)).toBe(20);
		expect(await deliveryStates()).toEqual(
			Object.fromEntries([1, 2, 3, 4].map((i) => [bw(i), 'read'])),
		);
		const [day] = await store.statusTally();
		expect(day).toMatchObject({ sent: 10, delivered: 40, read: 40, other: 10, unknown: 20 });
		expect(day.broadcast + outcomes.reduce((sum, o) => sum + o.unchanged, 0)).toBe(80);
		await other.close();
	});

	test('a closed store refuses the call; a second store sees nothing half-written', async () => {
		await seedBroadcast([1]);
		const closing = await db.open();
		const witness = await db.open();
		await closing.close();
		await expect(
			closing.recordDeliveryStatuses(statuses(bw(1), ['delivered', 'read']), later(1)),
		).rejects.toBeInstanceOf(StoreError);
		await expect(closing.statusTally()).rejects.toBeInstanceOf(StoreError);
		expect(await witness.statusTally()).toEqual([]);
		expect((await witness.broadcasts.counts('allerta-1')).byState).toMatchObject({
			sent: 1,
			delivered: 0,
			read: 0,
		});
		expect(await deliveryStates()).toEqual({ [bw(1)]: 'sent' });
	});
});
