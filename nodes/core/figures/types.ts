/**
 * The URP's figures for a period: the contract between the figures' queries (figures/compute.ts, on the
 * store's tables) and what reads them (the WhatsUrp Figures node, the dashboard page, the monthly email,
 * the yearly summary). Aggregates only: no phone number, name, store key or message text appears in any
 * of these types — a case is named by its number in the store, never by its citizen.
 */

/** How the period's rows are cut. Weeks are ISO weeks (Monday first) in the office's time zone. */
export type FiguresGranularity = 'month' | 'week';

/** The period asked for, as civil dates in the office's time zone. */
export interface FiguresPeriod {
	/** First day, inclusive, `YYYY-MM-DD`. */
	from: string;
	/** Last day, inclusive, `YYYY-MM-DD`. */
	to: string;
	/** IANA zone the days are cut in, e.g. `Europe/Rome`. */
	timeZone: string;
	granularity: FiguresGranularity;
}

/** One alert list's subscribers over a span (a row or the whole period). */
export interface ListFigures {
	/** The list's key as `core/lists` spells it. */
	list: string;
	/** Active subscriptions at the span's first instant. */
	activeAtStart: number;
	/** Active subscriptions at the span's last instant. */
	activeAtEnd: number;
	/** Subscriptions that became active in the span (a citizen who left and came back counts again). */
	joined: number;
	/** Subscriptions that ended in the span by the citizen's command (`ISCRIZIONE OFF`, `STOP`). */
	leftByCommand: number;
	/** Subscriptions that ended in the span because the citizen's data were erased (counted, not named). */
	leftByErase: number;
	/** Requests (`ISCRIZIONE ON` without accepting the policy) that expired in the span. */
	pendingExpired: number;
	/** activeAtEnd − activeAtStart. */
	change: number;
	/** Change on the previous span of the same length, in percent of its end; null when that was 0. */
	changePercent: number | null;
}

/** Alerts sent to one list over a span; an alert re-run with the same id counts once. */
export interface BroadcastFigures {
	list: string;
	/** Alerts that began in the span. */
	count: number;
	/** Recipients the alerts reached for (one per alert and subscriber). */
	recipients: number;
	/** Messages WhatsApp accepted (a wamid came back). */
	accepted: number;
	/** Of the accepted: delivered (read counts as delivered too). */
	delivered: number;
	read: number;
	failed: number;
	/** Failed recipients by WhatsApp's error code (`"131026"`: count); `"unknown"` when none was given. */
	failedByCode: Record<string, number>;
	/** Recipients who unsubscribed while the alert was going out (not sent to). */
	unsubscribedMidway: number;
	/**
	 * Sum over the alerts of finished − started, seconds, from the alert's creation (its first run's start)
	 * to its last run's end, so a resumed alert counts its pause too; alerts still running are left out.
	 */
	durationSeconds: number;
	/** Longest single alert, seconds. */
	longestSeconds: number;
}

/** Citizens' messages over a span. */
export interface MessageFigures {
	/** Question cases opened. */
	questions: number;
	/** Report cases opened. */
	reports: number;
	/** Reports by the portal's service code (`buche`: 12); `"unknown"` when not known. */
	reportsByService: Record<string, number>;
	/** Subscription commands (`ISCRIZIONE ON/OFF`, acceptance of the policy, `STOP`), from the audit trail. */
	commands: number;
	/** Question and report cases opened while the office was closed. */
	outOfHours: number;
}

/** How the URP answered over a span (cases opened in the span). */
export interface ServiceLevelFigures {
	/** Questions answered by an operator. */
	answered: number;
	/** Minutes from the question's arrival to the operator's answer; null without answered questions. */
	answerMinutesMedian: number | null;
	answerMinutesP90: number | null;
	/**
	 * Share (0..1) of answered questions answered by the end of the office's next opening day after
	 * arrival (the same day when it arrived during opening hours); null without answered questions.
	 */
	answeredByNextOpeningDayShare: number | null;
	/** Answers sent as the approved template because the 24-hour window had closed. */
	answeredAsTemplate: number;
	/** Questions closed unanswered (the operators' wait ran out). */
	unanswered: number;
	/** Reports registered on the portal. */
	reportsRegistered: number;
	/** Reports sent to the URP mailbox to be registered by hand (*DA REGISTRARE*). */
	reportsToMailbox: number;
}

/** One row of the period: a month (`2026-03`) or an ISO week (`2026-W10`). */
export interface FiguresRow {
	/** `YYYY-MM` or `YYYY-Www`. */
	key: string;
	/** The row's first and last civil day, inclusive, clipped to the period. */
	from: string;
	to: string;
	subscribers: ListFigures[];
	broadcasts: BroadcastFigures[];
	messages: MessageFigures;
	service: ServiceLevelFigures;
}

/** A case waiting now. */
export interface WaitingCase {
	/** The case's number in the store. */
	caseId: number;
	kind: 'question' | 'report';
	state: 'received' | 'routed';
	/** Where it was routed, if it was. */
	routedTo: 'operators' | 'urp_mailbox' | 'segnala' | null;
	/** ISO 8601 instant it was opened. */
	openedAt: string;
	/** Whole minutes since it was opened, at `generatedAt`. */
	ageMinutes: number;
	outOfHours: boolean;
}

/** What is waiting at `generatedAt`, oldest first. */
export interface WaitingFigures {
	/** Questions routed to the operators and not answered yet. */
	openQuestions: WaitingCase[];
	/** Reports not registered on the portal (routed to the mailbox or not routed). */
	reportsNotRegistered: WaitingCase[];
	/** Cases received and not routed anywhere. */
	notRouted: WaitingCase[];
	/**
	 * How many cases each list holds in all: the lists above stop at `computeFigures`' `waitingLimit`
	 * (oldest first), these counts do not.
	 */
	counts: { openQuestions: number; reportsNotRegistered: number; notRouted: number };
}

/** The figures of a period, as `computeFigures` returns them. */
export interface Figures {
	period: FiguresPeriod;
	/** ISO 8601 instant the figures were computed (the "now" of `waiting`). */
	generatedAt: string;
	/** Every list that had a subscription or an alert in the period or before it, by key. */
	lists: string[];
	rows: FiguresRow[];
	/** The whole period as one span (subscriber figures compare with the previous period of equal length). */
	totals: Omit<FiguresRow, 'key' | 'from' | 'to'>;
	waiting: WaitingFigures;
}
