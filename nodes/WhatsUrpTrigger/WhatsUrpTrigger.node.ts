import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { maskWaId, type SubscriptionStore } from '../core/store';
import { MemorySeenRegistry, type SeenRegistry } from '../core/whatsapp/dedupe';
import {
	DELIVERY_STATUS_MODES,
	deliveryStatusModeOf,
	FALLBACK_DELIVERY_STATUS_MODE,
	maskPhoneNumbers,
	type DeliveryStatusHandling,
} from '../core/whatsapp/deliveryStatuses';
import { answerHandshake, receiveWebhook } from '../core/whatsapp/receive';
import { cachedCredentials } from '../shared/credentialCache';
import {
	sharedStore,
	storeConfigFromCredential,
	storeCredentialTest,
	storeSeenRegistry,
} from '../shared/store';
import { whatsAppCloudApiConnection } from '../shared/whatsAppCredentialTest';
import { whatsUrpTriggerProperties } from './description';

/** One in-process registry per n8n process, shared by every trigger that chose "In Memory". */
const memoryRegistry = new MemorySeenRegistry();

/**
 * Receives Meta's webhooks for the URP's number: answers the subscription handshake (GET), checks the
 * signature of every POST over its raw bytes, and starts one item per citizen's message. Delivery
 * statuses are recorded in the WhatsUrp store by the trigger itself, with no execution (the default),
 * or start the workflow as items, or are ignored.
 */
export class WhatsUrpTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsUrp Trigger',
		name: 'whatsUrpTrigger',
		icon: { light: 'file:whatsUrpTrigger.svg', dark: 'file:whatsUrpTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ {"record": "Messages; statuses recorded", "start": "Messages and statuses", "ignore": "Messages only"}[$parameter["deliveryStatuses"]] }}',
		description:
			"Starts the workflow when a citizen writes to the URP's WhatsApp number; records Meta's delivery statuses in the WhatsUrp store without starting it",
		defaults: { name: 'WhatsUrp Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiConnection' },
			{
				// Used when Ignore Redeliveries is "Using the WhatsUrp Store" OR Delivery Statuses is "Record
				// in the Store". displayOptions cannot say OR across two parameters (their keys are ANDed),
				// and a second entry of the same name for the other case would be refused at run time:
				// n8n-core's getCredentials checks the displayOptions of the first entry only. So it is
				// shown and required always; a notice says when the settings leave it unused.
				// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- a database credential, see credentials/WhatsUrpStore.credentials.ts
				name: 'whatsUrpStore',
				required: true,
				testedBy: 'whatsUrpStoreConnection',
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
		try {
			return await answer.call(this);
		} catch (error) {
			// Never thrown on: n8n would record an error execution for it. 500 makes Meta deliver again.
			const reason = error instanceof Error ? error.message : String(error);
			this.logger.warn(
				`WhatsUrp Trigger: could not handle a request (${maskPhoneNumbers(reason)}); answered 500`,
			);
			try {
				if (!response.headersSent) {
					response.status(500).json({ error: 'Internal error; deliver again' }).end();
				}
			} catch {
				// the connection is gone: nothing left to answer
			}
			return { noWebhookResponse: true };
		}
	}
}

/** The handshake (GET) or one POST from Meta. */
async function answer(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const response = this.getResponseObject();
	const credentials = await cachedCredentials.call(this, 'whatsAppCloudApi');

	if (this.getWebhookName() === 'setup') {
		const handshake = answerHandshake(
			this.getQueryData() as IDataObject,
			String(credentials.verifyToken ?? ''),
		);
		if (handshake.status !== 200)
			this.logger.warn(`WhatsUrp Trigger: handshake refused (${handshake.body})`);
		response.status(handshake.status).type('text/plain').send(handshake.body).end();
		return { noWebhookResponse: true };
	}

	const request = this.getRequestObject();
	if (!Buffer.isBuffer(request.rawBody)) await request.readRawBody();
	const rawBody = Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.alloc(0);

	const outcome = await receiveWebhook(rawBody, this.getHeaderData()['x-hub-signature-256'], {
		appSecret: String(credentials.appSecret ?? ''),
		deliveryStatuses: deliveryStatusHandling.call(this),
		dropEchoes: this.getNodeParameter('options.dropEchoes', true) as boolean,
		registry: registryFor.call(this),
	});

	// problems and errors come masked from the core
	for (const problem of outcome.problems) this.logger.warn(`WhatsUrp Trigger: skipped ${problem}`);
	const { statuses } = outcome;
	if (statuses.error !== undefined) {
		this.logger.warn(
			`WhatsUrp Trigger: could not record ${statuses.received} delivery status(es) (${statuses.error}); answered 500 so that Meta delivers them again`,
		);
	} else if (statuses.recorded) {
		const { received, broadcast, cases, unchanged, unknown } = statuses.recorded;
		this.logger.debug(
			`WhatsUrp Trigger: ${received} delivery status(es) recorded: ${broadcast} broadcast, ${cases} case replies, ${unchanged} unchanged, ${unknown} unknown` +
				(statuses.repeated > 0 ? `; ${statuses.repeated} repeated in the same webhook` : ''),
		);
	}
	if (outcome.registryError !== undefined) {
		this.logger.warn(
			`WhatsUrp Trigger: could not check for redeliveries (${outcome.registryError}); the updates pass unchecked`,
		);
	}
	if (outcome.status !== 200) {
		this.logger.warn(`WhatsUrp Trigger: refused a POST with ${outcome.status}: ${outcome.reason}`);
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

function firstParty(event: {
	event: string;
	from?: { waId?: string };
	recipient?: { waId?: string };
}): string {
	return (event.event === 'message' ? event.from?.waId : event.recipient?.waId) ?? '';
}

/** The store of the node's `whatsUrpStore` credential, opened once per process (a failed open is retried). */
async function storeOfCredential(this: IWebhookFunctions): Promise<SubscriptionStore> {
	const credential = await cachedCredentials.call(this, 'whatsUrpStore');
	return await sharedStore(storeConfigFromCredential(credential));
}

/**
 * The `deliveryStatuses` parameter. In `record` mode the store is reached only when a POST has
 * statuses (a failure there, credential included, is the core's 500).
 */
function deliveryStatusHandling(this: IWebhookFunctions): DeliveryStatusHandling {
	let mode = deliveryStatusModeOf(this.getNodeParameter('deliveryStatuses', 'record'));
	if (mode === undefined) {
		mode = FALLBACK_DELIVERY_STATUS_MODE;
		this.logger.warn(
			`WhatsUrp Trigger: Delivery Statuses is not one of ${DELIVERY_STATUS_MODES.join(', ')}; using ${mode}`,
		);
	}
	if (mode !== 'record') return { mode };
	return {
		mode,
		recorder: {
			recordDeliveryStatuses: async (updates, now) =>
				await (await storeOfCredential.call(this)).recordDeliveryStatuses(updates, now),
		},
	};
}

/**
 * The redelivery registry the node is set to use. The store's is reached only when something is to be
 * checked, so a failure there (credential included) is the core's "pass unchecked", not a thrown error.
 */
function registryFor(this: IWebhookFunctions): SeenRegistry | undefined {
	const mode = this.getNodeParameter('deduplication', 'store') as 'store' | 'memory' | 'off';
	if (mode === 'off') return undefined;
	if (mode === 'memory') return memoryRegistry;
	let registry: Promise<SeenRegistry> | undefined;
	const warn = (line: string) => this.logger.warn(`WhatsUrp Trigger: ${maskPhoneNumbers(line)}`);
	return {
		markSeen: async (key, at) => {
			registry ??= (async () => {
				const credential = await cachedCredentials.call(this, 'whatsUrpStore');
				return storeSeenRegistry(storeConfigFromCredential(credential), warn);
			})();
			return await (await registry).markSeen(key, at);
		},
	};
}
