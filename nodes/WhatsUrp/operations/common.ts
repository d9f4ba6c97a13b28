/** What the send operations share: the recipient, the 24-hour-window fallback, template parameters. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { MESSAGE_PLACEHOLDER_LIST } from '../../core/conversation/replyPlaceholders';
import type { MetaApiError } from '../../core/whatsapp/errors';
import {
	buildTemplateMessage,
	type Recipient,
	type TemplateButtonParameter,
	type TemplateHeaderParameter,
} from '../../core/whatsapp/messages';
import { toNodeError } from '../../shared/errors';
import { readBodyParameters, templateParameterProperties } from '../../shared/templateParameters';
import { postMessage, type SentMessage } from '../transport';

export type Operation =
	| 'sendText'
	| 'sendTemplate'
	| 'sendButtons'
	| 'sendList'
	| 'sendMedia'
	| 'markAsRead'
	| 'downloadMedia';

export interface OperationModule {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData>;
}

export { forOperations } from '../../shared/forOperations';
export { readBodyParameters, templateParameterProperties } from '../../shared/templateParameters';

export const recipientProperty: INodeProperties = {
	displayName: 'Recipient',
	name: 'to',
	type: 'string',
	default: '={{ $json.from?.waId || $json.from?.userId }}',
	required: true,
	placeholder: 'e.g. 393331234567',
	description:
		"The citizen's WhatsApp number with country code (digits, e.g. 393331234567), or their user ID (e.g. IT.1502576394655843) when they use a username. The default answers the citizen who wrote.",
};

export const replyToOption: INodeProperties = {
	displayName: 'Reply To Message ID',
	name: 'replyTo',
	type: 'string',
	default: '',
	placeholder: 'e.g. wamid.HBgLMzkzMzMxMjM0NTY3FQIAEhgg',
	description:
		"Quote the citizen's message above the reply: its message ID, as the trigger gives it",
};

/**
 * "Fill {Placeholders}": the text's `{name}`s filled from the input item (fillForItem in
 * core/conversation/replyPlaceholders.ts).
 */
export const fillPlaceholdersOption: INodeProperties = {
	displayName: 'Fill {Placeholders}',
	name: 'fillPlaceholders',
	type: 'boolean',
	default: false,
	description: `Whether to replace {name} in the text with values from the input item: first its placeholders field (set by earlier WhatsUrp nodes: {liste}, {pratica}, …), then the message's ${MESSAGE_PLACEHOLDER_LIST}. An unknown name stays as written; a value is never filled again.`,
};

/** The Options of an interactive message (buttons, list): header, footer, quoted message, and `extra`. */
export function interactiveOptionsProperty(
	name: string,
	extra: INodeProperties[] = [],
): INodeProperties {
	return {
		displayName: 'Options',
		name,
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...extra,
			{
				displayName: 'Footer',
				name: 'footer',
				type: 'string',
				default: '',
				description: 'Small grey text under the message, up to 60 characters',
			},
			{
				displayName: 'Header',
				name: 'header',
				type: 'string',
				default: '',
				description: 'Bold text above the message, up to 60 characters',
			},
			replyToOption,
		],
	};
}

export function readInteractiveOptions(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
): { header?: string; footer?: string; replyTo?: string } {
	const options = context.getNodeParameter(name, itemIndex, {}) as {
		header?: string;
		footer?: string;
		replyTo?: string;
	};
	return {
		header: options.header || undefined,
		footer: options.footer || undefined,
		replyTo: options.replyTo || undefined,
	};
}

export function readHeaderParameters(
	context: IExecuteFunctions,
	itemIndex: number,
): TemplateHeaderParameter[] {
	const collection = context.getNodeParameter('headerParameters', itemIndex, {}) as {
		parameter?: Array<{ type?: string; value?: unknown }>;
	};
	return (collection.parameter ?? []).map((entry) => {
		const value = String(entry.value ?? '');
		return entry.type === 'image' || entry.type === 'document' || entry.type === 'video'
			? { type: entry.type, link: value }
			: value;
	});
}

export function readButtonParameters(
	context: IExecuteFunctions,
	itemIndex: number,
): TemplateButtonParameter[] {
	const collection = context.getNodeParameter('buttonParameters', itemIndex, {}) as {
		parameter?: Array<{ index?: number; subType?: string; value?: unknown }>;
	};
	return (collection.parameter ?? []).map((entry) => ({
		index: Number(entry.index ?? 0),
		subType: entry.subType === 'url' ? 'url' : 'quick_reply',
		value: String(entry.value ?? ''),
	}));
}

/** Properties of the "outside the 24-hour window" fallback, shown for the free-form send operations. */
export const windowFallbackProperties: INodeProperties[] = [
	{
		displayName: 'Outside the 24-Hour Window',
		name: 'outsideWindow',
		type: 'options',
		options: [
			{ name: 'Fail', value: 'fail', description: 'Stop with the error 131047' },
			{
				name: 'Send a Template Instead',
				value: 'template',
				description:
					'Send the approved template below when WhatsApp refuses free text (error 131047)',
			},
		],
		default: 'fail',
		description:
			"WhatsApp accepts free-form messages only within 24 hours of the citizen's last message; after that only approved templates",
	},
	{
		displayName: 'Fallback Template Name',
		name: 'fallbackTemplateName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. risposta_urp',
		displayOptions: { show: { outsideWindow: ['template'] } },
		description: 'An approved template of the URP (WhatsApp Manager → Message Templates)',
	},
	{
		displayName: 'Fallback Template Language',
		name: 'fallbackTemplateLanguage',
		type: 'string',
		default: 'it',
		displayOptions: { show: { outsideWindow: ['template'] } },
		description: 'Language code of the approved translation, e.g. it or it_IT',
	},
	...templateParameterProperties('fallback').map((property) => ({
		...property,
		displayOptions: { show: { outsideWindow: ['template'] } },
	})),
];

/** The output item of a send operation. */
export function sentItem(
	operation: Operation,
	sent: SentMessage,
	recipient: Recipient,
	itemIndex: number,
	extra: IDataObject = {},
): INodeExecutionData {
	const to = { to: recipient.waId || recipient.userId || '' };
	return {
		json: { operation, ...to, ...sent, ...extra },
		pairedItem: { item: itemIndex },
	};
}

/**
 * Sends a free-form message; on 131047 (outside the 24-hour window) and when the node is set to,
 * sends the fallback template instead. Refusals become NodeApiError.
 */
export async function sendWithWindowFallback(
	context: IExecuteFunctions,
	operation: Operation,
	itemIndex: number,
	recipient: Recipient,
	payload: object,
): Promise<INodeExecutionData> {
	const first = await postMessage(context, payload);
	if (first.ok) return sentItem(operation, first.sent, recipient, itemIndex);
	if (!shouldFallBack(context, first.error, itemIndex))
		throw toNodeError(context, first.error, { itemIndex });

	const template = buildTemplateMessage(recipient, {
		name: context.getNodeParameter('fallbackTemplateName', itemIndex) as string,
		language: context.getNodeParameter('fallbackTemplateLanguage', itemIndex, 'it') as string,
		bodyParameters: readBodyParameters(context, 'fallbackBodyParameters', itemIndex),
	});
	const second = await postMessage(context, template);
	if (!second.ok) throw toNodeError(context, second.error, { itemIndex });
	return sentItem(operation, second.sent, recipient, itemIndex, {
		fallbackTemplate: template.template.name,
		outsideWindow: true,
	});
}

function shouldFallBack(
	context: IExecuteFunctions,
	error: MetaApiError,
	itemIndex: number,
): boolean {
	return (
		error.kind === 'outsideWindow' &&
		(context.getNodeParameter('outsideWindow', itemIndex, 'fail') as string) === 'template'
	);
}
