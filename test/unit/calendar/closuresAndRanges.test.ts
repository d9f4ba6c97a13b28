/** Extra closures, multi-range days, patron-day and holiday precedence, edge schedules. */
import { DateTime } from 'luxon';
import type { CalendarConfig } from '../../../nodes/core/calendar';
import { evaluateOfficeHours, RIMINI_CALENDAR, SEARCH_DAYS } from '../../../nodes/core/calendar';
import { everyDay, plainCalendar, range, riminiWith, weekdayOfDate } from './calendarFixtures';

type Expected = Partial<ReturnType<typeof evaluateOfficeHours>>;

function rows(calendar: CalendarConfig, table: Array<[string, string, Expected]>) {
	return table.map(([instant, weekday, expected]) => ({ calendar, instant, weekday, expected }));
}

const christmasEve = riminiWith({
	closures: [{ from: '2026-12-24', fromTime: '13:00', name: 'Vigilia di Natale' }],
});
const summerClosure = riminiWith({
	closures: [{ from: '10/08/2026', to: '21/08/2026', name: 'Chiusura estiva' }],
});
const holidayWeek = riminiWith({
	closures: [{ from: '24/12/2026', to: '2026-12-31', fromTime: '13:00' }],
});
const closesBeforeOpening = riminiWith({ closures: [{ from: '3/3/2026', fromTime: '08:00' }] });
const twoClosuresSameDay = riminiWith({
	closures: [
		{ from: '2026-03-03', fromTime: '15:00', name: 'Assemblea' },
		{ from: '2026-03-03', fromTime: '13:00', name: 'Sciopero' },
	],
});
const closureOnHolidays = riminiWith({
	closures: [
		{ from: '2026-12-25', name: 'Ponte' },
		{ from: '2026-10-14', name: 'Ponte' },
	],
});

// prettier-ignore
const closureRows = [
	...rows(christmasEve, [
		// Thursday 24 December 2026 would be open until 17:00; the closure ends the day at 13:00.
		['2026-12-24T08:00', 'Thursday', { open: false, reason: 'outsideHours', nextOpeningText: 'oggi alle 9:00' }],
		['2026-12-24T12:00', 'Thursday', { open: true, closesAt: '2026-12-24T13:00:00.000+01:00', nextOpening: '2026-12-28T09:00:00.000+01:00', nextOpeningText: 'lunedì 28 dicembre alle 9:00' }],
		['2026-12-24T12:59:59', 'Thursday', { open: true, closesAt: '2026-12-24T13:00:00.000+01:00' }],
		['2026-12-24T13:00', 'Thursday', { open: false, reason: 'closure', holidayName: 'Vigilia di Natale', closesAt: null, nextOpening: '2026-12-28T09:00:00.000+01:00' }],
		['2026-12-24T20:00', 'Thursday', { open: false, reason: 'closure', holidayName: 'Vigilia di Natale' }],
		['2026-12-23T10:00', 'Wednesday', { open: true, closesAt: '2026-12-23T13:00:00.000+01:00', nextOpening: '2026-12-24T09:00:00.000+01:00', nextOpeningText: 'domani alle 9:00' }],
		// The closure only applies to its own day.
		['2026-12-31T16:00', 'Thursday', { open: true, closesAt: '2026-12-31T17:00:00.000+01:00' }],
	]),
	...rows(summerClosure, [
		['2026-08-07T12:00', 'Friday', { open: true, nextOpeningText: 'domani alle 9:00' }],
		['2026-08-08T12:00', 'Saturday', { open: true, nextOpening: '2026-08-22T09:00:00.000+02:00', nextOpeningText: 'sabato 22 agosto alle 9:00' }],
		['2026-08-10T10:00', 'Monday', { open: false, reason: 'closure', holidayName: 'Chiusura estiva', nextOpening: '2026-08-22T09:00:00.000+02:00', nextOpeningText: 'sabato 22 agosto alle 9:00' }],
		// A national holiday inside the closure keeps its own reason.
		['2026-08-15T10:00', 'Saturday', { open: false, reason: 'holiday', holidayName: 'Ferragosto' }],
		// Whole closed days are reported as the closure even on a Sunday or at night.
		['2026-08-16T10:00', 'Sunday', { open: false, reason: 'closure', holidayName: 'Chiusura estiva' }],
		['2026-08-21T22:00', 'Friday', { open: false, reason: 'closure', nextOpeningText: 'domani alle 9:00' }],
		['2026-08-22T10:00', 'Saturday', { open: true, closesAt: '2026-08-22T13:00:00.000+02:00' }],
	]),
	...rows(holidayWeek, [
		['2026-12-24T10:00', 'Thursday', { open: true, closesAt: '2026-12-24T13:00:00.000+01:00', nextOpening: '2027-01-02T09:00:00.000+01:00', nextOpeningText: 'sabato 2 gennaio alle 9:00' }],
		['2026-12-24T14:00', 'Thursday', { open: false, reason: 'closure', holidayName: 'Chiusura straordinaria' }],
		// Later days are closed all day, whatever `fromTime` says.
		['2026-12-28T10:00', 'Monday', { open: false, reason: 'closure', holidayName: 'Chiusura straordinaria' }],
		['2026-12-31T08:00', 'Thursday', { open: false, reason: 'closure', nextOpening: '2027-01-02T09:00:00.000+01:00' }],
		['2027-01-02T09:00', 'Saturday', { open: true }],
	]),
	...rows(closesBeforeOpening, [
		// Closing from 08:00 cancels the whole Tuesday opening; before 08:00 it is just outside hours.
		['2026-03-03T07:00', 'Tuesday', { open: false, reason: 'outsideHours', holidayName: null, nextOpening: '2026-03-04T09:00:00.000+01:00', nextOpeningText: 'domani alle 9:00' }],
		['2026-03-03T10:00', 'Tuesday', { open: false, reason: 'closure', holidayName: 'Chiusura straordinaria' }],
	]),
	...rows(twoClosuresSameDay, [
		['2026-03-03T12:00', 'Tuesday', { open: true, closesAt: '2026-03-03T13:00:00.000+01:00' }],
		['2026-03-03T14:00', 'Tuesday', { open: false, reason: 'closure', holidayName: 'Sciopero' }],
	]),
	...rows(closureOnHolidays, [
		['2026-12-25T10:00', 'Friday', { open: false, reason: 'holiday', holidayName: 'Natale' }],
		['2026-10-14T10:00', 'Wednesday', { open: false, reason: 'patronDay', holidayName: 'San Gaudenzio' }],
	]),
];

const mondayTuesdaySplit = plainCalendar({
	1: [range('9:00', '13:00'), range('14:30', '16:30')],
	2: [range('14:30', '16:30'), range('09:00', '13:00')], // given out of order on purpose
});
const touching = plainCalendar({ 1: [range('9:00', '13:00'), range('13:00', '17:00')] });
const acrossMidnight = plainCalendar({ 1: [range('20:00', '24:00')], 2: [range('0:00', '2:00')] });

// prettier-ignore
const rangeRows = [
	...rows(mondayTuesdaySplit, [
		['2026-03-02T10:00', 'Monday', { open: true, closesAt: '2026-03-02T13:00:00.000+01:00', nextOpening: '2026-03-02T14:30:00.000+01:00', nextOpeningText: 'oggi alle 14:30' }],
		['2026-03-02T13:30', 'Monday', { open: false, reason: 'outsideHours', nextOpening: '2026-03-02T14:30:00.000+01:00', nextOpeningText: 'oggi alle 14:30' }],
		['2026-03-02T14:30', 'Monday', { open: true, closesAt: '2026-03-02T16:30:00.000+01:00', nextOpening: '2026-03-03T09:00:00.000+01:00', nextOpeningText: 'domani alle 9:00' }],
		['2026-03-02T16:30', 'Monday', { open: false, nextOpeningText: 'domani alle 9:00' }],
		['2026-03-03T13:00', 'Tuesday', { open: false, nextOpeningText: 'oggi alle 14:30' }],
		['2026-03-03T16:30', 'Tuesday', { open: false, nextOpening: '2026-03-09T09:00:00.000+01:00', nextOpeningText: 'lunedì 9 marzo alle 9:00' }],
		['2026-03-03T17:00', 'Tuesday', { scheduleText: 'lunedì e martedì 9:00–13:00 e 14:30–16:30; mercoledì, giovedì, venerdì, sabato e domenica chiuso' }],
	]),
	// Ranges that touch form one opening: closesAt is the end of the afternoon.
	...rows(touching, [
		['2026-03-02T10:00', 'Monday', { open: true, closesAt: '2026-03-02T17:00:00.000+01:00', nextOpening: '2026-03-09T09:00:00.000+01:00' }],
		['2026-03-02T13:00', 'Monday', { open: true, closesAt: '2026-03-02T17:00:00.000+01:00' }],
	]),
	// Monday until 24:00 joins Tuesday from 0:00.
	...rows(acrossMidnight, [
		['2026-03-02T22:00', 'Monday', { open: true, closesAt: '2026-03-03T02:00:00.000+01:00', nextOpening: '2026-03-09T20:00:00.000+01:00', nextOpeningText: 'lunedì 9 marzo alle 20:00' }],
		['2026-03-03T01:00', 'Tuesday', { open: true, closesAt: '2026-03-03T02:00:00.000+01:00' }],
		['2026-03-02T19:59', 'Monday', { open: false, nextOpeningText: 'oggi alle 20:00' }],
	]),
];

describe('closures', () => {
	test.each(closureRows)('table sanity: $instant is a $weekday', ({ instant, weekday }) => {
		expect(weekdayOfDate(instant)).toBe(weekday);
	});
	test.each(closureRows)(
		'$instant → $expected.reason $expected.holidayName',
		({ calendar, instant, expected }) => {
			expect(evaluateOfficeHours(calendar, instant)).toMatchObject(expected);
		},
	);
});

describe('several ranges a day', () => {
	test.each(rangeRows)('table sanity: $instant is a $weekday', ({ instant, weekday }) => {
		expect(weekdayOfDate(instant)).toBe(weekday);
	});
	test.each(rangeRows)('$instant', ({ calendar, instant, expected }) => {
		expect(evaluateOfficeHours(calendar, instant)).toMatchObject(expected);
	});
});

describe('holiday and patron day settings', () => {
	test('with national holidays off, Easter Monday 2026 is an ordinary Monday', () => {
		const calendar = riminiWith({ nationalHolidays: false });
		expect(evaluateOfficeHours(calendar, '2026-04-06T10:00')).toMatchObject({
			open: true,
			reason: 'open',
			closesAt: '2026-04-06T13:00:00.000+02:00',
		});
		// The patron day still applies.
		expect(evaluateOfficeHours(calendar, '2026-10-14T10:00').reason).toBe('patronDay');
	});

	test('without a patron day, 14 October 2026 (Wednesday) is open', () => {
		expect(evaluateOfficeHours(riminiWith({ patronDay: null }), '2026-10-14T10:00').open).toBe(
			true,
		);
	});

	test('a patron day that is also a national holiday reports the national holiday', () => {
		const assisi = riminiWith({ patronDay: { month: 10, day: 4, name: 'San Francesco patrono' } });
		expect(evaluateOfficeHours(assisi, '2026-10-04T10:00')).toMatchObject({
			reason: 'holiday',
			holidayName: "San Francesco d'Assisi",
		});
		// In 2025 4 October is not a national holiday: the patron day closes the Saturday.
		expect(evaluateOfficeHours(assisi, '2025-10-04T10:00')).toMatchObject({
			open: false,
			reason: 'patronDay',
			holidayName: 'San Francesco patrono',
			nextOpeningText: 'lunedì 6 ottobre alle 9:00',
		});
	});

	test('a 29 February patron day applies in leap years only', () => {
		const calendar = riminiWith({ patronDay: { month: 2, day: 29, name: 'Santo bisestile' } });
		expect(weekdayOfDate('2028-02-29')).toBe('Tuesday');
		expect(evaluateOfficeHours(calendar, '2028-02-29T10:00')).toMatchObject({
			reason: 'patronDay',
			holidayName: 'Santo bisestile',
		});
		expect(evaluateOfficeHours(calendar, '2027-03-01T10:00').open).toBe(true);
	});

	test('a blank patron name falls back to a generic Italian name', () => {
		const calendar = riminiWith({ patronDay: { month: 10, day: 14, name: '  ' } });
		expect(evaluateOfficeHours(calendar, '2026-10-14T10:00').holidayName).toBe(
			'Festa del santo patrono',
		);
	});
});

describe('edge schedules', () => {
	test('an empty schedule is always closed and has no next opening', () => {
		const calendar = riminiWith({ schedule: {} });
		expect(evaluateOfficeHours(calendar, '2026-03-03T10:00')).toEqual({
			open: false,
			reason: 'outsideHours',
			holidayName: null,
			closesAt: null,
			nextOpening: null,
			nextOpeningText: null,
			scheduleText: 'chiuso tutti i giorni',
		});
		// A holiday still reports itself.
		expect(evaluateOfficeHours(calendar, '2026-12-25T10:00')).toMatchObject({
			reason: 'holiday',
			holidayName: 'Natale',
			nextOpening: null,
		});
	});

	test('days given as empty lists are closed', () => {
		const calendar = riminiWith({ schedule: { 1: [], 2: [range('9:00', '10:00')] } });
		expect(evaluateOfficeHours(calendar, '2026-03-02T09:30').open).toBe(false); // Monday
		expect(evaluateOfficeHours(calendar, '2026-03-03T09:30').open).toBe(true); // Tuesday
	});

	test('open around the clock without holidays: open, never closes, no next opening', () => {
		const calendar = plainCalendar(everyDay([range('0:00', '24:00')]));
		expect(evaluateOfficeHours(calendar, '2026-03-03T10:00')).toMatchObject({
			open: true,
			closesAt: null,
			nextOpening: null,
			nextOpeningText: null,
			scheduleText: 'tutti i giorni 0:00–24:00',
		});
	});

	test('open around the clock with holidays: closes at Easter 2026 and reopens on Tuesday', () => {
		const calendar = riminiWith({ schedule: everyDay([range('0:00', '24:00')]), patronDay: null });
		expect(evaluateOfficeHours(calendar, '2026-03-03T10:00')).toMatchObject({
			open: true,
			closesAt: '2026-04-05T00:00:00.000+02:00',
			nextOpening: '2026-04-07T00:00:00.000+02:00',
			nextOpeningText: 'martedì 7 aprile alle 0:00',
		});
	});

	test(`the next opening is searched ${SEARCH_DAYS} days ahead, no further`, () => {
		// From Monday 2 March 2026: 1 April 2027 is 395 days later, 1 May 2027 is 425.
		expect(SEARCH_DAYS).toBe(400);
		const toMarch = riminiWith({ closures: [{ from: '2026-03-01', to: '2027-03-31' }] });
		expect(evaluateOfficeHours(toMarch, '2026-03-02T10:00')).toMatchObject({
			reason: 'closure',
			nextOpening: '2027-04-01T09:00:00.000+02:00', // a Thursday
			nextOpeningText: 'giovedì 1 aprile alle 9:00',
		});
		const toApril = riminiWith({ closures: [{ from: '2026-03-01', to: '2027-04-30' }] });
		expect(evaluateOfficeHours(toApril, '2026-03-02T10:00').nextOpening).toBeNull();
	});

	test('timezone left blank means Europe/Rome', () => {
		const blank = riminiWith({ timezone: '' });
		for (const instant of ['2026-03-30T07:30:00Z', '2026-03-23T07:30:00Z', '2026-12-25T10:00']) {
			expect(evaluateOfficeHours(blank, instant)).toEqual(
				evaluateOfficeHours(RIMINI_CALENDAR, instant),
			);
		}
	});

	test('instants in every accepted form give the same answer', () => {
		// Tuesday 3 March 2026, 10:00 CET = 09:00Z = epoch 1772528400 s.
		expect(Date.UTC(2026, 2, 3, 9) / 1000).toBe(1772528400);
		const expected = evaluateOfficeHours(RIMINI_CALENDAR, '2026-03-03T10:00');
		expect(expected.open).toBe(true);
		for (const instant of [
			new Date('2026-03-03T09:00:00Z'),
			DateTime.fromISO('2026-03-03T04:00', { zone: 'America/New_York' }),
			'2026-03-03T09:00:00Z',
			'2026-03-03T11:00:00+02:00',
			'Tue, 03 Mar 2026 10:00:00 +0100',
			1772528400,
			'1772528400',
			1772528400000,
		]) {
			expect(evaluateOfficeHours(RIMINI_CALENDAR, instant)).toEqual(expected);
		}
	});

	test('RIMINI_CALENDAR is frozen so callers cannot change the defaults by accident', () => {
		expect(Object.isFrozen(RIMINI_CALENDAR)).toBe(true);
		expect(Object.isFrozen(RIMINI_CALENDAR.closures)).toBe(true);
		expect(Object.isFrozen(RIMINI_CALENDAR.schedule[1])).toBe(true);
		expect(() => (RIMINI_CALENDAR.closures as unknown[]).push({ from: '2026-01-02' })).toThrow(
			TypeError,
		);
	});
});
