import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	citizenFromItem,
	closureFromParameter,
	instantFromItem,
} from '../../core/conversation/inbound';
import { forOperation, inputOf, type StoreOf } from './common';

export const resource = 'closure';

export const description: INodeProperties[] = forOperation('closure', 'replyOnce', [
	{
		displayName: 'Next Opening',
		name: 'nextOpening',
		type: 'string',
		default: '={{ $json.officeHours.nextOpening }}',
		required: true,
		description:
			'The office\'s next opening (ISO date-time, from the Office Hours node): the automatic "office closed" reply goes to a citizen once until then. firstReply is true the first time.',
	},
]);

/** firstReply: true the first time this citizen writes during this closure, false afterwards. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	store: StoreOf,
): Promise<IDataObject> {
	const input = inputOf(this, itemIndex);
	const closure = closureFromParameter(this.getNodeParameter('nextOpening', itemIndex, ''));
	const citizen = citizenFromItem(input);
	const at = instantFromItem(input.timestamp, new Date());
	const firstReply = await (await store()).conversations.claimClosureReply(citizen, closure, at);
	return { ...input, firstReply };
}
