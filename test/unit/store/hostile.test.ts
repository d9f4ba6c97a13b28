/** Hostile and odd inputs: SQL-looking text, huge names, emoji, empty ids, bad contexts — both backends. */
import { StoreInputError, type SubscriptionStore } from '../../../nodes/core/store';
import { BACKENDS, freshStoreEachTest, wa, type TestDb } from '../../helpers/storeFixtures';

const DROP = "'; DROP TABLE subscriber;--";

describe.each(BACKENDS)('hostile inputs (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;

	freshStoreEachTest(backend, (fresh, opened) => {
		db = fresh;
		store = opened;
	});

	test('SQL-looking names and lists are stored as text and break nothing', async () => {
		const result = await store.requestSubscription(
			{ waId: '393331234567', name: `Robert${DROP}` },
			[DROP, 'EMERGENZE" OR 1=1 --', "X'); DELETE FROM audit_event; --"],
			wa(0, DROP),
		);
		expect(result.subscriber.displayName).toBe(`Robert${DROP}`);
		expect(result.changed.map((c) => c.list)).toEqual([
			DROP,
			'EMERGENZE" OR 1=1 --',
			"X'); DELETE FROM audit_event; --",
		]);
		expect(await db.tables()).toEqual(expect.arrayContaining(['subscriber', 'audit_event']));
		expect(await store.count({ list: DROP })).toEqual([{ list: DROP, state: 'pending', count: 1 }]);
		const page = await store.list({ list: DROP, limit: 10 });
		expect(page.items.map((i) => i.key)).toEqual(['wa:393331234567']);
		expect(await store.get({ userId: "IT.1'--" })).toBeNull();
		await store.requestSubscription({ userId: "IT.1'--" }, ['EMERGENZE'], wa(1));
		expect((await store.get({ userId: "IT.1'--" }))?.key).toBe("user:IT.1'--");
		expect(await db.query('SELECT message_id FROM audit_event ORDER BY id')).toEqual([
			{ message_id: DROP },
			{ message_id: null },
		]);
	});

	test('a 10 KB display name is truncated to 256 characters, control characters removed', async () => {
		const huge = 'Ä'.repeat(10_240);
		const result = await store.requestSubscription(
			{ waId: '393331234567', name: huge },
			['EMERGENZE'],
			wa(0),
		);
		expect(result.subscriber.displayName).toBe('Ä'.repeat(256));
		const odd = await store.confirmConsent(
			{ waId: '393331234567', name: 'Ma\u0000rio\nRossi\u0007' },
			wa(1),
		);
		expect(odd.subscriber.displayName).toBe('Ma rio Rossi');
	});

	test('emoji and non-Latin names and lists round-trip; truncation never splits a surrogate pair', async () => {
		const name = '👩🏽‍💻 Zoë Ñandú 日本語 مرحبا';
		const lists = ['🚨ALLERTA', 'ÀÉÎÕÜ', '🌊'.repeat(64)];
		const result = await store.requestSubscription({ waId: '393331234567', name }, lists, wa(0));
		expect(result.subscriber.displayName).toBe(name);
		expect(result.subscriber.subscriptions.map((s) => s.list).sort()).toEqual([...lists].sort());
		const long = await store.confirmConsent(
			{ waId: '393331234567', name: '😀'.repeat(300) },
			wa(1),
		);
		expect(long.subscriber.displayName).toBe('😀'.repeat(256));
		expect((await store.get({ waId: '393331234567' }))?.displayName).toBe('😀'.repeat(256));
		const lone = await store.confirmConsent({ waId: '393331234567', name: 'a\uD800b' }, wa(2));
		expect(lone.subscriber.displayName).toBe('a\uFFFDb');
	});

	test.each([
		[{}, 'citizen'],
		[{ waId: '' }, 'citizen'],
		[{ waId: '   ', userId: '' }, 'citizen'],
		[{ waId: 'has space' }, 'citizen.waId'],
		[{ userId: 'x'.repeat(129) }, 'citizen.userId'],
		[{ waId: 123 as unknown as string }, 'citizen.waId'],
		[null as unknown as { waId: string }, 'citizen'],
	])('bad citizen %j → StoreInputError(%s), nothing written', async (citizen, field) => {
		await expect(store.requestSubscription(citizen, ['EMERGENZE'], wa(0))).rejects.toMatchObject({
			name: 'StoreInputError',
			field,
		});
		await expect(store.erase(citizen, wa(0))).rejects.toBeInstanceOf(StoreInputError);
		expect(await db.query('SELECT key FROM subscriber')).toEqual([]);
	});

	test.each([
		['empty', []],
		['empty name', ['']],
		['blank name', ['  ']],
		['over 64', ['X'.repeat(65)]],
		['over 64 emoji', ['🌊'.repeat(65)]],
		['21 lists', Array.from({ length: 21 }, (_, i) => `L${i}`)],
		['control character', ['A\u0000B']],
		['not a string', [42]],
		['not an array', 'EMERGENZE'],
	])('bad lists: %s → StoreInputError(lists)', async (_why, lists) => {
		await expect(
			store.requestSubscription({ waId: '393331234567' }, lists as string[], wa(0)),
		).rejects.toMatchObject({ name: 'StoreInputError', field: 'lists' });
		expect(await db.query('SELECT key FROM subscriber')).toEqual([]);
	});

	test('list names are trimmed, kept as given otherwise, de-duplicated; 64 and 20 are accepted', async () => {
		const twenty = Array.from({ length: 20 }, (_, i) => `L${String(i).padStart(2, '0')}`);
		const ok = await store.requestSubscription({ waId: '393331234567' }, twenty, wa(0));
		expect(ok.changed).toHaveLength(20);
		const trimmed = await store.requestSubscription(
			{ waId: '393331234568' },
			['  EMERGENZE ', 'EMERGENZE', 'emergenze', 'X'.repeat(64)],
			wa(0),
		);
		expect(trimmed.changed.map((c) => c.list)).toEqual(['EMERGENZE', 'emergenze', 'X'.repeat(64)]);
	});

	test('bad contexts and arguments → StoreInputError', async () => {
		const c = { waId: '393331234567' };
		await expect(
			store.requestSubscription(c, ['A'], {
				at: new Date('nope'),
				channel: 'w',
				policyVersion: 'v',
			}),
		).rejects.toMatchObject({ field: 'ctx.at' });
		await expect(
			store.requestSubscription(c, ['A'], { at: new Date(), channel: '', policyVersion: 'v' }),
		).rejects.toMatchObject({ field: 'ctx.channel' });
		await expect(
			store.requestSubscription(c, ['A'], { at: new Date(), channel: 'w', policyVersion: '' }),
		).rejects.toMatchObject({ field: 'ctx.policyVersion' });
		await expect(
			store.requestSubscription(c, ['A'], {
				at: '2026-01-01' as unknown as Date,
				channel: 'w',
				policyVersion: 'v',
			}),
		).rejects.toMatchObject({ field: 'ctx.at' });
		await expect(
			store.unsubscribe(c, ['A'], { at: new Date(), channel: 'w', messageId: 'm'.repeat(257) }),
		).rejects.toMatchObject({ field: 'ctx.messageId' });
		await expect(store.markInboundSeen('', new Date())).rejects.toMatchObject({
			field: 'messageId',
		});
		await expect(store.pruneInboundSeen(new Date(Number.NaN))).rejects.toMatchObject({
			field: 'olderThan',
		});
		await expect(
			store.importSubscriber(
				{ citizen: c, lists: ['A'], consentAt: new Date(Number.NaN), policyVersion: 'v' },
				wa(0),
			),
		).rejects.toMatchObject({ field: 'consentAt' });
		await expect(
			store.importSubscriber(
				{
					citizen: c,
					lists: ['A'],
					consentAt: new Date(),
					policyVersion: 'v',
					state: 'cancelled' as 'active',
				},
				wa(0),
			),
		).rejects.toMatchObject({ field: 'state' });
		expect(await db.query('SELECT key FROM subscriber')).toEqual([]);
	});
});
