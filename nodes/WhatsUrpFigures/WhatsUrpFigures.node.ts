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
import { whatsUrpFiguresProperties } from './description';
import { operations } from './operations';
import { parameterLabel } from './operations/common';

/**
 * The URP's figures from the WhatsUrp store: subscribers per list, alerts, citizens' messages, answer
 * times and what is waiting, for a period; and the yearly summary in Italian. Aggregates only: no phone
 * number, name or message text is output.
 */
export class WhatsUrpFigures implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsUrp Figures',
		name: 'whatsUrpFigures',
		icon: { light: 'file:whatsUrpFigures.svg', dark: 'file:whatsUrpFigures.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			"The URP's figures (subscribers, alerts, questions, reports, answer times, what is waiting) and the yearly summary in Italian",
		defaults: { name: 'WhatsUrp Figures' },
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
		properties: whatsUrpFiguresProperties,
	};

	methods = { credentialTest: { whatsUrpStoreConnection: storeCredentialTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const store = await sharedStore(
			storeConfigFromCredential(await this.getCredentials('whatsUrpStore')),
		);
		return await runPerItem(
			this,
			async (itemIndex, item) => {
				const module = operationFor(this, operations, itemIndex);
				const results = await module.execute.call(this, itemIndex, store, item.json);
				return results.map((json) => ({ json, pairedItem: { item: itemIndex } }));
			},
			{ parameterLabel },
		);
	}
}
