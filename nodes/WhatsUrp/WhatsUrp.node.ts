import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { operationFor } from '../shared/operations';
import { runPerItem } from '../shared/runner';
import { whatsAppCloudApiConnection } from '../shared/whatsAppCredentialTest';
import { operations } from './operations';

/** Sends WhatsApp messages to citizens as the URP, marks their messages read, downloads their media. */
export class WhatsUrp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsUrp',
		name: 'whatsUrp',
		icon: { light: 'file:whatsUrp.svg', dark: 'file:whatsUrp.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			"Send WhatsApp messages to citizens from the URP's number, mark their messages as read and download what they sent",
		defaults: { name: 'WhatsUrp' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiConnection' },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Message', value: 'message', description: 'Messages to and from citizens' },
					{
						name: 'Media',
						value: 'media',
						description: 'Photos, videos, audio and documents citizens sent',
					},
				],
				default: 'message',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['message'] } },
				options: [
					{ name: 'Mark as Read', value: 'markAsRead', action: 'Mark a message as read' },
					{
						name: 'Send Buttons',
						value: 'sendButtons',
						action: 'Send a message with reply buttons',
					},
					{ name: 'Send List', value: 'sendList', action: 'Send a message with a list' },
					{ name: 'Send Media', value: 'sendMedia', action: 'Send an image or document' },
					{ name: 'Send Template', value: 'sendTemplate', action: 'Send a template message' },
					{ name: 'Send Text', value: 'sendText', action: 'Send a text message' },
				],
				default: 'sendText',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['media'] } },
				options: [
					{ name: 'Download', value: 'downloadMedia', action: 'Download media sent by a citizen' },
				],
				default: 'downloadMedia',
			},
			...Object.values(operations).flatMap((operation) => operation.description),
		],
	};

	methods = { credentialTest: { whatsAppCloudApiConnection } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runPerItem(
			this,
			async (itemIndex) =>
				await operationFor(this, operations, itemIndex).execute.call(this, itemIndex),
		);
	}
}
