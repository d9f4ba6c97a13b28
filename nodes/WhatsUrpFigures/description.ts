import type { INodeProperties } from 'n8n-workflow';

import { optionsProperty } from './operations/common';
import { operations, type Operation } from './operations';

const show = (...operation: Operation[]) => ({ show: { operation } });

/**
 * The operation, the properties several operations share, and each operation's own (from its module in
 * operations/), in the order the editor shows them.
 */
export const whatsUrpFiguresProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Dashboard Page',
				value: 'dashboardPage',
				action: 'Render the dashboard page',
				description: "A year's figures as the dashboard's HTML page, for Respond to Webhook",
			},
			{
				name: 'Figures CSV',
				value: 'figuresCsv',
				action: 'Render a figures table as CSV',
				description: 'One table of the figures as CSV for Excel, with its download headers',
			},
			{
				name: 'Get Figures',
				value: 'getFigures',
				action: 'Get the figures of a period',
				description:
					'Subscribers, alerts, citizens messages and answer times: one item per month or week, then the totals and what is waiting',
			},
			{
				name: 'Monthly Email',
				value: 'monthlyEmail',
				action: 'Write the monthly email',
				description:
					"Last month's figures and the waiting list as an email's subject, text and HTML",
			},
			{
				name: 'Yearly Summary',
				value: 'yearlySummary',
				action: 'Write the yearly summary in italian',
				description: 'The year in a few Italian sentences, as in the city yearly report',
			},
		],
		default: 'getFigures',
	},
	{
		displayName: 'Period',
		name: 'period',
		type: 'options',
		options: [
			{ name: 'Year', value: 'year' },
			{ name: 'Month', value: 'month' },
			{
				name: 'Previous Month',
				value: 'previousMonth',
				description: 'The month before the current one',
			},
			{ name: 'Custom Range', value: 'custom' },
		],
		default: 'year',
		displayOptions: show('getFigures'),
	},
	{
		displayName: 'Year',
		name: 'year',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 2999 },
		default: 0,
		description: 'E.g. 2026; 0 is the current year. Last year: the expression {{ $now.year - 1 }}.',
		displayOptions: { show: { operation: ['getFigures'], period: ['year'] } },
	},
	{
		displayName: 'Year',
		name: 'year',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 2999 },
		default: 0,
		description: 'E.g. 2026; 0 is the current year. Last year: the expression {{ $now.year - 1 }}.',
		displayOptions: show('yearlySummary'),
	},
	{
		displayName: 'Month',
		name: 'month',
		type: 'string',
		default: '',
		placeholder: '2026-03',
		description: 'As YYYY-MM; empty is the current month',
		displayOptions: { show: { operation: ['getFigures'], period: ['month'] } },
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '',
		placeholder: '2026-01-01',
		required: true,
		description: 'First day, as YYYY-MM-DD',
		displayOptions: { show: { operation: ['getFigures'], period: ['custom'] } },
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		placeholder: '2026-06-30',
		required: true,
		description: 'Last day (included), as YYYY-MM-DD',
		displayOptions: { show: { operation: ['getFigures'], period: ['custom'] } },
	},
	{
		displayName: 'Rows',
		name: 'granularity',
		type: 'options',
		options: [
			{ name: 'Months', value: 'month' },
			{ name: 'Weeks (ISO, Monday First)', value: 'week' },
		],
		default: 'month',
		description: 'Whether one item per month or per week of the period',
		displayOptions: show('getFigures'),
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: 'Europe/Rome',
		description: 'Where days, weeks and months are cut (the office time zone)',
		displayOptions: show('getFigures', 'yearlySummary'),
	},
	...Object.values(operations).flatMap((module) =>
		module.description.map((p) => ({
			...p,
			displayOptions: p.displayOptions ?? show('getFigures'),
		})),
	),
	{ ...optionsProperty, displayOptions: show('getFigures', 'yearlySummary') },
];
