import {
	CalendarConfigError,
	type CalendarConfig,
	type Closure,
	type PatronDay,
	type TimeRange,
	type Weekday,
	type WeeklySchedule,
} from '../core/calendar';

/** The node's parameters as n8n hands them over (fixedCollections are optional objects). */
export interface OfficeHoursParameters {
	schedule: { ranges?: Array<{ day: string; start: string; end: string }> };
	nationalHolidays: boolean;
	patronDay: string;
	patronDayName: string;
	closures: { closure?: Array<{ from: string; to?: string; fromTime?: string; name?: string }> };
	timezone: string;
}

const WEEKDAY_NUMBERS: Record<string, Weekday> = {
	monday: 1,
	tuesday: 2,
	wednesday: 3,
	thursday: 4,
	friday: 5,
	saturday: 6,
	sunday: 7,
};

function toSchedule(ranges: OfficeHoursParameters['schedule']['ranges'] = []): WeeklySchedule {
	const schedule: WeeklySchedule = {};
	ranges.forEach((range, index) => {
		const weekday = WEEKDAY_NUMBERS[String(range.day).toLowerCase()];
		if (weekday === undefined) {
			throw new CalendarConfigError(
				`schedule[${index}].day`,
				`Day "${range.day}" in opening range ${index + 1} is not a weekday; choose Monday to Sunday`,
			);
		}
		const timeRange: TimeRange = { start: String(range.start ?? '').trim(), end: String(range.end ?? '').trim() };
		(schedule[weekday] ??= []).push(timeRange);
	});
	return schedule;
}

function toPatronDay(date: string, name: string): PatronDay | null {
	const text = String(date ?? '').trim();
	if (text === '') return null;
	const match = /^(\d{1,2})[/.-](\d{1,2})$/.exec(text);
	if (!match) {
		throw new CalendarConfigError(
			'patronDay',
			`Patron day "${text}" is not a day of the year; use DD/MM, e.g. 14/10`,
		);
	}
	return { day: Number(match[1]), month: Number(match[2]), name: String(name ?? '').trim() || 'Santo patrono' };
}

function toClosures(closures: OfficeHoursParameters['closures']['closure'] = []): Closure[] {
	return closures.map((closure) => {
		const result: Closure = { from: String(closure.from ?? '').trim() };
		const to = String(closure.to ?? '').trim();
		const fromTime = String(closure.fromTime ?? '').trim();
		const name = String(closure.name ?? '').trim();
		if (to) result.to = to;
		if (fromTime) result.fromTime = fromTime;
		if (name) result.name = name;
		return result;
	});
}

/** Maps the node's parameters to the calendar's configuration (validation is the calendar's). */
export function toCalendarConfig(parameters: OfficeHoursParameters): CalendarConfig {
	return {
		timezone: String(parameters.timezone ?? '').trim() || 'Europe/Rome',
		schedule: toSchedule(parameters.schedule?.ranges),
		nationalHolidays: parameters.nationalHolidays !== false,
		patronDay: toPatronDay(parameters.patronDay, parameters.patronDayName),
		closures: toClosures(parameters.closures?.closure),
	};
}
