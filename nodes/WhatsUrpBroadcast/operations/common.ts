/** What the Broadcast operations share: their signature and the credential's name. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SubscriptionStore } from '../../core/store';

export type Operation = 'send' | 'report' | 'recordStatuses';

export const CLOUD_API = 'whatsAppCloudApi';

/** An operation run once per input item: the output item's json. */
export interface ItemOperation {
	description: INodeProperties[];
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		store: SubscriptionStore,
	): Promise<IDataObject>;
}

/** An operation run once for all input items: one output item, paired with every input item. */
export interface BatchOperation {
	description: INodeProperties[];
	batch: true;
	executeAll(this: IExecuteFunctions, store: SubscriptionStore): Promise<IDataObject>;
}

export type OperationModule = ItemOperation | BatchOperation;

export { forOperations } from '../../shared/forOperations';
