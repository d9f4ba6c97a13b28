/**
 * What the dashboard's operations share (to be registered in the WhatsUrp Figures node next to Get
 * Figures): their signature, the Figures parameter and the mapping of the dashboard's input errors.
 * They read the figures from the item (as Get Figures gives them) and call core/dashboard; none of them
 * reads the store.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { DashboardInputError, parseFigures } from '../../core/dashboard';
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

/** The Figures parameter every dashboard operation has: the whole figures of one period. */
export const figuresProperty: INodeProperties = {
	displayName: 'Figures',
	name: 'figures',
	type: 'json',
	default: '={{ $json.figures }}',
	required: true,
	description:
		"The figures of one period, as Get Figures gives them in its item's <code>figures</code> field",
};

/** The Italian hint for each field a DashboardInputError may name. */
function hintFor(field: string): string {
	if (field.startsWith('figures')) {
		return 'Il campo «Figures» deve contenere i numeri di un periodo come li dà «Get Figures» (per esempio {{ $json.figures }}).';
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

/** The item's figures, checked (a JSON text is read too). */
export function readFigures(context: IExecuteFunctions, itemIndex: number): Figures {
	let value = context.getNodeParameter('figures', itemIndex, undefined) as unknown;
	const missing = (message: string) =>
		new NodeOperationError(context.getNode(), message, {
			itemIndex,
			description: hintFor('figures'),
		});
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			throw missing('The figures are not JSON');
		}
	}
	if (value === undefined || value === null || value === '')
		throw missing('The item has no figures');
	return parseFigures(value);
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

export { forOperations } from '../forOperations';
