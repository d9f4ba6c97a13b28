/** Calendar-date arithmetic without time zones (proleptic Gregorian, via UTC). */
import type { CivilDate, Weekday } from './types';

const DAY_MS = 86_400_000;

function fromUtcMillis(ms: number): CivilDate {
	const date = new Date(ms);
	return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Epoch milliseconds of the date's midnight as if it were UTC: a day counter for arithmetic. */
export function civilDateToUtcMillis(date: CivilDate): number {
	const utc = new Date(0);
	utc.setUTCFullYear(date.year, date.month - 1, date.day);
	return utc.getTime();
}

export function addDays(date: CivilDate, days: number): CivilDate {
	return fromUtcMillis(civilDateToUtcMillis(date) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CivilDate, to: CivilDate): number {
	return Math.round((civilDateToUtcMillis(to) - civilDateToUtcMillis(from)) / DAY_MS);
}

export function weekdayOf(date: CivilDate): Weekday {
	const sundayBased = new Date(civilDateToUtcMillis(date)).getUTCDay();
	return (sundayBased === 0 ? 7 : sundayBased) as Weekday;
}

export function isExistingDate(year: number, month: number, day: number): boolean {
	if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
	if (month < 1 || month > 12 || day < 1) return false;
	return day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
	const lengths = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
	return lengths[month - 1];
}

function isLeapYear(year: number): boolean {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** 'YYYY-MM-DD'; also a key that sorts chronologically for four-digit years. */
export function formatIsoDate(date: CivilDate): string {
	const pad = (value: number, width: number) => String(value).padStart(width, '0');
	return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/**
 * Parses 'YYYY-MM-DD' or 'DD/MM/YYYY' (day and month may have one digit: '1/5/2026').
 * Returns null when the text is not one of these forms or the date does not exist.
 */
export function parseCivilDate(text: string): CivilDate | null {
	const trimmed = text.trim();
	const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
	const italian = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed);
	let date: CivilDate;
	if (iso) {
		date = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
	} else if (italian) {
		date = { year: Number(italian[3]), month: Number(italian[2]), day: Number(italian[1]) };
	} else {
		return null;
	}
	return isExistingDate(date.year, date.month, date.day) ? date : null;
}
