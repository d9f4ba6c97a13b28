import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { buildMediaMessage, parseRecipient } from '../../core/whatsapp/messages';
import {
	forOperations,
	recipientProperty,
	replyToOption,
	sendWithWindowFallback,
	windowFallbackProperties,
} from './common';

export const description: INodeProperties[] = forOperations(
	['sendMedia'],
	[
		recipientProperty,
		{
			displayName: 'Media Type',
			name: 'mediaType',
			type: 'options',
			options: [
				{ name: 'Image', value: 'image' },
				{ name: 'Document', value: 'document' },
			],
			default: 'image',
		},
		{
			displayName: 'Source',
			name: 'mediaSource',
			type: 'options',
			options: [
				{
					name: 'Link',
					value: 'link',
					description: 'A public HTTPS address WhatsApp downloads the file from',
				},
				{ name: 'Media ID', value: 'id', description: 'A file already uploaded to WhatsApp' },
			],
			default: 'link',
		},
		{
			displayName: 'Link',
			name: 'mediaLink',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://www.comune.rimini.it/avviso.pdf',
			displayOptions: { show: { mediaSource: ['link'] } },
		},
		{
			displayName: 'Media ID',
			name: 'mediaId',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { mediaSource: ['id'] } },
		},
		...windowFallbackProperties,
		{
			displayName: 'Options',
			name: 'mediaOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Caption',
					name: 'caption',
					type: 'string',
					default: '',
					description: 'Text under the image or document, up to 1,024 characters',
				},
				{
					displayName: 'File Name',
					name: 'filename',
					type: 'string',
					default: '',
					description: 'Name the citizen sees for a document, e.g. avviso.pdf',
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
	const kind = this.getNodeParameter('mediaType', itemIndex) as 'image' | 'document';
	const source = this.getNodeParameter('mediaSource', itemIndex) as 'link' | 'id';
	const options = this.getNodeParameter('mediaOptions', itemIndex, {}) as {
		caption?: string;
		filename?: string;
		replyTo?: string;
	};
	const payload = buildMediaMessage(recipient, kind, {
		...(source === 'link'
			? { link: this.getNodeParameter('mediaLink', itemIndex) as string }
			: { id: this.getNodeParameter('mediaId', itemIndex) as string }),
		caption: options.caption || undefined,
		filename: kind === 'document' ? options.filename || undefined : undefined,
		replyTo: options.replyTo || undefined,
	});
	return await sendWithWindowFallback(this, 'sendMedia', itemIndex, recipient, payload);
}
