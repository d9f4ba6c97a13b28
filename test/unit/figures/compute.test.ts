/**
 * The figures on both stores, against a hand-counted year written through the store's own methods
 * (requests, consents, unsubscribes, an import, an erase, the broadcast ledger, cases) with controlled
 * message times: months and ISO weeks cut in Europe/Rome across both summer-time changes, a citizen who
 * left and came back, an erased citizen (counted, not named), an alert re-run with the same id (counted
 * once), requests expiring, answer times against the office's opening days (Easter Monday closed), and
 * what is waiting. No output string may hold a fixture's number, name or store key.
 */
import { computeFigures, FiguresInputError, yearPeriod } from '../../../nodes/core/figures';
import type { Figures, FiguresRow, ListFigures } from '../../../nodes/core/figures';
import type { SubscriptionStore } from '../../../nodes/core/store';
import { StoreInputError } from '../../../nodes/core/store';
import { BACKENDS, createTestDb, type TestDb } from '../../helpers/storeFixtures';

const EM = 'EMERGENZE';
const VI = 'VIABILITA';
const A = { waId: '393330000001', name: 'Mario Rossi' };
const B = { waId: '393330000002', name: 'Giulia Bianchi' };
const C = { waId: '393330000003', name: 'Carla Verdi' };
const D = { waId: '393330000004', name: 'Dario Neri' };
const E = { waId: '393330000005', name: 'Elena Gialli' };
const F = { waId: '393330000006', name: 'Franco Blu' };
const SECRETS = [
	...[A, B, C, D, E, F].flatMap((c) => [c.waId, ...c.name.split(' ')]),
	'wa:',
	'anon:',
	'wamid.',
];
const NOW = new Date('2026-12-07T10:00:00.000Z');

const t = (iso: string) => new Date(iso);
let seq = 0;
const ctx = (iso: string, policyVersion = 'v1') => ({
	at: t(iso),
	channel: 'whatsapp',
	messageId: `wamid.fixture.${++seq}`,
	policyVersion,
});

async function subscribe(
	store: SubscriptionStore,
	who: { waId?: string; userId?: string; name?: string },
	lists: string[],
	requested: string,
	accepted: string | null,
) {
	await store.requestSubscription(who, lists, ctx(requested));
	if (accepted !== null) await store.confirmConsent(who, ctx(accepted));
}

async function question(
	store: SubscriptionStore,
	who: typeof A,
	opened: string,
	outOfHours: boolean,
	then: { answered?: string; how?: 'text' | 'template'; unanswered?: string } = {},
): Promise<number> {
	const { record } = await store.conversations.openCase({
		citizen: who,
		kind: 'question',
		messageId: `wamid.case.${++seq}`,
		at: t(opened),
		outOfHours,
		route: 'operators',
	});
	if (then.answered !== undefined) {
		await store.conversations.updateCase(record.id, {
			state: 'answered',
			answeredHow: then.how ?? 'text',
			at: t(then.answered),
		});
	}
	if (then.unanswered !== undefined) {
		await store.conversations.updateCase(record.id, {
			state: 'closed',
			closedReason: 'unanswered',
			at: t(then.unanswered),
		});
	}
	return record.id;
}

async function report(
	store: SubscriptionStore,
	who: typeof A,
	opened: string,
	outOfHours: boolean,
	to: 'segnala' | 'urp_mailbox' | null,
	service?: string,
): Promise<number> {
	const { record } = await store.conversations.openCase({
		citizen: who,
		kind: 'report',
		messageId: `wamid.case.${++seq}`,
		at: t(opened),
		outOfHours,
	});
	if (to !== null) {
		await store.conversations.updateCase(record.id, {
			state: to === 'segnala' ? 'registered' : 'routed',
			routedTo: to,
			portalService: service,
			portalRequestId: to === 'segnala' ? '2026/123' : undefined,
			at: t(opened),
		});
	}
	return record.id;
}

/** The hand-counted year (see the tallies in the tests). */
async function seed(store: SubscriptionStore): Promise<{ waitingQuestion: number }> {
	// A: active since December 2025, leaves in February, comes back at 2026-03-31T22:30Z (April in Rome)
	await subscribe(store, A, [EM], '2025-12-20T10:00:00.000Z', '2025-12-20T10:05:00.000Z');
	await store.unsubscribe(A, [EM], ctx('2026-02-10T10:00:00.000Z'));
	await subscribe(store, A, [EM], '2026-03-31T22:30:00.000Z', '2026-03-31T22:35:00.000Z');
	// B: joins both lists in January, is erased in May
	await subscribe(store, B, [EM, VI], '2026-01-15T09:00:00.000Z', '2026-01-15T09:10:00.000Z');
	// C: asks for VIABILITA in June and never accepts (expires 8 June)
	await subscribe(store, C, [VI], '2026-06-01T08:00:00.000Z', null);
	// D: asks in July, accepts nine days later: too late (expired)
	await subscribe(store, D, [EM], '2026-07-01T08:00:00.000Z', '2026-07-10T08:00:00.000Z');
	// E: imported in February 2026 with consent of June 2025 (active before the year)
	await store.importSubscriber(
		{
			citizen: E,
			lists: [EM],
			consentAt: t('2025-06-01T08:00:00.000Z'),
			policyVersion: 'v0',
		},
		{ at: t('2026-02-01T08:00:00.000Z'), channel: 'import' },
	);
	// F: asks on the 25-hour day, accepts at 2026-10-31T23:30Z (1 November in Rome)
	await subscribe(store, F, [EM], '2026-10-25T00:30:00.000Z', '2026-10-31T23:30:00.000Z');

	// Alert 1 (EMERGENZE, March): A, E, F reached (sent, sent, failed 131026), D cancelled → unsubscribed;
	// re-run with the same id an hour later: still one alert.
	const ledger = store.broadcasts;
	const first = await ledger.begin({
		id: 'allerta-1',
		list: EM,
		messageHash: 'h1',
		message: { text: 'Allerta meteo' },
		now: t('2026-03-10T09:00:00.000Z'),
	});
	const keys = [A, E, F, D].map((c) => ({ key: `wa:${c.waId}`, waId: c.waId, userId: null }));
	const base = {
		id: 'allerta-1',
		list: EM,
		createdAt: first.record.createdAt,
		heartbeat: false,
	};
	await ledger.step({
		...base,
		runToken: first.runToken,
		now: t('2026-03-10T09:01:00.000Z'),
		outcomes: [],
		claim: keys,
	});
	await ledger.step({
		...base,
		runToken: first.runToken,
		now: t('2026-03-10T09:02:00.000Z'),
		claim: [],
		outcomes: [
			{ key: `wa:${A.waId}`, state: 'sent', wamid: 'wamid.alert.a', attempts: 1 },
			{ key: `wa:${E.waId}`, state: 'sent', wamid: 'wamid.alert.e', attempts: 1 },
			{ key: `wa:${F.waId}`, state: 'failed', errorCode: 131026, attempts: 1 },
		],
	});
	await ledger.finish({
		id: 'allerta-1',
		runToken: first.runToken,
		state: 'aborted',
		reason: 'test',
		now: t('2026-03-10T09:10:00.000Z'),
	});
	const again = await ledger.begin({
		id: 'allerta-1',
		list: EM,
		messageHash: 'h1',
		message: { text: 'Allerta meteo' },
		now: t('2026-03-10T10:00:00.000Z'),
	});
	expect(again.resumed).toBe(true);
	await ledger.finish({
		id: 'allerta-1',
		runToken: again.runToken,
		state: 'completed',
		reason: null,
		now: t('2026-03-10T10:05:00.000Z'),
	});
	await store.recordDeliveryStatuses(
		[
			{ wamid: 'wamid.alert.a', status: 'delivered' },
			{ wamid: 'wamid.alert.e', status: 'read' },
		],
		t('2026-03-10T10:06:00.000Z'),
	);
	// Alert 2 (VIABILITA): created 2025-12-31T23:30Z = 1 January 2026 in Rome, nobody to reach
	const second = await ledger.begin({
		id: 'viabilita-capodanno',
		list: VI,
		messageHash: 'h2',
		message: { text: 'Strade chiuse' },
		now: t('2025-12-31T23:30:00.000Z'),
	});
	await ledger.finish({
		id: 'viabilita-capodanno',
		runToken: second.runToken,
		state: 'completed',
		reason: null,
		now: t('2025-12-31T23:31:00.000Z'),
	});

	// Cases
	await question(store, B, '2026-02-02T09:00:00.000Z', false, {
		answered: '2026-02-02T09:20:00.000Z',
	}); // Mon 10:00 Rome, 20 min, in time
	await question(store, A, '2026-03-03T08:30:00.000Z', false, {
		answered: '2026-03-03T09:30:00.000Z',
	}); // Tue 9:30, 60 min, in time
	await question(store, A, '2026-03-02T13:00:00.000Z', true, {
		answered: '2026-03-04T09:00:00.000Z',
		how: 'template',
	}); // Mon 14:00 (closed) → by Tue 17:00; answered Wed: 2640 min, late, template
	await question(store, E, '2026-03-28T11:00:00.000Z', false, {
		answered: '2026-03-30T07:30:00.000Z',
	}); // Sat 12:00 → by Sat 13:00; answered Mon 9:30 (after the spring change): 2670 min, late
	await question(store, E, '2026-04-03T15:00:00.000Z', true, {
		answered: '2026-04-04T10:00:00.000Z',
	}); // Fri 17:00 (closed) → by Sat 13:00; 1140 min, in time
	await question(store, F, '2026-04-04T12:00:00.000Z', true, {
		answered: '2026-04-07T14:00:00.000Z',
	}); // Sat 14:00 → Sunday, Easter Monday closed → by Tue 7 April 17:00; 4440 min, in time
	await question(store, F, '2026-04-10T08:00:00.000Z', false, {
		unanswered: '2026-04-13T08:00:00.000Z',
	});
	const waitingQuestion = await question(store, C, '2026-11-20T09:00:00.000Z', false);
	await report(store, A, '2026-03-05T10:00:00.000Z', false, 'segnala', 'buche');
	await report(store, E, '2026-03-06T20:00:00.000Z', true, 'urp_mailbox', 'illuminazione');
	await report(store, F, '2026-10-25T22:30:00.000Z', true, 'segnala', 'verde'); // 23:30 of the 25-hour day
	await report(store, D, '2026-11-25T10:00:00.000Z', false, null);

	// B is erased in May: its subscriptions end, its case stays (anonymous)
	const erased = await store.erase(B, ctx('2026-05-05T08:00:00.000Z'));
	expect(erased.erased).toBe(true);
	return { waitingQuestion };
}

function row(figures: Figures, key: string): FiguresRow {
	const found = figures.rows.find((r) => r.key === key);
	if (found === undefined) throw new Error(`no row ${key}`);
	return found;
}

function list(rows: ListFigures[], name: string): ListFigures {
	const found = rows.find((r) => r.list === name);
	if (found === undefined) throw new Error(`no list ${name}`);
	return found;
}

/** [month, activeAtStart, activeAtEnd, joined, leftByCommand, leftByErase, pendingExpired] */
type ListTally = [string, number, number, number, number, number, number];

const EMERGENZE_MONTHS: ListTally[] = [
	['2026-01', 2, 3, 1, 0, 0, 0], // A and E active; B joins
	['2026-02', 3, 2, 0, 1, 0, 0], // A leaves (the import of E in February changes nothing)
	['2026-03', 2, 2, 0, 0, 0, 0], // A's request of 31 March 22:30Z is April in Rome
	['2026-04', 2, 3, 1, 0, 0, 0], // A is back
	['2026-05', 3, 2, 0, 0, 1, 0], // B erased
	['2026-06', 2, 2, 0, 0, 0, 0],
	['2026-07', 2, 2, 0, 0, 0, 1], // D accepted too late
	['2026-08', 2, 2, 0, 0, 0, 0],
	['2026-09', 2, 2, 0, 0, 0, 0],
	['2026-10', 2, 2, 0, 0, 0, 0], // F asked on 25 October
	['2026-11', 2, 3, 1, 0, 0, 0], // F accepted at 31 October 23:30Z = 1 November
	['2026-12', 3, 3, 0, 0, 0, 0],
];

const VIABILITA_MONTHS: ListTally[] = [
	['2026-01', 0, 1, 1, 0, 0, 0],
	['2026-05', 1, 0, 0, 0, 1, 0],
	['2026-06', 0, 0, 0, 0, 0, 1], // C's request ran out on 8 June
	['2026-12', 0, 0, 0, 0, 0, 0],
];

describe.each(BACKENDS)('computeFigures (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;
	let year: Figures;
	let waitingQuestion: number;

	beforeAll(async () => {
		db = await createTestDb(backend);
		store = await db.open();
		({ waitingQuestion } = await seed(store));
		year = await computeFigures(store, { period: yearPeriod(2026), now: NOW });
	});
	afterAll(async () => {
		await db.cleanup();
	});

	test('the year has twelve Rome months and both lists', () => {
		expect(year.rows.map((r) => [r.key, r.from, r.to])).toEqual(
			Array.from({ length: 12 }, (_, i) => {
				const m = String(i + 1).padStart(2, '0');
				const last = new Date(Date.UTC(2026, i + 1, 0)).getUTCDate();
				return [`2026-${m}`, `2026-${m}-01`, `2026-${m}-${last}`];
			}),
		);
		expect(year.lists).toEqual([EM, VI]);
		expect(year.period).toEqual({
			from: '2026-01-01',
			to: '2026-12-31',
			timeZone: 'Europe/Rome',
			granularity: 'month',
		});
		expect(year.generatedAt).toBe(NOW.toISOString());
	});

	test.each([
		...EMERGENZE_MONTHS.map((m) => [EM, ...m] as const),
		...VIABILITA_MONTHS.map((m) => [VI, ...m] as const),
	])('%s %s: start %i end %i joined %i left %i erased %i expired %i', (name, month, ...tally) => {
		const f = list(row(year, month).subscribers, name);
		expect([
			f.activeAtStart,
			f.activeAtEnd,
			f.joined,
			f.leftByCommand,
			f.leftByErase,
			f.pendingExpired,
		]).toEqual(tally);
		expect(f.change).toBe(tally[1] - tally[0]);
	});

	test('the year as a whole: per list, with the change on the previous year', () => {
		expect(year.totals.subscribers).toEqual([
			{
				list: EM,
				activeAtStart: 2,
				activeAtEnd: 3,
				joined: 3,
				leftByCommand: 1,
				leftByErase: 1,
				pendingExpired: 1,
				change: 1,
				changePercent: 50,
			},
			{
				list: VI,
				activeAtStart: 0,
				activeAtEnd: 0,
				joined: 1,
				leftByCommand: 0,
				leftByErase: 1,
				pendingExpired: 1,
				change: 0,
				changePercent: null,
			},
		]);
	});

	test('alerts: the re-run counts once, its reach and failures; 31 Dec 23:30Z is January', () => {
		const march = row(year, '2026-03').broadcasts.find((b) => b.list === EM);
		expect(march).toEqual({
			list: EM,
			count: 1,
			recipients: 4,
			accepted: 2,
			delivered: 2,
			read: 1,
			failed: 1,
			failedByCode: { '131026': 1 },
			unsubscribedMidway: 1,
			durationSeconds: 3900,
			longestSeconds: 3900,
		});
		const january = row(year, '2026-01').broadcasts.find((b) => b.list === VI);
		expect(january).toMatchObject({ count: 1, recipients: 0, durationSeconds: 60 });
		expect(year.totals.broadcasts.map((b) => [b.list, b.count])).toEqual([
			[EM, 1],
			[VI, 1],
		]);
		expect(row(year, '2026-02').broadcasts.every((b) => b.count === 0)).toBe(true);
	});

	test.each([
		// month, questions, reports, commands, outOfHours, byService
		['2026-01', 0, 0, 2, 0, {}],
		['2026-02', 1, 0, 1, 0, {}],
		['2026-03', 3, 2, 0, 2, { buche: 1, illuminazione: 1 }],
		['2026-04', 3, 0, 2, 2, {}],
		['2026-06', 0, 0, 1, 0, {}],
		['2026-07', 0, 0, 2, 0, {}],
		['2026-10', 0, 1, 1, 1, { verde: 1 }],
		['2026-11', 1, 1, 1, 0, { unknown: 1 }],
	] as const)(
		'messages of %s: %i questions, %i reports, %i commands, %i out of hours',
		(month, questions, reports, commands, outOfHours, byService) => {
			expect(row(year, month).messages).toEqual({
				questions,
				reports,
				commands,
				outOfHours,
				reportsByService: byService,
			});
		},
	);

	test.each([
		// month, answered, median, p90, share, template, unanswered, registered, mailbox
		['2026-01', 0, null, null, null, 0, 0, 0, 0],
		['2026-02', 1, 20, 20, 1, 0, 0, 0, 0],
		['2026-03', 3, 2640, 2664, 0.333, 1, 0, 1, 1],
		['2026-04', 2, 2790, 4110, 1, 0, 1, 0, 0],
		['2026-10', 0, null, null, null, 0, 0, 1, 0],
	] as const)(
		'service of %s: %i answered, median %s, p90 %s, share %s',
		(month, answered, median, p90, share, template, unanswered, registered, mailbox) => {
			expect(row(year, month).service).toEqual({
				answered,
				answerMinutesMedian: median,
				answerMinutesP90: p90,
				answeredByNextOpeningDayShare: share,
				answeredAsTemplate: template,
				unanswered,
				reportsRegistered: registered,
				reportsToMailbox: mailbox,
			});
		},
	);

	test("totals of messages and service: the erased citizen's question still counts", () => {
		expect(year.totals.messages).toEqual({
			questions: 8,
			reports: 4,
			commands: 10,
			outOfHours: 5,
			reportsByService: { buche: 1, illuminazione: 1, verde: 1, unknown: 1 },
		});
		expect(year.totals.service).toEqual({
			answered: 6,
			answerMinutesMedian: 1890,
			answerMinutesP90: 3555,
			answeredByNextOpeningDayShare: 0.667,
			answeredAsTemplate: 1,
			unanswered: 1,
			reportsRegistered: 2,
			reportsToMailbox: 1,
		});
	});

	test('waiting now: the open question, the reports not registered, the case not routed', () => {
		expect(year.waiting.openQuestions).toEqual([
			{
				caseId: waitingQuestion,
				kind: 'question',
				state: 'routed',
				routedTo: 'operators',
				openedAt: '2026-11-20T09:00:00.000Z',
				ageMinutes: 17 * 24 * 60 + 60,
				outOfHours: false,
			},
		]);
		expect(year.waiting.reportsNotRegistered.map((c) => [c.openedAt, c.state, c.routedTo])).toEqual(
			[
				['2026-03-06T20:00:00.000Z', 'routed', 'urp_mailbox'],
				['2026-11-25T10:00:00.000Z', 'received', null],
			],
		);
		expect(year.waiting.notRouted.map((c) => [c.kind, c.openedAt])).toEqual([
			['report', '2026-11-25T10:00:00.000Z'],
		]);
		expect(year.waiting.counts).toEqual({
			openQuestions: 1,
			reportsNotRegistered: 2,
			notRouted: 1,
		});
	});

	test('no number, name, store key or message id leaves the figures', async () => {
		const text = JSON.stringify([
			year,
			await computeFigures(store, {
				period: {
					from: '2025-12-01',
					to: '2026-12-31',
					timeZone: 'Europe/Rome',
					granularity: 'week',
				},
				now: NOW,
			}),
		]);
		for (const secret of SECRETS) expect(text).not.toContain(secret);
	});

	test('ISO weeks across the 25-hour day: 25 October 23:30 (22:30Z) is still week 43', async () => {
		const weeks = await computeFigures(store, {
			period: {
				from: '2026-10-19',
				to: '2026-11-08',
				timeZone: 'Europe/Rome',
				granularity: 'week',
			},
			now: NOW,
		});
		expect(
			weeks.rows.map((r) => [r.key, r.from, r.to, r.messages.reports, r.messages.commands]),
		).toEqual([
			['2026-W43', '2026-10-19', '2026-10-25', 1, 1],
			['2026-W44', '2026-10-26', '2026-11-01', 0, 1],
			['2026-W45', '2026-11-02', '2026-11-08', 0, 0],
		]);
		expect(weeks.rows.map((r) => list(r.subscribers, EM).joined)).toEqual([0, 1, 0]);
		expect(list(weeks.totals.subscribers, EM)).toMatchObject({ activeAtStart: 2, activeAtEnd: 3 });
	});

	test('a custom range clips its rows; the previous year compares with its own start', async () => {
		const spring = await computeFigures(store, {
			period: {
				from: '2026-03-15',
				to: '2026-04-10',
				timeZone: 'Europe/Rome',
				granularity: 'month',
			},
			now: NOW,
		});
		expect(spring.rows.map((r) => [r.key, r.from, r.to])).toEqual([
			['2026-03', '2026-03-15', '2026-03-31'],
			['2026-04', '2026-04-01', '2026-04-10'],
		]);
		expect(spring.totals.messages.questions).toBe(4); // 28 Mar, 3, 4 and 10 Apr
		const before = await computeFigures(store, { period: yearPeriod(2025), now: NOW });
		expect(list(before.totals.subscribers, EM)).toMatchObject({
			activeAtStart: 0,
			activeAtEnd: 2,
			joined: 2,
		});
	});

	test('an empty store gives zeros and nulls, not errors', async () => {
		const empty = await createTestDb(backend);
		try {
			const fresh = await empty.open();
			const figures = await computeFigures(fresh, { period: yearPeriod(2026), now: NOW });
			expect(figures.lists).toEqual([]);
			expect(figures.rows).toHaveLength(12);
			expect(figures.totals.service.answerMinutesMedian).toBeNull();
			expect(figures.totals.messages.questions).toBe(0);
			expect(figures.waiting.counts).toEqual({
				openQuestions: 0,
				reportsNotRegistered: 0,
				notRouted: 0,
			});
		} finally {
			await empty.cleanup();
		}
	});

	test('the waiting lists stop at the limit; the counts do not', async () => {
		const limited = await computeFigures(store, {
			period: yearPeriod(2026),
			now: NOW,
			waitingLimit: 1,
		});
		expect(limited.waiting.reportsNotRegistered).toHaveLength(1);
		expect(limited.waiting.counts.reportsNotRegistered).toBe(2);
	});
});

describe('computeFigures: bad input is refused before any query', () => {
	const never = {
		figures: {
			read: () => {
				throw new Error('must not be called');
			},
		},
	};
	test.each([
		[{ from: '2026-13-01', to: '2026-12-31' }, 'from'],
		[{ from: '2026-01-01', to: '2025-12-31' }, 'to'],
		[{ from: '2026-01-01', to: 'domani' }, 'to'],
		[{ from: '2026-01-01', to: '2026-12-31', timeZone: 'Mars/Olympus' }, 'timeZone'],
		[{ from: '2026-01-01', to: '2026-12-31', granularity: 'day' }, 'granularity'],
		[{ from: '1990-01-01', to: '2026-12-31', granularity: 'month' }, 'period'],
	] as const)('%j → %s', async (period, field) => {
		const error = await computeFigures(never, { period: period as never }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(FiguresInputError);
		expect((error as FiguresInputError).field).toBe(field);
	});

	test('hostile office hours are a clear error', async () => {
		const error = await computeFigures(never, {
			period: yearPeriod(2026),
			officeHours: {
				timezone: 'Europe/Rome',
				schedule: { 1: [{ start: '25:00', end: '9:00' }] },
			} as never,
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(FiguresInputError);
		expect((error as FiguresInputError).field).toBe('officeHours');
	});

	test('the store refuses boundaries that are not increasing UTC instants', async () => {
		const db = await createTestDb('sqlite');
		try {
			const store = await db.open();
			await expect(
				store.figures.read({
					boundaries: ['2026-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
					pendingTtlMs: 1,
					now: NOW.toISOString(),
					waitingLimit: 1,
				}),
			).rejects.toBeInstanceOf(StoreInputError);
			await expect(
				store.figures.read({
					boundaries: ["2026-01-01'; DROP TABLE audit_event; --", '2027-01-01T00:00:00.000Z'],
					pendingTtlMs: 1,
					now: NOW.toISOString(),
					waitingLimit: 1,
				}),
			).rejects.toBeInstanceOf(StoreInputError);
		} finally {
			await db.cleanup();
		}
	});
});

describe.each(BACKENDS)('migration 5 on an older store (%s)', (backend) => {
	test('the moves are rebuilt from the audit trail and the alerts counted: the same figures as when recorded live', async () => {
		const db = await createTestDb(backend);
		try {
			const store = await db.open();
			await seed(store);
			const live = await computeFigures(store, { period: yearPeriod(2026), now: NOW });
			await store.close();
			// what a store of version 3 (or 4) holds: no moves, no cache, no version 5
			await db.query('DROP TABLE subscription_move');
			await db.query('DROP TABLE broadcast_figures');
			await db.query('DROP INDEX audit_event_action_at_idx');
			await db.query('DROP INDEX broadcast_created_idx');
			await db.query('DROP INDEX broadcast_delivery_failed_idx');
			await db.query('DROP INDEX broadcast_delivery_failed_sent_idx');
			await db.query('DROP INDEX conversation_case_opened_idx');
			await db.query('DELETE FROM schema_migrations WHERE version = 5');
			const upgraded = await db.open();
			// the finished alerts' counts were cached by the migration, under what the figures check
			const prefilled = await db.query(
				'SELECT broadcast_id, valid_for, computed_at FROM broadcast_figures ORDER BY 1',
			);
			expect(prefilled.map((r) => r.broadcast_id)).toEqual(['allerta-1', 'viabilita-capodanno']);
			const rebuilt = await computeFigures(upgraded, { period: yearPeriod(2026), now: NOW });
			expect(rebuilt).toEqual(live);
			// used as they were, not counted again
			expect(
				await db.query(
					'SELECT broadcast_id, valid_for, computed_at FROM broadcast_figures ORDER BY 1',
				),
			).toEqual(prefilled);
			expect(list(rebuilt.totals.subscribers, EM).leftByErase).toBe(1);
		} finally {
			await db.cleanup();
		}
	});
});

describe.each(BACKENDS)('a citizen known by two records, joined into one (%s)', (backend) => {
	test('two active subscriptions become one: not a leave, and the counts before stay right', async () => {
		const db = await createTestDb(backend);
		try {
			const store = await db.open();
			const byUser = { userId: 'IT.77', name: 'Lia Rossi' };
			const byNumber = { waId: '393339990001' };
			await subscribe(store, byUser, [EM], '2026-02-01T09:00:00.000Z', '2026-02-01T09:01:00.000Z');
			await subscribe(
				store,
				byNumber,
				[EM],
				'2026-03-01T09:00:00.000Z',
				'2026-03-01T09:01:00.000Z',
			);
			// a message carrying both ids joins the user: record into the wa: one (in May)
			await store.requestSubscription(
				{ ...byNumber, userId: 'IT.77' },
				[VI],
				ctx('2026-05-04T09:00:00.000Z'),
			);
			const figures = await computeFigures(store, { period: yearPeriod(2026), now: NOW });
			expect(
				figures.rows.slice(0, 5).map((r) => {
					const f = list(r.subscribers, EM);
					return [r.key, f.activeAtStart, f.activeAtEnd, f.joined, f.leftByCommand];
				}),
			).toEqual([
				['2026-01', 0, 0, 0, 0],
				['2026-02', 0, 1, 1, 0],
				['2026-03', 1, 2, 1, 0],
				['2026-04', 2, 2, 0, 0],
				['2026-05', 2, 1, 0, 0],
			]);
			expect(list(figures.totals.subscribers, EM)).toMatchObject({
				activeAtStart: 0,
				activeAtEnd: 1,
				joined: 2,
				leftByCommand: 0,
				leftByErase: 0,
			});
			expect(JSON.stringify(figures)).not.toMatch(/IT\.77|393339990001|Lia|Rossi/);
		} finally {
			await db.cleanup();
		}
	});
});
