/**
 * The URP's figures for a period: the store's aggregates (store/figures.ts, one snapshot) cut into the
 * period's rows in the office's time zone, with the subscribers rolled back from today's count, the
 * answer times measured against the office's opening days (core/calendar), and what is waiting now.
 * Aggregates only: no phone number, name, store key or message text leaves this function.
 */
import { compileCalendar, type CompiledCalendar } from '../calendar/validation';
import { openIntervalsOfDay } from '../calendar/schedule';
import { RIMINI_CALENDAR } from '../calendar/officeHours';
import { civilDateAt } from '../calendar/zone';
import { addDays } from '../calendar/civilDate';
import type { CalendarConfig } from '../calendar/types';
import { DEFAULT_PENDING_TTL_MS } from '../store/store';
import type { FiguresData, FiguresReader, WaitingRow } from '../store/figures';
import { cutPeriod, FiguresInputError } from './period';
import type {
	BroadcastFigures,
	Figures,
	FiguresPeriod,
	FiguresRow,
	ListFigures,
	MessageFigures,
	ServiceLevelFigures,
	WaitingCase,
} from './types';

/** What the figures read: a store (or anything with its figures reader). */
export interface FiguresSource {
	readonly figures: Pick<FiguresReader, 'read'>;
}

export interface FiguresOptions {
	period: Partial<FiguresPeriod>;
	/** The instant of "waiting now" and of the expiries that have happened (default: now). */
	now?: Date;
	/** The office's opening days for "answered by the next opening day" (default: the URP of Rimini). */
	officeHours?: CalendarConfig;
	/** How long a request waits for the policy (default 7 days, as the store's consent). */
	pendingTtlMs?: number;
	/** At most this many cases per waiting list, oldest first (default 200); the counts are whole. */
	waitingLimit?: number;
}

export const DEFAULT_WAITING_LIMIT = 200;

const MINUTE = 60_000;

function round1(value: number): number {
	return Math.round(value * 10) / 10;
}

/** Linear interpolation between the closest ranks (`p` in 0..1) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
	if (sorted.length === 0) return null;
	const position = (sorted.length - 1) * p;
	const lower = Math.floor(position);
	const upper = Math.ceil(position);
	return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/**
 * The end of each opening day (epoch ms, increasing) from the day before `fromMs` to `days` after: an
 * arrival's deadline is the first end after it (the same day when it arrived before that day's close).
 */
function openingDayEnds(calendar: CompiledCalendar, fromMs: number, toMs: number): number[] {
	const ends: number[] = [];
	let date = addDays(civilDateAt(calendar.zone, fromMs), -1);
	const last = addDays(civilDateAt(calendar.zone, toMs), 60);
	const lastKey = last.year * 10_000 + last.month * 100 + last.day;
	while (date.year * 10_000 + date.month * 100 + date.day <= lastKey) {
		const intervals = openIntervalsOfDay(calendar, date);
		if (intervals.length > 0) ends.push(intervals[intervals.length - 1].end);
		date = addDays(date, 1);
	}
	return ends;
}

/** The first value of `sorted` greater than `value`, or null. */
function firstAfter(sorted: readonly number[], value: number): number | null {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (sorted[mid] > value) hi = mid;
		else lo = mid + 1;
	}
	return lo < sorted.length ? sorted[lo] : null;
}

function emptyMessages(): MessageFigures {
	return { questions: 0, reports: 0, reportsByService: {}, commands: 0, outOfHours: 0 };
}

interface ServiceTally {
	minutes: number[];
	inTime: number;
	answeredAsTemplate: number;
	unanswered: number;
	reportsRegistered: number;
	reportsToMailbox: number;
}

function emptyService(): ServiceTally {
	return {
		minutes: [],
		inTime: 0,
		answeredAsTemplate: 0,
		unanswered: 0,
		reportsRegistered: 0,
		reportsToMailbox: 0,
	};
}

function serviceOf(t: ServiceTally): ServiceLevelFigures {
	const sorted = [...t.minutes].sort((a, b) => a - b);
	const median = percentile(sorted, 0.5);
	const p90 = percentile(sorted, 0.9);
	return {
		answered: sorted.length,
		answerMinutesMedian: median === null ? null : round1(median),
		answerMinutesP90: p90 === null ? null : round1(p90),
		answeredByNextOpeningDayShare:
			sorted.length === 0 ? null : Math.round((t.inTime / sorted.length) * 1000) / 1000,
		answeredAsTemplate: t.answeredAsTemplate,
		unanswered: t.unanswered,
		reportsRegistered: t.reportsRegistered,
		reportsToMailbox: t.reportsToMailbox,
	};
}

function emptyBroadcast(list: string): BroadcastFigures {
	return {
		list,
		count: 0,
		recipients: 0,
		accepted: 0,
		delivered: 0,
		read: 0,
		failed: 0,
		failedByCode: {},
		unsubscribedMidway: 0,
		durationSeconds: 0,
		longestSeconds: 0,
	};
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
	for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
}

function waitingCase(row: WaitingRow, nowMs: number): WaitingCase {
	return {
		caseId: row.id,
		kind: row.kind,
		state: row.state,
		routedTo: row.routedTo,
		openedAt: row.openedAt,
		ageMinutes: Math.max(0, Math.floor((nowMs - Date.parse(row.openedAt)) / MINUTE)),
		outOfHours: row.outOfHours,
	};
}

/** Subscriber figures of spans [first, last] (inclusive span indexes) per list. */
function subscriberFigures(
	data: FiguresData,
	lists: string[],
	spanCount: number,
): { perSpan: ListFigures[][]; totals: ListFigures[] } {
	// net[list][span + 1] for spans -1 … spanCount (after the period)
	const net = new Map<string, number[]>();
	const moves = new Map<
		string,
		{ joined: number[]; cmd: number[]; erase: number[]; exp: number[] }
	>();
	for (const list of lists) {
		net.set(list, new Array<number>(spanCount + 2).fill(0));
		moves.set(list, {
			joined: new Array<number>(spanCount).fill(0),
			cmd: new Array<number>(spanCount).fill(0),
			erase: new Array<number>(spanCount).fill(0),
			exp: new Array<number>(spanCount).fill(0),
		});
	}
	for (const m of data.moves) {
		net.get(m.list)![m.span + 1] += m.joined - m.leftByCommand - m.leftByErase - m.merged;
		if (m.span >= 0 && m.span < spanCount) {
			const l = moves.get(m.list)!;
			l.joined[m.span] += m.joined;
			l.cmd[m.span] += m.leftByCommand;
			l.erase[m.span] += m.leftByErase;
		}
	}
	for (const e of data.pendingExpired) {
		if (e.span >= 0 && e.span < spanCount) moves.get(e.list)!.exp[e.span] += e.count;
	}
	const activeNow = new Map(data.activeNow.map((a) => [a.list, a.count]));
	const perSpan: ListFigures[][] = Array.from({ length: spanCount }, () => []);
	const totals: ListFigures[] = [];
	for (const list of lists) {
		const deltas = net.get(list)!;
		// activeAt[i]: active at boundary i = today's count − every change from span i on.
		const activeAt = new Array<number>(spanCount + 1).fill(0);
		let after = 0;
		for (let i = spanCount; i >= 0; i--) {
			after += deltas[i + 1];
			activeAt[i] = (activeNow.get(list) ?? 0) - after;
		}
		const l = moves.get(list)!;
		const figures = (start: number, end: number, from: number, to: number): ListFigures => {
			const sum = (values: number[]) => values.slice(from, to).reduce((a, b) => a + b, 0);
			const change = end - start;
			return {
				list,
				activeAtStart: start,
				activeAtEnd: end,
				joined: sum(l.joined),
				leftByCommand: sum(l.cmd),
				leftByErase: sum(l.erase),
				pendingExpired: sum(l.exp),
				change,
				changePercent: start === 0 ? null : round1((change / start) * 100),
			};
		};
		for (let i = 0; i < spanCount; i++)
			perSpan[i].push(figures(activeAt[i], activeAt[i + 1], i, i + 1));
		totals.push(figures(activeAt[0], activeAt[spanCount], 0, spanCount));
	}
	return { perSpan, totals };
}

/** The office's compiled calendar; a configuration the calendar refuses is an input error. */
function officeCalendar(config: CalendarConfig | undefined): CompiledCalendar {
	let failure: unknown;
	try {
		return compileCalendar(config ?? RIMINI_CALENDAR);
	} catch (error) {
		failure = error;
	}
	throw new FiguresInputError(
		'officeHours',
		failure instanceof Error ? failure.message : String(failure),
	);
}

/** Computes the figures of `options.period` from the store. */
export async function computeFigures(
	source: FiguresSource,
	options: FiguresOptions,
): Promise<Figures> {
	if (options === null || typeof options !== 'object') {
		throw new FiguresInputError('options', 'must be an object { period, now }');
	}
	const cut = cutPeriod(options.period);
	const now = options.now ?? new Date();
	if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
		throw new FiguresInputError('now', 'must be a valid Date');
	}
	const calendar = officeCalendar(options.officeHours);
	const waitingLimit = options.waitingLimit ?? DEFAULT_WAITING_LIMIT;
	const data = await source.figures.read({
		boundaries: cut.boundaries,
		pendingTtlMs: options.pendingTtlMs ?? DEFAULT_PENDING_TTL_MS,
		now: now.toISOString(),
		waitingLimit,
	});
	const spans = cut.rows.length;
	const inPeriod = (span: number) => span >= 0 && span < spans;
	const lists = data.lists;

	const subscribers = subscriberFigures(data, lists, spans);

	// Alerts per span and list
	const broadcasts: Array<Map<string, BroadcastFigures>> = Array.from(
		{ length: spans },
		() => new Map(lists.map((list) => [list, emptyBroadcast(list)])),
	);
	for (const b of data.broadcasts) {
		if (!inPeriod(b.span)) continue;
		const row = broadcasts[b.span];
		const f = row.get(b.list) ?? emptyBroadcast(b.list);
		row.set(b.list, f);
		f.count += 1;
		f.recipients += b.recipients;
		f.accepted += b.accepted;
		f.delivered += b.delivered;
		f.read += b.read;
		f.failed += b.failed;
		addCounts(f.failedByCode, b.failedByCode);
		f.unsubscribedMidway += b.unsubscribed;
		if (b.durationSeconds !== null) {
			f.durationSeconds += b.durationSeconds;
			f.longestSeconds = Math.max(f.longestSeconds, b.durationSeconds);
		}
	}

	// Citizens' messages and the service level per span
	const messages = Array.from({ length: spans }, emptyMessages);
	const service = Array.from({ length: spans }, emptyService);
	for (const c of data.commands) if (inPeriod(c.span)) messages[c.span].commands += c.count;
	for (const c of data.cases) {
		if (!inPeriod(c.span)) continue;
		const m = messages[c.span];
		const s = service[c.span];
		if (c.outOfHours) m.outOfHours += c.count;
		if (c.kind === 'question') {
			m.questions += c.count;
			if (c.answeredAsTemplate) s.answeredAsTemplate += c.count;
			if (c.unanswered) s.unanswered += c.count;
		} else {
			m.reports += c.count;
			const code = c.service ?? 'unknown';
			m.reportsByService[code] = (m.reportsByService[code] ?? 0) + c.count;
			if (c.routedTo === 'segnala') s.reportsRegistered += c.count;
			if (c.routedTo === 'urp_mailbox') s.reportsToMailbox += c.count;
		}
	}
	const firstMs = Date.parse(cut.boundaries[0]);
	const lastMs = Date.parse(cut.boundaries[spans]);
	const ends = data.answered.length > 0 ? openingDayEnds(calendar, firstMs, lastMs) : [];
	for (const a of data.answered) {
		if (!inPeriod(a.span)) continue;
		const s = service[a.span];
		s.minutes.push(Math.max(0, (a.answeredMs - a.openedMs) / MINUTE));
		const deadline = firstAfter(ends, a.openedMs);
		if (deadline !== null && a.answeredMs <= deadline) s.inTime += 1;
	}

	const rows: FiguresRow[] = cut.rows.map((row, i) => ({
		key: row.key,
		from: row.from,
		to: row.to,
		subscribers: subscribers.perSpan[i],
		broadcasts: [...broadcasts[i].values()].sort((a, b) => a.list.localeCompare(b.list)),
		messages: messages[i],
		service: serviceOf(service[i]),
	}));

	// Totals: the whole period as one span
	const totalBroadcasts = new Map<string, BroadcastFigures>();
	for (const row of rows) {
		for (const b of row.broadcasts) {
			const t = totalBroadcasts.get(b.list) ?? emptyBroadcast(b.list);
			totalBroadcasts.set(b.list, t);
			t.count += b.count;
			t.recipients += b.recipients;
			t.accepted += b.accepted;
			t.delivered += b.delivered;
			t.read += b.read;
			t.failed += b.failed;
			addCounts(t.failedByCode, b.failedByCode);
			t.unsubscribedMidway += b.unsubscribedMidway;
			t.durationSeconds += b.durationSeconds;
			t.longestSeconds = Math.max(t.longestSeconds, b.longestSeconds);
		}
	}
	const totalMessages = emptyMessages();
	for (const m of messages) {
		totalMessages.questions += m.questions;
		totalMessages.reports += m.reports;
		totalMessages.commands += m.commands;
		totalMessages.outOfHours += m.outOfHours;
		addCounts(totalMessages.reportsByService, m.reportsByService);
	}
	const totalService = emptyService();
	for (const s of service) {
		totalService.minutes.push(...s.minutes);
		totalService.inTime += s.inTime;
		totalService.answeredAsTemplate += s.answeredAsTemplate;
		totalService.unanswered += s.unanswered;
		totalService.reportsRegistered += s.reportsRegistered;
		totalService.reportsToMailbox += s.reportsToMailbox;
	}

	const nowMs = now.getTime();
	return {
		period: cut.period,
		generatedAt: now.toISOString(),
		lists,
		rows,
		totals: {
			subscribers: subscribers.totals,
			broadcasts: [...totalBroadcasts.values()].sort((a, b) => a.list.localeCompare(b.list)),
			messages: totalMessages,
			service: serviceOf(totalService),
		},
		waiting: {
			openQuestions: data.waiting.openQuestions.map((row) => waitingCase(row, nowMs)),
			reportsNotRegistered: data.waiting.reportsNotRegistered.map((row) => waitingCase(row, nowMs)),
			notRouted: data.waiting.notRouted.map((row) => waitingCase(row, nowMs)),
			counts: data.waiting.counts,
		},
	};
}
