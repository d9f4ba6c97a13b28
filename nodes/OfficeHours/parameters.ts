import {
	CalendarConfigError,
	parsePatronDay,
	WEEKDAY_FIELD_NAMES,
	WEEKDAYS,
	type CalendarConfig,
	type Closure,
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

function weekdayOf(day: string, index: number): Weekday {
	const weekday = WEEKDAYS.find(
		(candidate) => WEEKDAY_FIELD_NAMES[candidate] === String(day).toLowerCase(),
	);
	if (weekday === undefined) {
		throw new CalendarConfigError(
			`schedule[${index}].day`,
			`Day "${day}" in opening range ${index + 1} is not a weekday; choose Monday to Sunday`,
		);
	}
	return weekday;
}

function toSchedule(ranges: OfficeHoursParameters['schedule']['ranges'] = []): WeeklySchedule {
	const schedule: WeeklySchedule = {};
	ranges.forEach((range, index) => {
		(schedule[weekdayOf(range.day, index)] ??= []).push({
			start: String(range.start ?? ''),
			end: String(range.end ?? ''),
		});
	});
	return schedule;
}

function toClosures(closures: OfficeHoursParameters['closures']['closure'] = []): Closure[] {
	return closures.map((closure) => {
		const result: Closure = { from: String(closure.from ?? '') };
		const to = String(closure.to ?? '').trim();
		const fromTime = String(closure.fromTime ?? '').trim();
		const name = String(closure.name ?? '').trim();
		if (to) result.to = to;
		if (fromTime) result.fromTime = fromTime;
		if (name) result.name = name;
		return result;
	});
}

/**
 * Maps the node's parameters to the calendar's configuration. Parsing, defaults for blank values and
 * validation are the calendar's (nodes/core/calendar).
 */
export function toCalendarConfig(parameters: OfficeHoursParameters): CalendarConfig {
	return {
		timezone: String(parameters.timezone ?? ''),
		schedule: toSchedule(parameters.schedule?.ranges),
		nationalHolidays: parameters.nationalHolidays !== false,
		patronDay: parsePatronDay(
			String(parameters.patronDay ?? ''),
			String(parameters.patronDayName ?? ''),
		),
		closures: toClosures(parameters.closures?.closure),
	};
}
