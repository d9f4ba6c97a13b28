/** Numbers, durations, periods and the charts' axis in Italian. */
import {
	italianDay,
	italianDuration,
	italianInstant,
	italianMonthOf,
	italianNumber,
	italianPercent,
	rowLabel,
	signedNumber,
} from '../../../nodes/core/dashboard/format';
import { axisScale } from '../../../nodes/core/dashboard/svg';

test.each<[number | null, string]>([
	[0, '0'],
	[999, '999'],
	[4102, '4.102'],
	[1234567, '1.234.567'],
	[-3, '-3'],
	[12.5, '12,5'],
	[12.04, '12'],
	[0.25, '0,3'],
	[-0.01, '0'],
	[null, '–'],
	[Number.NaN, '–'],
])('italianNumber(%p) = %s', (value, text) => {
	expect(italianNumber(value)).toBe(text);
});

test.each<[number | null, string]>([
	[0.875, '87,5%'],
	[1, '100%'],
	[null, '–'],
])('italianPercent(%p) = %s', (value, text) => {
	expect(italianPercent(value)).toBe(text);
});

test.each<[number, string]>([
	[12, '+12'],
	[-5, '−5'],
	[0, '0'],
	[1500, '+1.500'],
])('signedNumber(%p) = %s', (value, text) => {
	expect(signedNumber(value)).toBe(text);
});

test.each<[number | null, string]>([
	[0, '0 min'],
	[44.6, '45 min'],
	[60, '1 h'],
	[125, '2 h 5 min'],
	[1440, '1 g'],
	[1620, '1 g 3 h'],
	[-1, '–'],
	[null, '–'],
])('italianDuration(%p) = %s', (value, text) => {
	expect(italianDuration(value)).toBe(text);
});

test.each<[string, boolean, string]>([
	['2026-03', false, 'mar 2026'],
	['2026-03', true, 'mar'],
	['2026-W09', false, 'sett. 9 2026'],
	['2026-W53', true, 'sett. 53'],
	['2026-13', false, '2026-13'],
	['totale', false, 'totale'],
])('rowLabel(%s, %p) = %s', (key, short, text) => {
	expect(rowLabel(key, short)).toBe(text);
});

test.each<[string, string, string]>([
	['2026-11-01', 'novembre 2026', '1 novembre 2026'],
	['2026-02-28', 'febbraio 2026', '28 febbraio 2026'],
	['ieri', 'ieri', 'ieri'],
])('%s is in %s, the day %s', (date, month, day) => {
	expect(italianMonthOf(date)).toBe(month);
	expect(italianDay(date)).toBe(day);
});

test.each<[string, string]>([
	['2026-03-29T00:30:00Z', '29 marzo 2026, 1:30'],
	['2026-03-29T01:30:00Z', '29 marzo 2026, 3:30'],
	['2026-10-25T00:30:00Z', '25 ottobre 2026, 2:30'],
	['2026-10-25T01:30:00Z', '25 ottobre 2026, 2:30'],
	['non è una data', ''],
])('italianInstant(%s) in Rome = %s', (iso, text) => {
	expect(italianInstant(iso, 'Europe/Rome')).toBe(text);
});

test.each<[number, number, number]>([
	[0, 1, 1],
	[1, 1, 1],
	[3, 1, 3],
	[7, 2, 8],
	[11, 5, 15],
	[220, 100, 300],
	[4140, 2000, 6000],
	[192000, 50000, 200000],
	[0.4, 1, 1],
])('the axis of %p goes by %p up to %p', (max, step, top) => {
	expect(axisScale(max)).toEqual({ step, top });
});
