/**
 * The broadcast ledger: `broadcast` and `broadcast_delivery` on the store's database, one
 * transaction per call, SQL shared by SQLite and PostgreSQL (see engine.ts). The store composes it; the
 * broadcast engine (core/broadcast) drives it.
 *
 * Guarantee it gives the engine: a recipient is written `sending` in the same transaction that re-reads
 * their subscription, before the request; the answer is written after. A run that dies leaves its
 * in-flight recipients `sending`; the next run of the same id sends them once more (they may get the
 * message twice) and marks them so that a second crash leaves them `uncertain` instead of a third send.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryStatusUpdate } from '../shared/deliveryStatus';
import { isControlCharacter } from '../shared/text';
import type {
	BroadcastCounts,
	BroadcastRecord,
	BroadcastState,
	Candidate,
	DeliveryOutcome,
	DeliveryState,
} from './broadcastTypes';
import { DELIVERY_STATES, FINAL_DELIVERY_STATES } from './broadcastTypes';
import type { Engine, Row, TxBody } from './engine';
import { isoOf, isoOrNull, sql } from './engine';

/** Longest broadcast id (it is typed by staff or built by an expression). */
export const MAX_BROADCAST_ID_LENGTH = 128;

/** A run whose heartbeat is older than this is considered dead and may be resumed. */
export const DEFAULT_STALE_AFTER_MS = 10_000;

export type BroadcastErrorCode = 'INPUT' | 'CONFLICT' | 'BUSY' | 'NOT_FOUND';

/** A broadcast the ledger refuses to start or find; `hintIt` tells staff what to do. */
export class BroadcastError extends Error {
	readonly code: BroadcastErrorCode;
	readonly hintIt: string;

	constructor(code: BroadcastErrorCode, message: string, hintIt: string) {
		super(message);
		this.name = 'BroadcastError';
		this.code = code;
		this.hintIt = hintIt;
	}
}

/** Checks a broadcast id: 1–128 printable characters, no control characters. */
export function normaliseBroadcastId(value: unknown): string {
	const id =
		typeof value === 'string'
			? value.trim()
			: typeof value === 'number' && Number.isFinite(value)
				? String(value)
				: '';
	if (
		id === '' ||
		id.length > MAX_BROADCAST_ID_LENGTH ||
		[...id].some((char) => isControlCharacter(char.codePointAt(0)!))
	) {
		throw new BroadcastError(
			'INPUT',
			`Broadcast ID must be 1 to ${MAX_BROADCAST_ID_LENGTH} printable characters`,
			"Indicare un identificativo dell'invio (es. «allerta-meteo-2026-11-30»): lo stesso identificativo riprende un invio interrotto.",
		);
	}
	return id;
}

export interface BeginInput {
	id: string;
	list: string;
	messageHash: string;
	message: Record<string, unknown>;
	now: Date;
	staleAfterMs?: number;
}

export interface BeginResult {
	record: BroadcastRecord;
	/** this run's token: every later write checks it, so two runs never write at once */
	runToken: string;
	resumed: boolean;
	/** recipients already handled by earlier runs (reached, failed, unsubscribed or uncertain) */
	alreadyFinal: number;
	/** in flight when an earlier run died: sent once more by this run */
	resend: number;
	/** in flight during two crashes: not sent again */
	uncertain: number;
}

export interface StepInput {
	id: string;
	runToken: string;
	list: string;
	/** the broadcast's creation: leaving the list after it counts as "unsubscribed during the broadcast" */
	createdAt: string;
	now: Date;
	outcomes: DeliveryOutcome[];
	claim: Candidate[];
	heartbeat: boolean;
}

export interface StepResult {
	/** still active, now `sending`: send them now */
	claimed: Candidate[];
	/** no longer active (or erased): recorded, not messaged */
	unsubscribed: string[];
	/** already handled by another run meanwhile */
	alreadyFinal: string[];
	/** another run took the broadcast over: stop */
	takenOver: boolean;
}

const FINAL = new Set<string>(FINAL_DELIVERY_STATES);
const FINAL_SQL = FINAL_DELIVERY_STATES.map((s) => `'${s}'`).join(', ');

/** Status updates Meta sends, and the ledger states each may replace (statuses can arrive out of order). */
const STATUS_TRANSITIONS: Readonly<Record<string, DeliveryState[]>> = {
	delivered: ['sent'],
	read: ['sent', 'delivered'],
	failed: ['sent', 'delivered'],
};

/**
 * An error code as the INTEGER column takes it: Meta's codes are small positive integers; anything
 * else (a hostile answer's 1e12, a negative number) is stored as unknown instead of failing the
 * transaction (PostgreSQL: "integer out of range") and with it the broadcast.
 */
function storableErrorCode(code: number | null | undefined): number | null {
	return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 2_147_483_647
		? code
		: null;
}

function recordOf(row: Row): BroadcastRecord {
	const message =
		typeof row.message === 'string' ? (JSON.parse(row.message) as unknown) : row.message;
	return {
		id: String(row.id),
		list: String(row.list),
		messageHash: String(row.message_hash),
		message: (message ?? {}) as Record<string, unknown>,
		state: String(row.state) as BroadcastState,
		abortReason: row.abort_reason === null ? null : String(row.abort_reason),
		runs: Number(row.runs),
		createdAt: isoOf(row.created_at),
		startedAt: isoOf(row.started_at),
		heartbeatAt: isoOf(row.heartbeat_at),
		finishedAt: isoOrNull(row.finished_at),
		lastStatusAt: isoOrNull(row.last_status_at),
	};
}

function placeholders(count: number, from: number): string {
	return Array.from({ length: count }, (_, i) => `$${i + from}`).join(', ');
}

function* loadRecord(id: string, lock: string): TxBody<BroadcastRecord | null> {
	const { rows } = yield* sql(`SELECT * FROM broadcast WHERE id = $1${lock}`, id);
	return rows.length === 0 ? null : recordOf(rows[0]);
}

export class BroadcastLedger {
	constructor(private readonly engine: Engine) {}

	/**
	 * Starts a run: creates the broadcast, or resumes it when its id exists for the same list and
	 * message and no other run is alive (heartbeat older than `staleAfterMs`).
	 */
	async begin(input: BeginInput): Promise<BeginResult> {
		const id = normaliseBroadcastId(input.id);
		const now = input.now.toISOString();
		const staleAfterMs = input.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
		const runToken = randomUUID();
		const lock = this.engine.dialect.forUpdate;
		// A refusal is returned by the transaction and thrown here: thrown inside it, the store's engines
		// would wrap it in a StoreError ("store unreachable") and lose its code and Italian hint.
		const outcome = await this.engine.transaction(function* (): TxBody<
			BeginResult | BroadcastError
		> {
			const existing = yield* loadRecord(id, lock);
			if (existing === null) {
				yield* sql(
					`INSERT INTO broadcast (id, list, message_hash, message, state, runs, run_token,
						created_at, started_at, heartbeat_at)
					VALUES ($1, $2, $3, $4, 'running', 1, $5, $6, $6, $6)`,
					id,
					input.list,
					input.messageHash,
					JSON.stringify(input.message),
					runToken,
					now,
				);
				const record = (yield* loadRecord(id, ''))!;
				return { record, runToken, resumed: false, alreadyFinal: 0, resend: 0, uncertain: 0 };
			}
			if (existing.list !== input.list || existing.messageHash !== input.messageHash) {
				return new BroadcastError(
					'CONFLICT',
					`Broadcast ID "${id}" was already used for ${existing.list === input.list ? 'another message' : `the list ${existing.list}`}`,
					"Questo identificativo appartiene a un altro invio (altra lista o altro messaggio): per un nuovo avviso usare un identificativo nuovo; per riprendere quell'invio usare la stessa lista e lo stesso messaggio.",
				);
			}
			const ageMs = input.now.getTime() - Date.parse(existing.heartbeatAt);
			if (existing.state === 'running' && ageMs < staleAfterMs) {
				return new BroadcastError(
					'BUSY',
					`Broadcast "${id}" is running elsewhere (last sign of life ${Math.max(0, Math.round(ageMs / 1000))} s ago)`,
					`L'invio è già in corso in un'altra esecuzione. Se quell'esecuzione è stata interrotta, riprovare tra ${Math.ceil(staleAfterMs / 1000)} secondi.`,
				);
			}
			const uncertain = yield* sql(
				`UPDATE broadcast_delivery SET state = 'uncertain', updated_at = $2
				WHERE broadcast_id = $1 AND state = 'sending' AND crash_resends >= 1`,
				id,
				now,
			);
			const resend = yield* sql(
				`UPDATE broadcast_delivery SET state = 'retry', crash_resends = crash_resends + 1, updated_at = $2
				WHERE broadcast_id = $1 AND state = 'sending'`,
				id,
				now,
			);
			const final = yield* sql(
				`SELECT COUNT(*) AS n FROM broadcast_delivery WHERE broadcast_id = $1 AND state IN (${FINAL_SQL})`,
				id,
			);
			yield* sql(
				`UPDATE broadcast SET state = 'running', abort_reason = NULL, finished_at = NULL,
					runs = runs + 1, run_token = $2, started_at = $3, heartbeat_at = $3
				WHERE id = $1`,
				id,
				runToken,
				now,
			);
			const record = (yield* loadRecord(id, ''))!;
			return {
				record,
				runToken,
				resumed: true,
				alreadyFinal: Number(final.rows[0].n),
				resend: resend.changes,
				uncertain: uncertain.changes,
			};
		});
		if (outcome instanceof BroadcastError) throw outcome;
		return outcome;
	}

	/**
	 * The next subscribers to consider, in key order after `afterKey`: active now, or left the list
	 * since the broadcast was created (to be recorded as unsubscribed), and not handled yet.
	 */
	async scan(query: {
		id: string;
		list: string;
		createdAt: string;
		afterKey: string;
		limit: number;
	}): Promise<Candidate[]> {
		// One index range per state (list, state, subscriber_key): an OR over the states would make
		// the database walk the list from its start on every page.
		return await this.engine.read(function* () {
			const pages: Row[][] = [];
			for (const [state, since] of [
				['active', null],
				['cancelled', query.createdAt],
			] as const) {
				const { rows } = yield* sql(
					`SELECT s.subscriber_key AS key, sub.wa_id, sub.user_id
					FROM subscription s
					JOIN subscriber sub ON sub.key = s.subscriber_key
					LEFT JOIN broadcast_delivery d ON d.broadcast_id = $1 AND d.recipient_key = s.subscriber_key
					WHERE s.list = $2 AND s.state = $3 AND s.subscriber_key > $4
						AND (d.state IS NULL OR d.state = 'retry')
						${since === null ? '' : 'AND s.updated_at >= $6'}
					ORDER BY s.subscriber_key
					LIMIT $5`,
					query.id,
					query.list,
					state,
					query.afterKey,
					query.limit,
					...(since === null ? [] : [since]),
				);
				pages.push(rows);
			}
			return pages
				.flat()
				.sort((a, b) => (String(a.key) < String(b.key) ? -1 : 1))
				.slice(0, query.limit)
				.map((row) => ({
					key: String(row.key),
					waId: row.wa_id === null ? null : String(row.wa_id),
					userId: row.user_id === null ? null : String(row.user_id),
				}));
		});
	}

	/**
	 * One step of a run, in one transaction: writes the answers received since the last step, then
	 * re-reads the subscriptions of the recipients about to be sent and claims the ones still active.
	 */
	async step(input: StepInput): Promise<StepResult> {
		const now = input.now.toISOString();
		const lock = this.engine.dialect.forUpdate;
		return await this.engine.transaction(function* (): TxBody<StepResult> {
			// Every step checks the run token under the broadcast row's lock, not only the heartbeat steps:
			// a run that stalled past staleAfterMs and was resumed elsewhere must not claim (and send to)
			// anyone in the second before its next heartbeat, nor write its late answers over the rows of
			// the run that took over (begin turned its `sending` rows into `retry`; they are the new run's).
			let takenOver: boolean;
			if (input.heartbeat) {
				const beat = yield* sql(
					'UPDATE broadcast SET heartbeat_at = $3 WHERE id = $1 AND run_token = $2',
					input.id,
					input.runToken,
					now,
				);
				takenOver = beat.changes === 0;
			} else {
				const owner = yield* sql(
					`SELECT 1 AS owned FROM broadcast WHERE id = $1 AND run_token = $2${lock}`,
					input.id,
					input.runToken,
				);
				takenOver = owner.rows.length === 0;
			}
			const result: StepResult = { claimed: [], unsubscribed: [], alreadyFinal: [], takenOver };
			if (takenOver) return result;
			for (const outcome of input.outcomes) {
				yield* sql(
					`UPDATE broadcast_delivery SET state = $3, wamid = $4, error_code = $5, attempts = $6, updated_at = $7
					WHERE broadcast_id = $1 AND recipient_key = $2 AND state = 'sending'`,
					input.id,
					outcome.key,
					outcome.state,
					outcome.state === 'sent' ? outcome.wamid : null,
					outcome.state === 'sent' ? null : storableErrorCode(outcome.errorCode),
					outcome.attempts,
					now,
				);
			}
			if (input.claim.length === 0) return result;
			const keys = input.claim.map((c) => c.key);
			// `s.list || ''` keeps SQLite's planner on the primary key (one lookup per recipient): on a
			// plain `s.list = $2` it guesses the list index is cheaper and reads the whole list each step.
			const { rows } = yield* sql(
				`SELECT s.subscriber_key AS key, s.state, sub.wa_id, sub.user_id, d.state AS dstate
				FROM subscription s
				JOIN subscriber sub ON sub.key = s.subscriber_key
				LEFT JOIN broadcast_delivery d ON d.broadcast_id = $1 AND d.recipient_key = s.subscriber_key
				WHERE s.subscriber_key IN (${placeholders(keys.length, 3)}) AND s.list || '' = $2`,
				input.id,
				input.list,
				...keys,
			);
			const byKey = new Map(rows.map((row) => [String(row.key), row]));
			const sending: string[] = [];
			const leaving: string[] = [];
			for (const key of keys) {
				const row = byKey.get(key);
				if (row === undefined) {
					// erased meanwhile: nothing of theirs may be written again
					result.unsubscribed.push(key);
				} else if (row.dstate !== null && FINAL.has(String(row.dstate))) {
					result.alreadyFinal.push(key);
				} else if (row.state !== 'active') {
					leaving.push(key);
					result.unsubscribed.push(key);
				} else {
					sending.push(key);
					result.claimed.push({
						key,
						waId: row.wa_id === null ? null : String(row.wa_id),
						userId: row.user_id === null ? null : String(row.user_id),
					});
				}
			}
			for (const [state, group] of [
				['sending', sending],
				['unsubscribed', leaving],
			] as const) {
				if (group.length === 0) continue;
				const values = group.map((_, i) => `($1, $${i + 4}, $2, 0, 0, $3)`).join(', ');
				yield* sql(
					`INSERT INTO broadcast_delivery (broadcast_id, recipient_key, state, attempts, crash_resends, updated_at)
					VALUES ${values}
					ON CONFLICT (broadcast_id, recipient_key) DO UPDATE SET state = $2, updated_at = $3`,
					input.id,
					state,
					now,
					...group,
				);
			}
			return result;
		});
	}

	/** Ends a run (only the run holding the token can). */
	async finish(input: {
		id: string;
		runToken: string;
		state: 'completed' | 'aborted';
		reason: string | null;
		now: Date;
	}): Promise<void> {
		const now = input.now.toISOString();
		await this.engine.transaction(function* () {
			yield* sql(
				`UPDATE broadcast SET state = $3, abort_reason = $4, finished_at = $5, heartbeat_at = $5
				WHERE id = $1 AND run_token = $2`,
				input.id,
				input.runToken,
				input.state,
				input.reason,
				now,
			);
		});
	}

	async get(id: string): Promise<BroadcastRecord | null> {
		const key = normaliseBroadcastId(id);
		return await this.engine.read(() => loadRecord(key, ''));
	}

	/** Counts by delivery state and failures by error code. */
	async counts(id: string): Promise<BroadcastCounts> {
		const key = normaliseBroadcastId(id);
		return await this.engine.read(function* (): TxBody<BroadcastCounts> {
			const { rows } = yield* sql(
				`SELECT state, error_code, COUNT(*) AS n FROM broadcast_delivery
				WHERE broadcast_id = $1 GROUP BY state, error_code`,
				key,
			);
			const byState = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<
				DeliveryState,
				number
			>;
			const failedByCode: Record<string, number> = {};
			for (const row of rows) {
				const state = String(row.state) as DeliveryState;
				const n = Number(row.n);
				byState[state] += n;
				if (state === 'failed') {
					const code = row.error_code === null ? 'unknown' : String(row.error_code);
					failedByCode[code] = (failedByCode[code] ?? 0) + n;
				}
			}
			return { byState, failedByCode };
		});
	}

	/** Active subscribers of the list not handled yet by this broadcast id (what a run would send). */
	async pendingCount(id: string, list: string): Promise<number> {
		const key = normaliseBroadcastId(id);
		return await this.engine.read(function* () {
			const { rows } = yield* sql(
				`SELECT COUNT(*) AS n FROM subscription s
				LEFT JOIN broadcast_delivery d ON d.broadcast_id = $1 AND d.recipient_key = s.subscriber_key
				WHERE s.list = $2 AND s.state = 'active' AND (d.state IS NULL OR d.state NOT IN (${FINAL_SQL}))`,
				key,
				list,
			);
			return Number(rows[0].n);
		});
	}

	/**
	 * Applies delivery statuses from the trigger. Only moves forward (sent → delivered → read, or
	 * failed), whatever order they arrive in. `unmatched` are statuses of messages that are not part of
	 * any broadcast (ordinary replies).
	 */
	async recordStatuses(
		updates: DeliveryStatusUpdate[],
		now: Date,
	): Promise<{ updated: number; unchanged: number; unmatched: number }> {
		const at = now.toISOString();
		return await this.engine.transaction(function* () {
			const outcome = yield* applyBroadcastStatuses(updates, at);
			return {
				updated: outcome.updated,
				unchanged: outcome.unchanged,
				unmatched: outcome.unmatched.length,
			};
		});
	}
}

/**
 * The body of {@link BroadcastLedger.recordStatuses}, for a caller that records more in the same
 * transaction: returns the updates that matched no broadcast delivery, and the broadcasts touched.
 */
export function* applyBroadcastStatuses(
	updates: DeliveryStatusUpdate[],
	at: string,
): TxBody<{
	updated: number;
	unchanged: number;
	unmatched: DeliveryStatusUpdate[];
	broadcastIds: string[];
}> {
	let updated = 0;
	let unchanged = 0;
	const unmatched: DeliveryStatusUpdate[] = [];
	const broadcastIds = new Set<string>();
	for (const update of updates) {
		// own keys only: a status "constructor" or "__proto__" must not find Object's members
		const from = Object.hasOwn(STATUS_TRANSITIONS, update.status)
			? STATUS_TRANSITIONS[update.status]
			: undefined;
		if (from !== undefined) {
			const { rows } = yield* sql(
				`UPDATE broadcast_delivery SET state = $2, error_code = COALESCE($3, error_code), updated_at = $4
				WHERE wamid = $1 AND state IN (${from.map((s) => `'${s}'`).join(', ')}) RETURNING broadcast_id`,
				update.wamid,
				update.status,
				update.status === 'failed' ? storableErrorCode(update.errorCode) : null,
				at,
			);
			if (rows.length > 0) {
				updated += rows.length;
				for (const row of rows) broadcastIds.add(String(row.broadcast_id));
				continue;
			}
		}
		const { rows } = yield* sql(
			'SELECT broadcast_id FROM broadcast_delivery WHERE wamid = $1',
			update.wamid,
		);
		if (rows.length > 0) {
			unchanged += 1;
			broadcastIds.add(String(rows[0].broadcast_id));
		} else unmatched.push(update);
	}
	return { updated, unchanged, unmatched, broadcastIds: [...broadcastIds] };
}
