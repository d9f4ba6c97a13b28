/**
 * Checks a CalendarConfig and turns it into the compiled form the evaluator uses.
 * Configurations come from user-edited node parameters, so every value is checked at run time.
 */
import { IANAZone } from 'luxon';
import { formatIsoDate, isExistingDate, parseCivilDate } from './civilDate';
import { CalendarConfigError, describeValue } from './errors';
import { formatTimeOfDay, parseTimeOfDay } from './time';
import type { CalendarConfig, CivilDate, PatronDay, Weekday } from './types';
import { WEEKDAY_FIELD_NAMES, WEEKDAYS } from './types';
import { isValidTimezone } from './zone';

export const DEFAULT_TIMEZONE = 'Europe/Rome';
export const DEFAULT_CLOSURE_NAME = 'Chiusura straordinaria';
export const DEFAULT_PATRON_DAY_NAME = 'Festa del santo patrono';

/** An opening range in minutes after midnight; `endMinute` is exclusive and may be 1440. */
export interface CompiledRange {
	startMinute: number;
	endMinute: number;
}

export interface CompiledClosure {
	/** 'YYYY-MM-DD' of the first and last day, comparable as strings. */
	fromKey: string;
	toKey: string;
	/** Minutes after midnight from which the first day is closed; null = the whole first day. */
	fromMinute: number | null;
	name: string;
}

export interface CompiledCalendar {
	timezone: string;
	zone: IANAZone;
	/** Ranges per weekday, sorted by start, non-overlapping. */
	week: Readonly<Record<Weekday, readonly CompiledRange[]>>;
	nationalHolidays: boolean;
	patronDay: { month: number; day: number; name: string } | null;
	closures: readonly CompiledClosure[];
}

const TIME_HINT = 'use HH:mm, e.g. 09:00';
const DATE_HINT = 'use YYYY-MM-DD or DD/MM/YYYY, e.g. 2026-12-24 or 24/12/2026';

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compileTimezone(value: unknown): { timezone: string; zone: IANAZone } {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		return { timezone: DEFAULT_TIMEZONE, zone: IANAZone.create(DEFAULT_TIMEZONE) };
	}
	if (typeof value !== 'string' || !isValidTimezone(value.trim())) {
		throw new CalendarConfigError(
			'timezone',
			`Timezone ${describeValue(value)} is not a valid IANA timezone; use a name such as Europe/Rome`,
		);
	}
	const timezone = value.trim();
	return { timezone, zone: IANAZone.create(timezone) };
}

function compileTime(value: unknown, field: string, role: 'start' | 'end' | 'closing'): number {
	const minute = parseTimeOfDay(value, role === 'end');
	if (minute !== null) return minute;
	if (role !== 'end' && parseTimeOfDay(value, true) !== null) {
		const hint =
			role === 'start'
				? '24:00 can only be the end of a range; use 00:00 to start at midnight'
				: 'use a time from 00:00 to 23:59, e.g. 13:00';
		throw new CalendarConfigError(
			field,
			`Time ${describeValue(value)} in ${field} is not a valid ${role} time; ${hint}`,
		);
	}
	const endHint = role === 'end' ? ' (24:00 is allowed as an end time)' : '';
	throw new CalendarConfigError(
		field,
		`Time ${describeValue(value)} in ${field} is not a valid time; ${TIME_HINT}${endHint}`,
	);
}

function compileDay(value: unknown, dayField: string): CompiledRange[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) {
		throw new CalendarConfigError(
			dayField,
			`${dayField} is ${describeValue(value)}; it must be a list of ranges such as [{ "start": "09:00", "end": "13:00" }] (an empty list means closed)`,
		);
	}
	const ranges = value.map((range: unknown, index) => {
		const field = `${dayField}[${index}]`;
		if (!isPlainObject(range)) {
			throw new CalendarConfigError(
				field,
				`${field} is ${describeValue(range)}; it must be a range such as { "start": "09:00", "end": "13:00" }`,
			);
		}
		const startMinute = compileTime(range.start, `${field}.start`, 'start');
		const endMinute = compileTime(range.end, `${field}.end`, 'end');
		if (endMinute <= startMinute) {
			throw new CalendarConfigError(
				`${field}.end`,
				`Range ${field} ends at ${describeValue(range.end)}, which is not after its start ${describeValue(range.start)}; the end must be later than the start on the same day (use 24:00 for midnight)`,
			);
		}
		return { index, startMinute, endMinute };
	});
	const sorted = [...ranges].sort((a, b) => a.startMinute - b.startMinute);
	for (let position = 1; position < sorted.length; position++) {
		const previous = sorted[position - 1];
		const current = sorted[position];
		if (current.startMinute < previous.endMinute) {
			const later = current.index > previous.index ? current : previous;
			const other = later === current ? previous : current;
			const text = (range: { startMinute: number; endMinute: number }) =>
				`${formatTimeOfDay(range.startMinute)}–${formatTimeOfDay(range.endMinute)}`;
			throw new CalendarConfigError(
				`${dayField}[${later.index}]`,
				`Range ${text(later)} in ${dayField}[${later.index}] overlaps range ${text(other)} in ${dayField}[${other.index}]; ranges on the same day must not overlap`,
			);
		}
	}
	return sorted.map(({ startMinute, endMinute }) => ({ startMinute, endMinute }));
}

function compileSchedule(value: unknown): Record<Weekday, CompiledRange[]> {
	if (!isPlainObject(value)) {
		throw new CalendarConfigError(
			'schedule',
			`schedule is ${describeValue(value)}; it must be an object mapping days 1 (Monday) … 7 (Sunday) to lists of ranges`,
		);
	}
	for (const key of Object.keys(value)) {
		if (!WEEKDAYS.some((weekday) => String(weekday) === key)) {
			throw new CalendarConfigError(
				'schedule',
				`Day ${describeValue(key)} in schedule is not a weekday; use 1 (Monday) … 7 (Sunday)`,
			);
		}
	}
	const week = {} as Record<Weekday, CompiledRange[]>;
	for (const weekday of WEEKDAYS) {
		week[weekday] = compileDay(value[weekday], `schedule.${WEEKDAY_FIELD_NAMES[weekday]}`);
	}
	return week;
}

function compilePatronDay(value: unknown): CompiledCalendar['patronDay'] {
	if (value === null || value === undefined) return null;
	if (!isPlainObject(value)) {
		throw new CalendarConfigError(
			'patronDay',
			`patronDay is ${describeValue(value)}; it must be null or { "month": 10, "day": 14, "name": "San Gaudenzio" }`,
		);
	}
	const { month, day, name } = value;
	// 29 February is accepted: it exists, and is then observed in leap years only.
	if (typeof month !== 'number' || typeof day !== 'number' || !isExistingDate(2000, month, day)) {
		throw new CalendarConfigError(
			'patronDay',
			`Patron day ${describeValue(day)}/${describeValue(month)} (day/month) is not a date that exists; give a whole day and month (1–12) such as day 14, month 10`,
		);
	}
	if (name !== undefined && name !== null && typeof name !== 'string') {
		throw new CalendarConfigError(
			'patronDay.name',
			`patronDay.name is ${describeValue(name)}; it must be text such as "San Gaudenzio"`,
		);
	}
	const trimmedName = typeof name === 'string' ? name.trim() : '';
	return { month, day, name: trimmedName === '' ? DEFAULT_PATRON_DAY_NAME : trimmedName };
}

function compileClosureDate(value: unknown, field: string): CivilDate {
	const date = typeof value === 'string' ? parseCivilDate(value) : null;
	if (!date) {
		throw new CalendarConfigError(
			field,
			`Date ${describeValue(value)} in ${field} is not a valid date; ${DATE_HINT}`,
		);
	}
	return date;
}

function isBlank(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

function compileClosures(value: unknown): CompiledClosure[] {
	if (!Array.isArray(value)) {
		throw new CalendarConfigError(
			'closures',
			`closures is ${describeValue(value)}; it must be a list (empty when there are no extra closures)`,
		);
	}
	return value.map((closure: unknown, index) => {
		const field = `closures[${index}]`;
		if (!isPlainObject(closure)) {
			throw new CalendarConfigError(
				field,
				`${field} is ${describeValue(closure)}; it must be a closure such as { "from": "2026-12-24", "fromTime": "13:00" }`,
			);
		}
		const from = compileClosureDate(closure.from, `${field}.from`);
		const to = isBlank(closure.to) ? from : compileClosureDate(closure.to, `${field}.to`);
		const fromKey = formatIsoDate(from);
		const toKey = formatIsoDate(to);
		if (toKey < fromKey) {
			throw new CalendarConfigError(
				`${field}.to`,
				`${field}.to ${describeValue(closure.to)} is before ${field}.from ${describeValue(closure.from)}; the last day must be on or after the first day`,
			);
		}
		const fromMinute = isBlank(closure.fromTime)
			? null
			: compileTime(closure.fromTime, `${field}.fromTime`, 'closing');
		if (!isBlank(closure.name) && typeof closure.name !== 'string') {
			throw new CalendarConfigError(
				`${field}.name`,
				`${field}.name is ${describeValue(closure.name)}; it must be text such as "Chiusura straordinaria"`,
			);
		}
		const name = typeof closure.name === 'string' ? closure.name.trim() : '';
		return { fromKey, toKey, fromMinute, name: name === '' ? DEFAULT_CLOSURE_NAME : name };
	});
}

/** Validates `config` and returns its compiled form; throws CalendarConfigError naming the field. */
export function compileCalendar(config: CalendarConfig): CompiledCalendar {
	const raw: unknown = config;
	if (!isPlainObject(raw)) {
		throw new CalendarConfigError(
			'config',
			`The calendar configuration is ${describeValue(raw)}; it must be an object with timezone, schedule, nationalHolidays, patronDay and closures`,
		);
	}
	const { timezone, zone } = compileTimezone(raw.timezone);
	const week = compileSchedule(raw.schedule);
	if (typeof raw.nationalHolidays !== 'boolean') {
		throw new CalendarConfigError(
			'nationalHolidays',
			`nationalHolidays is ${describeValue(raw.nationalHolidays)}; it must be true or false`,
		);
	}
	return {
		timezone,
		zone,
		week,
		nationalHolidays: raw.nationalHolidays,
		patronDay: compilePatronDay(raw.patronDay),
		closures: compileClosures(raw.closures),
	};
}

/** Throws CalendarConfigError (with `field`, e.g. 'schedule.tuesday[1].end') if `config` is not usable. */
export function validateCalendarConfig(config: CalendarConfig): void {
	compileCalendar(config);
}

/**
 * Reads a patron day written as staff write it, 'DD/MM' ('14/10', also '14.10' or '14-10'); blank text
 * means none. The name may be blank (DEFAULT_PATRON_DAY_NAME is used). Whether the day exists (31/02) is
 * checked with the rest of the configuration.
 */
export function parsePatronDay(text: string, name: string): PatronDay | null {
	const trimmed = text.trim();
	if (trimmed === '') return null;
	const match = /^(\d{1,2})[/.-](\d{1,2})$/.exec(trimmed);
	if (!match) {
		throw new CalendarConfigError(
			'patronDay',
			`Patron day ${describeValue(trimmed)} is not a day of the year; use DD/MM, e.g. 14/10`,
		);
	}
	return { day: Number(match[1]), month: Number(match[2]), name };
}
