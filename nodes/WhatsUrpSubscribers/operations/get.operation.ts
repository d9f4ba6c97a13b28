import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SubscriptionStore } from '../../core/store';
import { citizen } from './common';

/** A citizen's subscriptions, or `found: false`. */
export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
	input: IDataObject,
): Promise<IDataObject[]> {
	const subscriber = await store.get(citizen(this, itemIndex));
	return [{ ...input, subscriber, found: subscriber !== null }];
}
