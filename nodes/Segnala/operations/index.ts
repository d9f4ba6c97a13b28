import type { Operation, OperationModule } from './common';
import * as createRequest from './createRequest.operation';
import * as getRequest from './getRequest.operation';
import * as getServiceDefinition from './getServiceDefinition.operation';
import * as listRequests from './listRequests.operation';
import * as listServices from './listServices.operation';

/** Dispatch table: operation value → its description and execute. */
export const operations: Record<Operation, OperationModule> = {
	listServices,
	getServiceDefinition,
	createRequest,
	getRequest,
	listRequests,
};

export { getServices, type Operation } from './common';
