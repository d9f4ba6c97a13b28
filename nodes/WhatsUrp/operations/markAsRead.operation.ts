import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { buildMarkAsRead } from '../../core/whatsapp/messages';
import { postReadReceipt } from '../transport';
import { toNodeError } from '../../shared/errors';
import { forOperations } from './common';

export const description: INodeProperties[] = forOperations(
	['markAsRead'],
	[
		{
			displayName: 'Message ID',
			name: 'messageId',
			type: 'string',
			default: '={{ $json.messageId }}',
			required: true,
			description:
				"The citizen's message to mark as read (blue ticks); the default is the trigger's message",
		},
		{
			displayName: 'Show Typing Indicator',
			name: 'typingIndicator',
			type: 'boolean',
			default: false,
			description: 'Whether the citizen also sees "typing…" until the reply (at most 25 seconds)',
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const messageId = this.getNodeParameter('messageId', itemIndex) as string;
	const payload = buildMarkAsRead(messageId, {
		typingIndicator: this.getNodeParameter('typingIndicator', itemIndex, false) as boolean,
	});
	const result = await postReadReceipt(this, payload);
	if (!result.ok) throw toNodeError(this, result.error, { itemIndex });
	return {
		json: { operation: 'markAsRead', messageId, success: true },
		pairedItem: { item: itemIndex },
	};
}
