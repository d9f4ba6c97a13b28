/**
 * The ingress's outbox (table `ingress_outbox`, migration 4): webhook bodies holding citizens' messages,
 * written before Meta gets its 200 and forwarded afterwards, byte for byte, to n8n's WhatsUrp Trigger.
 *
 * - **Dedupe**: a body is known by its first message's wamid; Meta's redelivery of it is not queued again.
 * - **Order per citizen**: only the oldest queued body of a citizen can be claimed, so a later message
 *   never overtakes an earlier one still waiting or failing.
 * - **Claims**: a claim is a lease (`lease_owner`, `lease_until`); on PostgreSQL rows are picked with
 *   `FOR UPDATE SKIP LOCKED`, so instances sharing the database never claim the same row, and a crashed
 *   instance's claims return when their lease expires. SQLite holds the database lock for the claim.
 * - Nothing is ever dropped: a failure schedules another attempt; a forwarded body loses its bytes and
 *   signature at once and its row (the wamid, for dedupe) is pruned after the retention.
 */
import type { DeliveryStatusUpdate } from '../shared/deliveryStatus';
import type { Engine, Row, TxBody } from './engine';
import { isoOf, isoOrNull, sql } from './engine';
import { StoreInputError } from './errors';
import { knownWamids, recordStatusesBody, type StatusRecordOutcome } from './statuses';

/** How long forwarded rows stay (their wamid recognises a late redelivery): 8 days, like inbound_seen. */
export const OUTBOX_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;

/** Why the last attempt to forward failed. */
export type ForwardFailureKind =
	/** n8n answered 401, 403 or 404 (secret rotated, workflow unpublished): needs IT. */
	| 'refused'
	/** n8n answered 5xx or another unexpected status. */
	| 'server'
	/** Connection refused, reset or timed out. */
	| 'network';

/** A body to queue. */
export interface OutboxEntry {
	/** The first message's wamid: the body's identity. */
	wamid: string;
	/** The store key of the first message's sender (`wa:<number>` or `user:<id>`): the order's unit. */
	citizenKey: string;
	/** The body exactly as Meta sent it. */
	body: Buffer;
	/** Meta's `X-Hub-Signature-256` header, as received. */
	signature: string;
	/** How many messages the body holds. */
	messages: number;
}

/** A claimed body, to forward. */
export interface ClaimedBody {
	id: number;
	wamid: string;
	citizenKey: string;
	body: Buffer;
	signature: string;
	receivedAt: string;
	/** Attempts so far, this one included. */
	attempts: number;
}

/** What one ingest transaction did. */
export interface IngestOutcome {
	statuses: StatusRecordOutcome | null;
	/**
	 * Statuses whose wamid no broadcast delivery or case reply held at commit: a status may overtake the
	 * broadcast's record of the wamid it is about (Meta's *sent* comes within milliseconds of the send's
	 * answer); the ingress applies them again a little later ({@link OutboxLedger.reapplyStatuses}).
	 */
	unmatched: DeliveryStatusUpdate[];
	/** Per entry, in order: true when queued, false when its wamid was already there. */
	queued: boolean[];
}

export interface OutboxDepth {
	/** Bodies not forwarded yet. */
	waiting: number;
	/** When the oldest waiting body arrived; null when none waits. */
	oldestWaitingAt: string | null;
	/** Waiting bodies whose last attempt failed, by why. */
	failing: Record<ForwardFailureKind, number>;
	/** Bodies forwarded and kept for dedupe. */
	forwarded: number;
}

const KINDS: readonly ForwardFailureKind[] = ['refused', 'server', 'network'];
const MAX_ERROR_LENGTH = 500;
const MAX_WAMID_LENGTH = 256;

function checkEntry(entry: OutboxEntry, index: number): void {
	const where = `entries[${index}]`;
	if (entry === null || typeof entry !== 'object')
		throw new StoreInputError(where, 'must be an object');
	if (
		typeof entry.wamid !== 'string' ||
		entry.wamid === '' ||
		entry.wamid.length > MAX_WAMID_LENGTH ||
		entry.wamid.includes('\u0000')
	) {
		throw new StoreInputError(`${where}.wamid`, 'must be a message id (1–256 characters, no NUL)');
	}
	if (
		typeof entry.citizenKey !== 'string' ||
		entry.citizenKey === '' ||
		entry.citizenKey.includes('\u0000')
	) {
		throw new StoreInputError(`${where}.citizenKey`, 'must be a citizen key');
	}
	if (!Buffer.isBuffer(entry.body) || entry.body.length === 0) {
		throw new StoreInputError(`${where}.body`, 'must be the non-empty raw body');
	}
	// kept as text: a JSON body Meta signed is UTF-8 without NUL, and text round-trips it byte for byte
	const text = entry.body.toString('utf8');
	if (text.includes('\u0000') || !Buffer.from(text, 'utf8').equals(entry.body)) {
		throw new StoreInputError(`${where}.body`, 'must be UTF-8 text without NUL (a JSON webhook)');
	}
	if (
		typeof entry.signature !== 'string' ||
		entry.signature === '' ||
		/[\r\n]/.test(entry.signature) ||
		entry.signature.includes('\u0000')
	) {
		throw new StoreInputError(`${where}.signature`, 'must be the signature header');
	}
}

/** A wamid the lookups can take (text, not empty, no NUL), as store/statuses.ts filters them. */
function lookupableWamid(wamid: unknown): wamid is string {
	return typeof wamid === 'string' && wamid !== '' && !wamid.includes('\u0000');
}

function claimedOf(row: Row): ClaimedBody {
	return {
		id: Number(row.id),
		wamid: String(row.wamid),
		citizenKey: String(row.citizen_key),
		body: Buffer.from(String(row.body), 'utf8'),
		signature: String(row.signature),
		receivedAt: isoOf(row.received_at),
		attempts: Number(row.attempts),
	};
}

function* enqueueBody(entries: OutboxEntry[], at: string): TxBody<boolean[]> {
	const queued: boolean[] = [];
	for (const entry of entries) {
		const { rows } = yield* sql(
			`INSERT INTO ingress_outbox (wamid, citizen_key, state, body, signature, messages, received_at,
				next_attempt_at, attempts)
			VALUES ($1, $2, 'queued', $3, $4, $5, $6, $6, 0)
			ON CONFLICT (wamid) DO NOTHING RETURNING id`,
			entry.wamid,
			entry.citizenKey,
			entry.body.toString('utf8'),
			entry.signature,
			entry.messages,
			at,
		);
		queued.push(rows.length === 1);
	}
	return queued;
}

/** The outbox on the store's database. */
export class OutboxLedger {
	constructor(private readonly engine: Engine) {}

	/**
	 * One transaction for many webhooks (group commit): records their delivery statuses with the
	 * trigger's forward-only rules and queues their bodies with messages. Either all of it is written
	 * or, on an error, nothing.
	 */
	async ingest(
		statuses: DeliveryStatusUpdate[],
		entries: OutboxEntry[],
		now: Date,
	): Promise<IngestOutcome> {
		if (!Array.isArray(statuses)) throw new StoreInputError('statuses', 'must be a list');
		if (!Array.isArray(entries)) throw new StoreInputError('entries', 'must be a list');
		entries.forEach(checkEntry);
		const at = now.toISOString();
		return await this.engine.transaction(function* () {
			const recorded = statuses.length > 0 ? yield* recordStatusesBody(statuses, now) : null;
			let unmatched: DeliveryStatusUpdate[] = [];
			if (recorded !== null && recorded.unknown > 0) {
				const wamids = statuses.map((u) => u?.wamid).filter(lookupableWamid);
				const known = yield* knownWamids(wamids);
				unmatched = statuses.filter((u) => lookupableWamid(u?.wamid) && !known.has(u.wamid));
			}
			const queued = entries.length > 0 ? yield* enqueueBody(entries, at) : [];
			return { statuses: recorded, unmatched, queued };
		});
	}

	/**
	 * Applies statuses again (forward only) whose wamid was unknown when they came, without counting them
	 * in the daily tally a second time; returns those whose wamid is known now (the others are left).
	 */
	async reapplyStatuses(
		statuses: DeliveryStatusUpdate[],
		now: Date,
	): Promise<DeliveryStatusUpdate[]> {
		if (statuses.length === 0) return [];
		return await this.engine.transaction(function* () {
			const known = yield* knownWamids(statuses.map((u) => u.wamid));
			const matched = statuses.filter((u) => known.has(u.wamid));
			if (matched.length > 0) yield* recordStatusesBody(matched, now, { tally: false });
			return matched;
		});
	}

	/** Queues bodies (deduplicated by wamid); per entry, whether it was new. */
	async enqueue(entries: OutboxEntry[], now: Date): Promise<boolean[]> {
		return (await this.ingest([], entries, now)).queued;
	}

	/**
	 * Claims up to `limit` bodies due at `now` for `owner` until `now + leaseMs`: per citizen only the
	 * oldest queued one, and only when no other instance holds it. Oldest first.
	 */
	async claim(owner: string, limit: number, leaseMs: number, now: Date): Promise<ClaimedBody[]> {
		if (typeof owner !== 'string' || owner === '')
			throw new StoreInputError('owner', 'is required');
		if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
			throw new StoreInputError('limit', 'must be an integer from 1 to 1000');
		}
		if (!Number.isFinite(leaseMs) || leaseMs < 1) {
			throw new StoreInputError('leaseMs', 'must be a positive number of milliseconds');
		}
		const at = now.toISOString();
		const until = new Date(now.getTime() + leaseMs).toISOString();
		const lock = this.engine.backend === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
		return await this.engine.transaction(function* () {
			const picked = yield* sql(
				`SELECT id FROM ingress_outbox AS o
				WHERE o.state = 'queued' AND o.next_attempt_at <= $1
					AND (o.lease_until IS NULL OR o.lease_until <= $1)
					AND NOT EXISTS (SELECT 1 FROM ingress_outbox AS e
						WHERE e.citizen_key = o.citizen_key AND e.state = 'queued' AND e.id < o.id)
				ORDER BY o.id LIMIT $2${lock}`,
				at,
				limit,
			);
			if (picked.rows.length === 0) return [];
			const ids = picked.rows.map((row) => Number(row.id));
			const list = ids.map((_, i) => `$${i + 3}`).join(', ');
			const { rows } = yield* sql(
				`UPDATE ingress_outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
				WHERE id IN (${list}) RETURNING id, wamid, citizen_key, body, signature, received_at, attempts`,
				owner,
				until,
				...ids,
			);
			return rows.map(claimedOf).sort((a, b) => a.id - b.id);
		});
	}

	/** The body reached n8n: it leaves the queue and loses its bytes. False when `owner` lost the claim. */
	async markForwarded(id: number, owner: string, now: Date): Promise<boolean> {
		const at = now.toISOString();
		return await this.engine.transaction(function* () {
			const { changes } = yield* sql(
				`UPDATE ingress_outbox SET state = 'forwarded', forwarded_at = $3, last_attempt_at = $3,
					body = NULL, signature = NULL, lease_owner = NULL, lease_until = NULL
				WHERE id = $1 AND lease_owner = $2 AND state = 'queued'`,
				id,
				owner,
				at,
			);
			return changes === 1;
		});
	}

	/**
	 * An attempt failed: the body stays queued, due again after `delayMs`, with the error kept (it must
	 * not hold a phone number: the caller masks it). False when `owner` lost the claim.
	 */
	async retryLater(
		id: number,
		owner: string,
		failure: { kind: ForwardFailureKind; error: string; delayMs: number },
		now: Date,
	): Promise<boolean> {
		if (!KINDS.includes(failure.kind))
			throw new StoreInputError('kind', `must be one of ${KINDS.join(', ')}`);
		const at = now.toISOString();
		const due = new Date(now.getTime() + Math.max(0, failure.delayMs)).toISOString();
		const error = String(failure.error).split('\u0000').join('').slice(0, MAX_ERROR_LENGTH);
		return await this.engine.transaction(function* () {
			const { changes } = yield* sql(
				`UPDATE ingress_outbox SET next_attempt_at = $3, last_error = $4, last_error_kind = $5,
					last_attempt_at = $6, lease_owner = NULL, lease_until = NULL
				WHERE id = $1 AND lease_owner = $2 AND state = 'queued'`,
				id,
				owner,
				due,
				error,
				failure.kind,
				at,
			);
			return changes === 1;
		});
	}

	/** Queue depth, the oldest waiting body and the failing ones by kind. */
	async depth(): Promise<OutboxDepth> {
		return await this.engine.read(function* () {
			const { rows } = yield* sql(
				`SELECT state, last_error_kind, COUNT(*) AS n, MIN(received_at) AS oldest
				FROM ingress_outbox GROUP BY state, last_error_kind`,
			);
			const depth: OutboxDepth = {
				waiting: 0,
				oldestWaitingAt: null,
				failing: { refused: 0, server: 0, network: 0 },
				forwarded: 0,
			};
			for (const row of rows) {
				const n = Number(row.n);
				if (row.state === 'forwarded') {
					depth.forwarded += n;
					continue;
				}
				depth.waiting += n;
				const oldest = isoOrNull(row.oldest);
				if (oldest !== null && (depth.oldestWaitingAt === null || oldest < depth.oldestWaitingAt)) {
					depth.oldestWaitingAt = oldest;
				}
				const kind = row.last_error_kind as ForwardFailureKind | null;
				if (kind !== null && KINDS.includes(kind)) depth.failing[kind] += n;
			}
			return depth;
		});
	}

	/** The last error of each waiting body that failed (oldest first, at most `limit`), for IT. */
	async failures(
		limit = 20,
	): Promise<Array<{ wamid: string; kind: string; error: string; attempts: number }>> {
		return await this.engine.read(function* () {
			const { rows } = yield* sql(
				`SELECT wamid, last_error_kind, last_error, attempts FROM ingress_outbox
				WHERE state = 'queued' AND last_error_kind IS NOT NULL ORDER BY id LIMIT $1`,
				Math.max(1, Math.min(1000, Math.floor(limit))),
			);
			return rows.map((row) => ({
				wamid: String(row.wamid),
				kind: String(row.last_error_kind),
				error: String(row.last_error),
				attempts: Number(row.attempts),
			}));
		});
	}

	/** Deletes forwarded rows forwarded before `olderThan`; returns how many. Queued rows are never pruned. */
	async prune(olderThan: Date): Promise<number> {
		const before = olderThan.toISOString();
		return await this.engine.transaction(function* () {
			const { changes } = yield* sql(
				"DELETE FROM ingress_outbox WHERE state = 'forwarded' AND forwarded_at < $1",
				before,
			);
			return changes;
		});
	}
}
