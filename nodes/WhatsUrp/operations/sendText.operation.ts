import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fillForItem } from '../../core/conversation/replyPlaceholders';
import { buildTextMessage, parseRecipient } from '../../core/whatsapp/messages';
import {
	fillPlaceholdersOption,
	forOperations,
	recipientProperty,
	replyToOption,
	sendWithWindowFallback,
	windowFallbackProperties,
} from './common';

export const description: INodeProperties[] = forOperations(
	['sendText'],
	[
		recipientProperty,
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: "e.g. Grazie per la segnalazione, l'abbiamo inoltrata all'ufficio competente.",
			description:
				'The message, up to 4,096 characters; *bold*, _italic_ and links work as in WhatsApp',
		},
		...windowFallbackProperties,
		{
			displayName: 'Options',
			name: 'textOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				fillPlaceholdersOption,
				{
					displayName: 'Preview First Link',
					name: 'previewUrl',
					type: 'boolean',
					default: false,
					description: 'Whether WhatsApp shows a preview of the first link in the text',
				},
				replyToOption,
			],
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const recipient = parseRecipient(this.getNodeParameter('to', itemIndex));
	const options = this.getNodeParameter('textOptions', itemIndex, {}) as {
		fillPlaceholders?: boolean;
		previewUrl?: boolean;
		replyTo?: string;
	};
	const text = this.getNodeParameter('text', itemIndex) as string;
	const payload = buildTextMessage(recipient, {
		body:
			options.fillPlaceholders === true
				? fillForItem(text, this.getInputData()[itemIndex].json)
				: text,
		previewUrl: options.previewUrl,
		replyTo: options.replyTo || undefined,
	});
	return await sendWithWindowFallback(this, 'sendText', itemIndex, recipient, payload);
}
