/**
 * The subscription store's interface and its logic, shared by both backends: every operation is one
 * transaction body (see engine.ts) run by the SQLite or PostgreSQL engine.
 *
 * Concurrency: every change first upserts and locks the citizen's subscriber row (`SELECT … FOR UPDATE`
 * on PostgreSQL; SQLite holds the database write lock from BEGIN IMMEDIATE), then reads and writes that
 * citizen's subscriptions and appends one audit event, then commits. Changes to one citizen are thus
 * serialised; the ordering rule (message time, `command_at`) and message-id idempotence are decided
 * under that lock and backed by the database (a conditional upsert, a unique partial index).
 */
import { BroadcastLedger } from './broadcastLedger';
import type { DeliveryStatusUpdate } from '../shared/deliveryStatus';
import { ConversationLedger } from './conversations';
import { FiguresReader, movesOf, recordMoves } from './figures';
import { OutboxLedger } from './outbox';
import type { Dialect, Engine, Row, TxBody } from './engine';
import { isoOf, isoOrNull, sql } from './engine';
import { StoreError, StoreInputError } from './errors';
import {
	recordDeliveryStatuses,
	statusTally,
	type StatusRecordOutcome,
	type StatusTallyDay,
} from './statuses';
import {
	anonymousSubject,
	decodeCursor,
	encodeCursor,
	keyOf,
	normaliseCitizen,
	normaliseContext,
	normaliseListName,
	normaliseLists,
	optionalState,
	requiredMessageId,
	requiredPolicyVersion,
	validDate,
	type NormalisedCitizen,
	type NormalisedContext,
} from './keys';
import type {
	AuditEvent,
	ChangeContext,
	ChangeResult,
	CitizenIdentity,
	ImportInput,
	ListChange,
	Subscription,
	SubscriberRecord,
	SubscriptionState,
} from './types';

/** How long a pending subscription waits for the policy to be accepted: 7 days. */
export const DEFAULT_PENDING_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Largest page `list()` returns. */
export const MAX_PAGE_SIZE = 1000;

/** Actions written to `audit_event.action`. */
export const AUDIT_ACTIONS = {
	request: 'request',
	consent: 'consent',
	unsubscribe: 'unsubscribe',
	import: 'import',
	export: 'export',
	erase: 'erase',
	/** A `user:` record joined into the `wa:` record of the same citizen. */
	merge: 'merge',
} as const;

type Unchanged = ChangeResult['unchanged'][number];

/** Transactional store of citizens' alert-list subscriptions, consent proof and webhook dedupe. */
export interface SubscriptionStore {
	readonly backend: 'sqlite' | 'postgres';
	/**
	 * Citizen asks to join `lists`: each becomes `pending` (waiting for the policy to be accepted) with
	 * `requested_at` and `ctx.policyVersion`. Already active → unchanged `already`; already pending →
	 * unchanged `already` with the request time and policy version refreshed (the TTL starts again).
	 */
	requestSubscription(
		citizen: CitizenIdentity,
		lists: string[],
		ctx: ChangeContext & { policyVersion: string },
	): Promise<ChangeResult>;
	/**
	 * Citizen accepts the policy: every pending subscription requested within `pendingTtlMs` of
	 * `ctx.at` becomes `active` with `consent_at = ctx.at`. Older pending ones become `cancelled` and are
	 * reported in `unchanged` with reason `expired` (the citizen must ask again). With nothing pending,
	 * every existing subscription is reported `notPending`.
	 */
	confirmConsent(
		citizen: CitizenIdentity,
		ctx: ChangeContext,
		options?: { pendingTtlMs?: number },
	): Promise<ChangeResult>;
	/**
	 * Cancels `lists` (or every list the citizen has, with `'all'`) at once. A named list the citizen
	 * never had is recorded as cancelled too (so an older, late-delivered request cannot revive it) and
	 * reported unchanged `already` with state null.
	 */
	unsubscribe(
		citizen: CitizenIdentity,
		lists: string[] | 'all',
		ctx: ChangeContext,
	): Promise<ChangeResult>;
	/** The citizen's record with every subscription, or null. Creates nothing. */
	get(citizen: CitizenIdentity): Promise<SubscriberRecord | null>;
	/**
	 * One page of subscribers in key order (optionally only those with a subscription in `list` and/or
	 * `state`), each with all its subscriptions. Pass `nextCursor` as `after` for the next page; null
	 * when there is none. Keyset paging: no duplicates or misses of rows present throughout.
	 */
	list(query: {
		list?: string;
		state?: SubscriptionState;
		limit: number;
		after?: string;
	}): Promise<{ items: SubscriberRecord[]; nextCursor: string | null }>;
	/** Number of subscriptions per list and state, ordered by list then state. */
	count(query: {
		list?: string;
		state?: SubscriptionState;
	}): Promise<Array<{ list: string; state: SubscriptionState; count: number }>>;
	/**
	 * Migrates an existing subscriber (consent obtained elsewhere, at `consentAt`): each list becomes
	 * `state` (default active). Ordered by `consentAt` like a command; idempotent — a repeated import
	 * changes nothing and writes no second audit event.
	 */
	importSubscriber(input: ImportInput, ctx: ChangeContext): Promise<ChangeResult>;
	/**
	 * GDPR access: the citizen's record and audit trail, after appending an `export` event (included in
	 * the result). For an unknown citizen the event's subject is the anonymous id, not the phone number.
	 */
	exportCitizen(
		citizen: CitizenIdentity,
		ctx?: Partial<ChangeContext>,
	): Promise<{ subscriber: SubscriberRecord | null; auditEvents: AuditEvent[] }>;
	/**
	 * GDPR art. 17: deletes the subscriber and its subscriptions, replaces the subject of its audit
	 * events with `anon:<hmac>` and appends an `erase` event under that subject. Unknown citizen →
	 * `{ erased: false, anonymousId: null }` and nothing written.
	 */
	erase(
		citizen: CitizenIdentity,
		ctx: ChangeContext,
	): Promise<{ erased: boolean; anonymousId: string | null }>;
	/** Records an inbound message id; true the first time, false for a redelivery. */
	markInboundSeen(messageId: string, at: Date): Promise<boolean>;
	/** Deletes dedupe entries seen before `olderThan`; returns how many. */
	pruneInboundSeen(olderThan: Date): Promise<number>;
	/** The broadcast ledger on the same database. */
	readonly broadcasts: BroadcastLedger;
	/** Reports being assembled, the once-per-closure reply and the cases, on the same database. */
	readonly conversations: ConversationLedger;
	/** The figures' aggregates (audit trail, alerts, cases) on the same database, read only. */
	readonly figures: FiguresReader;
	/** The ingress's outbox of citizens' messages waiting to reach n8n, on the same database. */
	readonly outbox: OutboxLedger;
	/**
	 * Delivery statuses from the trigger, in one transaction: the broadcast ledger and the cases' replies
	 * move forward only, whatever order they arrive in; every status is counted in the daily tally.
	 */
	recordDeliveryStatuses(updates: DeliveryStatusUpdate[], now: Date): Promise<StatusRecordOutcome>;
	/** The recorded statuses per day (UTC), newest first. */
	statusTally(days?: number): Promise<StatusTallyDay[]>;
	/** Closes the connection(s). Further calls fail with StoreError. */
	close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Rows

interface SubscriberRow {
	key: string;
	waId: string | null;
	userId: string | null;
	displayName: string | null;
	optoutAllAt: string | null;
	createdAt: string;
	updatedAt: string;
}

type SubscriptionRow = Subscription;

function stringOrNull(value: unknown): string | null {
	return value === null || value === undefined ? null : String(value);
}

function subscriberOf(row: Row): SubscriberRow {
	return {
		key: String(row.key),
		waId: stringOrNull(row.wa_id),
		userId: stringOrNull(row.user_id),
		displayName: stringOrNull(row.display_name),
		optoutAllAt: isoOrNull(row.optout_all_at),
		createdAt: isoOf(row.created_at),
		updatedAt: isoOf(row.updated_at),
	};
}

function subscriptionOf(row: Row): SubscriptionRow {
	return {
		list: String(row.list),
		state: String(row.state) as SubscriptionState,
		policyVersion: stringOrNull(row.policy_version),
		requestedAt: isoOrNull(row.requested_at),
		consentAt: isoOrNull(row.consent_at),
		cancelledAt: isoOrNull(row.cancelled_at),
		commandAt: isoOf(row.command_at),
		updatedAt: isoOf(row.updated_at),
	};
}

function recordOf(subscriber: SubscriberRow, subscriptions: SubscriptionRow[]): SubscriberRecord {
	return {
		key: subscriber.key,
		waId: subscriber.waId,
		userId: subscriber.userId,
		displayName: subscriber.displayName,
		createdAt: subscriber.createdAt,
		updatedAt: subscriber.updatedAt,
		subscriptions,
	};
}

function auditEventOf(row: Row): AuditEvent {
	const detail = typeof row.detail === 'string' ? (JSON.parse(row.detail) as unknown) : row.detail;
	return {
		id: Number(row.id),
		at: isoOf(row.at),
		subject: String(row.subject),
		action: String(row.action),
		policyVersion: stringOrNull(row.policy_version),
		channel: stringOrNull(row.channel),
		messageId: stringOrNull(row.message_id),
		detail: (detail ?? {}) as Record<string, unknown>,
	};
}

/** The later of two ISO instants (null = none). ISO-8601 UTC text of fixed width sorts as time. */
function later(a: string | null, b: string | null): string | null {
	if (a === null) return b;
	if (b === null) return a;
	return a >= b ? a : b;
}

function earlier(a: string, b: string): string {
	return a <= b ? a : b;
}

/** Thrown inside a transaction when a concurrent change got in the way; engines re-run the body. */
function retry(reason: string): StoreError {
	return new StoreError(`concurrent change, retrying: ${reason}`, { code: 'RETRY' });
}

// ---------------------------------------------------------------------------------------------------
// Transaction steps

function* loadSubscriptions(key: string): TxBody<SubscriptionRow[]> {
	const { rows } = yield* sql(
		'SELECT * FROM subscription WHERE subscriber_key = $1 ORDER BY list',
		key,
	);
	return rows.map(subscriptionOf);
}

function* loadRecord(key: string): TxBody<SubscriberRecord> {
	const { rows } = yield* sql('SELECT * FROM subscriber WHERE key = $1', key);
	if (rows.length === 0) throw retry('subscriber vanished');
	return recordOf(subscriberOf(rows[0]), yield* loadSubscriptions(key));
}

/** The citizen's existing row: by `wa:` key, else by user id. */
function* findSubscriber(
	d: Dialect,
	c: NormalisedCitizen,
	lock: boolean,
): TxBody<SubscriberRow | null> {
	const suffix = lock ? d.forUpdate : '';
	if (c.waId !== null) {
		const { rows } = yield* sql(`SELECT * FROM subscriber WHERE key = $1${suffix}`, `wa:${c.waId}`);
		if (rows.length > 0) return subscriberOf(rows[0]);
	}
	if (c.userId !== null) {
		const { rows } = yield* sql(`SELECT * FROM subscriber WHERE user_id = $1${suffix}`, c.userId);
		if (rows.length > 0) return subscriberOf(rows[0]);
	}
	return null;
}

interface AuditInput {
	at: string;
	subject: string;
	action: string;
	policyVersion: string | null;
	channel: string | null;
	messageId: string | null;
	detail: Record<string, unknown>;
}

function* insertAudit(event: AuditInput): TxBody<AuditEvent> {
	const { rows } = yield* sql(
		`INSERT INTO audit_event (at, subject, action, policy_version, channel, message_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		event.at,
		event.subject,
		event.action,
		event.policyVersion,
		event.channel,
		event.messageId,
		JSON.stringify(event.detail),
	);
	return { id: Number(rows[0].id), ...event };
}

function* isDuplicate(messageId: string | null, action: string): TxBody<boolean> {
	if (messageId === null) return false;
	const { rows } = yield* sql(
		'SELECT id FROM audit_event WHERE message_id = $1 AND action = $2',
		messageId,
		action,
	);
	return rows.length > 0;
}

const SUBSCRIPTION_COLUMNS =
	'subscriber_key, list, state, policy_version, requested_at, consent_at, cancelled_at, command_at, updated_at';
const SUBSCRIPTION_UPDATE = `state = excluded.state, policy_version = excluded.policy_version,
	requested_at = excluded.requested_at, consent_at = excluded.consent_at,
	cancelled_at = excluded.cancelled_at, command_at = excluded.command_at, updated_at = excluded.updated_at`;

/** Writes one subscription; the WHERE keeps the ordering rule in the database too (never go back in time). */
function* upsertSubscription(key: string, s: SubscriptionRow): TxBody<void> {
	yield* sql(
		`INSERT INTO subscription (${SUBSCRIPTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (subscriber_key, list) DO UPDATE SET ${SUBSCRIPTION_UPDATE}
		WHERE subscription.command_at <= excluded.command_at`,
		key,
		s.list,
		s.state,
		s.policyVersion,
		s.requestedAt,
		s.consentAt,
		s.cancelledAt,
		s.commandAt,
		s.updatedAt,
	);
}

/**
 * Joins the `user:` record `other` into the `wa:` record `keep` (both locked): subscriptions move,
 * the newest command wins per list (ties keep `keep`'s); audit subjects move; `other` is deleted.
 */
function* mergeInto(
	keep: SubscriberRow,
	other: SubscriberRow,
	x: NormalisedContext,
	now: string,
): TxBody<void> {
	const moved = yield* loadSubscriptions(other.key);
	const kept = yield* loadSubscriptions(keep.key);
	yield* sql(
		`INSERT INTO subscription (${SUBSCRIPTION_COLUMNS})
		SELECT $1, list, state, policy_version, requested_at, consent_at, cancelled_at, command_at, updated_at
		FROM subscription WHERE subscriber_key = $2
		ON CONFLICT (subscriber_key, list) DO UPDATE SET ${SUBSCRIPTION_UPDATE}
		WHERE subscription.command_at < excluded.command_at`,
		keep.key,
		other.key,
	);
	// Two active subscriptions of one list become one (or one gives way to a newer cancellation): the
	// figures' history records it, so the active count rolled back from today stays right.
	const merged = yield* loadSubscriptions(keep.key);
	const activeOf = (rows: SubscriptionRow[], list: string) =>
		rows.some((r) => r.list === list && r.state === 'active') ? 1 : 0;
	const lost: Array<{ list: string; move: 'merged' }> = [];
	for (const list of new Set([...moved, ...kept].map((r) => r.list))) {
		const gone = activeOf(moved, list) + activeOf(kept, list) - activeOf(merged, list);
		for (let i = 0; i < gone; i++) lost.push({ list, move: 'merged' });
	}
	yield* recordMoves(lost, x.at);
	yield* sql('UPDATE audit_event SET subject = $1 WHERE subject = $2', keep.key, other.key);
	yield* sql('DELETE FROM subscription WHERE subscriber_key = $1', other.key);
	yield* sql('DELETE FROM subscriber WHERE key = $1', other.key);
	yield* sql(
		`UPDATE subscriber SET created_at = $2, optout_all_at = $3,
		display_name = COALESCE(display_name, $4), updated_at = $5 WHERE key = $1`,
		keep.key,
		earlier(keep.createdAt, other.createdAt),
		later(keep.optoutAllAt, other.optoutAllAt),
		other.displayName,
		now,
	);
	yield* insertAudit({
		at: x.at,
		subject: keep.key,
		action: AUDIT_ACTIONS.merge,
		policyVersion: null,
		channel: x.channel,
		messageId: null,
		detail: { merged: 'user', lists: moved.map((s) => s.list) },
	});
}

/**
 * Finds or creates the citizen's row and locks it, joining a separate `user:` record into the `wa:`
 * one when the message carries both ids, filling in a missing id and updating the display name.
 */
function* resolveForWrite(
	d: Dialect,
	c: NormalisedCitizen,
	x: NormalisedContext,
	now: string,
): TxBody<SubscriberRow> {
	let key: string;
	if (c.waId !== null) {
		key = `wa:${c.waId}`;
		yield* sql(
			`INSERT INTO subscriber (key, wa_id, created_at, updated_at) VALUES ($1, $2, $3, $3)
			ON CONFLICT DO NOTHING`,
			key,
			c.waId,
			now,
		);
		const locked = yield* sql(`SELECT * FROM subscriber WHERE key = $1${d.forUpdate}`, key);
		if (locked.rows.length === 0) throw retry('subscriber deleted while creating it');
		const row = subscriberOf(locked.rows[0]);
		if (c.userId !== null && row.userId !== c.userId) {
			const found = yield* sql(
				`SELECT * FROM subscriber WHERE user_id = $1${d.forUpdate}`,
				c.userId,
			);
			if (found.rows.length > 0) {
				const other = subscriberOf(found.rows[0]);
				if (other.waId === null) {
					yield* mergeInto(row, other, x, now);
				} else {
					// The user id now belongs to this phone number: the newest message wins.
					yield* sql(
						'UPDATE subscriber SET user_id = NULL, updated_at = $2 WHERE key = $1',
						other.key,
						now,
					);
				}
			}
			yield* sql(
				'UPDATE subscriber SET user_id = $2, updated_at = $3 WHERE key = $1',
				key,
				c.userId,
				now,
			);
		}
	} else {
		const userId = c.userId as string;
		let found = yield* sql(`SELECT * FROM subscriber WHERE user_id = $1${d.forUpdate}`, userId);
		if (found.rows.length === 0) {
			yield* sql(
				`INSERT INTO subscriber (key, user_id, created_at, updated_at) VALUES ($1, $2, $3, $3)
				ON CONFLICT DO NOTHING`,
				`user:${userId}`,
				userId,
				now,
			);
			found = yield* sql(`SELECT * FROM subscriber WHERE user_id = $1${d.forUpdate}`, userId);
			if (found.rows.length === 0) throw retry('subscriber changed while creating it');
		}
		key = String(found.rows[0].key);
	}
	if (c.name !== null) {
		yield* sql(
			`UPDATE subscriber SET display_name = $2, updated_at = $3
			WHERE key = $1 AND (display_name IS NULL OR display_name <> $2)`,
			key,
			c.name,
			now,
		);
	}
	const { rows } = yield* sql('SELECT * FROM subscriber WHERE key = $1', key);
	return subscriberOf(rows[0]);
}

// ---------------------------------------------------------------------------------------------------
// Command plans: pure decisions on the locked rows

interface Plan {
	writes: SubscriptionRow[];
	changed: ListChange[];
	unchanged: Unchanged[];
	/** New `optout_all_at` (an `unsubscribe all`). */
	optoutAllAt: string | null;
	/** Whether to append the audit event (every command; an import only when it changed something). */
	audit: boolean;
	policyVersion: string | null;
	detail: Record<string, unknown>;
}

interface PlanInput {
	subscriber: SubscriberRow;
	subscriptions: Map<string, SubscriptionRow>;
	x: NormalisedContext;
	now: string;
}

/** True when a command at `at` is older than what already decided `current` (or an unsubscribe-all). */
function isStale(
	at: string,
	current: SubscriptionRow | undefined,
	subscriber: SubscriberRow,
): boolean {
	const mark = later(current?.commandAt ?? null, subscriber.optoutAllAt);
	return mark !== null && at < mark;
}

function summary(plan: Pick<Plan, 'changed' | 'unchanged'>): Record<string, unknown> {
	return { changed: plan.changed, unchanged: plan.unchanged };
}

function planRequest(input: PlanInput, lists: string[], policyVersion: string): Plan {
	const { subscriber, subscriptions, x, now } = input;
	const plan: Plan = {
		writes: [],
		changed: [],
		unchanged: [],
		optoutAllAt: null,
		audit: true,
		policyVersion,
		detail: {},
	};
	for (const list of lists) {
		const current = subscriptions.get(list);
		if (isStale(x.at, current, subscriber)) {
			plan.unchanged.push({ list, state: current?.state ?? null, reason: 'stale' });
		} else if (current?.state === 'active') {
			plan.unchanged.push({ list, state: 'active', reason: 'already' });
			plan.writes.push({ ...current, commandAt: x.at, updatedAt: now });
		} else if (current?.state === 'pending') {
			plan.unchanged.push({ list, state: 'pending', reason: 'already' });
			plan.writes.push({
				...current,
				policyVersion,
				requestedAt: x.at,
				commandAt: x.at,
				updatedAt: now,
			});
		} else {
			plan.changed.push({ list, from: current?.state ?? null, to: 'pending' });
			plan.writes.push({
				list,
				state: 'pending',
				policyVersion,
				requestedAt: x.at,
				consentAt: null,
				cancelledAt: null,
				commandAt: x.at,
				updatedAt: now,
			});
		}
	}
	plan.detail = { lists, ...summary(plan) };
	return plan;
}

function planConsent(input: PlanInput, pendingTtlMs: number): Plan {
	const { subscriber, subscriptions, x, now } = input;
	const plan: Plan = {
		writes: [],
		changed: [],
		unchanged: [],
		optoutAllAt: null,
		audit: true,
		policyVersion: x.policyVersion,
		detail: {},
	};
	const pending = [...subscriptions.values()].filter((s) => s.state === 'pending');
	if (pending.length === 0) {
		for (const s of subscriptions.values()) {
			plan.unchanged.push({ list: s.list, state: s.state, reason: 'notPending' });
		}
	}
	for (const s of pending) {
		if (isStale(x.at, s, subscriber)) {
			plan.unchanged.push({ list: s.list, state: 'pending', reason: 'stale' });
		} else if (s.requestedAt === null || x.atMs - Date.parse(s.requestedAt) > pendingTtlMs) {
			plan.unchanged.push({ list: s.list, state: 'cancelled', reason: 'expired' });
			plan.writes.push({
				...s,
				state: 'cancelled',
				cancelledAt: x.at,
				commandAt: x.at,
				updatedAt: now,
			});
		} else {
			plan.changed.push({ list: s.list, from: 'pending', to: 'active' });
			plan.writes.push({ ...s, state: 'active', consentAt: x.at, commandAt: x.at, updatedAt: now });
			plan.policyVersion ??= s.policyVersion;
		}
	}
	plan.detail = { pendingTtlMs, ...summary(plan) };
	return plan;
}

function planUnsubscribe(input: PlanInput, lists: string[] | 'all'): Plan {
	const { subscriber, subscriptions, x, now } = input;
	const plan: Plan = {
		writes: [],
		changed: [],
		unchanged: [],
		optoutAllAt: lists === 'all' ? later(subscriber.optoutAllAt, x.at) : null,
		audit: true,
		policyVersion: x.policyVersion,
		detail: {},
	};
	const targets = lists === 'all' ? [...subscriptions.keys()] : lists;
	for (const list of targets) {
		const current = subscriptions.get(list);
		if (isStale(x.at, current, subscriber)) {
			plan.unchanged.push({ list, state: current?.state ?? null, reason: 'stale' });
		} else if (current === undefined) {
			plan.unchanged.push({ list, state: null, reason: 'already' });
			plan.writes.push({
				list,
				state: 'cancelled',
				policyVersion: null,
				requestedAt: null,
				consentAt: null,
				cancelledAt: x.at,
				commandAt: x.at,
				updatedAt: now,
			});
		} else if (current.state === 'cancelled') {
			plan.unchanged.push({ list, state: 'cancelled', reason: 'already' });
			plan.writes.push({ ...current, commandAt: x.at, updatedAt: now });
		} else {
			plan.changed.push({ list, from: current.state, to: 'cancelled' });
			plan.writes.push({
				...current,
				state: 'cancelled',
				cancelledAt: x.at,
				commandAt: x.at,
				updatedAt: now,
			});
		}
	}
	plan.detail = { lists, ...summary(plan) };
	return plan;
}

function planImport(
	input: PlanInput,
	lists: string[],
	consentAt: string,
	policyVersion: string,
	state: 'active' | 'pending',
): Plan {
	const { subscriber, subscriptions, now } = input;
	const plan: Plan = {
		writes: [],
		changed: [],
		unchanged: [],
		optoutAllAt: null,
		audit: false,
		policyVersion,
		detail: {},
	};
	for (const list of lists) {
		const current = subscriptions.get(list);
		if (isStale(consentAt, current, subscriber)) {
			plan.unchanged.push({ list, state: current?.state ?? null, reason: 'stale' });
		} else if (current?.state === state) {
			plan.unchanged.push({ list, state, reason: 'already' });
			if (consentAt > current.commandAt) {
				plan.writes.push({ ...current, commandAt: consentAt, updatedAt: now });
			}
		} else {
			plan.changed.push({ list, from: current?.state ?? null, to: state });
			plan.writes.push({
				list,
				state,
				policyVersion,
				requestedAt: consentAt,
				consentAt: state === 'active' ? consentAt : null,
				cancelledAt: null,
				commandAt: consentAt,
				updatedAt: now,
			});
		}
	}
	plan.audit = plan.changed.length > 0;
	plan.detail = { lists, state, consentAt, ...summary(plan) };
	return plan;
}

// ---------------------------------------------------------------------------------------------------
// The store

function pendingTtl(options: { pendingTtlMs?: number } | undefined): number {
	const ttl = options?.pendingTtlMs ?? DEFAULT_PENDING_TTL_MS;
	if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
		throw new StoreInputError('pendingTtlMs', 'must be a positive number of milliseconds');
	}
	return ttl;
}

function pageSize(limit: unknown): number {
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
		throw new StoreInputError('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
	}
	return limit;
}

/** The SubscriptionStore over an Engine (SQLite or PostgreSQL). */
export class SqlSubscriptionStore implements SubscriptionStore {
	readonly backend: 'sqlite' | 'postgres';
	readonly broadcasts: BroadcastLedger;
	readonly conversations: ConversationLedger;
	readonly figures: FiguresReader;
	readonly outbox: OutboxLedger;

	constructor(
		private readonly engine: Engine,
		private readonly pepper: string,
	) {
		this.backend = engine.backend;
		this.broadcasts = new BroadcastLedger(engine);
		this.conversations = new ConversationLedger(engine);
		this.figures = new FiguresReader(engine);
		this.outbox = new OutboxLedger(engine);
	}

	async recordDeliveryStatuses(
		updates: DeliveryStatusUpdate[],
		now: Date,
	): Promise<StatusRecordOutcome> {
		return await recordDeliveryStatuses(this.engine, updates, validDate(now, 'now'));
	}

	async statusTally(days?: number): Promise<StatusTallyDay[]> {
		return await statusTally(this.engine, days);
	}

	async requestSubscription(
		citizen: CitizenIdentity,
		lists: string[],
		ctx: ChangeContext & { policyVersion: string },
	): Promise<ChangeResult> {
		const c = normaliseCitizen(citizen);
		const names = normaliseLists(lists);
		const x = normaliseContext(ctx);
		const policyVersion = requiredPolicyVersion(ctx.policyVersion, 'ctx.policyVersion');
		return await this.command(c, x, AUDIT_ACTIONS.request, (input) =>
			planRequest(input, names, policyVersion),
		);
	}

	async confirmConsent(
		citizen: CitizenIdentity,
		ctx: ChangeContext,
		options?: { pendingTtlMs?: number },
	): Promise<ChangeResult> {
		const c = normaliseCitizen(citizen);
		const x = normaliseContext(ctx);
		const ttl = pendingTtl(options);
		return await this.command(c, x, AUDIT_ACTIONS.consent, (input) => planConsent(input, ttl));
	}

	async unsubscribe(
		citizen: CitizenIdentity,
		lists: string[] | 'all',
		ctx: ChangeContext,
	): Promise<ChangeResult> {
		const c = normaliseCitizen(citizen);
		const names = lists === 'all' ? 'all' : normaliseLists(lists);
		const x = normaliseContext(ctx);
		return await this.command(c, x, AUDIT_ACTIONS.unsubscribe, (input) =>
			planUnsubscribe(input, names),
		);
	}

	async importSubscriber(input: ImportInput, ctx: ChangeContext): Promise<ChangeResult> {
		if (input === null || typeof input !== 'object') {
			throw new StoreInputError('input', 'must be an object');
		}
		const c = normaliseCitizen(input.citizen);
		const names = normaliseLists(input.lists);
		const consentAt = validDate(input.consentAt, 'consentAt').toISOString();
		const policyVersion = requiredPolicyVersion(input.policyVersion, 'policyVersion');
		const state = input.state ?? 'active';
		if (state !== 'active' && state !== 'pending') {
			throw new StoreInputError('state', 'an import is active or pending');
		}
		const x = normaliseContext(ctx);
		return await this.command(c, x, AUDIT_ACTIONS.import, (planInput) =>
			planImport(planInput, names, consentAt, policyVersion, state),
		);
	}

	async get(citizen: CitizenIdentity): Promise<SubscriberRecord | null> {
		const c = normaliseCitizen(citizen);
		const d = this.engine.dialect;
		return await this.engine.read(function* () {
			const row = yield* findSubscriber(d, c, false);
			return row === null ? null : recordOf(row, yield* loadSubscriptions(row.key));
		});
	}

	async list(query: {
		list?: string;
		state?: SubscriptionState;
		limit: number;
		after?: string;
	}): Promise<{ items: SubscriberRecord[]; nextCursor: string | null }> {
		if (query === null || typeof query !== 'object')
			throw new StoreInputError('query', 'must be an object');
		const list =
			query.list === undefined || query.list === null
				? null
				: normaliseListName(query.list, 'list');
		const state = optionalState(query.state);
		const limit = pageSize(query.limit);
		const after = decodeCursor(query.after);
		return await this.engine.read(function* () {
			const params: Array<string | number> = [];
			const param = (value: string | number) => {
				params.push(value);
				return `$${params.length}`;
			};
			let text: string;
			if (list !== null) {
				const where = [`x.list = ${param(list)}`];
				if (state !== null) where.push(`x.state = ${param(state)}`);
				if (after !== null) where.push(`x.subscriber_key > ${param(after)}`);
				text = `SELECT s.* FROM subscription x JOIN subscriber s ON s.key = x.subscriber_key
					WHERE ${where.join(' AND ')} ORDER BY x.subscriber_key LIMIT ${param(limit + 1)}`;
			} else {
				const where: string[] = [];
				if (state !== null) {
					where.push(
						`EXISTS (SELECT 1 FROM subscription x WHERE x.subscriber_key = s.key AND x.state = ${param(state)})`,
					);
				}
				if (after !== null) where.push(`s.key > ${param(after)}`);
				text = `SELECT s.* FROM subscriber s ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
					ORDER BY s.key LIMIT ${param(limit + 1)}`;
			}
			const { rows } = yield* sql(text, ...params);
			const more = rows.length > limit;
			const page = rows.slice(0, limit).map(subscriberOf);
			const byKey = new Map<string, SubscriptionRow[]>(page.map((s) => [s.key, []]));
			if (page.length > 0) {
				const placeholders = page.map((_, i) => `$${i + 1}`).join(', ');
				const subs = yield* sql(
					`SELECT * FROM subscription WHERE subscriber_key IN (${placeholders})
					ORDER BY subscriber_key, list`,
					...page.map((s) => s.key),
				);
				for (const row of subs.rows)
					byKey.get(String(row.subscriber_key))?.push(subscriptionOf(row));
			}
			return {
				items: page.map((s) => recordOf(s, byKey.get(s.key) ?? [])),
				nextCursor: more ? encodeCursor(page[page.length - 1].key) : null,
			};
		});
	}

	async count(query: {
		list?: string;
		state?: SubscriptionState;
	}): Promise<Array<{ list: string; state: SubscriptionState; count: number }>> {
		const q = query ?? {};
		const list = q.list === undefined || q.list === null ? null : normaliseListName(q.list, 'list');
		const state = optionalState(q.state);
		return await this.engine.read(function* () {
			const where: string[] = [];
			const params: string[] = [];
			if (list !== null) {
				params.push(list);
				where.push(`list = $${params.length}`);
			}
			if (state !== null) {
				params.push(state);
				where.push(`state = $${params.length}`);
			}
			const { rows } = yield* sql(
				`SELECT list, state, COUNT(*) AS n FROM subscription
				${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
				GROUP BY list, state ORDER BY list, state`,
				...params,
			);
			return rows.map((row) => ({
				list: String(row.list),
				state: String(row.state) as SubscriptionState,
				count: Number(row.n),
			}));
		});
	}

	async exportCitizen(
		citizen: CitizenIdentity,
		ctx?: Partial<ChangeContext>,
	): Promise<{ subscriber: SubscriberRecord | null; auditEvents: AuditEvent[] }> {
		const c = normaliseCitizen(citizen);
		const x = normaliseContext({
			at: ctx?.at ?? new Date(),
			channel: ctx?.channel ?? 'gdpr',
			messageId: ctx?.messageId,
			policyVersion: ctx?.policyVersion,
		});
		const d = this.engine.dialect;
		const pepper = this.pepper;
		return await this.engine.transaction(function* () {
			const row = yield* findSubscriber(d, c, true);
			const subject = row?.key ?? anonymousSubject(pepper, keyOf(c));
			const events =
				row === null
					? []
					: (yield* sql(
							'SELECT * FROM audit_event WHERE subject = $1 ORDER BY id',
							row.key,
						)).rows.map(auditEventOf);
			const subscriber = row === null ? null : recordOf(row, yield* loadSubscriptions(row.key));
			if (!(yield* isDuplicate(x.messageId, AUDIT_ACTIONS.export))) {
				events.push(
					yield* insertAudit({
						at: x.at,
						subject,
						action: AUDIT_ACTIONS.export,
						policyVersion: x.policyVersion,
						channel: x.channel,
						messageId: x.messageId,
						detail: { found: row !== null, auditEvents: events.length },
					}),
				);
			}
			return { subscriber, auditEvents: events };
		});
	}

	async erase(
		citizen: CitizenIdentity,
		ctx: ChangeContext,
	): Promise<{ erased: boolean; anonymousId: string | null }> {
		const c = normaliseCitizen(citizen);
		const x = normaliseContext(ctx);
		const d = this.engine.dialect;
		const pepper = this.pepper;
		const outcome = await this.engine.transaction(function* () {
			const row = yield* findSubscriber(d, c, true);
			if (yield* isDuplicate(x.messageId, AUDIT_ACTIONS.erase))
				return { erased: false, anonymousId: null };
			const keys = new Set<string>([keyOf(c)]);
			if (c.waId !== null) keys.add(`wa:${c.waId}`);
			if (c.userId !== null) keys.add(`user:${c.userId}`);
			if (row !== null) keys.add(row.key);
			const anonymousId = anonymousSubject(pepper, row?.key ?? keyOf(c));
			const subjects = [...keys];
			const placeholders = subjects.map((_, i) => `$${i + 2}`).join(', ');
			const anonymised = yield* sql(
				`UPDATE audit_event SET subject = $1 WHERE subject IN (${placeholders})`,
				anonymousId,
				...subjects,
			);
			// The broadcast ledger keeps the delivery facts (one row per broadcast, for its counts), no
			// longer tied to the citizen: keyed by the anonymous id, without the message id (Meta's wamid
			// encodes the phone number). A broadcast that already holds a row of this citizen under the
			// anonymous id (erased before), or holds both their wa: and user: keys, keeps one row.
			yield* sql(
				`DELETE FROM broadcast_delivery WHERE recipient_key IN (${placeholders})
				AND (broadcast_id IN (SELECT broadcast_id FROM broadcast_delivery WHERE recipient_key = $1)
					OR EXISTS (SELECT 1 FROM broadcast_delivery AS other
						WHERE other.broadcast_id = broadcast_delivery.broadcast_id
						AND other.recipient_key IN (${placeholders})
						AND other.recipient_key < broadcast_delivery.recipient_key))`,
				anonymousId,
				...subjects,
			);
			yield* sql(
				`UPDATE broadcast_delivery SET recipient_key = $1, wamid = NULL
				WHERE recipient_key IN (${placeholders})`,
				anonymousId,
				...subjects,
			);
			// The figures' cached counts of those broadcasts are recounted (duplicates were removed above).
			yield* sql(
				`DELETE FROM broadcast_figures WHERE broadcast_id IN
				(SELECT broadcast_id FROM broadcast_delivery WHERE recipient_key = $1)`,
				anonymousId,
			);
			// Cases keep their facts (for the figures) under the anonymous id, without the wamids (they
			// encode the phone number); reports still being assembled and closure memories are deleted.
			const cases = yield* sql(
				`UPDATE conversation_case SET citizen_key = $1, first_message_id = NULL, reply_wamid = NULL
				WHERE citizen_key IN (${placeholders})`,
				anonymousId,
				...subjects,
			);
			const own = subjects.map((_, i) => `$${i + 1}`).join(', ');
			const drafts = yield* sql(
				`DELETE FROM report_draft WHERE citizen_key IN (${own})`,
				...subjects,
			);
			const replies = yield* sql(
				`DELETE FROM closure_reply WHERE citizen_key IN (${own})`,
				...subjects,
			);
			// The ingress's outbox: a body still waiting holds the citizen's message and number, a forwarded
			// one their wamid; both go (a message erased before n8n got it is never forwarded).
			const outbox = yield* sql(
				`DELETE FROM ingress_outbox WHERE citizen_key IN (${own})`,
				...subjects,
			);
			let lists: string[] = [];
			if (row !== null) {
				const held = yield* loadSubscriptions(row.key);
				lists = held.map((s) => s.list);
				yield* recordMoves(
					held.filter((s) => s.state === 'active').map((s) => ({ list: s.list, move: 'erased' })),
					x.at,
				);
				yield* sql('DELETE FROM subscription WHERE subscriber_key = $1', row.key);
				yield* sql('DELETE FROM subscriber WHERE key = $1', row.key);
			}
			if (
				row === null &&
				anonymised.changes === 0 &&
				cases.changes === 0 &&
				drafts.changes === 0 &&
				replies.changes === 0 &&
				outbox.changes === 0
			)
				return { erased: false, anonymousId: null };
			yield* insertAudit({
				at: x.at,
				subject: anonymousId,
				action: AUDIT_ACTIONS.erase,
				policyVersion: x.policyVersion,
				channel: x.channel,
				messageId: x.messageId,
				detail: { lists, auditEventsAnonymised: anonymised.changes },
			});
			return { erased: true, anonymousId };
		});
		if (outcome.erased) await this.engine.afterErase();
		return outcome;
	}

	async markInboundSeen(messageId: string, at: Date): Promise<boolean> {
		const id = requiredMessageId(messageId);
		const seenAt = validDate(at, 'at').toISOString();
		return await this.engine.transaction(function* () {
			const { rows } = yield* sql(
				`INSERT INTO inbound_seen (message_id, seen_at) VALUES ($1, $2)
				ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
				id,
				seenAt,
			);
			return rows.length === 1;
		});
	}

	async pruneInboundSeen(olderThan: Date): Promise<number> {
		const before = validDate(olderThan, 'olderThan').toISOString();
		return await this.engine.transaction(function* () {
			const { changes } = yield* sql('DELETE FROM inbound_seen WHERE seen_at < $1', before);
			return changes;
		});
	}

	async close(): Promise<void> {
		await this.engine.close();
	}

	/** One command: lock the citizen, skip a redelivery, plan, write, audit — one transaction. */
	private async command(
		c: NormalisedCitizen,
		x: NormalisedContext,
		action: string,
		plan: (input: PlanInput) => Plan,
	): Promise<ChangeResult> {
		const d = this.engine.dialect;
		return await this.engine.transaction(function* (): TxBody<ChangeResult> {
			const now = new Date().toISOString();
			const subscriber = yield* resolveForWrite(d, c, x, now);
			if (yield* isDuplicate(x.messageId, action)) {
				return {
					subscriber: yield* loadRecord(subscriber.key),
					changed: [],
					unchanged: [],
					duplicate: true,
				};
			}
			const current = yield* loadSubscriptions(subscriber.key);
			const decided = plan({
				subscriber,
				subscriptions: new Map(current.map((s) => [s.list, s])),
				x,
				now,
			});
			for (const write of decided.writes) yield* upsertSubscription(subscriber.key, write);
			if (decided.writes.length > 0 || decided.optoutAllAt !== null) {
				yield* sql(
					'UPDATE subscriber SET updated_at = $2, optout_all_at = COALESCE($3, optout_all_at) WHERE key = $1',
					subscriber.key,
					now,
					decided.optoutAllAt,
				);
			}
			if (decided.audit) {
				// an import takes effect at its consent time (it is ordered by it, too)
				const effective = action === AUDIT_ACTIONS.import ? String(decided.detail.consentAt) : x.at;
				yield* recordMoves(movesOf(decided.changed, decided.unchanged), effective);
				yield* insertAudit({
					at: x.at,
					subject: subscriber.key,
					action,
					policyVersion: decided.policyVersion,
					channel: x.channel,
					messageId: x.messageId,
					detail: decided.detail,
				});
			}
			return {
				subscriber: yield* loadRecord(subscriber.key),
				changed: decided.changed,
				unchanged: decided.unchanged,
			};
		});
	}
}
