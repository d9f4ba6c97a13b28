import type { Operation, OperationModule } from './common';
import * as recordStatuses from './recordStatuses.operation';
import * as report from './report.operation';
import * as send from './send.operation';

/** Dispatch table: operation value → its own properties and execute. */
export const operations: Record<Operation, OperationModule> = {
	send,
	report,
	recordStatuses,
};

export { CLOUD_API, type Operation } from './common';
