import type { Operation, OperationModule } from './common';
import { dashboardOperations } from './dashboard';
import * as getFigures from './getFigures.operation';
import * as yearlySummary from './yearlySummary.operation';

/** Dispatch table: operation value → its own properties and execute. */
export const operations: Record<Operation, OperationModule> = {
	getFigures,
	yearlySummary,
	...dashboardOperations,
};

export type { Operation } from './common';
