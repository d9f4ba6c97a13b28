import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	caseChangeFromParameters,
	type CaseUpdateParameters,
} from '../../core/conversation/inbound';
import { forOperation, inputOf, type StoreOf } from './common';

export const resource = 'case';

const ROUTES = [
	{ name: 'Operators', value: 'operators' },
	{ name: 'Reporting Portal (Segnala)', value: 'segnala' },
	{ name: 'URP Mailbox', value: 'urp_mailbox' },
];

export const description: INodeProperties[] = forOperation('case', 'update', [
	{
		displayName: 'Case ID',
		name: 'caseId',
		type: 'string',
		default: '={{ $json.caseId }}',
		required: true,
		description: 'The number the case was opened with (caseId of Open Case or Add Part to Report)',
	},
	{
		displayName: 'State',
		name: 'state',
		type: 'options',
		options: [
			{ name: 'Answered', value: 'answered', description: 'A question was answered' },
			{ name: 'Closed', value: 'closed', description: 'Final: nothing more to do' },
			{ name: 'Keep (No Change)', value: 'keep' },
			{
				name: 'Registered',
				value: 'registered',
				description: 'A report was filed on the reporting portal',
			},
			{
				name: 'Routed',
				value: 'routed',
				description: 'Sent to operators, the mailbox or the portal',
			},
		],
		default: 'keep',
		description: 'A case moves only forward: received → routed → answered or registered → closed',
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Answered How',
				name: 'answeredHow',
				type: 'options',
				options: [
					{ name: 'Template', value: 'template' },
					{ name: 'Text', value: 'text' },
				],
				default: 'text',
				description: "How the operator's answer reached the citizen",
			},
			{
				displayName: 'Closed Reason',
				name: 'closedReason',
				type: 'string',
				default: '',
				placeholder: 'e.g. answered',
				description: 'Why the case closed: answered, registered, expired, unanswered, …',
			},
			{
				displayName: 'Portal Request ID',
				name: 'portalRequestId',
				type: 'string',
				default: '',
				description: 'The number (or batch token) the reporting portal gave the report',
			},
			{
				displayName: 'Portal Service',
				name: 'portalService',
				type: 'string',
				default: '',
				placeholder: 'e.g. buche',
				description: "The reporting portal's service code",
			},
			{
				displayName: 'Reply Message ID',
				name: 'replyWamid',
				type: 'string',
				default: '',
				description:
					'The wamid of the last message the URP sent about the case: its delivery status is then recorded',
			},
			{
				displayName: 'Routed To',
				name: 'routedTo',
				type: 'options',
				options: ROUTES,
				default: 'operators',
			},
		],
	},
]);

/** Moves the case forward; the output carries the case as it is now. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: StoreOf,
): Promise<IDataObject> {
	const input = inputOf(this, itemIndex);
	const caseId = this.getNodeParameter('caseId', itemIndex) as unknown;
	const change = caseChangeFromParameters({
		...(this.getNodeParameter('updateFields', itemIndex, {}) as CaseUpdateParameters),
		state: this.getNodeParameter('state', itemIndex, 'keep'),
	});
	const record = await (await store()).conversations.updateCase(caseId as number | string, change);
	return { ...input, case: record as unknown as IDataObject };
}
