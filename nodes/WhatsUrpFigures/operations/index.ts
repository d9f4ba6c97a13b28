import type { Operation, OperationModule } from './common';
import * as getFigures from './getFigures.operation';
import * as yearlySummary from './yearlySummary.operation';

/** Dispatch table: operation value → its own properties and execute. */
export const operations: Record<Operation, OperationModule> = {
	getFigures,
	yearlySummary,
};

export type { Operation } from './common';
