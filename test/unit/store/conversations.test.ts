/**
 * Conversation state on the store (schema v3), both backends: reports assembled from their parts (one
 * case each, redeliveries recognised, the 24 h window, the parts bound), the once-per-closure reply, and
 * the cases' forward-only life. Then the races two n8n workers produce: the parts of one report, a
 * case's two updates, a closure's reply, claimed through two separately opened stores at once.
 */
import {
	DEFAULT_REPORT_RULES,
	MAX_PART_TEXT_LENGTH,
	MAX_REPORT_PARTS,
} from '../../../nodes/core/conversation/report';
import type {
	CaseChange,
	CaseState,
	ReportPart,
	ReportRules,
} from '../../../nodes/core/conversation/types';
import { StoreInputError, type SubscriptionStore } from '../../../nodes/core/store';
import {
	CLOSURE_REPLY_RETENTION_MS,
	type ConversationLedger,
} from '../../../nodes/core/store/conversations';
import { at, BACKENDS, createTestDb, type Row, type TestDb } from '../../helpers/storeFixtures';

const RULES: ReportRules = DEFAULT_REPORT_RULES;
const WA_ID = '393471234567';
const CITIZEN = { waId: WA_ID };
const KEY = `wa:${WA_ID}`;
const DAY_MINUTES = 24 * 60;
/** Tables emptied between tests (the schema and the pepper stay). */
const TABLES = ['report_draft', 'closure_reply', 'conversation_case', 'delivery_status_tally'];

let seq = 0;
function part(minutes: number, fields: Partial<ReportPart> = {}): ReportPart {
	seq += 1;
	return {
		messageId: `wamid.part.${seq}`,
		receivedAt: at(minutes).toISOString(),
		type: 'text',
		...fields,
	};
}
const photo = (minutes: number) =>
	part(minutes, {
		type: 'image',
		media: { id: `media.${minutes}.${seq}`, mimeType: 'image/jpeg' },
	});
const text = (minutes: number, words: string) => part(minutes, { text: words });
const position = (minutes: number) =>
	part(minutes, {
		type: 'location',
		location: { latitude: 44.0596, longitude: 12.5683, place: 'Via Roma 1' },
	});

async function expectInputError(promise: Promise<unknown>, field: string | RegExp): Promise<void> {
	const error = await promise.then(
		() => new Error('expected a StoreInputError'),
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(StoreInputError);
	expect((error as StoreInputError).field).toMatch(field);
}

/** Every row of the conversation tables, for "nothing changed" checks. */
async function snapshot(db: TestDb): Promise<Record<string, Row[]>> {
	const out: Record<string, Row[]> = {};
	for (const table of ['report_draft', 'closure_reply', 'conversation_case']) {
		out[table] = await db.query(`SELECT * FROM ${table} ORDER BY 1`);
	}
	return out;
}

/** The message ids of the citizen's report still being assembled ([] when none). */
async function openParts(db: TestDb, key = KEY): Promise<string[]> {
	const rows = await db.query('SELECT parts FROM report_draft WHERE citizen_key = $1', [key]);
	if (rows.length === 0) return [];
	const parts = typeof rows[0].parts === 'string' ? JSON.parse(rows[0].parts) : rows[0].parts;
	return (parts as ReportPart[]).map((p) => p.messageId);
}

describe.each(BACKENDS)('ConversationLedger (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;
	let ledger: ConversationLedger;

	// One database per backend for the file, emptied before each test.
	beforeAll(async () => {
		db = await createTestDb(backend);
		store = await db.open();
		ledger = store.conversations;
	});
	afterAll(async () => db.cleanup());
	beforeEach(async () => {
		for (const table of TABLES) await db.query(`DELETE FROM ${table}`);
	});

	describe('addReportPart', () => {
		test('photo, then position: incomplete (position missing), then complete on the same case; a third part opens a new case', async () => {
			const first = await ledger.addReportPart(CITIZEN, photo(0), RULES);
			expect(first).toMatchObject({ opened: true, duplicate: false });
			expect(first.caseId).toBeGreaterThan(0);
			expect(first.report).toMatchObject({ complete: false, missing: 'position', messages: 1 });
			expect(await ledger.getCase(first.caseId)).toMatchObject({
				citizenKey: KEY,
				kind: 'report',
				channel: 'whatsapp',
				state: 'received',
				openedAt: at(0).toISOString(),
				messages: 1,
				outOfHours: false,
				portalService: 'altro',
				replyWamid: null,
			});

			const second = await ledger.addReportPart(CITIZEN, position(2), RULES);
			expect(second).toMatchObject({ caseId: first.caseId, opened: false, duplicate: false });
			expect(second.report).toMatchObject({
				complete: true,
				missing: null,
				messages: 2,
				latitude: 44.0596,
				place: 'Via Roma 1',
				firstMessageAt: at(0).toISOString(),
			});
			expect(second.report.photos).toHaveLength(1);
			expect((await ledger.getCase(first.caseId))?.messages).toBe(2);
			// handed over: nothing of it waits any more
			expect(await openParts(db)).toEqual([]);

			const third = await ledger.addReportPart(CITIZEN, text(3, 'anche una buca'), RULES);
			expect(third).toMatchObject({ opened: true, duplicate: false });
			expect(third.caseId).not.toBe(first.caseId);
			expect(third.report).toMatchObject({
				complete: false,
				missing: 'position',
				messages: 1,
				service: 'buche',
			});
			expect((await ledger.casesOf(CITIZEN)).map((c) => c.id)).toEqual([
				third.caseId,
				first.caseId,
			]);
		});

		test('the words choose the service, kept on the case; options set channel and out-of-hours', async () => {
			const first = await ledger.addReportPart(
				CITIZEN,
				text(0, 'Lampione spento da giorni'),
				RULES,
				{
					outOfHours: true,
					channel: 'telegram',
				},
			);
			expect((await ledger.getCase(first.caseId))?.portalService).toBe('illuminazione');
			const done = await ledger.addReportPart(CITIZEN, position(1), RULES);
			expect(done.report).toMatchObject({
				complete: true,
				service: 'illuminazione',
				faultType: 'spento',
			});
			expect(await ledger.getCase(first.caseId)).toMatchObject({
				channel: 'telegram',
				outOfHours: true,
				portalService: 'illuminazione',
			});
		});

		test('a part redelivered while the report is open: duplicate, nothing changes', async () => {
			const p = photo(0);
			const first = await ledger.addReportPart(CITIZEN, p, RULES);
			const before = await snapshot(db);
			const again = await ledger.addReportPart(CITIZEN, { ...p }, RULES);
			expect(again).toMatchObject({ caseId: first.caseId, opened: false, duplicate: true });
			expect(again.report).toMatchObject({ complete: false, messages: 1 });
			expect(await snapshot(db)).toEqual(before);
		});

		test.each<[string, 0 | 1]>([
			['the part that completed it', 1],
			['its first part (the one that opened the case)', 0],
		])(
			'%s redelivered after the report was handed over: duplicate of that case, nothing changes',
			async (_, which) => {
				const parts = [photo(0), position(1)];
				const first = await ledger.addReportPart(CITIZEN, parts[0], RULES);
				expect((await ledger.addReportPart(CITIZEN, parts[1], RULES)).report.complete).toBe(true);
				const before = await snapshot(db);
				const again = await ledger.addReportPart(CITIZEN, { ...parts[which] }, RULES);
				expect(again).toMatchObject({ caseId: first.caseId, opened: false, duplicate: true });
				// a report is handed over once: a duplicate never says complete
				expect(again.report.complete).toBe(false);
				expect(await snapshot(db)).toEqual(before);
				expect(await ledger.casesOf(CITIZEN)).toHaveLength(1);
				// the next genuine part starts a new report
				const next = await ledger.addReportPart(CITIZEN, text(5, 'altro problema'), RULES);
				expect(next.opened).toBe(true);
				expect(next.caseId).not.toBe(first.caseId);
			},
		);

		test('parts older than the window: the old case closes as expired, a new one opens with the new part', async () => {
			const old = await ledger.addReportPart(CITIZEN, photo(0), RULES);
			const late = position(DAY_MINUTES + 1);
			const fresh = await ledger.addReportPart(CITIZEN, late, RULES);
			expect(fresh).toMatchObject({ opened: true, duplicate: false });
			expect(fresh.caseId).not.toBe(old.caseId);
			expect(fresh.report).toMatchObject({ complete: false, missing: 'description', messages: 1 });
			expect(await ledger.getCase(old.caseId)).toMatchObject({
				state: 'closed',
				closedReason: 'expired',
				messages: 1,
			});
			expect((await ledger.getCase(old.caseId))?.closedAt).not.toBeNull();
			expect(await ledger.getCase(fresh.caseId)).toMatchObject({
				state: 'received',
				openedAt: at(DAY_MINUTES + 1).toISOString(),
				firstMessageId: late.messageId,
			});
			expect(await openParts(db)).toEqual([late.messageId]);
		});

		test('a part exactly at the window’s edge still joins the report', async () => {
			const first = await ledger.addReportPart(CITIZEN, photo(0), RULES);
			const done = await ledger.addReportPart(CITIZEN, position(DAY_MINUTES), RULES);
			expect(done).toMatchObject({ caseId: first.caseId, opened: false });
			expect(done.report.complete).toBe(true);
		});

		test('an expired report whose case staff already closed keeps its reason', async () => {
			const old = await ledger.addReportPart(CITIZEN, text(0, 'buca'), RULES);
			await ledger.updateCase(old.caseId, { state: 'closed', closedReason: 'spam', at: at(5) });
			await ledger.addReportPart(CITIZEN, photo(2 * DAY_MINUTES), RULES);
			expect(await ledger.getCase(old.caseId)).toMatchObject({
				state: 'closed',
				closedReason: 'spam',
				closedAt: at(5).toISOString(),
			});
		});

		test('a late part older than the window before the report’s newest part is not added to it', async () => {
			const first = await ledger.addReportPart(CITIZEN, photo(3 * DAY_MINUTES), RULES);
			const stale = await ledger.addReportPart(CITIZEN, position(0), RULES);
			expect(stale).toMatchObject({ caseId: first.caseId, opened: false, duplicate: false });
			expect(stale.report).toMatchObject({ complete: false, messages: 1, missing: 'position' });
			expect(await ledger.casesOf(CITIZEN)).toHaveLength(1);
			expect(await openParts(db)).toEqual(first.report.messageIds);
		});

		test(`at most ${MAX_REPORT_PARTS} parts are kept: the newest ones`, async () => {
			const sent: string[] = [];
			let last;
			for (let i = 0; i < MAX_REPORT_PARTS + 10; i++) {
				const p = text(i, `messaggio ${i}`);
				sent.push(p.messageId);
				last = await ledger.addReportPart(CITIZEN, p, RULES);
			}
			expect(last?.report).toMatchObject({ complete: false, messages: MAX_REPORT_PARTS });
			expect(last?.report.messageIds).toEqual(sent.slice(-MAX_REPORT_PARTS));
			expect(await openParts(db)).toEqual(sent.slice(-MAX_REPORT_PARTS));
			expect((await ledger.getCase(last?.caseId ?? 0))?.messages).toBe(MAX_REPORT_PARTS);
			expect(await ledger.casesOf(CITIZEN)).toHaveLength(1);
		});

		test.each<[string, () => unknown, string | RegExp]>([
			[
				'latitude over 90',
				() => part(0, { location: { latitude: 91, longitude: 12 } }),
				'part.location',
			],
			[
				'longitude under -180',
				() => part(0, { location: { latitude: 44, longitude: -180.5 } }),
				'part.location',
			],
			[
				'latitude not a number',
				() => part(0, { location: { latitude: Number.NaN, longitude: 12 } }),
				'part.location',
			],
			[
				'latitude missing (null)',
				() => part(0, { location: { latitude: null as unknown as number, longitude: 12 } }),
				'part.location',
			],
			[
				'latitude empty text',
				() => part(0, { location: { latitude: '' as unknown as number, longitude: 12 } }),
				'part.location',
			],
			[
				'latitude true',
				() => part(0, { location: { latitude: true as unknown as number, longitude: 12 } }),
				'part.location',
			],
			['text that is not text', () => part(0, { text: 42 as unknown as string }), 'part.text'],
			[
				'text that is an object',
				() => part(0, { text: { toString: () => 'buca' } as unknown as string }),
				'part.text',
			],
			[
				'no message id',
				() => ({ ...part(0, { text: 'buca' }), messageId: undefined }),
				'messageId',
			],
			['an empty message id', () => part(0, { messageId: '  ', text: 'buca' }), 'messageId'],
			[
				'a message id with control characters',
				() => part(0, { messageId: 'wamid.\u0000x', text: 'buca' }),
				'messageId',
			],
			[
				'a message id of 257 characters',
				() => part(0, { messageId: 'w'.repeat(257), text: 'buca' }),
				'messageId',
			],
			[
				'a time that is not a time',
				() => part(0, { receivedAt: 'ieri', text: 'buca' }),
				'part.receivedAt',
			],
			[
				'a time given as a number',
				() => part(0, { receivedAt: 1772438400000 as unknown as string }),
				'part.receivedAt',
			],
			[
				'a media id that is an object',
				() => part(0, { media: { id: {} as unknown as string } }),
				'part.media.id',
			],
			['not an object', () => null, 'part'],
			['a string', () => 'buca', 'part'],
		])(
			'a part with %s is refused (StoreInputError) and nothing is written',
			async (_, make, field) => {
				await expectInputError(ledger.addReportPart(CITIZEN, make() as ReportPart, RULES), field);
				expect(await snapshot(db)).toEqual({
					report_draft: [],
					closure_reply: [],
					conversation_case: [],
				});
			},
		);

		test.each<[string, () => [unknown, unknown, unknown], string | RegExp]>([
			['a citizen without id', () => [{ name: 'Mario' }, text(0, 'buca'), RULES], 'citizen'],
			[
				'rules with a window that is not a number',
				() => [CITIZEN, text(0, 'buca'), { ...RULES, windowMs: Number.NaN }],
				'rules',
			],
			[
				'rules without services',
				() => [CITIZEN, text(0, 'buca'), { ...RULES, services: undefined }],
				'rules',
			],
		])('%s is refused (StoreInputError) and nothing is written', async (_, make, field) => {
			const [citizen, p, rules] = make();
			await expectInputError(
				ledger.addReportPart(citizen as typeof CITIZEN, p as ReportPart, rules as ReportRules),
				field,
			);
			expect(await snapshot(db)).toEqual({
				report_draft: [],
				closure_reply: [],
				conversation_case: [],
			});
		});

		test('hostile contents: stored bounded and cleaned, never refused for the citizen’s sake', async () => {
			const huge = `${'🚧'.repeat(MAX_PART_TEXT_LENGTH + 10)}`;
			const outcome = await ledger.addReportPart(
				CITIZEN,
				part(0, {
					text: `  buca\u0000 {nome} {{x}} \u202Eرحمة\u202C\n${huge}`,
					name: `Mario ${'Rossi'.repeat(200)}\u0007`,
					media: { id: 'media.1', mimeType: 'image/jpeg', filename: `${'f'.repeat(400)}.jpg` },
				}),
				RULES,
			);
			expect(outcome.report.complete).toBe(false);
			expect(outcome.report.service).toBe('buche');
			const stored = await db.query('SELECT parts FROM report_draft WHERE citizen_key = $1', [KEY]);
			const [kept] = (
				typeof stored[0].parts === 'string' ? JSON.parse(stored[0].parts) : stored[0].parts
			) as ReportPart[];
			expect(Array.from(kept.text ?? '')).toHaveLength(MAX_PART_TEXT_LENGTH);
			expect(kept.text).not.toContain('\u0000');
			expect(kept.text).toContain('{nome} {{x}}');
			expect(kept.text).toContain('\n🚧');
			// no lone surrogate: the truncation cut between code points
			expect((kept.text ?? '').endsWith('🚧')).toBe(true);
			expect(Array.from(kept.name ?? '')).toHaveLength(256);
			expect(kept.name).toMatch(/^Mario Rossi/);
			expect(Array.from(kept.media?.filename ?? '').length).toBeLessThanOrEqual(256);
			const done = await ledger.addReportPart(
				CITIZEN,
				part(1, {
					location: {
						latitude: '44.06' as unknown as number,
						longitude: 12.57,
						place: `${'Via '.repeat(300)}\u0000`,
					},
				}),
				RULES,
			);
			expect(done.report).toMatchObject({ complete: true, latitude: 44.06, longitude: 12.57 });
			expect(done.report.place.length).toBeLessThanOrEqual(512);
			expect(done.report.place).not.toContain('\u0000');
			expect(done.report.firstName).toBe('Mario');
		});

		test('citizens do not share reports; a user-id citizen has its own key', async () => {
			const a = await ledger.addReportPart(CITIZEN, photo(0), RULES);
			const b = await ledger.addReportPart({ userId: 'IT.12345' }, position(1), RULES);
			expect(b.caseId).not.toBe(a.caseId);
			expect(b.report).toMatchObject({ complete: false, missing: 'description' });
			expect((await ledger.casesOf({ userId: 'IT.12345' }))[0].citizenKey).toBe('user:IT.12345');
		});
	});

	describe('claimClosureReply', () => {
		const closure = '2026-03-02T08:00:00.000Z';
		test('true the first time for a citizen and closure, false afterwards; other closures and citizens are their own', async () => {
			expect(await ledger.claimClosureReply(CITIZEN, closure, at(0))).toBe(true);
			expect(await ledger.claimClosureReply(CITIZEN, closure, at(1))).toBe(false);
			expect(
				await ledger.claimClosureReply({ waId: WA_ID, name: 'Mario' }, ` ${closure} `, at(2)),
			).toBe(false);
			expect(await ledger.claimClosureReply(CITIZEN, '2026-03-03T08:00:00.000Z', at(3))).toBe(true);
			expect(await ledger.claimClosureReply({ waId: '393339999999' }, closure, at(4))).toBe(true);
			expect(await ledger.claimClosureReply({ userId: 'IT.1' }, closure, at(5))).toBe(true);
			expect(await db.query('SELECT citizen_key FROM closure_reply')).toHaveLength(4);
		});

		test('memories older than 30 days are pruned by the next claim', async () => {
			expect(await ledger.claimClosureReply(CITIZEN, closure, at(0))).toBe(true);
			expect(await ledger.claimClosureReply({ waId: '393330000001' }, 'later', at(10))).toBe(true);
			const retention = CLOSURE_REPLY_RETENTION_MS / 60_000;
			// just within 30 days: kept
			expect(await ledger.claimClosureReply({ waId: '393330000002' }, 'x', at(retention))).toBe(
				true,
			);
			expect(await db.query('SELECT closure FROM closure_reply ORDER BY closure')).toHaveLength(3);
			// a day later: the first memory is gone, the one of minute 10 not yet
			const rows = async () =>
				(await db.query('SELECT closure FROM closure_reply ORDER BY closure')).map(
					(r) => r.closure,
				);
			await ledger.claimClosureReply({ waId: '393330000003' }, 'y', at(retention + 5));
			expect(await rows()).toEqual(['later', 'x', 'y']);
			expect(await ledger.claimClosureReply(CITIZEN, closure, at(retention + 6))).toBe(true);
		});

		test.each<[string, () => Promise<unknown>, string]>([
			['an empty closure', () => ledger.claimClosureReply(CITIZEN, '  ', at(0)), 'closure'],
			[
				'a closure longer than 64',
				() => ledger.claimClosureReply(CITIZEN, 'x'.repeat(65), at(0)),
				'closure',
			],
			['an invalid time', () => ledger.claimClosureReply(CITIZEN, closure, new Date('x')), 'at'],
			['no citizen', () => ledger.claimClosureReply({}, closure, at(0)), 'citizen'],
		])('%s is refused', async (_, call, field) => {
			await expectInputError(call(), field);
			expect(await db.query('SELECT citizen_key FROM closure_reply')).toEqual([]);
		});
	});

	describe('cases', () => {
		const open = (
			messageId: string,
			extra: Partial<Parameters<ConversationLedger['openCase']>[0]> = {},
		) => ledger.openCase({ citizen: CITIZEN, kind: 'question', messageId, at: at(0), ...extra });

		test('openCase is idempotent by message id; with a route the case is routed', async () => {
			const first = await open('wamid.q1', { outOfHours: true });
			expect(first.created).toBe(true);
			expect(first.record).toMatchObject({
				citizenKey: KEY,
				kind: 'question',
				channel: 'whatsapp',
				state: 'received',
				openedAt: at(0).toISOString(),
				firstMessageId: 'wamid.q1',
				messages: 1,
				outOfHours: true,
				routedTo: null,
				routedAt: null,
				answeredAt: null,
				closedAt: null,
			});
			const again = await open('wamid.q1', { at: at(5), kind: 'report', route: 'operators' });
			expect(again).toEqual({ created: false, record: first.record });
			expect(await db.query('SELECT id FROM conversation_case')).toHaveLength(1);

			const routed = await open('wamid.q2', {
				route: 'urp_mailbox',
				at: at(7),
				channel: 'telegram',
			});
			expect(routed.created).toBe(true);
			expect(routed.record).toMatchObject({
				state: 'routed',
				routedTo: 'urp_mailbox',
				routedAt: at(7).toISOString(),
				channel: 'telegram',
				outOfHours: false,
			});
		});

		test.each<[string, Record<string, unknown>, string]>([
			['an unknown kind', { kind: 'complaint' }, 'kind'],
			['no message id', { messageId: '' }, 'messageId'],
			['an invalid time', { at: new Date(Number.NaN) }, 'at'],
			['an unknown route', { route: 'mayor' }, 'routedTo'],
			['a channel longer than 32', { channel: 'c'.repeat(33) }, 'channel'],
		])('openCase with %s is refused; nothing written', async (_, extra, field) => {
			await expectInputError(open('wamid.bad', extra as never), field);
			expect(await db.query('SELECT id FROM conversation_case')).toEqual([]);
		});

		/** Each path from a fresh case: every step accepted, or the step that must be refused. */
		test.each<[string, CaseState[], CaseState | null]>([
			['received → routed → answered → closed', ['routed', 'answered', 'closed'], null],
			['received → registered → closed', ['registered', 'closed'], null],
			['received → answered', ['answered'], null],
			['received → closed', ['closed'], null],
			['routed → routed (same state: no step)', ['routed', 'routed', 'answered'], null],
			['answered → routed refused', ['routed', 'answered', 'routed'], 'answered'],
			['registered → answered refused', ['registered', 'answered'], 'registered'],
			['answered → registered refused', ['answered', 'registered'], 'answered'],
			['routed → received refused', ['routed', 'received'], 'routed'],
			['closed is final: → received refused', ['closed', 'received'], 'closed'],
			['closed is final: → answered refused', ['answered', 'closed', 'answered'], 'closed'],
		])('updateCase moves forward only: %s', async (_, path, refusedAt) => {
			const { record } = await open('wamid.path');
			for (const [i, state] of path.entries()) {
				const isLast = i === path.length - 1;
				if (isLast && refusedAt !== null) {
					const before = await ledger.getCase(record.id);
					await expectInputError(ledger.updateCase(record.id, { state, at: at(100) }), 'state');
					expect(await ledger.getCase(record.id)).toEqual(before);
					expect(before?.state).toBe(refusedAt);
				} else {
					expect((await ledger.updateCase(record.id, { state, at: at(10 + i) })).state).toBe(state);
				}
			}
		});

		test('what goes with each step: routed_at, answered_at, closed_at, the portal’s number', async () => {
			const { record } = await open('wamid.steps');
			const routed = await ledger.updateCase(record.id, {
				state: 'routed',
				routedTo: 'segnala',
				at: at(1),
			});
			expect(routed).toMatchObject({
				routedTo: 'segnala',
				routedAt: at(1).toISOString(),
				updatedAt: at(1).toISOString(),
			});
			const registered = await ledger.updateCase(String(record.id), {
				state: 'registered',
				portalService: ' buche ',
				portalRequestId: 'REQ-2026-0042',
				at: at(2),
			});
			expect(registered).toMatchObject({
				state: 'registered',
				portalService: 'buche',
				portalRequestId: 'REQ-2026-0042',
				routedAt: at(1).toISOString(),
				answeredAt: null,
			});
			const closed = await ledger.updateCase(record.id, {
				state: 'closed',
				closedReason: 'registered',
				at: at(3),
			});
			expect(closed).toMatchObject({ closedAt: at(3).toISOString(), closedReason: 'registered' });

			const q = (await open('wamid.steps2')).record;
			const answered = await ledger.updateCase(q.id, {
				state: 'answered',
				answeredHow: 'template',
				at: at(4),
			});
			expect(answered).toMatchObject({ answeredAt: at(4).toISOString(), answeredHow: 'template' });
			// moving to routed without a route still records when
			const r = (await open('wamid.steps3')).record;
			expect(await ledger.updateCase(r.id, { state: 'routed', at: at(5) })).toMatchObject({
				routedAt: at(5).toISOString(),
				routedTo: null,
			});
		});

		test('answeredHow alone records the answer time once, without changing the state', async () => {
			const { record } = await open('wamid.how', { route: 'operators' });
			const first = await ledger.updateCase(record.id, { answeredHow: 'text', at: at(3) });
			expect(first).toMatchObject({
				state: 'routed',
				answeredHow: 'text',
				answeredAt: at(3).toISOString(),
			});
			const second = await ledger.updateCase(record.id, { answeredHow: 'template', at: at(9) });
			expect(second).toMatchObject({ answeredHow: 'template', answeredAt: at(3).toISOString() });
		});

		test('a new replyWamid resets the reply status; the same one keeps it', async () => {
			const { record } = await open('wamid.reply');
			await ledger.updateCase(record.id, { replyWamid: 'wamid.out.1', at: at(1) });
			await store.recordDeliveryStatuses([{ wamid: 'wamid.out.1', status: 'read' }], at(2));
			expect(await ledger.getCase(record.id)).toMatchObject({
				replyStatus: 'read',
				replyStatusAt: at(2).toISOString(),
			});
			await ledger.updateCase(record.id, { replyWamid: ' wamid.out.1 ', at: at(3) });
			expect(await ledger.getCase(record.id)).toMatchObject({
				replyWamid: 'wamid.out.1',
				replyStatus: 'read',
			});
			const changed = await ledger.updateCase(record.id, { replyWamid: 'wamid.out.2', at: at(4) });
			expect(changed).toMatchObject({
				replyWamid: 'wamid.out.2',
				replyStatus: null,
				replyStatusAt: null,
			});
		});

		test('an empty change changes nothing (not even updated_at)', async () => {
			const { record } = await open('wamid.nothing');
			expect(await ledger.updateCase(record.id, { at: at(50) })).toEqual(record);
		});

		test.each<[string, unknown, CaseChange, string]>([
			['an unknown case', 999_999, { state: 'closed' }, 'caseId'],
			['id zero', 0, { state: 'closed' }, 'caseId'],
			['a negative id', -3, { state: 'closed' }, 'caseId'],
			['an id that is not a number', 'abc', { state: 'closed' }, 'caseId'],
			['a fractional id', 1.5, { state: 'closed' }, 'caseId'],
			['an unknown state', 'CASE', { state: 'lost' as CaseState }, 'state'],
			['a prototype key as state', 'CASE', { state: '__proto__' as CaseState }, 'state'],
			['an unknown route', 'CASE', { routedTo: 'mayor' as never }, 'routedTo'],
			['an unknown answer kind', 'CASE', { answeredHow: 'email' as never }, 'answeredHow'],
			[
				'a portal number that is an object',
				'CASE',
				{ portalRequestId: {} as never },
				'portalRequestId',
			],
			[
				'a 300-character portal number',
				'CASE',
				{ portalRequestId: 'x'.repeat(300) },
				'portalRequestId',
			],
			['an invalid time', 'CASE', { state: 'closed', at: new Date('x') }, 'at'],
		])(
			'updateCase with %s is refused (StoreInputError), the case unchanged',
			async (_, id, change, field) => {
				const { record } = await open('wamid.refused');
				await expectInputError(
					ledger.updateCase((id === 'CASE' ? record.id : id) as number, change),
					field,
				);
				expect(await ledger.getCase(record.id)).toEqual(record);
			},
		);

		test('getCase and casesOf', async () => {
			expect(await ledger.getCase(123_456)).toBeNull();
			await expectInputError(ledger.getCase('x'), 'caseId');
			const ids: number[] = [];
			for (let i = 0; i < 5; i++)
				ids.push((await open(`wamid.list.${i}`, { at: at(i) })).record.id);
			await ledger.openCase({
				citizen: { waId: '393330000009' },
				kind: 'report',
				messageId: 'wamid.other',
				at: at(9),
			});
			expect((await ledger.getCase(String(ids[2])))?.firstMessageId).toBe('wamid.list.2');
			expect((await ledger.casesOf(CITIZEN)).map((c) => c.id)).toEqual([...ids].reverse());
			expect((await ledger.casesOf({ waId: WA_ID, userId: 'IT.9' }, 2)).map((c) => c.id)).toEqual([
				ids[4],
				ids[3],
			]);
			expect(await ledger.casesOf(CITIZEN, 0)).toHaveLength(1);
			expect(await ledger.casesOf(CITIZEN, Number.NaN)).toHaveLength(5);
			expect(await ledger.casesOf({ waId: '393330000000' })).toEqual([]);
			expect(await ledger.casesOf({ waId: '393330000009' })).toHaveLength(1);
		});
	});
});

/**
 * Two n8n workers: two separately opened stores on one database (PostgreSQL: two pools; SQLite: two
 * connections to one file, serialised by its write lock). Each race is run for 20 citizens at once
 * (WHATSURP_CONVERSATION_TEST_CITIZENS sets another number, e.g. 200 to hunt a rare interleaving).
 */
describe.each(BACKENDS)('conversations through two stores at once (%s)', (backend) => {
	const CITIZENS = Number(process.env.WHATSURP_CONVERSATION_TEST_CITIZENS ?? 20);
	let db: TestDb;
	let a: SubscriptionStore;
	let b: SubscriptionStore;
	const waIdOf = (i: number) => `39348${String(i).padStart(7, '0')}`;

	beforeAll(async () => {
		db = await createTestDb(backend);
		a = await db.open();
		b = await db.open({ ...(backend === 'postgres' ? { maxConnections: 10 } : {}) });
	});
	afterAll(async () => db.cleanup());
	beforeEach(async () => {
		for (const table of TABLES) await db.query(`DELETE FROM ${table}`);
	});

	test(`a photo and the position sent at the same moment, ${CITIZENS} citizens at once: one complete report and one case each`, async () => {
		const outcomes = await Promise.all(
			Array.from({ length: CITIZENS }, async (_, i) => {
				const citizen = { waId: waIdOf(i) };
				const [x, y] = await Promise.all([
					a.conversations.addReportPart(citizen, photo(0), RULES),
					b.conversations.addReportPart(citizen, position(0), RULES),
				]);
				return { i, x, y };
			}),
		);
		for (const { i, x, y } of outcomes) {
			expect({ i, complete: [x, y].filter((o) => o.report.complete).length }).toEqual({
				i,
				complete: 1,
			});
			expect({ i, opened: [x, y].filter((o) => o.opened).length }).toEqual({ i, opened: 1 });
			expect(x.caseId).toBe(y.caseId);
			expect([x, y].some((o) => o.duplicate)).toBe(false);
			expect(
				(await a.conversations.casesOf({ waId: waIdOf(i) })).map((c) => [c.id, c.messages]),
			).toEqual([[x.caseId, 2]]);
			expect(await openParts(db, `wa:${waIdOf(i)}`)).toEqual([]);
		}
		expect(await db.query('SELECT id FROM conversation_case')).toHaveLength(CITIZENS);
	}, 30_000);

	test('a photo waiting, then the position and a text at the same moment: exactly one completes it, nothing fails', async () => {
		const outcomes = await Promise.all(
			Array.from({ length: CITIZENS }, async (_, i) => {
				const citizen = { waId: waIdOf(i) };
				const opened = await a.conversations.addReportPart(citizen, photo(0), RULES);
				const [x, y] = await Promise.all([
					a.conversations.addReportPart(citizen, position(1), RULES),
					b.conversations.addReportPart(citizen, text(1, 'buca profonda'), RULES),
				]);
				return { i, opened, x, y };
			}),
		);
		for (const { i, opened, x, y } of outcomes) {
			expect({ i, complete: [x, y].filter((o) => o.report.complete).length }).toEqual({
				i,
				complete: 1,
			});
			const cases = await a.conversations.casesOf({ waId: waIdOf(i) });
			const completed = [x, y].find((o) => o.report.complete);
			expect(completed?.caseId).toBe(opened.caseId);
			// the text either joined the report before the position, or came after it and opened the next
			expect(cases.length).toBe(completed?.report.messages === 3 ? 1 : 2);
		}
	}, 30_000);

	test('a burst (position and four texts at once while a photo waits): one report completes, every part lands once', async () => {
		const outcomes = await Promise.all(
			Array.from({ length: CITIZENS }, async (_, i) => {
				const citizen = { waId: waIdOf(i) };
				await a.conversations.addReportPart(citizen, photo(0), RULES);
				const parts = [position(1), ...[2, 3, 4, 5].map((m) => text(m, `dettaglio ${m}`))];
				const settled = await Promise.allSettled(
					parts.map((p, k) => (k % 2 === 0 ? a : b).conversations.addReportPart(citizen, p, RULES)),
				);
				return { i, parts, settled };
			}),
		);
		for (const { i, parts, settled } of outcomes) {
			expect({
				i,
				failed: settled
					.filter((s) => s.status === 'rejected')
					.map((s) => String((s as PromiseRejectedResult).reason)),
			}).toEqual({ i, failed: [] });
			const results = settled.map(
				(s) =>
					(s as PromiseFulfilledResult<Awaited<ReturnType<ConversationLedger['addReportPart']>>>)
						.value,
			);
			const completed = results.filter((r) => r.report.complete);
			expect({ i, complete: completed.length }).toEqual({ i, complete: 1 });
			// every text is either in the completed report or waits in the next one
			const handedOver = completed[0].report.messageIds;
			const waiting = await openParts(db, `wa:${waIdOf(i)}`);
			expect([...handedOver, ...waiting].sort()).toEqual(
				expect.arrayContaining(parts.map((p) => p.messageId).sort()),
			);
			expect(handedOver.length + waiting.length).toBe(parts.length + 1);
		}
	}, 30_000);

	test('the same part delivered to both workers at once: added once, the other is a duplicate', async () => {
		const outcomes = await Promise.all(
			Array.from({ length: CITIZENS }, async (_, i) => {
				const citizen = { waId: waIdOf(i) };
				const p = photo(0);
				return await Promise.all([
					a.conversations.addReportPart(citizen, p, RULES),
					b.conversations.addReportPart(citizen, { ...p }, RULES),
				]);
			}),
		);
		for (const [x, y] of outcomes) {
			expect([x.duplicate, y.duplicate].sort()).toEqual([false, true]);
			expect(x.caseId).toBe(y.caseId);
		}
		expect(await db.query('SELECT id FROM conversation_case')).toHaveLength(CITIZENS);
	}, 30_000);

	test('a case answered by one worker and closed by the other at once never moves back', async () => {
		const results = await Promise.all(
			Array.from({ length: CITIZENS }, async (_, i) => {
				const { record } = await a.conversations.openCase({
					citizen: { waId: waIdOf(i) },
					kind: 'question',
					messageId: `wamid.race.${i}`,
					at: at(0),
					route: 'operators',
				});
				// each worker tries both, in the opposite order
				const settled = await Promise.allSettled(
					[a, b, b, a, a, b].map((s, k) =>
						k % 2 === 0
							? s.conversations.updateCase(record.id, {
									state: 'answered',
									answeredHow: 'text',
									at: at(1),
								})
							: s.conversations.updateCase(record.id, {
									state: 'closed',
									closedReason: 'unanswered',
									at: at(1),
								}),
					),
				);
				return { id: record.id, settled };
			}),
		);
		for (const { id, settled } of results) {
			// closing is always allowed (closed → closed is no step); answered either came before it or was
			// refused as a step back
			expect(settled.filter((_, k) => k % 2 === 1).every((s) => s.status === 'fulfilled')).toBe(
				true,
			);
			for (const s of settled)
				if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(StoreInputError);
			expect((await a.conversations.getCase(id))?.state).toBe('closed');
		}
	}, 30_000);

	test('the closure reply claimed by both workers at once: exactly one gets it', async () => {
		const results = await Promise.all(
			Array.from({ length: CITIZENS }, (_, i) =>
				Promise.all([
					a.conversations.claimClosureReply({ waId: waIdOf(i) }, 'chiusura-1', at(0)),
					b.conversations.claimClosureReply({ waId: waIdOf(i) }, 'chiusura-1', at(0)),
				]),
			),
		);
		for (const pair of results) expect([...pair].sort()).toEqual([false, true]);
	});

	test('one message opening a case through both workers at once: one case', async () => {
		const pairs = await Promise.all(
			Array.from({ length: CITIZENS }, (_, i) => {
				const input = {
					citizen: { waId: waIdOf(i) },
					kind: 'question' as const,
					messageId: `wamid.once.${i}`,
					at: at(0),
				};
				return Promise.all([a.conversations.openCase(input), b.conversations.openCase(input)]);
			}),
		);
		for (const [x, y] of pairs) {
			expect([x.created, y.created].sort()).toEqual([false, true]);
			expect(x.record.id).toBe(y.record.id);
		}
		expect(await db.query('SELECT id FROM conversation_case')).toHaveLength(CITIZENS);
	});
});
