import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SubscriptionStore } from '../../core/store';
import { changeItem, citizen, context, lists } from './common';

/** Cancels the named lists at once, or every list when none is named. */
export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
	input: IDataObject,
): Promise<IDataObject[]> {
	const who = citizen(this, itemIndex);
	const ctx = context(this, itemIndex);
	const named = lists(this, itemIndex, false);
	const result = await store.unsubscribe(who, named.length === 0 ? 'all' : named, ctx);
	return [changeItem('unsubscribe', result, input)];
}
