import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { operationFor } from '../shared/operations';
import { runForAllItems, runPerItem } from '../shared/runner';
import { sharedStore, storeConfigFromCredential, storeCredentialTest } from '../shared/store';
import { whatsAppCloudApiConnection } from '../shared/whatsAppCredentialTest';
import { broadcastProperties } from './description';
import { CLOUD_API, operations } from './operations';
import type { ItemOperation } from './operations/common';

/** Paced, resumable, opt-out-safe sending of one message to every subscriber of an alert list. */
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool -- a message to every subscriber of a list is not something an AI agent should decide to send
export class WhatsUrpBroadcast implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsUrp Broadcast',
		name: 'whatsUrpBroadcast',
		icon: { light: 'file:whatsUrpBroadcast.svg', dark: 'file:whatsUrpBroadcast.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "send" ? "#" + $parameter["list"] : $parameter["operation"] }}',
		description:
			"Send an alert to every subscriber of a list (#EMERGENZE, #PUBBLICAUTILITA') one by one, paced and resumable; record delivery statuses",
		defaults: { name: 'WhatsUrp Broadcast' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: CLOUD_API,
				required: true,
				testedBy: 'whatsAppCloudApiConnection',
				displayOptions: { show: { operation: ['send'] } },
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- a database credential, see credentials/WhatsUrpStore.credentials.ts
				name: 'whatsUrpStore',
				required: true,
				testedBy: 'whatsUrpStoreConnection',
			},
		],
		properties: broadcastProperties,
	};

	methods = {
		credentialTest: {
			whatsAppCloudApiConnection,
			whatsUrpStoreConnection: storeCredentialTest,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const store = await sharedStore(
			storeConfigFromCredential(await this.getCredentials('whatsUrpStore')),
		);
		const module = operationFor(this, operations, 0);
		if ('batch' in module) {
			return await runForAllItems(this, async () => await module.executeAll.call(this, store));
		}
		return await runPerItem(this, async (itemIndex) => {
			const { execute } = operationFor(this, operations, itemIndex) as ItemOperation;
			return { json: await execute.call(this, itemIndex, store), pairedItem: { item: itemIndex } };
		});
	}
}
