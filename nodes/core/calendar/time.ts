/** Wall-clock times of day, held as minutes after midnight (0 … 1440). */

export const MINUTES_PER_DAY = 1440;

/**
 * Parses 'H:mm' or 'HH:mm' (00:00–23:59); '24:00' only when `allowEndOfDay`.
 * Surrounding spaces are ignored. Returns null for anything else.
 */
export function parseTimeOfDay(value: unknown, allowEndOfDay: boolean): number | null {
	if (typeof value !== 'string') return null;
	const match = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
	if (!match) return null;
	const hour = Number(match[1]);
	const minute = Number(match[2]);
	if (hour === 24 && minute === 0) return allowEndOfDay ? MINUTES_PER_DAY : null;
	if (hour > 23 || minute > 59) return null;
	return hour * 60 + minute;
}

/** 'H:mm' without a leading zero on the hour: 540 → '9:00', 870 → '14:30', 1440 → '24:00'. */
export function formatTimeOfDay(minuteOfDay: number): string {
	const hour = Math.floor(minuteOfDay / 60);
	const minute = minuteOfDay % 60;
	return `${hour}:${String(minute).padStart(2, '0')}`;
}
