/**
 * The operations layout every node with several operations follows: `operations/<name>.operation.ts`
 * modules (description and execute), gathered in `operations/index.ts` as a typed map from the
 * `operation` parameter's value to its module. This picks the module for an item.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** The module of the item's operation; a module that names its resource must match the item's. */
export function operationFor<Module extends object>(
	context: IExecuteFunctions,
	operations: Readonly<Record<string, Module>>,
	itemIndex: number,
): Module {
	const operation = context.getNodeParameter('operation', itemIndex) as string;
	const module = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
	if (module === undefined) {
		throw new NodeOperationError(context.getNode(), `Unknown operation "${String(operation)}"`, {
			itemIndex,
		});
	}
	const wanted = (module as { resource?: unknown }).resource;
	if (wanted !== undefined) {
		const resource = context.getNodeParameter('resource', itemIndex) as string;
		if (wanted !== resource) {
			throw new NodeOperationError(
				context.getNode(),
				`Unknown operation "${String(operation)}" for resource "${resource}"`,
				{ itemIndex },
			);
		}
	}
	return module;
}
