/** What the Segnala operations share: the dispatch types, display helpers and the service picker. */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	ILoadOptionsFunctions,
	INodePropertyOptions,
} from 'n8n-workflow';

import { listServices } from '../../core/open311/client';
import { toNodeError } from '../../shared/errors';
import { portalConnection, type PortalConnection } from '../transport';

export type Operation =
	| 'listServices'
	| 'getServiceDefinition'
	| 'createRequest'
	| 'getRequest'
	| 'listRequests';

export interface OperationModule {
	description: INodeProperties[];
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		connection: PortalConnection,
	): Promise<INodeExecutionData[]>;
}

export { forOperations } from '../../shared/forOperations';

/** The service code, picked from the portal's list or written (also as an expression). */
export const serviceCodeProperty: INodeProperties = {
	displayName: 'Service Name or ID',
	name: 'serviceCode',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getServices' },
	default: '',
	required: true,
	description:
		'The kind of report, e.g. buche (potholes): it decides which office handles it. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

/** One output item per value, all paired with the input item. */
export function itemsOf(values: object[], itemIndex: number): INodeExecutionData[] {
	return values.map((value) => ({
		json: { ...(value as Record<string, unknown>) } as INodeExecutionData['json'],
		pairedItem: { item: itemIndex },
	}));
}

/** For the service picker: the portal's services, by name. */
export async function getServices(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	try {
		const { config, transport } = await portalConnection(this);
		const services = await listServices(transport, config);
		return services
			.map((service) => ({
				name: service.serviceName,
				value: service.serviceCode,
				description: [service.group, service.description].filter(Boolean).join(' · ') || undefined,
			}))
			.sort((a, b) => a.name.localeCompare(b.name, 'it'));
	} catch (error) {
		throw toNodeError(this, error);
	}
}
