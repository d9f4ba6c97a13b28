/**
 * A figures period as civil dates in the office's time zone, and its rows (months or ISO weeks, clipped
 * to the period) as instants: a row starts at the first instant of its first day in that zone, so a
 * month or week is cut where the office's calendar cuts it, across summer-time changes (the last Sunday
 * of October has 25 hours, the last Sunday of March 23).
 */
import { DateTime, IANAZone } from 'luxon';
import type { FiguresGranularity, FiguresPeriod } from './types';

/** A period or parameter the figures cannot use. */
export class FiguresInputError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(`${field}: ${message}`);
		this.name = 'FiguresInputError';
	}
}

/** The office's time zone when none is given. */
export const DEFAULT_FIGURES_TIMEZONE = 'Europe/Rome';

/** The most rows one period may have (seven years of weeks, thirty of months). */
export const MAX_FIGURES_ROWS = 370;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface PeriodRow {
	key: string;
	from: string;
	to: string;
	/** First instant (ISO UTC) of `from` in the zone. */
	start: string;
}

export interface CutPeriod {
	period: FiguresPeriod;
	rows: PeriodRow[];
	/** Row starts and the period's end: b0 < b1 < … < bn (ISO UTC). */
	boundaries: string[];
}

function civil(value: unknown, field: string, zone: string): DateTime {
	if (typeof value !== 'string' || !DATE.test(value.trim())) {
		throw new FiguresInputError(field, 'must be a date as YYYY-MM-DD');
	}
	const date = DateTime.fromISO(value.trim(), { zone });
	if (!date.isValid) throw new FiguresInputError(field, `${value} is not a date`);
	return date.startOf('day');
}

function zoneOf(value: unknown): string {
	const zone =
		typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_FIGURES_TIMEZONE;
	if (!IANAZone.isValidZone(zone)) {
		throw new FiguresInputError('timeZone', `${zone} is not an IANA time zone (e.g. Europe/Rome)`);
	}
	return zone;
}

function granularityOf(value: unknown): FiguresGranularity {
	const granularity = value === undefined || value === null || value === '' ? 'month' : value;
	if (granularity !== 'month' && granularity !== 'week') {
		throw new FiguresInputError('granularity', "must be 'month' or 'week'");
	}
	return granularity;
}

function iso(date: DateTime): string {
	return date.toUTC().toISO()!;
}

/** Validates a period and cuts it into rows in its zone. */
export function cutPeriod(input: Partial<FiguresPeriod>): CutPeriod {
	if (input === null || typeof input !== 'object') {
		throw new FiguresInputError('period', 'must be an object { from, to, timeZone, granularity }');
	}
	const timeZone = zoneOf(input.timeZone);
	const granularity = granularityOf(input.granularity);
	const first = civil(input.from, 'from', timeZone);
	const last = civil(input.to, 'to', timeZone);
	if (last < first) throw new FiguresInputError('to', 'is before from');
	const unit = granularity === 'month' ? 'month' : 'week';
	const rows: PeriodRow[] = [];
	let cursor = first;
	while (cursor <= last) {
		const end = DateTime.min(cursor.endOf(unit).startOf('day'), last);
		rows.push({
			key: granularity === 'month' ? cursor.toFormat('yyyy-MM') : cursor.toFormat("kkkk-'W'WW"),
			from: cursor.toISODate()!,
			to: end.toISODate()!,
			start: iso(cursor),
		});
		if (rows.length > MAX_FIGURES_ROWS) {
			throw new FiguresInputError(
				'period',
				`too long: more than ${MAX_FIGURES_ROWS} ${granularity === 'month' ? 'months' : 'weeks'}`,
			);
		}
		cursor = end.plus({ days: 1 }).startOf('day');
	}
	const endInstant = iso(last.plus({ days: 1 }).startOf('day'));
	return {
		period: { from: first.toISODate()!, to: last.toISODate()!, timeZone, granularity },
		rows,
		boundaries: [...rows.map((row) => row.start), endInstant],
	};
}

/** A whole calendar year. */
export function yearPeriod(
	year: number,
	timeZone = DEFAULT_FIGURES_TIMEZONE,
	granularity: FiguresGranularity = 'month',
): FiguresPeriod {
	if (!Number.isInteger(year) || year < 2000 || year > 2999) {
		throw new FiguresInputError('year', 'must be a year from 2000 to 2999');
	}
	return { from: `${year}-01-01`, to: `${year}-12-31`, timeZone, granularity };
}

/** One calendar month (`month` 1–12). */
export function monthPeriod(
	year: number,
	month: number,
	timeZone = DEFAULT_FIGURES_TIMEZONE,
	granularity: FiguresGranularity = 'week',
): FiguresPeriod {
	yearPeriod(year);
	if (!Number.isInteger(month) || month < 1 || month > 12) {
		throw new FiguresInputError('month', 'must be a month from 1 to 12');
	}
	const start = DateTime.fromObject({ year, month, day: 1 }, { zone: 'UTC' });
	return {
		from: start.toISODate()!,
		to: start.endOf('month').toISODate()!,
		timeZone,
		granularity,
	};
}
