/** Template body parameters ({{1}}, {{2}}, …): the property and its reading, for every node that sends a template. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** An approved template's name and language: the same two fields wherever a node sends a template. */
export const templateIdentityProperties: INodeProperties[] = [
	{
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. avviso_emergenza',
		description: 'An approved template of the URP (WhatsApp Manager → Message Templates)',
	},
	{
		displayName: 'Language',
		name: 'templateLanguage',
		type: 'string',
		default: 'it',
		required: true,
		description: 'Language code of the approved translation, e.g. it or it_IT',
	},
];

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
