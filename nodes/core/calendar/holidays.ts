/** Italian national public holidays. */
import { addDays, formatIsoDate } from './civilDate';
import type { CivilDate } from './types';

/** First year of the Gregorian calendar, on which the Easter computus below is defined. */
const FIRST_GREGORIAN_YEAR = 1583;

/** From this year 4 October (San Francesco d'Assisi) is again a national holiday (Law 151/2025). */
const SAN_FRANCESCO_FROM_YEAR = 2026;

function assertGregorianYear(year: number): void {
	if (!Number.isSafeInteger(year) || year < FIRST_GREGORIAN_YEAR) {
		throw new RangeError(
			`Year ${String(year)} is not supported; use a whole year from ${FIRST_GREGORIAN_YEAR} on`,
		);
	}
}

/** Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): { year: number; month: number; day: number } {
	assertGregorianYear(year);
	const a = year % 19;
	const b = Math.floor(year / 100);
	const c = year % 100;
	const d = Math.floor(b / 4);
	const e = b % 4;
	const f = Math.floor((b + 8) / 25);
	const g = Math.floor((b - f + 1) / 3);
	const h = (19 * a + b - d - g + 15) % 30;
	const i = Math.floor(c / 4);
	const k = c % 4;
	const l = (32 + 2 * e + 2 * i - h - k) % 7;
	const m = Math.floor((a + 11 * h + 22 * l) / 451);
	const monthAndDay = h + l - 7 * m + 114;
	return { year, month: Math.floor(monthAndDay / 31), day: (monthAndDay % 31) + 1 };
}

export interface Holiday {
	/** 'YYYY-MM-DD' */
	date: string;
	/** Italian name. */
	name: string;
}

/**
 * The national public holidays of `year`, sorted by date. These are the rules in force today
 * (Law 260/1949 as amended, 2 June restored from 2001, 4 October from 2026); earlier years
 * are not reconstructed historically. Local patron days are not included.
 */
export function italianHolidays(year: number): Holiday[] {
	assertGregorianYear(year);
	const fixed = (month: number, day: number, name: string): Holiday => ({
		date: formatIsoDate({ year, month, day }),
		name,
	});
	const easter: CivilDate = easterSunday(year);
	const holidays: Holiday[] = [
		fixed(1, 1, 'Capodanno'),
		fixed(1, 6, 'Epifania'),
		{ date: formatIsoDate(easter), name: 'Pasqua' },
		{ date: formatIsoDate(addDays(easter, 1)), name: "Lunedì dell'Angelo" },
		fixed(4, 25, 'Festa della Liberazione'),
		fixed(5, 1, 'Festa del Lavoro'),
		fixed(6, 2, 'Festa della Repubblica'),
		fixed(8, 15, 'Ferragosto'),
		fixed(11, 1, 'Ognissanti'),
		fixed(12, 8, 'Immacolata Concezione'),
		fixed(12, 25, 'Natale'),
		fixed(12, 26, 'Santo Stefano'),
	];
	if (year >= SAN_FRANCESCO_FROM_YEAR) {
		holidays.push(fixed(10, 4, "San Francesco d'Assisi"));
	}
	return holidays.sort((left, right) => left.date.localeCompare(right.date));
}

const holidaysByYear = new Map<number, ReadonlyMap<string, string>>();

/** Italian name of the national holiday(s) on `date`, or null. Memoised per year. */
export function nationalHolidayName(date: CivilDate): string | null {
	let byDate = holidaysByYear.get(date.year);
	if (!byDate) {
		const names = new Map<string, string>();
		for (const holiday of italianHolidays(date.year)) {
			// Two holidays can share a date, e.g. Easter Monday on 25 April (2011).
			const earlier = names.get(holiday.date);
			names.set(holiday.date, earlier ? `${earlier} e ${holiday.name}` : holiday.name);
		}
		byDate = names;
		holidaysByYear.set(date.year, byDate);
	}
	return byDate.get(formatIsoDate(date)) ?? null;
}
