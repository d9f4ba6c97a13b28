/**
 * The dashboard's operations of the WhatsUrp Figures node (its operations map, index.ts; their choices
 * in the Operation parameter, ../description.ts).
 */
import type { INodeProperties } from 'n8n-workflow';

import type { DashboardOperation, DashboardOperationModule } from './dashboardCommon';
import * as dashboardPage from './dashboardPage.operation';
import * as figuresCsv from './figuresCsv.operation';
import * as monthlyEmail from './monthlyEmail.operation';

export const dashboardOperations: Record<DashboardOperation, DashboardOperationModule> = {
	dashboardPage,
	figuresCsv,
	monthlyEmail,
};

/** Their properties, each shown for its operation only. */
export const dashboardProperties: INodeProperties[] = [
	...dashboardPage.description,
	...figuresCsv.description,
	...monthlyEmail.description,
];

export type { DashboardOperation, DashboardOperationModule } from './dashboardCommon';
