/** Dashboard Page: the figures of a year as the dashboard's HTML, for Respond to Webhook. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { DASHBOARD_CSP, renderDashboardPage, yearsBetween } from '../../core/dashboard';
import { dashboardExecute, figuresProperty, forOperations, readFigures } from './dashboardCommon';

export const description: INodeProperties[] = forOperations(
	['dashboardPage'],
	[
		figuresProperty,
		{
			displayName: 'First Year',
			name: 'firstYear',
			type: 'number',
			typeOptions: { minValue: 2000, maxValue: 2100 },
			default: 2024,
			description:
				'The first year the year selector offers; it offers every year from this one to the current one',
		},
		{
			displayName: 'Page Options',
			name: 'pageOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'CSV Base URL',
					name: 'csvBaseUrl',
					type: 'string',
					default: '',
					placeholder: 'e.g. /webhook/whatsurp/cruscotto',
					description:
						"Address the CSV links start with (they add ?anno=…&csv=…). Leave empty for the page's own address.",
				},
				{
					displayName: 'Page URL',
					name: 'pageUrl',
					type: 'string',
					default: '',
					description:
						"Address the year selector reloads (adding ?anno=…). Leave empty for the page's own address.",
				},
			],
		},
	],
);

/** The year of a civil date or instant in `timeZone`. */
function yearIn(iso: string, timeZone: string): number {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return Number(iso.slice(0, 4));
	return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(date));
}

export const execute = dashboardExecute(function (itemIndex): IDataObject[] {
	const figures = readFigures(this, itemIndex);
	if (figures === null) return [];
	const firstYear = this.getNodeParameter('firstYear', itemIndex, 2024) as number;
	const options = this.getNodeParameter('pageOptions', itemIndex, {}) as {
		csvBaseUrl?: string;
		pageUrl?: string;
	};
	const selectedYear = Number(figures.period.from.slice(0, 4));
	const thisYear = yearIn(figures.generatedAt, figures.period.timeZone);
	const html = renderDashboardPage(figures, {
		years: yearsBetween(Number(firstYear), Math.max(thisYear, selectedYear)),
		selectedYear,
		csvBaseUrl: options.csvBaseUrl,
		pageUrl: options.pageUrl,
	});
	return [
		{
			html,
			year: selectedYear,
			contentType: 'text/html; charset=utf-8',
			contentSecurityPolicy: DASHBOARD_CSP,
		},
	];
});
