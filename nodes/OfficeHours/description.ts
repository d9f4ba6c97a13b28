import type { INodeProperties } from 'n8n-workflow';

import { RIMINI_CALENDAR, WEEKDAY_FIELD_NAMES, WEEKDAYS } from '../core/calendar';

/** Day option values; their order is the order staff see in the editor. */
const WEEKDAY_OPTIONS = [
	{ name: 'Monday', value: 'monday' },
	{ name: 'Tuesday', value: 'tuesday' },
	{ name: 'Wednesday', value: 'wednesday' },
	{ name: 'Thursday', value: 'thursday' },
	{ name: 'Friday', value: 'friday' },
	{ name: 'Saturday', value: 'saturday' },
	{ name: 'Sunday', value: 'sunday' },
];

/** 'H:mm' → 'HH:mm', as staff see times in the editor. */
const editorTime = (time: string) => time.padStart(5, '0');

/**
 * The editor's defaults are Rimini's calendar, so an imported workflow works as is: the weekly ranges come
 * from RIMINI_CALENDAR; patron day and timezone are literals (n8n's lint wants literal defaults), pinned
 * to RIMINI_CALENDAR by test/nodes/officeHours.node.test.ts.
 */
const RIMINI_RANGES = WEEKDAYS.flatMap((weekday) =>
	(RIMINI_CALENDAR.schedule[weekday] ?? []).map((range) => ({
		day: WEEKDAY_FIELD_NAMES[weekday],
		start: editorTime(range.start),
		end: editorTime(range.end),
	})),
);

export const officeHoursProperties: INodeProperties[] = [
	{
		displayName:
			"Items go to <b>Open</b> or <b>Closed</b> and gain the verdict, the next opening and the week's hours in Italian, ready for the automatic reply.",
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Time to Check',
		name: 'instant',
		type: 'string',
		default: '={{ $json.timestamp }}',
		placeholder: 'e.g. 2026-03-03T10:30:00+01:00',
		description:
			'The moment to check: an ISO date-time or epoch seconds (as WhatsApp sends them). Leave empty to check the current time.',
	},
	{
		displayName: 'Weekly Schedule',
		name: 'schedule',
		type: 'fixedCollection',
		placeholder: 'Add Opening Hours',
		typeOptions: { multipleValues: true, sortable: true },
		default: { ranges: RIMINI_RANGES },
		description:
			'When the office answers. A day can have several ranges (e.g. 9:00–13:00 and 14:30–16:30); a day without ranges is closed.',
		options: [
			{
				displayName: 'Opening Hours',
				name: 'ranges',
				values: [
					{
						displayName: 'Day',
						name: 'day',
						type: 'options',
						options: WEEKDAY_OPTIONS,
						default: 'monday',
					},
					{
						displayName: 'Opens At',
						name: 'start',
						type: 'string',
						default: '09:00',
						placeholder: 'e.g. 09:00',
						description: 'Opening time, HH:mm',
					},
					{
						displayName: 'Closes At',
						name: 'end',
						type: 'string',
						default: '13:00',
						placeholder: 'e.g. 13:00',
						description: 'Closing time, HH:mm; the office is closed from this minute on',
					},
				],
			},
		],
	},
	{
		displayName: 'Closed on Italian National Holidays',
		name: 'nationalHolidays',
		type: 'boolean',
		default: true,
		description:
			"Whether the office is closed on Italy's national holidays (Capodanno, Epifania, Lunedì dell'Angelo, 25 aprile, 1 maggio, 2 giugno, Ferragosto, 4 ottobre from 2026, Ognissanti, Immacolata, Natale, Santo Stefano)",
	},
	{
		displayName: 'Patron Day',
		name: 'patronDay',
		type: 'string',
		default: '14/10',
		placeholder: 'e.g. 14/10',
		description: "The city's patron saint's day as DD/MM, closed every year. Leave empty for none.",
	},
	{
		displayName: 'Patron Day Name',
		name: 'patronDayName',
		type: 'string',
		default: 'San Gaudenzio',
		description: 'Name given in the verdict on the patron day',
	},
	{
		displayName: 'Extra Closures',
		name: 'closures',
		type: 'fixedCollection',
		placeholder: 'Add Closure',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		description: 'Days the office is closed besides holidays, e.g. 24/12 from 13:00',
		options: [
			{
				displayName: 'Closure',
				name: 'closure',
				values: [
					{
						displayName: 'Closed From Date',
						name: 'from',
						type: 'string',
						default: '',
						placeholder: 'e.g. 24/12/2026',
						description: 'First closed day, DD/MM/YYYY or YYYY-MM-DD',
					},
					{
						displayName: 'Closed Until Date',
						name: 'to',
						type: 'string',
						default: '',
						placeholder: 'e.g. 31/12/2026',
						description: 'Last closed day (included). Leave empty for a single day.',
					},
					{
						displayName: 'From Time',
						name: 'fromTime',
						type: 'string',
						default: '',
						placeholder: 'e.g. 13:00',
						description:
							'On the first day, closed only from this time (HH:mm). Leave empty to close the whole day.',
					},
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: 'Chiusura straordinaria',
						description: 'Reason given in the verdict',
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
				displayName: 'Output Field',
				name: 'outputField',
				type: 'string',
				default: 'officeHours',
				description: 'Name of the field that receives the verdict',
			},
			{
				displayName: 'Timezone',
				name: 'timezone',
				type: 'string',
				default: 'Europe/Rome',
				placeholder: 'e.g. Europe/Rome',
				description: 'IANA timezone of the office hours',
			},
		],
	},
];
