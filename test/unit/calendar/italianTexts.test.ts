/** Italian texts: the weekly schedule and the next opening. */
import {
	describeSchedule,
	evaluateOfficeHours,
	RIMINI_CALENDAR,
} from '../../../nodes/core/calendar';
import { everyDay, plainCalendar, range, weekdayOfDate } from './calendarFixtures';

describe('scheduleText', () => {
	test.each([
		[
			'Rimini',
			RIMINI_CALENDAR.schedule,
			'lunedì, mercoledì, venerdì e sabato 9:00–13:00; martedì e giovedì 9:00–17:00; domenica chiuso',
		],
		[
			'two ranges on weekdays, leading zeros dropped',
			{
				1: [range('09:00', '13:00'), range('14:30', '16:30')],
				2: [range('09:00', '13:00'), range('14:30', '16:30')],
				3: [range('09:00', '13:00'), range('14:30', '16:30')],
				4: [range('09:00', '13:00'), range('14:30', '16:30')],
				5: [range('09:00', '13:00')],
			},
			'lunedì, martedì, mercoledì e giovedì 9:00–13:00 e 14:30–16:30; venerdì 9:00–13:00; sabato e domenica chiuso',
		],
		[
			'groups follow the first day of each group in week order',
			{ 2: [range('8:05', '12:00')], 7: [range('10:00', '12:00')] },
			'lunedì, mercoledì, giovedì, venerdì e sabato chiuso; martedì 8:05–12:00; domenica 10:00–12:00',
		],
		[
			'one day only',
			{ 3: [range('9:00', '24:00')] },
			'lunedì, martedì, giovedì, venerdì, sabato e domenica chiuso; mercoledì 9:00–24:00',
		],
		['all days the same', everyDay([range('8:00', '20:00')]), 'tutti i giorni 8:00–20:00'],
		['empty', {}, 'chiuso tutti i giorni'],
	])('%s', (_label, schedule, expected) => {
		expect(describeSchedule(plainCalendar(schedule))).toBe(expected);
		expect(evaluateOfficeHours(plainCalendar(schedule), '2026-03-03T10:00').scheduleText).toBe(
			expected,
		);
	});

	test('ranges given out of order are listed by start time', () => {
		const schedule = { 1: [range('15:00', '18:00'), range('9:00', '12:00')] };
		expect(describeSchedule(plainCalendar(schedule))).toBe(
			'lunedì 9:00–12:00 e 15:00–18:00; martedì, mercoledì, giovedì, venerdì, sabato e domenica chiuso',
		);
	});
});

describe('nextOpeningText', () => {
	// Only Tuesdays 9:05–10:00 and Fridays 14:30–15:00 (no holidays), so the phrasing is easy to predict.
	const calendar = plainCalendar({ 2: [range('9:05', '10:00')], 5: [range('14:30', '15:00')] });

	// prettier-ignore
	test.each([
		['2026-02-28T14:00', 'Saturday', 'martedì 3 marzo alle 9:05', '2026-03-03T09:05:00.000+01:00'],
		['2026-03-02T09:00', 'Monday', 'domani alle 9:05', '2026-03-03T09:05:00.000+01:00'],
		['2026-03-02T23:59:59', 'Monday', 'domani alle 9:05', '2026-03-03T09:05:00.000+01:00'],
		['2026-03-03T00:00', 'Tuesday', 'oggi alle 9:05', '2026-03-03T09:05:00.000+01:00'],
		['2026-03-03T09:30', 'Tuesday', 'venerdì 6 marzo alle 14:30', '2026-03-06T14:30:00.000+01:00'],
		['2026-03-05T20:00', 'Thursday', 'domani alle 14:30', '2026-03-06T14:30:00.000+01:00'],
		['2026-03-06T12:00', 'Friday', 'oggi alle 14:30', '2026-03-06T14:30:00.000+01:00'],
		// Across a month and a year: lowercase month, no leading zero on the day.
		['2026-12-26T10:00', 'Saturday', 'martedì 29 dicembre alle 9:05', '2026-12-29T09:05:00.000+01:00'],
		['2026-12-30T10:00', 'Wednesday', 'venerdì 1 gennaio alle 14:30', '2027-01-01T14:30:00.000+01:00'],
		['2026-07-31T16:00', 'Friday', 'martedì 4 agosto alle 9:05', '2026-08-04T09:05:00.000+02:00'],
	])('%s (%s) → %s', (instant, weekday, text, iso) => {
		expect(weekdayOfDate(instant)).toBe(weekday);
		const result = evaluateOfficeHours(calendar, instant);
		expect(result.nextOpening).toBe(iso);
		expect(result.nextOpeningText).toBe(text);
	});

	// The 1st of each month of 2026 falls on every weekday at least once (Thu, Sun, Sun, Wed, Fri,
	// Mon, Wed, Sat, Tue, Thu, Sun, Tue). Weekdays here come from plain JS Date, not from the code.
	const months = [
		'gennaio',
		'febbraio',
		'marzo',
		'aprile',
		'maggio',
		'giugno',
		'luglio',
		'agosto',
		'settembre',
		'ottobre',
		'novembre',
		'dicembre',
	];
	const sundayFirstWeekdays = [
		'domenica',
		'lunedì',
		'martedì',
		'mercoledì',
		'giovedì',
		'venerdì',
		'sabato',
	];
	test.each(months.map((name, index) => [index + 1, name]))(
		'month %i is written "%s"',
		(month, name) => {
			const first = new Date(Date.UTC(2026, Number(month) - 1, 1));
			const weekday = first.getUTCDay() === 0 ? 7 : first.getUTCDay();
			const onlyThatWeekday = plainCalendar({ [weekday]: [range('9:00', '10:00')] });
			const threeDaysBefore = new Date(Date.UTC(2026, Number(month) - 1, -2, 11));
			expect(evaluateOfficeHours(onlyThatWeekday, threeDaysBefore).nextOpeningText).toBe(
				`${sundayFirstWeekdays[first.getUTCDay()]} 1 ${name} alle 9:00`,
			);
		},
	);
});
