import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { buildListMessage, parseRecipient, type ListSection } from '../../core/whatsapp/messages';
import {
	forOperations,
	recipientProperty,
	interactiveOptionsProperty,
	readInteractiveOptions,
	sendWithWindowFallback,
	windowFallbackProperties,
} from './common';

export const description: INodeProperties[] = forOperations(
	['sendList'],
	[
		recipientProperty,
		{
			displayName: 'Text',
			name: 'listBody',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: "e.g. Scegli l'argomento della tua richiesta.",
			description: 'The message above the list button, up to 1,024 characters',
		},
		{
			displayName: 'Button Text',
			name: 'listButtonText',
			type: 'string',
			default: 'Scegli',
			required: true,
			description: 'The button that opens the list, up to 20 characters',
		},
		{
			displayName: 'Sections (JSON)',
			name: 'listSections',
			type: 'json',
			default:
				'[\n  {\n    "title": "Servizi",\n    "rows": [\n      { "id": "orari", "title": "Orari URP" },\n      { "id": "segnalazione", "title": "Fare una segnalazione", "description": "Buche, lampioni, rifiuti" }\n    ]\n  }\n]',
			required: true,
			description:
				'Sections with rows: up to 10 rows in all; a row title has at most 24 characters and a description at most 72',
		},
		...windowFallbackProperties,
		interactiveOptionsProperty('listOptions'),
	],
);

function readSections(context: IExecuteFunctions, itemIndex: number): ListSection[] {
	const raw = context.getNodeParameter('listSections', itemIndex) as unknown;
	if (typeof raw !== 'string') return raw as ListSection[];
	try {
		return JSON.parse(raw) as ListSection[];
	} catch (error) {
		throw new NodeOperationError(
			context.getNode(),
			`Sections (JSON) is not valid JSON: ${(error as Error).message}`,
			{
				itemIndex,
				description:
					'Scrivere un array di sezioni, es. [{"title": "Servizi", "rows": [{"id": "orari", "title": "Orari URP"}]}]',
			},
		);
	}
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const recipient = parseRecipient(this.getNodeParameter('to', itemIndex));
	const payload = buildListMessage(recipient, {
		body: this.getNodeParameter('listBody', itemIndex) as string,
		buttonText: this.getNodeParameter('listButtonText', itemIndex) as string,
		sections: readSections(this, itemIndex),
		...readInteractiveOptions(this, 'listOptions', itemIndex),
	});
	return await sendWithWindowFallback(this, 'sendList', itemIndex, recipient, payload);
}
