import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	citizenFromItem,
	instantFromItem,
	messageIdFromItem,
} from '../../core/conversation/inbound';
import { withPlaceholders } from '../../core/conversation/replyPlaceholders';
import type { CaseKind, CaseRoute } from '../../core/conversation/types';
import { forOperation, inputOf, type StoreOf } from './common';

export const resource = 'case';

export const description: INodeProperties[] = forOperation('case', 'open', [
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		options: [
			{ name: 'Question', value: 'question', description: 'A question for the URP' },
			{ name: 'Report', value: 'report', description: 'A report for the reporting portal' },
		],
		default: 'question',
	},
	{
		displayName: 'Route',
		name: 'route',
		type: 'options',
		options: [
			{ name: 'None (Not Routed Yet)', value: 'none' },
			{ name: 'Operators', value: 'operators', description: 'Sent to the operators on duty' },
			{ name: 'Reporting Portal (Segnala)', value: 'segnala' },
			{ name: 'URP Mailbox', value: 'urp_mailbox', description: "Sent to the URP's mailbox" },
		],
		default: 'none',
		description: 'Where the case is sent as it opens; it can be routed later with Update Case',
	},
	{
		displayName: 'Out of Office Hours',
		name: 'outOfHours',
		type: 'boolean',
		default: false,
		description: 'Whether the message arrived while the office was closed',
	},
]);

/** Opens the case of the citizen's message (a redelivered message finds the case it opened). */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: StoreOf,
): Promise<IDataObject> {
	const input = inputOf(this, itemIndex);
	const route = this.getNodeParameter('route', itemIndex, 'none') as string;
	const citizen = citizenFromItem(input);
	const messageId = messageIdFromItem(input);
	const at = instantFromItem(input.timestamp, new Date());
	const { record } = await (
		await store()
	).conversations.openCase({
		citizen,
		kind: this.getNodeParameter('kind', itemIndex, 'question') as CaseKind,
		messageId,
		at,
		outOfHours: this.getNodeParameter('outOfHours', itemIndex, false) === true,
		...(route !== 'none' && route !== '' ? { route: route as CaseRoute } : {}),
	});
	return {
		...input,
		caseId: record.id,
		placeholders: withPlaceholders(input.placeholders, { pratica: record.id }) as IDataObject,
	};
}
