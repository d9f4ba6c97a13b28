import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { computeFigures, yearlySummary, yearPeriod } from '../../core/figures';
import type { SubscriptionStore } from '../../core/store';
import { figuresOptionsOf, nowOf, timeZoneOf, yearOf } from './common';

/** The year's figures in a few Italian sentences, as the city's yearly report words them: one item. */
export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
): Promise<IDataObject[]> {
	const now = nowOf(this, itemIndex);
	const zone = timeZoneOf(this, itemIndex);
	const year = yearOf(this, itemIndex, zone, now);
	const figures = await computeFigures(store, {
		period: yearPeriod(year, zone, 'month'),
		now,
		...figuresOptionsOf(this, itemIndex),
	});
	return [{ year, text: yearlySummary(figures), figures: figures as unknown as IDataObject }];
}
