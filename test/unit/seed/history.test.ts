/**
 * The sandbox's history (dev/seed/history.ts) seeded into a temporary SQLite store, small: what it
 * says it wrote is what the tables hold, counted with SQL of their own; cases follow Rimini's office
 * hours; all of it inside the period; the same seed gives the same store, a store with subscriptions is
 * left alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { seedHistory, seededRandom, type SeedOptions } from '../../../dev/seed/history';
import { evaluateOfficeHours, RIMINI_CALENDAR } from '../../../nodes/core/calendar';
import { openStore, type SubscriptionStore } from '../../../nodes/core/store';

const NOW = new Date('2026-12-07T08:00:00.000Z');
const OPTIONS: SeedOptions = { now: NOW, days: 90, citizens: 250, seed: 7 };

let folder: string;
beforeAll(() => {
	folder = mkdtempSync(join(tmpdir(), 'whatsurp-seed-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let opened = 0;
async function seeded(options: SeedOptions = OPTIONS) {
	const path = join(folder, `store-${++opened}.sqlite`);
	const store = await openStore({ backend: 'sqlite', path });
	const result = await seedHistory(store, options);
	return { path, store, result };
}

/** Rows counted by SQL of the test's own, on the file the store wrote. */
function query<T = Record<string, unknown>>(path: string, sql: string): T[] {
	const db = new DatabaseSync(path, { readOnly: true });
	try {
		return db.prepare(sql).all() as T[];
	} finally {
		db.close();
	}
}
const one = (path: string, sql: string) => Number(Object.values(query(path, sql)[0])[0]);

describe('seedHistory', () => {
	let path: string;
	let store: SubscriptionStore;
	let result: Awaited<ReturnType<typeof seedHistory>>;

	beforeAll(async () => {
		({ path, store, result } = await seeded());
	});
	afterAll(async () => await store.close());

	test('writes a history with every kind of event', () => {
		expect(result.seeded).toBe(true);
		for (const field of [
			'pendingNeverConfirmed',
			'unsubscribed',
			'broadcasts',
			'recipients',
			'failed',
			'read',
			'questions',
			'answered',
			'reports',
			'registered',
			'toMailbox',
			'outOfHours',
		] as const) {
			expect({ field, value: result[field] }).toEqual({ field, value: expect.any(Number) });
			expect({ field, positive: result[field] > 0 }).toEqual({ field, positive: true });
		}
	});

	test('the subscriptions are what it says', () => {
		const active = query<{ list: string; n: number }>(
			path,
			"SELECT list, COUNT(*) AS n FROM subscription WHERE state = 'active' GROUP BY list ORDER BY list",
		);
		expect(Object.fromEntries(active.map((row) => [row.list, Number(row.n)]))).toEqual(
			result.active,
		);
		expect(Object.keys(result.active).sort()).toEqual(['EMERGENZE', 'PUBBLICAUTILITA']);
		expect(one(path, "SELECT COUNT(*) FROM audit_event WHERE action = 'erase'")).toBe(
			result.erased,
		);
		// every citizen asked at least once; the erased ones are no longer subscribers
		expect(one(path, 'SELECT COUNT(*) FROM subscriber')).toBe(result.citizens - result.erased);
	});

	test('the alerts and their deliveries are what it says', () => {
		expect(one(path, "SELECT COUNT(*) FROM broadcast WHERE state = 'completed'")).toBe(
			result.broadcasts,
		);
		expect(one(path, 'SELECT COUNT(*) FROM broadcast')).toBe(result.broadcasts);
		const byState = Object.fromEntries(
			query<{ state: string; n: number }>(
				path,
				'SELECT state, COUNT(*) AS n FROM broadcast_delivery GROUP BY state',
			).map((row) => [row.state, Number(row.n)]),
		);
		const total = Object.values(byState).reduce((sum, n) => sum + n, 0);
		expect(total).toBe(result.recipients);
		// nobody leaves during an alert in this history (and nobody who left before is counted so)
		expect(byState.unsubscribed ?? 0).toBe(0);
		expect(result.unsubscribedMidway).toBe(0);
		expect(byState.read).toBe(result.read);
		expect((byState.delivered ?? 0) + byState.read).toBe(result.delivered);
		expect(byState.failed).toBe(result.failed);
		expect(byState.sending ?? 0).toBe(0);
		// failures carry WhatsApp's codes
		expect(
			one(
				path,
				"SELECT COUNT(*) FROM broadcast_delivery WHERE state = 'failed' AND error_code IS NULL",
			),
		).toBe(0);
		// alerts go to EMERGENZE most weeks, to PUBBLICAUTILITA every fourth
		const lists = query<{ list: string; n: number }>(
			path,
			'SELECT list, COUNT(*) AS n FROM broadcast GROUP BY list ORDER BY list',
		);
		expect(lists.map((row) => row.list)).toEqual(['EMERGENZE', 'PUBBLICAUTILITA']);
		expect(Number(lists[0].n)).toBeGreaterThan(Number(lists[1].n));
	});

	test('the cases are what it says, some still waiting', () => {
		const count = (where: string) =>
			one(path, `SELECT COUNT(*) FROM conversation_case WHERE ${where}`);
		expect(count("kind = 'question'")).toBe(result.questions);
		expect(count("kind = 'report'")).toBe(result.reports);
		expect(count('answered_at IS NOT NULL')).toBe(result.answered);
		expect(count("answered_how = 'template'")).toBe(result.answeredAsTemplate);
		expect(count("closed_reason = 'unanswered'")).toBe(result.unanswered);
		expect(count("kind = 'question' AND state = 'routed' AND routed_to = 'operators'")).toBe(
			result.openQuestions,
		);
		expect(
			count("state = 'registered' AND routed_to = 'segnala' AND portal_service IS NOT NULL"),
		).toBe(result.registered);
		expect(count("routed_to = 'urp_mailbox'")).toBe(result.toMailbox);
		expect(count("state = 'received'")).toBe(result.notRouted);
		expect(count('out_of_hours = 1')).toBe(result.outOfHours);
		expect(result.openQuestions + result.notRouted + result.mailboxWaiting).toBeGreaterThan(0);
	});

	test("every case's out-of-hours flag is Rimini's calendar at its arrival; all within the period", () => {
		const cases = query<{ opened_at: string; out_of_hours: number }>(
			path,
			'SELECT opened_at, out_of_hours FROM conversation_case',
		);
		const start = NOW.getTime() - 91 * 24 * 60 * 60 * 1000;
		const wrong = cases.filter((row) => {
			const at = Date.parse(row.opened_at);
			return (
				at < start ||
				at >= NOW.getTime() ||
				evaluateOfficeHours(RIMINI_CALENDAR, row.opened_at).open === (row.out_of_hours === 1)
			);
		});
		expect(wrong).toEqual([]);
		// most of them arrive while the office is open
		expect(result.outOfHours).toBeLessThan(cases.length / 2);
	});

	test('a store with subscriptions is left alone', async () => {
		const before = one(path, 'SELECT COUNT(*) FROM audit_event');
		const again = await seedHistory(store, OPTIONS);
		expect(again).toMatchObject({
			seeded: false,
			skipped: 'the store already has subscriptions',
			broadcasts: 0,
		});
		expect(one(path, 'SELECT COUNT(*) FROM audit_event')).toBe(before);
	});

	test('the same seed gives the same store; another seed another', async () => {
		const rows = (file: string) =>
			query(
				file,
				'SELECT kind, state, opened_at, answered_at, routed_to, portal_service FROM conversation_case ORDER BY id',
			);
		const same = await seeded();
		const other = await seeded({ ...OPTIONS, seed: 8 });
		try {
			expect({ ...same.result, milliseconds: 0 }).toEqual({ ...result, milliseconds: 0 });
			expect(rows(same.path)).toEqual(rows(path));
			expect(rows(other.path)).not.toEqual(rows(path));
		} finally {
			await same.store.close();
			await other.store.close();
		}
	});
});

test('the PRNG is the same on every run and spreads evenly', () => {
	const random = seededRandom(42);
	const values = Array.from({ length: 10_000 }, random);
	expect(values.slice(0, 3)).toEqual(Array.from({ length: 3 }, seededRandom(42)));
	expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
	expect(Math.max(...values)).toBeLessThan(1);
	const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
	expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
});
