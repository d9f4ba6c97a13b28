/** Template body parameters ({{1}}, {{2}}, …): the property and its reading, for every node that sends a template. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** Template parameters, as fixedCollections; the same shape for the template operation and the fallback. */
export function templateParameterProperties(prefix: string): INodeProperties[] {
	return [
		{
			displayName: 'Body Parameters',
			name: `${prefix}BodyParameters`,
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Parameter',
			default: {},
			description: 'Values for {{1}}, {{2}}, … in the template body, in order',
			options: [
				{
					displayName: 'Parameter',
					name: 'parameter',
					values: [{ displayName: 'Value', name: 'value', type: 'string', default: '' }],
				},
			],
		},
	];
}

export function readBodyParameters(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
): string[] {
	const collection = context.getNodeParameter(name, itemIndex, {}) as {
		parameter?: Array<{ value?: unknown }>;
	};
	return (collection.parameter ?? []).map((entry) => String(entry.value ?? ''));
}
