/**
 * The broadcast ledger (broadcast, broadcast_delivery) on both backends: begin / resume / CONFLICT /
 * BUSY, crash recovery (sending → retry once, then uncertain), the per-step re-check of subscriptions,
 * outcomes, take-over, delivery statuses, counts, hostile ids and the GDPR erase.
 */
import {
	BroadcastError,
	MAX_BROADCAST_ID_LENGTH,
	normaliseBroadcastId,
	type BroadcastLedger,
	type Candidate,
} from '../../../nodes/core/broadcast';
import type { SubscriptionStore } from '../../../nodes/core/store';
import { BACKENDS, createTestDb, type TestDb } from '../../helpers/storeFixtures';

const CONSENT = new Date('2026-01-10T10:00:00.000Z');
const T = new Date('2026-11-30T08:00:00.000Z');
const STALE = 10_000;
/** Tables emptied between tests, children first. */
const TABLES = [
	'broadcast_delivery',
	'broadcast',
	'subscription',
	'subscriber',
	'audit_event',
	'inbound_seen',
];

function waIdOf(i: number): string {
	return `39333${String(i).padStart(7, '0')}`;
}
function keyOf(i: number): string {
	return `wa:${waIdOf(i)}`;
}
function candidate(i: number): Candidate {
	return { key: keyOf(i), waId: waIdOf(i), userId: null };
}
function later(ms: number): Date {
	return new Date(T.getTime() + ms);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function expectBroadcastError(
	promise: Promise<unknown>,
	code: BroadcastError['code'],
	hint: RegExp,
): Promise<BroadcastError> {
	const error = await promise.then(
		() => {
			throw new Error('expected a BroadcastError');
		},
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(BroadcastError);
	expect((error as BroadcastError).code).toBe(code);
	expect((error as BroadcastError).hintIt).toMatch(hint);
	return error as BroadcastError;
}

describe.each(BACKENDS)('BroadcastLedger (%s)', (backend) => {
	let db: TestDb;
	let store: SubscriptionStore;
	let ledger: BroadcastLedger;

	// One database per backend for the file (a fresh PostgreSQL schema per test costs more than the
	// tests), emptied before each test; store_meta (the pepper) and the migrations stay.
	beforeAll(async () => {
		db = await createTestDb(backend);
		store = await db.open();
		ledger = store.broadcasts;
	});
	afterAll(async () => db.cleanup());
	beforeEach(async () => {
		for (const table of TABLES) await db.query(`DELETE FROM ${table}`);
	});

	async function seed(
		indexes: number[],
		list = 'EMERGENZE',
		state: 'active' | 'pending' = 'active',
	) {
		for (const i of indexes) {
			await store.importSubscriber(
				{
					citizen: { waId: waIdOf(i) },
					lists: [list],
					consentAt: CONSENT,
					policyVersion: 'v1',
					state,
				},
				{ at: CONSENT, channel: 'import' },
			);
		}
	}

	async function unsubscribe(i: number, list = 'EMERGENZE') {
		await store.unsubscribe({ waId: waIdOf(i) }, [list], {
			at: new Date(CONSENT.getTime() + 60_000),
			channel: 'whatsapp',
		});
	}

	const input = (overrides: Partial<Parameters<BroadcastLedger['begin']>[0]> = {}) => ({
		id: 'allerta-1',
		list: 'EMERGENZE',
		messageHash: 'hash-a',
		message: {
			type: 'template',
			name: 'avviso_emergenza',
			bodyParameters: ['Allerta rossa — fiume Marecchia'],
		},
		now: T,
		...overrides,
	});

	async function rows(id = 'allerta-1') {
		const found = await db.query(
			'SELECT recipient_key, state, wamid, error_code, attempts, crash_resends FROM broadcast_delivery WHERE broadcast_id = $1 ORDER BY recipient_key',
			[id],
		);
		return found.map((r) => ({
			key: String(r.recipient_key),
			state: String(r.state),
			wamid: r.wamid === null ? null : String(r.wamid),
			errorCode: r.error_code === null ? null : Number(r.error_code),
			attempts: Number(r.attempts),
			crashResends: Number(r.crash_resends),
		}));
	}
	async function stateOf(key: string, id = 'allerta-1') {
		return (await rows(id)).find((r) => r.key === key)?.state ?? null;
	}

	/** One step of a run: claims, then writes the outcomes given. */
	function step(runToken: string, fields: Partial<Parameters<BroadcastLedger['step']>[0]> = {}) {
		return ledger.step({
			id: 'allerta-1',
			runToken,
			list: 'EMERGENZE',
			createdAt: T.toISOString(),
			now: T,
			outcomes: [],
			claim: [],
			heartbeat: false,
			...fields,
		});
	}

	describe('begin', () => {
		test('creates a broadcast, then resumes it with the same list and message', async () => {
			const first = await ledger.begin(input());
			expect(first).toMatchObject({ resumed: false, alreadyFinal: 0, resend: 0, uncertain: 0 });
			expect(first.runToken).toMatch(/^[0-9a-f-]{36}$/);
			expect(first.record).toMatchObject({
				id: 'allerta-1',
				list: 'EMERGENZE',
				messageHash: 'hash-a',
				message: input().message,
				state: 'running',
				abortReason: null,
				runs: 1,
				createdAt: T.toISOString(),
				startedAt: T.toISOString(),
				heartbeatAt: T.toISOString(),
				finishedAt: null,
				lastStatusAt: null,
			});
			await ledger.finish({
				id: 'allerta-1',
				runToken: first.runToken,
				state: 'aborted',
				reason: 'stopped',
				now: later(1000),
			});
			expect(await ledger.get('allerta-1')).toMatchObject({
				state: 'aborted',
				abortReason: 'stopped',
				finishedAt: later(1000).toISOString(),
			});

			const second = await ledger.begin(input({ now: later(2000) }));
			expect(second.resumed).toBe(true);
			expect(second.runToken).not.toBe(first.runToken);
			expect(second.record).toMatchObject({
				state: 'running',
				abortReason: null,
				finishedAt: null,
				runs: 2,
				createdAt: T.toISOString(),
				startedAt: later(2000).toISOString(),
			});
			// a completed broadcast can be run again (nothing left to send)
			await ledger.finish({
				id: 'allerta-1',
				runToken: second.runToken,
				state: 'completed',
				reason: null,
				now: later(3000),
			});
			expect(await ledger.get('allerta-1')).toMatchObject({ state: 'completed' });
			const third = await ledger.begin(input({ now: later(4000) }));
			expect(third).toMatchObject({ resumed: true, record: { runs: 3, state: 'running' } });
		});

		test('CONFLICT on the same id with another list or another message', async () => {
			await seed([1]);
			const first = await ledger.begin(input());
			await ledger.finish({
				id: 'allerta-1',
				runToken: first.runToken,
				state: 'completed',
				reason: null,
				now: later(10),
			});
			const otherList = await expectBroadcastError(
				ledger.begin(input({ list: "PUBBLICAUTILITA'", now: later(60_000) })),
				'CONFLICT',
				/identificativo nuovo/,
			);
			expect(otherList.message).toContain('EMERGENZE');
			const otherMessage = await expectBroadcastError(
				ledger.begin(input({ messageHash: 'hash-b', now: later(60_000) })),
				'CONFLICT',
				/altro messaggio/,
			);
			expect(otherMessage.message).toContain('another message');
			// nothing changed
			expect(await ledger.get('allerta-1')).toMatchObject({
				runs: 1,
				state: 'completed',
				list: 'EMERGENZE',
				messageHash: 'hash-a',
			});
		});

		test('BUSY while the running run’s heartbeat is fresh; resumable once it is staleAfterMs old', async () => {
			const first = await ledger.begin(input());
			const busy = await expectBroadcastError(
				ledger.begin(input({ now: later(STALE - 1) })),
				'BUSY',
				/già in corso.*10 secondi/,
			);
			expect(busy.message).toMatch(/running elsewhere/);
			// only a step with heartbeat writes it
			await step(first.runToken, { now: later(3000) });
			expect((await ledger.get('allerta-1'))?.heartbeatAt).toBe(T.toISOString());
			// a heartbeat moves the deadline
			await step(first.runToken, { heartbeat: true, now: later(5000) });
			expect((await ledger.get('allerta-1'))?.heartbeatAt).toBe(later(5000).toISOString());
			await expectBroadcastError(
				ledger.begin(input({ now: later(5000 + STALE - 1) })),
				'BUSY',
				/già in corso/,
			);
			const resumed = await ledger.begin(input({ now: later(5000 + STALE) }));
			expect(resumed).toMatchObject({ resumed: true, record: { runs: 2 } });
			// custom staleAfterMs
			await expectBroadcastError(
				ledger.begin(input({ now: later(5000 + STALE + 1000), staleAfterMs: 2000 })),
				'BUSY',
				/riprovare tra 2 secondi/,
			);
			await expect(
				ledger.begin(input({ now: later(5000 + STALE + 2000), staleAfterMs: 2000 })),
			).resolves.toMatchObject({ resumed: true });
		});

		test('hostile ids are refused before anything is written', async () => {
			for (const id of [
				'',
				'   ',
				'x'.repeat(MAX_BROADCAST_ID_LENGTH + 1),
				'a\u0000b',
				'a\nb',
			] as unknown[]) {
				await expectBroadcastError(
					ledger.begin(input({ id: id as string })),
					'INPUT',
					/identificativo/,
				);
			}
			expect(await db.query('SELECT id FROM broadcast')).toEqual([]);
		});
	});

	describe('crash recovery', () => {
		test('rows left sending → retry with crash_resends 1; in flight again at a second crash → uncertain, never claimed again', async () => {
			await seed([1, 2, 3, 4]);
			const run1 = await ledger.begin(input());
			const claim1 = await step(run1.runToken, { claim: [1, 2, 3].map(candidate) });
			expect(claim1.claimed.map((c) => c.key)).toEqual([keyOf(1), keyOf(2), keyOf(3)]);
			await step(run1.runToken, {
				outcomes: [{ key: keyOf(1), state: 'sent', wamid: 'wamid.A1', attempts: 1 }],
			});
			// crash: no finish, keys 2 and 3 stay `sending`
			expect((await rows()).map((r) => [r.key, r.state])).toEqual([
				[keyOf(1), 'sent'],
				[keyOf(2), 'sending'],
				[keyOf(3), 'sending'],
			]);

			const run2 = await ledger.begin(input({ now: later(STALE) }));
			expect(run2).toMatchObject({ resumed: true, alreadyFinal: 1, resend: 2, uncertain: 0 });
			expect((await rows()).map((r) => [r.key, r.state, r.crashResends])).toEqual([
				[keyOf(1), 'sent', 0],
				[keyOf(2), 'retry', 1],
				[keyOf(3), 'retry', 1],
			]);
			// scan offers them again (and 4, never reached); not 1
			const page = await ledger.scan({
				id: 'allerta-1',
				list: 'EMERGENZE',
				createdAt: T.toISOString(),
				afterKey: '',
				limit: 10,
			});
			expect(page.map((c) => c.key)).toEqual([keyOf(2), keyOf(3), keyOf(4)]);

			// run 2 re-sends 2 (answered) and 3 (in flight at the second crash)
			const claim2 = await step(run2.runToken, {
				claim: [2, 3].map(candidate),
				now: later(STALE + 10),
			});
			expect(claim2.claimed).toHaveLength(2);
			await step(run2.runToken, {
				outcomes: [{ key: keyOf(2), state: 'sent', wamid: 'wamid.A2', attempts: 1 }],
				now: later(STALE + 20),
			});

			const run3 = await ledger.begin(input({ now: later(3 * STALE) }));
			expect(run3).toMatchObject({ resumed: true, alreadyFinal: 3, resend: 0, uncertain: 1 });
			expect((await rows()).map((r) => [r.key, r.state, r.crashResends])).toEqual([
				[keyOf(1), 'sent', 0],
				[keyOf(2), 'sent', 1],
				[keyOf(3), 'uncertain', 1],
			]);
			const page3 = await ledger.scan({
				id: 'allerta-1',
				list: 'EMERGENZE',
				createdAt: T.toISOString(),
				afterKey: '',
				limit: 10,
			});
			expect(page3.map((c) => c.key)).toEqual([keyOf(4)]);
			const claim3 = await step(run3.runToken, {
				claim: [3, 4].map(candidate),
				now: later(3 * STALE + 10),
			});
			expect(claim3.claimed.map((c) => c.key)).toEqual([keyOf(4)]);
			expect(claim3.alreadyFinal).toEqual([keyOf(3)]);
			expect(await stateOf(keyOf(3))).toBe('uncertain');
			expect((await ledger.counts('allerta-1')).byState).toMatchObject({
				sent: 2,
				uncertain: 1,
				sending: 1,
			});
		});

		test('a row re-sent after a crash and answered is final: a later crash does not touch it', async () => {
			await seed([1]);
			const run1 = await ledger.begin(input());
			await step(run1.runToken, { claim: [candidate(1)] });
			const run2 = await ledger.begin(input({ now: later(STALE) }));
			await step(run2.runToken, { claim: [candidate(1)], now: later(STALE + 1) });
			await step(run2.runToken, {
				outcomes: [{ key: keyOf(1), state: 'retry', errorCode: 131000, attempts: 1 }],
				now: later(STALE + 2),
			});
			// a 5xx after the resend: retry, still crash_resends 1; claimed again and answered
			await step(run2.runToken, { claim: [candidate(1)], now: later(STALE + 3) });
			await step(run2.runToken, {
				outcomes: [{ key: keyOf(1), state: 'sent', wamid: 'wamid.B1', attempts: 2 }],
				now: later(STALE + 4),
			});
			const run3 = await ledger.begin(input({ now: later(3 * STALE) }));
			expect(run3).toMatchObject({ resend: 0, uncertain: 0, alreadyFinal: 1 });
			expect(await rows()).toEqual([
				{
					key: keyOf(1),
					state: 'sent',
					wamid: 'wamid.B1',
					errorCode: null,
					attempts: 2,
					crashResends: 1,
				},
			]);
		});
	});

	describe('step', () => {
		test('claims only active subscribers of the list; records as unsubscribed who left after the broadcast was created', async () => {
			await seed([1, 2, 3, 4, 5]);
			await seed([6], 'EMERGENZE', 'pending');
			await seed([7], "PUBBLICAUTILITA'");
			await unsubscribe(5); // left before the broadcast
			await sleep(15);
			const createdAt = new Date();
			const run = await ledger.begin(input({ now: createdAt }));
			await sleep(15);
			await unsubscribe(2); // ISCRIZIONE OFF during the broadcast
			await store.erase({ waId: waIdOf(3) }, { at: new Date(), channel: 'gdpr' });

			const scanned = await ledger.scan({
				id: 'allerta-1',
				list: 'EMERGENZE',
				createdAt: createdAt.toISOString(),
				afterKey: '',
				limit: 100,
			});
			// active ones, and 2 (left during the broadcast, to be recorded); not the pending 6, not 5, not 7
			expect(scanned.map((c) => c.key)).toEqual([keyOf(1), keyOf(2), keyOf(4)]);
			expect(scanned[0]).toEqual(candidate(1));

			const result = await step(run.runToken, {
				createdAt: createdAt.toISOString(),
				claim: [1, 2, 3, 4, 7].map(candidate),
				now: new Date(),
			});
			expect(result.claimed).toEqual([candidate(1), candidate(4)]);
			expect(result.unsubscribed.sort()).toEqual([keyOf(2), keyOf(3), keyOf(7)].sort());
			expect(result.alreadyFinal).toEqual([]);
			expect(result.takenOver).toBe(false);
			// the erased citizen (3) and the one not on the list (7) leave no row
			expect((await rows()).map((r) => [r.key, r.state])).toEqual([
				[keyOf(1), 'sending'],
				[keyOf(2), 'unsubscribed'],
				[keyOf(4), 'sending'],
			]);
		});

		test('skips recipients already final; claims retry rows again', async () => {
			await seed([1, 2, 3]);
			const run = await ledger.begin(input());
			await step(run.runToken, { claim: [1, 2, 3].map(candidate) });
			await step(run.runToken, {
				outcomes: [
					{ key: keyOf(1), state: 'sent', wamid: 'wamid.S1', attempts: 1 },
					{ key: keyOf(2), state: 'failed', errorCode: 131026, attempts: 1 },
					{ key: keyOf(3), state: 'retry', errorCode: 131000, attempts: 1 },
				],
			});
			const again = await step(run.runToken, { claim: [1, 2, 3].map(candidate) });
			expect(again.claimed.map((c) => c.key)).toEqual([keyOf(3)]);
			expect(again.alreadyFinal).toEqual([keyOf(1), keyOf(2)]);
			expect(await rows()).toEqual([
				{
					key: keyOf(1),
					state: 'sent',
					wamid: 'wamid.S1',
					errorCode: null,
					attempts: 1,
					crashResends: 0,
				},
				{
					key: keyOf(2),
					state: 'failed',
					wamid: null,
					errorCode: 131026,
					attempts: 1,
					crashResends: 0,
				},
				{
					key: keyOf(3),
					state: 'sending',
					wamid: null,
					errorCode: 131000,
					attempts: 1,
					crashResends: 0,
				},
			]);
		});

		test('writes an outcome only over a row in `sending`', async () => {
			await seed([1, 2]);
			const run = await ledger.begin(input());
			await step(run.runToken, { claim: [candidate(1)] });
			await step(run.runToken, {
				outcomes: [{ key: keyOf(1), state: 'sent', wamid: 'wamid.X1', attempts: 1 }],
			});
			// a late duplicate answer, and an answer for someone never claimed: no effect
			await step(run.runToken, {
				outcomes: [
					{ key: keyOf(1), state: 'failed', errorCode: 131026, attempts: 2 },
					{ key: keyOf(2), state: 'sent', wamid: 'wamid.X2', attempts: 1 },
				],
			});
			expect(await rows()).toEqual([
				{
					key: keyOf(1),
					state: 'sent',
					wamid: 'wamid.X1',
					errorCode: null,
					attempts: 1,
					crashResends: 0,
				},
			]);
		});

		test('an error code out of the INTEGER range (a hostile answer) does not break the step', async () => {
			await seed([1, 2]);
			const run = await ledger.begin(input());
			await step(run.runToken, { claim: [1, 2].map(candidate) });
			await step(run.runToken, {
				outcomes: [
					{ key: keyOf(1), state: 'failed', errorCode: 1e12, attempts: 1 },
					{ key: keyOf(2), state: 'retry', errorCode: -1e15, attempts: 1 },
				],
			});
			expect((await rows()).map((r) => [r.state, r.errorCode])).toEqual([
				['failed', null],
				['retry', null],
			]);
		});

		test('takenOver when another run resumed the broadcast: nothing more is claimed or written', async () => {
			await seed([1, 2, 3]);
			const run1 = await ledger.begin(input());
			await step(run1.runToken, { claim: [candidate(1)] });
			// run 1 stalls (no heartbeat for staleAfterMs): run 2 takes over, 1 becomes retry
			const run2 = await ledger.begin(input({ now: later(STALE) }));
			expect(run2.resend).toBe(1);
			const beat = await step(run1.runToken, {
				heartbeat: true,
				claim: [candidate(2)],
				now: later(STALE + 1),
			});
			expect(beat).toEqual({ claimed: [], unsubscribed: [], alreadyFinal: [], takenOver: true });
			// a step without heartbeat must see it too (or the stalled run would send in parallel)
			const zombie = await step(run1.runToken, {
				claim: [candidate(3)],
				outcomes: [{ key: keyOf(1), state: 'sent', wamid: 'wamid.Z1', attempts: 1 }],
				now: later(STALE + 2),
			});
			expect(zombie.takenOver).toBe(true);
			expect(zombie.claimed).toEqual([]);
			// run 2 owns the broadcast: it claims 1 again; the stalled run's late answer does not land on it
			const own = await step(run2.runToken, {
				claim: [1, 2, 3].map(candidate),
				heartbeat: true,
				now: later(STALE + 3),
			});
			expect(own.takenOver).toBe(false);
			expect(own.claimed).toHaveLength(3);
			await step(run1.runToken, {
				outcomes: [{ key: keyOf(1), state: 'retry', errorCode: 131000, attempts: 1 }],
				now: later(STALE + 4),
			});
			expect((await rows()).map((r) => [r.key, r.state])).toEqual([
				[keyOf(1), 'sending'],
				[keyOf(2), 'sending'],
				[keyOf(3), 'sending'],
			]);
			// finish with the old token changes nothing
			await ledger.finish({
				id: 'allerta-1',
				runToken: run1.runToken,
				state: 'aborted',
				reason: 'old',
				now: later(STALE + 5),
			});
			expect(await ledger.get('allerta-1')).toMatchObject({ state: 'running', abortReason: null });
		});
	});

	describe('scan', () => {
		test('pages in key order after afterKey, at most `limit`', async () => {
			const all = Array.from({ length: 12 }, (_, i) => i + 1);
			await seed(all);
			await ledger.begin(input());
			const seen: string[] = [];
			let after = '';
			for (;;) {
				const page = await ledger.scan({
					id: 'allerta-1',
					list: 'EMERGENZE',
					createdAt: T.toISOString(),
					afterKey: after,
					limit: 5,
				});
				expect(page.length).toBeLessThanOrEqual(5);
				if (page.length === 0) break;
				seen.push(...page.map((c) => c.key));
				after = page[page.length - 1].key;
			}
			expect(seen).toEqual(all.map(keyOf));
		});
	});

	describe('recordStatuses', () => {
		async function sentRows() {
			await seed([1, 2, 3]);
			const run = await ledger.begin(input());
			await step(run.runToken, { claim: [1, 2, 3].map(candidate) });
			await step(run.runToken, {
				outcomes: [1, 2, 3].map((i) => ({
					key: keyOf(i),
					state: 'sent' as const,
					wamid: `wamid.R${i}`,
					attempts: 1,
				})),
			});
		}

		test('moves only forward: sent → delivered → read; failed records the error code', async () => {
			await sentRows();
			expect(
				await ledger.recordStatuses(
					[
						{ wamid: 'wamid.R1', status: 'delivered' },
						{ wamid: 'wamid.R1', status: 'read' },
						{ wamid: 'wamid.R1', status: 'delivered' }, // late: after read, nothing
						{ wamid: 'wamid.R1', status: 'failed', errorCode: 131026 }, // after read: nothing
						{ wamid: 'wamid.R2', status: 'read' }, // read before delivered
						{ wamid: 'wamid.R2', status: 'delivered' },
						{ wamid: 'wamid.R3', status: 'failed', errorCode: 131049 },
						{ wamid: 'wamid.R3', status: 'delivered' },
						{ wamid: 'wamid.R3', status: 'sent' },
						{ wamid: 'wamid.ordinary-reply', status: 'delivered' },
						{ wamid: 'wamid.ordinary-reply', status: 'read' },
					],
					later(1000),
				),
			).toEqual({ updated: 4, unchanged: 5, unmatched: 2 });
			expect((await rows()).map((r) => [r.state, r.errorCode])).toEqual([
				['read', null],
				['read', null],
				['failed', 131049],
			]);
			expect((await ledger.counts('allerta-1')).failedByCode).toEqual({ '131049': 1 });
		});

		test('failed without an error code keeps the code unknown; a code on delivered is ignored', async () => {
			await sentRows();
			await ledger.recordStatuses(
				[
					{ wamid: 'wamid.R1', status: 'failed' },
					{ wamid: 'wamid.R2', status: 'delivered', errorCode: 131026 },
				],
				later(1000),
			);
			expect((await rows()).map((r) => [r.state, r.errorCode])).toEqual([
				['failed', null],
				['delivered', null],
				['sent', null],
			]);
			expect((await ledger.counts('allerta-1')).failedByCode).toEqual({ unknown: 1 });
		});

		test('hostile statuses and codes do not throw and change nothing they should not', async () => {
			await sentRows();
			const result = await ledger.recordStatuses(
				[
					{ wamid: 'wamid.R1', status: '__proto__' },
					{ wamid: 'wamid.R1', status: 'constructor' },
					{ wamid: 'wamid.R1', status: 'toString' },
					{ wamid: 'wamid.R1', status: 'hasOwnProperty' },
					{ wamid: "x' OR '1'='1", status: 'delivered' },
					{ wamid: 'wamid.R2', status: 'failed', errorCode: 99_999_999_999 },
					{ wamid: 'w'.repeat(100_000), status: 'read' },
					{ wamid: 'wamid.R3', status: 'DELIVERED' },
				],
				later(1000),
			);
			expect(result).toEqual({ updated: 1, unchanged: 5, unmatched: 2 });
			expect((await rows()).map((r) => [r.state, r.errorCode])).toEqual([
				['sent', null],
				['failed', null],
				['sent', null],
			]);
			expect(await ledger.recordStatuses([], later(2))).toEqual({
				updated: 0,
				unchanged: 0,
				unmatched: 0,
			});
		});
	});

	describe('counts and pendingCount', () => {
		test('counts every state (zeros included) and failures by code; pending = active not yet final', async () => {
			await seed([1, 2, 3, 4, 5, 6]);
			await seed([7], 'EMERGENZE', 'pending');
			await seed([8], "PUBBLICAUTILITA'");
			// an unknown broadcast counts zero everywhere
			const none = await ledger.counts('allerta-1');
			expect(Object.values(none.byState)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
			expect(none.failedByCode).toEqual({});
			expect(await ledger.get('allerta-1')).toBeNull();
			const run = await ledger.begin(input());
			expect(await ledger.pendingCount('allerta-1', 'EMERGENZE')).toBe(6);
			await step(run.runToken, { claim: [1, 2, 3, 4, 5].map(candidate) });
			await step(run.runToken, {
				outcomes: [
					{ key: keyOf(1), state: 'sent', wamid: 'wamid.C1', attempts: 1 },
					{ key: keyOf(2), state: 'failed', errorCode: 131026, attempts: 1 },
					{ key: keyOf(3), state: 'failed', errorCode: null, attempts: 6 },
					{ key: keyOf(4), state: 'retry', errorCode: 131000, attempts: 1 },
				],
			});
			const counts = await ledger.counts('allerta-1');
			expect(counts.byState).toEqual({
				sending: 1,
				retry: 1,
				sent: 1,
				delivered: 0,
				read: 0,
				failed: 2,
				unsubscribed: 0,
				uncertain: 0,
			});
			expect(counts.failedByCode).toEqual({ '131026': 1, unknown: 1 });
			// 4 (retry), 5 (sending) and 6 (never claimed) are still to reach
			expect(await ledger.pendingCount('allerta-1', 'EMERGENZE')).toBe(3);
			expect(await ledger.pendingCount('allerta-1', "PUBBLICAUTILITA'")).toBe(1);
			expect(await ledger.pendingCount('another-id', 'EMERGENZE')).toBe(6);
		});
	});

	test('broadcast ids: SQL is just text, ids are trimmed, hostile ids are refused', async () => {
		const id = "x'); DROP TABLE broadcast; --";
		await ledger.begin(input({ id }));
		expect(await ledger.get(id)).toMatchObject({ id, state: 'running' });
		expect(await db.tables()).toEqual(expect.arrayContaining(['broadcast', 'broadcast_delivery']));

		await ledger.begin(input({ id: ' allerta-1 ' }));
		expect(await ledger.get('allerta-1')).not.toBeNull();
		await expectBroadcastError(
			ledger.begin(input({ id: 'allerta-1\t', now: later(1) })),
			'BUSY',
			/già in corso/,
		);

		await expectBroadcastError(ledger.get(''), 'INPUT', /identificativo/);
		await expectBroadcastError(ledger.counts('a\u0007b'), 'INPUT', /identificativo/);
		await expectBroadcastError(
			ledger.pendingCount('x'.repeat(129), 'EMERGENZE'),
			'INPUT',
			/identificativo/,
		);
	});

	test('GDPR erase: delivery rows stay, anonymous; no row holds the phone number', async () => {
		await seed([1, 2]);
		const run = await ledger.begin(input());
		await step(run.runToken, { claim: [1, 2].map(candidate) });
		await step(run.runToken, {
			outcomes: [
				{ key: keyOf(1), state: 'sent', wamid: 'wamid.G1', attempts: 1 },
				{ key: keyOf(2), state: 'sent', wamid: 'wamid.G2', attempts: 1 },
			],
		});
		const erased = await store.erase({ waId: waIdOf(1) }, { at: new Date(), channel: 'gdpr' });
		expect(erased.erased).toBe(true);
		const after = await rows();
		expect(after).toHaveLength(2);
		expect(after.map((r) => r.key)).toEqual(expect.arrayContaining([erased.anonymousId, keyOf(2)]));
		expect(after.some((r) => r.key.includes(waIdOf(1)))).toBe(false);
		expect(await db.scan([waIdOf(1)])).toEqual([]);
		// the counts of the broadcast are unchanged; the erased row lost its wamid (Meta's wamid encodes
		// the phone number), so its later statuses count as unmatched
		expect((await ledger.counts('allerta-1')).byState.sent).toBe(2);
		expect(after.find((r) => r.key === erased.anonymousId)?.wamid ?? null).toBeNull();
		expect(
			await ledger.recordStatuses(
				[
					{ wamid: 'wamid.G1', status: 'delivered' },
					{ wamid: 'wamid.G2', status: 'delivered' },
				],
				later(1),
			),
		).toEqual({ updated: 1, unchanged: 0, unmatched: 1 });
		// the bystander is untouched
		expect(await db.scan([waIdOf(2)])).not.toEqual([]);
	});

	test('GDPR erase twice (subscribed again and reached again by the same broadcast): one anonymous row', async () => {
		await seed([1]);
		let run = await ledger.begin(input());
		await step(run.runToken, { claim: [candidate(1)] });
		await step(run.runToken, {
			outcomes: [{ key: keyOf(1), state: 'sent', wamid: 'wamid.T1', attempts: 1 }],
		});
		await ledger.finish({
			id: 'allerta-1',
			runToken: run.runToken,
			state: 'completed',
			reason: null,
			now: later(1),
		});
		const first = await store.erase({ waId: waIdOf(1) }, { at: new Date(), channel: 'gdpr' });
		await seed([1]);
		run = await ledger.begin({ ...input(), now: later(30) });
		await step(run.runToken, { claim: [candidate(1)] });
		await step(run.runToken, {
			outcomes: [{ key: keyOf(1), state: 'sent', wamid: 'wamid.T2', attempts: 1 }],
		});
		const second = await store.erase({ waId: waIdOf(1) }, { at: new Date(), channel: 'gdpr' });
		expect(second).toEqual({ erased: true, anonymousId: first.anonymousId });
		const after = await rows();
		expect(after).toHaveLength(1);
		expect(after[0].key).toBe(first.anonymousId);
		expect(await db.scan([waIdOf(1)])).toEqual([]);
	});
});

describe('normaliseBroadcastId', () => {
	test.each([
		['allerta-meteo-2026-11-30', 'allerta-meteo-2026-11-30'],
		['  spazi  ', 'spazi'],
		['x'.repeat(MAX_BROADCAST_ID_LENGTH), 'x'.repeat(MAX_BROADCAST_ID_LENGTH)],
		["PUBBLICAUTILITA' — 30/11 ☔", "PUBBLICAUTILITA' — 30/11 ☔"],
		[2026, '2026'],
	])('accepts %p', (input, expected) => {
		expect(normaliseBroadcastId(input)).toBe(expected);
	});

	test.each([
		['empty', ''],
		['blank', ' \t '],
		['129 characters', 'x'.repeat(MAX_BROADCAST_ID_LENGTH + 1)],
		['NUL', 'a\u0000b'],
		['newline', 'allerta\nInjected: log line'],
		['carriage return', 'a\rb'],
		['escape', 'a\u001b[31mb'],
		['DEL', 'a\u007fb'],
		['null', null],
		['undefined', undefined],
		['object', { id: 'a' }],
		['array', ['a']],
		['boolean', true],
		['NaN', Number.NaN],
		['Infinity', Number.POSITIVE_INFINITY],
	])('refuses %s', (_name, input) => {
		let error: unknown;
		try {
			normaliseBroadcastId(input);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(BroadcastError);
		expect(error).toMatchObject({
			code: 'INPUT',
			message: expect.stringMatching(/1 to 128 printable/),
		});
		expect((error as BroadcastError).hintIt).toMatch(/identificativo/);
	});
});
