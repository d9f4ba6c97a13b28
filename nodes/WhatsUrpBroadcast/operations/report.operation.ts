import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import type { SubscriptionStore } from '../../core/store';

/** Report: counts of one broadcast by delivery state, failures by error code. */
export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
): Promise<IDataObject> {
	const id = this.getNodeParameter('broadcastId', itemIndex) as string;
	const record = await store.broadcasts.get(id);
	if (record === null) {
		throw new NodeOperationError(this.getNode(), `No broadcast with ID "${id}"`, {
			description:
				"Controllare l'identificativo dell'invio: nessun invio con questo nome è registrato.",
			itemIndex,
		});
	}
	const counts = await store.broadcasts.counts(record.id);
	const pending = await store.broadcasts.pendingCount(record.id, record.list);
	return {
		broadcastId: record.id,
		list: record.list,
		state: record.state,
		abortReason: record.abortReason,
		runs: record.runs,
		createdAt: record.createdAt,
		finishedAt: record.finishedAt,
		lastStatusAt: record.lastStatusAt,
		message: record.message as IDataObject,
		counts: counts.byState,
		failedByCode: counts.failedByCode,
		pending,
	};
}
