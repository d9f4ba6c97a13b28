/**
 * Mapping between instants and wall-clock times in an IANA zone, with explicit
 * rules for the hours that daylight-saving changes skip or repeat.
 */
import { IANAZone } from 'luxon';
import { civilDateToUtcMillis } from './civilDate';
import type { CivilDate } from './types';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Which instant to take when a wall-clock time occurs twice (autumn change). */
export type RepeatedTimeChoice = 'earliest' | 'latest';

const timezoneValidity = new Map<string, boolean>();

/** Whether `name` is an IANA timezone the runtime knows. Memoised: luxon builds an Intl formatter per check. */
export function isValidTimezone(name: string): boolean {
	let valid = timezoneValidity.get(name);
	if (valid === undefined) {
		valid = IANAZone.isValidZone(name);
		if (timezoneValidity.size < 1000) timezoneValidity.set(name, valid);
	}
	return valid;
}

function offsetMs(zone: IANAZone, instant: number): number {
	return zone.offset(instant) * MINUTE_MS;
}

/** The wall-clock reading at `instant`, as epoch milliseconds of that reading taken as UTC. */
function wallClockMs(zone: IANAZone, instant: number): number {
	return instant + offsetMs(zone, instant);
}

/** The local calendar date at `instant` in `zone`. */
export function civilDateAt(zone: IANAZone, instant: number): CivilDate {
	const wall = new Date(wallClockMs(zone, instant));
	return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The instant at which the wall clock in `zone` shows `minuteOfDay` minutes after
 * midnight of `date` (1440 = midnight of the next day).
 *
 * - Time that occurs twice (clocks go back): `choice` picks the first or the second occurrence.
 * - Time that does not exist (clocks go forward): the instant the clocks jump, which is the
 *   first instant whose wall-clock reading is at or after the requested time. (luxon instead
 *   adds the gap, so 02:30 on a spring-forward night would become 03:30.)
 */
export function instantOfWallClock(
	zone: IANAZone,
	date: CivilDate,
	minuteOfDay: number,
	choice: RepeatedTimeChoice,
): number {
	const wall = civilDateToUtcMillis(date) + minuteOfDay * MINUTE_MS;
	const offsets = new Set([
		offsetMs(zone, wall - DAY_MS),
		offsetMs(zone, wall),
		offsetMs(zone, wall + DAY_MS),
	]);
	const matches = [...offsets]
		.map((offset) => wall - offset)
		.filter((instant) => wallClockMs(zone, instant) === wall)
		.sort((a, b) => a - b);
	if (matches.length > 0) {
		return choice === 'earliest' ? matches[0] : matches[matches.length - 1];
	}
	// Skipped time: find the first instant whose wall clock has reached `wall`.
	const candidates = [...offsets].map((offset) => wall - offset);
	let low = Math.min(...candidates); // wall clock still before `wall` here
	let high = Math.max(...candidates); // and already past it here
	while (high - low > 1) {
		const middle = Math.floor((low + high) / 2);
		if (wallClockMs(zone, middle) >= wall) high = middle;
		else low = middle;
	}
	return high;
}
