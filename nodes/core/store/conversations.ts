/**
 * Conversation state on the store's database (schema version 3): reports being assembled from their
 * parts, the once-per-closure automatic reply, and one case per question and report. Every call is one
 * transaction, SQL shared by SQLite and PostgreSQL (see engine.ts).
 *
 * Concurrency: a citizen's report parts are serialised on their `report_draft` row (created once, then
 * locked FOR UPDATE on PostgreSQL; SQLite holds the write lock from BEGIN IMMEDIATE), so two parts of
 * one report arriving at the same moment on two workers assemble one report, not two. The row stays when
 * a report is handed over (emptied, remembering that report's case and message ids), so a part waiting
 * for the lock never finds it gone. A case is created once per first message id (unique index), and a
 * case moves under its row lock, so two workers' updates cannot move it back. A redelivered part — of
 * the open report, of the last one handed over, or the first part of any case — changes nothing.
 */
import {
	assembleReport,
	MAX_PART_TEXT_LENGTH,
	MAX_REPORT_PARTS,
	partsInWindow,
	validateReportRules,
} from '../conversation/report';
import type {
	AssembledReport,
	CaseChange,
	CaseKind,
	CaseRecord,
	CaseRoute,
	CaseState,
	ReportPart,
	ReportRules,
} from '../conversation/types';
import { CASE_ROUTES, CASE_STATES } from '../conversation/types';
import type { Engine, Row, TxBody } from './engine';
import { isoOf, isoOrNull, sql } from './engine';
import { StoreError, StoreInputError } from './errors';
import { keyOf, normaliseCitizen, requiredMessageId, validDate } from './keys';
import type { CitizenIdentity } from './types';

/** Automatic-reply memories older than this are deleted (a closure never lasts that long). */
export const CLOSURE_REPLY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** What adding one part to a citizen's report gave. */
export interface ReportPartOutcome {
	caseId: number;
	/** This part opened a new report (and its case). */
	opened: boolean;
	/**
	 * The part had been added before (a redelivery): nothing changed, `caseId` is the case it belongs to
	 * (possibly a report already handed over) and `report` what the citizen's open parts make now — never
	 * complete, since a report is handed over once.
	 */
	duplicate: boolean;
	/**
	 * The report as its parts now make it. When complete, the draft is handed over (emptied in the
	 * store): the next part the citizen sends starts a new report.
	 */
	report: AssembledReport;
}

/** The case states a state may move to (forward only; `closed` is final). */
const NEXT_STATES: Readonly<Record<CaseState, readonly CaseState[]>> = {
	received: ['routed', 'answered', 'registered', 'closed'],
	routed: ['answered', 'registered', 'closed'],
	answered: ['closed'],
	registered: ['closed'],
	closed: [],
};

function text(value: unknown): string | null {
	return value === null || value === undefined ? null : String(value);
}

export function caseOf(row: Row): CaseRecord {
	return {
		id: Number(row.id),
		citizenKey: String(row.citizen_key),
		kind: String(row.kind) as CaseKind,
		channel: String(row.channel),
		state: String(row.state) as CaseState,
		openedAt: isoOf(row.opened_at),
		firstMessageId: text(row.first_message_id),
		messages: Number(row.messages),
		outOfHours: Number(row.out_of_hours) === 1 || row.out_of_hours === true,
		routedTo: text(row.routed_to) as CaseRoute | null,
		routedAt: isoOrNull(row.routed_at),
		portalService: text(row.portal_service),
		portalRequestId: text(row.portal_request_id),
		answeredAt: isoOrNull(row.answered_at),
		answeredHow: text(row.answered_how) as CaseRecord['answeredHow'],
		replyWamid: text(row.reply_wamid),
		replyStatus: text(row.reply_status),
		replyStatusAt: isoOrNull(row.reply_status_at),
		closedAt: isoOrNull(row.closed_at),
		closedReason: text(row.closed_reason),
		updatedAt: isoOf(row.updated_at),
	};
}

function caseId(value: unknown): number {
	const id = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
		throw new StoreInputError(
			'caseId',
			'must be a positive whole number (the id the case was opened with)',
		);
	}
	return id;
}

function shortText(value: unknown, field: string, max: number): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string' && typeof value !== 'number')
		throw new StoreInputError(field, 'must be text');
	const trimmed = String(value).trim();
	if (trimmed === '') return undefined;
	if (trimmed.length > max) throw new StoreInputError(field, `longer than ${max} characters`);
	return trimmed;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A citizen's text as the database can hold it: control characters (PostgreSQL refuses NUL in text and
 * JSONB) become spaces — line breaks and tabs kept when `lines` — lone surrogates U+FFFD, at most `max`
 * code points (never splitting a pair), trimmed. Undefined when nothing is left.
 */
function cleanText(value: unknown, field: string, max: number, lines = false): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string' && typeof value !== 'number')
		throw new StoreInputError(field, 'must be text');
	const cleaned = String(value)
		.replace(LONE_SURROGATE, '\uFFFD')
		.replace(lines ? CONTROL_EXCEPT_LINES : CONTROL_CHARACTERS, ' ')
		.trim();
	const bounded = Array.from(cleaned).slice(0, max).join('').trim();
	return bounded === '' ? undefined : bounded;
}

/** A coordinate: a number, or a number written as text (never null, '' or true read as 0 or 1). */
function coordinate(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '') return Number(value);
	return Number.NaN;
}

/**
 * Validates a report part from outside (the trigger's item): ids and position checked (refused when
 * wrong), the citizen's words, name, place and file names cleaned and bounded (never refused).
 */
export function normaliseReportPart(part: ReportPart): ReportPart {
	if (part === null || typeof part !== 'object')
		throw new StoreInputError('part', 'must be an object');
	const messageId = requiredMessageId(part.messageId);
	const receivedAt = validDate(
		typeof part.receivedAt === 'string' ? new Date(part.receivedAt) : part.receivedAt,
		'part.receivedAt',
	).toISOString();
	const out: ReportPart = {
		messageId,
		receivedAt,
		type: cleanText(part.type, 'part.type', 64) ?? 'unknown',
	};
	if (part.text !== undefined && part.text !== null) {
		if (typeof part.text !== 'string') throw new StoreInputError('part.text', 'must be text');
		const text = cleanText(part.text, 'part.text', MAX_PART_TEXT_LENGTH, true);
		if (text !== undefined) out.text = text;
	}
	if (part.media !== undefined && part.media !== null) {
		if (typeof part.media !== 'object')
			throw new StoreInputError('part.media', 'must be an object');
		const id = shortText(part.media.id, 'part.media.id', 256);
		if (id !== undefined) {
			const mimeType = cleanText(part.media.mimeType, 'part.media.mimeType', 128);
			const filename = cleanText(part.media.filename, 'part.media.filename', 256);
			out.media = {
				id,
				...(mimeType !== undefined ? { mimeType } : {}),
				...(filename !== undefined ? { filename } : {}),
			};
		}
	}
	if (part.location !== undefined && part.location !== null) {
		if (typeof part.location !== 'object')
			throw new StoreInputError('part.location', 'must be an object with latitude and longitude');
		const latitude = coordinate(part.location.latitude);
		const longitude = coordinate(part.location.longitude);
		if (
			!Number.isFinite(latitude) ||
			!Number.isFinite(longitude) ||
			Math.abs(latitude) > 90 ||
			Math.abs(longitude) > 180
		) {
			throw new StoreInputError(
				'part.location',
				'latitude must be within ±90 and longitude within ±180',
			);
		}
		const place = cleanText(part.location.place, 'part.location.place', 512);
		out.location = { latitude, longitude, ...(place !== undefined ? { place } : {}) };
	}
	// A long profile name must not cost the citizen their report: truncated, as the subscriber's name.
	const name = cleanText(part.name, 'part.name', 256);
	if (name !== undefined) out.name = name;
	return out;
}

/** Staff's rules, checked: a wrong window or service list is the caller's input error. */
function reportRules(rules: ReportRules): ReportRules {
	let failure: unknown;
	try {
		return validateReportRules(rules);
	} catch (error) {
		failure = error;
	}
	throw failure instanceof RangeError ? new StoreInputError('rules', failure.message) : failure;
}

function jsonOf(value: unknown): unknown {
	return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

function partsOf(value: unknown): ReportPart[] {
	const parsed = jsonOf(value);
	return Array.isArray(parsed) ? (parsed as ReportPart[]) : [];
}

/** The last report handed over from a draft row: its case and its parts' message ids. */
interface HandedOver {
	caseId: number;
	messageIds: string[];
}

function handedOverOf(value: unknown): HandedOver | null {
	const parsed = value === null || value === undefined ? null : jsonOf(value);
	if (parsed === null || typeof parsed !== 'object') return null;
	const { caseId, messageIds } = parsed as Partial<HandedOver>;
	return typeof caseId === 'number' && Array.isArray(messageIds) ? { caseId, messageIds } : null;
}

function* loadCase(id: number, lock: string): TxBody<CaseRecord | null> {
	const { rows } = yield* sql(`SELECT * FROM conversation_case WHERE id = $1${lock}`, id);
	return rows.length === 0 ? null : caseOf(rows[0]);
}

function* insertCase(input: {
	citizenKey: string;
	kind: CaseKind;
	channel: string;
	messageId: string;
	at: string;
	outOfHours: boolean;
}): TxBody<{ record: CaseRecord; created: boolean }> {
	const { rows } = yield* sql(
		`INSERT INTO conversation_case (citizen_key, kind, channel, state, opened_at, first_message_id,
			messages, out_of_hours, updated_at)
		VALUES ($1, $2, $3, 'received', $4, $5, 1, $6, $4)
		ON CONFLICT (first_message_id) WHERE first_message_id IS NOT NULL DO NOTHING
		RETURNING *`,
		input.citizenKey,
		input.kind,
		input.channel,
		input.at,
		input.messageId,
		input.outOfHours ? 1 : 0,
	);
	if (rows.length > 0) return { record: caseOf(rows[0]), created: true };
	const existing = yield* sql(
		'SELECT * FROM conversation_case WHERE first_message_id = $1',
		input.messageId,
	);
	return { record: caseOf(existing.rows[0]), created: false };
}

/** Validates a change against the case as it is; returns the columns to set. */
export function planCaseChange(
	current: CaseRecord,
	change: CaseChange,
	at: string,
): Record<string, string | number | null> {
	const set: Record<string, string | number | null> = {};
	if (change.state !== undefined) {
		if (!CASE_STATES.includes(change.state))
			throw new StoreInputError('state', `must be one of ${CASE_STATES.join(', ')}`);
		if (change.state !== current.state) {
			if (!NEXT_STATES[current.state].includes(change.state)) {
				throw new StoreInputError(
					'state',
					`case ${current.id} is ${current.state} and cannot go back to ${change.state}`,
				);
			}
			set.state = change.state;
			if (change.state === 'answered') set.answered_at = at;
			if (change.state === 'closed') set.closed_at = at;
			if (change.state === 'routed' && current.routedAt === null) set.routed_at = at;
		}
	}
	if (change.routedTo !== undefined) {
		if (!CASE_ROUTES.includes(change.routedTo))
			throw new StoreInputError('routedTo', `must be one of ${CASE_ROUTES.join(', ')}`);
		set.routed_to = change.routedTo;
		set.routed_at = at;
	}
	if (change.answeredHow !== undefined) {
		if (change.answeredHow !== 'text' && change.answeredHow !== 'template')
			throw new StoreInputError('answeredHow', "must be 'text' or 'template'");
		set.answered_how = change.answeredHow;
		if (current.answeredAt === null && set.answered_at === undefined) set.answered_at = at;
	}
	const service = shortText(change.portalService, 'portalService', 128);
	if (service !== undefined) set.portal_service = service;
	const requestId = shortText(change.portalRequestId, 'portalRequestId', 256);
	if (requestId !== undefined) set.portal_request_id = requestId;
	const reason = shortText(change.closedReason, 'closedReason', 64);
	if (reason !== undefined) set.closed_reason = reason;
	const wamid = shortText(change.replyWamid, 'replyWamid', 256);
	if (wamid !== undefined && wamid !== current.replyWamid) {
		set.reply_wamid = wamid;
		set.reply_status = null;
		set.reply_status_at = null;
	}
	return set;
}

/** Loads the case under its row lock (`lock`: the dialect's FOR UPDATE), checks the change, writes it. */
function* applyCaseChange(
	id: number,
	change: CaseChange,
	at: string,
	lock: string,
): TxBody<CaseRecord> {
	const current = yield* loadCase(id, lock);
	if (current === null) throw new StoreInputError('caseId', `no case ${id}`);
	const set = planCaseChange(current, change, at);
	const columns = Object.keys(set);
	if (columns.length === 0) return current;
	const assignments = columns.map((column, i) => `${column} = $${i + 2}`).join(', ');
	const { rows } = yield* sql(
		`UPDATE conversation_case SET ${assignments}, updated_at = $${columns.length + 2} WHERE id = $1 RETURNING *`,
		id,
		...columns.map((column) => set[column]),
		at,
	);
	return caseOf(rows[0]);
}

/** Reports, automatic replies and cases on the store's database. */
export class ConversationLedger {
	constructor(private readonly engine: Engine) {}

	/**
	 * Adds one part to the citizen's open report (opening one, and its case, when there is none or its
	 * parts are older than the rules' window) and assembles it. A complete report is handed over: its
	 * draft is deleted in the same transaction, so exactly one caller gets `complete: true` for it.
	 */
	async addReportPart(
		citizen: CitizenIdentity,
		part: ReportPart,
		rules: ReportRules,
		options: { outOfHours?: boolean; channel?: string } = {},
	): Promise<ReportPartOutcome> {
		const key = keyOf(normaliseCitizen(citizen));
		const clean = normaliseReportPart(part);
		const checked = reportRules(rules);
		const channel = shortText(options.channel, 'channel', 32) ?? 'whatsapp';
		const lock = this.engine.dialect.forUpdate;
		const now = new Date().toISOString();
		return await this.engine.transaction(function* () {
			// The citizen's draft row, created once and locked: concurrent parts of one citizen queue here.
			yield* sql(
				`INSERT INTO report_draft (citizen_key, case_id, parts, opened_at, updated_at)
				VALUES ($1, NULL, '[]', $2, $2) ON CONFLICT (citizen_key) DO NOTHING`,
				key,
				clean.receivedAt,
			);
			const { rows } = yield* sql(
				`SELECT case_id, parts, handed_over FROM report_draft WHERE citizen_key = $1${lock}`,
				key,
			);
			// Only an erase deletes the row; one that ran meanwhile: start again.
			if (rows.length === 0)
				throw new StoreError('the report draft was erased meanwhile', { code: 'RETRY' });
			let draftCase = rows[0].case_id === null ? null : Number(rows[0].case_id);
			const stored = partsOf(rows[0].parts);
			const duplicate = (caseId: number): ReportPartOutcome => ({
				caseId,
				opened: false,
				duplicate: true,
				report: assembleReport(stored, checked),
			});
			// A redelivery: a part of the open report, of the last one handed over, or any case's first.
			if (stored.some((p) => p.messageId === clean.messageId)) return duplicate(draftCase ?? 0);
			const handedOver = handedOverOf(rows[0].handed_over);
			if (handedOver?.messageIds.includes(clean.messageId) === true)
				return duplicate(handedOver.caseId);
			const opener = yield* sql(
				'SELECT id FROM conversation_case WHERE first_message_id = $1',
				clean.messageId,
			);
			if (opener.rows.length > 0) return duplicate(Number(opener.rows[0].id));

			// The parts that still belong together; a part too old for them is not added.
			const parts = partsInWindow([...stored, clean], checked.windowMs).slice(-MAX_REPORT_PARTS);
			if (!parts.includes(clean)) {
				return {
					caseId: draftCase ?? 0,
					opened: false,
					duplicate: false,
					report: assembleReport(stored, checked),
				};
			}
			let opened = false;
			// No earlier part within the window of this one: that report expired, this one starts anew.
			const expiredCase = draftCase !== null && parts.length === 1 ? draftCase : null;
			if (draftCase === null || expiredCase !== null) {
				const { record, created } = yield* insertCase({
					citizenKey: key,
					kind: 'report',
					channel,
					messageId: clean.messageId,
					at: clean.receivedAt,
					outOfHours: options.outOfHours === true,
				});
				// the message opened a case in a transaction that committed meanwhile
				if (!created) return duplicate(record.id);
				draftCase = record.id;
				opened = true;
			}
			if (expiredCase !== null) {
				const old = yield* loadCase(expiredCase, lock);
				if (old !== null && old.state !== 'closed')
					yield* applyCaseChange(
						expiredCase,
						{ state: 'closed', closedReason: 'expired' },
						now,
						lock,
					);
			}
			const report = assembleReport(parts, checked);
			yield* sql(
				`UPDATE conversation_case SET messages = $2, portal_service = $3, updated_at = $4 WHERE id = $1`,
				draftCase,
				report.messages,
				report.service,
				now,
			);
			if (report.complete) {
				// Handed over: the row stays (the lock of the next part), empty, remembering this report.
				yield* sql(
					`UPDATE report_draft SET case_id = NULL, parts = '[]', handed_over = $2, updated_at = $3
					WHERE citizen_key = $1`,
					key,
					JSON.stringify({ caseId: draftCase, messageIds: report.messageIds }),
					now,
				);
			} else {
				yield* sql(
					`UPDATE report_draft SET case_id = $2, parts = $3, updated_at = $4${opened ? ', opened_at = $5' : ''}
					WHERE citizen_key = $1`,
					key,
					draftCase,
					JSON.stringify(parts),
					now,
					...(opened ? [clean.receivedAt] : []),
				);
			}
			return { caseId: draftCase, opened, duplicate: false, report };
		});
	}

	/**
	 * The once-per-closure memory: true the first time for this citizen and closure (the office's next
	 * opening, as an ISO instant), false afterwards. Old memories are pruned in the same transaction.
	 */
	async claimClosureReply(citizen: CitizenIdentity, closure: string, at: Date): Promise<boolean> {
		const key = keyOf(normaliseCitizen(citizen));
		const closureKey = shortText(closure, 'closure', 64);
		if (closureKey === undefined)
			throw new StoreInputError('closure', 'is empty (the next opening time)');
		const when = validDate(at, 'at');
		return await this.engine.transaction(function* () {
			yield* sql(
				'DELETE FROM closure_reply WHERE replied_at < $1',
				new Date(when.getTime() - CLOSURE_REPLY_RETENTION_MS).toISOString(),
			);
			const { rows } = yield* sql(
				`INSERT INTO closure_reply (citizen_key, closure, replied_at) VALUES ($1, $2, $3)
				ON CONFLICT (citizen_key, closure) DO NOTHING RETURNING citizen_key`,
				key,
				closureKey,
				when.toISOString(),
			);
			return rows.length > 0;
		});
	}

	/** Opens the case of a citizen's message (or finds the one it opened before: redelivery). */
	async openCase(input: {
		citizen: CitizenIdentity;
		kind: CaseKind;
		messageId: string;
		at: Date;
		outOfHours?: boolean;
		channel?: string;
		route?: CaseRoute;
	}): Promise<{ record: CaseRecord; created: boolean }> {
		const key = keyOf(normaliseCitizen(input.citizen));
		if (input.kind !== 'question' && input.kind !== 'report')
			throw new StoreInputError('kind', "must be 'question' or 'report'");
		const messageId = requiredMessageId(input.messageId);
		const at = validDate(input.at, 'at').toISOString();
		const channel = shortText(input.channel, 'channel', 32) ?? 'whatsapp';
		const lock = this.engine.dialect.forUpdate;
		return await this.engine.transaction(function* () {
			const opened = yield* insertCase({
				citizenKey: key,
				kind: input.kind,
				channel,
				messageId,
				at,
				outOfHours: input.outOfHours === true,
			});
			if (input.route === undefined || !opened.created) return opened;
			const record = yield* applyCaseChange(
				opened.record.id,
				{ state: 'routed', routedTo: input.route },
				at,
				lock,
			);
			return { record, created: true };
		});
	}

	/** Moves a case forward (state, route, portal number, answer); refuses a step back. */
	async updateCase(id: number | string, change: CaseChange): Promise<CaseRecord> {
		const caseKey = caseId(id);
		const at = validDate(change.at ?? new Date(), 'at').toISOString();
		const lock = this.engine.dialect.forUpdate;
		return await this.engine.transaction(() => applyCaseChange(caseKey, change, at, lock));
	}

	async getCase(id: number | string): Promise<CaseRecord | null> {
		const caseKey = caseId(id);
		return await this.engine.read(() => loadCase(caseKey, ''));
	}

	/** The citizen's cases, newest first (at most `limit`). */
	async casesOf(citizen: CitizenIdentity, limit = 100): Promise<CaseRecord[]> {
		const key = keyOf(normaliseCitizen(citizen));
		return await this.engine.read(function* () {
			const { rows } = yield* sql(
				'SELECT * FROM conversation_case WHERE citizen_key = $1 ORDER BY id DESC LIMIT $2',
				key,
				Number.isFinite(limit) ? Math.max(1, Math.min(1000, Math.floor(limit))) : 100,
			);
			return rows.map(caseOf);
		});
	}
}
