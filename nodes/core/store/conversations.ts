/**
 * Conversation state on the store's database (schema version 3): reports being assembled from their
 * parts, the once-per-closure automatic reply, and one case per question and report. Every call is one
 * transaction, SQL shared by SQLite and PostgreSQL (see engine.ts).
 *
 * Concurrency: a citizen's report parts are serialised on their `report_draft` row (an upsert that
 * locks it on PostgreSQL; SQLite holds the write lock from BEGIN IMMEDIATE), so two parts of one report
 * arriving at the same moment on two workers assemble one report, not two. A case is created once per
 * first message id (unique index), so a redelivered message finds its case instead of opening another.
 */
import { assembleReport, MAX_PART_TEXT_LENGTH, MAX_REPORT_PARTS } from '../conversation/report';
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
import { StoreInputError } from './errors';
import { keyOf, normaliseCitizen, requiredMessageId, validDate } from './keys';
import type { CitizenIdentity } from './types';

/** Automatic-reply memories older than this are deleted (a closure never lasts that long). */
export const CLOSURE_REPLY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** What adding one part to a citizen's report gave. */
export interface ReportPartOutcome {
	caseId: number;
	/** This part opened a new report (and its case). */
	opened: boolean;
	/** The part had been added before (a redelivery): nothing changed. */
	duplicate: boolean;
	/**
	 * The report as its parts now make it. When complete, the draft is handed over (closed in the
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

function rank(state: CaseState): number {
	return CASE_STATES.indexOf(state);
}

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
		throw new StoreInputError('caseId', 'must be a positive whole number (the id the case was opened with)');
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

/** Validates a report part from outside (the trigger's item): sizes bounded, types checked. */
export function normaliseReportPart(part: ReportPart): ReportPart {
	if (part === null || typeof part !== 'object') throw new StoreInputError('part', 'must be an object');
	const messageId = requiredMessageId(part.messageId);
	const receivedAt = validDate(
		typeof part.receivedAt === 'string' ? new Date(part.receivedAt) : part.receivedAt,
		'part.receivedAt',
	).toISOString();
	const out: ReportPart = { messageId, receivedAt, type: shortText(part.type, 'part.type', 64) ?? 'unknown' };
	if (part.text !== undefined && part.text !== null) {
		if (typeof part.text !== 'string') throw new StoreInputError('part.text', 'must be text');
		const trimmed = Array.from(part.text.trim()).slice(0, MAX_PART_TEXT_LENGTH).join('');
		if (trimmed !== '') out.text = trimmed;
	}
	if (part.media !== undefined && part.media !== null) {
		const id = shortText(part.media.id, 'part.media.id', 256);
		if (id !== undefined) {
			out.media = {
				id,
				...(shortText(part.media.mimeType, 'part.media.mimeType', 128) !== undefined
					? { mimeType: String(part.media.mimeType).trim() }
					: {}),
				...(shortText(part.media.filename, 'part.media.filename', 256) !== undefined
					? { filename: String(part.media.filename).trim() }
					: {}),
			};
		}
	}
	if (part.location !== undefined && part.location !== null) {
		const latitude = Number(part.location.latitude);
		const longitude = Number(part.location.longitude);
		if (
			!Number.isFinite(latitude) ||
			!Number.isFinite(longitude) ||
			Math.abs(latitude) > 90 ||
			Math.abs(longitude) > 180
		) {
			throw new StoreInputError('part.location', 'latitude must be within ±90 and longitude within ±180');
		}
		const place = shortText(part.location.place, 'part.location.place', 512);
		out.location = { latitude, longitude, ...(place !== undefined ? { place } : {}) };
	}
	const name = shortText(part.name, 'part.name', 256);
	if (name !== undefined) out.name = name;
	return out;
}

function partsOf(value: unknown): ReportPart[] {
	const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
	return Array.isArray(parsed) ? (parsed as ReportPart[]) : [];
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
			if (rank(change.state) >= rank('routed') && current.routedAt === null && change.routedTo !== undefined)
				set.routed_at = at;
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

function* applyCaseChange(id: number, change: CaseChange, at: string): TxBody<CaseRecord> {
	const current = yield* loadCase(id, '');
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
		const d = this.engine.dialect;
		const channel = options.channel ?? 'whatsapp';
		const now = new Date().toISOString();
		return await this.engine.transaction(function* () {
			// Upsert + lock the citizen's draft row: concurrent parts of one citizen queue here.
			yield* sql(
				`INSERT INTO report_draft (citizen_key, case_id, parts, opened_at, updated_at)
				VALUES ($1, NULL, '[]', $2, $2) ON CONFLICT (citizen_key) DO NOTHING`,
				key,
				clean.receivedAt,
			);
			const { rows } = yield* sql(
				`SELECT case_id, parts FROM report_draft WHERE citizen_key = $1${d.forUpdate}`,
				key,
			);
			let draftCase = rows[0].case_id === null ? null : Number(rows[0].case_id);
			let parts = partsOf(rows[0].parts);
			if (parts.some((p) => p.messageId === clean.messageId)) {
				return {
					caseId: draftCase ?? 0,
					opened: false,
					duplicate: true,
					report: assembleReport(parts, rules),
				};
			}
			// Parts outside the window before this one no longer belong to it: that report expired.
			const newest = Math.max(Date.parse(clean.receivedAt), ...parts.map((p) => Date.parse(p.receivedAt)));
			const fresh = parts.filter((p) => Date.parse(p.receivedAt) >= newest - rules.windowMs);
			let opened = false;
			if (draftCase !== null && fresh.length === 0 && parts.length > 0) {
				yield* applyCaseChange(draftCase, { state: 'closed', closedReason: 'expired' }, now);
				draftCase = null;
			}
			parts = [...fresh, clean].slice(-MAX_REPORT_PARTS);
			if (draftCase === null) {
				const { record } = yield* insertCase({
					citizenKey: key,
					kind: 'report',
					channel,
					messageId: clean.messageId,
					at: clean.receivedAt,
					outOfHours: options.outOfHours === true,
				});
				draftCase = record.id;
				opened = true;
			}
			const report = assembleReport(parts, rules);
			yield* sql(
				`UPDATE conversation_case SET messages = $2, portal_service = $3, updated_at = $4 WHERE id = $1`,
				draftCase,
				report.messages,
				report.service,
				now,
			);
			if (report.complete) {
				yield* sql('DELETE FROM report_draft WHERE citizen_key = $1', key);
			} else {
				yield* sql(
					`UPDATE report_draft SET case_id = $2, parts = $3, updated_at = $4 WHERE citizen_key = $1`,
					key,
					draftCase,
					JSON.stringify(parts),
					now,
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
		if (closureKey === undefined) throw new StoreInputError('closure', 'is empty (the next opening time)');
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
			);
			return { record, created: true };
		});
	}

	/** Moves a case forward (state, route, portal number, answer); refuses a step back. */
	async updateCase(id: number | string, change: CaseChange): Promise<CaseRecord> {
		const caseKey = caseId(id);
		const at = validDate(change.at ?? new Date(), 'at').toISOString();
		return await this.engine.transaction(() => applyCaseChange(caseKey, change, at));
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
				Math.max(1, Math.min(1000, Math.floor(limit))),
			);
			return rows.map(caseOf);
		});
	}
}
