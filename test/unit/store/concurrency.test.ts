/**
 * THE concurrency test: 100 citizens × 2 commands (ON and OFF with distinct message times, delivered
 * in random order) fired all at once through 4 store instances on the same database — PostgreSQL: 4
 * pools on one schema; SQLite: 4 connections on one file (one process, so in practice serialised).
 * Every citizen must end in the state of their latest command, with exactly one audit event per command,
 * also after the whole burst is redelivered.
 */
import type { ChangeResult, SubscriptionStore } from '../../../nodes/core/store';
import { at, BACKENDS, createTestDb, type TestDb } from '../../helpers/storeFixtures';

const CITIZENS = 100;
const STORES = 4;

/** Deterministic pseudo-random numbers (so a failure can be replayed). */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

interface Command {
	citizen: number;
	kind: 'on' | 'off';
	minute: number;
	messageId: string;
}

function waIdOf(i: number): string {
	return `39347${String(i).padStart(7, '0')}`;
}

function plan(seed: number): { commands: Command[]; lastKind: Map<number, 'on' | 'off'> } {
	const rnd = random(seed);
	const commands: Command[] = [];
	const lastKind = new Map<number, 'on' | 'off'>();
	for (let i = 0; i < CITIZENS; i++) {
		// Distinct message times for the two commands of a citizen; which one is newer is random.
		const onMinute = i * 10 + Math.floor(rnd() * 5);
		const offMinute =
			rnd() < 0.5 ? onMinute + 1 + Math.floor(rnd() * 4) : onMinute - 1 - Math.floor(rnd() * 4);
		commands.push({ citizen: i, kind: 'on', minute: onMinute, messageId: `wamid.on.${i}` });
		commands.push({ citizen: i, kind: 'off', minute: offMinute, messageId: `wamid.off.${i}` });
		lastKind.set(i, offMinute > onMinute ? 'off' : 'on');
	}
	// Delivery order: citizens shuffled (Fisher–Yates), and a citizen's two commands sent back to back
	// (so they race through different stores), older or newer first at random.
	const pairs: Command[][] = [];
	for (let k = 0; k < commands.length; k += 2) {
		pairs.push(rnd() < 0.5 ? [commands[k], commands[k + 1]] : [commands[k + 1], commands[k]]);
	}
	for (let k = pairs.length - 1; k > 0; k--) {
		const j = Math.floor(rnd() * (k + 1));
		[pairs[k], pairs[j]] = [pairs[j], pairs[k]];
	}
	commands.splice(0, commands.length, ...pairs.flat());
	return { commands, lastKind };
}

function fire(store: SubscriptionStore, command: Command): Promise<ChangeResult> {
	// No display name: its update takes the subscriber row lock too and would hide a missing FOR UPDATE.
	const citizen = { waId: waIdOf(command.citizen) };
	const ctx = { at: at(command.minute), channel: 'whatsapp', messageId: command.messageId };
	if (command.kind === 'on') {
		return store.requestSubscription(citizen, ['EMERGENZE'], { ...ctx, policyVersion: 'v1' });
	}
	// Even citizens leave everything (`ISCRIZIONE OFF`), odd ones name the list.
	return store.unsubscribe(citizen, command.citizen % 2 === 0 ? 'all' : ['EMERGENZE'], ctx);
}

describe.each(BACKENDS)('concurrent commands through %s', (backend) => {
	let db: TestDb;
	let stores: SubscriptionStore[];

	beforeAll(async () => {
		db = await createTestDb(backend);
		stores = await Promise.all(Array.from({ length: STORES }, () => db.open()));
		// The citizens already exist (imported subscribers of another list), as most do in real life:
		// the race is then on existing rows, not on creating them.
		for (let i = 0; i < CITIZENS; i++) {
			await stores[0].importSubscriber(
				{
					citizen: { waId: waIdOf(i) },
					lists: ['PUBBLICAUTILITA'],
					consentAt: at(-10_000),
					policyVersion: 'v0',
				},
				{ at: at(-10_000), channel: 'import' },
			);
		}
	});
	afterAll(async () => {
		await db.cleanup();
	});

	test('200 ON/OFF commands at once via 4 stores: latest message wins, one audit event each', async () => {
		const { commands, lastKind } = plan(Number(process.env.WHATSURP_STORE_TEST_SEED ?? 20260302));
		const started = process.hrtime.bigint();
		const results = await Promise.all(
			commands.map((command, k) => fire(stores[k % STORES], command)),
		);
		const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
		console.log(
			`[store concurrency] ${backend}: ${commands.length} commands via ${STORES} stores in ${elapsedMs.toFixed(0)} ms ` +
				`(${((commands.length / elapsedMs) * 1000).toFixed(0)} commands/s)`,
		);
		expect(results.every((r) => r.duplicate !== true)).toBe(true);

		for (let i = 0; i < CITIZENS; i++) {
			const record = await stores[i % STORES].get({ waId: waIdOf(i) });
			const emergenze = record?.subscriptions.find((s) => s.list === 'EMERGENZE') ?? null;
			if (lastKind.get(i) === 'on') {
				expect({ citizen: i, state: emergenze?.state }).toEqual({ citizen: i, state: 'pending' });
			} else if (i % 2 === 1) {
				expect({ citizen: i, state: emergenze?.state }).toEqual({ citizen: i, state: 'cancelled' });
			} else {
				// OFF-all newer than the ON: either cancelled, or the late ON was refused before any row existed.
				expect({ citizen: i, state: emergenze?.state ?? 'none' }).toEqual({
					citizen: i,
					state: expect.stringMatching(/^(cancelled|none)$/),
				});
			}
		}

		const perMessage = await db.query(
			"SELECT message_id, COUNT(*) AS n FROM audit_event WHERE action <> 'import' GROUP BY message_id ORDER BY message_id",
		);
		expect(perMessage).toHaveLength(commands.length);
		expect(perMessage.every((row) => Number(row.n) === 1)).toBe(true);
		expect(await db.query('SELECT key FROM subscriber')).toHaveLength(CITIZENS);

		// The whole burst redelivered at once (Meta retries): nothing applied twice, nothing audited twice.
		const again = await Promise.all(
			commands.map((command, k) => fire(stores[(k + 1) % STORES], command)),
		);
		expect(again.every((r) => r.duplicate === true)).toBe(true);
		const total = await db.query("SELECT COUNT(*) AS n FROM audit_event WHERE action <> 'import'");
		expect(Number(total[0].n)).toBe(commands.length);
	}, 120_000);
});
