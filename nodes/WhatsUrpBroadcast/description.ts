/** Parameters of the WhatsUrp Broadcast node. */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_RATE, MAX_RATE } from '../core/broadcast';
import { templateParameterProperties } from '../WhatsUrp/operations/common';

const forSend = { show: { operation: ['send'] } };

export const broadcastProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Send to List',
				value: 'send',
				action: 'Send a message to every subscriber of a list',
				description:
					'Send a template (or a text) to every active subscriber of a list, one by one, paced; a re-run with the same broadcast ID resumes',
			},
			{
				name: 'Record Delivery Statuses',
				value: 'recordStatuses',
				action: 'Record delivery statuses of broadcast messages',
				description:
					'Take the status items of the WhatsUrp Trigger (sent, delivered, read, failed) and update the broadcast ledger',
			},
			{
				name: 'Report',
				value: 'report',
				action: 'Report on a broadcast',
				description: 'Counts of one broadcast by delivery state, and failures by error code',
			},
		],
		default: 'send',
	},
	{
		displayName: 'Broadcast ID',
		name: 'broadcastId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. allerta-meteo-2026-11-30',
		description:
			'Names this broadcast. Running again with the same ID resumes it: whoever already received it is skipped.',
		displayOptions: { show: { operation: ['send', 'report'] } },
	},
	{
		displayName: 'List',
		name: 'list',
		type: 'string',
		default: 'EMERGENZE',
		required: true,
		placeholder: "e.g. EMERGENZE or PUBBLICAUTILITA'",
		description:
			"The alert list whose active subscribers receive the message, spelt any way a citizen could (#PUBBLICAUTILITA' is PUBBLICAUTILITA). A list nobody has subscribed to and not among Defined Lists is refused.",
		displayOptions: forSend,
	},
	{
		displayName: 'Defined Lists',
		name: 'definedLists',
		type: 'string',
		default: '',
		placeholder: "e.g. EMERGENZE, PUBBLICAUTILITA'",
		description:
			'Comma-separated lists that exist even before anyone subscribes to them. The list is refused when it is neither here nor named by any subscription.',
		displayOptions: forSend,
	},
	{
		displayName: 'Lists Needing Approval',
		name: 'approvalLists',
		type: 'string',
		default: '',
		placeholder: 'e.g. EMERGENZE',
		description:
			"Comma-separated lists whose alerts need a second person's approval. The output's needsApproval says whether the list is one of them; the workflow decides what to do with it.",
		displayOptions: forSend,
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
		displayOptions: forSend,
	},
	{
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. avviso_emergenza',
		description: 'An approved template of the URP (WhatsApp Manager → Message Templates)',
		displayOptions: { show: { operation: ['send'], messageType: ['template'] } },
	},
	{
		displayName: 'Language',
		name: 'templateLanguage',
		type: 'string',
		default: 'it',
		required: true,
		description: 'Language code of the approved translation, e.g. it or it_IT',
		displayOptions: { show: { operation: ['send'], messageType: ['template'] } },
	},
	...templateParameterProperties('template').map((property) => ({
		...property,
		displayOptions: { show: { operation: ['send'], messageType: ['template'] } },
	})),
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The message, up to 4,096 characters',
		displayOptions: { show: { operation: ['send'], messageType: ['text'] } },
	},
	{
		displayName: 'Rate (Messages per Second)',
		name: 'rate',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_RATE },
		default: DEFAULT_RATE,
		description:
			"WhatsApp's throughput of the URP's number: 80 by default, up to 1,000 when Meta has raised it. The broadcast slows down by itself if WhatsApp says it is too fast.",
		displayOptions: forSend,
	},
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description: 'Whether to only count the recipients, sending nothing',
		displayOptions: forSend,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: forSend,
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
];
