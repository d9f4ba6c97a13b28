/**
 * The WhatsUrp Conversation node over a real SQLite store: reports assembled from trigger-shaped items,
 * cases opened and moved forward, the once-per-closure reply, texts filled; hostile items and
 * parameters refused clearly, and under Continue On Fail carried on the item.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
} from 'n8n-workflow';

import { WhatsUrpStore } from '../../credentials/WhatsUrpStore.credentials';
import { positionText } from '../../nodes/core/conversation/placeholders';
import { WhatsUrpConversation } from '../../nodes/WhatsUrpConversation/WhatsUrpConversation.node';
import { runNode, TestNodeTypes, type TestCredentials } from '../helpers/runWorkflow';

const TYPE = 'n8n-nodes-whatsurp.whatsUrpConversation';
const nodeTypes = new TestNodeTypes({ [TYPE]: new WhatsUrpConversation() });
const NODE_FOLDER = join(__dirname, '../../nodes/WhatsUrpConversation');

let folder: string;
let credentials: TestCredentials;

beforeEach(() => {
	folder = mkdtempSync(join(tmpdir(), 'whatsurp-conversation-'));
	credentials = {
		whatsUrpStore: {
			data: { backend: 'sqlite', path: join(folder, 'store.sqlite') },
			type: new WhatsUrpStore(),
		},
	};
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

let sequence = 0;
/** A citizen's message as the WhatsUrp Trigger emits it. */
function message(fields: IDataObject = {}, minute = 0): INodeExecutionData {
	sequence += 1;
	return {
		json: {
			event: 'message',
			messageId: `wamid.C${sequence}`,
			phoneNumberId: '1234567890',
			from: { waId: '393331234567', name: 'Maria Rossi' },
			timestamp: new Date(Date.UTC(2026, 2, 3, 9, minute)).toISOString(),
			type: 'text',
			echo: false,
			...fields,
		},
	};
}

const photo = (caption: string, minute = 0) =>
	message(
		{ type: 'image', caption, media: { id: `media-${sequence}`, mimeType: 'image/jpeg' } },
		minute,
	);
const position = (minute = 1) =>
	message(
		{
			type: 'location',
			location: { latitude: 44.0596, longitude: 12.5683, name: 'Piazza Cavour', address: 'Rimini' },
		},
		minute,
	);

async function run(
	parameters: IDataObject,
	input: INodeExecutionData[],
	options: { continueOnFail?: boolean; credentials?: TestCredentials | null } = {},
) {
	return await runNode(nodeTypes, TYPE, parameters as INodeParameters, input, {
		credentials: options.credentials === null ? undefined : (options.credentials ?? credentials),
		continueOnFail: options.continueOnFail,
	});
}

async function single(parameters: IDataObject, item: INodeExecutionData): Promise<IDataObject> {
	const [output] = (await run(parameters, [item])).outputs();
	expect(output).toHaveLength(1);
	expect(output[0].pairedItem).toEqual({ item: 0 });
	return output[0].json;
}

/** The error the node stops with, and the item it gives under Continue On Fail. */
async function refusal(parameters: IDataObject, item: INodeExecutionData) {
	const stopped = (await run(parameters, [item])).error();
	const [output] = (await run(parameters, [item], { continueOnFail: true })).outputs();
	expect(output).toHaveLength(1);
	expect(output[0].pairedItem).toEqual({ item: 0 });
	expect(output[0].json).toMatchObject({ ...item.json, error: stopped?.message });
	return { message: stopped?.message ?? '', description: stopped?.description ?? '' };
}

const ADD_PART = { resource: 'report', operation: 'addPart' };
const OPEN = { resource: 'case', operation: 'open' };
const UPDATE = { resource: 'case', operation: 'update' };
const REPLY_ONCE = { resource: 'closure', operation: 'replyOnce' };
const FILL = { resource: 'text', operation: 'fill' };

describe('WhatsUrp Conversation node, description', () => {
	const { description } = new WhatsUrpConversation();
	const property = (name: string, operation?: string): INodeProperties =>
		description.properties.find(
			(entry) =>
				entry.name === name &&
				(operation === undefined ||
					(entry.displayOptions?.show?.operation as string[] | undefined)?.includes(operation)),
		)!;
	const values = (entry: INodeProperties) =>
		(entry.options as Array<{ value: string }>).map((option) => option.value).sort();

	test('name, credential with its test, codex and both icons', () => {
		expect(description.name).toBe('whatsUrpConversation');
		expect(description.credentials).toEqual([
			expect.objectContaining({
				name: 'whatsUrpStore',
				required: true,
				testedBy: 'whatsUrpStoreConnection',
			}),
		]);
		expect(
			new WhatsUrpConversation().methods.credentialTest.whatsUrpStoreConnection,
		).toBeInstanceOf(Function);
		expect(description.icon).toEqual({
			light: 'file:whatsUrpConversation.svg',
			dark: 'file:whatsUrpConversation.dark.svg',
		});
		for (const file of [
			'whatsUrpConversation.svg',
			'whatsUrpConversation.dark.svg',
			'WhatsUrpConversation.node.json',
		]) {
			expect(existsSync(join(NODE_FOLDER, file))).toBe(true);
		}
	});

	test('the parameter names the workflows use', () => {
		expect(values(property('resource'))).toEqual(['case', 'closure', 'report', 'text']);
		const operations = description.properties
			.filter((entry) => entry.name === 'operation')
			.flatMap(values)
			.sort();
		expect(operations).toEqual(['addPart', 'fill', 'open', 'replyOnce', 'update']);
		expect(property('serviceKeywords').default).toEqual({
			service: [
				{ code: 'buche', keywords: expect.stringContaining('buca, buche') },
				{ code: 'illuminazione', keywords: expect.stringContaining('lampione') },
				{ code: 'rifiuti', keywords: expect.stringContaining('cassonetto') },
			],
		});
		expect(property('fallbackService').default).toBe('altro');
		expect(property('windowHours').default).toBe(24);
		expect(property('kind').default).toBe('question');
		expect(values(property('route'))).toEqual(['none', 'operators', 'segnala', 'urp_mailbox']);
		expect(property('route').default).toBe('none');
		expect(property('outOfHours').default).toBe(false);
		expect(property('caseId').default).toBe('={{ $json.caseId }}');
		expect(values(property('state'))).toEqual([
			'answered',
			'closed',
			'keep',
			'registered',
			'routed',
		]);
		expect(property('state').default).toBe('keep');
		expect(
			(property('updateFields').options as INodeProperties[]).map((option) => option.name).sort(),
		).toEqual([
			'answeredHow',
			'closedReason',
			'portalRequestId',
			'portalService',
			'replyWamid',
			'routedTo',
		]);
		expect(property('nextOpening').default).toBe('={{ $json.officeHours.nextOpening }}');
		const texts = property('texts').options as Array<{ name: string; values: INodeProperties[] }>;
		expect(texts.map((entry) => entry.name)).toEqual(['text']);
		expect(texts[0].values.map((entry) => entry.name)).toEqual(['name', 'template', 'html']);
		expect((property('options', 'fill').options as INodeProperties[])[0]).toMatchObject({
			name: 'timezone',
			default: 'Europe/Rome',
		});
	});
});

describe('Report: Add Part to Report', () => {
	test('a photo, then the position: one case, the report complete, its placeholders', async () => {
		const first = await single(ADD_PART, photo('C’è una buca enorme davanti al civico 3', 0));
		expect(first).toMatchObject({
			caseId: expect.any(Number),
			reportOpened: true,
			duplicate: false,
			report: { complete: false, missing: 'position', service: 'buche', messages: 1 },
			type: 'image',
			from: { waId: '393331234567' },
		});
		const secondInput = position(5);
		secondInput.json.placeholders = { liste: '#EMERGENZE' };
		const second = await single(ADD_PART, secondInput);
		expect(second).toMatchObject({
			...secondInput.json,
			caseId: first.caseId,
			reportOpened: false,
			duplicate: false,
			report: {
				complete: true,
				missing: null,
				service: 'buche',
				place: 'Piazza Cavour, Rimini',
				latitude: 44.0596,
				longitude: 12.5683,
				messages: 2,
				firstName: 'Maria',
				lastName: 'Rossi',
			},
		});
		const report = second.report as IDataObject;
		expect(second.placeholders).toEqual({
			liste: '#EMERGENZE',
			pratica: first.caseId,
			servizio: 'buche',
			descrizione: report.description,
			foto: 1,
			posizione: positionText(44.0596, 12.5683),
			luogo: 'Piazza Cavour, Rimini',
		});
		expect(String(report.description)).toContain('buca enorme');
	});

	test('a part delivered twice is added once', async () => {
		const item = photo('lampione spento', 0);
		const first = await single(ADD_PART, item);
		const again = await single(ADD_PART, item);
		expect(again).toMatchObject({
			caseId: first.caseId,
			duplicate: true,
			reportOpened: false,
			report: { messages: 1, service: 'illuminazione', faultType: 'spento' },
		});
	});

	test('staff keywords, fallback and window: a late part starts a new report', async () => {
		const parameters = {
			...ADD_PART,
			serviceKeywords: { service: [{ code: 'verde', keywords: 'albero, ramo' }] },
			fallbackService: 'generico',
			windowHours: 1,
		};
		const first = await single(parameters, photo('un ramo caduto', 0));
		expect((first.report as IDataObject).service).toBe('verde');
		const late = await single(parameters, message({ text: 'altro problema' }, 90));
		expect(late).toMatchObject({
			reportOpened: true,
			report: { service: 'generico', messages: 1 },
		});
		expect(late.caseId).not.toBe(first.caseId);
	});

	test('a part received out of office hours opens an out-of-hours case', async () => {
		const item = photo('rifiuti abbandonati');
		item.json.officeHours = { open: false, nextOpening: '2026-03-04T09:00:00.000+01:00' };
		const added = await single(ADD_PART, item);
		const updated = await single(UPDATE, { json: { caseId: added.caseId } });
		expect(updated.case).toMatchObject({ kind: 'report', outOfHours: true, state: 'received' });
	});

	test('several items: each paired with its input', async () => {
		const input = [photo('buca', 0), photo('buca', 1), position(2)];
		const [output] = (await run(ADD_PART, input)).outputs();
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output.map((item) => (item.json.report as IDataObject).messages)).toEqual([1, 2, 3]);
	});

	test.each<[string, IDataObject, RegExp, RegExp]>([
		['no from', { from: undefined }, /names no citizen/, /from\.waId o from\.userId/],
		['from as text', { from: '393331234567' }, /names no citizen/, /from\.waId/],
		['no message id', { messageId: '' }, /no message ID/, /wamid/],
		[
			'a location that is not a position',
			{ location: { latitude: 'nord', longitude: 12 } },
			/not a position/,
			/±90/,
		],
		[
			'an out-of-range location',
			{ location: { latitude: 144, longitude: 12 } },
			/not a position/,
			/±90/,
		],
		['a timestamp that is no date', { timestamp: 'ieri sera' }, /not a date-time/, /ISO/],
		[
			'a waId the store refuses',
			{ from: { waId: '39 333 <script>' } },
			/citizen\.waId/,
			/from\.waId/,
		],
		['an over-long message id', { messageId: 'x'.repeat(300) }, /messageId/, /messageId/],
	])('hostile item: %s', async (_label, fields, message_, description) => {
		const item = photo('buca');
		Object.assign(item.json, fields);
		if (fields.from === undefined && 'from' in fields) delete item.json.from;
		const refused = await refusal(ADD_PART, item);
		expect(refused.message).toMatch(message_);
		expect(refused.description).toMatch(description);
	});

	test.each<[string, number | string]>([
		['zero', 0],
		['negative', -24],
		['a year', 8760],
		['absurd', 1e300],
		['half a minute', 0.008],
		['words from an expression', '={{ "ventiquattro" }}'],
	])('window of %s hours is refused before the store is touched', async (_label, windowHours) => {
		const refused = await refusal({ ...ADD_PART, windowHours }, photo('buca'));
		expect(refused.message).toMatch(/between 1 minute and 7 days/);
		expect(refused.description).toMatch(/Report Window \(Hours\)/);
		expect(existsSync(join(folder, 'store.sqlite'))).toBe(false);
	});

	test('a service without keywords and an empty fallback are refused', async () => {
		const noKeywords = await refusal(
			{ ...ADD_PART, serviceKeywords: { service: [{ code: 'buche', keywords: ' , ' }] } },
			photo('buca'),
		);
		expect(noKeywords.message).toMatch(/has no keyword/);
		const noFallback = await refusal({ ...ADD_PART, fallbackService: '  ' }, photo('buca'));
		expect(noFallback.message).toMatch(/fallback service/);
	});
});

describe('Case: Open and Update', () => {
	test('a question opens a case routed to the operators; {pratica} for the reply', async () => {
		const item = message({ text: 'A che ora apre l’anagrafe?', placeholders: { x: 'y' } });
		const opened = await single({ ...OPEN, route: 'operators' }, item);
		expect(opened).toEqual({
			...item.json,
			caseId: expect.any(Number),
			placeholders: { x: 'y', pratica: opened.caseId },
		});
		const again = await single({ ...OPEN, route: 'operators' }, item);
		expect(again.caseId).toBe(opened.caseId);
		const { case: record } = await single(UPDATE, { json: { caseId: opened.caseId } });
		expect(record).toMatchObject({
			id: opened.caseId,
			kind: 'question',
			state: 'routed',
			routedTo: 'operators',
			outOfHours: false,
			citizenKey: 'wa:393331234567',
			firstMessageId: item.json.messageId,
			openedAt: item.json.timestamp,
		});
	});

	test('a report out of hours, not routed', async () => {
		const opened = await single(
			{ ...OPEN, kind: 'report', outOfHours: true },
			message({ type: 'image', media: { id: 'm' } }),
		);
		const { case: record } = await single(UPDATE, { json: { caseId: String(opened.caseId) } });
		expect(record).toMatchObject({
			kind: 'report',
			state: 'received',
			routedTo: null,
			outOfHours: true,
		});
	});

	test('update: answered with how and the reply, then closed; the input fields kept', async () => {
		const { caseId } = await single({ ...OPEN, route: 'operators' }, message());
		const answered = await single(
			{
				...UPDATE,
				state: 'answered',
				updateFields: { answeredHow: 'template', replyWamid: 'wamid.REPLY' },
			},
			{ json: { caseId, keep: 'me' } },
		);
		expect(answered).toMatchObject({
			keep: 'me',
			caseId,
			case: { state: 'answered', answeredHow: 'template', replyWamid: 'wamid.REPLY' },
		});
		expect((answered.case as IDataObject).answeredAt).toEqual(expect.any(String));
		const closed = await single(
			{ ...UPDATE, state: 'closed', updateFields: { closedReason: 'answered' } },
			{ json: { caseId } },
		);
		expect(closed.case).toMatchObject({ state: 'closed', closedReason: 'answered' });
	});

	test('update from expressions: the portal number of a report', async () => {
		const { caseId } = await single(ADD_PART, photo('buca'));
		const registered = await single(
			{
				...UPDATE,
				state: "={{ $json.error ? 'routed' : 'registered' }}",
				updateFields: {
					routedTo: "={{ $json.error ? 'urp_mailbox' : 'segnala' }}",
					portalService: 'buche',
					portalRequestId: '={{ $json.serviceRequestId }}',
				},
			},
			{ json: { caseId, serviceRequestId: 'REQ-123' } },
		);
		expect(registered.case).toMatchObject({
			state: 'registered',
			routedTo: 'segnala',
			portalService: 'buche',
			portalRequestId: 'REQ-123',
		});
	});

	test('going back from answered to routed is refused, saying cases move forward', async () => {
		const { caseId } = await single({ ...OPEN, route: 'operators' }, message());
		await single({ ...UPDATE, state: 'answered' }, { json: { caseId } });
		const refused = await refusal({ ...UPDATE, state: 'routed' }, { json: { caseId } });
		expect(refused.message).toMatch(/is answered and cannot go back to routed/);
		expect(refused.description).toMatch(/va solo avanti/);
	});

	test.each<[string, IDataObject, RegExp, RegExp]>([
		['caseId "abc"', { caseId: 'abc' }, /caseId: must be a positive whole number/, /Case ID/],
		['caseId missing', {}, /caseId/, /Case ID/],
		['caseId negative', { caseId: -4 }, /caseId/, /Case ID/],
		['caseId as an object', { caseId: { id: 1 } }, /caseId/, /Case ID/],
		['a case that does not exist', { caseId: 999_999 }, /no case 999999/, /Case ID/],
	])('update refuses %s', async (_label, json, message_, description) => {
		const refused = await refusal({ ...UPDATE, state: 'closed' }, { json });
		expect(refused.message).toMatch(message_);
		expect(refused.description).toMatch(description);
	});

	test('update refuses an unknown state or route from an expression', async () => {
		const { caseId } = await single(OPEN, message());
		expect(
			(await refusal({ ...UPDATE, state: '={{ "reopened" }}' }, { json: { caseId } })).message,
		).toMatch(/Unknown case state "reopened"/);
		expect(
			(
				await refusal(
					{ ...UPDATE, updateFields: { routedTo: '={{ "fax" }}' } },
					{ json: { caseId } },
				)
			).message,
		).toMatch(/Unknown route "fax"/);
	});

	test.each<[string, IDataObject, RegExp]>([
		['no from', { from: null }, /names no citizen/],
		['no message id', { messageId: null }, /no message ID/],
		['a bad timestamp', { timestamp: '31/02/2026' }, /not a date-time/],
	])('open refuses an item with %s', async (_label, fields, message_) => {
		expect((await refusal(OPEN, message(fields))).message).toMatch(message_);
	});
});

describe('Closure: Reply Once per Closure', () => {
	const closedItem = (nextOpening: string | null, minute = 0, from?: IDataObject) =>
		message(
			{
				officeHours: { open: false, nextOpening, nextOpeningText: 'domani alle 9:00' },
				...(from ? { from } : {}),
			},
			minute,
		);

	test('true the first time per citizen and closure, false afterwards', async () => {
		const closure = '2026-03-04T09:00:00.000+01:00';
		expect((await single(REPLY_ONCE, closedItem(closure, 0))).firstReply).toBe(true);
		const second = await single(REPLY_ONCE, closedItem(closure, 5));
		expect(second).toMatchObject({ firstReply: false, officeHours: { open: false } });
		expect(
			(await single(REPLY_ONCE, closedItem(closure, 6, { waId: '393339999999' }))).firstReply,
		).toBe(true);
		expect(
			(await single(REPLY_ONCE, closedItem('2026-03-05T09:00:00.000+01:00', 7))).firstReply,
		).toBe(true);
	});

	test('several messages in one execution: only the first replies', async () => {
		const closure = '2026-03-04T09:00:00.000+01:00';
		const [output] = (
			await run(REPLY_ONCE, [
				closedItem(closure, 0),
				closedItem(closure, 1),
				closedItem(closure, 2),
			])
		).outputs();
		expect(output.map((item) => [item.json.firstReply, item.pairedItem])).toEqual([
			[true, { item: 0 }],
			[false, { item: 1 }],
			[false, { item: 2 }],
		]);
	});

	test('no next opening (the calendar never opens) is refused clearly', async () => {
		const refused = await refusal(REPLY_ONCE, closedItem(null));
		expect(refused.message).toMatch(/No next opening/);
		expect(refused.description).toMatch(/Office Hours/);
	});

	test('an item without officeHours, or without a citizen, is refused', async () => {
		expect((await run(REPLY_ONCE, [message()])).error()?.message).toBeTruthy();
		expect(
			(await refusal({ ...REPLY_ONCE, nextOpening: '2026-03-04T09:00:00Z' }, message({ from: {} })))
				.message,
		).toMatch(/names no citizen/);
	});
});

describe('Text: Fill Texts', () => {
	const fill = (rows: IDataObject[], options: IDataObject = {}) => ({
		...FILL,
		texts: { text: rows },
		options,
	});

	test('each text to its field, the message and the placeholders filled', async () => {
		const item = message({
			text: 'Il lampione è spento da {giorni}',
			caseId: 17,
			placeholders: { servizio: 'illuminazione' },
			officeHours: {
				open: false,
				nextOpening: '2026-03-04T09:00:00.000+01:00',
				nextOpeningText: 'domani alle 9:00',
				holidayName: null,
			},
		});
		const filled = await single(
			fill([
				{ name: 'oggetto', template: 'Pratica {pratica} ({servizio}) – {mittente}' },
				{
					name: 'testo',
					template:
						'Da {nome} ({numero_mascherato}), {ricevuto}:\n{messaggio}\nRiapre {prossima_apertura}. {ignoto}',
				},
			]),
			item,
		);
		expect(filled).toEqual({
			...item.json,
			oggetto: 'Pratica 17 (illuminazione) – Maria Rossi',
			testo:
				'Da Maria Rossi (39******4567), martedì 3 marzo 2026 alle 10:00:\nIl lampione è spento da {giorni}\nRiapre domani, mercoledì 4 marzo, alle 9:00. {ignoto}',
		});
	});

	test("the input's files travel on, so a photo downloaded before Fill Texts reaches the email", async () => {
		const photo = {
			data: Buffer.from('jpeg').toString('base64'),
			mimeType: 'image/jpeg',
			fileName: 'foto.jpg',
		};
		const item = {
			...message(),
			binary: { foto_1: photo, foto_2: { ...photo, fileName: 'b.jpg' } },
		};
		const [output] = (await run(fill([{ name: 't', template: '{nome}' }]), [item])).outputs();
		expect(Object.keys(output[0].binary ?? {})).toEqual(['foto_1', 'foto_2']);
		expect(output[0].binary?.foto_2).toMatchObject({ mimeType: 'image/jpeg', fileName: 'b.jpg' });
	});

	test('another time zone for {ricevuto}', async () => {
		const filled = await single(
			fill([{ name: 't', template: '{ricevuto}' }], { timezone: 'UTC' }),
			message(),
		);
		expect(filled.t).toBe('martedì 3 marzo 2026 alle 9:00');
	});

	test('needs no store: runs with a store that cannot be opened', async () => {
		writeFileSync(join(folder, 'not-a-folder'), 'x');
		const broken: TestCredentials = {
			whatsUrpStore: {
				data: { backend: 'sqlite', path: join(folder, 'not-a-folder', 'store.sqlite') },
				type: new WhatsUrpStore(),
			},
		};
		const [output] = (
			await run(fill([{ name: 't', template: 'Ciao {nome}' }]), [message()], {
				credentials: broken,
			})
		).outputs();
		expect(output[0].json.t).toBe('Ciao Maria Rossi');
		// while an operation that needs it reports the store
		const failed = await run(OPEN, [message()], { credentials: broken });
		expect(failed.error()?.description).toContain(
			`SQLite store (${join(folder, 'not-a-folder', 'store.sqlite')})`,
		);
	});

	test.each<[string, IDataObject[], IDataObject, RegExp]>([
		['a row without a field name', [{ name: '', template: 'x' }], {}, /no output field name/],
		[
			'__proto__ as the field name',
			[{ name: '__proto__', template: 'x' }],
			{},
			/unusable output field name/,
		],
		[
			'an unknown time zone',
			[{ name: 't', template: '{ricevuto}' }],
			{ timezone: 'Mars/Olympus' },
			/Unknown time zone/,
		],
	])('refuses %s', async (_label, rows, options, message_) => {
		expect((await refusal(fill(rows, options), message())).message).toMatch(message_);
	});

	test('hostile items: no from, odd shapes, a citizen naming themselves {pratica}', async () => {
		const item: INodeExecutionData = {
			json: {
				from: { name: '{pratica}' },
				location: 'via Roma',
				officeHours: [],
				placeholders: 'not an object',
				caseId: 3,
			},
		};
		const filled = await single(
			fill([{ name: 't', template: '{nome}|{pratica}|{posizione}|{orari}|{telefono}' }]),
			item,
		);
		expect(filled.t).toBe('{pratica}|3|||');
	});
});
