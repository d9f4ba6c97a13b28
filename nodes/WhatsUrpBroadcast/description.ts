/** Parameters of the WhatsUrp Broadcast node. */
import type { INodeProperties } from 'n8n-workflow';

import { operations } from './operations';

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
	...Object.values(operations).flatMap((operation) => operation.description),
];
