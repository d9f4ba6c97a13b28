import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DeliveryStatusUpdate } from '../../core/broadcast';
import type { SubscriptionStore } from '../../core/store';
import { deliveryStatusUpdateOf } from '../../core/whatsapp/deliveryStatuses';

/** Record Delivery Statuses: the trigger's status items, in one write to the broadcast ledger. */
export const description: INodeProperties[] = [];

export const batch = true;

export async function executeAll(
	this: IExecuteFunctions,
	store: SubscriptionStore,
): Promise<IDataObject> {
	const updates: DeliveryStatusUpdate[] = [];
	let ignored = 0;
	for (const item of this.getInputData()) {
		const update = deliveryStatusUpdateOf(item.json);
		if (update === null) ignored += 1;
		else updates.push(update);
	}
	const result = await store.broadcasts.recordStatuses(updates, new Date());
	return { ...result, ignored };
}
