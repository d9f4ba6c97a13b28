import type { Operation, OperationModule } from './common';
import * as confirmConsent from './confirmConsent.operation';
import * as count from './count.operation';
import * as erase from './erase.operation';
import * as exportCitizen from './export.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as importSubscriber from './import.operation';
import * as requestSubscription from './requestSubscription.operation';
import * as unsubscribe from './unsubscribe.operation';

/** Dispatch table: operation value → its own properties and execute. */
export const operations: Record<Operation, OperationModule> = {
	requestSubscription,
	confirmConsent,
	unsubscribe,
	get,
	getMany,
	count,
	import: importSubscriber,
	export: exportCitizen,
	erase,
};

export type { Operation } from './common';
