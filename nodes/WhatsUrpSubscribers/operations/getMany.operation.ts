import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SubscriptionStore } from '../../core/store';
import { returnAllProperties } from '../../shared/forOperations';
import { filters, forOperations } from './common';

const PAGE_SIZE = 500;

/** Subscribers of a list, page by page or all. */
export const description: INodeProperties[] = forOperations(
	['getMany'],
	[...returnAllProperties()],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const results: IDataObject[] = [];
	let after: string | undefined;
	while (results.length < limit) {
		const page = await store.list({
			...filters(this, itemIndex),
			limit: Math.min(PAGE_SIZE, limit - results.length),
			after,
		});
		for (const subscriber of page.items) results.push({ ...subscriber } as unknown as IDataObject);
		if (page.nextCursor === null) break;
		after = page.nextCursor;
	}
	return results;
}
