import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SubscriptionStore } from '../../core/store';
import { citizen } from './common';

/** GDPR access request: everything held on one citizen. */
export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
): Promise<IDataObject[]> {
	const exported = await store.exportCitizen(citizen(this, itemIndex), {
		channel: 'staff',
		at: new Date(),
	});
	return [
		{
			subscriber: exported.subscriber,
			auditEvents: exported.auditEvents,
		} as unknown as IDataObject,
	];
}
