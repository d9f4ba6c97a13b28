import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	classifyIntent,
	describeLists,
	parseCommand,
	validateCommandConfig,
	type CommandAction,
	type CommandConfig,
	type IntentInput,
	type ParsedCommand,
} from '../core/commands';
import { commandPlaceholders, withPlaceholders } from '../core/conversation/replyPlaceholders';
import { routed, runPerItem } from '../shared/runner';
import { whatsUrpCommandProperties } from './description';
import { parameterLabel, toCommandConfig, type CommandParameters } from './parameters';

/** Output index of each action, in the order of `outputNames`. */
const OUTPUT: Record<CommandAction, number> = {
	subscribe: 0,
	unsubscribe: 1,
	acceptPolicy: 2,
	other: 3,
};

/** A parameter value as text: expressions may return numbers; anything else reads as empty. */
function asText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return '';
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What classifyIntent needs from a normalised inbound item (nodes/core/whatsapp/types.ts). */
function intentInput(json: IDataObject, text: string): IntentInput {
	const media = isObject(json.media) ? json.media : undefined;
	return {
		text: [text, asText(json.caption)].filter((part) => part !== '').join('\n'),
		type: asText(json.type),
		hasLocation: isObject(json.location),
		hasMedia: media !== undefined,
		mediaType: media ? asText(media.mimeType) : undefined,
	};
}

/** The button id decides when it is a command; otherwise the text does. */
function readCommand(replyId: string, text: string, config: CommandConfig): ParsedCommand {
	if (replyId.trim() !== '') {
		const fromButton = parseCommand(replyId, config);
		if (fromButton.action !== 'other') return fromButton;
	}
	return parseCommand(text, config);
}

export class WhatsUrpCommand implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsUrp Command',
		name: 'whatsUrpCommand',
		icon: { light: 'file:whatsUrpCommand.svg', dark: 'file:whatsUrpCommand.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["subscribeKeyword"] + " / " + $parameter["unsubscribeKeyword"] }}',
		description:
			'Route WhatsApp messages by list command: subscribe, unsubscribe, accept the policy, or other (a report or a question). Under "Continue On Fail", an item that cannot be read goes to Other with an "error" field, so a person sees it.',
		defaults: { name: 'WhatsUrp Command' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
		],
		outputNames: ['Subscribe', 'Unsubscribe', 'Accept policy', 'Other'],
		usableAsTool: true,
		properties: whatsUrpCommandProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runPerItem(
			this,
			async (itemIndex, item) => {
				const parameters: CommandParameters = {
					subscribeKeyword: this.getNodeParameter('subscribeKeyword', itemIndex, '') as string,
					unsubscribeKeyword: this.getNodeParameter('unsubscribeKeyword', itemIndex, '') as string,
					acceptKeywords: this.getNodeParameter('acceptKeywords', itemIndex, '') as string,
					optOut: this.getNodeParameter('optOut', itemIndex, true) as boolean,
					optOutSynonyms: this.getNodeParameter('optOutSynonyms', itemIndex, '') as string,
					lists: this.getNodeParameter('lists', itemIndex, {}) as CommandParameters['lists'],
					reportKeywords: this.getNodeParameter('reportKeywords', itemIndex, '') as string,
				};
				const config = toCommandConfig(parameters);
				validateCommandConfig(config);
				const text = asText(this.getNodeParameter('text', itemIndex, ''));
				const replyId = asText(this.getNodeParameter('replyId', itemIndex, ''));

				const parsed = readCommand(replyId, text, config);
				const validLists = describeLists(config);
				const json: IDataObject = {
					...item.json,
					command: { ...parsed, validLists },
					placeholders: withPlaceholders(
						item.json.placeholders,
						commandPlaceholders(parsed, validLists),
					) as IDataObject,
				};
				if (parsed.action === 'other') {
					json.intent = classifyIntent(intentInput(item.json, text), config.reportKeywords);
				}
				return routed(OUTPUT[parsed.action], { json, pairedItem: { item: itemIndex } });
			},
			{ outputs: 4, errorOutput: OUTPUT.other, parameterLabel },
		);
	}
}
