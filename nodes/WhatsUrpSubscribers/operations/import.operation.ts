import type { INodeProperties } from 'n8n-workflow';

import { changeOperation, forOperations, lists, time } from './common';

/** Migration: a subscriber whose consent was collected elsewhere. */
export const description: INodeProperties[] = forOperations(
	['import'],
	[
		{
			displayName: 'Consent Date',
			name: 'consentAt',
			type: 'string',
			default: '={{ $json.consentAt }}',
			required: true,
			placeholder: 'e.g. 2025-06-01T10:00:00+02:00',
			description: 'When the existing subscriber gave consent (ISO date-time)',
		},
		{
			displayName: 'State',
			name: 'importState',
			type: 'options',
			options: [
				{ name: 'Active', value: 'active' },
				{ name: 'Pending (Policy Not Yet Accepted)', value: 'pending' },
			],
			default: 'active',
		},
	],
);

export const execute = changeOperation(
	'importSubscriber',
	async function (itemIndex, store, who, ctx) {
		return await store.importSubscriber(
			{
				citizen: who,
				lists: lists(this, itemIndex, true),
				consentAt: time(
					this,
					itemIndex,
					'consentAt',
					this.getNodeParameter('consentAt', itemIndex),
				),
				policyVersion: this.getNodeParameter('policyVersion', itemIndex) as string,
				state: this.getNodeParameter('importState', itemIndex, 'active') as 'active' | 'pending',
			},
			{ ...ctx, channel: ctx.channel === 'whatsapp' ? 'import' : ctx.channel },
		);
	},
);
