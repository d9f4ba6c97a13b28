/**
 * What the dashboard reads from an item, checked: the figures (as the Figures node gives them, possibly
 * after a trip through JSON) and the year asked for in the page's address. A malformed value is a
 * DashboardInputError naming the field, never a half-drawn page.
 */
import type { Figures } from '../figures/types';

export class DashboardInputError extends Error {
	/** The field at fault: `figures.rows[2].messages`, `anno`, … */
	readonly field: string;

	constructor(message: string, field: string) {
		super(message);
		this.name = 'DashboardInputError';
		this.field = field;
	}
}

type Check = (value: unknown, path: string) => void;

const fail = (path: string, what: string): never => {
	throw new DashboardInputError(`The figures are malformed: ${path} is not ${what}`, path);
};

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const count: Check = (value, path) => {
	if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'a number');
};
const countOrNull: Check = (value, path) => {
	if (value !== null) count(value, path);
};
const text: Check = (value, path) => {
	if (typeof value !== 'string') fail(path, 'a text');
};
const flag: Check = (value, path) => {
	if (typeof value !== 'boolean') fail(path, 'true or false');
};
const counts: Check = (value, path) => {
	if (!isObject(value)) fail(path, 'an object of counts');
	for (const [key, n] of Object.entries(value as Record<string, unknown>))
		count(n, `${path}.${key}`);
};

function shape(fields: Record<string, Check>): Check {
	return (value, path) => {
		if (!isObject(value)) fail(path, 'an object');
		for (const [name, check] of Object.entries(fields))
			check((value as Record<string, unknown>)[name], `${path}.${name}`);
	};
}

function listOf(check: Check): Check {
	return (value, path) => {
		if (!Array.isArray(value)) fail(path, 'a list');
		(value as unknown[]).forEach((one, at) => check(one, `${path}[${at}]`));
	};
}

const listFigures = shape({
	list: text,
	activeAtStart: count,
	activeAtEnd: count,
	joined: count,
	leftByCommand: count,
	leftByErase: count,
	pendingExpired: count,
	change: count,
	changePercent: countOrNull,
});

const broadcastFigures = shape({
	list: text,
	count,
	recipients: count,
	accepted: count,
	delivered: count,
	read: count,
	failed: count,
	failedByCode: counts,
	unsubscribedMidway: count,
	durationSeconds: count,
	longestSeconds: count,
});

const span = {
	subscribers: listOf(listFigures),
	broadcasts: listOf(broadcastFigures),
	messages: shape({
		questions: count,
		reports: count,
		reportsByService: counts,
		commands: count,
		outOfHours: count,
	}),
	service: shape({
		answered: count,
		answerMinutesMedian: countOrNull,
		answerMinutesP90: countOrNull,
		answeredByNextOpeningDayShare: countOrNull,
		answeredAsTemplate: count,
		unanswered: count,
		reportsRegistered: count,
		reportsToMailbox: count,
	}),
};

const oneOf =
	(values: readonly unknown[]): Check =>
	(value, path) => {
		if (!values.includes(value)) fail(path, `one of ${values.map(String).join(', ')}`);
	};

const waitingCase = shape({
	caseId: count,
	kind: oneOf(['question', 'report']),
	state: oneOf(['received', 'routed']),
	routedTo: oneOf(['operators', 'urp_mailbox', 'segnala', null]),
	openedAt: text,
	ageMinutes: count,
	outOfHours: flag,
});

const figuresShape = shape({
	period: shape({ from: text, to: text, timeZone: text, granularity: oneOf(['month', 'week']) }),
	generatedAt: text,
	lists: listOf(text),
	rows: listOf(shape({ key: text, from: text, to: text, ...span })),
	totals: shape(span),
	waiting: shape({
		openQuestions: listOf(waitingCase),
		reportsNotRegistered: listOf(waitingCase),
		notRouted: listOf(waitingCase),
		// the whole counts when the lists stop at a limit; figures without them count the lists
		counts: (value, path) => {
			if (value !== undefined) counts(value, path);
		},
	}),
});

/** `value` as Figures, or a DashboardInputError naming the first field that is wrong. */
export function parseFigures(value: unknown, field = 'figures'): Figures {
	figuresShape(value, field);
	const figures = value as Figures;
	try {
		new Intl.DateTimeFormat('en', { timeZone: figures.period.timeZone });
	} catch {
		fail(`${field}.period.timeZone`, 'a time zone (e.g. Europe/Rome)');
	}
	return figures;
}

/** The year asked for (`?anno=2026`): empty → `fallback`; anything but a year 2000–2100 is refused. */
export function yearFromQuery(value: unknown, fallback: number): number {
	const raw = Array.isArray(value) ? value[0] : value;
	if (raw === undefined || raw === null || String(raw).trim() === '') return fallback;
	const text = String(raw).trim();
	if (!/^\d{4}$/u.test(text) || Number(text) < 2000 || Number(text) > 2100) {
		throw new DashboardInputError(`"${text.slice(0, 20)}" is not a year (anno=2026)`, 'anno');
	}
	return Number(text);
}

/** The years from `first` to `last`, both included, newest first (at most 100). */
export function yearsBetween(first: number, last: number): number[] {
	const from = Math.max(first, last - 99);
	return Array.from({ length: Math.max(0, last - from + 1) }, (_, at) => last - at);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The figures back from the items of the Figures node's Get Figures (without Flat Columns): one item
 * per row (`row: '2026-03'`, `from`, `to` and the row's figures), then the totals item (`row: 'totals'`,
 * the period's `from`, `to`, `timeZone`, `granularity`, `generatedAt`, `lists`, the totals' figures and
 * `waiting`). `at` is the totals item's index; its rows are the items before it, back to the previous
 * totals item. Checked like {@link parseFigures}.
 */
export function figuresFromItems(items: readonly unknown[], at: number): Figures {
	const totals = items[at];
	if (!isRecord(totals) || totals.row !== 'totals') {
		throw new DashboardInputError(
			`Item ${at} is not the totals item of Get Figures (row: "totals")`,
			'figures',
		);
	}
	if (!Array.isArray(totals.lists)) {
		throw new DashboardInputError(
			'The totals item has flat columns: turn off «Flat Columns» in Get Figures',
			'figures',
		);
	}
	let first = at;
	while (
		first > 0 &&
		isRecord(items[first - 1]) &&
		(items[first - 1] as Record<string, unknown>).row !== 'totals'
	) {
		first--;
	}
	const rows = items.slice(first, at).map((item) => {
		const { row, from, to, subscribers, broadcasts, messages, service } = item as Record<
			string,
			unknown
		>;
		return { key: row, from, to, subscribers, broadcasts, messages, service };
	});
	const {
		from,
		to,
		timeZone,
		granularity,
		generatedAt,
		lists,
		subscribers,
		broadcasts,
		messages,
		service,
		waiting,
	} = totals;
	return parseFigures({
		period: { from, to, timeZone, granularity },
		generatedAt,
		lists,
		rows,
		totals: { subscribers, broadcasts, messages, service },
		waiting,
	});
}
