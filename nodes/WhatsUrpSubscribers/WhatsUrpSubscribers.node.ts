import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { operationFor } from '../shared/operations';
import { runPerItem } from '../shared/runner';
import { sharedStore, storeConfigFromCredential, storeCredentialTest } from '../shared/store';
import { whatsUrpSubscribersProperties } from './description';
import { operations } from './operations';

/** Subscriptions to the URP's alert lists: requests, consent, cancellations, GDPR access and erasure. */
export class WhatsUrpSubscribers implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsUrp Subscribers',
		name: 'whatsUrpSubscribers',
		icon: { light: 'file:whatsUrpSubscribers.svg', dark: 'file:whatsUrpSubscribers.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			"Keep citizens' subscriptions to the alert lists (#EMERGENZE, #PUBBLICAUTILITA'): request, consent, unsubscribe, GDPR export and erase",
		defaults: { name: 'WhatsUrp Subscribers' },
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
		properties: whatsUrpSubscribersProperties,
	};

	methods = { credentialTest: { whatsUrpStoreConnection: storeCredentialTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const store = await sharedStore(
			storeConfigFromCredential(await this.getCredentials('whatsUrpStore')),
		);
		return await runPerItem(this, async (itemIndex, item) => {
			const module = operationFor(this, operations, itemIndex);
			const results = await module.execute.call(this, itemIndex, store, item.json);
			return results.map((json) => ({ json, pairedItem: { item: itemIndex } }));
		});
	}
}
