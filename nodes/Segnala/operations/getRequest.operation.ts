import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getServiceRequest } from '../../core/open311/client';
import type { PortalConnection } from '../transport';
import { forOperations, itemsOf } from './common';

export const description: INodeProperties[] = forOperations(
	['getRequest'],
	[
		{
			displayName: 'Request ID',
			name: 'serviceRequestId',
			type: 'string',
			default: '={{ $json.serviceRequestId }}',
			required: true,
			placeholder: 'e.g. 2026001',
			description:
				"The request's number on the portal; the default is the one a Create operation gave",
		},
	],
);

/** GET requests/{id}.json: the request's status and details. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ config, transport }: PortalConnection,
): Promise<INodeExecutionData[]> {
	const id = this.getNodeParameter('serviceRequestId', itemIndex) as unknown;
	const serviceRequestId = typeof id === 'number' ? String(id) : String(id ?? '');
	return itemsOf([await getServiceRequest(transport, config, serviceRequestId)], itemIndex);
}
