import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fillForItem } from '../../core/conversation/replyPlaceholders';
import { buildButtonsMessage, parseRecipient } from '../../core/whatsapp/messages';
import {
	fillPlaceholdersOption,
	forOperations,
	recipientProperty,
	interactiveOptionsProperty,
	readInteractiveOptions,
	sendWithWindowFallback,
	windowFallbackProperties,
} from './common';

export const description: INodeProperties[] = forOperations(
	['sendButtons'],
	[
		recipientProperty,
		{
			displayName: 'Text',
			name: 'buttonsBody',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: "e.g. Per attivare l'iscrizione accetta il regolamento del servizio.",
			description: 'The message above the buttons, up to 1,024 characters',
		},
		{
			displayName: 'Buttons',
			name: 'buttons',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Button',
			default: { button: [{ id: 'accept_policy', title: 'Accetto' }] },
			description:
				'Up to 3 reply buttons; a title has at most 20 characters. The pressed button comes back to the trigger with its ID and title.',
			options: [
				{
					displayName: 'Button',
					name: 'button',
					values: [
						{
							displayName: 'ID',
							name: 'id',
							type: 'string',
							default: '',
							description:
								'What the workflow receives when the citizen presses it (e.g. accept_policy)',
						},
						{
							displayName: 'Title',
							name: 'title',
							type: 'string',
							default: '',
							description: 'What the citizen sees, up to 20 characters',
						},
					],
				},
			],
		},
		...windowFallbackProperties,
		interactiveOptionsProperty('buttonsOptions', [fillPlaceholdersOption]),
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const recipient = parseRecipient(this.getNodeParameter('to', itemIndex));
	const buttons = this.getNodeParameter('buttons', itemIndex, {}) as {
		button?: Array<{ id?: string; title?: string }>;
	};
	const body = this.getNodeParameter('buttonsBody', itemIndex) as string;
	const fill = this.getNodeParameter('buttonsOptions.fillPlaceholders', itemIndex, false) === true;
	const payload = buildButtonsMessage(recipient, {
		body: fill ? fillForItem(body, this.getInputData()[itemIndex].json) : body,
		buttons: (buttons.button ?? []).map((button) => ({
			id: button.id ?? '',
			title: button.title ?? '',
		})),
		...readInteractiveOptions(this, 'buttonsOptions', itemIndex),
	});
	return await sendWithWindowFallback(this, 'sendButtons', itemIndex, recipient, payload);
}
