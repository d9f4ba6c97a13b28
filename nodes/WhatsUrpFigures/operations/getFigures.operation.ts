import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { computeFigures, type Figures, type FiguresRow } from '../../core/figures';
import type { SubscriptionStore } from '../../core/store';
import { figuresOptionsOf, nowOf, periodOf } from './common';

/**
 * The figures of a period as items: one per row (`row`: `2026-03` or `2026-W10`) and a last one with
 * `row: 'totals'` holding the whole period, the period itself and what is waiting now (the waiting lists
 * are "now", not of a row, so only the totals item has them). With Flat Columns each item is one level of
 * `section.list.field` keys, for a sheet or a CSV; the waiting lists are then only their counts.
 */
export const description: INodeProperties[] = [
	{
		displayName: 'Flat Columns',
		name: 'flat',
		type: 'boolean',
		default: false,
		description:
			'Whether to output one level of columns (e.g. "subscribers.EMERGENZE.activeAtEnd") for a sheet or a CSV, instead of nested objects',
	},
];

type RowFigures = Omit<FiguresRow, 'key' | 'from' | 'to'>;

/** `section.list.field` columns of a row's figures. */
export function flatten(figures: RowFigures): IDataObject {
	const out: IDataObject = {};
	for (const l of figures.subscribers) {
		for (const [field, value] of Object.entries(l)) {
			if (field !== 'list') out[`subscribers.${l.list}.${field}`] = value;
		}
	}
	for (const b of figures.broadcasts) {
		for (const [field, value] of Object.entries(b)) {
			if (field === 'list') continue;
			if (field === 'failedByCode') {
				for (const [code, n] of Object.entries(b.failedByCode)) {
					out[`broadcasts.${b.list}.failedByCode.${code}`] = n;
				}
			} else {
				out[`broadcasts.${b.list}.${field}`] = value;
			}
		}
	}
	for (const [field, value] of Object.entries(figures.messages)) {
		if (field === 'reportsByService') {
			for (const [service, n] of Object.entries(figures.messages.reportsByService)) {
				out[`messages.reportsByService.${service}`] = n;
			}
		} else {
			out[`messages.${field}`] = value;
		}
	}
	for (const [field, value] of Object.entries(figures.service)) out[`service.${field}`] = value;
	return out;
}

/** The items of computed figures (exported for the dashboard's page, which reads the same shape). */
export function figuresItems(figures: Figures, flat: boolean): IDataObject[] {
	const rows: IDataObject[] = figures.rows.map((row) => {
		const { key, from, to, ...rest } = row;
		return flat
			? { row: key, from, to, ...flatten(rest) }
			: ({ row: key, from, to, ...rest } as unknown as IDataObject);
	});
	const common = {
		row: 'totals',
		from: figures.period.from,
		to: figures.period.to,
		timeZone: figures.period.timeZone,
		granularity: figures.period.granularity,
		generatedAt: figures.generatedAt,
	};
	const totals: IDataObject = flat
		? {
				...common,
				lists: figures.lists.join(', '),
				...flatten(figures.totals),
				'waiting.openQuestions': figures.waiting.counts.openQuestions,
				'waiting.reportsNotRegistered': figures.waiting.counts.reportsNotRegistered,
				'waiting.notRouted': figures.waiting.counts.notRouted,
				'waiting.oldestOpenQuestionMinutes': figures.waiting.openQuestions[0]?.ageMinutes ?? null,
			}
		: ({
				...common,
				lists: figures.lists,
				...figures.totals,
				waiting: figures.waiting,
			} as unknown as IDataObject);
	return [...rows, totals];
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
): Promise<IDataObject[]> {
	const now = nowOf(this, itemIndex);
	const figures = await computeFigures(store, {
		period: periodOf(this, itemIndex, now),
		now,
		...figuresOptionsOf(this, itemIndex),
	});
	return figuresItems(figures, this.getNodeParameter('flat', itemIndex, false) as boolean);
}
