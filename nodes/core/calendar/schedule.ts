/** What a given local day looks like (holiday, closure, opening ranges) and the open intervals it yields. */
import { addDays, formatIsoDate, weekdayOf } from './civilDate';
import { nationalHolidayName } from './holidays';
import type { ClosedReason, CivilDate } from './types';
import type { CompiledCalendar, CompiledRange } from './validation';
import { instantOfWallClock } from './zone';

export type DayStatus =
	| {
			kind: 'closedAllDay';
			reason: Exclude<ClosedReason, 'outsideHours'>;
			name: string;
	  }
	| {
			kind: 'regular';
			ranges: readonly CompiledRange[];
			/** A closure that starts during this day at `minute` (the earliest, if several). */
			closesFrom: { minute: number; name: string } | null;
	  };

/**
 * The day's status. Precedence: national holiday, then patron day, then a whole-day closure;
 * a closure with `fromTime` only closes its first day from that time.
 */
export function dayStatus(calendar: CompiledCalendar, date: CivilDate): DayStatus {
	if (calendar.nationalHolidays) {
		const holiday = nationalHolidayName(date);
		if (holiday !== null) return { kind: 'closedAllDay', reason: 'holiday', name: holiday };
	}
	const patron = calendar.patronDay;
	if (patron !== null && patron.month === date.month && patron.day === date.day) {
		return { kind: 'closedAllDay', reason: 'patronDay', name: patron.name };
	}
	const key = formatIsoDate(date);
	let closesFrom: { minute: number; name: string } | null = null;
	for (const closure of calendar.closures) {
		if (key < closure.fromKey || key > closure.toKey) continue;
		if (closure.fromMinute !== null && key === closure.fromKey) {
			if (closesFrom === null || closure.fromMinute < closesFrom.minute) {
				closesFrom = { minute: closure.fromMinute, name: closure.name };
			}
			continue;
		}
		return { kind: 'closedAllDay', reason: 'closure', name: closure.name };
	}
	return { kind: 'regular', ranges: calendar.week[weekdayOf(date)], closesFrom };
}

/** Half-open interval of epoch milliseconds [start, end). */
export interface OpenInterval {
	start: number;
	end: number;
}

/**
 * The instant a regular day's closure starts, or null. A repeated wall-clock time
 * (autumn change) closes at its first occurrence.
 */
export function closureStartInstant(
	calendar: CompiledCalendar,
	date: CivilDate,
	status: DayStatus,
): number | null {
	if (status.kind !== 'regular' || status.closesFrom === null) return null;
	return instantOfWallClock(calendar.zone, date, status.closesFrom.minute, 'earliest');
}

/**
 * The open intervals of one local day, in order. A range runs from the first instant the wall
 * clock shows its start to the last instant it shows a time before its end, so on the autumn
 * change a range over the repeated hour is open through both passes, and on the spring change
 * the skipped hour simply does not exist (a range 02:30–04:00 opens at 03:00).
 */
export function openIntervalsOfDay(calendar: CompiledCalendar, date: CivilDate): OpenInterval[] {
	const status = dayStatus(calendar, date);
	if (status.kind === 'closedAllDay') return [];
	const closesAt = closureStartInstant(calendar, date, status);
	const intervals: OpenInterval[] = [];
	for (const range of status.ranges) {
		const start = instantOfWallClock(calendar.zone, date, range.startMinute, 'earliest');
		let end = instantOfWallClock(calendar.zone, date, range.endMinute, 'latest');
		if (closesAt !== null) end = Math.min(end, closesAt);
		if (end > start) intervals.push({ start, end });
	}
	return intervals.sort((a, b) => a.start - b.start);
}

/** A maximal open period; `mayContinue` when it reaches the end of the searched days. */
export interface OpenPeriod extends OpenInterval {
	mayContinue: boolean;
}

/**
 * Open periods over `dayCount` local days from `firstDate`, in order, walking day by day.
 * Touching or overlapping intervals (e.g. 9:00–13:00 and 13:00–17:00, or 24:00 then 0:00)
 * are merged into one period.
 */
export function* openPeriods(
	calendar: CompiledCalendar,
	firstDate: CivilDate,
	dayCount: number,
): Generator<OpenPeriod> {
	let pending: OpenInterval | null = null;
	for (let offset = 0; offset < dayCount; offset++) {
		for (const interval of openIntervalsOfDay(calendar, addDays(firstDate, offset))) {
			if (pending !== null && interval.start <= pending.end) {
				pending.end = Math.max(pending.end, interval.end);
				continue;
			}
			if (pending !== null) yield { ...pending, mayContinue: false };
			pending = { ...interval };
		}
	}
	if (pending !== null) {
		const windowEnd = instantOfWallClock(
			calendar.zone,
			addDays(firstDate, dayCount),
			0,
			'earliest',
		);
		yield { ...pending, mayContinue: pending.end >= windowEnd };
	}
}
