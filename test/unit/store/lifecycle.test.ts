/** Subscription lifecycle, ordering by message time, redelivery, import, inbound dedupe — both backends. */
import {
	AUDIT_ACTIONS,
	DEFAULT_PENDING_TTL_MS,
	type SubscriberRecord,
	type SubscriptionStore,
} from '../../../nodes/core/store';
import { at, BACKENDS, freshStoreEachTest, wa, type TestDb } from '../../helpers/storeFixtures';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const mario = { waId: '393331234567', name: 'Mario Rossi' };

function stateOf(record: SubscriberRecord | null, list: string) {
	return record?.subscriptions.find((s) => s.list === list)?.state ?? null;
}

describe.each(BACKENDS)('subscription lifecycle (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;

	freshStoreEachTest(backend, (fresh, opened) => {
		db = fresh;
		store = opened;
	});

	async function auditOf(subject: string) {
		return await db.query('SELECT * FROM audit_event WHERE subject = $1 ORDER BY id', [subject]);
	}

	test('request → pending → consent → active → unsubscribe one → unsubscribe all', async () => {
		expect(store.backend).toBe(backend);
		const requested = await store.requestSubscription(
			mario,
			['EMERGENZE', 'PUBBLICAUTILITA'],
			wa(0, 'm1'),
		);
		expect(requested.changed).toEqual([
			{ list: 'EMERGENZE', from: null, to: 'pending' },
			{ list: 'PUBBLICAUTILITA', from: null, to: 'pending' },
		]);
		expect(requested.unchanged).toEqual([]);
		expect(requested.subscriber).toMatchObject({
			key: 'wa:393331234567',
			waId: '393331234567',
			userId: null,
			displayName: 'Mario Rossi',
		});
		const pending = requested.subscriber.subscriptions.find((s) => s.list === 'EMERGENZE');
		expect(pending).toMatchObject({
			state: 'pending',
			policyVersion: 'v1',
			requestedAt: at(0).toISOString(),
			consentAt: null,
			cancelledAt: null,
			commandAt: at(0).toISOString(),
		});
		expect(pending?.updatedAt).toMatch(ISO);
		expect(requested.subscriber.createdAt).toMatch(ISO);

		const consented = await store.confirmConsent(mario, wa(2, 'm2'));
		expect(consented.changed).toEqual([
			{ list: 'EMERGENZE', from: 'pending', to: 'active' },
			{ list: 'PUBBLICAUTILITA', from: 'pending', to: 'active' },
		]);
		expect(consented.subscriber.subscriptions[0]).toMatchObject({
			state: 'active',
			consentAt: at(2).toISOString(),
			policyVersion: 'v1',
		});

		const one = await store.unsubscribe(mario, ['EMERGENZE'], wa(5, 'm3'));
		expect(one.changed).toEqual([{ list: 'EMERGENZE', from: 'active', to: 'cancelled' }]);
		expect(stateOf(one.subscriber, 'EMERGENZE')).toBe('cancelled');
		expect(stateOf(one.subscriber, 'PUBBLICAUTILITA')).toBe('active');
		expect(one.subscriber.subscriptions.find((s) => s.list === 'EMERGENZE')?.cancelledAt).toBe(
			at(5).toISOString(),
		);

		const all = await store.unsubscribe(mario, 'all', wa(6, 'm4'));
		expect(all.changed).toEqual([{ list: 'PUBBLICAUTILITA', from: 'active', to: 'cancelled' }]);
		expect(all.unchanged).toEqual([{ list: 'EMERGENZE', state: 'cancelled', reason: 'already' }]);

		const record = await store.get({ waId: '393331234567' });
		expect(record?.subscriptions.map((s) => s.state)).toEqual(['cancelled', 'cancelled']);

		const events = await auditOf('wa:393331234567');
		expect(events.map((e) => e.action)).toEqual([
			'request',
			'consent',
			'unsubscribe',
			'unsubscribe',
		]);
		expect(events.map((e) => e.message_id)).toEqual(['m1', 'm2', 'm3', 'm4']);
		expect(events[0].channel).toBe('whatsapp');
		expect(events[0].policy_version).toBe('v1');
		const detail =
			typeof events[0].detail === 'string' ? JSON.parse(events[0].detail) : events[0].detail;
		expect(detail).toMatchObject({
			lists: ['EMERGENZE', 'PUBBLICAUTILITA'],
			changed: [
				{ list: 'EMERGENZE', from: null, to: 'pending' },
				{ list: 'PUBBLICAUTILITA', from: null, to: 'pending' },
			],
		});
		for (const event of events) {
			const text = JSON.stringify(event.detail);
			expect(text).not.toContain('393331234567');
			expect(text).not.toContain('Mario');
		}
	});

	test('re-subscribing after a cancellation goes through pending again', async () => {
		await store.requestSubscription(mario, ['EMERGENZE'], wa(0));
		await store.confirmConsent(mario, wa(1));
		await store.unsubscribe(mario, 'all', wa(2));
		const again = await store.requestSubscription(mario, ['EMERGENZE'], wa(3, undefined, 'v2'));
		expect(again.changed).toEqual([{ list: 'EMERGENZE', from: 'cancelled', to: 'pending' }]);
		expect(again.subscriber.subscriptions[0]).toMatchObject({
			policyVersion: 'v2',
			consentAt: null,
			cancelledAt: null,
		});
	});

	test('already active stays active (reason already), request of a pending list refreshes it', async () => {
		await store.requestSubscription(mario, ['EMERGENZE'], wa(0));
		await store.confirmConsent(mario, wa(1));
		const again = await store.requestSubscription(mario, ['EMERGENZE', 'PUBBLICAUTILITA'], wa(3));
		expect(again.changed).toEqual([{ list: 'PUBBLICAUTILITA', from: null, to: 'pending' }]);
		expect(again.unchanged).toEqual([{ list: 'EMERGENZE', state: 'active', reason: 'already' }]);
		expect(stateOf(again.subscriber, 'EMERGENZE')).toBe('active');
		expect(again.subscriber.subscriptions[0].consentAt).toBe(at(1).toISOString());

		const pendingAgain = await store.requestSubscription(
			mario,
			['PUBBLICAUTILITA'],
			wa(10, undefined, 'v2'),
		);
		expect(pendingAgain.unchanged).toEqual([
			{ list: 'PUBBLICAUTILITA', state: 'pending', reason: 'already' },
		]);
		expect(pendingAgain.subscriber.subscriptions[1]).toMatchObject({
			requestedAt: at(10).toISOString(),
			policyVersion: 'v2',
		});
	});

	test('pending older than the TTL expires: cancelled, reported unchanged with reason expired', async () => {
		await store.requestSubscription(mario, ['EMERGENZE'], wa(0));
		await store.requestSubscription(mario, ['PUBBLICAUTILITA'], wa(60 * 24 * 6));
		const sevenDaysAndAMinute = DEFAULT_PENDING_TTL_MS / 60_000 + 1;
		const result = await store.confirmConsent(mario, wa(sevenDaysAndAMinute));
		expect(result.changed).toEqual([{ list: 'PUBBLICAUTILITA', from: 'pending', to: 'active' }]);
		expect(result.unchanged).toEqual([
			{ list: 'EMERGENZE', state: 'cancelled', reason: 'expired' },
		]);
		expect(stateOf(result.subscriber, 'EMERGENZE')).toBe('cancelled');
	});

	test('exactly at the TTL is still valid; a custom TTL applies', async () => {
		await store.requestSubscription(mario, ['EMERGENZE'], wa(0));
		const ok = await store.confirmConsent(mario, wa(10), { pendingTtlMs: 10 * 60_000 });
		expect(ok.changed).toHaveLength(1);
		const other = { waId: '393330000001' };
		await store.requestSubscription(other, ['EMERGENZE'], wa(0));
		const late = await store.confirmConsent(other, wa(11), { pendingTtlMs: 10 * 60_000 });
		expect(late.unchanged).toEqual([{ list: 'EMERGENZE', state: 'cancelled', reason: 'expired' }]);
		await expect(store.confirmConsent(other, wa(12), { pendingTtlMs: -1 })).rejects.toMatchObject({
			name: 'StoreInputError',
			field: 'pendingTtlMs',
		});
	});

	test('consent with nothing pending: unchanged notPending, still audited', async () => {
		const nobody = await store.confirmConsent(mario, wa(0, 'c0'));
		expect(nobody.changed).toEqual([]);
		expect(nobody.unchanged).toEqual([]);
		await store.requestSubscription(mario, ['EMERGENZE'], wa(1));
		await store.confirmConsent(mario, wa(2));
		const twice = await store.confirmConsent(mario, wa(3, 'c3'));
		expect(twice.changed).toEqual([]);
		expect(twice.unchanged).toEqual([{ list: 'EMERGENZE', state: 'active', reason: 'notPending' }]);
		const events = await auditOf('wa:393331234567');
		expect(events.filter((e) => e.action === 'consent')).toHaveLength(3);
	});

	test('a command older than the row (message time) is stale: not applied, still audited', async () => {
		await store.requestSubscription(mario, ['EMERGENZE'], wa(10));
		await store.confirmConsent(mario, wa(11));
		// An OFF written at minute 5 but delivered late.
		const late = await store.unsubscribe(mario, ['EMERGENZE'], wa(5, 'late-off'));
		expect(late.changed).toEqual([]);
		expect(late.unchanged).toEqual([{ list: 'EMERGENZE', state: 'active', reason: 'stale' }]);
		expect(stateOf(late.subscriber, 'EMERGENZE')).toBe('active');
		const events = await auditOf('wa:393331234567');
		expect(events.map((e) => e.action)).toEqual(['request', 'consent', 'unsubscribe']);
		expect(events[2].message_id).toBe('late-off');
	});

	test('an older request delivered after a newer "OFF all" is stale even for a list never held', async () => {
		await store.unsubscribe(mario, 'all', wa(10));
		const late = await store.requestSubscription(mario, ['EMERGENZE'], wa(5));
		expect(late.unchanged).toEqual([{ list: 'EMERGENZE', state: null, reason: 'stale' }]);
		expect(late.subscriber.subscriptions).toEqual([]);
		const newer = await store.requestSubscription(mario, ['EMERGENZE'], wa(11));
		expect(newer.changed).toEqual([{ list: 'EMERGENZE', from: null, to: 'pending' }]);
	});

	test('an older request delivered after a newer OFF of that list stays off', async () => {
		const off = await store.unsubscribe(mario, ['EMERGENZE'], wa(10));
		expect(off.unchanged).toEqual([{ list: 'EMERGENZE', state: null, reason: 'already' }]);
		const late = await store.requestSubscription(mario, ['EMERGENZE'], wa(5));
		expect(late.unchanged).toEqual([{ list: 'EMERGENZE', state: 'cancelled', reason: 'stale' }]);
	});

	test('equal message times: the later arrival wins', async () => {
		await store.requestSubscription(mario, ['EMERGENZE'], wa(10));
		const off = await store.unsubscribe(mario, ['EMERGENZE'], wa(10));
		expect(off.changed).toEqual([{ list: 'EMERGENZE', from: 'pending', to: 'cancelled' }]);
	});

	test('a redelivered message id is applied once and audited once', async () => {
		const first = await store.requestSubscription(mario, ['EMERGENZE'], wa(0, 'wamid.A'));
		expect(first.duplicate).toBeUndefined();
		await store.unsubscribe(mario, 'all', wa(1, 'wamid.B'));
		const again = await store.requestSubscription(mario, ['EMERGENZE'], wa(2, 'wamid.A'));
		expect(again.duplicate).toBe(true);
		expect(again.changed).toEqual([]);
		expect(stateOf(again.subscriber, 'EMERGENZE')).toBe('cancelled');
		const concurrent = await Promise.all(
			[0, 1, 2, 3].map(() => store.confirmConsent(mario, wa(3, 'wamid.C'))),
		);
		expect(concurrent.filter((r) => r.duplicate !== true)).toHaveLength(1);
		const rows = await db.query('SELECT message_id, action FROM audit_event ORDER BY id');
		expect(rows).toEqual([
			{ message_id: 'wamid.A', action: 'request' },
			{ message_id: 'wamid.B', action: 'unsubscribe' },
			{ message_id: 'wamid.C', action: 'consent' },
		]);
	});

	test('the same message id under another action is a different event', async () => {
		await store.requestSubscription(mario, ['EMERGENZE'], wa(0, 'wamid.X'));
		const consent = await store.confirmConsent(mario, wa(0, 'wamid.X'));
		expect(consent.duplicate).toBeUndefined();
		expect(consent.changed).toHaveLength(1);
	});

	test('import: active with the historical consent time, idempotent, audited once', async () => {
		const input = {
			citizen: { waId: '393339998877', name: 'Anna Bianchi' },
			lists: ['EMERGENZE', 'PUBBLICAUTILITA'],
			consentAt: new Date('2024-05-01T10:00:00Z'),
			policyVersion: 'legacy-2024',
		};
		const ctx = { at: at(0), channel: 'import' };
		const first = await store.importSubscriber(input, ctx);
		expect(first.changed).toEqual([
			{ list: 'EMERGENZE', from: null, to: 'active' },
			{ list: 'PUBBLICAUTILITA', from: null, to: 'active' },
		]);
		expect(first.subscriber.subscriptions[0]).toMatchObject({
			state: 'active',
			consentAt: '2024-05-01T10:00:00.000Z',
			requestedAt: '2024-05-01T10:00:00.000Z',
			commandAt: '2024-05-01T10:00:00.000Z',
			policyVersion: 'legacy-2024',
		});
		const second = await store.importSubscriber(input, { at: at(1), channel: 'import' });
		expect(second.changed).toEqual([]);
		expect(second.unchanged.map((u) => u.reason)).toEqual(['already', 'already']);
		expect(second.subscriber.subscriptions).toEqual(first.subscriber.subscriptions);
		const events = await auditOf('wa:393339998877');
		expect(events.map((e) => e.action)).toEqual([AUDIT_ACTIONS.import]);
		expect(await store.count({})).toEqual([
			{ list: 'EMERGENZE', state: 'active', count: 1 },
			{ list: 'PUBBLICAUTILITA', state: 'active', count: 1 },
		]);
	});

	test('import never revives a cancellation made after the historical consent; pending import', async () => {
		const citizen = { waId: '393331110000' };
		await store.unsubscribe(citizen, ['EMERGENZE'], wa(0));
		const revived = await store.importSubscriber(
			{
				citizen,
				lists: ['EMERGENZE', 'PUBBLICAUTILITA'],
				consentAt: at(-60),
				policyVersion: 'old',
				state: 'pending',
			},
			{ at: at(1), channel: 'import' },
		);
		expect(revived.unchanged).toEqual([{ list: 'EMERGENZE', state: 'cancelled', reason: 'stale' }]);
		expect(revived.changed).toEqual([{ list: 'PUBBLICAUTILITA', from: null, to: 'pending' }]);
		expect(revived.subscriber.subscriptions[1].consentAt).toBeNull();
	});

	test('markInboundSeen dedupes redeliveries; prune removes old ids', async () => {
		expect(await store.markInboundSeen('wamid.1', at(0))).toBe(true);
		expect(await store.markInboundSeen('wamid.1', at(1))).toBe(false);
		const burst = await Promise.all(
			[0, 1, 2, 3, 4].map(() => store.markInboundSeen('wamid.2', at(2))),
		);
		expect(burst.filter(Boolean)).toHaveLength(1);
		expect(await store.markInboundSeen('wamid.3', at(60 * 24 * 9))).toBe(true);
		expect(await store.pruneInboundSeen(at(60 * 24 * 8))).toBe(2);
		expect(await store.markInboundSeen('wamid.1', at(60 * 24 * 9))).toBe(true);
		expect(await store.markInboundSeen('wamid.3', at(60 * 24 * 9))).toBe(false);
	});

	test('get: unknown citizen is null and nothing is created', async () => {
		expect(await store.get({ waId: '390000000000' })).toBeNull();
		expect(await store.get({ userId: 'IT.123' })).toBeNull();
		expect(await db.query('SELECT key FROM subscriber')).toEqual([]);
	});

	test('closed store fails with StoreError', async () => {
		const other = await db.open();
		await other.close();
		await other.close();
		await expect(other.get(mario)).rejects.toMatchObject({ name: 'StoreError' });
	});
});
