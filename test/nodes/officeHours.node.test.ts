import type { INodeExecutionData } from 'n8n-workflow';

import { RIMINI_CALENDAR } from '../../nodes/core/calendar';
import { OfficeHours } from '../../nodes/OfficeHours/OfficeHours.node';
import { runNode, TestNodeTypes } from '../helpers/runWorkflow';

const TYPE = 'n8n-nodes-whatsurp.officeHours';
const nodeTypes = new TestNodeTypes({ [TYPE]: new OfficeHours() });

const OPEN = 0;
const CLOSED = 1;

function item(json: INodeExecutionData['json']): INodeExecutionData {
	return { json };
}

describe('Office Hours node, Rimini defaults', () => {
	test("the editor's defaults are RIMINI_CALENDAR's", () => {
		const defaults = Object.fromEntries(
			new OfficeHours().description.properties.map((property) => [property.name, property.default]),
		);
		const patron = RIMINI_CALENDAR.patronDay!;
		expect(defaults.patronDay).toBe(`${patron.day}/${patron.month}`);
		expect(defaults.patronDayName).toBe(patron.name);
		const options = new OfficeHours().description.properties.find(
			(property) => property.name === 'options',
		);
		const timezone = options?.options?.find((option) => option.name === 'timezone') as {
			default: string;
		};
		expect(timezone.default).toBe(RIMINI_CALENDAR.timezone);
		expect(defaults.schedule).toEqual({
			ranges: [
				{ day: 'monday', start: '09:00', end: '13:00' },
				{ day: 'tuesday', start: '09:00', end: '17:00' },
				{ day: 'wednesday', start: '09:00', end: '13:00' },
				{ day: 'thursday', start: '09:00', end: '17:00' },
				{ day: 'friday', start: '09:00', end: '13:00' },
				{ day: 'saturday', start: '09:00', end: '13:00' },
			],
		});
	});

	test.each([
		{
			label: 'a Tuesday morning',
			timestamp: '2026-03-03T10:30:00+01:00',
			output: OPEN,
			expected: {
				open: true,
				reason: 'open',
				closesAt: '2026-03-03T17:00:00.000+01:00',
				holidayName: null,
			},
		},
		{
			label: 'a Monday afternoon',
			timestamp: '2026-03-02T14:00:00+01:00',
			output: CLOSED,
			expected: {
				open: false,
				reason: 'outsideHours',
				nextOpening: '2026-03-03T09:00:00.000+01:00',
				nextOpeningText: 'domani alle 9:00',
			},
		},
		{
			label: 'a Sunday',
			timestamp: '2026-03-01T10:00:00+01:00',
			output: CLOSED,
			expected: {
				open: false,
				reason: 'outsideHours',
				nextOpening: '2026-03-02T09:00:00.000+01:00',
				nextOpeningText: 'domani alle 9:00',
			},
		},
		{
			label: 'early on a Wednesday',
			timestamp: '2026-03-04T07:15:00+01:00',
			output: CLOSED,
			expected: {
				reason: 'outsideHours',
				nextOpening: '2026-03-04T09:00:00.000+01:00',
				nextOpeningText: 'oggi alle 9:00',
			},
		},
		{
			label: 'Easter Monday 2026',
			timestamp: '2026-04-06T10:00:00+02:00',
			output: CLOSED,
			expected: {
				reason: 'holiday',
				holidayName: "Lunedì dell'Angelo",
				nextOpening: '2026-04-07T09:00:00.000+02:00',
			},
		},
		{
			label: 'San Gaudenzio, 14 October 2026',
			timestamp: '2026-10-14T10:00:00+02:00',
			output: CLOSED,
			expected: {
				reason: 'patronDay',
				holidayName: 'San Gaudenzio',
				nextOpening: '2026-10-15T09:00:00.000+02:00',
			},
		},
		{
			label: 'a Saturday before the spring DST change, after closing',
			timestamp: '2026-03-28T13:30:00+01:00',
			output: CLOSED,
			// Sunday 29 March is the change; Monday opens at 9:00 summer time.
			expected: {
				nextOpening: '2026-03-30T09:00:00.000+02:00',
				nextOpeningText: 'lunedì 30 marzo alle 9:00',
			},
		},
		{
			label: 'epoch seconds as WhatsApp sends them (2026-03-03 09:30 UTC = 10:30 in Rome)',
			timestamp: String(Date.UTC(2026, 2, 3, 9, 30) / 1000),
			output: OPEN,
			expected: { open: true, closesAt: '2026-03-03T17:00:00.000+01:00' },
		},
	])('$label → $output', async ({ timestamp, output, expected }) => {
		const result = await runNode(nodeTypes, TYPE, {}, [item({ from: 'x', timestamp })]);
		const outputs = result.outputs();
		expect(outputs).toHaveLength(2);
		expect(outputs[output]).toHaveLength(1);
		expect(outputs[1 - output]).toHaveLength(0);
		const [routed] = outputs[output];
		expect(routed.json.officeHours).toMatchObject(expected);
		expect(routed.json.from).toBe('x');
		expect(routed.pairedItem).toEqual({ item: 0 });
		expect((routed.json.officeHours as { scheduleText: string }).scheduleText).toBe(
			'lunedì, mercoledì, venerdì e sabato 9:00–13:00; martedì e giovedì 9:00–17:00; domenica chiuso',
		);
	});

	test('splits several items between the outputs and keeps their pairing', async () => {
		const input = [
			item({ n: 0, timestamp: '2026-03-03T10:00:00+01:00' }),
			item({ n: 1, timestamp: '2026-03-01T10:00:00+01:00' }),
			item({ n: 2, timestamp: '2026-03-05T16:59:00+01:00' }),
			item({ n: 3, timestamp: '2026-03-05T17:00:00+01:00' }),
		];
		const outputs = (await runNode(nodeTypes, TYPE, {}, input)).outputs();
		expect(outputs[OPEN].map((entry) => [entry.json.n, entry.pairedItem])).toEqual([
			[0, { item: 0 }],
			[2, { item: 2 }],
		]);
		expect(outputs[CLOSED].map((entry) => [entry.json.n, entry.pairedItem])).toEqual([
			[1, { item: 1 }],
			[3, { item: 3 }],
		]);
		expect(input[0].json).toEqual({ n: 0, timestamp: '2026-03-03T10:00:00+01:00' });
	});

	test('with no time given it checks the current time', async () => {
		const before = Date.now();
		const outputs = (await runNode(nodeTypes, TYPE, {}, [item({ text: 'ciao' })])).outputs();
		const routed = [...outputs[OPEN], ...outputs[CLOSED]];
		expect(routed).toHaveLength(1);
		const verdict = routed[0].json.officeHours as { open: boolean; nextOpening: string };
		expect(outputs[verdict.open ? OPEN : CLOSED]).toHaveLength(1);
		expect(Date.parse(verdict.nextOpening)).toBeGreaterThan(before);
	});
});

describe('Office Hours node, parameters staff edit', () => {
	const christmasEve = {
		schedule: {
			ranges: [
				{ day: 'thursday', start: '09:00', end: '17:00' },
				{ day: 'monday', start: '09:00', end: '13:00' },
				{ day: 'monday', start: '14:30', end: '16:30' },
			],
		},
		closures: { closure: [{ from: '24/12/2026', fromTime: '13:00', name: 'Vigilia di Natale' }] },
	};

	test.each([
		{
			label: 'before a closure that starts at 13:00',
			timestamp: '2026-12-24T12:00:00+01:00',
			output: OPEN,
			expected: { closesAt: '2026-12-24T13:00:00.000+01:00' },
		},
		{
			label: 'after it: Christmas, Santo Stefano and Sunday follow',
			timestamp: '2026-12-24T14:00:00+01:00',
			output: CLOSED,
			expected: {
				reason: 'closure',
				holidayName: 'Vigilia di Natale',
				nextOpening: '2026-12-28T09:00:00.000+01:00',
				nextOpeningText: 'lunedì 28 dicembre alle 9:00',
			},
		},
		{
			label: 'in the lunch break of a two-range day',
			timestamp: '2026-12-28T13:45:00+01:00',
			output: CLOSED,
			expected: {
				nextOpening: '2026-12-28T14:30:00.000+01:00',
				nextOpeningText: 'oggi alle 14:30',
			},
		},
	])('$label', async ({ timestamp, output, expected }) => {
		const outputs = (await runNode(nodeTypes, TYPE, christmasEve, [item({ timestamp })])).outputs();
		expect(outputs[output]).toHaveLength(1);
		expect(outputs[output][0].json.officeHours).toMatchObject(expected);
	});

	test('holidays can be switched off', async () => {
		const outputs = (
			await runNode(nodeTypes, TYPE, { nationalHolidays: false }, [
				item({ timestamp: '2026-04-06T10:00:00+02:00' }),
			])
		).outputs();
		expect(outputs[OPEN]).toHaveLength(1);
	});

	test('an empty patron day means none', async () => {
		const outputs = (
			await runNode(nodeTypes, TYPE, { patronDay: '' }, [
				item({ timestamp: '2026-10-14T10:00:00+02:00' }),
			])
		).outputs();
		expect(outputs[OPEN]).toHaveLength(1);
	});

	test('the instant and the output field are parameters', async () => {
		const outputs = (
			await runNode(
				nodeTypes,
				TYPE,
				{ instant: '={{ $json.receivedAt }}', options: { outputField: 'urp' } },
				[item({ receivedAt: '2026-03-01T10:00:00+01:00', timestamp: '2026-03-03T10:00:00+01:00' })],
			)
		).outputs();
		expect(outputs[CLOSED]).toHaveLength(1);
		expect(outputs[CLOSED][0].json).toHaveProperty('urp.reason', 'outsideHours');
		expect(outputs[CLOSED][0].json).not.toHaveProperty('officeHours');
	});
});

describe('Office Hours node, bad input', () => {
	test.each([
		{
			label: 'an impossible time',
			parameters: { schedule: { ranges: [{ day: 'monday', start: '09:00', end: '25:00' }] } },
			json: {},
			message: /25:00/,
			parameter: 'Weekly Schedule',
		},
		{
			label: 'a range that ends before it starts',
			parameters: { schedule: { ranges: [{ day: 'monday', start: '13:00', end: '09:00' }] } },
			json: {},
			message: /13:00|09:00/,
			parameter: 'Weekly Schedule',
		},
		{
			label: 'an impossible patron day',
			parameters: { patronDay: '31/02' },
			json: {},
			message: /31/,
			parameter: 'Patron Day',
		},
		{
			label: 'a patron day in the wrong format',
			parameters: { patronDay: 'ottobre' },
			json: {},
			message: /ottobre/,
			parameter: 'Patron Day',
		},
		{
			label: 'an unknown timezone',
			parameters: { options: { timezone: 'Mars/Olympus' } },
			json: {},
			message: /Mars\/Olympus/,
			parameter: 'Timezone',
		},
		{
			label: 'a closure date that does not exist',
			parameters: { closures: { closure: [{ from: '30/02/2026' }] } },
			json: {},
			message: /30\/02\/2026/,
			parameter: 'Extra Closures',
		},
		{
			label: 'a timestamp that is not a date',
			parameters: {},
			json: { timestamp: 'domani mattina' },
			message: /domani mattina/,
			parameter: 'Time to Check',
		},
		{
			label: 'a hostile timestamp',
			parameters: {},
			json: { timestamp: '<script>alert(1)</script>' },
			message: /script/,
			parameter: 'Time to Check',
		},
	])(
		'$label stops the node with a clear message',
		async ({ parameters, json, message, parameter }) => {
			const result = await runNode(nodeTypes, TYPE, parameters, [item(json)]);
			const error = result.error();
			expect(error).toBeDefined();
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toMatch(message);
			expect(error?.description).toContain(parameter);
			expect(error?.context).toMatchObject({ itemIndex: 0 });
		},
	);

	test('under Continue On Fail the failed item goes to Open with an error, the others are routed', async () => {
		const input = [
			item({ n: 0, timestamp: 'not a date' }),
			item({ n: 1, timestamp: '2026-03-01T10:00:00+01:00' }),
		];
		const outputs = (await runNode(nodeTypes, TYPE, {}, input, { continueOnFail: true })).outputs();
		expect(outputs[OPEN]).toHaveLength(1);
		expect(outputs[OPEN][0].json).toMatchObject({ n: 0, timestamp: 'not a date' });
		expect(outputs[OPEN][0].json.error).toMatch(/not a date/);
		expect(outputs[OPEN][0].pairedItem).toEqual({ item: 0 });
		expect(outputs[CLOSED].map((entry) => entry.json.n)).toEqual([1]);
	});
});
