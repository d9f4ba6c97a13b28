import type { INodeProperties } from 'n8n-workflow';

import { changeOperation, lists } from './common';

/** Lists become pending until the citizen accepts the policy. */
export const description: INodeProperties[] = [];

export const execute = changeOperation(
	'requestSubscription',
	async function (itemIndex, store, who, ctx) {
		const policyVersion = this.getNodeParameter('policyVersion', itemIndex) as string;
		return await store.requestSubscription(who, lists(this, itemIndex, true), {
			...ctx,
			policyVersion,
		});
	},
);
