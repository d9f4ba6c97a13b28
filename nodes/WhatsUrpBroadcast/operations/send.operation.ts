import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import {
	DEFAULT_RATE,
	defaultConcurrency,
	MAX_RATE,
	normaliseBroadcastId,
	previewBroadcast,
	runBroadcast,
	validRate,
	type BroadcastMessage,
} from '../../core/broadcast';
import { createJsonTransport, type JsonTransport } from '../../core/broadcast/httpTransport';
import { listKeys, needsApproval, resolveBroadcastList } from '../../core/lists';
import { normaliseListName, type SubscriptionStore } from '../../core/store';
import { messagesUrl } from '../../core/whatsapp/api';
import { buildTemplateMessage, buildTextMessage } from '../../core/whatsapp/messages';
import { withDetails } from '../../shared/errors';
import {
	readBodyParameters,
	templateIdentityProperties,
	templateParameterProperties,
} from '../../shared/templateParameters';
import { CLOUD_API, forOperations } from './common';

/** Send to List: the list, the message, the pace. */
export const description: INodeProperties[] = forOperations(
	['send'],
	[
		{
			displayName: 'List',
			name: 'list',
			type: 'string',
			default: 'EMERGENZE',
			required: true,
			placeholder: "e.g. EMERGENZE or PUBBLICAUTILITA'",
			description:
				"The alert list whose active subscribers receive the message, spelt any way a citizen could (#PUBBLICAUTILITA' is PUBBLICAUTILITA). A list nobody has subscribed to and not among Defined Lists is refused.",
		},
		{
			displayName: 'Defined Lists',
			name: 'definedLists',
			type: 'string',
			default: '',
			placeholder: "e.g. EMERGENZE, PUBBLICAUTILITA'",
			description:
				'Comma-separated lists that exist even before anyone subscribes to them. The list is refused when it is neither here nor named by any subscription.',
		},
		{
			displayName: 'Lists Needing Approval',
			name: 'approvalLists',
			type: 'string',
			default: '',
			placeholder: 'e.g. EMERGENZE',
			description:
				"Comma-separated lists whose alerts need a second person's approval. The output's needsApproval says whether the list is one of them; the workflow decides what to do with it.",
		},
		{
			displayName: 'Message Type',
			name: 'messageType',
			type: 'options',
			options: [
				{
					name: 'Template',
					value: 'template',
					description:
						'An approved template: reaches everyone, also who has not written in the last 24 hours (the normal case for alerts)',
				},
				{
					name: 'Text',
					value: 'text',
					description:
						'Free text: WhatsApp delivers it only to who wrote to the URP in the last 24 hours; the others are recorded as failed (131047)',
				},
			],
			default: 'template',
		},
		...[...templateIdentityProperties, ...templateParameterProperties('template')].map(
			(property) => ({
				...property,
				displayOptions: { show: { messageType: ['template'] } },
			}),
		),
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			description: 'The message, up to 4,096 characters',
			displayOptions: { show: { messageType: ['text'] } },
		},
		{
			displayName: 'Rate (Messages per Second)',
			name: 'rate',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_RATE },
			default: DEFAULT_RATE,
			description:
				"WhatsApp's throughput of the URP's number: 80 by default, up to 1,000 when Meta has raised it. The broadcast slows down by itself if WhatsApp says it is too fast.",
		},
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description: 'Whether to only count the recipients, sending nothing',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Max Parallel Requests',
					name: 'concurrency',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 1000 },
					default: 0,
					description:
						'Requests in flight at most (0 = a quarter of a second at the rate, 8 to 250). Also the most recipients who may get the message twice if n8n stops mid-broadcast.',
				},
				{
					displayName: 'Attempts on Temporary Errors',
					name: 'maxAttempts',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 20 },
					default: 6,
					description:
						"Tries per recipient when WhatsApp's servers fail (5xx, 131000, 131016) before recording them as failed",
				},
			],
		},
	],
);

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
	store: SubscriptionStore,
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

/**
 * Sends the message to every active subscriber of the list, paced and resumable. A stopped broadcast
 * throws with its counts as the item's details (under Continue On Fail they are in the item).
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
): Promise<IDataObject> {
	const id = this.getNodeParameter('broadcastId', itemIndex) as string;
	normaliseBroadcastId(id); // the id's error first, before the list is looked up
	const list = await broadcastList(this, store, itemIndex);
	const rate = validRate(this.getNodeParameter('rate', itemIndex, 80));
	const options = this.getNodeParameter('options', itemIndex, {}) as {
		concurrency?: number;
		maxAttempts?: number;
	};
	const message = readMessage(this, itemIndex);
	if (this.getNodeParameter('dryRun', itemIndex, false) as boolean) {
		const preview = await previewBroadcast(store.broadcasts, id, list.name);
		return {
			...preview,
			needsApproval: list.needsApproval,
			dryRun: true,
			message: message.description,
		} as unknown as IDataObject;
	}
	const concurrency = options.concurrency ? options.concurrency : defaultConcurrency(rate);
	const logger = this.logger;
	const transport = await transportFor(this, concurrency);
	const summary = await runBroadcast({
		ledger: store.broadcasts,
		id,
		list: list.name,
		message,
		rate,
		concurrency,
		maxAttempts: options.maxAttempts,
		transport: transport.send,
		signal: this.getExecutionCancelSignal?.(),
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
		throw withDetails(
			new NodeOperationError(
				this.getNode(),
				`Broadcast "${summary.broadcastId}" stopped: ${summary.reason}`,
				{
					description:
						`${summary.hintIt ?? ''} Inviati finora: ${summary.sent}; da raggiungere: ${summary.remaining}.`.trim(),
					itemIndex,
				},
			),
			json,
		);
	}
	return json;
}
