/** Citizen keys, waId/userId joins, display names, maskWaId — both backends where a database is involved. */
import {
	citizenKey,
	maskWaId,
	StoreInputError,
	type SubscriptionStore,
} from '../../../nodes/core/store';
import { BACKENDS, freshStoreEachTest, wa, type TestDb } from '../../helpers/storeFixtures';

describe('citizenKey and maskWaId', () => {
	test('wa: when the WhatsApp id is known, else user:', () => {
		expect(citizenKey({ waId: '393331234567', userId: 'IT.1' })).toBe('wa:393331234567');
		expect(citizenKey({ userId: 'IT.1' })).toBe('user:IT.1');
		expect(citizenKey({ waId: '  393331234567 ' })).toBe('wa:393331234567');
		expect(citizenKey({ waId: '', userId: 'IT.1' })).toBe('user:IT.1');
	});

	test.each([{}, { waId: '' }, { userId: '   ' }, { name: 'Mario' }, { waId: '', userId: '' }])(
		'no id → StoreInputError (%j)',
		(citizen) => {
			expect(() => citizenKey(citizen)).toThrow(StoreInputError);
		},
	);

	test('ids with spaces or control characters are refused', () => {
		expect(() => citizenKey({ waId: '39 333' })).toThrow(StoreInputError);
		expect(() => citizenKey({ userId: 'a\u0000b' })).toThrow(StoreInputError);
		expect(() => citizenKey({ waId: 'x'.repeat(129) })).toThrow(StoreInputError);
	});

	test('maskWaId keeps the country code and the last 4 digits', () => {
		expect(maskWaId('393331234567')).toBe('39******4567');
		expect(maskWaId('4915123456789')).toBe('49*******6789');
		expect(maskWaId('1234567')).toBe('12*4567');
		expect(maskWaId('123456')).toBe('******');
		expect(maskWaId('')).toBe('');
		expect(maskWaId(undefined)).toBe('');
	});
});

describe.each(BACKENDS)('citizen identity (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;

	freshStoreEachTest(backend, (fresh, opened) => {
		db = fresh;
		store = opened;
	});

	test('a wa: record and a user: record are joined when a message brings both ids', async () => {
		await store.requestSubscription({ waId: '393331234567' }, ['EMERGENZE'], wa(0, 'a'));
		await store.confirmConsent({ waId: '393331234567' }, wa(1, 'b'));
		await store.requestSubscription(
			{ userId: 'IT.42', name: 'Lucia' },
			['EMERGENZE', 'PUBBLICAUTILITA'],
			wa(2, 'c'),
		);
		// user: record has a newer command for EMERGENZE (pending at 2 > active at 1) and PUBBLICAUTILITA.
		const joined = await store.unsubscribe(
			{ waId: '393331234567', userId: 'IT.42' },
			['NEWS'],
			wa(3, 'd'),
		);
		expect(joined.subscriber).toMatchObject({
			key: 'wa:393331234567',
			waId: '393331234567',
			userId: 'IT.42',
			displayName: 'Lucia',
		});
		expect(joined.subscriber.subscriptions.map((s) => [s.list, s.state])).toEqual([
			['EMERGENZE', 'pending'],
			['NEWS', 'cancelled'],
			['PUBBLICAUTILITA', 'pending'],
		]);
		expect(await db.query('SELECT key FROM subscriber')).toEqual([{ key: 'wa:393331234567' }]);
		const subjects = await db.query('SELECT DISTINCT subject FROM audit_event');
		expect(subjects).toEqual([{ subject: 'wa:393331234567' }]);
		const actions = (await db.query('SELECT action FROM audit_event ORDER BY id')).map(
			(r) => r.action,
		);
		expect(actions).toEqual(['request', 'consent', 'request', 'merge', 'unsubscribe']);
		// Found again by either id.
		expect((await store.get({ userId: 'IT.42' }))?.key).toBe('wa:393331234567');
		expect((await store.get({ waId: '393331234567' }))?.userId).toBe('IT.42');
		// A later username-only message lands on the joined record.
		const later = await store.confirmConsent({ userId: 'IT.42' }, wa(4));
		expect(later.subscriber.key).toBe('wa:393331234567');
		expect(later.changed).toHaveLength(2);
	});

	test('on a join the wa: record wins ties; the older created_at is kept', async () => {
		const user = await store.unsubscribe({ userId: 'IT.7' }, ['EMERGENZE'], wa(5));
		const phone = await store.requestSubscription({ waId: '393330000007' }, ['EMERGENZE'], wa(5));
		const joined = await store.get({ waId: '393330000007' });
		expect(joined?.userId).toBeNull();
		const result = await store.confirmConsent({ waId: '393330000007', userId: 'IT.7' }, wa(6));
		expect(result.changed).toEqual([{ list: 'EMERGENZE', from: 'pending', to: 'active' }]);
		expect(result.subscriber.createdAt).toBe(
			user.subscriber.createdAt < phone.subscriber.createdAt
				? user.subscriber.createdAt
				: phone.subscriber.createdAt,
		);
	});

	test('only one record: the missing id is filled in, no second record', async () => {
		await store.requestSubscription({ waId: '393331111111' }, ['EMERGENZE'], wa(0));
		const filled = await store.confirmConsent({ waId: '393331111111', userId: 'IT.9' }, wa(1));
		expect(filled.subscriber).toMatchObject({ key: 'wa:393331111111', userId: 'IT.9' });

		await store.requestSubscription({ userId: 'IT.10' }, ['EMERGENZE'], wa(0));
		const upgraded = await store.confirmConsent({ waId: '393332222222', userId: 'IT.10' }, wa(1));
		expect(upgraded.subscriber).toMatchObject({ key: 'wa:393332222222', userId: 'IT.10' });
		expect(upgraded.changed).toEqual([{ list: 'EMERGENZE', from: 'pending', to: 'active' }]);
		const keys = (await db.query('SELECT key FROM subscriber ORDER BY key')).map((r) => r.key);
		expect(keys).toEqual(['wa:393331111111', 'wa:393332222222']);
	});

	test('a user id seen with another phone number moves to it (unique user_id kept)', async () => {
		await store.requestSubscription({ waId: '393331111111', userId: 'IT.1' }, ['EMERGENZE'], wa(0));
		const moved = await store.requestSubscription(
			{ waId: '393332222222', userId: 'IT.1' },
			['EMERGENZE'],
			wa(1),
		);
		expect(moved.subscriber.userId).toBe('IT.1');
		expect((await store.get({ waId: '393331111111' }))?.userId).toBeNull();
		expect((await store.get({ userId: 'IT.1' }))?.key).toBe('wa:393332222222');
	});

	test('display name updated when given, kept when not', async () => {
		await store.requestSubscription({ waId: '393331234567', name: 'Mario' }, ['EMERGENZE'], wa(0));
		await store.confirmConsent({ waId: '393331234567' }, wa(1));
		expect((await store.get({ waId: '393331234567' }))?.displayName).toBe('Mario');
		await store.confirmConsent({ waId: '393331234567', name: '  Mario Rossi ' }, wa(2));
		expect((await store.get({ waId: '393331234567' }))?.displayName).toBe('Mario Rossi');
	});

	test('the database enforces unique wa_id and user_id', async () => {
		await store.requestSubscription({ waId: '393331234567', userId: 'IT.1' }, ['EMERGENZE'], wa(0));
		const now = new Date().toISOString();
		await expect(
			db.query(
				'INSERT INTO subscriber (key, user_id, created_at, updated_at) VALUES ($1, $2, $3, $3)',
				['user:other', 'IT.1', now],
			),
		).rejects.toThrow();
		await expect(
			db.query(
				'INSERT INTO subscriber (key, wa_id, created_at, updated_at) VALUES ($1, $2, $3, $3)',
				['wa:other', '393331234567', now],
			),
		).rejects.toThrow();
	});
});
