/** Figures CSV: one table of the figures as CSV for Italian Excel, with its download headers. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import {
	csvFileName,
	DashboardInputError,
	FIGURES_TABLES,
	FIGURES_TABLE_TITLES,
	isFiguresTableId,
	renderFiguresCsv,
} from '../../core/dashboard';
import { dashboardExecute, figuresProperty, forOperations, readFigures } from './dashboardCommon';

export const description: INodeProperties[] = forOperations(
	['figuresCsv'],
	[
		figuresProperty,
		{
			displayName: 'Table',
			name: 'table',
			type: 'options',
			default: 'iscritti',
			description:
				"Which table; in the dashboard's workflow it is the address's <code>csv</code> (?csv=iscritti)",
			options: FIGURES_TABLES.map((id) => ({
				name: FIGURES_TABLE_TITLES[id],
				value: id,
			})),
		},
	],
);

export const execute = dashboardExecute(function (itemIndex): IDataObject[] {
	const table = String(this.getNodeParameter('table', itemIndex, '') ?? '').trim();
	if (!isFiguresTableId(table)) {
		throw new DashboardInputError(
			`No table "${table.slice(0, 40)}": the tables are ${FIGURES_TABLES.join(', ')}`,
			'table',
		);
	}
	const figures = readFigures(this, itemIndex);
	if (figures === null) return [];
	const fileName = csvFileName(figures, table);
	return [
		{
			csv: renderFiguresCsv(figures, table),
			table,
			fileName,
			contentType: 'text/csv; charset=utf-8',
			contentDisposition: `attachment; filename="${fileName}"`,
		},
	];
});
