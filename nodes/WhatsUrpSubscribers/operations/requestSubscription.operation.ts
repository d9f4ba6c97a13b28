import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SubscriptionStore } from '../../core/store';
import { changeItem, citizen, context, lists } from './common';

/** Lists become pending until the citizen accepts the policy. */
export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
	input: IDataObject,
): Promise<IDataObject[]> {
	const who = citizen(this, itemIndex);
	const ctx = context(this, itemIndex);
	const policyVersion = this.getNodeParameter('policyVersion', itemIndex) as string;
	const result = await store.requestSubscription(who, lists(this, itemIndex, true), {
		...ctx,
		policyVersion,
	});
	return [changeItem('requestSubscription', result, input)];
}
