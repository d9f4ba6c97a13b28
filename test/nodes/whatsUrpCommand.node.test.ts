import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { DEFAULT_COMMAND_CONFIG } from '../../nodes/core/commands';
import { splitWords } from '../../nodes/WhatsUrpCommand/parameters';
import { WhatsUrpCommand } from '../../nodes/WhatsUrpCommand/WhatsUrpCommand.node';
import { runNode, TestNodeTypes } from '../helpers/runWorkflow';

const TYPE = 'n8n-nodes-whatsurp.whatsUrpCommand';
const nodeTypes = new TestNodeTypes({ [TYPE]: new WhatsUrpCommand() });

const SUBSCRIBE = 0;
const UNSUBSCRIBE = 1;
const ACCEPT = 2;
const OTHER = 3;
const ALL = ['EMERGENZE', 'PUBBLICAUTILITA'];
const VALID_LISTS = "#EMERGENZE e #PUBBLICAUTILITA'";

/** A normalised inbound item as the WhatsUrp Trigger emits it (nodes/core/whatsapp/types.ts). */
function message(fields: Record<string, unknown>): INodeExecutionData {
	return {
		json: {
			event: 'message',
			messageId: 'wamid.TEST',
			phoneNumberId: '1234567890',
			from: { waId: '393331234567', name: 'Maria' },
			timestamp: '2026-03-03T09:30:00.000Z',
			type: 'text',
			echo: false,
			...fields,
		},
	} as INodeExecutionData;
}

const property = (name: string): INodeProperties =>
	new WhatsUrpCommand().description.properties.find((entry) => entry.name === name)!;

describe('WhatsUrp Command node, description', () => {
	test('four outputs, named in order', () => {
		const { description } = new WhatsUrpCommand();
		expect(description.name).toBe('whatsUrpCommand');
		expect(description.outputs).toHaveLength(4);
		expect(description.outputNames).toEqual(['Subscribe', 'Unsubscribe', 'Accept policy', 'Other']);
		expect(description.usableAsTool).toBe(true);
	});

	test("the editor's defaults are DEFAULT_COMMAND_CONFIG's", () => {
		expect(property('subscribeKeyword').default).toBe(DEFAULT_COMMAND_CONFIG.subscribeKeyword);
		expect(property('unsubscribeKeyword').default).toBe(DEFAULT_COMMAND_CONFIG.unsubscribeKeyword);
		expect(splitWords(property('acceptKeywords').default)).toEqual(
			DEFAULT_COMMAND_CONFIG.acceptKeywords,
		);
		expect(property('optOut').default).toBe(true);
		expect(splitWords(property('optOutSynonyms').default)).toEqual(
			DEFAULT_COMMAND_CONFIG.optOutSynonyms,
		);
		expect(splitWords(property('reportKeywords').default)).toEqual(
			DEFAULT_COMMAND_CONFIG.reportKeywords,
		);
		const lists = (
			property('lists').default as {
				list: Array<{ name: string; aliases: string; display: string }>;
			}
		).list;
		expect(
			lists.map((list) => ({
				name: list.name,
				aliases: splitWords(list.aliases),
				display: list.display,
			})),
		).toEqual(DEFAULT_COMMAND_CONFIG.lists);
	});
});

describe('WhatsUrp Command node, routing with the defaults', () => {
	test.each([
		{
			label: 'ISCRIZIONE ON',
			json: { text: 'ISCRIZIONE ON' },
			output: SUBSCRIBE,
			command: { action: 'subscribe', lists: ALL, unknownLists: [] },
		},
		{
			label: 'one list',
			json: { text: 'Iscrizione on #emergenze!' },
			output: SUBSCRIBE,
			command: { action: 'subscribe', lists: ['EMERGENZE'] },
		},
		{
			label: 'an unknown list',
			json: { text: 'ISCRIZIONE ON #METEO' },
			output: SUBSCRIBE,
			command: { lists: [], unknownLists: ['METEO'] },
		},
		{
			label: 'ISCRIZIONE OFF with a list',
			json: { text: "ISCRIZIONE OFF #PUBBLICAUTILITA'" },
			output: UNSUBSCRIBE,
			command: { action: 'unsubscribe', lists: ['PUBBLICAUTILITA'] },
		},
		{
			label: 'STOP',
			json: { text: 'Stop.' },
			output: UNSUBSCRIBE,
			command: { action: 'unsubscribe', lists: ALL },
		},
		{
			label: 'ACCETTO typed',
			json: { text: 'accetto 👍' },
			output: ACCEPT,
			command: { action: 'acceptPolicy', lists: [] },
		},
		{
			label: 'the "Accetto" button (id accept_policy)',
			json: {
				type: 'interactive',
				text: 'Sì, va bene',
				reply: { id: 'accept_policy', title: 'Sì, va bene' },
			},
			output: ACCEPT,
			command: { action: 'acceptPolicy', raw: 'accept_policy' },
		},
		{
			label: 'a list row whose id is no command: its title is read',
			json: {
				type: 'interactive',
				text: 'ISCRIZIONE ON #EMERGENZE',
				reply: { id: 'row_1', title: 'ISCRIZIONE ON #EMERGENZE' },
			},
			output: SUBSCRIBE,
			command: { action: 'subscribe', lists: ['EMERGENZE'], raw: 'ISCRIZIONE ON #EMERGENZE' },
		},
		{
			label: 'a template quick reply whose payload is a command',
			json: { type: 'button', text: 'Non più', reply: { id: 'ISCRIZIONE_OFF', title: 'Non più' } },
			output: UNSUBSCRIBE,
			command: { action: 'unsubscribe', lists: ALL, raw: 'ISCRIZIONE_OFF' },
		},
		{
			label: 'a question',
			json: { text: "A che ora apre l'URP?" },
			output: OTHER,
			command: { action: 'other' },
			intent: 'question',
		},
		{
			label: 'a sentence with the keyword',
			json: { text: 'vorrei fare ISCRIZIONE ON' },
			output: OTHER,
			command: { action: 'other' },
			intent: 'question',
		},
		{
			label: 'a report in words',
			json: { text: 'C’è una buca in via Flaminia' },
			output: OTHER,
			intent: 'report',
		},
		{
			label: 'a photo with no text',
			json: { type: 'image', media: { id: 'm1', mimeType: 'image/jpeg' } },
			output: OTHER,
			command: { raw: '' },
			intent: 'report',
		},
		{
			label: 'a photo caption with a command is still a report',
			json: { type: 'image', caption: 'ACCETTO', media: { id: 'm2', mimeType: 'image/jpeg' } },
			output: OTHER,
			intent: 'report',
		},
		{
			label: 'a video',
			json: { type: 'video', media: { id: 'm3', mimeType: 'video/mp4' } },
			output: OTHER,
			intent: 'report',
		},
		{
			label: 'a location',
			json: { type: 'location', location: { latitude: 44.06, longitude: 12.57 } },
			output: OTHER,
			intent: 'report',
		},
		{
			label: 'a sticker',
			json: { type: 'sticker', media: { id: 'm4', mimeType: 'image/webp', animated: false } },
			output: OTHER,
			intent: 'question',
		},
		{
			label: 'a voice note',
			json: { type: 'audio', media: { id: 'm5', mimeType: 'audio/ogg', voice: true } },
			output: OTHER,
			intent: 'question',
		},
		{
			label: 'a document whose caption reports',
			json: { type: 'document', caption: 'segnalazione lampione', media: { id: 'm6' } },
			output: OTHER,
			intent: 'report',
		},
		{
			label: 'a reaction',
			json: { type: 'reaction', reaction: { messageId: 'wamid.X', emoji: '👍' } },
			output: OTHER,
			intent: 'question',
		},
	])('$label → output $output', async ({ json, output, command, intent }) => {
		const input = [message(json)];
		const outputs = (await runNode(nodeTypes, TYPE, {}, input)).outputs();
		expect(outputs).toHaveLength(4);
		outputs.forEach((items, index) => expect(items).toHaveLength(index === output ? 1 : 0));
		const [routed] = outputs[output];
		expect(routed.pairedItem).toEqual({ item: 0 });
		expect(routed.json).toMatchObject({
			...input[0].json,
			command: { validLists: VALID_LISTS, ...command },
		});
		if (intent) expect(routed.json.intent).toBe(intent);
		else expect(routed.json).not.toHaveProperty('intent');
		expect(input[0].json).not.toHaveProperty('command');
	});

	test('raw is the text as typed', async () => {
		const text = '  Iscrizione\u00A0ON #Emergenze 🚨 ';
		const outputs = (await runNode(nodeTypes, TYPE, {}, [message({ text })])).outputs();
		expect(outputs[SUBSCRIBE][0].json.command).toEqual({
			action: 'subscribe',
			lists: ['EMERGENZE'],
			unknownLists: [],
			raw: text,
			validLists: VALID_LISTS,
		});
	});

	test.each<{ text: string; output: number; liste: string }>([
		{ text: 'ISCRIZIONE ON #METEO', output: SUBSCRIBE, liste: '#METEO' },
		{
			text: 'iscrizione on #meteo #Traffico #EMERGENZE',
			output: SUBSCRIBE,
			liste: '#meteo, #Traffico',
		},
		{ text: 'ISCRIZIONE OFF #pippo', output: UNSUBSCRIBE, liste: '#pippo' },
		{ text: 'ISCRIZIONE ON', output: SUBSCRIBE, liste: '' },
		{ text: 'ACCETTO', output: ACCEPT, liste: '' },
		{ text: 'C’è una buca in via Roma', output: OTHER, liste: '' },
	])(
		'placeholders of "$text": {liste} the unknown lists, {liste_disponibili} the valid ones',
		async ({ text, output, liste }) => {
			const outputs = (
				await runNode(nodeTypes, TYPE, {}, [message({ text, placeholders: { pratica: 3 } })])
			).outputs();
			expect(outputs[output][0].json.placeholders).toEqual({
				pratica: 3,
				liste,
				liste_disponibili: VALID_LISTS,
			});
		},
	);

	test('placeholders: staff display names in {liste_disponibili}; odd placeholders replaced', async () => {
		const outputs = (
			await runNode(
				nodeTypes,
				TYPE,
				{
					lists: {
						list: [
							{ name: 'EMERGENZE', aliases: '', display: 'le emergenze' },
							{ name: 'METEO', aliases: '', display: '' },
						],
					},
				},
				[message({ text: 'ISCRIZIONE ON #TRAFFICO', placeholders: 'testo' })],
			)
		).outputs();
		expect(outputs[SUBSCRIBE][0].json.placeholders).toEqual({
			liste: '#TRAFFICO',
			liste_disponibili: 'le emergenze e #METEO',
		});
	});

	test('several items are split between the outputs and keep their pairing', async () => {
		const input = [
			message({ n: 0, text: 'ISCRIZIONE ON' }),
			message({ n: 1, text: 'ciao' }),
			message({ n: 2, text: 'STOP' }),
			message({ n: 3, text: 'ACCETTO' }),
			message({ n: 4, text: 'ISCRIZIONE OFF #EMERGENZE' }),
			message({ n: 5, text: 'iscrizione on #pubblica utilità' }),
		];
		const outputs = (await runNode(nodeTypes, TYPE, {}, input)).outputs();
		const seen = outputs.map((items) => items.map((entry) => [entry.json.n, entry.pairedItem]));
		expect(seen).toEqual([
			[
				[0, { item: 0 }],
				[5, { item: 5 }],
			],
			[
				[2, { item: 2 }],
				[4, { item: 4 }],
			],
			[[3, { item: 3 }]],
			[[1, { item: 1 }]],
		]);
	});
});

describe('WhatsUrp Command node, list names as staff type them', () => {
	test('a list named with accents, apostrophes or # is output by its one spelling (core/lists)', async () => {
		const parameters = {
			lists: {
				list: [
					{ name: "#Pubblica Utilità'", aliases: '', display: '' },
					{ name: 'Viabilità', aliases: 'traffico', display: '' },
				],
			},
		};
		const outputs = (
			await runNode(nodeTypes, TYPE, parameters, [message({ text: 'ISCRIZIONE ON #traffico' })])
		).outputs();
		expect(outputs[SUBSCRIBE][0].json.command).toMatchObject({ lists: ['VIABILITA'] });
		const all = (
			await runNode(nodeTypes, TYPE, parameters, [message({ text: 'ISCRIZIONE ON' })])
		).outputs();
		expect(all[SUBSCRIBE][0].json.command).toMatchObject({
			lists: ['PUBBLICAUTILITA', 'VIABILITA'],
		});
	});
});

describe('WhatsUrp Command node, parameters staff edit', () => {
	const custom = {
		subscribeKeyword: 'iscrivimi',
		unsubscribeKeyword: 'disiscrivimi',
		acceptKeywords: 'ACCETTO, accetto le condizioni, ok_policy',
		optOutSynonyms: 'BASTA',
		lists: {
			list: [
				{ name: '#EMERGENZE', aliases: 'ALLERTA, #ALLARME', display: '' },
				{ name: 'SPIAGGE', aliases: 'MARE, SPIAGGIA', display: '#SPIAGGE 🏖' },
			],
		},
		reportKeywords: 'medusa, ombrell*',
	};

	test.each([
		{ text: 'Iscrivimi #allarme e #mare', output: SUBSCRIBE, lists: ['EMERGENZE', 'SPIAGGE'] },
		{ text: 'ISCRIVIMI', output: SUBSCRIBE, lists: ['EMERGENZE', 'SPIAGGE'] },
		{ text: 'disiscrivimi spiaggia', output: UNSUBSCRIBE, lists: ['SPIAGGE'] },
		{ text: 'Basta!', output: UNSUBSCRIBE, lists: ['EMERGENZE', 'SPIAGGE'] },
		{ text: 'STOP', output: OTHER, lists: [], intent: 'question' },
		{ text: 'Accetto le condizioni.', output: ACCEPT, lists: [] },
		{ text: 'ISCRIZIONE ON', output: OTHER, lists: [], intent: 'question' },
		{ text: 'una medusa enorme a riva', output: OTHER, lists: [], intent: 'report' },
		{ text: 'buca in strada', output: OTHER, lists: [], intent: 'question' },
	])('$text → output $output', async ({ text, output, lists, intent }) => {
		const outputs = (await runNode(nodeTypes, TYPE, custom, [message({ text })])).outputs();
		expect(outputs[output]).toHaveLength(1);
		const json = outputs[output][0].json;
		expect(json.command).toMatchObject({ lists, validLists: '#EMERGENZE e #SPIAGGE 🏖' });
		expect(json.intent).toBe(intent);
	});

	test('opt-out words can be switched off', async () => {
		const outputs = (
			await runNode(nodeTypes, TYPE, { optOut: false }, [message({ text: 'STOP' })])
		).outputs();
		expect(outputs[OTHER]).toHaveLength(1);
	});

	test('text and button id are expressions staff can point elsewhere', async () => {
		const parameters = { text: '={{ $json.body }}', replyId: '={{ $json.payload }}' };
		const input = [
			message({ n: 0, body: 'ISCRIZIONE ON', text: 'ignored' }),
			message({ n: 1, body: 'ciao', payload: 'accept_policy' }),
			message({ n: 2, body: 42 }),
		];
		const outputs = (await runNode(nodeTypes, TYPE, parameters, input)).outputs();
		expect(outputs[SUBSCRIBE].map((entry) => entry.json.n)).toEqual([0]);
		expect(outputs[ACCEPT].map((entry) => entry.json.n)).toEqual([1]);
		expect(
			outputs[OTHER].map((entry) => [entry.json.n, (entry.json.command as { raw: string }).raw]),
		).toEqual([[2, '42']]);
	});
});

describe('WhatsUrp Command node, bad parameters', () => {
	test.each([
		{
			label: 'an empty subscribe keyword',
			parameters: { subscribeKeyword: '  ' },
			message: /empty/,
			parameter: 'Subscribe Keyword',
		},
		{
			label: 'the same keyword twice',
			parameters: { unsubscribeKeyword: 'Iscrizione On' },
			message: /same word/,
			parameter: 'Unsubscribe Keyword',
		},
		{
			label: 'no accept keyword',
			parameters: { acceptKeywords: ' , ' },
			message: /at least one/,
			parameter: 'Accept Keywords',
		},
		{
			label: 'an opt-out word that accepts',
			parameters: { optOutSynonyms: 'STOP, ACCETTO' },
			message: /ACCETTO/,
			parameter: 'Opt-Out Words',
		},
		{ label: 'no list', parameters: { lists: {} }, message: /at least one/, parameter: 'Lists' },
		{
			label: 'an alias of two lists',
			parameters: {
				lists: {
					list: [
						{ name: 'A1', aliases: 'X' },
						{ name: 'B2', aliases: 'x' },
					],
				},
			},
			message: /already names the list "A1"/,
			parameter: 'Lists',
		},
		{
			label: 'a * inside a report keyword',
			parameters: { reportKeywords: 'bu*ca' },
			message: /\*/,
			parameter: 'Report Keywords',
		},
	])(
		'$label stops the node with a clear message',
		async ({ parameters, message: expected, parameter }) => {
			const result = await runNode(nodeTypes, TYPE, parameters, [
				message({ text: 'ISCRIZIONE ON' }),
			]);
			const error = result.error();
			expect(error).toBeDefined();
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toMatch(expected);
			expect(error?.description).toContain(parameter);
			expect(error?.context).toMatchObject({ itemIndex: 0 });
		},
	);

	test('under Continue On Fail the failed item goes to Other with an error, the others are routed', async () => {
		const parameters = { subscribeKeyword: '={{ $json.keyword }}' };
		const input = [
			message({ n: 0, keyword: '', text: 'ISCRIZIONE ON' }),
			message({ n: 1, keyword: 'ISCRIZIONE ON', text: 'ISCRIZIONE ON' }),
			message({ n: 2, keyword: 'ISCRIZIONE ON', text: 'ciao' }),
		];
		const outputs = (
			await runNode(nodeTypes, TYPE, parameters, input, { continueOnFail: true })
		).outputs();
		expect(outputs[OTHER].map((entry) => [entry.json.n, entry.pairedItem])).toEqual([
			[0, { item: 0 }],
			[2, { item: 2 }],
		]);
		expect(outputs[OTHER][0].json.error).toMatch(/subscribe keyword is empty/);
		expect(outputs[OTHER][0].json).not.toHaveProperty('command');
		expect(outputs[OTHER][1].json).not.toHaveProperty('error');
		expect(outputs[SUBSCRIBE].map((entry) => [entry.json.n, entry.pairedItem])).toEqual([
			[1, { item: 1 }],
		]);
	});
});
