import type { Operation, OperationModule } from './common';
import * as addPart from './addPart.operation';
import * as fill from './fill.operation';
import * as open from './open.operation';
import * as replyOnce from './replyOnce.operation';
import * as update from './update.operation';

/** Dispatch table: operation value → its resource, description and execute. */
export const operations: Record<Operation, OperationModule> = {
	addPart,
	open,
	update,
	replyOnce,
	fill,
};

export type { Operation, Resource } from './common';
