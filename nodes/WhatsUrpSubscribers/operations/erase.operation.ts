import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SubscriptionStore } from '../../core/store';
import { citizen, context, forOperations } from './common';

/** GDPR art. 17: personal data removed, the audit keeps an anonymous ID. */
export const description: INodeProperties[] = forOperations(
	['erase'],
	[
		{
			displayName:
				"Erase cannot be undone: the citizen's number, name and subscriptions are deleted; the audit trail keeps the events under an anonymous ID",
			name: 'eraseNotice',
			type: 'notice',
			default: '',
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
): Promise<IDataObject[]> {
	const result = await store.erase(citizen(this, itemIndex), context(this, itemIndex));
	return [{ ...result }];
}
