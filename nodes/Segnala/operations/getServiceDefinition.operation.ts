import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getServiceDefinition } from '../../core/open311/client';
import type { PortalConnection } from '../transport';
import { forOperations, itemsOf, serviceCodeProperty } from './common';

export const description: INodeProperties[] = forOperations(
	['getServiceDefinition'],
	[serviceCodeProperty],
);

/** GET services/{code}.json: one item with the service's attributes. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ config, transport }: PortalConnection,
): Promise<INodeExecutionData[]> {
	const serviceCode = String(this.getNodeParameter('serviceCode', itemIndex) ?? '');
	return itemsOf([await getServiceDefinition(transport, config, serviceCode)], itemIndex);
}
