import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { evaluateOfficeHours, type InstantInput } from '../core/calendar';
import { routed, runPerItem } from '../shared/runner';
import { officeHoursProperties } from './description';
import { toCalendarConfig, type OfficeHoursParameters } from './parameters';

const OPEN = 0;
const CLOSED = 1;

/** Which parameter a calendar error points at, in the words of the editor. */
function parameterLabel(field: string): string {
	if (field.startsWith('schedule')) return 'Weekly Schedule';
	if (field.startsWith('closures')) return 'Extra Closures';
	if (field.startsWith('patronDay')) return 'Patron Day';
	if (field === 'timezone') return 'Options → Timezone';
	return 'Time to Check';
}

export class OfficeHours implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Office Hours',
		name: 'officeHours',
		icon: { light: 'file:officeHours.svg', dark: 'file:officeHours.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["options"]["timezone"] || "Europe/Rome" }}',
		description:
			'Route items by whether the URP office is open, with the next opening in Italian. Under "Continue On Fail", an item that cannot be checked goes to Open with an "error" field, so a person sees it.',
		defaults: { name: 'Office Hours' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Open', 'Closed'],
		usableAsTool: true,
		properties: officeHoursProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runPerItem(
			this,
			async (itemIndex, item) => {
				const parameters: OfficeHoursParameters = {
					schedule: this.getNodeParameter(
						'schedule',
						itemIndex,
						{},
					) as OfficeHoursParameters['schedule'],
					nationalHolidays: this.getNodeParameter('nationalHolidays', itemIndex, true) as boolean,
					patronDay: this.getNodeParameter('patronDay', itemIndex, '') as string,
					patronDayName: this.getNodeParameter('patronDayName', itemIndex, '') as string,
					closures: this.getNodeParameter(
						'closures',
						itemIndex,
						{},
					) as OfficeHoursParameters['closures'],
					timezone: this.getNodeParameter('options.timezone', itemIndex, '') as string,
				};
				const outputField = this.getNodeParameter(
					'options.outputField',
					itemIndex,
					'officeHours',
				) as string;
				const instant = this.getNodeParameter('instant', itemIndex, '') as unknown;

				const verdict = evaluateOfficeHours(toCalendarConfig(parameters), instant as InstantInput);

				const json: IDataObject = { ...item.json, [outputField]: { ...verdict } };
				return routed(verdict.open ? OPEN : CLOSED, { json, pairedItem: { item: itemIndex } });
			},
			{ outputs: 2, errorOutput: OPEN, parameterLabel },
		);
	}
}
