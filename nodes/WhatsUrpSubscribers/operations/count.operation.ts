import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SubscriptionStore } from '../../core/store';
import { filters } from './common';

/** Subscriptions counted by list and state, one item per row. */
export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
): Promise<IDataObject[]> {
	const rows = await store.count(filters(this, itemIndex));
	return rows.map((row) => ({ ...row }));
}
