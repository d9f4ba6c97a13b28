/**
 * The per-item loop every node with an execute() shares (runForAllItems for an operation that reads all
 * items at once): each input item is run on its own, its output
 * items are paired with it, and a failure becomes the n8n error staff see (errors.ts). Under
 * "Continue On Fail" a failed item goes on, in one shape for every node:
 *
 *   { json: { ...the input item's json, ...details, error, errorHint?, errorCode? },
 *     binary?: the input item's files, pairedItem: { item: <input index> } }
 *
 * `error` is the message, `errorHint` the Italian description telling staff what to do (when there is
 * one), `errorCode` Meta's error code, the portal's HTTP status, the broadcast ledger's or the store's
 * code (when there is one), `details` what the error carries for the item (a stopped broadcast's counts,
 * see withDetails). The input's fields stay, so a person downstream sees which message failed.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
} from 'n8n-workflow';

import {
	detailsOf,
	errorCodeOf,
	toNodeError,
	type ErrorMappingOptions,
	type NodeError,
} from './errors';

/** Output items for one input item, sent to one of the node's outputs. */
export interface RoutedItems {
	output: number;
	items: INodeExecutionData[];
}

/** What one input item gives: one item, several, or items for a given output. */
export type ItemResult = INodeExecutionData | INodeExecutionData[] | RoutedItems;

export interface PerItemOptions {
	/** How many outputs the node has (1 unless said). */
	outputs?: number;
	/** The output a failed item goes to under Continue On Fail (the first unless said). */
	errorOutput?: number;
	/** The editor's name of the parameter a validation error points at. */
	parameterLabel?: ErrorMappingOptions['parameterLabel'];
}

/** Items for one output of a multi-output node. */
export function routed(output: number, ...items: INodeExecutionData[]): RoutedItems {
	return { output, items };
}

function isRouted(result: ItemResult): result is RoutedItems {
	return !Array.isArray(result) && 'output' in result && Array.isArray(result.items);
}

/** Runs `run` for each input item and returns the node's outputs. */
export async function runPerItem(
	context: IExecuteFunctions,
	run: (itemIndex: number, item: INodeExecutionData) => Promise<ItemResult>,
	options: PerItemOptions = {},
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const outputs: INodeExecutionData[][] = Array.from({ length: options.outputs ?? 1 }, () => []);
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await run(itemIndex, items[itemIndex]);
			const { output, items: produced } = isRouted(result)
				? result
				: { output: 0, items: Array.isArray(result) ? result : [result] };
			for (const item of produced) {
				outputs[output].push({ ...item, pairedItem: item.pairedItem ?? { item: itemIndex } });
			}
		} catch (error) {
			const nodeError = toNodeError(context, error, {
				itemIndex,
				parameterLabel: options.parameterLabel,
			});
			if (!context.continueOnFail()) throw nodeError;
			outputs[options.errorOutput ?? 0].push(
				continueOnFailItem(items[itemIndex], { item: itemIndex }, nodeError, error),
			);
		}
	}
	return outputs;
}

/**
 * Runs `run` once for all input items (an operation that reads them together): one output item, paired
 * with every input item; a failure under Continue On Fail leaves the one failed item, paired alike.
 */
export async function runForAllItems(
	context: IExecuteFunctions,
	run: () => Promise<IDataObject>,
): Promise<INodeExecutionData[][]> {
	const pairedItem = context.getInputData().map((_, item) => ({ item }));
	try {
		return [[{ json: await run(), pairedItem }]];
	} catch (error) {
		const nodeError = toNodeError(context, error);
		if (!context.continueOnFail()) throw nodeError;
		return [[continueOnFailItem(undefined, pairedItem, nodeError, error)]];
	}
}

/**
 * The item a failure leaves under Continue On Fail (the shape above). `thrown` is what was thrown
 * before mapping: its code and details.
 */
export function continueOnFailItem(
	input: INodeExecutionData | undefined,
	pairedItem: IPairedItemData | IPairedItemData[],
	nodeError: NodeError,
	thrown: unknown = nodeError,
): INodeExecutionData {
	const hint = typeof nodeError.description === 'string' ? nodeError.description : '';
	const code = errorCodeOf(thrown) ?? errorCodeOf(nodeError);
	const json: IDataObject = {
		...withoutErrorFields(input?.json),
		...withoutErrorFields(detailsOf(thrown) ?? detailsOf(nodeError)),
		error: nodeError.message,
		...(hint !== '' ? { errorHint: hint } : {}),
		...(code !== undefined ? { errorCode: code } : {}),
	};
	return {
		json,
		...(input?.binary !== undefined ? { binary: input.binary } : {}),
		pairedItem,
	};
}

/** The fields only the failure itself sets: an earlier node's or the details' are not carried over. */
const ERROR_FIELDS = ['error', 'errorHint', 'errorCode'];

function withoutErrorFields(json: IDataObject | undefined): IDataObject {
	const kept: IDataObject = { ...json };
	for (const field of ERROR_FIELDS) delete kept[field];
	return kept;
}
