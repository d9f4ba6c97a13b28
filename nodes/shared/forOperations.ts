import type { INodeProperties } from 'n8n-workflow';

/** Shows properties only for some values of the node's `operation` parameter. */
export function forOperations<Operation extends string>(
	operations: Operation[],
	properties: INodeProperties[],
): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, operation: operations },
		},
	}));
}
