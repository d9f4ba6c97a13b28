import type { INodeProperties } from 'n8n-workflow';

import { changeOperation, lists } from './common';

/** Cancels the named lists at once, or every list when none is named. */
export const description: INodeProperties[] = [];

export const execute = changeOperation('unsubscribe', async function (itemIndex, store, who, ctx) {
	const named = lists(this, itemIndex, false);
	return await store.unsubscribe(who, named.length === 0 ? 'all' : named, ctx);
});
