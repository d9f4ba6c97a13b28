/**
 * Conversation state of the inbound path: reports assembled from their parts, the once-per-closure
 * automatic reply, and one case per question and report (what was received, where it was routed, how it
 * was answered). Pure types: the logic is in report.ts and placeholders.ts, the storage in
 * store/conversations.ts.
 */

/** One message of a report being assembled (a photo, a description, a position), as the trigger gave it. */
export interface ReportPart {
	/** The citizen's message id (wamid): a redelivered part is recognised by it. */
	messageId: string;
	/** ISO 8601 instant the citizen sent it. */
	receivedAt: string;
	/** Meta's message type (text, image, location, …). */
	type: string;
	/** The text or the media's caption, if any. */
	text?: string;
	media?: { id: string; mimeType?: string; filename?: string };
	location?: { latitude: number; longitude: number; place?: string };
	/** The citizen's profile name when the part carried it. */
	name?: string;
}

/** A service of the reporting portal and the words that choose it (matched at the start of a word). */
export interface ServiceKeywords {
	/** The portal's service code, e.g. `buche`. */
	service: string;
	keywords: string[];
}

/** How a report is assembled: which service its words choose, how long its parts wait for each other. */
export interface ReportRules {
	/** Checked in order: the first service one of whose keywords is in the text wins. */
	services: ServiceKeywords[];
	/** The service when no keyword matches. */
	fallbackService: string;
	/** Parts older than this before the newest part are no longer part of the report. */
	windowMs: number;
}

/** What a report still needs before it can be filed. */
export type ReportMissing = 'position' | 'description';

/** A report as its parts make it, complete or not. Field names are the node's output. */
export interface AssembledReport {
	complete: boolean;
	/** null when complete. */
	missing: ReportMissing | null;
	service: string;
	/** Only for street lighting: spento, intermittente, acceso_giorno, danneggiato; else ''. */
	faultType: string;
	/** What goes to the portal: the citizen's words, the place they named, how it arrived. */
	description: string;
	/** The citizen's own words, parts joined by new lines. */
	text: string;
	latitude: number | null;
	longitude: number | null;
	/** The place name / address the citizen's position carried, if any. */
	place: string;
	photos: Array<{ id: string; mimeType: string; filename: string }>;
	/** The citizen's profile name (last one given), and its first word and the rest. */
	name: string;
	firstName: string;
	lastName: string;
	/** Number of messages the report is made of. */
	messages: number;
	/** When its first part was sent (ISO 8601). */
	firstMessageAt: string;
	/** Message ids of its parts, oldest first. */
	messageIds: string[];
}

export type CaseKind = 'question' | 'report';

/**
 * A case's life: received → routed (to operators, the URP mailbox or the portal) → answered (a
 * question) or registered (a report on the portal) → closed. Moves only forward; `closed` is final.
 */
export type CaseState = 'received' | 'routed' | 'answered' | 'registered' | 'closed';
export const CASE_STATES: readonly CaseState[] = [
	'received',
	'routed',
	'answered',
	'registered',
	'closed',
];

/** Where a case was sent. */
export type CaseRoute = 'operators' | 'urp_mailbox' | 'segnala';
export const CASE_ROUTES: readonly CaseRoute[] = ['operators', 'urp_mailbox', 'segnala'];

/** How an operator's answer reached the citizen. */
export type AnswerHow = 'text' | 'template';

/**
 * One question or report. It holds no message text and no phone number: the citizen is the store's
 * key (`wa:<number>` or `user:<id>`, as the subscriber record), replaced by the anonymous id on erase.
 */
export interface CaseRecord {
	id: number;
	citizenKey: string;
	kind: CaseKind;
	channel: string;
	state: CaseState;
	openedAt: string;
	/** The wamid of the citizen's first message of the case (null after erase). */
	firstMessageId: string | null;
	/** How many messages of the citizen the case is made of. */
	messages: number;
	/** Received while the office was closed. */
	outOfHours: boolean;
	routedTo: CaseRoute | null;
	routedAt: string | null;
	/** Reports: the portal's service code and the request number (or batch token) it gave. */
	portalService: string | null;
	portalRequestId: string | null;
	answeredAt: string | null;
	answeredHow: AnswerHow | null;
	/** The last message the URP sent about the case, and the last delivery status Meta gave for it. */
	replyWamid: string | null;
	replyStatus: string | null;
	replyStatusAt: string | null;
	closedAt: string | null;
	/** Why it closed: answered, registered, expired (a report never completed), unanswered, … */
	closedReason: string | null;
	updatedAt: string;
}

/** A change to a case: a new state and what goes with it. Fields left out keep their value. */
export interface CaseChange {
	state?: CaseState;
	routedTo?: CaseRoute;
	portalService?: string;
	portalRequestId?: string;
	answeredHow?: AnswerHow;
	replyWamid?: string;
	closedReason?: string;
	/** When it happened (default: now). */
	at?: Date;
}
