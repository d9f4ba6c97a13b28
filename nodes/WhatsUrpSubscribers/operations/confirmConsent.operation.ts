import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SubscriptionStore } from '../../core/store';
import { changeItem, citizen, context } from './common';

/** The citizen accepted the policy: pending lists become active. */
export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
	input: IDataObject,
): Promise<IDataObject[]> {
	const who = citizen(this, itemIndex);
	const ctx = context(this, itemIndex);
	const hours = this.getNodeParameter('options.pendingTtlHours', itemIndex, 168) as number;
	const result = await store.confirmConsent(who, ctx, { pendingTtlMs: hours * 3_600_000 });
	return [changeItem('confirmConsent', result, input)];
}
