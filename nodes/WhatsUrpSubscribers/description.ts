import type { INodeProperties } from 'n8n-workflow';

import { operations, type Operation } from './operations';

const show = (...operation: Operation[]) => ({ show: { operation } });

const CITIZEN_OPERATIONS: Operation[] = [
	'requestSubscription',
	'confirmConsent',
	'unsubscribe',
	'get',
	'import',
	'export',
	'erase',
];
const COMMAND_OPERATIONS: Operation[] = [
	'requestSubscription',
	'confirmConsent',
	'unsubscribe',
	'import',
	'erase',
];

/**
 * The operation, the properties several operations share, and each operation's own (from its module in
 * operations/), in the order the editor shows them.
 */
export const whatsUrpSubscribersProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Confirm Consent',
				value: 'confirmConsent',
				action: 'Confirm consent to the policy',
				description: 'The citizen accepted the policy: pending lists become active',
			},
			{ name: 'Count', value: 'count', action: 'Count subscriptions by list and state' },
			{
				name: 'Erase',
				value: 'erase',
				action: 'Erase a citizen s data',
				description: 'GDPR art. 17: personal data removed, the audit keeps an anonymous ID.',
			},
			{
				name: 'Export',
				value: 'export',
				action: 'Export a citizen s data',
				description: 'GDPR access request: everything held on one citizen',
			},
			{ name: 'Get', value: 'get', action: 'Get a citizen s subscriptions' },
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many subscribers',
				description: 'Subscribers of a list, page by page or all',
			},
			{
				name: 'Import',
				value: 'import',
				action: 'Import an existing subscriber',
				description: 'Migration: a subscriber whose consent was collected elsewhere',
			},
			{
				name: 'Request Subscription',
				value: 'requestSubscription',
				action: 'Request a subscription',
				description: 'Lists become pending until the citizen accepts the policy',
			},
			{
				name: 'Unsubscribe',
				value: 'unsubscribe',
				action: 'Unsubscribe a citizen',
				description: 'Cancels the lists at once',
			},
		],
		default: 'requestSubscription',
	},
	{
		displayName: 'Phone Number (WhatsApp ID)',
		name: 'waId',
		type: 'string',
		default: '={{ $json.from?.waId }}',
		placeholder: 'e.g. 393331234567',
		description:
			"The citizen's WhatsApp number with country code; the default is the trigger's sender",
		displayOptions: { show: { operation: CITIZEN_OPERATIONS } },
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '={{ $json.from?.userId }}',
		placeholder: 'e.g. IT.1502576394655843',
		description:
			'The business-scoped user ID WhatsApp gives citizens who use a username; used when there is no phone number, and joined with it when both are known',
		displayOptions: { show: { operation: CITIZEN_OPERATIONS } },
	},
	{
		displayName: 'Lists',
		name: 'lists',
		type: 'string',
		default: '={{ ($json.command?.lists ?? []).join(",") }}',
		placeholder: 'e.g. EMERGENZE,PUBBLICAUTILITA',
		description:
			'Comma-separated list names; the default takes them from the WhatsUrp Command node. For Unsubscribe, empty means every list.',
		displayOptions: { show: { operation: ['requestSubscription', 'unsubscribe', 'import'] } },
	},
	{
		displayName: 'Policy Version',
		name: 'policyVersion',
		type: 'string',
		default: '2026-01',
		required: true,
		description:
			'Version of the service policy the citizen is shown and accepts; recorded with the consent',
		displayOptions: show('requestSubscription', 'import'),
	},
	...operations.import.description,
	{
		displayName: 'List',
		name: 'filterList',
		type: 'string',
		default: '',
		placeholder: 'e.g. EMERGENZE',
		description: 'Only subscribers of this list; empty for every list',
		displayOptions: show('getMany', 'count'),
	},
	{
		displayName: 'State',
		name: 'filterState',
		type: 'options',
		options: [
			{ name: 'Active', value: 'active' },
			{ name: 'Any', value: 'any' },
			{ name: 'Cancelled', value: 'cancelled' },
			{ name: 'Pending (Policy Not Yet Accepted)', value: 'pending' },
		],
		default: 'active',
		displayOptions: show('getMany', 'count'),
	},
	...operations.getMany.description,
	...operations.erase.description,
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '={{ $json.messageId }}',
		description:
			'The WhatsApp message that carried the command: a command delivered twice is applied once. Empty for changes made by staff.',
		displayOptions: show('requestSubscription', 'confirmConsent', 'unsubscribe'),
	},
	{
		displayName: 'Message Time',
		name: 'messageTime',
		type: 'string',
		default: '={{ $json.timestamp }}',
		description:
			'When the citizen wrote (ISO or epoch seconds): commands are ordered by it, since WhatsApp may deliver them out of order. Empty means now.',
		displayOptions: show('requestSubscription', 'confirmConsent', 'unsubscribe', 'erase'),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: COMMAND_OPERATIONS } },
		options: [
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'string',
				default: 'whatsapp',
				description:
					'Recorded in the audit trail: where the request came from (whatsapp, sportello, import…)',
			},
			{
				displayName: 'Pending Time Limit (Hours)',
				name: 'pendingTtlHours',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 168,
				description:
					'Confirm Consent only: a request older than this must be made again (default 7 days)',
			},
		],
	},
];
