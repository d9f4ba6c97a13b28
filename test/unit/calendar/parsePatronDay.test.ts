import {
	CalendarConfigError,
	parsePatronDay,
	validateCalendarConfig,
	RIMINI_CALENDAR,
} from '../../../nodes/core/calendar';

describe('parsePatronDay', () => {
	test.each([
		['14/10', { day: 14, month: 10 }],
		[' 14/10 ', { day: 14, month: 10 }],
		['4.10', { day: 4, month: 10 }],
		['29-02', { day: 29, month: 2 }],
	])('reads %j', (text, expected) => {
		expect(parsePatronDay(text, 'San Gaudenzio')).toEqual({ ...expected, name: 'San Gaudenzio' });
	});

	test('blank text means no patron day', () => {
		expect(parsePatronDay('  ', 'San Gaudenzio')).toBeNull();
	});

	test.each([
		'ottobre',
		'14/10/2026',
		'14',
		'1410',
		'<b>14/10</b>',
		'14/10; DROP TABLE',
		'x'.repeat(10_000),
	])('rejects %j naming the field', (text) => {
		const error = (() => {
			try {
				parsePatronDay(text, '');
			} catch (caught) {
				return caught as CalendarConfigError;
			}
			throw new Error('no error');
		})();
		expect(error).toBeInstanceOf(CalendarConfigError);
		expect(error.field).toBe('patronDay');
		expect(error.message).toMatch(/use DD\/MM/);
		expect(error.message.length).toBeLessThan(200);
	});

	test('a day that does not exist is caught by the configuration check', () => {
		const patronDay = parsePatronDay('31/02', '');
		expect(() => validateCalendarConfig({ ...RIMINI_CALENDAR, patronDay })).toThrow(
			CalendarConfigError,
		);
	});
});
