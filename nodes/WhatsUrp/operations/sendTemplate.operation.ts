import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { buildTemplateMessage, parseRecipient } from '../../core/whatsapp/messages';
import { postMessage } from '../transport';
import { toNodeError } from '../../shared/errors';
import {
	forOperations,
	readBodyParameters,
	readButtonParameters,
	readHeaderParameters,
	recipientProperty,
	sentItem,
	templateParameterProperties,
} from './common';
import { templateIdentityProperties } from '../../shared/templateParameters';

export const description: INodeProperties[] = forOperations(
	['sendTemplate'],
	[
		recipientProperty,
		...templateIdentityProperties,
		...templateParameterProperties('template'),
		{
			displayName: 'Header Parameters',
			name: 'headerParameters',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Header Parameter',
			default: {},
			description: 'The header variable: a text, or the link of an image or document',
			options: [
				{
					displayName: 'Parameter',
					name: 'parameter',
					values: [
						{
							displayName: 'Type',
							name: 'type',
							type: 'options',
							options: [
								{ name: 'Text', value: 'text' },
								{ name: 'Image (Link)', value: 'image' },
								{ name: 'Document (Link)', value: 'document' },
								{ name: 'Video (Link)', value: 'video' },
							],
							default: 'text',
						},
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'Button Parameters',
			name: 'buttonParameters',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Button Parameter',
			default: {},
			description: 'Payloads of quick-reply buttons, or the variable end of URL buttons',
			options: [
				{
					displayName: 'Parameter',
					name: 'parameter',
					values: [
						{
							displayName: 'Button Position',
							name: 'index',
							type: 'number',
							typeOptions: { minValue: 0, maxValue: 9 },
							default: 0,
							description: 'Position of the button in the template, from 0',
						},
						{
							displayName: 'Button Type',
							name: 'subType',
							type: 'options',
							options: [
								{ name: 'Quick Reply', value: 'quick_reply' },
								{ name: 'URL', value: 'url' },
							],
							default: 'quick_reply',
						},
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const recipient = parseRecipient(this.getNodeParameter('to', itemIndex));
	const payload = buildTemplateMessage(recipient, {
		name: this.getNodeParameter('templateName', itemIndex) as string,
		language: this.getNodeParameter('templateLanguage', itemIndex, 'it') as string,
		bodyParameters: readBodyParameters(this, 'templateBodyParameters', itemIndex),
		headerParameters: readHeaderParameters(this, itemIndex),
		buttonParameters: readButtonParameters(this, itemIndex),
	});
	const result = await postMessage(this, payload);
	if (!result.ok) throw toNodeError(this, result.error, { itemIndex });
	return sentItem('sendTemplate', result.sent, recipient, itemIndex, {
		template: payload.template.name,
	});
}
