import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { open311ApiConnection } from './credentialTest';
import { operationFor } from '../shared/operations';
import { runPerItem } from '../shared/runner';
import { getServices, operations } from './operations';
import { portalConnection } from './transport';

/**
 * Sends citizens' reports to the city's reporting portal (Open311 GeoReport v2) and reads their
 * status. The protocol lives in core/open311; this class maps parameters and results to items.
 */
export class Segnala implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Segnala',
		name: 'segnala',
		icon: { light: 'file:segnala.svg', dark: 'file:segnala.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			"Send citizens' reports to the city's reporting portal (Open311 GeoReport v2) and follow their status",
		defaults: { name: 'Segnala' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'open311Api', required: true, testedBy: 'open311ApiConnection' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Request',
						value: 'request',
						description: 'Reports of problems sent to the portal',
					},
					{
						name: 'Service',
						value: 'service',
						description: 'The kinds of report the portal accepts',
					},
				],
				default: 'request',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['request'] } },
				options: [
					{ name: 'Create', value: 'createRequest', action: 'Create a request' },
					{ name: 'Get', value: 'getRequest', action: 'Get a request' },
					{ name: 'Get Many', value: 'listRequests', action: 'Get many requests' },
				],
				default: 'createRequest',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['service'] } },
				options: [
					{
						name: 'Get Definition',
						value: 'getServiceDefinition',
						action: 'Get a service definition',
					},
					{ name: 'Get Many', value: 'listServices', action: 'Get many services' },
				],
				default: 'listServices',
			},
			...Object.values(operations).flatMap((operation) => operation.description),
		],
	};

	methods = {
		credentialTest: { open311ApiConnection },
		loadOptions: { getServices },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runPerItem(this, async (itemIndex) => {
			const module = operationFor(this, operations, itemIndex);
			return await module.execute.call(this, itemIndex, await portalConnection(this));
		});
	}
}
