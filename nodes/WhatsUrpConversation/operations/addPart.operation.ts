import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	citizenFromItem,
	defaultServiceKeywordRows,
	outOfHoursFromItem,
	reportPartFromItem,
	reportRulesFromParameters,
	type ServiceKeywordRow,
} from '../../core/conversation/inbound';
import { DEFAULT_FALLBACK_SERVICE } from '../../core/conversation/report';
import { reportPlaceholders, withPlaceholders } from '../../core/conversation/replyPlaceholders';
import { forOperation, inputOf, type StoreOf } from './common';

export const resource = 'report';

export const description: INodeProperties[] = forOperation('report', 'addPart', [
	{
		displayName: 'Service Keywords',
		name: 'serviceKeywords',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Service',
		default: { service: defaultServiceKeywordRows() },
		description:
			"Which service of the reporting portal a report goes to: the first service (in this order) one of whose keywords begins a word of the citizen's text; case and accents are ignored",
		options: [
			{
				displayName: 'Service',
				name: 'service',
				values: [
					{
						displayName: 'Service Code',
						name: 'code',
						type: 'string',
						default: '',
						placeholder: 'e.g. buche',
						description: "The portal's code of the service",
					},
					{
						displayName: 'Keywords',
						name: 'keywords',
						type: 'string',
						default: '',
						placeholder: 'e.g. buca, asfalto, tombino',
						description: 'Comma-separated words',
					},
				],
			},
		],
	},
	{
		displayName: 'Fallback Service',
		name: 'fallbackService',
		type: 'string',
		default: DEFAULT_FALLBACK_SERVICE,
		description: 'The portal service code of a report no keyword matches',
	},
	{
		displayName: 'Report Window (Hours)',
		name: 'windowHours',
		type: 'number',
		default: 24,
		description:
			'How long the parts of one report (photo, position, description) wait for each other: a part sent later starts a new report. From 1 minute (0.02) to 7 days (168).',
	},
]);

/** Adds the item (a photo, a position, a line of text) to the citizen's report and assembles it. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: StoreOf,
): Promise<IDataObject> {
	const input = inputOf(this, itemIndex);
	const rows = this.getNodeParameter('serviceKeywords', itemIndex, {}) as {
		service?: ServiceKeywordRow[];
	};
	const rules = reportRulesFromParameters({
		serviceKeywords: Array.isArray(rows.service) ? rows.service : [],
		fallbackService: this.getNodeParameter('fallbackService', itemIndex, DEFAULT_FALLBACK_SERVICE),
		windowHours: this.getNodeParameter('windowHours', itemIndex, 24),
	});
	const citizen = citizenFromItem(input);
	const part = reportPartFromItem(input, new Date());
	const outcome = await (
		await store()
	).conversations.addReportPart(citizen, part, rules, { outOfHours: outOfHoursFromItem(input) });
	return {
		...input,
		caseId: outcome.caseId,
		report: outcome.report as unknown as IDataObject,
		reportOpened: outcome.opened,
		duplicate: outcome.duplicate,
		placeholders: withPlaceholders(
			input.placeholders,
			reportPlaceholders(outcome.caseId, outcome.report),
		) as IDataObject,
	};
}
