import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listServiceRequests } from '../../core/open311/client';
import type { PortalConnection } from '../transport';
import { returnAllProperties } from '../../shared/forOperations';
import { forOperations, itemsOf } from './common';

export const description: INodeProperties[] = forOperations(
	['listRequests'],
	[
		...returnAllProperties(1000),
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			description:
				'Without dates the portal gives the last 90 days; a date range may span at most 90 days',
			options: [
				{
					displayName: 'From',
					name: 'startDate',
					type: 'dateTime',
					default: '',
					description: 'Requests made at or after this time (workflow timezone)',
				},
				{
					displayName: 'Request IDs',
					name: 'serviceRequestIds',
					type: 'string',
					default: '',
					placeholder: 'e.g. 2026001, 2026002',
					description:
						'Comma-separated request numbers; when set, the portal ignores the other filters',
				},
				{
					displayName: 'Service Names or IDs',
					name: 'serviceCodes',
					type: 'multiOptions',
					typeOptions: { loadOptionsMethod: 'getServices' },
					default: [],
					description:
						'Only requests of these services. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				},
				{
					displayName: 'Status',
					name: 'status',
					type: 'multiOptions',
					options: [
						{ name: 'Open', value: 'open' },
						{ name: 'Closed', value: 'closed' },
					],
					default: [],
					description: 'Only requests in these states (none: all)',
				},
				{
					displayName: 'To',
					name: 'endDate',
					type: 'dateTime',
					default: '',
					description: 'Requests made at or before this time (workflow timezone)',
				},
			],
		},
	],
);

/** GET requests.json: one item per request, most recent first as the portal orders them. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ config, transport }: PortalConnection,
): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as {
		serviceRequestIds?: string;
		serviceCodes?: string[] | string;
		status?: string[] | string;
		startDate?: string;
		endDate?: string;
	};
	const requests = await listServiceRequests(
		transport,
		config,
		{
			serviceRequestIds: filters.serviceRequestIds,
			serviceCodes: filters.serviceCodes,
			status: filters.status,
			startDate: filters.startDate,
			endDate: filters.endDate,
		},
		this.getTimezone(),
	);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as number;
	return itemsOf(returnAll ? requests : requests.slice(0, Math.max(1, limit)), itemIndex);
}
