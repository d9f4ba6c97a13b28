/**
 * The figures' queries on the store's tables (read only, one snapshot): aggregates cut into spans whose
 * boundaries the caller gives as instants (core/figures cuts them in the office's time zone). Every query
 * groups in the database and returns counts per span, never a citizen's key, number, name or text; the
 * only per-row answer is the answered questions' two instants (for the median and the office's opening
 * days, computed by the caller) and the waiting cases' numbers and times.
 *
 * Spans: `boundaries` b0 < b1 < … < bn (ISO instants); span i is [b(i), b(i+1)). An instant before b0 is
 * in span -1, one at or after bn in span n (kept for the subscribers' roll-back from today's count).
 *
 * Subscribers' history comes from the audit trail (`subscription` holds only the current state, erase
 * deletes rows): each request/consent/unsubscribe/import event lists its `changed` entries
 * (`{ list, from, to }`); an erase event lists the lists the citizen held (`lists`), and whether each was
 * active is the last change of that list under the (anonymised) subject before the erase.
 */
import type { Dialect, Engine, SqlValue, TxBody } from './engine';
import { sql } from './engine';
import { DELIVERY_STATES } from './broadcastTypes';
import { StoreInputError } from './errors';

/**
 * Per list and span: subscriptions that became active, ended by a command, ended by erase, and active
 * subscriptions that became one when a citizen's two records were joined (not a leave: the same citizen).
 */
export interface SubscriberMoves {
	list: string;
	span: number;
	joined: number;
	leftByCommand: number;
	leftByErase: number;
	merged: number;
}

export interface ListCount {
	list: string;
	count: number;
}

export interface SpanListCount extends ListCount {
	span: number;
}

/** One alert's counts (its list, its span by creation; never its recipients). */
export interface BroadcastTally {
	span: number;
	list: string;
	recipients: number;
	accepted: number;
	delivered: number;
	read: number;
	failed: number;
	failedByCode: Record<string, number>;
	unsubscribed: number;
	/** finished − created, seconds; null while running. */
	durationSeconds: number | null;
}

/** Cases opened per span, by what they are and became. */
export interface CaseTally {
	span: number;
	kind: 'question' | 'report';
	outOfHours: boolean;
	routedTo: string | null;
	/** Reports: the portal's service; null for questions. */
	service: string | null;
	answered: boolean;
	answeredAsTemplate: boolean;
	unanswered: boolean;
	count: number;
}

/** An answered question: when it arrived and when it was answered (epoch ms). */
export interface AnsweredQuestion {
	span: number;
	openedMs: number;
	answeredMs: number;
}

export interface WaitingRow {
	id: number;
	kind: 'question' | 'report';
	state: 'received' | 'routed';
	routedTo: 'operators' | 'urp_mailbox' | 'segnala' | null;
	openedAt: string;
	outOfHours: boolean;
}

export interface FiguresQuery {
	/** Span boundaries, ISO instants, strictly increasing, at least two. */
	boundaries: string[];
	/** How long a pending request waits for the policy (the expiry is requested + ttl). */
	pendingTtlMs: number;
	/** The instant the figures are for: later expiries have not happened yet. */
	now: string;
	/** At most this many cases per waiting list (oldest first). */
	waitingLimit: number;
}

export interface FiguresData {
	/** Active subscriptions per list today (the roll-back's starting point). */
	activeNow: ListCount[];
	moves: SubscriberMoves[];
	pendingExpired: SpanListCount[];
	/** Subscription commands (audit events request/consent/unsubscribe) per span. */
	commands: Array<{ span: number; count: number }>;
	broadcasts: BroadcastTally[];
	cases: CaseTally[];
	answered: AnsweredQuestion[];
	waiting: {
		openQuestions: WaitingRow[];
		reportsNotRegistered: WaitingRow[];
		notRouted: WaitingRow[];
		counts: { openQuestions: number; reportsNotRegistered: number; notRouted: number };
	};
	/** Every list known: subscriptions, the history read, alerts created before the last boundary. */
	lists: string[];
}

/** Collects parameters: `p(value)` returns its placeholder. */
class Params {
	readonly values: SqlValue[] = [];
	p(value: SqlValue): string {
		this.values.push(value);
		return `$${this.values.length}`;
	}
}

/** `CASE WHEN expr < b0 THEN -1 WHEN expr < b1 THEN 0 … ELSE n END` (the span of an instant). */
function spanOf(expr: string, boundaries: string[], params: Params): string {
	const whens = boundaries.map((b, i) => `WHEN ${expr} < ${params.p(b)} THEN ${i - 1}`).join(' ');
	return `(CASE ${whens} ELSE ${boundaries.length - 1} END)`;
}

/** The spans as ranges [from, to) of instants. */
function spans(q: FiguresQuery): Array<{ span: number; from: string; to: string }> {
	return q.boundaries
		.slice(0, -1)
		.map((from, span) => ({ span, from, to: q.boundaries[span + 1] }));
}

/** SQL fragments that differ between the backends. */
function fragments(d: Dialect) {
	const pg = d.backend === 'postgres';
	return {
		/** The array `path` (a top-level key) of the event's detail, one row per element as `c.value`. */
		each: (path: string, event = 'e', element = 'c') =>
			pg
				? `CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(${event}.detail->'${path}') = 'array' THEN ${event}.detail->'${path}' ELSE '[]'::jsonb END) AS ${element}(value)`
				: `CROSS JOIN json_each(${event}.detail, '$.${path}') AS ${element}`,
		/** A text field of an element. */
		field: (name: string, element = 'c') => `(${element}.value->>'${name}')`,
		/** An element that is itself text (a list name). */
		text: pg ? `(c.value #>> '{}')` : 'c.value',
		/** The instant the event took effect: an import's consent time, else the event's. */
		effective: pg
			? `COALESCE(CASE WHEN e.action = 'import' THEN (e.detail->>'consentAt')::timestamptz END, e.at)`
			: `COALESCE(CASE WHEN e.action = 'import' THEN e.detail->>'consentAt' END, e.at)`,
		/** Whole seconds since the epoch of an instant column (floored on both). */
		epochSeconds: (column: string) =>
			pg
				? `FLOOR(EXTRACT(EPOCH FROM ${column}))::bigint`
				: `CAST(strftime('%s', ${column}) AS INTEGER)`,
		/** A number as text. */
		asText: (expr: string) => (pg ? `(${expr})::text` : `CAST(${expr} AS TEXT)`),
		/** The texts of a group joined by commas. */
		joined: (expr: string) => (pg ? `string_agg(${expr}, ',')` : `group_concat(${expr}, ',')`),
		/** Seconds between two instant columns. */
		seconds: (from: string, to: string) =>
			pg
				? `EXTRACT(EPOCH FROM (${to} - ${from}))::float8`
				: `((julianday(${to}) - julianday(${from})) * 86400.0)`,
	};
}

/** What a subscription's change means for the figures (a row of `subscription_move`). */
export type SubscriptionMove = 'joined' | 'left' | 'erased' | 'expired' | 'merged';

/**
 * The moves of a command's outcome: a list that became active (joined), stopped being active (left),
 * or whose request was found expired by a late acceptance (expired). A request (to pending) moves nothing.
 */
export function movesOf(
	changed: ReadonlyArray<{ list: string; from: string | null; to: string | null }>,
	unchanged: ReadonlyArray<{ list: string; reason: string }>,
): Array<{ list: string; move: SubscriptionMove }> {
	const moves: Array<{ list: string; move: SubscriptionMove }> = [];
	for (const c of changed) {
		if (c.to === 'active' && c.from !== 'active') moves.push({ list: c.list, move: 'joined' });
		else if (c.from === 'active' && c.to !== 'active') moves.push({ list: c.list, move: 'left' });
	}
	for (const u of unchanged)
		if (u.reason === 'expired') moves.push({ list: u.list, move: 'expired' });
	return moves;
}

/** Appends moves (in the transaction of the change they come from). No citizen is named. */
export function* recordMoves(
	moves: ReadonlyArray<{ list: string; move: SubscriptionMove }>,
	at: string,
): TxBody<void> {
	for (const m of moves) {
		yield* sql(
			'INSERT INTO subscription_move (at, list, move) VALUES ($1, $2, $3)',
			at,
			m.list,
			m.move,
		);
	}
}

/**
 * Fills `subscription_move` from the audit trail written before it existed (migration 5): the `changed`
 * entries of commands and imports (an import at its consent time), the requests a late acceptance found
 * expired, and each list an erased citizen held active (its last change under the anonymised subject
 * before the erase went to active).
 */
export function backfillMoves(d: Dialect): string[] {
	const f = fragments(d);
	return [
		`INSERT INTO subscription_move (at, list, move)
		SELECT at, list, CASE WHEN t = 'active' THEN 'joined' ELSE 'left' END FROM (
			SELECT ${f.effective} AS at, e.id, ${f.field('list')} AS list, ${f.field('from')} AS fr, ${f.field('to')} AS t
			FROM audit_event e ${f.each('changed')}
			WHERE e.action IN ('consent', 'unsubscribe', 'import')
		) AS c
		WHERE list IS NOT NULL
			AND ((t = 'active' AND (fr IS NULL OR fr <> 'active')) OR (fr = 'active' AND (t IS NULL OR t <> 'active')))
		ORDER BY id`,
		`INSERT INTO subscription_move (at, list, move)
		SELECT e.at, ${f.field('list')}, 'expired' FROM audit_event e ${f.each('unchanged')}
		WHERE e.action = 'consent' AND ${f.field('reason')} = 'expired' AND ${f.field('list')} IS NOT NULL
		ORDER BY e.id`,
		`INSERT INTO subscription_move (at, list, move)
		SELECT at, list, 'erased' FROM (
			SELECT e.at, e.id, ${f.text} AS list,
				(SELECT ${f.field('to', 'pc')} FROM audit_event p ${f.each('changed', 'p', 'pc')}
					WHERE p.subject = e.subject AND p.id < e.id
						AND p.action IN ('request', 'consent', 'unsubscribe', 'import')
						AND ${f.field('list', 'pc')} = ${f.text}
					ORDER BY p.id DESC LIMIT 1) AS last_to
			FROM audit_event e ${f.each('lists')}
			WHERE e.action = 'erase'
		) AS erased
		WHERE last_to = 'active' AND list IS NOT NULL
		ORDER BY id`,
	];
}

function checkQuery(q: FiguresQuery): void {
	if (!Array.isArray(q.boundaries) || q.boundaries.length < 2) {
		throw new StoreInputError('boundaries', 'needs at least two instants');
	}
	for (let i = 0; i < q.boundaries.length; i++) {
		const b = q.boundaries[i];
		if (typeof b !== 'string' || Number.isNaN(Date.parse(b)) || new Date(b).toISOString() !== b) {
			throw new StoreInputError('boundaries', 'must be ISO 8601 UTC instants (toISOString)');
		}
		if (i > 0 && b <= q.boundaries[i - 1]) {
			throw new StoreInputError('boundaries', 'must be strictly increasing');
		}
	}
	if (!Number.isFinite(q.pendingTtlMs) || q.pendingTtlMs <= 0) {
		throw new StoreInputError('pendingTtlMs', 'must be a positive number of milliseconds');
	}
	if (!Number.isInteger(q.waitingLimit) || q.waitingLimit < 0 || q.waitingLimit > 100_000) {
		throw new StoreInputError('waitingLimit', 'must be a whole number from 0 to 100000');
	}
	if (typeof q.now !== 'string' || Number.isNaN(Date.parse(q.now))) {
		throw new StoreInputError('now', 'must be an ISO 8601 instant');
	}
}

const n = (value: unknown): number => Number(value ?? 0);
const flag = (value: unknown): boolean => value === true || Number(value) === 1;
const textOrNull = (value: unknown): string | null =>
	value === null || value === undefined ? null : String(value);

const MOVES: readonly SubscriptionMove[] = ['joined', 'left', 'erased', 'expired', 'merged'];

/**
 * Joined, left and erased per list and span, and the moves after the last boundary (the roll-back from
 * today's count needs them). One COUNT per list, move and span on the index (list, move, at): on SQLite
 * an index range counted is several times faster than one scan grouped by a computed span.
 */
export function* subscriberMoves(q: FiguresQuery): TxBody<{
	moves: SubscriberMoves[];
	expired: SpanListCount[];
}> {
	// the lists that have moves, each found by one index seek
	const lists: string[] = [];
	for (;;) {
		const next = yield* sql(
			lists.length === 0
				? 'SELECT MIN(list) AS list FROM subscription_move'
				: 'SELECT MIN(list) AS list FROM subscription_move WHERE list > $1',
			...(lists.length === 0 ? [] : [lists[lists.length - 1]]),
		);
		if (next.rows[0]?.list === null || next.rows[0]?.list === undefined) break;
		lists.push(String(next.rows[0].list));
	}
	const last = q.boundaries.length - 1;
	const ranges = [...spans(q), { span: last, from: q.boundaries[last], to: null }];
	const moves: SubscriberMoves[] = [];
	const expired: SpanListCount[] = [];
	for (const list of lists) {
		for (const { span, from, to } of ranges) {
			const counts: Record<string, number> = {};
			for (const move of MOVES) {
				if (move === 'expired' && to === null) continue;
				const { rows } = yield* sql(
					`SELECT COUNT(*) AS n FROM subscription_move
					WHERE list = $1 AND move = $2 AND at >= $3${to === null ? '' : ' AND at < $4'}`,
					list,
					move,
					from,
					...(to === null ? [] : [to]),
				);
				counts[move] = n(rows[0].n);
			}
			if (counts.joined + counts.left + counts.erased + counts.merged > 0) {
				moves.push({
					list,
					span,
					joined: counts.joined,
					leftByCommand: counts.left,
					leftByErase: counts.erased,
					merged: counts.merged,
				});
			}
			// an expiry found at a late acceptance is counted at that acceptance
			if ((counts.expired ?? 0) > 0) expired.push({ list, span, count: counts.expired });
		}
	}
	return { moves, expired };
}

export function* pendingExpired(q: FiguresQuery): TxBody<SpanListCount[]> {
	// A request still pending expires at requested + ttl: its span is that of requested in boundaries
	// moved back by the ttl. Requests accepted too late were cancelled by the acceptance (reason
	// `expired` in its audit event) and are counted at that acceptance.
	const params = new Params();
	const shifted = q.boundaries.map((b) => new Date(Date.parse(b) - q.pendingTtlMs).toISOString());
	const span = spanOf('requested_at', shifted, params);
	const pending = yield* sql(
		`SELECT list, ${span} AS span, COUNT(*) AS n FROM subscription
		WHERE state = 'pending' AND requested_at >= ${params.p(shifted[0])}
			AND requested_at < ${params.p(shifted[shifted.length - 1])}
			AND requested_at <= ${params.p(new Date(Date.parse(q.now) - q.pendingTtlMs).toISOString())}
		GROUP BY list, span`,
		...params.values,
	);
	return pending.rows.map((row) => ({
		list: String(row.list),
		span: n(row.span),
		count: n(row.n),
	}));
}

export function* commandCounts(q: FiguresQuery): TxBody<Array<{ span: number; count: number }>> {
	const out: Array<{ span: number; count: number }> = [];
	for (const { span, from, to } of spans(q)) {
		const { rows } = yield* sql(
			`SELECT COUNT(*) AS n FROM audit_event
			WHERE action IN ('request', 'consent', 'unsubscribe') AND at >= $1 AND at < $2`,
			from,
			to,
		);
		out.push({ span, count: n(rows[0].n) });
	}
	return out;
}

/**
 * What a finished alert's counts depend on, as SQL of the alert `b` (the same text on both backends):
 * its state, runs, end and last status (epoch milliseconds). Its counts are cached under it and counted
 * again when it changes.
 */
function validForSql(d: Dialect): string {
	const pg = d.backend === 'postgres';
	const ms = (column: string) =>
		pg
			? `COALESCE(((EXTRACT(EPOCH FROM ${column}) * 1000)::bigint)::text, '')`
			: `COALESCE(CAST(CAST(strftime('%s', ${column}) AS INTEGER) * 1000 + CAST(substr(${column}, 21, 3) AS INTEGER) AS TEXT), '')`;
	const runs = pg ? 'b.runs::text' : 'CAST(b.runs AS TEXT)';
	return `(b.state || '|' || ${runs} || '|' || ${ms('b.finished_at')} || '|' || ${ms('b.last_status_at')})`;
}

/**
 * Counts the deliveries of every finished alert into `broadcast_figures` in one statement (migration 5,
 * so the first figures after the upgrade do not count them all).
 */
export function prefillAlertCounts(d: Dialect): string {
	const pg = d.backend === 'postgres';
	const count = (condition: string) =>
		`(SELECT COUNT(*) FROM broadcast_delivery x WHERE x.broadcast_id = b.id AND ${condition})`;
	const codes = `(SELECT ${pg ? 'jsonb_object_agg' : 'json_group_object'}(code, n) FROM (
		SELECT COALESCE(${pg ? 'x.error_code::text' : 'CAST(x.error_code AS TEXT)'}, 'unknown') AS code, COUNT(*) AS n
		FROM broadcast_delivery x WHERE x.broadcast_id = b.id AND x.state = 'failed' GROUP BY 1) AS f)`;
	const object = pg ? 'jsonb_build_object' : 'json_object';
	const failedByCode = pg ? `COALESCE(${codes}, '{}'::jsonb)` : `json(COALESCE(${codes}, '{}'))`;
	return `INSERT INTO broadcast_figures (broadcast_id, valid_for, counts, computed_at)
		SELECT b.id, ${validForSql(d)}, ${object}(
			'recipients', ${count('TRUE')},
			'accepted', ${count("x.state IN ('sent', 'delivered', 'read')")} + ${count("x.state = 'failed' AND x.wamid IS NOT NULL")},
			'delivered', ${count("x.state IN ('delivered', 'read')")},
			'read', ${count("x.state = 'read'")},
			'failed', ${count("x.state = 'failed'")},
			'failedByCode', ${failedByCode},
			'unsubscribed', ${count("x.state = 'unsubscribed'")}
		), ${pg ? 'now()' : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"}
		FROM broadcast b WHERE b.state <> 'running'`;
}

/** An alert's delivery counts (cached as JSON in `broadcast_figures`). */
export interface AlertCounts {
	recipients: number;
	accepted: number;
	delivered: number;
	read: number;
	failed: number;
	failedByCode: Record<string, number>;
	unsubscribed: number;
}

interface PeriodAlert {
	id: string;
	span: number;
	list: string;
	durationSeconds: number | null;
	finished: boolean;
	validFor: string;
	cached: AlertCounts | null;
}

const ALERT_COLUMNS = 'b.id, b.list, b.state';

/** The period's alerts, with their cached counts when still valid. */
export function* periodAlerts(d: Dialect, q: FiguresQuery): TxBody<PeriodAlert[]> {
	const f = fragments(d);
	const params = new Params();
	const span = spanOf('b.created_at', q.boundaries, params);
	const { rows } = yield* sql(
		`SELECT ${ALERT_COLUMNS}, ${validForSql(d)} AS valid_for, ${span} AS span,
			CASE WHEN b.state <> 'running' AND b.finished_at IS NOT NULL
				THEN ${f.seconds('b.created_at', 'b.finished_at')} END AS seconds,
			c.valid_for AS cached_for, c.counts AS cached
		FROM broadcast b LEFT JOIN broadcast_figures c ON c.broadcast_id = b.id
		WHERE b.created_at >= ${params.p(q.boundaries[0])} AND b.created_at < ${params.p(q.boundaries[q.boundaries.length - 1])}
		ORDER BY b.created_at, b.id`,
		...params.values,
	);
	return rows.map((row) => {
		const key = String(row.valid_for);
		const finished = String(row.state) !== 'running';
		const cached =
			finished && row.cached_for === key && row.cached !== null
				? ((typeof row.cached === 'string' ? JSON.parse(row.cached) : row.cached) as AlertCounts)
				: null;
		return {
			id: String(row.id),
			span: n(row.span),
			list: String(row.list),
			durationSeconds: row.seconds === null ? null : Math.max(0, Math.round(n(row.seconds))),
			finished,
			validFor: key,
			cached,
		};
	});
}

/** Counts alerts' deliveries (and what their counts are valid for, read in the same snapshot). */
export function* countAlerts(
	d: Dialect,
	ids: string[],
): TxBody<Map<string, { counts: AlertCounts; validFor: string; finished: boolean }>> {
	const out = new Map<string, { counts: AlertCounts; validFor: string; finished: boolean }>();
	// Chunks keep the statements within both drivers' parameter limits.
	for (let start = 0; start < ids.length; start += 500) {
		const chunk = ids.slice(start, start + 500);
		const list = chunk.map((_, i) => `$${i + 1}`).join(', ');
		const alerts = yield* sql(
			`SELECT ${ALERT_COLUMNS}, ${validForSql(d)} AS valid_for FROM broadcast b WHERE b.id IN (${list})`,
			...chunk,
		);
		for (const row of alerts.rows) {
			out.set(String(row.id), {
				validFor: String(row.valid_for),
				finished: String(row.state) !== 'running',
				counts: {
					recipients: 0,
					accepted: 0,
					delivered: 0,
					read: 0,
					failed: 0,
					failedByCode: {},
					unsubscribed: 0,
				},
			});
		}
	}
	// One COUNT per alert and state on the index (broadcast_id, state), the failures on the partial
	// indexes of failed deliveries: index ranges counted, no delivery row read.
	for (const [id, entry] of out) {
		const t = entry.counts;
		for (const state of DELIVERY_STATES) {
			const { rows } = yield* sql(
				'SELECT COUNT(*) AS n FROM broadcast_delivery WHERE broadcast_id = $1 AND state = $2',
				id,
				state,
			);
			const count = n(rows[0].n);
			t.recipients += count;
			if (state === 'sent' || state === 'delivered' || state === 'read') t.accepted += count;
			if (state === 'delivered' || state === 'read') t.delivered += count;
			if (state === 'read') t.read += count;
			if (state === 'failed') t.failed += count;
			if (state === 'unsubscribed') t.unsubscribed += count;
		}
		if (t.failed === 0) continue;
		const failures = yield* sql(
			`SELECT error_code, COUNT(*) AS n FROM broadcast_delivery
			WHERE broadcast_id = $1 AND state = 'failed' GROUP BY error_code`,
			id,
		);
		for (const row of failures.rows) {
			const code = row.error_code === null ? 'unknown' : String(n(row.error_code));
			t.failedByCode[code] = (t.failedByCode[code] ?? 0) + n(row.n);
		}
		// failed after WhatsApp accepted it (a `failed` status on a sent message: its wamid stays)
		const late = yield* sql(
			`SELECT COUNT(*) AS n FROM broadcast_delivery
			WHERE broadcast_id = $1 AND state = 'failed' AND wamid IS NOT NULL`,
			id,
		);
		t.accepted += n(late.rows[0].n);
	}
	return out;
}

/** Stores finished alerts' counts under what they are valid for. */
export function* cacheAlertCounts(
	counted: Map<string, { counts: AlertCounts; validFor: string; finished: boolean }>,
	now: string,
): TxBody<void> {
	for (const [id, entry] of counted) {
		if (!entry.finished) continue;
		yield* sql(
			`INSERT INTO broadcast_figures (broadcast_id, valid_for, counts, computed_at)
			SELECT id, $2, $3, $4 FROM broadcast WHERE id = $1
			ON CONFLICT (broadcast_id) DO UPDATE SET valid_for = excluded.valid_for,
				counts = excluded.counts, computed_at = excluded.computed_at`,
			id,
			entry.validFor,
			JSON.stringify(entry.counts),
			now,
		);
	}
}

export function* caseTallies(
	d: Dialect,
	q: FiguresQuery,
): TxBody<{
	cases: CaseTally[];
	answered: AnsweredQuestion[];
}> {
	const f = fragments(d);
	const cases: CaseTally[] = [];
	const answered: AnsweredQuestion[] = [];
	for (const { span, from, to } of spans(q)) {
		const { rows } = yield* sql(
			`SELECT kind, out_of_hours, routed_to,
				CASE WHEN kind = 'report' THEN portal_service END AS service,
				CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END AS answered,
				CASE WHEN answered_how = 'template' THEN 1 ELSE 0 END AS template,
				CASE WHEN closed_reason = 'unanswered' AND answered_at IS NULL THEN 1 ELSE 0 END AS unanswered,
				COUNT(*) AS n
			FROM conversation_case
			WHERE opened_at >= $1 AND opened_at < $2
			GROUP BY 1, 2, 3, 4, 5, 6, 7`,
			from,
			to,
		);
		for (const row of rows) {
			cases.push({
				span,
				kind: String(row.kind) as CaseTally['kind'],
				outOfHours: flag(row.out_of_hours),
				routedTo: textOrNull(row.routed_to),
				service: textOrNull(row.service),
				answered: flag(row.answered),
				answeredAsTemplate: flag(row.template),
				unanswered: flag(row.unanswered),
				count: n(row.n),
			});
		}
		// The answered questions of the span as one text "arrival:seconds,…" (whole seconds since the epoch
		// and to the answer): one value to transfer instead of a row per question.
		const times = yield* sql(
			`SELECT ${f.joined(`${f.asText(f.epochSeconds('opened_at'))} || ':' || ${f.asText(`${f.epochSeconds('answered_at')} - ${f.epochSeconds('opened_at')}`)}`)} AS times
			FROM conversation_case
			WHERE opened_at >= $1 AND opened_at < $2 AND kind = 'question' AND answered_at IS NOT NULL`,
			from,
			to,
		);
		const text = times.rows[0]?.times;
		if (typeof text === 'string' && text !== '') {
			for (const pair of text.split(',')) {
				const [opened, seconds] = pair.split(':');
				const openedMs = Number(opened) * 1000;
				answered.push({ span, openedMs, answeredMs: openedMs + Number(seconds) * 1000 });
			}
		}
	}
	return { cases, answered };
}

function waitingOf(row: Record<string, unknown>): WaitingRow {
	return {
		id: n(row.id),
		kind: String(row.kind) as WaitingRow['kind'],
		state: String(row.state) as WaitingRow['state'],
		routedTo: textOrNull(row.routed_to) as WaitingRow['routedTo'],
		openedAt: new Date(
			row.opened_at instanceof Date ? row.opened_at : String(row.opened_at),
		).toISOString(),
		outOfHours: flag(row.out_of_hours),
	};
}

export function* waitingCases(q: FiguresQuery): TxBody<FiguresData['waiting']> {
	const columns = 'id, kind, state, routed_to, opened_at, out_of_hours';
	const lists = {
		openQuestions: `state = 'routed' AND kind = 'question' AND routed_to = 'operators'`,
		reportsNotRegistered: `state IN ('received', 'routed') AND kind = 'report'
			AND (routed_to IS NULL OR routed_to <> 'segnala')`,
		notRouted: `state = 'received'`,
	} as const;
	const out = {
		openQuestions: [] as WaitingRow[],
		reportsNotRegistered: [] as WaitingRow[],
		notRouted: [] as WaitingRow[],
		counts: { openQuestions: 0, reportsNotRegistered: 0, notRouted: 0 },
	};
	for (const name of Object.keys(lists) as Array<keyof typeof lists>) {
		const where = lists[name];
		const count = yield* sql(`SELECT COUNT(*) AS n FROM conversation_case WHERE ${where}`);
		out.counts[name] = n(count.rows[0].n);
		if (q.waitingLimit > 0 && out.counts[name] > 0) {
			const { rows } = yield* sql(
				`SELECT ${columns} FROM conversation_case WHERE ${where} ORDER BY opened_at, id LIMIT $1`,
				q.waitingLimit,
			);
			out[name] = rows.map(waitingOf);
		}
	}
	return out;
}

/** The figures' reads on the store's database. */
export class FiguresReader {
	constructor(private readonly engine: Engine) {}

	/**
	 * Every aggregate of the spans, from one consistent snapshot; the deliveries of alerts whose counts
	 * are not cached (running, new statuses since, never counted) are counted in a second read, and a
	 * finished alert's counts are then cached in `broadcast_figures` (the only write: best effort).
	 */
	async read(query: FiguresQuery): Promise<FiguresData> {
		checkQuery(query);
		const d = this.engine.dialect;
		const last = query.boundaries[query.boundaries.length - 1];
		const snapshot = await this.engine.read(function* () {
			const active = yield* sql(
				`SELECT list, SUM(CASE WHEN state = 'active' THEN 1 ELSE 0 END) AS n
				FROM subscription GROUP BY list`,
			);
			const activeNow = active.rows.map((row) => ({ list: String(row.list), count: n(row.n) }));
			const { moves, expired: late } = yield* subscriberMoves(query);
			const expired = [...(yield* pendingExpired(query)), ...late];
			const commands = yield* commandCounts(query);
			const alerts = yield* periodAlerts(d, query);
			const { cases, answered } = yield* caseTallies(d, query);
			const waiting = yield* waitingCases(query);
			const alertLists = yield* sql(
				'SELECT DISTINCT list FROM broadcast WHERE created_at < $1',
				last,
			);
			const lists = new Set<string>([
				...activeNow.map((a) => a.list),
				...alertLists.rows.map((row) => String(row.list)),
			]);
			for (const m of moves) lists.add(m.list);
			for (const e of expired) lists.add(e.list);
			return {
				activeNow,
				moves,
				pendingExpired: expired,
				commands,
				alerts,
				cases,
				answered,
				waiting,
				lists: [...lists].sort(),
			};
		});
		const stale = snapshot.alerts.filter((a) => a.cached === null).map((a) => a.id);
		const counted =
			stale.length === 0
				? new Map<string, { counts: AlertCounts; validFor: string; finished: boolean }>()
				: await this.engine.read(() => countAlerts(d, stale));
		if ([...counted.values()].some((entry) => entry.finished)) {
			const now = new Date().toISOString();
			// A cache: when it cannot be written (a read-only database user), the figures are still right.
			await this.engine.transaction(() => cacheAlertCounts(counted, now)).catch(() => undefined);
		}
		const { alerts, ...rest } = snapshot;
		return {
			...rest,
			broadcasts: alerts.map((alert): BroadcastTally => {
				const counts = alert.cached ?? counted.get(alert.id)?.counts;
				return {
					span: alert.span,
					list: alert.list,
					recipients: counts?.recipients ?? 0,
					accepted: counts?.accepted ?? 0,
					delivered: counts?.delivered ?? 0,
					read: counts?.read ?? 0,
					failed: counts?.failed ?? 0,
					failedByCode: { ...(counts?.failedByCode ?? {}) },
					unsubscribed: counts?.unsubscribed ?? 0,
					durationSeconds: alert.durationSeconds,
				};
			}),
		};
	}
}
