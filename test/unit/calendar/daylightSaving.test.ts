/**
 * Daylight-saving changes. Europe/Rome: last Sunday of March 02:00 CET → 03:00 CEST
 * (29 Mar 2026, 30 Mar 2025, 28 Mar 2027), last Sunday of October 03:00 CEST → 02:00 CET
 * (25 Oct 2026, 26 Oct 2025, 31 Oct 2027). A UTC instant therefore means a different
 * Rome wall-clock hour on either side of the change.
 */
import { evaluateOfficeHours, RIMINI_CALENDAR } from '../../../nodes/core/calendar';
import { plainCalendar, range } from './calendarFixtures';

describe('Rimini hours on both sides of the DST changes (instants in UTC)', () => {
	// prettier-ignore
	test.each([
		// [instant (UTC), Rome wall clock, open, closesAt, nextOpening, nextOpeningText]
		['2026-03-30T07:30:00Z', 'Mon 9:30 CEST', true, '2026-03-30T13:00:00.000+02:00', '2026-03-31T09:00:00.000+02:00', 'domani alle 9:00'],
		['2026-03-23T07:30:00Z', 'Mon 8:30 CET', false, null, '2026-03-23T09:00:00.000+01:00', 'oggi alle 9:00'],
		['2026-03-23T11:30:00Z', 'Mon 12:30 CET', true, '2026-03-23T13:00:00.000+01:00', '2026-03-24T09:00:00.000+01:00', 'domani alle 9:00'],
		['2026-03-30T11:30:00Z', 'Mon 13:30 CEST', false, null, '2026-03-31T09:00:00.000+02:00', 'domani alle 9:00'],
		// Saturday before the change → Monday after it: the opening is at +02:00.
		['2026-03-28T11:00:00Z', 'Sat 12:00 CET', true, '2026-03-28T13:00:00.000+01:00', '2026-03-30T09:00:00.000+02:00', 'lunedì 30 marzo alle 9:00'],
		['2026-03-29T00:30:00Z', 'Sun 1:30 CET', false, null, '2026-03-30T09:00:00.000+02:00', 'domani alle 9:00'],
		['2026-03-29T01:30:00Z', 'Sun 3:30 CEST', false, null, '2026-03-30T09:00:00.000+02:00', 'domani alle 9:00'],
		['2025-03-31T07:30:00Z', 'Mon 9:30 CEST', true, '2025-03-31T13:00:00.000+02:00', '2025-04-01T09:00:00.000+02:00', 'domani alle 9:00'],
		['2025-03-24T07:30:00Z', 'Mon 8:30 CET', false, null, '2025-03-24T09:00:00.000+01:00', 'oggi alle 9:00'],
		// October 2026.
		['2026-10-19T07:30:00Z', 'Mon 9:30 CEST', true, '2026-10-19T13:00:00.000+02:00', '2026-10-20T09:00:00.000+02:00', 'domani alle 9:00'],
		['2026-10-26T07:30:00Z', 'Mon 8:30 CET', false, null, '2026-10-26T09:00:00.000+01:00', 'oggi alle 9:00'],
		['2026-10-20T15:30:00Z', 'Tue 17:30 CEST', false, null, '2026-10-21T09:00:00.000+02:00', 'domani alle 9:00'],
		['2026-10-27T15:30:00Z', 'Tue 16:30 CET', true, '2026-10-27T17:00:00.000+01:00', '2026-10-28T09:00:00.000+01:00', 'domani alle 9:00'],
		['2026-10-24T10:00:00Z', 'Sat 12:00 CEST', true, '2026-10-24T13:00:00.000+02:00', '2026-10-26T09:00:00.000+01:00', 'lunedì 26 ottobre alle 9:00'],
		// The repeated hour on 25 October 2026: 02:30 CEST, then 02:30 CET.
		['2026-10-25T00:30:00Z', 'Sun 2:30 CEST', false, null, '2026-10-26T09:00:00.000+01:00', 'domani alle 9:00'],
		['2026-10-25T01:30:00Z', 'Sun 2:30 CET', false, null, '2026-10-26T09:00:00.000+01:00', 'domani alle 9:00'],
		['2025-10-20T07:30:00Z', 'Mon 9:30 CEST', true, '2025-10-20T13:00:00.000+02:00', '2025-10-21T09:00:00.000+02:00', 'domani alle 9:00'],
		['2025-10-27T07:30:00Z', 'Mon 8:30 CET', false, null, '2025-10-27T09:00:00.000+01:00', 'oggi alle 9:00'],
		['2027-11-02T07:30:00Z', 'Tue 8:30 CET', false, null, '2027-11-02T09:00:00.000+01:00', 'oggi alle 9:00'],
	])('%s (%s) → open %s', (instant, _wallClock, open, closesAt, nextOpening, nextOpeningText) => {
		const result = evaluateOfficeHours(RIMINI_CALENDAR, instant);
		expect(result.open).toBe(open);
		expect(result.reason).toBe(open ? 'open' : 'outsideHours');
		expect(result.closesAt).toBe(closesAt);
		expect(result.nextOpening).toBe(nextOpening);
		expect(result.nextOpeningText).toBe(nextOpeningText);
	});
});

describe('ranges that touch the skipped hour (Sunday 29 March 2026, 02:00–03:00 does not exist)', () => {
	test('a range starting in the gap opens when the clocks jump (03:00 CEST), not an hour later', () => {
		const calendar = plainCalendar({ 7: [range('2:30', '4:00')] });
		const before = evaluateOfficeHours(calendar, '2026-03-29T00:45:00Z'); // 01:45 CET
		expect(before).toMatchObject({
			open: false,
			nextOpening: '2026-03-29T03:00:00.000+02:00',
			nextOpeningText: 'oggi alle 3:00',
		});
		// 03:15 CEST is within 2:30–4:00 by the wall clock, so the office is open.
		const during = evaluateOfficeHours(calendar, '2026-03-29T01:15:00Z');
		expect(during).toMatchObject({ open: true, closesAt: '2026-03-29T04:00:00.000+02:00' });
		// On an ordinary Sunday the same range opens at 2:30.
		expect(evaluateOfficeHours(calendar, '2026-03-22T00:00:00Z').nextOpening).toBe(
			'2026-03-22T02:30:00.000+01:00',
		);
	});

	test('a range entirely inside the gap does not happen that day', () => {
		const calendar = plainCalendar({ 7: [range('2:00', '2:30')] });
		const result = evaluateOfficeHours(calendar, '2026-03-29T00:30:00Z'); // Sun 01:30 CET
		expect(result).toMatchObject({
			open: false,
			nextOpening: '2026-04-05T02:00:00.000+02:00', // the following Sunday
			nextOpeningText: 'domenica 5 aprile alle 2:00',
		});
	});

	test('a range across the gap lasts one real hour less', () => {
		const calendar = plainCalendar({ 7: [range('1:00', '3:30')] });
		const result = evaluateOfficeHours(calendar, '2026-03-29T01:10:00Z'); // 03:10 CEST
		expect(result).toMatchObject({ open: true, closesAt: '2026-03-29T03:30:00.000+02:00' });
		expect(evaluateOfficeHours(calendar, '2026-03-29T00:00:00Z').open).toBe(true); // 01:00 CET
		expect(evaluateOfficeHours(calendar, '2026-03-29T01:30:00Z').open).toBe(false); // 03:30 CEST
	});

	test('a range ending in the gap closes when the clocks jump', () => {
		const calendar = plainCalendar({ 7: [range('1:00', '2:30')] });
		expect(evaluateOfficeHours(calendar, '2026-03-29T00:59:59Z')).toMatchObject({
			open: true,
			closesAt: '2026-03-29T03:00:00.000+02:00',
		});
		expect(evaluateOfficeHours(calendar, '2026-03-29T01:00:00Z').open).toBe(false); // 03:00 CEST
	});
});

describe('ranges that touch the repeated hour (Sunday 25 October 2026, 02:00–03:00 happens twice)', () => {
	test('a range inside the repeated hour is open through both passes', () => {
		const calendar = plainCalendar({ 7: [range('2:00', '2:30')] });
		expect(evaluateOfficeHours(calendar, '2026-10-24T23:30:00Z')).toMatchObject({
			open: false,
			nextOpening: '2026-10-25T02:00:00.000+02:00', // first 02:00
			nextOpeningText: 'oggi alle 2:00',
		});
		expect(evaluateOfficeHours(calendar, '2026-10-25T00:10:00Z')).toMatchObject({
			open: true, // 02:10 CEST
			closesAt: '2026-10-25T02:30:00.000+01:00', // second 02:30
		});
		expect(evaluateOfficeHours(calendar, '2026-10-25T01:10:00Z').open).toBe(true); // 02:10 CET
		expect(evaluateOfficeHours(calendar, '2026-10-25T01:30:00Z').open).toBe(false); // 02:30 CET
	});

	test('a whole-day range lasts 25 hours and ends at midnight CET', () => {
		const calendar = plainCalendar({ 7: [range('0:00', '24:00')] });
		const result = evaluateOfficeHours(calendar, '2026-10-24T22:00:00Z'); // Sun 00:00 CEST
		expect(result).toMatchObject({ open: true, closesAt: '2026-10-26T00:00:00.000+01:00' });
		const end = Date.parse(result.closesAt ?? '');
		expect(end - Date.parse('2026-10-24T22:00:00Z')).toBe(25 * 3_600_000);
	});

	test('an ordinary morning range on the change day follows CET', () => {
		const calendar = plainCalendar({ 7: [range('9:00', '13:00')] });
		expect(evaluateOfficeHours(calendar, '2026-10-25T07:30:00Z')).toMatchObject({
			open: false, // 08:30 CET
			nextOpening: '2026-10-25T09:00:00.000+01:00',
			nextOpeningText: 'oggi alle 9:00',
		});
		expect(evaluateOfficeHours(calendar, '2026-10-25T08:00:00Z').open).toBe(true); // 09:00 CET
	});
});

describe('other timezones', () => {
	const weekdays9to17 = { 1: [range('9:00', '17:00')], 2: [range('9:00', '17:00')] };

	test('America/New_York: summer time from Sunday 8 March 2026 moves the UTC opening an hour earlier', () => {
		const calendar = plainCalendar(weekdays9to17, 'America/New_York');
		expect(evaluateOfficeHours(calendar, '2026-03-02T13:30:00Z')).toMatchObject({
			open: false, // 08:30 EST
			nextOpening: '2026-03-02T09:00:00.000-05:00',
			nextOpeningText: 'oggi alle 9:00',
		});
		expect(evaluateOfficeHours(calendar, '2026-03-09T13:30:00Z')).toMatchObject({
			open: true, // 09:30 EDT
			closesAt: '2026-03-09T17:00:00.000-04:00',
		});
	});

	test('America/Santiago: midnight of Sunday 6 September 2026 does not exist (00:00 -04 → 01:00 -03)', () => {
		const saturdayEvening = plainCalendar({ 6: [range('20:00', '24:00')] }, 'America/Santiago');
		expect(evaluateOfficeHours(saturdayEvening, '2026-09-06T01:00:00Z')).toMatchObject({
			open: true, // Sat 21:00 -04
			closesAt: '2026-09-06T01:00:00.000-03:00', // the instant the clocks jump
		});
		const sundayNight = plainCalendar({ 7: [range('0:00', '2:00')] }, 'America/Santiago');
		expect(evaluateOfficeHours(sundayNight, '2026-09-06T03:30:00Z')).toMatchObject({
			open: false, // Sat 23:30 -04
			nextOpening: '2026-09-06T01:00:00.000-03:00',
			nextOpeningText: 'domani alle 1:00',
		});
		const both = plainCalendar(
			{ 6: [range('20:00', '24:00')], 7: [range('0:00', '2:00')] },
			'America/Santiago',
		);
		expect(evaluateOfficeHours(both, '2026-09-06T01:00:00Z').closesAt).toBe(
			'2026-09-06T02:00:00.000-03:00',
		);
	});
});
