/**
 * Italian national holidays and the Easter computus, checked by hand for 2025–2027 and
 * against the independent `date-holidays` library for 2025–2030 (holidays) and 1900–2100 (Easter).
 */
import Holidays from 'date-holidays';
import {
	easterSunday,
	evaluateOfficeHours,
	italianHolidays,
	RIMINI_CALENDAR,
} from '../../../nodes/core/calendar';
import { riminiWith } from './calendarFixtures';

function isoDate(year: number, month: number, day: number): string {
	return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

describe('italianHolidays, by hand', () => {
	test('2025: twelve holidays, no San Francesco yet', () => {
		expect(italianHolidays(2025)).toEqual([
			{ date: '2025-01-01', name: 'Capodanno' },
			{ date: '2025-01-06', name: 'Epifania' },
			{ date: '2025-04-20', name: 'Pasqua' },
			{ date: '2025-04-21', name: "Lunedì dell'Angelo" },
			{ date: '2025-04-25', name: 'Festa della Liberazione' },
			{ date: '2025-05-01', name: 'Festa del Lavoro' },
			{ date: '2025-06-02', name: 'Festa della Repubblica' },
			{ date: '2025-08-15', name: 'Ferragosto' },
			{ date: '2025-11-01', name: 'Ognissanti' },
			{ date: '2025-12-08', name: 'Immacolata Concezione' },
			{ date: '2025-12-25', name: 'Natale' },
			{ date: '2025-12-26', name: 'Santo Stefano' },
		]);
	});

	test('2026: thirteen holidays, 4 October restored by Law 151/2025', () => {
		expect(italianHolidays(2026)).toEqual([
			{ date: '2026-01-01', name: 'Capodanno' },
			{ date: '2026-01-06', name: 'Epifania' },
			{ date: '2026-04-05', name: 'Pasqua' },
			{ date: '2026-04-06', name: "Lunedì dell'Angelo" },
			{ date: '2026-04-25', name: 'Festa della Liberazione' },
			{ date: '2026-05-01', name: 'Festa del Lavoro' },
			{ date: '2026-06-02', name: 'Festa della Repubblica' },
			{ date: '2026-08-15', name: 'Ferragosto' },
			{ date: '2026-10-04', name: "San Francesco d'Assisi" },
			{ date: '2026-11-01', name: 'Ognissanti' },
			{ date: '2026-12-08', name: 'Immacolata Concezione' },
			{ date: '2026-12-25', name: 'Natale' },
			{ date: '2026-12-26', name: 'Santo Stefano' },
		]);
	});

	test.each([
		[2025, '2025-04-21'],
		[2026, '2026-04-06'],
		[2027, '2027-03-29'],
	])('Easter Monday %i is %s', (year, date) => {
		expect(italianHolidays(year)).toContainEqual({ date, name: "Lunedì dell'Angelo" });
	});

	test.each([2026, 2027, 2030, 2100])('4 October is a holiday in %i', (year) => {
		expect(italianHolidays(year)).toContainEqual({
			date: `${year}-10-04`,
			name: "San Francesco d'Assisi",
		});
	});

	test.each([2001, 2024, 2025])('4 October is not a holiday in %i', (year) => {
		expect(italianHolidays(year).map((holiday) => holiday.date)).not.toContain(`${year}-10-04`);
	});

	test('the patron day is not a national holiday', () => {
		expect(italianHolidays(2026).map((holiday) => holiday.date)).not.toContain('2026-10-14');
	});

	test('Easter Monday on 25 April (2011): both holidays listed, both named when closed', () => {
		const onThatDay = italianHolidays(2011).filter((holiday) => holiday.date === '2011-04-25');
		expect(onThatDay.map((holiday) => holiday.name).sort()).toEqual([
			'Festa della Liberazione',
			"Lunedì dell'Angelo",
		]);
		expect(evaluateOfficeHours(RIMINI_CALENDAR, '2011-04-25T10:00')).toMatchObject({
			reason: 'holiday',
			holidayName: "Lunedì dell'Angelo e Festa della Liberazione",
		});
	});

	test.each([1582, 0, -5, 2026.5, Number.NaN, Number.POSITIVE_INFINITY])(
		'year %p is refused',
		(year) => {
			expect(() => italianHolidays(year)).toThrow(RangeError);
			expect(() => easterSunday(year)).toThrow(RangeError);
		},
	);
});

describe('easterSunday', () => {
	test.each([
		// Well-known dates, including the extremes 22 March and 25 April.
		[1818, 3, 22],
		[1943, 4, 25],
		[1961, 4, 2],
		[2000, 4, 23],
		[2011, 4, 24],
		[2025, 4, 20],
		[2026, 4, 5],
		[2027, 3, 28],
		[2038, 4, 25],
		[2285, 3, 22],
	])('%i: %i/%i', (year, month, day) => {
		expect(easterSunday(year)).toEqual({ year, month, day });
	});

	test('matches date-holidays for every year 1900–2100 and stays within 22 March – 25 April', () => {
		const italy = new Holidays('IT');
		let checked = 0;
		for (let year = 1900; year <= 2100; year++) {
			const theirs = italy.getHolidays(year).filter((holiday) => holiday.rule === 'easter');
			expect(theirs).toHaveLength(1);
			const ours = easterSunday(year);
			expect({ year, date: isoDate(ours.year, ours.month, ours.day) }).toEqual({
				year,
				date: theirs[0].date.slice(0, 10),
			});
			const monthDay = ours.month * 100 + ours.day;
			expect(monthDay).toBeGreaterThanOrEqual(322);
			expect(monthDay).toBeLessThanOrEqual(425);
			expect(new Date(Date.UTC(ours.year, ours.month - 1, ours.day)).getUTCDay()).toBe(0);
			checked++;
		}
		expect(checked).toBe(201);
	});
});

describe('cross-check with date-holidays (Italy, type public), every date of 2025–2030', () => {
	/**
	 * Known, justified differences between our list and date-holidays 3.37.0 for Italy, as
	 * { date, ours, theirs }: whether each side lists the date as a national public holiday.
	 * None are known: date-holidays 3.37.0 already has 4 October from 2026 (Law 151/2025) and
	 * lists exactly the national holidays above. Add an entry here only with the law or reason.
	 */
	const KNOWN_DIFFERENCES: ReadonlyArray<{
		date: string;
		ours: boolean;
		theirs: boolean;
		reason: string;
	}> = [];

	const italy = new Holidays('IT');
	const years = [2025, 2026, 2027, 2028, 2029, 2030];

	test.each(years)('%i', (year) => {
		const theirs = new Set(
			italy
				.getHolidays(year)
				.filter((holiday) => holiday.type === 'public')
				.map((holiday) => holiday.date.slice(0, 10)),
		);
		const ours = new Set(italianHolidays(year).map((holiday) => holiday.date));
		const differences: Array<{ date: string; ours: boolean; theirs: boolean }> = [];
		const day = new Date(Date.UTC(year, 0, 1));
		let days = 0;
		while (day.getUTCFullYear() === year) {
			const date = day.toISOString().slice(0, 10);
			if (ours.has(date) !== theirs.has(date)) {
				differences.push({ date, ours: ours.has(date), theirs: theirs.has(date) });
			}
			day.setUTCDate(day.getUTCDate() + 1);
			days++;
		}
		expect(days).toBe(year % 4 === 0 ? 366 : 365);
		const expected = KNOWN_DIFFERENCES.filter((known) => known.date.startsWith(`${year}-`)).map(
			({ date, ours: isOurs, theirs: isTheirs }) => ({ date, ours: isOurs, theirs: isTheirs }),
		);
		expect(differences).toEqual(expected);
		// Guard against an empty comparison: both sides have 12 or 13 holidays, 13 from 2026.
		expect(theirs.size).toBe(year >= 2026 ? 13 : 12);
	});

	test('the office is closed for a holiday exactly on date-holidays public holidays (noon, 2025–2030)', () => {
		const calendar = riminiWith({ patronDay: null });
		const mismatches: string[] = [];
		for (const year of years) {
			const theirs = new Set(
				italy
					.getHolidays(year)
					.filter((holiday) => holiday.type === 'public')
					.map((holiday) => holiday.date.slice(0, 10)),
			);
			const day = new Date(Date.UTC(year, 0, 1, 11)); // 12:00 CET / 13:00 CEST: the same date in Rome
			while (day.getUTCFullYear() === year) {
				const date = day.toISOString().slice(0, 10);
				const isHoliday = evaluateOfficeHours(calendar, day).reason === 'holiday';
				if (isHoliday !== theirs.has(date)) mismatches.push(date);
				day.setUTCDate(day.getUTCDate() + 1);
			}
		}
		expect(mismatches).toEqual([]);
	});
});
