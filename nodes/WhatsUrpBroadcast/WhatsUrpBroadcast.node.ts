import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	BroadcastError,
	defaultConcurrency,
	normaliseBroadcastId,
	previewBroadcast,
	runBroadcast,
	validRate,
	type BroadcastMessage,
	type BroadcastSummary,
	type DeliveryStatusUpdate,
} from '../core/broadcast';
import { createJsonTransport, type JsonTransport } from '../core/broadcast/httpTransport';
import { listKeys, needsApproval, resolveBroadcastList, UnknownListError } from '../core/lists';
import { normaliseListName, StoreError, StoreInputError } from '../core/store';
import { messagesUrl } from '../core/whatsapp/api';
import { deliveryStatusUpdateOf } from '../core/whatsapp/deliveryStatuses';
import {
	buildTemplateMessage,
	buildTextMessage,
	MessageValidationError,
} from '../core/whatsapp/messages';
import { sharedStore, storeConfigFromCredential, storeCredentialTest } from '../shared/store';
import { whatsAppCloudApiConnection } from '../shared/whatsAppCredentialTest';
import { readBodyParameters } from '../WhatsUrp/operations/common';
import { broadcastProperties } from './description';

const CLOUD_API = 'whatsAppCloudApi';

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
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const store = await sharedStore(
			storeConfigFromCredential(await this.getCredentials('whatsUrpStore')),
		);

		if (operation === 'recordStatuses') {
			const updates: DeliveryStatusUpdate[] = [];
			let ignored = 0;
			for (const item of items) {
				const update = deliveryStatusUpdateOf(item.json);
				if (update === null) ignored += 1;
				else updates.push(update);
			}
			try {
				const result = await store.broadcasts.recordStatuses(updates, new Date());
				return [
					[
						{
							json: { ...result, ignored },
							pairedItem: items.map((_, item) => ({ item })),
						},
					],
				];
			} catch (error) {
				if (this.continueOnFail()) {
					return [[{ json: { error: (error as Error).message }, pairedItem: { item: 0 } }]];
				}
				throw new NodeOperationError(this.getNode(), error as Error, {
					description: 'The broadcast ledger could not be updated: check the store credential.',
				});
			}
		}

		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const json =
					operation === 'report'
						? await report(this, store, itemIndex)
						: await send(this, store, itemIndex);
				output.push({ json, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (this.continueOnFail()) {
					const summary = (error as { summary?: BroadcastSummary }).summary;
					output.push({
						json: { ...(summary as IDataObject | undefined), error: (error as Error).message },
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				throw asNodeError(this, error, itemIndex);
			}
		}
		return [output];
	}
}

function asNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeOperationError) return error;
	if (error instanceof BroadcastError) {
		return new NodeOperationError(context.getNode(), error.message, {
			description: error.hintIt,
			itemIndex,
		});
	}
	if (error instanceof UnknownListError) {
		return new NodeOperationError(context.getNode(), error.message, {
			description: error.hintIt,
			itemIndex,
		});
	}
	if (error instanceof StoreInputError) {
		return new NodeOperationError(context.getNode(), error.message, { itemIndex });
	}
	if (error instanceof MessageValidationError || error instanceof RangeError) {
		return new NodeOperationError(context.getNode(), error.message, { itemIndex });
	}
	if (error instanceof StoreError) {
		return new NodeOperationError(context.getNode(), error.message, {
			description: 'The subscription store is unreachable: check the «WhatsUrp Store» credential.',
			itemIndex,
		});
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

function readMessage(context: IExecuteFunctions, itemIndex: number): BroadcastMessage {
	const messageType = context.getNodeParameter('messageType', itemIndex) as string;
	if (messageType === 'text') {
		const body = context.getNodeParameter('text', itemIndex) as string;
		// Validates once, before anything is sent.
		buildTextMessage({ waId: '390000000000' }, { body });
		return {
			description: { type: 'text', text: body },
			build: (recipient) => buildTextMessage(recipient, { body }),
		};
	}
	const template = {
		name: context.getNodeParameter('templateName', itemIndex) as string,
		language: context.getNodeParameter('templateLanguage', itemIndex, 'it') as string,
		bodyParameters: readBodyParameters(context, 'templateBodyParameters', itemIndex),
	};
	buildTemplateMessage({ waId: '390000000000' }, template);
	return {
		description: { type: 'template', ...template },
		build: (recipient) => buildTemplateMessage(recipient, template),
	};
}

/**
 * POST /messages on a keep-alive connection pool (core/broadcast/httpTransport). The credential is read
 * once per broadcast: n8n's authenticated helper fetches and decrypts it again for each request (150
 * messages/s here), and n8n's plain helper with the token set once opens a connection per request (663/s;
 * BENCHMARKS.md, "Broadcast"). The token goes only into the Authorization header.
 */
async function transportFor(
	context: IExecuteFunctions,
	concurrency: number,
): Promise<JsonTransport> {
	const credential = await context.getCredentials(CLOUD_API);
	const url = messagesUrl(
		String(credential.baseUrl ?? ''),
		String(credential.apiVersion ?? ''),
		String(credential.phoneNumberId ?? ''),
	);
	return createJsonTransport(url, {
		headers: { Authorization: `Bearer ${String(credential.accessToken ?? '')}` },
		maxSockets: concurrency,
	});
}

/**
 * The list parameter resolved as the Command node resolves a citizen's text (core/lists): refused when
 * no subscription names it and Defined Lists does not either.
 */
async function broadcastList(
	context: IExecuteFunctions,
	store: Awaited<ReturnType<typeof sharedStore>>,
	itemIndex: number,
): Promise<{ name: string; needsApproval: boolean }> {
	const requested = context.getNodeParameter('list', itemIndex);
	normaliseListName(requested, 'list');
	const subscribed = (await store.count({})).map((row) => row.list);
	const defined = listKeys(context.getNodeParameter('definedLists', itemIndex, ''));
	const name = resolveBroadcastList(requested, { subscribed, defined });
	const approval = context.getNodeParameter('approvalLists', itemIndex, '');
	return { name, needsApproval: needsApproval(name, approval) };
}

async function send(
	context: IExecuteFunctions,
	store: Awaited<ReturnType<typeof sharedStore>>,
	itemIndex: number,
): Promise<IDataObject> {
	const id = context.getNodeParameter('broadcastId', itemIndex) as string;
	normaliseBroadcastId(id); // the id's error first, before the list is looked up
	const list = await broadcastList(context, store, itemIndex);
	const rate = validRate(context.getNodeParameter('rate', itemIndex, 80));
	const options = context.getNodeParameter('options', itemIndex, {}) as {
		concurrency?: number;
		maxAttempts?: number;
	};
	const message = readMessage(context, itemIndex);
	if (context.getNodeParameter('dryRun', itemIndex, false) as boolean) {
		const preview = await previewBroadcast(store.broadcasts, id, list.name);
		return {
			...preview,
			needsApproval: list.needsApproval,
			dryRun: true,
			message: message.description,
		} as unknown as IDataObject;
	}
	const concurrency = options.concurrency ? options.concurrency : defaultConcurrency(rate);
	const logger = context.logger;
	const transport = await transportFor(context, concurrency);
	const summary = await runBroadcast({
		ledger: store.broadcasts,
		id,
		list: list.name,
		message,
		rate,
		concurrency,
		maxAttempts: options.maxAttempts,
		transport: transport.send,
		signal: context.getExecutionCancelSignal?.(),
		onProgress: (p) =>
			logger.info(
				`WhatsUrp Broadcast ${p.broadcastId}: ${p.percent}% (${p.done}/${p.expected}), sent ${p.sent}, failed ${p.failed}, rate ${Math.round(p.rate)}/s`,
			),
	}).finally(() => transport.close());
	const json = {
		...summary,
		needsApproval: list.needsApproval,
		message: message.description,
	} as unknown as IDataObject;
	if (summary.aborted) {
		const error = new NodeOperationError(
			context.getNode(),
			`Broadcast "${summary.broadcastId}" stopped: ${summary.reason}`,
			{
				description:
					`${summary.hintIt ?? ''} Inviati finora: ${summary.sent}; da raggiungere: ${summary.remaining}.`.trim(),
				itemIndex,
			},
		);
		Object.assign(error, { summary: json });
		throw error;
	}
	return json;
}

async function report(
	context: IExecuteFunctions,
	store: Awaited<ReturnType<typeof sharedStore>>,
	itemIndex: number,
): Promise<IDataObject> {
	const id = context.getNodeParameter('broadcastId', itemIndex) as string;
	const record = await store.broadcasts.get(id);
	if (record === null) {
		throw new NodeOperationError(context.getNode(), `No broadcast with ID "${id}"`, {
			description:
				"Controllare l'identificativo dell'invio: nessun invio con questo nome è registrato.",
			itemIndex,
		});
	}
	const counts = await store.broadcasts.counts(record.id);
	const pending = await store.broadcasts.pendingCount(record.id, record.list);
	return {
		broadcastId: record.id,
		list: record.list,
		state: record.state,
		abortReason: record.abortReason,
		runs: record.runs,
		createdAt: record.createdAt,
		finishedAt: record.finishedAt,
		lastStatusAt: record.lastStatusAt,
		message: record.message as IDataObject,
		counts: counts.byState,
		failedByCode: counts.failedByCode,
		pending,
	};
}
