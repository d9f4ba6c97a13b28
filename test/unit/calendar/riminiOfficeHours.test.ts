/**
 * Rimini's URP with its default calendar over 2025–2027: Mon/Wed/Fri/Sat 9:00–13:00,
 * Tue/Thu 9:00–17:00, Sunday closed, Italian national holidays, San Gaudenzio (14 October).
 * Times without an offset are wall-clock times in Europe/Rome. Expected values were worked out
 * by hand from the calendar; the weekday column is checked independently below.
 * CET (+01:00) until the last Sunday of March and from the last Sunday of October, CEST (+02:00) between.
 */
import { DateTime } from 'luxon';
import type { ClosedReason } from '../../../nodes/core/calendar';
import { evaluateOfficeHours, RIMINI_CALENDAR } from '../../../nodes/core/calendar';
import { weekdayOfDate } from './calendarFixtures';

interface Row {
	instant: string;
	weekday: string;
	open: boolean;
	reason: 'open' | ClosedReason;
	holidayName: string | null;
	closesAt: string | null;
	nextOpening: string;
	nextOpeningText: string;
}

function openRow(
	instant: string,
	weekday: string,
	closesAt: string,
	nextOpening: string,
	nextOpeningText: string,
): Row {
	return {
		instant,
		weekday,
		open: true,
		reason: 'open',
		holidayName: null,
		closesAt,
		nextOpening,
		nextOpeningText,
	};
}

function closedRow(
	instant: string,
	weekday: string,
	reason: ClosedReason,
	holidayName: string | null,
	nextOpening: string,
	nextOpeningText: string,
): Row {
	return {
		instant,
		weekday,
		open: false,
		reason,
		holidayName,
		closesAt: null,
		nextOpening,
		nextOpeningText,
	};
}

// prettier-ignore
const regularWeek: Row[] = [
	// Monday 2 March 2026: short day; boundaries are start-inclusive, end-exclusive.
	closedRow('2026-03-02T08:59:59', 'Monday', 'outsideHours', null, '2026-03-02T09:00:00.000+01:00', 'oggi alle 9:00'),
	openRow('2026-03-02T09:00', 'Monday', '2026-03-02T13:00:00.000+01:00', '2026-03-03T09:00:00.000+01:00', 'domani alle 9:00'),
	openRow('2026-03-02T12:59:59', 'Monday', '2026-03-02T13:00:00.000+01:00', '2026-03-03T09:00:00.000+01:00', 'domani alle 9:00'),
	openRow('2026-03-02T12:59:59.999', 'Monday', '2026-03-02T13:00:00.000+01:00', '2026-03-03T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2026-03-02T13:00', 'Monday', 'outsideHours', null, '2026-03-03T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2026-03-02T00:00', 'Monday', 'outsideHours', null, '2026-03-02T09:00:00.000+01:00', 'oggi alle 9:00'),
	// Tuesday: long day until 17:00.
	openRow('2026-03-03T13:30', 'Tuesday', '2026-03-03T17:00:00.000+01:00', '2026-03-04T09:00:00.000+01:00', 'domani alle 9:00'),
	openRow('2026-03-03T16:59:59', 'Tuesday', '2026-03-03T17:00:00.000+01:00', '2026-03-04T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2026-03-03T17:00', 'Tuesday', 'outsideHours', null, '2026-03-04T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2026-03-03T23:59:59', 'Tuesday', 'outsideHours', null, '2026-03-04T09:00:00.000+01:00', 'domani alle 9:00'),
	// Wednesday short, Thursday long, Friday short.
	closedRow('2026-03-04T14:00', 'Wednesday', 'outsideHours', null, '2026-03-05T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2026-03-04T00:30', 'Wednesday', 'outsideHours', null, '2026-03-04T09:00:00.000+01:00', 'oggi alle 9:00'),
	openRow('2026-03-05T16:00', 'Thursday', '2026-03-05T17:00:00.000+01:00', '2026-03-06T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2026-03-06T13:00', 'Friday', 'outsideHours', null, '2026-03-07T09:00:00.000+01:00', 'domani alle 9:00'),
	// Saturday morning, then the weekend.
	openRow('2026-03-07T12:00', 'Saturday', '2026-03-07T13:00:00.000+01:00', '2026-03-09T09:00:00.000+01:00', 'lunedì 9 marzo alle 9:00'),
	closedRow('2026-03-07T13:00', 'Saturday', 'outsideHours', null, '2026-03-09T09:00:00.000+01:00', 'lunedì 9 marzo alle 9:00'),
	closedRow('2026-03-08T10:00', 'Sunday', 'outsideHours', null, '2026-03-09T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2026-02-28T14:00', 'Saturday', 'outsideHours', null, '2026-03-02T09:00:00.000+01:00', 'lunedì 2 marzo alle 9:00'),
	// 'oggi'/'domani' are judged in Rome: 23:30Z on 3 March is already 00:30 on Wednesday 4 March there.
	closedRow('2026-03-03T23:30:00Z', 'Wednesday', 'outsideHours', null, '2026-03-04T09:00:00.000+01:00', 'oggi alle 9:00'),
	closedRow('2026-03-03T22:59:59Z', 'Tuesday', 'outsideHours', null, '2026-03-04T09:00:00.000+01:00', 'domani alle 9:00'),
	// Summer (CEST) weekdays.
	openRow('2025-07-08T16:30', 'Tuesday', '2025-07-08T17:00:00.000+02:00', '2025-07-09T09:00:00.000+02:00', 'domani alle 9:00'),
	openRow('2027-06-18T09:00', 'Friday', '2027-06-18T13:00:00.000+02:00', '2027-06-19T09:00:00.000+02:00', 'domani alle 9:00'),
];

// prettier-ignore
const holidays2025: Row[] = [
	closedRow('2025-01-01T10:00', 'Wednesday', 'holiday', 'Capodanno', '2025-01-02T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2025-01-06T10:00', 'Monday', 'holiday', 'Epifania', '2025-01-07T09:00:00.000+01:00', 'domani alle 9:00'),
	// Easter Sunday is a holiday as well as a Sunday: the holiday is the reason.
	closedRow('2025-04-20T10:00', 'Sunday', 'holiday', 'Pasqua', '2025-04-22T09:00:00.000+02:00', 'martedì 22 aprile alle 9:00'),
	closedRow('2025-04-21T10:00', 'Monday', 'holiday', "Lunedì dell'Angelo", '2025-04-22T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2025-04-21T20:00', 'Monday', 'holiday', "Lunedì dell'Angelo", '2025-04-22T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2025-04-25T10:00', 'Friday', 'holiday', 'Festa della Liberazione', '2025-04-26T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2025-05-01T10:00', 'Thursday', 'holiday', 'Festa del Lavoro', '2025-05-02T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2025-06-02T10:00', 'Monday', 'holiday', 'Festa della Repubblica', '2025-06-03T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2025-08-15T10:00', 'Friday', 'holiday', 'Ferragosto', '2025-08-16T09:00:00.000+02:00', 'domani alle 9:00'),
	// 4 October 2025 is a Saturday and not yet a holiday (Law 151/2025 applies from 2026): open 9–13.
	openRow('2025-10-04T10:00', 'Saturday', '2025-10-04T13:00:00.000+02:00', '2025-10-06T09:00:00.000+02:00', 'lunedì 6 ottobre alle 9:00'),
	closedRow('2025-10-14T10:00', 'Tuesday', 'patronDay', 'San Gaudenzio', '2025-10-15T09:00:00.000+02:00', 'domani alle 9:00'),
	// Summer time ended on 26 October 2025, so the Monday opening is at +01:00.
	closedRow('2025-11-01T10:00', 'Saturday', 'holiday', 'Ognissanti', '2025-11-03T09:00:00.000+01:00', 'lunedì 3 novembre alle 9:00'),
	closedRow('2025-12-08T10:00', 'Monday', 'holiday', 'Immacolata Concezione', '2025-12-09T09:00:00.000+01:00', 'domani alle 9:00'),
	openRow('2025-12-24T10:00', 'Wednesday', '2025-12-24T13:00:00.000+01:00', '2025-12-27T09:00:00.000+01:00', 'sabato 27 dicembre alle 9:00'),
	closedRow('2025-12-25T10:00', 'Thursday', 'holiday', 'Natale', '2025-12-27T09:00:00.000+01:00', 'sabato 27 dicembre alle 9:00'),
	closedRow('2025-12-26T10:00', 'Friday', 'holiday', 'Santo Stefano', '2025-12-27T09:00:00.000+01:00', 'domani alle 9:00'),
	// Year end: 1 January is skipped.
	openRow('2025-12-31T12:00', 'Wednesday', '2025-12-31T13:00:00.000+01:00', '2026-01-02T09:00:00.000+01:00', 'venerdì 2 gennaio alle 9:00'),
	closedRow('2025-12-31T14:00', 'Wednesday', 'outsideHours', null, '2026-01-02T09:00:00.000+01:00', 'venerdì 2 gennaio alle 9:00'),
];

// prettier-ignore
const holidays2026: Row[] = [
	closedRow('2026-01-01T10:00', 'Thursday', 'holiday', 'Capodanno', '2026-01-02T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2026-01-06T10:00', 'Tuesday', 'holiday', 'Epifania', '2026-01-07T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2026-04-05T10:00', 'Sunday', 'holiday', 'Pasqua', '2026-04-07T09:00:00.000+02:00', 'martedì 7 aprile alle 9:00'),
	closedRow('2026-04-06T10:00', 'Monday', 'holiday', "Lunedì dell'Angelo", '2026-04-07T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2026-04-25T10:00', 'Saturday', 'holiday', 'Festa della Liberazione', '2026-04-27T09:00:00.000+02:00', 'lunedì 27 aprile alle 9:00'),
	closedRow('2026-05-01T10:00', 'Friday', 'holiday', 'Festa del Lavoro', '2026-05-02T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2026-06-02T10:00', 'Tuesday', 'holiday', 'Festa della Repubblica', '2026-06-03T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2026-08-15T10:00', 'Saturday', 'holiday', 'Ferragosto', '2026-08-17T09:00:00.000+02:00', 'lunedì 17 agosto alle 9:00'),
	openRow('2026-10-03T12:00', 'Saturday', '2026-10-03T13:00:00.000+02:00', '2026-10-05T09:00:00.000+02:00', 'lunedì 5 ottobre alle 9:00'),
	// 4 October 2026: a Sunday, and from 2026 a national holiday — the holiday is the reason.
	closedRow('2026-10-04T10:00', 'Sunday', 'holiday', "San Francesco d'Assisi", '2026-10-05T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2026-10-14T10:00', 'Wednesday', 'patronDay', 'San Gaudenzio', '2026-10-15T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2026-11-01T10:00', 'Sunday', 'holiday', 'Ognissanti', '2026-11-02T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2026-12-08T10:00', 'Tuesday', 'holiday', 'Immacolata Concezione', '2026-12-09T09:00:00.000+01:00', 'domani alle 9:00'),
	// Christmas 2026: Fri 25 and Sat 26 holidays, Sun 27 closed, so Thursday 24 → Monday 28.
	openRow('2026-12-24T15:00', 'Thursday', '2026-12-24T17:00:00.000+01:00', '2026-12-28T09:00:00.000+01:00', 'lunedì 28 dicembre alle 9:00'),
	closedRow('2026-12-25T10:00', 'Friday', 'holiday', 'Natale', '2026-12-28T09:00:00.000+01:00', 'lunedì 28 dicembre alle 9:00'),
	closedRow('2026-12-26T10:00', 'Saturday', 'holiday', 'Santo Stefano', '2026-12-28T09:00:00.000+01:00', 'lunedì 28 dicembre alle 9:00'),
	// Year end: Friday 1 January 2027 is skipped, Saturday 2 opens.
	closedRow('2026-12-31T17:00', 'Thursday', 'outsideHours', null, '2027-01-02T09:00:00.000+01:00', 'sabato 2 gennaio alle 9:00'),
];

// prettier-ignore
const holidays2027: Row[] = [
	closedRow('2027-01-01T10:00', 'Friday', 'holiday', 'Capodanno', '2027-01-02T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2027-01-06T10:00', 'Wednesday', 'holiday', 'Epifania', '2027-01-07T09:00:00.000+01:00', 'domani alle 9:00'),
	// Easter 2027 falls on the night summer time starts (28 March); 10:00 is already CEST.
	closedRow('2027-03-28T10:00', 'Sunday', 'holiday', 'Pasqua', '2027-03-30T09:00:00.000+02:00', 'martedì 30 marzo alle 9:00'),
	closedRow('2027-03-29T10:00', 'Monday', 'holiday', "Lunedì dell'Angelo", '2027-03-30T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2027-03-27T14:00', 'Saturday', 'outsideHours', null, '2027-03-30T09:00:00.000+02:00', 'martedì 30 marzo alle 9:00'),
	closedRow('2027-04-25T10:00', 'Sunday', 'holiday', 'Festa della Liberazione', '2027-04-26T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2027-05-01T10:00', 'Saturday', 'holiday', 'Festa del Lavoro', '2027-05-03T09:00:00.000+02:00', 'lunedì 3 maggio alle 9:00'),
	closedRow('2027-06-02T10:00', 'Wednesday', 'holiday', 'Festa della Repubblica', '2027-06-03T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2027-08-15T10:00', 'Sunday', 'holiday', 'Ferragosto', '2027-08-16T09:00:00.000+02:00', 'domani alle 9:00'),
	// 4 October 2027 is a Monday: closed for San Francesco, a day that would otherwise be open.
	closedRow('2027-10-04T10:00', 'Monday', 'holiday', "San Francesco d'Assisi", '2027-10-05T09:00:00.000+02:00', 'domani alle 9:00'),
	closedRow('2027-10-14T10:00', 'Thursday', 'patronDay', 'San Gaudenzio', '2027-10-15T09:00:00.000+02:00', 'domani alle 9:00'),
	// Summer time ends 31 October 2027; 1 November is Monday.
	closedRow('2027-10-30T13:00', 'Saturday', 'outsideHours', null, '2027-11-02T09:00:00.000+01:00', 'martedì 2 novembre alle 9:00'),
	closedRow('2027-11-01T10:00', 'Monday', 'holiday', 'Ognissanti', '2027-11-02T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2027-12-08T10:00', 'Wednesday', 'holiday', 'Immacolata Concezione', '2027-12-09T09:00:00.000+01:00', 'domani alle 9:00'),
	closedRow('2027-12-24T14:00', 'Friday', 'outsideHours', null, '2027-12-27T09:00:00.000+01:00', 'lunedì 27 dicembre alle 9:00'),
	closedRow('2027-12-25T10:00', 'Saturday', 'holiday', 'Natale', '2027-12-27T09:00:00.000+01:00', 'lunedì 27 dicembre alle 9:00'),
	closedRow('2027-12-26T10:00', 'Sunday', 'holiday', 'Santo Stefano', '2027-12-27T09:00:00.000+01:00', 'domani alle 9:00'),
	// Saturday 1 January 2028 holiday, Sunday 2 closed → Monday 3.
	closedRow('2027-12-31T13:00', 'Friday', 'outsideHours', null, '2028-01-03T09:00:00.000+01:00', 'lunedì 3 gennaio alle 9:00'),
	// A Saturday 24 December afternoon (2022): Sunday 25, Monday 26 holiday → Tuesday 27.
	closedRow('2022-12-24T14:00', 'Saturday', 'outsideHours', null, '2022-12-27T09:00:00.000+01:00', 'martedì 27 dicembre alle 9:00'),
];

const allRows = [...regularWeek, ...holidays2025, ...holidays2026, ...holidays2027];

describe('Rimini default calendar', () => {
	test.each(allRows)('table sanity: $instant is a $weekday in Rome', ({ instant, weekday }) => {
		const localDate = DateTime.fromISO(instant, { zone: 'Europe/Rome' }).toISODate();
		expect(localDate).not.toBeNull();
		expect(weekdayOfDate(localDate ?? '')).toBe(weekday);
	});

	test.each(allRows)('$instant ($weekday) → $reason $holidayName, next $nextOpeningText', (row) => {
		const result = evaluateOfficeHours(RIMINI_CALENDAR, row.instant);
		expect(result).toEqual({
			open: row.open,
			reason: row.reason,
			holidayName: row.holidayName,
			closesAt: row.closesAt,
			nextOpening: row.nextOpening,
			nextOpeningText: row.nextOpeningText,
			scheduleText:
				'lunedì, mercoledì, venerdì e sabato 9:00–13:00; martedì e giovedì 9:00–17:00; domenica chiuso',
		});
	});

	test('nextOpening is always strictly after the instant, and after closesAt when open', () => {
		for (const row of allRows) {
			const result = evaluateOfficeHours(RIMINI_CALENDAR, row.instant);
			const instant = DateTime.fromISO(row.instant, { zone: 'Europe/Rome' }).toMillis();
			const next = DateTime.fromISO(result.nextOpening ?? '').toMillis();
			expect(next).toBeGreaterThan(instant);
			if (result.closesAt !== null) {
				expect(next).toBeGreaterThan(DateTime.fromISO(result.closesAt).toMillis());
			}
		}
	});

	test('every hour of 2026 agrees with the weekly rules, holidays and patron day', () => {
		// An independent formulation of the rules, checked hour by hour over a whole year.
		const closedDates = new Set([
			'2026-01-01',
			'2026-01-06',
			'2026-04-05',
			'2026-04-06',
			'2026-04-25',
			'2026-05-01',
			'2026-06-02',
			'2026-08-15',
			'2026-10-04',
			'2026-10-14',
			'2026-11-01',
			'2026-12-08',
			'2026-12-25',
			'2026-12-26',
		]);
		const closingHour: Record<number, number> = { 1: 13, 2: 17, 3: 13, 4: 17, 5: 13, 6: 13, 7: 0 };
		let hour = DateTime.fromISO('2026-01-01T00:30', { zone: 'Europe/Rome' });
		let openHours = 0;
		const mismatches: string[] = [];
		while (hour.year === 2026) {
			const expectedOpen =
				!closedDates.has(hour.toISODate() ?? '') &&
				hour.hour >= 9 &&
				hour.hour < closingHour[hour.weekday];
			if (evaluateOfficeHours(RIMINI_CALENDAR, hour.toJSDate()).open !== expectedOpen) {
				mismatches.push(hour.toISO() ?? '');
			}
			if (expectedOpen) openHours++;
			hour = hour.plus({ hours: 1 });
		}
		expect(mismatches).toEqual([]);
		// 2026 starts on a Thursday and has 365 days: 53 Thursdays, 52 of every other weekday.
		// Holidays on short days: Mon 6/4; Wed 14/10; Fri 1/5, 25/12; Sat 25/4, 15/8, 26/12 = 7.
		// Holidays on long days: Tue 6/1, 2/6, 8/12; Thu 1/1 = 4.
		const shortDays = 52 * 4 - 7; // Mon, Wed, Fri, Sat: 4 open hours each
		const longDays = 52 + 53 - 4; // Tue, Thu: 8 open hours each
		expect(openHours).toBe(shortDays * 4 + longDays * 8);
	});
});
