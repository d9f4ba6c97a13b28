/** Errors thrown by the calendar; `field` names the offending setting or input. */

/** Base of the calendar's errors: `field` names the setting or input at fault. */
abstract class CalendarError extends Error {
	readonly field: string;

	constructor(field: string, message: string) {
		super(message);
		this.name = new.target.name;
		this.field = field;
	}
}

/** A setting of the calendar (schedule, holidays, closures, timezone) is invalid. */
export class CalendarConfigError extends CalendarError {}

/** The instant to evaluate is not a date-time. */
export class CalendarInputError extends CalendarError {}

/** Short, safe rendering of an arbitrary value for error messages. */
export function describeValue(value: unknown): string {
	if (typeof value === 'string') {
		const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
		return JSON.stringify(shown);
	}
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
		return String(value);
	}
	if (value === null) return 'null';
	if (value === undefined) return 'undefined';
	if (Array.isArray(value)) return 'an array';
	if (value instanceof Date) {
		return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
	}
	if (typeof value === 'object') return 'an object';
	return `a value of type ${typeof value}`;
}
