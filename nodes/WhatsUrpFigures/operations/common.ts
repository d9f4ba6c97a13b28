/** What the Figures operations share: their signature and the period, time zone and options read from parameters. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { DateTime } from 'luxon';

import {
	DEFAULT_FIGURES_TIMEZONE,
	FiguresInputError,
	monthPeriod,
	yearPeriod,
	type FiguresGranularity,
	type FiguresOptions,
	type FiguresPeriod,
} from '../../core/figures';
import type { SubscriptionStore } from '../../core/store';

import type { DashboardOperation } from './dashboardCommon';

/** The operations: the figures themselves, then the dashboard's (page, CSV, monthly email). */
export type Operation = 'getFigures' | 'yearlySummary' | DashboardOperation;

export interface OperationModule {
	/** The operation's own properties; those several operations share are in ../description.ts. */
	description: INodeProperties[];
	/** The output items' json for the input item `itemIndex`. */
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		store: SubscriptionStore,
		input: IDataObject,
	): Promise<IDataObject[]>;
}

export { forOperations } from '../../shared/forOperations';

/** The editor's names of the parameters an input error's field points at. */
export function parameterLabel(field: string): string {
	const labels: Record<string, string> = {
		year: 'Year',
		month: 'Month',
		from: 'From',
		to: 'To',
		timeZone: 'Time Zone',
		granularity: 'Rows',
		period: 'Period',
		now: 'Reference Time',
		waitingLimit: 'Waiting Cases Listed',
		pendingTtlDays: 'Request Validity (Days)',
	};
	return labels[field] ?? field;
}

export function timeZoneOf(context: IExecuteFunctions, itemIndex: number): string {
	const zone = String(
		context.getNodeParameter('timeZone', itemIndex, DEFAULT_FIGURES_TIMEZONE) ?? '',
	);
	return zone.trim() === '' ? DEFAULT_FIGURES_TIMEZONE : zone.trim();
}

/** The `year` parameter: 0 (or empty) is the current year in the zone. */
export function yearOf(
	context: IExecuteFunctions,
	itemIndex: number,
	zone: string,
	now: Date,
): number {
	const raw = context.getNodeParameter('year', itemIndex, 0) as unknown;
	const year = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : (raw ?? 0);
	if (typeof year !== 'number' || !Number.isInteger(year)) {
		throw new FiguresInputError(
			'year',
			`"${String(raw)}" is not a year (e.g. 2026, or 0 for this year)`,
		);
	}
	if (year === 0) return DateTime.fromJSDate(now, { zone }).year;
	return year;
}

/** The period the item asks for: a year, a month, the previous month or a custom range. */
export function periodOf(context: IExecuteFunctions, itemIndex: number, now: Date): FiguresPeriod {
	const zone = timeZoneOf(context, itemIndex);
	const granularity = context.getNodeParameter(
		'granularity',
		itemIndex,
		'month',
	) as FiguresGranularity;
	const kind = context.getNodeParameter('period', itemIndex, 'year') as string;
	switch (kind) {
		case 'year':
			return yearPeriod(yearOf(context, itemIndex, zone, now), zone, granularity);
		case 'month': {
			const text = String(context.getNodeParameter('month', itemIndex, '') ?? '').trim();
			if (text === '') {
				const local = DateTime.fromJSDate(now, { zone });
				return monthPeriod(local.year, local.month, zone, granularity);
			}
			const match = /^(\d{4})-(\d{2})$/.exec(text);
			if (match === null) {
				throw new FiguresInputError('month', `"${text}" is not a month as YYYY-MM (e.g. 2026-03)`);
			}
			return monthPeriod(Number(match[1]), Number(match[2]), zone, granularity);
		}
		case 'previousMonth': {
			const local = DateTime.fromJSDate(now, { zone }).minus({ months: 1 });
			return monthPeriod(local.year, local.month, zone, granularity);
		}
		case 'custom':
			return {
				from: String(context.getNodeParameter('from', itemIndex, '') ?? '').trim(),
				to: String(context.getNodeParameter('to', itemIndex, '') ?? '').trim(),
				timeZone: zone,
				granularity,
			};
		default:
			throw new FiguresInputError('period', `unknown period "${kind}"`);
	}
}

/** The instant of the figures: the Reference Time option, else now. */
export function nowOf(context: IExecuteFunctions, itemIndex: number): Date {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const raw = options.now;
	if (raw === undefined || raw === null || raw === '') return new Date();
	const parsed = raw instanceof Date ? raw : new Date(String(raw));
	if (Number.isNaN(parsed.getTime())) {
		throw new FiguresInputError('now', `"${String(raw)}" is not a date and time (ISO 8601)`);
	}
	return parsed;
}

/** computeFigures' options from the Options collection. */
export function figuresOptionsOf(
	context: IExecuteFunctions,
	itemIndex: number,
): Omit<FiguresOptions, 'period' | 'now'> {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const out: Omit<FiguresOptions, 'period' | 'now'> = {};
	if (options.waitingLimit !== undefined) {
		const limit = Number(options.waitingLimit);
		if (!Number.isInteger(limit) || limit < 0 || limit > 10_000) {
			throw new FiguresInputError('waitingLimit', 'must be a whole number from 0 to 10000');
		}
		out.waitingLimit = limit;
	}
	if (options.pendingTtlDays !== undefined) {
		const days = Number(options.pendingTtlDays);
		if (!Number.isFinite(days) || days <= 0 || days > 365) {
			throw new FiguresInputError('pendingTtlDays', 'must be a number of days from 1 to 365');
		}
		out.pendingTtlMs = days * 24 * 60 * 60 * 1000;
	}
	return out;
}

/** The Options collection both operations show. */
export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Reference Time',
			name: 'now',
			type: 'string',
			default: '',
			placeholder: '2026-12-31T12:00:00+01:00',
			description:
				'The instant the figures are for (the age of waiting cases, which requests have expired). Empty: now.',
		},
		{
			displayName: 'Request Validity (Days)',
			name: 'pendingTtlDays',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 365 },
			default: 7,
			description:
				'How long a subscription request waits for the policy to be accepted, as in the Subscribers node (7 days)',
		},
		{
			displayName: 'Waiting Cases Listed',
			name: 'waitingLimit',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10000 },
			default: 200,
			description:
				'At most this many cases per waiting list, oldest first (the counts are always complete)',
		},
	],
};
