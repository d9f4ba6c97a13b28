/** GDPR: export (access) and erase (art. 17) with a scan of every column of every table — both backends. */
import { readFileSync } from 'node:fs';
import { DEFAULT_REPORT_RULES } from '../../../nodes/core/conversation/report';
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
			await conversations();
			await store.erase(citizen, wa(20));
			const bytes = readFileSync(db.path as string);
			for (const needle of [WA_ID, USER_ID, NAME, ...WAMIDS]) {
				expect(bytes.includes(Buffer.from(needle, 'utf8'))).toBe(false);
			}
			expect(bytes.includes(Buffer.from('393330000099', 'utf8'))).toBe(true);
		});
	}

	/** Meta's wamids encode the phone number: these do too, so the scan for it finds them. */
	const wamid = (tag: string, waId = WA_ID) => `wamid.HBgM${waId}FQIAEhg${tag}`;
	const WAMIDS = ['R1', 'R2', 'D1', 'Q1', 'OUT1'].map((tag) => wamid(tag));

	/** The citizen's conversations: a report handed over, one being assembled, a question answered, a closure reply. */
	async function conversations(citizenOf = { waId: WA_ID }, bystander = true) {
		const c = store.conversations;
		const part = (tag: string, minutes: number, extra: object) => ({
			messageId: wamid(tag, citizenOf.waId),
			receivedAt: at(minutes).toISOString(),
			type: 'text',
			name: NAME,
			...extra,
		});
		const photo = await c.addReportPart(
			citizenOf,
			part('R1', 30, {
				type: 'image',
				media: { id: 'media.991' },
				text: `buca davanti a casa di ${NAME}`,
			}),
			DEFAULT_REPORT_RULES,
		);
		const done = await c.addReportPart(
			citizenOf,
			part('R2', 31, {
				type: 'location',
				location: { latitude: 44.06, longitude: 12.57, place: 'Via Verdiani 3' },
			}),
			DEFAULT_REPORT_RULES,
		);
		expect(done.report.complete).toBe(true);
		await c.updateCase(photo.caseId, {
			state: 'registered',
			portalService: 'buche',
			portalRequestId: 'REQ-1',
			at: at(32),
		});
		await c.addReportPart(
			citizenOf,
			part('D1', 40, { text: `lampione spento, ${NAME}` }),
			DEFAULT_REPORT_RULES,
		);
		const question = await c.openCase({
			citizen: citizenOf,
			kind: 'question',
			messageId: wamid('Q1', citizenOf.waId),
			at: at(41),
			route: 'operators',
		});
		await c.updateCase(question.record.id, {
			state: 'answered',
			answeredHow: 'text',
			replyWamid: wamid('OUT1', citizenOf.waId),
			at: at(42),
		});
		await store.recordDeliveryStatuses(
			[{ wamid: wamid('OUT1', citizenOf.waId), status: 'read' }],
			at(43),
		);
		expect(await c.claimClosureReply(citizenOf, '2026-03-03T08:00:00.000Z', at(44))).toBe(true);
		if (bystander) {
			const other = { waId: '393330000099' };
			await c.addReportPart(
				other,
				{
					messageId: wamid('X1', other.waId),
					receivedAt: at(45).toISOString(),
					type: 'image',
					media: { id: 'm' },
				},
				DEFAULT_REPORT_RULES,
			);
			await c.claimClosureReply(other, '2026-03-03T08:00:00.000Z', at(45));
		}
	}

	test('erase covers conversations: cases kept under the anonymous id without wamids; drafts and closure memories deleted', async () => {
		await history();
		await conversations();
		expect(await db.scan([WA_ID])).not.toEqual([]);
		const result = await store.erase({ userId: USER_ID }, wa(50, 'erase-c'));
		expect(result.erased).toBe(true);

		expect(await db.scan([WA_ID, USER_ID, NAME, 'Verdiani', ...WAMIDS])).toEqual([]);
		const cases = await db.query(
			'SELECT kind, state, first_message_id, reply_wamid, reply_status, portal_request_id FROM conversation_case WHERE citizen_key = $1 ORDER BY id',
			[result.anonymousId],
		);
		// the figures stay: two reports (one registered, one still waiting) and the answered question
		expect(cases).toEqual([
			{
				kind: 'report',
				state: 'registered',
				first_message_id: null,
				reply_wamid: null,
				reply_status: null,
				portal_request_id: 'REQ-1',
			},
			{
				kind: 'report',
				state: 'received',
				first_message_id: null,
				reply_wamid: null,
				reply_status: null,
				portal_request_id: null,
			},
			{
				kind: 'question',
				state: 'answered',
				first_message_id: null,
				reply_wamid: null,
				reply_status: 'read',
				portal_request_id: null,
			},
		]);
		expect(await store.conversations.casesOf({ waId: WA_ID })).toEqual([]);
		expect(await db.query('SELECT citizen_key FROM report_draft')).toEqual([
			{ citizen_key: 'wa:393330000099' },
		]);
		expect(await db.query('SELECT citizen_key FROM closure_reply')).toEqual([
			{ citizen_key: 'wa:393330000099' },
		]);
		// the bystander's conversations are untouched
		expect(await store.conversations.casesOf({ waId: '393330000099' })).toHaveLength(1);
		// later statuses of the erased reply find nobody; the closure reply may be sent again
		expect(
			await store.recordDeliveryStatuses([{ wamid: wamid('OUT1'), status: 'delivered' }], at(51)),
		).toMatchObject({ unknown: 1 });
		expect(
			await store.conversations.claimClosureReply(
				{ waId: WA_ID },
				'2026-03-03T08:00:00.000Z',
				at(52),
			),
		).toBe(true);
		// a redelivered part of the erased reports opens nothing of the past: it is a new report
		const again = await store.conversations.addReportPart(
			{ waId: WA_ID },
			{ messageId: wamid('R2'), receivedAt: at(31).toISOString(), type: 'text', text: 'x' },
			DEFAULT_REPORT_RULES,
		);
		expect(again).toMatchObject({ duplicate: false, opened: true });
	});

	test.each<[string, (citizen: { waId: string }) => Promise<unknown>]>([
		[
			'only cases (a question)',
			(c) =>
				store.conversations.openCase({
					citizen: c,
					kind: 'question',
					messageId: wamid('Q9'),
					at: at(0),
				}),
		],
		[
			'only a report being assembled',
			(c) =>
				store.conversations.addReportPart(
					c,
					{ messageId: wamid('P9'), receivedAt: at(0).toISOString(), type: 'text', text: 'buca' },
					DEFAULT_REPORT_RULES,
				),
		],
		[
			'only a closure-reply memory',
			(c) => store.conversations.claimClosureReply(c, 'chiusura', at(0)),
		],
	])(
		'a citizen with %s (no subscriber row) is erased: erased:true, audited, nothing left',
		async (_, seed) => {
			const citizen = { waId: WA_ID };
			await seed(citizen);
			expect(await store.get(citizen)).toBeNull();
			const result = await store.erase(citizen, wa(10, 'erase-only'));
			expect(result).toEqual({
				erased: true,
				anonymousId: expect.stringMatching(/^anon:[0-9a-f]{32}$/),
			});
			expect(await db.scan([WA_ID])).toEqual([]);
			const audit = await db.query('SELECT subject, action FROM audit_event');
			expect(audit).toEqual([{ subject: result.anonymousId, action: 'erase' }]);
			const anonymous = await db.query('SELECT citizen_key FROM conversation_case');
			expect(anonymous.every((row) => row.citizen_key === result.anonymousId)).toBe(true);
			// the same anonymous id as a subscriber's erase would give
			await store.requestSubscription(citizen, ['EMERGENZE'], wa(11));
			expect((await store.erase(citizen, wa(12))).anonymousId).toBe(result.anonymousId);
		},
	);

	test("erase and the figures' tables: the move is recorded without the citizen, the alert's cached counts are recounted", async () => {
		await history();
		const ledger = store.broadcasts;
		const run = await ledger.begin({
			id: 'allerta-gdpr',
			list: 'EMERGENZE',
			messageHash: 'h',
			message: { text: 'x' },
			now: at(20),
		});
		await ledger.step({
			id: 'allerta-gdpr',
			runToken: run.runToken,
			list: 'EMERGENZE',
			createdAt: run.record.createdAt,
			now: at(21),
			heartbeat: false,
			outcomes: [],
			claim: [{ key: `wa:${WA_ID}`, waId: WA_ID, userId: USER_ID }],
		});
		await ledger.finish({
			id: 'allerta-gdpr',
			runToken: run.runToken,
			state: 'completed',
			reason: null,
			now: at(22),
		});
		// the figures count and cache the finished alert
		await store.figures.read({
			boundaries: [at(0).toISOString(), at(60).toISOString()],
			pendingTtlMs: 60_000,
			now: at(60).toISOString(),
			waitingLimit: 10,
		});
		expect(await db.query('SELECT broadcast_id FROM broadcast_figures')).toEqual([
			{ broadcast_id: 'allerta-gdpr' },
		]);
		await store.erase({ waId: WA_ID }, wa(30, 'erase-f'));
		expect(await db.scan([WA_ID, USER_ID, NAME, 'Verdiani'])).toEqual([]);
		// the consent activated both lists, PUBBLICAUTILITA was left, the active EMERGENZE ended by the erase
		expect(
			(await db.query('SELECT list, move FROM subscription_move ORDER BY id')).map((r) => [
				r.list,
				r.move,
			]),
		).toEqual([
			['EMERGENZE', 'joined'],
			['PUBBLICAUTILITA', 'joined'],
			['PUBBLICAUTILITA', 'left'],
			['EMERGENZE', 'erased'],
		]);
		expect(await db.query('SELECT broadcast_id FROM broadcast_figures')).toEqual([]);
	});

	test("erase deletes the citizen's rows of the ingress's outbox, waiting or forwarded; others stay", async () => {
		const body = (wamid: string, from: string, text: string, name = NAME) => ({
			wamid,
			citizenKey: `wa:${from}`,
			body: Buffer.from(
				JSON.stringify({
					object: 'whatsapp_business_account',
					entry: [
						{
							changes: [
								{
									value: {
										contacts: [{ profile: { name }, wa_id: from }],
										messages: [{ from, id: wamid, text: { body: text } }],
									},
								},
							],
						},
					],
				}),
			),
			signature: `sha256=${'0'.repeat(64)}`,
			messages: 1,
		});
		await store.outbox.enqueue(
			[
				body('wamid.OUT1', WA_ID, 'Buca in via Verdiani'),
				body('wamid.OUT2', WA_ID, 'seconda'),
				body('wamid.BY1', '393330000099', 'Bystander asks', 'Bystander'),
			],
			at(0),
		);
		const [first] = await store.outbox.claim('ingress-1', 10, 60_000, at(0));
		await store.outbox.markForwarded(first.id, 'ingress-1', at(0));
		expect(await db.scan([WA_ID, 'wamid.OUT1', 'wamid.OUT2'])).not.toEqual([]);
		// only outbox rows: erase still finds the citizen
		const result = await store.erase({ waId: WA_ID }, wa(1, 'erase-o'));
		expect(result.erased).toBe(true);
		expect(await db.scan([WA_ID, NAME, 'Verdiani', 'wamid.OUT1', 'wamid.OUT2'])).toEqual([]);
		expect((await db.query('SELECT wamid FROM ingress_outbox')).map((r) => r.wamid)).toEqual([
			'wamid.BY1',
		]);
		// the erased message is never forwarded; the bystander's still is
		const claimed = await store.outbox.claim('ingress-1', 10, 60_000, at(2));
		expect(claimed.map((c) => c.wamid)).toEqual(['wamid.BY1']);
	});

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
