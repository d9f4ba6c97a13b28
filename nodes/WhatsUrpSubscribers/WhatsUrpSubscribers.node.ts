import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { CalendarInputError, parseInstant } from '../core/calendar';
import { subscriptionPlaceholders, withPlaceholders } from '../core/conversation/replyPlaceholders';
import {
	listNamesFromText,
	StoreError,
	StoreInputError,
	type ChangeContext,
	type CitizenIdentity,
	type SubscriptionState,
	type SubscriptionStore,
} from '../core/store';
import { summariseChange, type CommandOperation } from '../core/store/outcome';
import { sharedStore, storeConfigFromCredential, storeCredentialTest } from '../shared/store';
import { whatsUrpSubscribersProperties } from './description';

const PAGE_SIZE = 500;

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
		const items = this.getInputData();
		const store = await sharedStore(
			storeConfigFromCredential(await this.getCredentials('whatsUrpStore')),
		);
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const pairedItem = { item: itemIndex };
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				const input = items[itemIndex].json;
				for (const json of await runOperation.call(this, store, operation, itemIndex, input)) {
					output.push({ json, pairedItem });
				}
			} catch (error) {
				const nodeError = asNodeError(this, error, itemIndex);
				if (this.continueOnFail()) {
					output.push({ json: { ...items[itemIndex].json, error: nodeError.message }, pairedItem });
					continue;
				}
				throw nodeError;
			}
		}
		return [output];
	}
}

async function runOperation(
	this: IExecuteFunctions,
	store: SubscriptionStore,
	operation: string,
	itemIndex: number,
	input: IDataObject,
): Promise<IDataObject[]> {
	switch (operation) {
		case 'requestSubscription':
		case 'confirmConsent':
		case 'unsubscribe':
		case 'import':
			return [await runCommand.call(this, store, operation, itemIndex, input)];
		case 'get': {
			const subscriber = await store.get(citizen(this, itemIndex));
			return [{ ...input, subscriber, found: subscriber !== null }];
		}
		case 'getMany':
			return await getMany.call(this, store, itemIndex);
		case 'count': {
			const rows = await store.count(filters(this, itemIndex));
			return rows.map((row) => ({ ...row }));
		}
		case 'export': {
			const exported = await store.exportCitizen(citizen(this, itemIndex), {
				channel: 'staff',
				at: new Date(),
			});
			return [
				{
					subscriber: exported.subscriber,
					auditEvents: exported.auditEvents,
				} as unknown as IDataObject,
			];
		}
		case 'erase': {
			const result = await store.erase(citizen(this, itemIndex), context(this, itemIndex));
			return [{ ...result }];
		}
		default:
			throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`, {
				itemIndex,
			});
	}
}

async function runCommand(
	this: IExecuteFunctions,
	store: SubscriptionStore,
	operation: 'requestSubscription' | 'confirmConsent' | 'unsubscribe' | 'import',
	itemIndex: number,
	input: IDataObject,
): Promise<IDataObject> {
	const who = citizen(this, itemIndex);
	const ctx = context(this, itemIndex);
	let result;
	let summaryOperation: CommandOperation;
	if (operation === 'requestSubscription') {
		const policyVersion = this.getNodeParameter('policyVersion', itemIndex) as string;
		result = await store.requestSubscription(who, lists(this, itemIndex, true), {
			...ctx,
			policyVersion,
		});
		summaryOperation = 'requestSubscription';
	} else if (operation === 'confirmConsent') {
		const hours = this.getNodeParameter('options.pendingTtlHours', itemIndex, 168) as number;
		result = await store.confirmConsent(who, ctx, { pendingTtlMs: hours * 3_600_000 });
		summaryOperation = 'confirmConsent';
	} else if (operation === 'unsubscribe') {
		const named = lists(this, itemIndex, false);
		result = await store.unsubscribe(who, named.length === 0 ? 'all' : named, ctx);
		summaryOperation = 'unsubscribe';
	} else {
		result = await store.importSubscriber(
			{
				citizen: who,
				lists: lists(this, itemIndex, true),
				consentAt: time(
					this,
					itemIndex,
					'consentAt',
					this.getNodeParameter('consentAt', itemIndex),
				),
				policyVersion: this.getNodeParameter('policyVersion', itemIndex) as string,
				state: this.getNodeParameter('importState', itemIndex, 'active') as 'active' | 'pending',
			},
			{ ...ctx, channel: ctx.channel === 'whatsapp' ? 'import' : ctx.channel },
		);
		summaryOperation = 'importSubscriber';
	}
	const summary = summariseChange(summaryOperation, result);
	return {
		...input,
		...summary,
		subscriber: result.subscriber as unknown as IDataObject,
		changed: result.changed as unknown as IDataObject[],
		unchanged: result.unchanged as unknown as IDataObject[],
		placeholders: withPlaceholders(
			input.placeholders,
			subscriptionPlaceholders(summaryOperation, summary),
		) as IDataObject,
	};
}

async function getMany(
	this: IExecuteFunctions,
	store: SubscriptionStore,
	itemIndex: number,
): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const results: IDataObject[] = [];
	let after: string | undefined;
	while (results.length < limit) {
		const page = await store.list({
			...filters(this, itemIndex),
			limit: Math.min(PAGE_SIZE, limit - results.length),
			after,
		});
		for (const subscriber of page.items) results.push({ ...subscriber } as unknown as IDataObject);
		if (page.nextCursor === null) break;
		after = page.nextCursor;
	}
	return results;
}

function text(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

function citizen(context: IExecuteFunctions, itemIndex: number): CitizenIdentity {
	const waId = text(context, 'waId', itemIndex);
	const userId = text(context, 'userId', itemIndex);
	if (waId === '' && userId === '') {
		throw new NodeOperationError(context.getNode(), 'The item names no citizen', {
			itemIndex,
			description:
				'Set "Phone Number (WhatsApp ID)" or "User ID"; the defaults read them from the WhatsUrp Trigger (from.waId, from.userId).',
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

function lists(context: IExecuteFunctions, itemIndex: number, required: boolean): string[] {
	const named = listNamesFromText(text(context, 'lists', itemIndex));
	if (required && named.length === 0) {
		throw new NodeOperationError(context.getNode(), 'No list to subscribe to', {
			itemIndex,
			description:
				'Set "Lists" (comma-separated, e.g. EMERGENZE,PUBBLICAUTILITA); the default reads them from the WhatsUrp Command node.',
		});
	}
	return named;
}

function time(context: IExecuteFunctions, itemIndex: number, field: string, value: unknown): Date {
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
						'Use an ISO date-time (2026-03-03T10:30:00+01:00) or epoch seconds, as the trigger gives.',
				},
			);
		}
		throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
}

function context(context: IExecuteFunctions, itemIndex: number): ChangeContext {
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

function filters(
	context: IExecuteFunctions,
	itemIndex: number,
): { list?: string; state?: SubscriptionState } {
	const [list] = listNamesFromText(text(context, 'filterList', itemIndex));
	const state = text(context, 'filterState', itemIndex) as SubscriptionState | 'any' | '';
	return { ...(list ? { list } : {}), ...(state && state !== 'any' ? { state } : {}) };
}

function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	if (error instanceof StoreInputError) {
		return new NodeOperationError(context.getNode(), error.message, {
			itemIndex,
			description: `Check the value given for "${error.field}".`,
		});
	}
	if (error instanceof StoreError) {
		return new NodeOperationError(
			context.getNode(),
			`The subscription store failed: ${error.message}`,
			{
				itemIndex,
				description:
					'Check the WhatsUrp Store credential and that the database is reachable; nothing was changed.',
			},
		);
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}
