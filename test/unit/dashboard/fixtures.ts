/**
 * Hand-made Figures for the dashboard's tests: a year by month with nothing in it, and builders for a
 * year with lists, alerts, messages and waiting cases whose numbers each test states.
 */
import type {
	BroadcastFigures,
	Figures,
	FiguresRow,
	ListFigures,
	MessageFigures,
	ServiceLevelFigures,
	WaitingCase,
	WaitingFigures,
} from '../../../nodes/core/figures/types';

export const ZONE = 'Europe/Rome';

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function messages(part: Partial<MessageFigures> = {}): MessageFigures {
	return { questions: 0, reports: 0, reportsByService: {}, commands: 0, outOfHours: 0, ...part };
}

export function service(part: Partial<ServiceLevelFigures> = {}): ServiceLevelFigures {
	return {
		answered: 0,
		answerMinutesMedian: null,
		answerMinutesP90: null,
		answeredByNextOpeningDayShare: null,
		answeredAsTemplate: 0,
		unanswered: 0,
		reportsRegistered: 0,
		reportsToMailbox: 0,
		...part,
	};
}

export function listFigures(list: string, part: Partial<ListFigures> = {}): ListFigures {
	const activeAtStart = part.activeAtStart ?? 0;
	const activeAtEnd = part.activeAtEnd ?? activeAtStart;
	return {
		list,
		activeAtStart,
		activeAtEnd,
		joined: 0,
		leftByCommand: 0,
		leftByErase: 0,
		pendingExpired: 0,
		change: activeAtEnd - activeAtStart,
		changePercent: null,
		...part,
	};
}

export function broadcastFigures(
	list: string,
	part: Partial<BroadcastFigures> = {},
): BroadcastFigures {
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
		...part,
	};
}

export type RowPart = Partial<Omit<FiguresRow, 'key' | 'from' | 'to'>>;

/** A year by month; `months[i]` fills month i+1, `totals` the whole year. */
export function yearFigures(
	year: number,
	lists: string[],
	months: RowPart[] = [],
	totals: RowPart = {},
	waiting: Partial<Figures['waiting']> = {},
): Figures {
	const rows: FiguresRow[] = MONTH_DAYS.map((days, at) => {
		const month = String(at + 1).padStart(2, '0');
		return {
			key: `${year}-${month}`,
			from: `${year}-${month}-01`,
			to: `${year}-${month}-${days}`,
			subscribers: lists.map((list) => listFigures(list)),
			broadcasts: [],
			messages: messages(),
			service: service(),
			...months[at],
		};
	});
	return {
		period: { from: `${year}-01-01`, to: `${year}-12-31`, timeZone: ZONE, granularity: 'month' },
		generatedAt: `${year}-12-07T08:05:00.000Z`,
		lists,
		rows,
		totals: {
			subscribers: lists.map((list) => listFigures(list)),
			broadcasts: [],
			messages: messages(),
			service: service(),
			...totals,
		},
		waiting: withCounts({ openQuestions: [], reportsNotRegistered: [], notRouted: [], ...waiting }),
	};
}

/** The waiting lists with their whole counts: those given, else the lists' lengths. */
function withCounts(
	waiting: Omit<WaitingFigures, 'counts'> & { counts?: WaitingFigures['counts'] },
): WaitingFigures {
	return {
		...waiting,
		counts: waiting.counts ?? {
			openQuestions: waiting.openQuestions.length,
			reportsNotRegistered: waiting.reportsNotRegistered.length,
			notRouted: waiting.notRouted.length,
		},
	};
}

export function waitingCase(caseId: number, part: Partial<WaitingCase> = {}): WaitingCase {
	return {
		caseId,
		kind: 'question',
		state: 'routed',
		routedTo: 'operators',
		openedAt: '2026-12-03T09:30:00.000Z',
		ageMinutes: 5795,
		outOfHours: false,
		...part,
	};
}

/** Nothing happened: no list, no message, no alert. */
export const EMPTY_YEAR = yearFigures(2026, []);

/** One list growing from 100 to 210 over the year, one alert in March, questions in spring. */
export const ONE_LIST = yearFigures(
	2026,
	['EMERGENZE'],
	Array.from({ length: 12 }, (_, at) => ({
		subscribers: [
			listFigures('EMERGENZE', {
				activeAtStart: 100 + at * 10,
				activeAtEnd: 110 + at * 10,
				joined: 12,
				leftByCommand: 2,
			}),
		],
		broadcasts:
			at === 2
				? [
						broadcastFigures('EMERGENZE', {
							count: 1,
							recipients: 120,
							accepted: 118,
							delivered: 115,
							read: 90,
							failed: 3,
							failedByCode: { '131026': 2, unknown: 1 },
							durationSeconds: 95,
							longestSeconds: 95,
						}),
					]
				: [],
		messages: messages({
			questions: at + 1,
			reports: 2 * at,
			commands: 3,
			outOfHours: 1,
			reportsByService: at === 0 ? {} : { buche: 2 * at },
		}),
		service: service(
			at < 3
				? {}
				: {
						answered: at + 1,
						answerMinutesMedian: 30 + at,
						answerMinutesP90: 240.5 + at,
						answeredByNextOpeningDayShare: 0.875,
					},
		),
	})),
	{
		subscribers: [
			listFigures('EMERGENZE', {
				activeAtStart: 100,
				activeAtEnd: 220,
				joined: 144,
				leftByCommand: 24,
				changePercent: 20,
			}),
		],
		broadcasts: [
			broadcastFigures('EMERGENZE', {
				count: 1,
				recipients: 120,
				accepted: 118,
				delivered: 115,
				read: 90,
				failed: 3,
				failedByCode: { '131026': 2, unknown: 1 },
				durationSeconds: 95,
				longestSeconds: 95,
			}),
		],
		messages: messages({
			questions: 78,
			reports: 132,
			commands: 36,
			outOfHours: 12,
			reportsByService: { buche: 132 },
		}),
		service: service({
			answered: 75,
			answerMinutesMedian: 36,
			answerMinutesP90: 2345,
			answeredByNextOpeningDayShare: 0.9,
			answeredAsTemplate: 2,
			unanswered: 3,
			reportsRegistered: 120,
			reportsToMailbox: 12,
		}),
	},
	{
		openQuestions: [
			waitingCase(41),
			waitingCase(57, { ageMinutes: 30, openedAt: '2026-12-07T07:35:00.000Z', outOfHours: true }),
		],
		reportsNotRegistered: [waitingCase(12, { kind: 'report', routedTo: 'urp_mailbox' })],
		notRouted: [],
	},
);

/** Two lists, the second starting in July, with a thousand-and-more subscribers. */
export const SEVERAL_LISTS = yearFigures(
	2026,
	['EMERGENZE', 'PUBBLICAUTILITA'],
	Array.from({ length: 12 }, (_, at) => ({
		subscribers: [
			listFigures('EMERGENZE', { activeAtStart: 3900 + at * 20, activeAtEnd: 3920 + at * 20 }),
			listFigures(
				'PUBBLICAUTILITA',
				at < 6 ? {} : { activeAtStart: (at - 6) * 50, activeAtEnd: (at - 5) * 50 },
			),
		],
		broadcasts: [
			broadcastFigures('EMERGENZE', {
				count: 4,
				recipients: 16000,
				accepted: 15900,
				delivered: 15800,
				read: 12000,
				failed: 100,
			}),
			broadcastFigures(
				'PUBBLICAUTILITA',
				at < 6
					? {}
					: { count: 1, recipients: 50, accepted: 50, delivered: 49, read: 40, failed: 0 },
			),
		],
	})),
	{
		subscribers: [
			listFigures('EMERGENZE', {
				activeAtStart: 3900,
				activeAtEnd: 4140,
				joined: 400,
				leftByCommand: 150,
				leftByErase: 10,
				changePercent: 6.2,
			}),
			listFigures('PUBBLICAUTILITA', { activeAtStart: 0, activeAtEnd: 300, joined: 300 }),
		],
		broadcasts: [
			broadcastFigures('EMERGENZE', {
				count: 48,
				recipients: 192000,
				accepted: 190800,
				delivered: 189600,
				read: 144000,
				failed: 1200,
			}),
			broadcastFigures('PUBBLICAUTILITA', {
				count: 6,
				recipients: 300,
				accepted: 300,
				delivered: 294,
				read: 240,
			}),
		],
	},
);

/** Strings a hostile or broken store could hand over, in every text field the page shows. */
export const HOSTILE = '<script>alert("x")</script>';
export const HOSTILE_ATTRIBUTE = '"><img src=x onerror=alert(1)>';

export const HOSTILE_FIGURES: Figures = (() => {
	const lists = [HOSTILE, HOSTILE_ATTRIBUTE];
	const figures = yearFigures(
		2026,
		lists,
		[
			{
				subscribers: lists.map((list) => listFigures(list, { activeAtStart: 1, activeAtEnd: 2 })),
				broadcasts: lists.map((list) =>
					broadcastFigures(list, {
						count: 1,
						recipients: 2,
						failed: 1,
						failedByCode: { [HOSTILE]: 1 },
					}),
				),
				messages: messages({
					reports: 1,
					reportsByService: { [HOSTILE_ATTRIBUTE]: 1, '=cmd|"/c calc"!A1': 1 },
				}),
			},
		],
		{
			subscribers: lists.map((list) => listFigures(list, { activeAtStart: 1, activeAtEnd: 2 })),
			broadcasts: lists.map((list) =>
				broadcastFigures(list, {
					count: 1,
					recipients: 2,
					failed: 1,
					failedByCode: { [HOSTILE]: 1 },
				}),
			),
			messages: messages({
				reports: 1,
				reportsByService: { [HOSTILE_ATTRIBUTE]: 1, '=cmd|"/c calc"!A1': 1, 'a;b\r\n"c"': 1 },
			}),
		},
	);
	return { ...figures, period: { ...figures.period, from: `2026-01-01${HOSTILE}` } };
})();

/**
 * The items the Figures node's Get Figures gives for `figures` (without Flat Columns): one per row,
 * then the totals item with the period, the lists and what is waiting (its documented shape).
 */
export function getFiguresItems(figures: Figures): Array<Record<string, unknown>> {
	return [
		...figures.rows.map(({ key, ...rest }) => ({ row: key, ...rest })),
		{
			row: 'totals',
			from: figures.period.from,
			to: figures.period.to,
			timeZone: figures.period.timeZone,
			granularity: figures.period.granularity,
			generatedAt: figures.generatedAt,
			lists: figures.lists,
			...figures.totals,
			waiting: figures.waiting,
		},
	];
}
