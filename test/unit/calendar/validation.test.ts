/** validateCalendarConfig: one case per kind of field, each naming the field and the bad value. */
import type { CalendarConfig } from '../../../nodes/core/calendar';
import {
	CalendarConfigError,
	CalendarInputError,
	evaluateOfficeHours,
	RIMINI_CALENDAR,
	validateCalendarConfig,
} from '../../../nodes/core/calendar';
import { range, riminiWith } from './calendarFixtures';

/** Builds a config from untyped pieces, as a node would from user-edited JSON. */
function configWith(overrides: Record<string, unknown>): CalendarConfig {
	return { ...RIMINI_CALENDAR, ...overrides } as unknown as CalendarConfig;
}

function configError(config: CalendarConfig): CalendarConfigError {
	try {
		validateCalendarConfig(config);
	} catch (error) {
		expect(error).toBeInstanceOf(CalendarConfigError);
		return error as CalendarConfigError;
	}
	throw new Error('expected validateCalendarConfig to throw');
}

describe('valid configurations', () => {
	test.each<[string, CalendarConfig]>([
		['Rimini defaults', RIMINI_CALENDAR],
		['empty schedule', riminiWith({ schedule: {} })],
		['blank timezone (Europe/Rome)', riminiWith({ timezone: '' })],
		['UTC', riminiWith({ timezone: 'UTC' })],
		[
			'end 24:00 and touching ranges',
			riminiWith({ schedule: { 1: [range('0:00', '12:00'), range('12:00', '24:00')] } }),
		],
		['one-digit hours', riminiWith({ schedule: { 1: [range('9:00', '9:30')] } })],
		['no patron day', riminiWith({ patronDay: null })],
		['29 February patron day', riminiWith({ patronDay: { month: 2, day: 29, name: 'x' } })],
		[
			'closure with every field',
			riminiWith({
				closures: [{ from: '24/12/2026', to: '31/12/2026', fromTime: '13:00', name: 'Feste' }],
			}),
		],
		[
			'closure with blank optional fields',
			configWith({ closures: [{ from: '2026-12-24', to: '', fromTime: '', name: '' }] }),
		],
		[
			'one-day closure with to = from',
			riminiWith({ closures: [{ from: '2026-12-24', to: '2026-12-24' }] }),
		],
	])('%s', (_label, config) => {
		expect(() => validateCalendarConfig(config)).not.toThrow();
	});
});

describe('invalid configurations', () => {
	// prettier-ignore
	test.each<[string, Record<string, unknown>, string, string]>([
		// [case, overrides, field, text the message must contain]
		['configuration not an object', { __replace: null }, 'config', 'null'],
		['unknown timezone', { timezone: 'Mars/Olympus_Mons' }, 'timezone', '"Mars/Olympus_Mons"'],
		['timezone not text', { timezone: 42 }, 'timezone', '42'],
		['schedule missing', { schedule: undefined }, 'schedule', 'undefined'],
		['schedule a list', { schedule: [] }, 'schedule', 'an array'],
		['unknown day key', { schedule: { 8: [range('9:00', '13:00')] } }, 'schedule', '"8"'],
		['English day key', { schedule: { monday: [range('9:00', '13:00')] } }, 'schedule', '"monday"'],
		['day not a list', { schedule: { 1: 'sempre' } }, 'schedule.monday', '"sempre"'],
		['range not an object', { schedule: { 2: ['9-13'] } }, 'schedule.tuesday[0]', '"9-13"'],
		['hour 25', { schedule: { 1: [range('25:00', '26:00')] } }, 'schedule.monday[0].start', '"25:00"'],
		['minute 60', { schedule: { 3: [range('09:60', '13:00')] } }, 'schedule.wednesday[0].start', '"09:60"'],
		['dot separator', { schedule: { 4: [range('9.00', '13:00')] } }, 'schedule.thursday[0].start', '"9.00"'],
		['hour only', { schedule: { 5: [range('9', '13:00')] } }, 'schedule.friday[0].start', '"9"'],
		['time as a number', { schedule: { 6: [{ start: 900, end: '13:00' }] } }, 'schedule.saturday[0].start', '900'],
		['missing start', { schedule: { 7: [{ end: '13:00' }] } }, 'schedule.sunday[0].start', 'undefined'],
		['24:00 as a start', { schedule: { 1: [range('24:00', '24:00')] } }, 'schedule.monday[0].start', '"24:00"'],
		['end after 24:00', { schedule: { 1: [range('20:00', '24:01')] } }, 'schedule.monday[0].end', '"24:01"'],
		['end before start', { schedule: { 2: [range('9:00', '13:00'), range('15:00', '14:00')] } }, 'schedule.tuesday[1].end', '"14:00"'],
		['end equal to start', { schedule: { 2: [range('9:00', '9:00')] } }, 'schedule.tuesday[0].end', '"9:00"'],
		['overlapping ranges', { schedule: { 3: [range('9:00', '13:00'), range('12:00', '14:00')] } }, 'schedule.wednesday[1]', '12:00–14:00'],
		['overlap given out of order', { schedule: { 3: [range('12:00', '14:00'), range('9:00', '13:00')] } }, 'schedule.wednesday[1]', '9:00–13:00'],
		['range inside another', { schedule: { 4: [range('8:00', '18:00'), range('10:00', '11:00')] } }, 'schedule.thursday[1]', '10:00–11:00'],
		['nationalHolidays not boolean', { nationalHolidays: 'sì' }, 'nationalHolidays', '"sì"'],
		['patron day not an object', { patronDay: 'San Gaudenzio' }, 'patronDay', '"San Gaudenzio"'],
		['patron day 31 February', { patronDay: { month: 2, day: 31, name: 'x' } }, 'patronDay', '31/2'],
		['patron day 31 April', { patronDay: { month: 4, day: 31, name: 'x' } }, 'patronDay', '31/4'],
		['patron day month 13', { patronDay: { month: 13, day: 1, name: 'x' } }, 'patronDay', '1/13'],
		['patron day zero', { patronDay: { month: 10, day: 0, name: 'x' } }, 'patronDay', '0/10'],
		['patron day fraction', { patronDay: { month: 10, day: 14.5, name: 'x' } }, 'patronDay', '14.5/10'],
		['patron day as text', { patronDay: { month: '10', day: '14', name: 'x' } }, 'patronDay', '"14"/"10"'],
		['patron name not text', { patronDay: { month: 10, day: 14, name: 7 } }, 'patronDay.name', '7'],
		['closures not a list', { closures: { from: '2026-12-24' } }, 'closures', 'object'],
		['closure not an object', { closures: ['2026-12-24'] }, 'closures[0]', '"2026-12-24"'],
		['closure date 30 February', { closures: [{ from: '2026-02-30' }] }, 'closures[0].from', '"2026-02-30"'],
		['closure date 31/04', { closures: [{ from: '31/04/2026' }] }, 'closures[0].from', '"31/04/2026"'],
		['closure date with slashes in ISO order', { closures: [{ from: '2026/12/24' }] }, 'closures[0].from', '"2026/12/24"'],
		['closure date with dashes in Italian order', { closures: [{ from: '24-12-2026' }] }, 'closures[0].from', '"24-12-2026"'],
		['closure date as ISO date-time', { closures: [{ from: '2026-12-24T00:00:00' }] }, 'closures[0].from', '"2026-12-24T00:00:00"'],
		['closure date missing', { closures: [{ name: 'x' }] }, 'closures[0].from', 'undefined'],
		['closure date as a number', { closures: [{ from: 20261224 }] }, 'closures[0].from', '20261224'],
		['closure last date invalid', { closures: [{ from: '2026-12-24', to: '2026-12-32' }] }, 'closures[0].to', '"2026-12-32"'],
		['closure ends before it starts', { closures: [{ from: '2026-12-24' }, { from: '24/12/2026', to: '20/12/2026' }] }, 'closures[1].to', '"20/12/2026"'],
		['closure time invalid', { closures: [{ from: '2026-12-24', fromTime: '13' }] }, 'closures[0].fromTime', '"13"'],
		['closure time 24:00', { closures: [{ from: '2026-12-24', fromTime: '24:00' }] }, 'closures[0].fromTime', '"24:00"'],
		['closure name not text', { closures: [{ from: '2026-12-24', name: 5 }] }, 'closures[0].name', '5'],
	])('%s → %s', (_label, overrides, field, shown) => {
		const config = '__replace' in overrides ? (overrides.__replace as CalendarConfig) : configWith(overrides);
		const error = configError(config);
		expect(error.field).toBe(field);
		expect(error.name).toBe('CalendarConfigError');
		expect(error.message).toContain(shown);
		// Messages say what is expected, too.
		expect(error.message).toMatch(/\b(must|use|give)\b/);
	});

	test('the message for a bad time is the documented one', () => {
		const error = configError(configWith({ schedule: { 1: [range('25:00', '26:00')] } }));
		expect(error.message).toBe(
			'Time "25:00" in schedule.monday[0].start is not a valid time; use HH:mm, e.g. 09:00',
		);
	});

	test('the message for a closure ending before it starts names both dates', () => {
		const error = configError(configWith({ closures: [{ from: '2026-12-24', to: '2026-12-20' }] }));
		expect(error.message).toContain('"2026-12-20"');
		expect(error.message).toContain('"2026-12-24"');
	});

	test('errors are real Error instances', () => {
		const error = configError(configWith({ timezone: 'Nowhere/Land' }));
		expect(error).toBeInstanceOf(Error);
		expect(error.stack).toBeDefined();
	});
});

describe('evaluateOfficeHours checks its inputs', () => {
	test('a bad configuration throws CalendarConfigError before the instant is looked at', () => {
		expect(() => evaluateOfficeHours(configWith({ timezone: 'Nowhere/Land' }), 'garbage')).toThrow(
			CalendarConfigError,
		);
	});

	test('a bad instant throws CalendarInputError', () => {
		expect(() => evaluateOfficeHours(RIMINI_CALENDAR, 'garbage')).toThrow(CalendarInputError);
		expect(() => evaluateOfficeHours(RIMINI_CALENDAR, Number.NaN)).toThrow(CalendarInputError);
	});
});
