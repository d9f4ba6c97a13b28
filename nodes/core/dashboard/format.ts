/** How the dashboard, its CSV and the monthly email write numbers, periods and durations in Italian. */
import { ITALIAN_MONTHS } from '../calendar/italian';

/**
 * `4.102`, `12,5`, `-3`: thousands grouped by `.` from 1.000 (as the city's own reports write them;
 * ICU's Italian leaves 4102 ungrouped), one decimal at most, by `,`; `–` for null (no value).
 */
export function italianNumber(value: number | null): string {
	if (value === null || !Number.isFinite(value)) return '–';
	const tenths = Math.round(Math.abs(value) * 10);
	const whole = Math.floor(tenths / 10)
		.toString()
		.replace(/\B(?=(\d{3})+(?!\d))/gu, '.');
	const decimal = tenths % 10 === 0 ? '' : `,${tenths % 10}`;
	return `${value < 0 && tenths > 0 ? '-' : ''}${whole}${decimal}`;
}

/** A share 0..1 as `87,5%`; `–` for null. */
export function italianPercent(share: number | null): string {
	if (share === null || !Number.isFinite(share)) return '–';
	return `${italianNumber(share * 100)}%`;
}

/** A signed change: `+12`, `−3`, `0`. */
export function signedNumber(value: number): string {
	if (value > 0) return `+${italianNumber(value)}`;
	if (value < 0) return `−${italianNumber(-value)}`;
	return '0';
}

/** Minutes as a person reads them: `45 min`, `2 h 5 min`, `1 g 3 h`; `–` for null. */
export function italianDuration(minutes: number | null): string {
	if (minutes === null || !Number.isFinite(minutes) || minutes < 0) return '–';
	const whole = Math.round(minutes);
	if (whole < 60) return `${whole} min`;
	const days = Math.floor(whole / 1440);
	const hours = Math.floor((whole % 1440) / 60);
	const rest = whole % 60;
	if (days > 0) return hours > 0 ? `${days} g ${hours} h` : `${days} g`;
	return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
}

const SHORT_MONTHS = ITALIAN_MONTHS.map((month) => month.slice(0, 3));

/**
 * A row's key as an axis or table label: `2026-03` → `mar 2026` (`mar` with `short` when every row is
 * of one year), `2026-W10` → `sett. 10 2026` (`sett. 10`). Anything else is shown as it is.
 */
export function rowLabel(key: string, short = false): string {
	const month = /^(\d{4})-(\d{2})$/u.exec(key);
	if (month !== null) {
		const name = SHORT_MONTHS[Number(month[2]) - 1];
		if (name !== undefined) return short ? name : `${name} ${month[1]}`;
	}
	const week = /^(\d{4})-W(\d{2})$/u.exec(key);
	if (week !== null)
		return short ? `sett. ${Number(week[2])}` : `sett. ${Number(week[2])} ${week[1]}`;
	return key;
}

/** `2026-11-01` → `novembre 2026` (the month of a civil date); the text itself when it is not a date. */
export function italianMonthOf(date: string): string {
	const match = /^(\d{4})-(\d{2})-\d{2}$/u.exec(date);
	const name = match === null ? undefined : ITALIAN_MONTHS[Number(match[2]) - 1];
	return name === undefined || match === null ? date : `${name} ${match[1]}`;
}

/** `2026-11-30` → `30 novembre 2026`; the text itself when it is not a date. */
export function italianDay(date: string): string {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(date);
	const name = match === null ? undefined : ITALIAN_MONTHS[Number(match[2]) - 1];
	return name === undefined || match === null ? date : `${Number(match[3])} ${name} ${match[1]}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone (making one costs about 0.1 ms; a waiting list formats hundreds of times). */
function formatterIn(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (formatter === undefined) {
		formatter = new Intl.DateTimeFormat('en-GB', {
			timeZone,
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23',
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

/** An instant in the office's zone: `7 dicembre 2026, 9:05`; '' when it is not an instant. */
export function italianInstant(iso: string, timeZone: string): string {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return '';
	const parts = Object.fromEntries(
		formatterIn(timeZone)
			.formatToParts(date)
			.map((part) => [part.type, part.value]),
	);
	const month = ITALIAN_MONTHS[Number(parts.month) - 1];
	return `${Number(parts.day)} ${month} ${parts.year}, ${Number(parts.hour)}:${parts.minute}`;
}
