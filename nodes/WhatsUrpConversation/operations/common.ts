/** What the operations of WhatsUrp Conversation share: their signature, the store, the input item. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SubscriptionStore } from '../../core/store';

export type Resource = 'report' | 'case' | 'closure' | 'text';

export type Operation = 'addPart' | 'open' | 'update' | 'replyOnce' | 'fill';

/** The store, opened on first use: operations that need none (Fill Texts) never open it. */
export type StoreOf = () => Promise<SubscriptionStore>;

export interface OperationModule {
	resource: Resource;
	description: INodeProperties[];
	/** The output item's json for the input item `itemIndex`. */
	execute(this: IExecuteFunctions, itemIndex: number, store: StoreOf): Promise<IDataObject>;
}

/** Shows properties only for one resource and operation. */
export function forOperation(
	resource: Resource,
	operation: Operation,
	properties: INodeProperties[],
): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, resource: [resource], operation: [operation] },
		},
	}));
}

/** The input item's json. */
export function inputOf(context: IExecuteFunctions, itemIndex: number): IDataObject {
	return context.getInputData()[itemIndex].json;
}
