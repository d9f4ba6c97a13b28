/** Office-hours calendar of the URP: pure TypeScript + luxon, no n8n imports. */
export type {
	Weekday,
	TimeRange,
	WeeklySchedule,
	Closure,
	PatronDay,
	CalendarConfig,
	ClosedReason,
	OfficeHoursResult,
} from './types';
export { WEEKDAY_FIELD_NAMES, WEEKDAYS } from './types';
export { CalendarConfigError, CalendarInputError } from './errors';
export { easterSunday, italianHolidays, type Holiday } from './holidays';
export { parseInstant, EPOCH_MILLISECONDS_THRESHOLD } from './instant';
export {
	validateCalendarConfig,
	parsePatronDay,
	DEFAULT_TIMEZONE,
	DEFAULT_CLOSURE_NAME,
	DEFAULT_PATRON_DAY_NAME,
} from './validation';
export {
	evaluateOfficeHours,
	describeSchedule,
	RIMINI_CALENDAR,
	SEARCH_DAYS,
	type InstantInput,
} from './officeHours';
