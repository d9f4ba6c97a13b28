/** Monthly Email: last month's figures and the waiting list as an email's subject, text and HTML. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { monthlyEmail } from '../../core/dashboard';
import { dashboardExecute, figuresProperty, forOperations, readFigures } from './dashboardCommon';

const PLACEHOLDERS =
	'{mese}, {dal}, {al}, {domande}, {segnalazioni}, {avvisi}, {in_attesa} (cases waiting), {cruscotto} (the Dashboard URL)';

/** The defaults are literals (n8n's lint), pinned to core's DEFAULT_MONTHLY_EMAIL_TEXTS by the node test. */
export const description: INodeProperties[] = forOperations(
	['monthlyEmail'],
	[
		figuresProperty,
		{
			displayName: 'Subject',
			name: 'subject',
			type: 'string',
			default: 'WhatsUrp – i numeri di {mese}',
			description: `The email's subject, plain text with placeholders: ${PLACEHOLDERS}`,
		},
		{
			displayName: 'Opening',
			name: 'opening',
			type: 'string',
			typeOptions: { rows: 3 },
			default:
				"Buongiorno,\necco i numeri del servizio WhatsApp dell'URP per {mese} e quello che è in attesa adesso ({in_attesa} casi).",
			description: `Text before the figures, with the same placeholders: ${PLACEHOLDERS}`,
		},
		{
			displayName: 'Closing',
			name: 'closing',
			type: 'string',
			typeOptions: { rows: 3 },
			default:
				'Il cruscotto con i grafici e i dati da scaricare: {cruscotto}\n\nMessaggio automatico di WhatsUrp.',
			description: `Text after the figures, with the same placeholders: ${PLACEHOLDERS}`,
		},
		{
			displayName: 'Dashboard URL',
			name: 'dashboardUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://n8n.comune.example/webhook/whatsurp/cruscotto',
			description: 'The address of the dashboard page, for {cruscotto}',
		},
	],
);

export const execute = dashboardExecute(function (itemIndex): IDataObject[] {
	const figures = readFigures(this, itemIndex);
	if (figures === null) return [];
	const text = (name: string) => String(this.getNodeParameter(name, itemIndex, '') ?? '');
	const email = monthlyEmail(figures, {
		subject: text('subject'),
		opening: text('opening'),
		closing: text('closing'),
		dashboardUrl: text('dashboardUrl').trim(),
	});
	return [{ ...email, period: { ...figures.period } }];
});
