/**
 * Delivery statuses recorded by the trigger itself, with no n8n execution: in one transaction per
 * webhook they move the broadcast ledger forward, then the case whose reply they are about, and count
 * themselves in a daily tally (the only trace of them once they no longer show as executions).
 */
import { applyBroadcastStatuses } from './broadcastLedger';
import type { DeliveryStatusUpdate, StatusRecordOutcome } from '../shared/deliveryStatus';
import type { Engine, TxBody } from './engine';
import { isoOrNull, sql } from './engine';
import { StoreInputError } from './errors';

export type { StatusRecordOutcome };

/** One day (UTC) of recorded statuses. */
export interface StatusTallyDay {
	day: string;
	sent: number;
	delivered: number;
	read: number;
	failed: number;
	/** Statuses other than the four (played, deleted, …). */
	other: number;
	broadcast: number;
	cases: number;
	unknown: number;
	lastStatus: string | null;
	lastStatusAt: string | null;
}

/** The order a reply's status moves in: a status is written only over an earlier one. */
const CASE_STATUS_FROM: Readonly<Record<string, string[]>> = {
	sent: [],
	delivered: ['sent'],
	read: ['sent', 'delivered'],
	failed: ['sent', 'delivered'],
};

const COUNTED = ['sent', 'delivered', 'read', 'failed'] as const;

/** Longest status kept as the tally's last status. */
const MAX_STATUS_LENGTH = 32;

// eslint-disable-next-line no-control-regex
const NOT_STORABLE = /[\u0000-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * An update as the queries take it. A wamid that is not text, is empty or holds NUL (which PostgreSQL
 * refuses in a parameter, failing the whole batch) can match nothing: it is left out of the lookups and
 * counted as unknown. A status that is not text counts as "other".
 */
function lookupable(update: unknown): DeliveryStatusUpdate | null {
	if (update === null || typeof update !== 'object') return null;
	const { wamid, status, errorCode } = update as Partial<DeliveryStatusUpdate>;
	if (typeof wamid !== 'string' || wamid === '' || wamid.includes('\u0000')) return null;
	return { wamid, status: typeof status === 'string' ? status : '', errorCode };
}

function statusOf(update: unknown): string {
	const status = (update as Partial<DeliveryStatusUpdate> | null)?.status;
	return typeof status === 'string' ? status : '';
}

/** The last status as the tally keeps it: no control characters, at most 32 code points. */
function storableStatus(status: string): string {
	return Array.from(status.replace(NOT_STORABLE, ' ').trim())
		.slice(0, MAX_STATUS_LENGTH)
		.join('')
		.replace(LONE_SURROGATE, '\uFFFD');
}

function* applyCaseStatuses(
	updates: DeliveryStatusUpdate[],
	at: string,
): TxBody<{ cases: number; unchanged: number; unknown: number }> {
	let cases = 0;
	let unchanged = 0;
	let unknown = 0;
	for (const update of updates) {
		const from = Object.hasOwn(CASE_STATUS_FROM, update.status)
			? CASE_STATUS_FROM[update.status]
			: undefined;
		if (from !== undefined) {
			const earlier = from.map((s) => `'${s}'`).join(', ');
			const { changes } = yield* sql(
				`UPDATE conversation_case SET reply_status = $2, reply_status_at = $3
				WHERE reply_wamid = $1 AND (reply_status IS NULL${earlier === '' ? '' : ` OR reply_status IN (${earlier})`})`,
				update.wamid,
				update.status,
				at,
			);
			if (changes > 0) {
				cases += 1;
				continue;
			}
		}
		const { rows } = yield* sql(
			'SELECT 1 AS found FROM conversation_case WHERE reply_wamid = $1',
			update.wamid,
		);
		if (rows.length > 0) unchanged += 1;
		else unknown += 1;
	}
	return { cases, unchanged, unknown };
}

/** Most parameters of one lookup statement (both drivers take far more). */
const LOOKUP_CHUNK = 1000;
const LOOKUP_SIZES = [4, 16, 64, 256, LOOKUP_CHUNK];

/** The wamids among `wamids` that a broadcast delivery or a case's reply holds. */
export function* knownWamids(wamids: string[]): TxBody<Set<string>> {
	const unique = [...new Set(wamids)];
	const known = new Set<string>();
	for (let start = 0; start < unique.length; start += LOOKUP_CHUNK) {
		const chunk = unique.slice(start, start + LOOKUP_CHUNK);
		// a few statement shapes only (SQLite keeps each prepared): the list padded with its last wamid
		const size = LOOKUP_SIZES.find((n) => n >= chunk.length) ?? LOOKUP_CHUNK;
		while (chunk.length < size) chunk.push(chunk[chunk.length - 1]);
		const list = chunk.map((_, i) => `$${i + 1}`).join(', ');
		const { rows } = yield* sql(
			`SELECT wamid FROM broadcast_delivery WHERE wamid IN (${list})
			UNION SELECT reply_wamid FROM conversation_case WHERE reply_wamid IN (${list})`,
			...chunk,
		);
		for (const row of rows) known.add(String(row.wamid));
	}
	return known;
}

/** Records a batch of statuses (up to Meta's 1,000 per webhook) in one transaction. */
export async function recordDeliveryStatuses(
	engine: Engine,
	updates: DeliveryStatusUpdate[],
	now: Date,
): Promise<StatusRecordOutcome> {
	if (!Array.isArray(updates)) throw new StoreInputError('updates', 'must be a list of statuses');
	return await engine.transaction(() => recordStatusesBody(updates, now));
}

/**
 * The body of {@link recordDeliveryStatuses}, to run inside a larger transaction (the ingress records
 * many webhooks' statuses and queues their messages in one commit). `tally: false` leaves the daily
 * tally alone (statuses counted already, applied again).
 */
export function* recordStatusesBody(
	updates: DeliveryStatusUpdate[],
	now: Date,
	options: { tally?: boolean } = {},
): TxBody<StatusRecordOutcome> {
	const at = now.toISOString();
	const day = at.slice(0, 10);
	const usable = updates.map(lookupable).filter((u): u is DeliveryStatusUpdate => u !== null);
	const unusable = updates.length - usable.length;
	const outcome: StatusRecordOutcome = {
		received: updates.length,
		broadcast: 0,
		cases: 0,
		unchanged: 0,
		unknown: 0,
	};
	if (updates.length === 0) return outcome;
	// many statuses (a batch of Meta's, or the ingress's group commit): one query finds the wamids that
	// are ours; the others would miss every lookup below, four statements each, and only count as unknown
	const known = usable.length > 1 ? yield* knownWamids(usable.map((u) => u.wamid)) : null;
	const lookups = known === null ? usable : usable.filter((u) => known.has(u.wamid));
	const broadcast = yield* applyBroadcastStatuses(lookups, at);
	outcome.broadcast = broadcast.updated;
	outcome.unchanged = broadcast.unchanged;
	if (broadcast.broadcastIds.length > 0) {
		const ids = broadcast.broadcastIds.map((_, i) => `$${i + 2}`).join(', ');
		yield* sql(
			`UPDATE broadcast SET last_status_at = $1 WHERE id IN (${ids})`,
			at,
			...broadcast.broadcastIds,
		);
	}
	const rest = yield* applyCaseStatuses(broadcast.unmatched, at);
	outcome.cases = rest.cases;
	outcome.unchanged += rest.unchanged;
	outcome.unknown = rest.unknown + unusable + (usable.length - lookups.length);
	// a status applied again later (the ingress's second look at wamids unknown at first) was counted
	if (options.tally === false) return outcome;

	const byStatus = Object.fromEntries(COUNTED.map((s) => [s, 0])) as Record<string, number>;
	let other = 0;
	for (const update of updates) {
		const status = statusOf(update);
		if (Object.hasOwn(byStatus, status)) byStatus[status] += 1;
		else other += 1;
	}
	const last = storableStatus(statusOf(updates[updates.length - 1]));
	yield* sql(
		`INSERT INTO delivery_status_tally (day, sent, delivered, read, failed, other, broadcast, cases, unknown,
			last_status, last_status_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (day) DO UPDATE SET sent = delivery_status_tally.sent + $2,
			delivered = delivery_status_tally.delivered + $3, read = delivery_status_tally.read + $4,
			failed = delivery_status_tally.failed + $5, other = delivery_status_tally.other + $6,
			broadcast = delivery_status_tally.broadcast + $7, cases = delivery_status_tally.cases + $8,
			unknown = delivery_status_tally.unknown + $9, last_status = $10, last_status_at = $11`,
		day,
		byStatus.sent,
		byStatus.delivered,
		byStatus.read,
		byStatus.failed,
		other,
		outcome.broadcast,
		outcome.cases,
		outcome.unknown,
		last === '' ? null : last,
		at,
	);
	return outcome;
}

/** The tally of the last `days` days (newest first). */
export async function statusTally(engine: Engine, days = 31): Promise<StatusTallyDay[]> {
	const limit = Number.isFinite(days) ? Math.max(1, Math.min(3660, Math.floor(days))) : 31;
	return await engine.read(function* () {
		const { rows } = yield* sql(
			'SELECT * FROM delivery_status_tally ORDER BY day DESC LIMIT $1',
			limit,
		);
		return rows.map((row) => ({
			day: String(row.day),
			sent: Number(row.sent),
			delivered: Number(row.delivered),
			read: Number(row.read),
			failed: Number(row.failed),
			other: Number(row.other),
			broadcast: Number(row.broadcast),
			cases: Number(row.cases),
			unknown: Number(row.unknown),
			lastStatus: row.last_status === null ? null : String(row.last_status),
			lastStatusAt: isoOrNull(row.last_status_at),
		}));
	});
}
