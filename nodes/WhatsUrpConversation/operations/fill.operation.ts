import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	fillTexts,
	MESSAGE_PLACEHOLDER_LIST,
	type TextRow,
} from '../../core/conversation/replyPlaceholders';
import { forOperation, inputOf } from './common';

export const resource = 'text';

export const description: INodeProperties[] = forOperation('text', 'fill', [
	{
		displayName: `Placeholders: ${MESSAGE_PLACEHOLDER_LIST}, and what earlier WhatsUrp nodes put in the item's "placeholders" ({liste}, {servizio}, …). An unknown name stays as written.`,
		name: 'placeholdersNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Texts',
		name: 'texts',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Text',
		default: {},
		description: 'Each text is written to its field of the output item, its {placeholders} filled',
		options: [
			{
				displayName: 'Text',
				name: 'text',
				values: [
					{
						displayName: 'Field Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. replyText',
						description: 'The output field the filled text is written to',
					},
					{
						displayName: 'Template',
						name: 'template',
						type: 'string',
						typeOptions: { rows: 4 },
						default: '',
						placeholder: 'e.g. Gentile {nome}, la sua segnalazione è la pratica n. {pratica}.',
						description: 'The text, with {placeholders}',
					},
					{
						displayName: 'For a Send and Wait Message',
						name: 'html',
						type: 'boolean',
						default: false,
						description:
							"Whether the text is the message of n8n's Send and Wait email, which n8n puts into HTML: the values are escaped so that a citizen's &lt; &gt; & show as typed and cannot become markup",
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Time Zone',
				name: 'timezone',
				type: 'string',
				default: 'Europe/Rome',
				description: 'The time zone of {ricevuto} (when the message was received)',
			},
		],
	},
]);

/** Writes each text, its placeholders filled from the item, to its field. No store needed. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const input = inputOf(this, itemIndex);
	const rows = this.getNodeParameter('texts', itemIndex, {}) as { text?: TextRow[] };
	const timeZone = this.getNodeParameter('options.timezone', itemIndex, 'Europe/Rome') as string;
	const json: IDataObject = { ...input };
	for (const [name, text] of fillTexts(
		Array.isArray(rows.text) ? rows.text : [],
		input,
		timeZone,
	)) {
		json[name] = text;
	}
	return json;
}
