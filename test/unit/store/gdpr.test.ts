/** GDPR: export (access) and erase (art. 17) with a scan of every column of every table — both backends. */
import { readFileSync } from 'node:fs';
import type { SubscriptionStore } from '../../../nodes/core/store';
import { at, BACKENDS, freshStoreEachTest, wa, type TestDb } from '../../helpers/storeFixtures';

const WA_ID = '393471234509';
const USER_ID = 'IT.8812345678901';
const NAME = 'Giuseppina Verdiani';
const citizen = { waId: WA_ID, userId: USER_ID, name: NAME };

describe.each(BACKENDS)('GDPR export and erase (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;

	freshStoreEachTest(backend, (fresh, opened) => {
		db = fresh;
		store = opened;
	});

	async function history() {
		// A user: record first, then joined into the wa: one; a full lifecycle; a bystander who stays.
		await store.requestSubscription(
			{ userId: USER_ID, name: NAME },
			['PUBBLICAUTILITA'],
			wa(0, 'g1'),
		);
		await store.requestSubscription(citizen, ['EMERGENZE'], wa(1, 'g2'));
		await store.confirmConsent(citizen, wa(2, 'g3'));
		await store.unsubscribe(citizen, ['PUBBLICAUTILITA'], wa(3, 'g4'));
		await store.markInboundSeen('wamid.g1', at(0));
		await store.requestSubscription(
			{ waId: '393330000099', name: 'Bystander' },
			['EMERGENZE'],
			wa(4, 'b1'),
		);
	}

	test('export returns the record and the audit trail, and is itself audited', async () => {
		await history();
		const exported = await store.exportCitizen(
			{ userId: USER_ID },
			{ at: at(10), channel: 'staff' },
		);
		expect(exported.subscriber).toMatchObject({
			key: `wa:${WA_ID}`,
			userId: USER_ID,
			displayName: NAME,
		});
		expect(exported.subscriber?.subscriptions.map((s) => [s.list, s.state])).toEqual([
			['EMERGENZE', 'active'],
			['PUBBLICAUTILITA', 'cancelled'],
		]);
		expect(exported.auditEvents.map((e) => e.action)).toEqual([
			'request',
			'merge',
			'request',
			'consent',
			'unsubscribe',
			'export',
		]);
		expect(exported.auditEvents.every((e) => e.subject === `wa:${WA_ID}`)).toBe(true);
		expect(exported.auditEvents[0]).toMatchObject({
			at: at(0).toISOString(),
			policyVersion: 'v1',
			channel: 'whatsapp',
			messageId: 'g1',
			detail: { lists: ['PUBBLICAUTILITA'] },
		});
		const last = exported.auditEvents[5];
		expect(last).toMatchObject({
			at: at(10).toISOString(),
			channel: 'staff',
			detail: { found: true, auditEvents: 5 },
		});
		const again = await store.exportCitizen(citizen);
		expect(again.auditEvents.filter((e) => e.action === 'export')).toHaveLength(2);
		expect(again.auditEvents.map((e) => e.id)).toEqual(
			[...again.auditEvents.map((e) => e.id)].sort((a, b) => a - b),
		);
	});

	test('export of an unknown citizen: nothing, and the export event does not store the phone number', async () => {
		const exported = await store.exportCitizen({ waId: '393339999999' });
		expect(exported.subscriber).toBeNull();
		expect(exported.auditEvents).toHaveLength(1);
		expect(exported.auditEvents[0].subject).toMatch(/^anon:[0-9a-f]{32}$/);
		expect(await db.scan(['393339999999'])).toEqual([]);
	});

	test('erase: no trace of waId, userId or name in any column of any table; anonymous audit kept', async () => {
		await history();
		const result = await store.erase({ waId: WA_ID }, wa(20, 'erase-1'));
		expect(result.erased).toBe(true);
		expect(result.anonymousId).toMatch(/^anon:[0-9a-f]{32}$/);

		const tables = await db.tables();
		expect(tables).toEqual(
			expect.arrayContaining([
				'subscriber',
				'subscription',
				'audit_event',
				'inbound_seen',
				'store_meta',
				'schema_migrations',
			]),
		);
		expect(await db.scan([WA_ID, USER_ID, NAME, 'Giuseppina', 'Verdiani'])).toEqual([]);
		// The bystander is untouched (and the scan does find data that is there).
		expect(await db.scan(['393330000099', 'Bystander'])).not.toEqual([]);
		expect(await store.get({ waId: '393330000099' })).not.toBeNull();

		const anonymous = await db.query(
			'SELECT action, message_id FROM audit_event WHERE subject = $1 ORDER BY id',
			[result.anonymousId],
		);
		expect(anonymous.map((e) => e.action)).toEqual([
			'request',
			'merge',
			'request',
			'consent',
			'unsubscribe',
			'erase',
		]);
		expect(anonymous[5].message_id).toBe('erase-1');
		expect(await store.get(citizen)).toBeNull();
		expect(await store.exportCitizen({ waId: WA_ID })).toMatchObject({ subscriber: null });
		expect(await db.scan([WA_ID])).toEqual([]);

		// Erasing again (or a redelivery) finds nothing.
		expect(await store.erase(citizen, wa(21))).toEqual({ erased: false, anonymousId: null });
		expect(await store.erase(citizen, wa(22, 'erase-1'))).toEqual({
			erased: false,
			anonymousId: null,
		});
	});

	if (backend === 'sqlite') {
		test('erase also leaves no trace in the SQLite file itself (secure_delete + WAL checkpoint)', async () => {
			await history();
			await store.erase(citizen, wa(20));
			const bytes = readFileSync(db.path as string);
			for (const needle of [WA_ID, USER_ID, NAME]) {
				expect(bytes.includes(Buffer.from(needle, 'utf8'))).toBe(false);
			}
			expect(bytes.includes(Buffer.from('393330000099', 'utf8'))).toBe(true);
		});
	}

	test('the anonymous id is stable per citizen and store (HMAC with the stored pepper)', async () => {
		await store.requestSubscription({ waId: WA_ID }, ['EMERGENZE'], wa(0));
		const first = await store.erase({ waId: WA_ID }, wa(1));
		await store.requestSubscription({ waId: WA_ID }, ['EMERGENZE'], wa(2));
		const second = await store.erase({ waId: WA_ID }, wa(3));
		expect(second.anonymousId).toBe(first.anonymousId);
		const pepper = await db.query("SELECT value FROM store_meta WHERE key = 'pepper'");
		expect(String(pepper[0].value)).toMatch(/^[0-9a-f]{64}$/);
	});

	test('erase of an unknown citizen writes nothing', async () => {
		expect(await store.erase({ waId: '393330000000' }, wa(0))).toEqual({
			erased: false,
			anonymousId: null,
		});
		expect(await db.query('SELECT id FROM audit_event')).toEqual([]);
	});
});
