import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { ConversationInputError } from '../core/conversation/inbound';
import { StoreError, StoreInputError, type SubscriptionStore } from '../core/store';
import { sharedStore, storeConfigFromCredential, storeCredentialTest } from '../shared/store';
import { operations, type Operation } from './operations';

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
		const items = this.getInputData();
		let opened: Promise<SubscriptionStore> | undefined;
		// Opened on first use: Fill Texts needs no database.
		const store = async (): Promise<SubscriptionStore> => {
			opened ??= this.getCredentials('whatsUrpStore').then(
				async (credential) => await sharedStore(storeConfigFromCredential(credential)),
			);
			return await opened;
		};
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const pairedItem = { item: itemIndex };
			try {
				const resource = this.getNodeParameter('resource', itemIndex) as string;
				const operation = this.getNodeParameter('operation', itemIndex) as Operation;
				const module = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
				if (!module || module.resource !== resource) {
					throw new NodeOperationError(
						this.getNode(),
						`Unknown operation "${String(operation)}" for resource "${resource}"`,
						{ itemIndex },
					);
				}
				// the input's files travel on (a photo downloaded before Fill Texts reaches the email)
				const binary = items[itemIndex].binary;
				output.push({
					json: await module.execute.call(this, itemIndex, store),
					...(binary !== undefined ? { binary } : {}),
					pairedItem,
				});
			} catch (error) {
				const nodeError = asNodeError(this, error, itemIndex);
				if (this.continueOnFail()) {
					const binary = items[itemIndex].binary;
					output.push({
						json: { ...items[itemIndex].json, error: nodeError.message },
						...(binary !== undefined ? { binary } : {}),
						pairedItem,
					});
					continue;
				}
				throw nodeError;
			}
		}
		return [output];
	}
}

/** Store refusals staff can act on, by the field at fault. */
function storeInputHint(field: string): string {
	if (field === 'state')
		return 'A case moves only forward: received → routed → answered or registered → closed; a closed case stays closed.';
	if (field === 'caseId')
		return 'Set "Case ID" to the number the case was opened with (caseId of Open Case or Add Part to Report).';
	if (field.startsWith('citizen'))
		return "The item's from.waId / from.userId must be the ids the WhatsUrp Trigger gives.";
	return `Check the value given for "${field}".`;
}

function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	if (error instanceof ConversationInputError) {
		return new NodeOperationError(context.getNode(), error.message, {
			itemIndex,
			description: error.hint,
		});
	}
	if (error instanceof StoreInputError) {
		return new NodeOperationError(context.getNode(), error.message, {
			itemIndex,
			description: storeInputHint(error.field),
		});
	}
	if (error instanceof StoreError) {
		// n8n replaces a message naming a system error (EEXIST, ECONNREFUSED, …) by its plain words:
		// the description keeps the store's own (backend, host or file).
		return new NodeOperationError(
			context.getNode(),
			`The WhatsUrp store failed: ${error.message}`,
			{
				itemIndex,
				description: `${error.message}. Check the WhatsUrp Store credential and that the database is reachable; nothing was changed.`,
			},
		);
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}
