import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import type { SubscriptionStore } from '../core/store';
import { operationFor } from '../shared/operations';
import { runPerItem } from '../shared/runner';
import { sharedStore, storeConfigFromCredential, storeCredentialTest } from '../shared/store';
import { operations } from './operations';

/**
 * The inbound conversation's state, kept in the WhatsUrp store: reports assembled from their parts,
 * one case per question and report, the once-per-closure automatic reply, and the texts filled from the
 * message's placeholders.
 */
export class WhatsUrpConversation implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsUrp Conversation',
		name: 'whatsUrpConversation',
		icon: { light: 'file:whatsUrpConversation.svg', dark: 'file:whatsUrpConversation.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			"Keep the state of citizens' messages: assemble reports from their parts, open and update cases, reply once per closure, fill texts with {placeholders}",
		defaults: { name: 'WhatsUrp Conversation' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{
				// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- a database credential, see credentials/WhatsUrpStore.credentials.ts
				name: 'whatsUrpStore',
				required: true,
				testedBy: 'whatsUrpStoreConnection',
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Case', value: 'case', description: 'One question or report and its life' },
					{
						name: 'Closure',
						value: 'closure',
						description: 'The automatic reply while the office is closed',
					},
					{
						name: 'Report',
						value: 'report',
						description: 'A report assembled from its parts: photo, position, description',
					},
					{ name: 'Text', value: 'text', description: 'Texts with {placeholders}' },
				],
				default: 'report',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['report'] } },
				options: [
					{
						name: 'Add Part to Report',
						value: 'addPart',
						action: 'Add a message to the report it belongs to',
						description:
							'Adds the message (photo, position, text) to the open report and tells whether it is complete',
					},
				],
				default: 'addPart',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['case'] } },
				options: [
					{
						name: 'Open Case',
						value: 'open',
						action: 'Open a case for the message',
						description: 'A question or report gets its case number',
					},
					{
						name: 'Update Case',
						value: 'update',
						action: 'Update a case',
						description: 'Routed, answered, registered on the portal, closed',
					},
				],
				default: 'open',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['closure'] } },
				options: [
					{
						name: 'Reply Once per Closure',
						value: 'replyOnce',
						action: 'Reply once per closure',
						description:
							'Tells whether this is the citizen s first message since the office closed',
					},
				],
				default: 'replyOnce',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['text'] } },
				options: [
					{
						name: 'Fill Texts',
						value: 'fill',
						action: 'Fill texts with placeholders',
						description: 'Writes texts to the item, their {placeholders} filled from the message',
					},
				],
				default: 'fill',
			},
			...Object.values(operations).flatMap((operation) => operation.description),
		],
	};

	methods = { credentialTest: { whatsUrpStoreConnection: storeCredentialTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let opened: Promise<SubscriptionStore> | undefined;
		// Opened on first use: Fill Texts needs no database.
		const store = async (): Promise<SubscriptionStore> => {
			opened ??= this.getCredentials('whatsUrpStore').then(
				async (credential) => await sharedStore(storeConfigFromCredential(credential)),
			);
			return await opened;
		};
		return await runPerItem(this, async (itemIndex, item) => {
			const module = operationFor(this, operations, itemIndex);
			// the input's files travel on (a photo downloaded before Fill Texts reaches the email)
			return {
				json: await module.execute.call(this, itemIndex, store),
				...(item.binary !== undefined ? { binary: item.binary } : {}),
				pairedItem: { item: itemIndex },
			};
		});
	}
}
