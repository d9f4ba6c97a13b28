/** parseInstant: every accepted form, and hostile or malformed input. */
import { DateTime } from 'luxon';
import { CalendarInputError, parseInstant } from '../../../nodes/core/calendar';

// Tuesday 3 March 2026, 09:00 UTC = 10:00 in Rome (CET, +01:00).
const EXPECTED_MS = Date.UTC(2026, 2, 3, 9, 0, 0);
const EPOCH_SECONDS = EXPECTED_MS / 1000;

describe('parseInstant accepts', () => {
	test('the example epoch is what the table below assumes', () => {
		expect(EPOCH_SECONDS).toBe(1772528400);
	});

	test.each<[string, unknown]>([
		['a Date', new Date(EXPECTED_MS)],
		['a luxon DateTime in UTC', DateTime.fromMillis(EXPECTED_MS, { zone: 'utc' })],
		['a luxon DateTime in another zone', DateTime.fromMillis(EXPECTED_MS, { zone: 'Asia/Tokyo' })],
		['ISO with Z', '2026-03-03T09:00:00Z'],
		['ISO with milliseconds and Z', '2026-03-03T09:00:00.000Z'],
		['ISO with a positive offset', '2026-03-03T11:00:00+02:00'],
		['ISO with a negative offset', '2026-03-03T04:00:00-05:00'],
		['ISO with a compact offset', '2026-03-03T10:00:00+0100'],
		['ISO without an offset (read in Europe/Rome)', '2026-03-03T10:00'],
		['ISO without seconds or offset', '2026-03-03T10:00:00.000'],
		['ISO basic format', '20260303T090000Z'],
		['ISO week date', '2026-W10-2T10:00'],
		['ISO ordinal date', '2026-062T10:00'],
		['ISO with surrounding spaces', '  2026-03-03T09:00:00Z  '],
		['SQL-style date and time (read in Europe/Rome)', '2026-03-03 10:00:00'],
		['RFC 2822', 'Tue, 03 Mar 2026 10:00:00 +0100'],
		['RFC 2822 without weekday', '3 Mar 2026 09:00:00 GMT'],
		['HTTP (IMF-fixdate)', 'Tue, 03 Mar 2026 09:00:00 GMT'],
		['HTTP (RFC 850)', 'Tuesday, 03-Mar-26 09:00:00 GMT'],
		['HTTP (asctime)', 'Tue Mar  3 09:00:00 2026'],
		['epoch seconds as a number', EPOCH_SECONDS],
		['epoch seconds as a string (WhatsApp webhooks)', String(EPOCH_SECONDS)],
		['epoch milliseconds as a number', EXPECTED_MS],
		['epoch milliseconds as a string', String(EXPECTED_MS)],
	])('%s', (_label, value) => {
		const parsed = parseInstant(value);
		expect(parsed.isValid).toBe(true);
		expect(parsed.toMillis()).toBe(EXPECTED_MS);
	});

	test('an ISO offset is kept in the result', () => {
		expect(parseInstant('2026-03-03T11:00:00+02:00').offset).toBe(120);
	});

	test('a date alone is midnight in the given zone', () => {
		expect(parseInstant('2026-03-03').toMillis()).toBe(Date.UTC(2026, 2, 2, 23)); // Rome, CET
		expect(parseInstant('2026-07-03').toMillis()).toBe(Date.UTC(2026, 6, 2, 22)); // Rome, CEST
		expect(parseInstant('2026-03-03', undefined, 'America/New_York').toMillis()).toBe(
			Date.UTC(2026, 2, 3, 5),
		);
		expect(parseInstant('2026-03-03T10:00', undefined, 'UTC').toMillis()).toBe(
			Date.UTC(2026, 2, 3, 10),
		);
	});

	test('WhatsApp webhook timestamp 1717000000 is 29 May 2024 16:26:40 UTC', () => {
		expect(parseInstant('1717000000').toISO()).toBe('2024-05-29T16:26:40.000Z');
	});

	test('numbers switch from seconds to milliseconds at 1e11', () => {
		// 99 999 999 999 s is in year 5138; 1e11 ms is 3 March 1973.
		expect(parseInstant(99_999_999_999).year).toBe(5138);
		expect(parseInstant(1e11).toMillis()).toBe(1e11);
		expect(parseInstant(0).toMillis()).toBe(0);
		expect(parseInstant('1717000000.5').toMillis()).toBe(1_717_000_000_500);
	});

	test.each<[string, unknown]>([
		['undefined', undefined],
		['null', null],
		['an empty string', ''],
		['blanks', '   '],
	])('%s means now', (_label, value) => {
		const now = new Date(EXPECTED_MS);
		expect(parseInstant(value, now).toMillis()).toBe(EXPECTED_MS);
		const before = Date.now();
		const parsed = parseInstant(value).toMillis();
		expect(parsed).toBeGreaterThanOrEqual(before);
		expect(parsed).toBeLessThanOrEqual(Date.now());
	});
});

describe('parseInstant rejects', () => {
	test.each<[string, unknown, string]>([
		['garbage text', 'garbage', '"garbage"'],
		['the text NaN', 'NaN', '"NaN"'],
		['NaN', Number.NaN, 'NaN'],
		['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
		['-Infinity', Number.NEGATIVE_INFINITY, '-Infinity'],
		['a negative number', -1, '-1'],
		['a negative numeric string', '-1717000000', '"-1717000000"'],
		['a huge number', 1e20, '100000000000000000000'],
		['a huge numeric string', '99999999999999999999999', '"99999999999999999999999"'],
		['exponent notation', '1e9', '"1e9"'],
		['hex', '0x10', '"0x10"'],
		['digits with trailing text', '1717000000abc', '"1717000000abc"'],
		['30 February', '2026-02-30', '"2026-02-30"'],
		['29 February in a common year', '2025-02-29T10:00', '"2025-02-29T10:00"'],
		['month 13', '2026-13-01', '"2026-13-01"'],
		['hour 25', '2026-03-03T25:00', '"2026-03-03T25:00"'],
		['an Italian date (not a timestamp format)', '03/03/2026', '"03/03/2026"'],
		['ISO with trailing text', '2026-03-03T10:00 extra', '"2026-03-03T10:00 extra"'],
		['before the Gregorian calendar', '1500-01-01T00:00:00Z', '"1500-01-01T00:00:00Z"'],
		['beyond year 9998', '+010000-01-01T00:00:00Z', '"+010000-01-01T00:00:00Z"'],
		['an invalid Date', new Date(Number.NaN), 'an invalid Date'],
		['a Date out of range', new Date(Date.UTC(1000, 0, 1)), '1000-01-01T00:00:00.000Z'],
		['an invalid DateTime', DateTime.invalid('made up'), 'made up'],
		['an object', { when: '2026-03-03' }, 'object'],
		['an array', ['2026-03-03T10:00'], 'array'],
		['a boolean', true, 'true'],
		['a bigint', BigInt(1717000000), '1717000000'],
		['a function', () => '2026-03-03', 'function'],
		['a symbol', Symbol('now'), 'symbol'],
	])('%s', (_label, value, shownInMessage) => {
		let caught: unknown;
		try {
			parseInstant(value);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(CalendarInputError);
		const error = caught as CalendarInputError;
		expect(error.field).toBe('instant');
		expect(error.name).toBe('CalendarInputError');
		expect(error.message).toContain(shownInMessage);
	});

	test('a date that does not exist says which part is wrong', () => {
		expect(() => parseInstant('2026-02-30')).toThrow(/30 .*as a day/);
	});

	test('a very long string is cut short in the message', () => {
		const hostile = 'x'.repeat(100_000);
		expect(() => parseInstant(hostile)).toThrow(CalendarInputError);
		try {
			parseInstant(hostile);
		} catch (error) {
			expect((error as Error).message.length).toBeLessThan(400);
		}
	});

	test('an unknown zone is reported on the zone field', () => {
		expect(() => parseInstant('2026-03-03T10:00', undefined, 'Mars/Olympus_Mons')).toThrow(
			expect.objectContaining({
				field: 'zone',
				message: expect.stringContaining('Mars/Olympus_Mons'),
			}),
		);
	});
});
