/** What the Subscribers operations share: their signature, the citizen, lists, times and filters read from parameters. */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { CalendarInputError, parseInstant } from '../../core/calendar';
import {
	subscriptionPlaceholders,
	withPlaceholders,
} from '../../core/conversation/replyPlaceholders';
import {
	listNamesFromText,
	type ChangeContext,
	type ChangeResult,
	type CitizenIdentity,
	type SubscriptionState,
	type SubscriptionStore,
} from '../../core/store';
import { summariseChange, type CommandOperation } from '../../core/store/outcome';

export type Operation =
	| 'requestSubscription'
	| 'confirmConsent'
	| 'unsubscribe'
	| 'get'
	| 'getMany'
	| 'count'
	| 'import'
	| 'export'
	| 'erase';

export interface OperationModule {
	/** The operation's own properties; those several operations share are in ../description.ts. */
	description: INodeProperties[];
	/** The output items' json for the input item `itemIndex`. */
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		store: SubscriptionStore,
		input: IDataObject,
	): Promise<IDataObject[]>;
}

export { forOperations } from '../../shared/forOperations';

/** A changing operation's output: the input, the change summarised, and the placeholders for replies. */
export function changeItem(
	operation: CommandOperation,
	result: ChangeResult,
	input: IDataObject,
): IDataObject {
	const summary = summariseChange(operation, result);
	return {
		...input,
		...summary,
		subscriber: result.subscriber as unknown as IDataObject,
		changed: result.changed as unknown as IDataObject[],
		unchanged: result.unchanged as unknown as IDataObject[],
		placeholders: withPlaceholders(
			input.placeholders,
			subscriptionPlaceholders(operation, summary),
		) as IDataObject,
	};
}

/** A change of a citizen's subscriptions: the store's call for the item's citizen and change context. */
export type Change = (
	this: IExecuteFunctions,
	itemIndex: number,
	store: SubscriptionStore,
	who: CitizenIdentity,
	ctx: ChangeContext,
) => Promise<ChangeResult>;

/** The execute of an operation that changes subscriptions: the change, summarised on the input item. */
export function changeOperation(
	operation: CommandOperation,
	change: Change,
): OperationModule['execute'] {
	return async function (this: IExecuteFunctions, itemIndex, store, input) {
		const who = citizen(this, itemIndex);
		const ctx = context(this, itemIndex);
		return [changeItem(operation, await change.call(this, itemIndex, store, who, ctx), input)];
	};
}

function text(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

export function citizen(context: IExecuteFunctions, itemIndex: number): CitizenIdentity {
	const waId = text(context, 'waId', itemIndex);
	const userId = text(context, 'userId', itemIndex);
	if (waId === '' && userId === '') {
		throw new NodeOperationError(context.getNode(), 'The item names no citizen', {
			itemIndex,
			description:
				'Impostare «Phone Number (WhatsApp ID)» o «User ID»; i valori predefiniti li leggono dal WhatsUrp Trigger (from.waId, from.userId).',
		});
	}
	const item = context.getInputData()[itemIndex]?.json as { from?: { name?: unknown } } | undefined;
	const name = typeof item?.from?.name === 'string' ? item.from.name : undefined;
	return {
		...(waId ? { waId } : {}),
		...(userId ? { userId } : {}),
		...(name ? { name } : {}),
	};
}

export function lists(context: IExecuteFunctions, itemIndex: number, required: boolean): string[] {
	const named = listNamesFromText(text(context, 'lists', itemIndex));
	if (required && named.length === 0) {
		throw new NodeOperationError(context.getNode(), 'No list to subscribe to', {
			itemIndex,
			description:
				'Impostare «Lists» (separate da virgole, es. EMERGENZE,PUBBLICAUTILITA); il valore predefinito le legge dal nodo WhatsUrp Command.',
		});
	}
	return named;
}

export function time(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): Date {
	try {
		return parseInstant(value).toJSDate();
	} catch (error) {
		if (error instanceof CalendarInputError) {
			throw new NodeOperationError(
				context.getNode(),
				`${field} is not a date-time: ${error.message}`,
				{
					itemIndex,
					description:
						'Usare una data-ora ISO (2026-03-03T10:30:00+01:00) o i secondi epoch, come li dà il trigger.',
				},
			);
		}
		throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
}

export function context(context: IExecuteFunctions, itemIndex: number): ChangeContext {
	const operation = context.getNodeParameter('operation', itemIndex) as string;
	const channel = (context.getNodeParameter('options.channel', itemIndex, '') as string).trim();
	const messageId = ['requestSubscription', 'confirmConsent', 'unsubscribe'].includes(operation)
		? text(context, 'messageId', itemIndex)
		: '';
	const messageTime =
		operation === 'import' ? '' : context.getNodeParameter('messageTime', itemIndex, '');
	return {
		at: time(context, itemIndex, 'Message Time', messageTime),
		channel: channel || 'whatsapp',
		...(messageId ? { messageId } : {}),
	};
}

export function filters(
	context: IExecuteFunctions,
	itemIndex: number,
): { list?: string; state?: SubscriptionState } {
	const [list] = listNamesFromText(text(context, 'filterList', itemIndex));
	const state = text(context, 'filterState', itemIndex) as SubscriptionState | 'any' | '';
	return { ...(list ? { list } : {}), ...(state && state !== 'any' ? { state } : {}) };
}
