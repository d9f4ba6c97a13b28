/** Shared helpers for the calendar tests. Deliberately independent of the implementation under test. */
import type { CalendarConfig, TimeRange } from '../../../nodes/core/calendar';
import { RIMINI_CALENDAR } from '../../../nodes/core/calendar';

export const ENGLISH_WEEKDAYS = [
	'Sunday',
	'Monday',
	'Tuesday',
	'Wednesday',
	'Thursday',
	'Friday',
	'Saturday',
] as const;

/**
 * English weekday of the calendar date at the start of `isoDateTime` ('YYYY-MM-DD…'), computed
 * with the plain JS Date in UTC — used to check that the weekdays written in the tables are right.
 */
export function weekdayOfDate(isoDateTime: string): string {
	const [year, month, day] = isoDateTime.slice(0, 10).split('-').map(Number);
	return ENGLISH_WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()];
}

/** Rimini's calendar with some settings replaced (RIMINI_CALENDAR itself is frozen). */
export function riminiWith(overrides: Partial<CalendarConfig>): CalendarConfig {
	return { ...RIMINI_CALENDAR, ...overrides };
}

/** A calendar with only the given ranges and no holidays, patron day or closures. */
export function plainCalendar(
	schedule: CalendarConfig['schedule'],
	timezone = 'Europe/Rome',
): CalendarConfig {
	return { timezone, schedule, nationalHolidays: false, patronDay: null, closures: [] };
}

export function range(start: string, end: string): TimeRange {
	return { start, end };
}

export function everyDay(ranges: TimeRange[]): CalendarConfig['schedule'] {
	return { 1: ranges, 2: ranges, 3: ranges, 4: ranges, 5: ranges, 6: ranges, 7: ranges };
}
