/** Is the office open at a given instant, and when does it open next? */
import { DateTime } from 'luxon';
import { weekdayOf } from './civilDate';
import { parseInstant } from './instant';
import { formatItalianOpening, formatItalianSchedule } from './italian';
import { closureStartInstant, dayStatus, openPeriods } from './schedule';
import type { CalendarConfig, CivilDate, OfficeHoursResult, TimeRange } from './types';
import { compileCalendar, type CompiledCalendar } from './validation';
import { civilDateAt } from './zone';

/** How many local days (from the instant's day) the search for openings and closings covers. */
export const SEARCH_DAYS = 400;

const MORNING: TimeRange[] = [{ start: '9:00', end: '13:00' }];
const LONG_DAY: TimeRange[] = [{ start: '9:00', end: '17:00' }];

function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null) {
		for (const child of Object.values(value)) deepFreeze(child);
		Object.freeze(value);
	}
	return value;
}

/**
 * The URP of the Comune di Rimini: Mon/Wed/Fri/Sat 9:00–13:00, Tue/Thu 9:00–17:00, Sunday closed,
 * national holidays and San Gaudenzio (14 October) closed, no extra closures. Frozen: copy it to change it.
 */
export const RIMINI_CALENDAR: CalendarConfig = deepFreeze({
	timezone: 'Europe/Rome',
	schedule: {
		1: MORNING,
		2: LONG_DAY,
		3: MORNING,
		4: LONG_DAY,
		5: MORNING,
		6: MORNING,
		7: [],
	},
	nationalHolidays: true,
	patronDay: { month: 10, day: 14, name: 'San Gaudenzio' },
	closures: [],
});

/** Anything parseInstant accepts; missing values mean now. */
export type InstantInput = Date | DateTime | string | number | null | undefined;

function toIso(calendar: CompiledCalendar, instant: number): string {
	const iso = DateTime.fromMillis(instant, { zone: calendar.zone }).toISO();
	if (iso === null) throw new RangeError(`Cannot format instant ${instant} as ISO 8601`);
	return iso;
}

function describeOpening(calendar: CompiledCalendar, today: CivilDate, opening: number): string {
	const local = DateTime.fromMillis(opening, { zone: calendar.zone });
	const date = { year: local.year, month: local.month, day: local.day };
	return formatItalianOpening(
		today,
		{ ...date, weekday: weekdayOf(date) },
		local.hour * 60 + local.minute,
	);
}

/**
 * Evaluates the calendar at `instant` (see parseInstant for accepted forms; ISO text without an
 * offset is read in the calendar's timezone). Throws CalendarConfigError or CalendarInputError.
 */
export function evaluateOfficeHours(
	config: CalendarConfig,
	instant: InstantInput,
): OfficeHoursResult {
	const calendar = compileCalendar(config);
	const at = parseInstant(instant, undefined, calendar.timezone).toMillis();
	const today = civilDateAt(calendar.zone, at);

	let current: { end: number; mayContinue: boolean } | null = null;
	let nextOpening: number | null = null;
	for (const period of openPeriods(calendar, today, SEARCH_DAYS)) {
		if (period.end <= at) continue;
		if (period.start <= at && current === null) {
			current = period;
			if (period.mayContinue) break;
			continue;
		}
		nextOpening = period.start;
		break;
	}

	const scheduleText = formatItalianSchedule(calendar.week);
	const opening = {
		nextOpening: nextOpening === null ? null : toIso(calendar, nextOpening),
		nextOpeningText: nextOpening === null ? null : describeOpening(calendar, today, nextOpening),
	};
	if (current !== null) {
		return {
			open: true,
			reason: 'open',
			holidayName: null,
			closesAt: current.mayContinue ? null : toIso(calendar, current.end),
			...opening,
			scheduleText,
		};
	}

	const status = dayStatus(calendar, today);
	let reason: OfficeHoursResult['reason'] = 'outsideHours';
	let holidayName: string | null = null;
	if (status.kind === 'closedAllDay') {
		reason = status.reason;
		holidayName = status.name;
	} else {
		const closureStart = closureStartInstant(calendar, today, status);
		if (closureStart !== null && at >= closureStart && status.closesFrom !== null) {
			reason = 'closure';
			holidayName = status.closesFrom.name;
		}
	}
	return { open: false, reason, holidayName, closesAt: null, ...opening, scheduleText };
}

/** The Italian weekly schedule text of a configuration (validated first). */
export function describeSchedule(config: CalendarConfig): string {
	return formatItalianSchedule(compileCalendar(config).week);
}
