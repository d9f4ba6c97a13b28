/**
 * What the dashboard's operations of the WhatsUrp Figures node share: their signature, the Figures parameter and the mapping of the dashboard's input errors.
 * They read the figures from the item (as Get Figures gives them) and call core/dashboard; none of them
 * reads the store.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { DashboardInputError, figuresFromItems, parseFigures } from '../../core/dashboard';
import type { Figures } from '../../core/figures/types';

export type DashboardOperation = 'dashboardPage' | 'figuresCsv' | 'monthlyEmail';

export interface DashboardOperationModule {
	/** The operation's own properties (shown for it only). */
	description: INodeProperties[];
	/** The output items' json for the input item `itemIndex`; `store` is the node's, unused here. */
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		store: unknown,
		input: IDataObject,
	): Promise<IDataObject[]>;
}

/**
 * The Figures parameter every dashboard operation has. Empty (the default): the operation reads the items
 * of Get Figures before it (its rows and its totals item) and gives its output once, for the totals
 * item. Else the whole figures of one period, as an object or JSON text.
 */
export const figuresProperty: INodeProperties = {
	displayName: 'Figures',
	name: 'figures',
	type: 'json',
	default: '',
	description:
		'Leave empty to read the items of Get Figures before this node (its rows and its totals item); or an expression giving the whole figures of one period',
};

/** The Italian hint for each field a DashboardInputError may name. */
function hintFor(field: string): string {
	if (field.startsWith('figures')) {
		return 'Mettere questo nodo dopo «Get Figures» (senza «Flat Columns») lasciando vuoto il campo «Figures», oppure scrivere in «Figures» i numeri di un periodo (per esempio {{ $json.figures }}).';
	}
	if (field === 'anno') return "L'anno va scritto con quattro cifre, per esempio ?anno=2026.";
	return `Controllare il parametro «${field}».`;
}

/** The core's input error as the n8n error staff see; anything else as it is. */
export function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): unknown {
	if (error instanceof DashboardInputError) {
		return new NodeOperationError(context.getNode(), error.message, {
			itemIndex,
			description: hintFor(error.field),
		});
	}
	return error;
}

/**
 * The item's figures, checked: the Figures parameter's (an object or JSON text), else those of Get
 * Figures' items when the item is their totals item; null for one of their row items (the operation
 * gives nothing for it: its output comes once, with the totals item).
 */
export function readFigures(context: IExecuteFunctions, itemIndex: number): Figures | null {
	let value = context.getNodeParameter('figures', itemIndex, '') as unknown;
	const missing = (message: string) =>
		new NodeOperationError(context.getNode(), message, {
			itemIndex,
			description: hintFor('figures'),
		});
	if (typeof value === 'string' && value.trim() !== '') {
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			throw missing('The figures are not JSON');
		}
	}
	if (value !== undefined && value !== null && value !== '') return parseFigures(value);
	const items = context.getInputData().map((item) => item.json as unknown);
	const row = (items[itemIndex] as { row?: unknown } | undefined)?.row;
	if (row === 'totals') return figuresFromItems(items, itemIndex);
	if (typeof row === 'string') return null;
	throw missing('The item has no figures');
}

/** Runs an operation's body with the dashboard's errors mapped. */
export function dashboardExecute(
	body: (
		this: IExecuteFunctions,
		itemIndex: number,
		input: IDataObject,
	) => IDataObject[] | Promise<IDataObject[]>,
): DashboardOperationModule['execute'] {
	return async function (this: IExecuteFunctions, itemIndex, _store, input) {
		try {
			return await body.call(this, itemIndex, input);
		} catch (error) {
			throw asNodeError(this, error, itemIndex);
		}
	};
}

export { forOperations } from '../../shared/forOperations';
