import type { INodeProperties } from 'n8n-workflow';

import { changeOperation } from './common';

/** The citizen accepted the policy: pending lists become active. */
export const description: INodeProperties[] = [];

export const execute = changeOperation(
	'confirmConsent',
	async function (itemIndex, store, who, ctx) {
		const hours = this.getNodeParameter('options.pendingTtlHours', itemIndex, 168) as number;
		return await store.confirmConsent(who, ctx, { pendingTtlMs: hours * 3_600_000 });
	},
);
