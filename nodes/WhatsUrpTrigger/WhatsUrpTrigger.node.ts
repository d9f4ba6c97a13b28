import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { maskWaId } from '../core/store';
import { answerHandshake, receiveWebhook, type ReceiveSettings } from '../core/whatsapp/receive';
import type { SeenRegistry } from '../core/whatsapp/dedupe';
import { MemorySeenRegistry } from '../core/whatsapp/dedupe';
import { cachedCredentials } from '../shared/credentialCache';
import { storeConfigFromCredential, storeCredentialTest, storeSeenRegistry } from '../shared/store';
import { whatsAppCloudApiConnection } from '../shared/whatsAppCredentialTest';
import { whatsUrpTriggerProperties } from './description';

/** One in-process registry per n8n process, shared by every trigger that chose "In Memory". */
const memoryRegistry = new MemorySeenRegistry();

/**
 * Receives Meta's webhooks for the URP's number: answers the subscription handshake (GET), checks the
 * signature of every POST over its raw bytes, and starts one item per message and per status.
 */
export class WhatsUrpTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsUrp Trigger',
		name: 'whatsUrpTrigger',
		icon: { light: 'file:whatsUrpTrigger.svg', dark: 'file:whatsUrpTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ {"messages": "Messages", "statuses": "Statuses", "both": "Messages and statuses"}[$parameter["updates"]] }}',
		description:
			"Starts the workflow when a citizen writes to the URP's WhatsApp number, or when Meta reports a delivery status",
		defaults: { name: 'WhatsUrp Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiConnection' },
			{
				// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- a database credential, see credentials/WhatsUrpStore.credentials.ts
				name: 'whatsUrpStore',
				required: true,
				testedBy: 'whatsUrpStoreConnection',
				displayOptions: { show: { deduplication: ['store'] } },
			},
		],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: whatsUrpTriggerProperties,
	};

	methods = {
		credentialTest: { whatsAppCloudApiConnection, whatsUrpStoreConnection: storeCredentialTest },
	};

	// Registration in Meta's dashboard is manual (the URL and verify token shown in the node); these only
	// satisfy n8n's trigger lifecycle.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const response = this.getResponseObject();
		const credentials = await cachedCredentials.call(this, 'whatsAppCloudApi');

		if (this.getWebhookName() === 'setup') {
			const answer = answerHandshake(
				this.getQueryData() as IDataObject,
				String(credentials.verifyToken ?? ''),
			);
			if (answer.status !== 200)
				this.logger.warn(`WhatsUrp Trigger: handshake refused (${answer.body})`);
			response.status(answer.status).type('text/plain').send(answer.body).end();
			return { noWebhookResponse: true };
		}

		const request = this.getRequestObject();
		if (!Buffer.isBuffer(request.rawBody)) await request.readRawBody();
		const rawBody = Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.alloc(0);

		const settings: ReceiveSettings = {
			appSecret: String(credentials.appSecret ?? ''),
			include: this.getNodeParameter('updates', 'both') as ReceiveSettings['include'],
			dropEchoes: this.getNodeParameter('options.dropEchoes', true) as boolean,
			registry: await registryFor.call(this),
		};
		const outcome = await receiveWebhook(
			rawBody,
			this.getHeaderData()['x-hub-signature-256'],
			settings,
		);

		for (const problem of outcome.problems)
			this.logger.warn(`WhatsUrp Trigger: skipped ${problem}`);
		if (outcome.registryError !== undefined) {
			this.logger.warn(
				`WhatsUrp Trigger: could not check for redeliveries (${outcome.registryError}); the updates pass unchecked`,
			);
		}
		if (outcome.status !== 200) {
			this.logger.warn(
				`WhatsUrp Trigger: refused a POST with ${outcome.status}: ${outcome.reason}`,
			);
			response.status(outcome.status).json({ error: outcome.reason }).end();
			return { noWebhookResponse: true };
		}
		if (outcome.duplicates > 0) {
			this.logger.info(`WhatsUrp Trigger: ${outcome.duplicates} redelivered update(s) ignored`);
		}
		if (outcome.events.length === 0) {
			response.status(200).json({ received: true, started: false }).end();
			return { noWebhookResponse: true };
		}
		this.logger.debug(
			`WhatsUrp Trigger: ${outcome.events.length} update(s), first from ${maskWaId(firstParty(outcome.events[0]))}`,
		);
		return {
			workflowData: [outcome.events.map((event) => ({ json: event as unknown as IDataObject }))],
		};
	}
}

function firstParty(event: {
	event: string;
	from?: { waId?: string };
	recipient?: { waId?: string };
}): string {
	return (event.event === 'message' ? event.from?.waId : event.recipient?.waId) ?? '';
}

/** The redelivery registry the node is set to use. */
async function registryFor(this: IWebhookFunctions): Promise<SeenRegistry | undefined> {
	const mode = this.getNodeParameter('deduplication', 'store') as 'store' | 'memory' | 'off';
	if (mode === 'off') return undefined;
	if (mode === 'memory') return memoryRegistry;
	const credential = await cachedCredentials.call(this, 'whatsUrpStore');
	return storeSeenRegistry(storeConfigFromCredential(credential), (line) =>
		this.logger.warn(`WhatsUrp Trigger: ${line}`),
	);
}
