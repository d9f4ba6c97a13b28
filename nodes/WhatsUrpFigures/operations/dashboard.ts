/**
 * The dashboard's operations of the WhatsUrp Figures node: in its operations map (index.ts), its
 * Operation parameter's options and its properties (../description.ts).
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { DashboardOperation, DashboardOperationModule } from './dashboardCommon';
import * as dashboardPage from './dashboardPage.operation';
import * as figuresCsv from './figuresCsv.operation';
import * as monthlyEmail from './monthlyEmail.operation';

export const dashboardOperations: Record<DashboardOperation, DashboardOperationModule> = {
	dashboardPage,
	figuresCsv,
	monthlyEmail,
};

/** The Operation parameter's choices for them, in the editor's order (alphabetical, as n8n's lint wants). */
export const dashboardOperationOptions: INodePropertyOptions[] = [
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
		name: 'Monthly Email',
		value: 'monthlyEmail',
		action: 'Write the monthly email',
		description: "Last month's figures and the waiting list as an email's subject, text and HTML",
	},
];

/** Their properties, each shown for its operation only. */
export const dashboardProperties: INodeProperties[] = [
	...dashboardPage.description,
	...figuresCsv.description,
	...monthlyEmail.description,
];

export type { DashboardOperation, DashboardOperationModule } from './dashboardCommon';
