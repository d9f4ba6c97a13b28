/**
 * Versioned schema migrations, applied in order by the store itself on first use and recorded in
 * `schema_migrations(version, name, applied_at)`. To add a version: append an entry to MIGRATIONS
 * with the next number; it runs once, in the same locked transaction as the others.
 */
import { randomBytes } from 'node:crypto';
import type { Dialect, TxBody } from './engine';
import { sql } from './engine';
import { StoreError } from './errors';
import { backfillMoves, prefillAlertCounts } from './figures';

export interface Migration {
	version: number;
	name: string;
	/** DDL statements, written for the given dialect (column types differ, SQL is shared). */
	statements(dialect: Dialect): string[];
}

/** Version 1: subscribers, subscriptions, audit trail, inbound dedupe, store metadata. */
const subscriptionsV1: Migration = {
	version: 1,
	name: 'subscriptions',
	statements: (d) => [
		`CREATE TABLE subscriber (
			key ${d.key} PRIMARY KEY,
			wa_id TEXT,
			user_id TEXT,
			display_name TEXT,
			optout_all_at ${d.timestamp},
			created_at ${d.timestamp} NOT NULL,
			updated_at ${d.timestamp} NOT NULL,
			CHECK (wa_id IS NOT NULL OR user_id IS NOT NULL)
		)`,
		'CREATE UNIQUE INDEX subscriber_wa_id_uq ON subscriber (wa_id)',
		'CREATE UNIQUE INDEX subscriber_user_id_uq ON subscriber (user_id)',
		`CREATE TABLE subscription (
			subscriber_key ${d.key} NOT NULL REFERENCES subscriber (key) ON DELETE CASCADE,
			list ${d.key} NOT NULL,
			state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'cancelled')),
			policy_version TEXT,
			requested_at ${d.timestamp},
			consent_at ${d.timestamp},
			cancelled_at ${d.timestamp},
			command_at ${d.timestamp} NOT NULL,
			updated_at ${d.timestamp} NOT NULL,
			PRIMARY KEY (subscriber_key, list)
		)`,
		'CREATE INDEX subscription_list_state_idx ON subscription (list, state, subscriber_key)',
		'CREATE INDEX subscription_state_idx ON subscription (state, subscriber_key)',
		`CREATE TABLE audit_event (
			id ${d.serialId},
			at ${d.timestamp} NOT NULL,
			subject TEXT NOT NULL,
			action TEXT NOT NULL,
			policy_version TEXT,
			channel TEXT,
			message_id TEXT,
			detail ${d.json} NOT NULL
		)`,
		'CREATE INDEX audit_event_subject_idx ON audit_event (subject, id)',
		`CREATE UNIQUE INDEX audit_event_message_action_uq ON audit_event (message_id, action)
			WHERE message_id IS NOT NULL`,
		`CREATE TABLE inbound_seen (
			message_id TEXT PRIMARY KEY,
			seen_at ${d.timestamp} NOT NULL
		)`,
		'CREATE INDEX inbound_seen_seen_at_idx ON inbound_seen (seen_at)',
		`CREATE TABLE store_meta (
			key TEXT PRIMARY KEY,
			value TEXT NOT NULL
		)`,
	],
};

/**
 * Version 2: the broadcast ledger. One `broadcast` row per broadcast id (its list, the hash
 * of its message, its run state and heartbeat) and one `broadcast_delivery` row per recipient, written
 * before the request (`sending`) and after it (`sent` + wamid, `retry`, `failed` + code), so a re-run
 * with the same id skips everyone already reached.
 */
const broadcastsV2: Migration = {
	version: 2,
	name: 'broadcasts',
	statements: (d) => [
		`CREATE TABLE broadcast (
			id ${d.key} PRIMARY KEY,
			list ${d.key} NOT NULL,
			message_hash TEXT NOT NULL,
			message ${d.json} NOT NULL,
			state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'aborted')),
			abort_reason TEXT,
			runs INTEGER NOT NULL,
			run_token TEXT NOT NULL,
			created_at ${d.timestamp} NOT NULL,
			started_at ${d.timestamp} NOT NULL,
			heartbeat_at ${d.timestamp} NOT NULL,
			finished_at ${d.timestamp}
		)`,
		`CREATE TABLE broadcast_delivery (
			broadcast_id ${d.key} NOT NULL REFERENCES broadcast (id) ON DELETE CASCADE,
			recipient_key ${d.key} NOT NULL,
			state TEXT NOT NULL CHECK (state IN
				('sending', 'retry', 'sent', 'delivered', 'read', 'failed', 'unsubscribed', 'uncertain')),
			wamid TEXT,
			error_code INTEGER,
			attempts INTEGER NOT NULL,
			crash_resends INTEGER NOT NULL,
			updated_at ${d.timestamp} NOT NULL,
			PRIMARY KEY (broadcast_id, recipient_key)
		)`,
		'CREATE UNIQUE INDEX broadcast_delivery_wamid_uq ON broadcast_delivery (wamid) WHERE wamid IS NOT NULL',
		'CREATE INDEX broadcast_delivery_state_idx ON broadcast_delivery (broadcast_id, state)',
		'CREATE INDEX broadcast_delivery_recipient_idx ON broadcast_delivery (recipient_key)',
	],
};

/**
 * Version 3: conversation state (store/conversations.ts) and recorded delivery statuses
 * (store/statuses.ts). `conversation_case`: one row per citizen's question or report, no message text
 * and no phone number beyond the citizen's store key; `report_draft`: the parts of a report not complete
 * yet, one row per citizen that stays when a report is handed over (the row serialises that citizen's
 * parts), with the case and message ids of the last report handed over (`handed_over`: its parts
 * redelivered are recognised); `closure_reply`: one row per
 * citizen and closed period that got the automatic reply; `delivery_status_tally`: statuses per day;
 * `broadcast.last_status_at`: when a status of the broadcast last arrived.
 */
const conversationsV3: Migration = {
	version: 3,
	name: 'conversations',
	statements: (d) => [
		`CREATE TABLE conversation_case (
			id ${d.serialId},
			citizen_key ${d.key} NOT NULL,
			kind TEXT NOT NULL CHECK (kind IN ('question', 'report')),
			channel TEXT NOT NULL,
			state TEXT NOT NULL CHECK (state IN ('received', 'routed', 'answered', 'registered', 'closed')),
			opened_at ${d.timestamp} NOT NULL,
			first_message_id TEXT,
			messages INTEGER NOT NULL,
			out_of_hours INTEGER NOT NULL,
			routed_to TEXT CHECK (routed_to IN ('operators', 'urp_mailbox', 'segnala')),
			routed_at ${d.timestamp},
			portal_service TEXT,
			portal_request_id TEXT,
			answered_at ${d.timestamp},
			answered_how TEXT CHECK (answered_how IN ('text', 'template')),
			reply_wamid TEXT,
			reply_status TEXT,
			reply_status_at ${d.timestamp},
			closed_at ${d.timestamp},
			closed_reason TEXT,
			updated_at ${d.timestamp} NOT NULL
		)`,
		`CREATE UNIQUE INDEX conversation_case_message_uq ON conversation_case (first_message_id)
			WHERE first_message_id IS NOT NULL`,
		'CREATE INDEX conversation_case_reply_idx ON conversation_case (reply_wamid) WHERE reply_wamid IS NOT NULL',
		'CREATE INDEX conversation_case_citizen_idx ON conversation_case (citizen_key, id)',
		'CREATE INDEX conversation_case_state_idx ON conversation_case (state, opened_at)',
		`CREATE TABLE report_draft (
			citizen_key ${d.key} PRIMARY KEY,
			case_id BIGINT,
			parts ${d.json} NOT NULL,
			handed_over ${d.json},
			opened_at ${d.timestamp} NOT NULL,
			updated_at ${d.timestamp} NOT NULL
		)`,
		`CREATE TABLE closure_reply (
			citizen_key ${d.key} NOT NULL,
			closure TEXT NOT NULL,
			replied_at ${d.timestamp} NOT NULL,
			PRIMARY KEY (citizen_key, closure)
		)`,
		'CREATE INDEX closure_reply_replied_at_idx ON closure_reply (replied_at)',
		`CREATE TABLE delivery_status_tally (
			day TEXT PRIMARY KEY,
			sent INTEGER NOT NULL,
			delivered INTEGER NOT NULL,
			read INTEGER NOT NULL,
			failed INTEGER NOT NULL,
			other INTEGER NOT NULL,
			broadcast INTEGER NOT NULL,
			cases INTEGER NOT NULL,
			unknown INTEGER NOT NULL,
			last_status TEXT,
			last_status_at ${d.timestamp}
		)`,
		`ALTER TABLE broadcast ADD COLUMN last_status_at ${d.timestamp}`,
	],
};

/**
 * Version 4: the ingress's outbox (store/outbox.ts). One `ingress_outbox` row per webhook body holding
 * citizens' messages, keyed by its first message's wamid (a redelivery is recognised): the raw body
 * (JSON, kept as UTF-8 text: byte for byte) and Meta's original signature header until the body has been forwarded to n8n's trigger,
 * then only the wamid and the times, pruned after 8 days. `lease_owner`/`lease_until` are an
 * instance's claim while it forwards; `next_attempt_at` the back-off after a failure.
 */
const ingressOutboxV4: Migration = {
	version: 4,
	name: 'ingress_outbox',
	statements: (d) => [
		`CREATE TABLE ingress_outbox (
			id ${d.serialId},
			wamid TEXT NOT NULL,
			citizen_key ${d.key} NOT NULL,
			state TEXT NOT NULL CHECK (state IN ('queued', 'forwarded')),
			body TEXT,
			signature TEXT,
			messages INTEGER NOT NULL,
			received_at ${d.timestamp} NOT NULL,
			next_attempt_at ${d.timestamp} NOT NULL,
			attempts INTEGER NOT NULL,
			lease_owner TEXT,
			lease_until ${d.timestamp},
			last_error TEXT,
			last_error_kind TEXT,
			last_attempt_at ${d.timestamp},
			forwarded_at ${d.timestamp}
		)`,
		'CREATE UNIQUE INDEX ingress_outbox_wamid_uq ON ingress_outbox (wamid)',
		'CREATE INDEX ingress_outbox_citizen_idx ON ingress_outbox (citizen_key, state, id)',
		'CREATE INDEX ingress_outbox_queued_idx ON ingress_outbox (state, next_attempt_at, id)',
		'CREATE INDEX ingress_outbox_forwarded_idx ON ingress_outbox (forwarded_at) WHERE forwarded_at IS NOT NULL',
	],
};

/**
 * Version 5: the figures (core/figures).
 * - `subscription_move`: one row per subscription that became active (`joined`), stopped being active
 *   by a command (`left`) or by an erase (`erased`), per request a late acceptance found expired
 *   (`expired`), and per active subscription that became one with another when a citizen's two records
 *   were joined (`merged`), with its list and time and no citizen — written by the store with the change, filled
 *   here from the audit trail of what came before; the figures count it instead of reading the audit's
 *   JSON event by event;
 * - `broadcast_figures`: a finished alert's delivery counts (JSON) cached under what they depend on
 *   (`valid_for`: its state, runs, end and last status), so a year's figures do not count 50 × 400,000
 *   delivery rows each time — an alert is recounted when a status or a re-run changed it, or an erase
 *   re-keyed its rows; the finished alerts already there are counted here, once;
 * - indexes to read the audit trail's commands by action and time, the alerts and cases by time, and an
 *   alert's failed deliveries by code (partial: failed rows only) without reading the rows.
 * (Version 4 is the ingress outbox's; the runner applies whatever is missing, gaps allowed.)
 */
const figuresV5: Migration = {
	version: 5,
	name: 'figures',
	statements: (d) => [
		`CREATE TABLE subscription_move (
			id ${d.serialId},
			at ${d.timestamp} NOT NULL,
			list ${d.key} NOT NULL,
			move TEXT NOT NULL CHECK (move IN ('joined', 'left', 'erased', 'expired', 'merged'))
		)`,
		'CREATE INDEX subscription_move_list_idx ON subscription_move (list, move, at)',
		...backfillMoves(d),
		'CREATE INDEX audit_event_action_at_idx ON audit_event (action, at)',
		`CREATE INDEX broadcast_delivery_failed_idx ON broadcast_delivery (broadcast_id, error_code)
			WHERE state = 'failed'`,
		`CREATE INDEX broadcast_delivery_failed_sent_idx ON broadcast_delivery (broadcast_id)
			WHERE state = 'failed' AND wamid IS NOT NULL`,
		'CREATE INDEX broadcast_created_idx ON broadcast (created_at)',
		'CREATE INDEX conversation_case_opened_idx ON conversation_case (opened_at)',
		`CREATE TABLE broadcast_figures (
			broadcast_id ${d.key} PRIMARY KEY REFERENCES broadcast (id) ON DELETE CASCADE,
			valid_for TEXT NOT NULL,
			counts ${d.json} NOT NULL,
			computed_at ${d.timestamp} NOT NULL
		)`,
		prefillAlertCounts(d),
	],
};

/** Every migration, in version order. */
export const MIGRATIONS: readonly Migration[] = [
	subscriptionsV1,
	broadcastsV2,
	conversationsV3,
	ingressOutboxV4,
	figuresV5,
];

/** The schema version this code writes and reads: the last migration's. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1].version;

/** What running the migrations found and did. */
export interface MigrationOutcome {
	/** Versions applied by this call (empty when the database was up to date). */
	applied: number[];
	/** Hex of the 32-byte pepper keying anonymous audit subjects (created once, in `store_meta`). */
	pepper: string;
}

/** Applies the missing migrations and makes sure the pepper exists. Runs inside Engine.migrate. */
export function* migrationBody(dialect: Dialect): TxBody<MigrationOutcome> {
	yield* sql(
		`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at ${dialect.timestamp} NOT NULL
		)`,
	);
	const { rows } = yield* sql('SELECT version FROM schema_migrations');
	const done = new Set(rows.map((row) => Number(row.version)));
	const newest = Math.max(0, ...done);
	if (newest > SCHEMA_VERSION) {
		throw new StoreError(
			`The database holds schema version ${newest}, newer than this package knows (${SCHEMA_VERSION}): update the package`,
			{ code: 'SCHEMA_TOO_NEW' },
		);
	}
	const applied: number[] = [];
	for (const migration of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
		if (done.has(migration.version)) continue;
		for (const statement of migration.statements(dialect)) yield* sql(statement);
		yield* sql(
			'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
			migration.version,
			migration.name,
			new Date().toISOString(),
		);
		applied.push(migration.version);
	}
	yield* sql(
		"INSERT INTO store_meta (key, value) VALUES ('pepper', $1) ON CONFLICT (key) DO NOTHING",
		randomBytes(32).toString('hex'),
	);
	const pepper = yield* sql("SELECT value FROM store_meta WHERE key = 'pepper'");
	return { applied, pepper: String(pepper.rows[0].value) };
}
