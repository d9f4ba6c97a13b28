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

/** n8n's usual Return All switch and the Limit it hides; `maxLimit` is the largest page a source gives. */
export function returnAllProperties(maxLimit?: number): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1, ...(maxLimit === undefined ? {} : { maxValue: maxLimit }) },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}
