import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listServices } from '../../core/open311/client';
import type { PortalConnection } from '../transport';
import { itemsOf } from './common';

export const description: INodeProperties[] = [];

/** GET services.json: one item per service. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ config, transport }: PortalConnection,
): Promise<INodeExecutionData[]> {
	return itemsOf(await listServices(transport, config), itemIndex);
}
