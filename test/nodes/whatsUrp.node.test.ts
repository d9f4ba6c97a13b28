/**
 * The WhatsUrp send node in-process against the Cloud API simulator (a real HTTP server following
 * Meta's documentation): what reaches the API, what comes back, and how refusals read.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { CloudApiSimulator } from '../../dev/simulators/cloudApi/server';
import { WhatsUrp } from '../../nodes/WhatsUrp/WhatsUrp.node';
import { cloudApiCredentials, startTestSimulator } from '../helpers/cloudApi';
import { runNode, TestNodeTypes } from '../helpers/runWorkflow';

const TYPE = 'n8n-nodes-whatsurp.whatsUrp';
const nodeTypes = new TestNodeTypes({ [TYPE]: new WhatsUrp() });
const CITIZEN = '393331234567';
const STRANGER = '393339999999';

let simulator: CloudApiSimulator;

beforeAll(async () => {
	simulator = await startTestSimulator();
});
afterAll(async () => {
	await simulator.stop();
});
beforeEach(() => simulator.reset());

/** The item the trigger gives for a message the citizen just sent (which opens the 24-hour window). */
async function citizenWrote(text = 'Buongiorno'): Promise<INodeExecutionData> {
	const sent = await simulator.citizenSends({
		from: { waId: CITIZEN, name: 'Maria Rossi' },
		type: 'text',
		text,
	});
	return {
		json: {
			event: 'message',
			messageId: sent.messageId,
			from: { waId: CITIZEN, name: 'Maria Rossi' },
			text,
		},
	};
}

async function send(
	parameters: IDataObject,
	input: INodeExecutionData[],
	options: { continueOnFail?: boolean; token?: string } = {},
) {
	return await runNode(nodeTypes, TYPE, parameters as INodeParameters, input, {
		continueOnFail: options.continueOnFail,
		credentials: cloudApiCredentials(
			simulator,
			options.token ? { accessToken: options.token } : {},
		),
	});
}

describe('WhatsUrp node: sending', () => {
	test('a text reply reaches the citizen; the output carries the wamid', async () => {
		const item = await citizenWrote();
		const [output] = (
			await send({ operation: 'sendText', text: 'Grazie, la richiesta è stata inoltrata.' }, [item])
		).outputs();
		const outbound = simulator.outbound({ to: CITIZEN });
		expect(outbound).toHaveLength(1);
		expect(outbound[0].body).toMatchObject({
			type: 'text',
			text: { body: 'Grazie, la richiesta è stata inoltrata.' },
		});
		expect(output[0].json).toMatchObject({
			operation: 'sendText',
			to: CITIZEN,
			messageId: outbound[0].wamid,
		});
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});

	test('the policy with an "Accetto" button (the default button)', async () => {
		const item = await citizenWrote('ISCRIZIONE ON #EMERGENZE');
		await send(
			{
				operation: 'sendButtons',
				buttonsBody: 'Per attivare l’iscrizione accetta il regolamento.',
			},
			[item],
		);
		const [message] = simulator.outbound({ to: CITIZEN });
		expect(message.body).toMatchObject({
			type: 'interactive',
			interactive: {
				type: 'button',
				action: { buttons: [{ type: 'reply', reply: { id: 'accept_policy', title: 'Accetto' } }] },
			},
		});
	});

	test('a template, a list and an image by link are accepted by the API', async () => {
		const item = await citizenWrote();
		await send(
			{
				operation: 'sendTemplate',
				templateName: 'avviso_emergenza',
				templateBodyParameters: { parameter: [{ value: 'Allerta meteo arancione' }] },
			},
			[item],
		);
		await send({ operation: 'sendList', listBody: 'Scegli l’argomento' }, [item]);
		await send(
			{
				operation: 'sendMedia',
				mediaLink: 'https://www.comune.rimini.it/avviso.png',
				mediaOptions: { caption: 'Avviso' },
			},
			[item],
		);
		expect(simulator.outbound({ to: CITIZEN }).map((message) => message.type)).toEqual([
			'template',
			'interactive',
			'image',
		]);
		expect(simulator.stats().rejectedByCode).toEqual({});
	});

	test('four buttons or a 21-character title are refused before any request, saying why', async () => {
		const item = await citizenWrote();
		const four = await send(
			{
				operation: 'sendButtons',
				buttonsBody: 'x',
				buttons: { button: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `B${n}` })) },
			},
			[item],
		);
		expect(four.error()?.message).toMatch(/at most 3/);
		const long = await send(
			{
				operation: 'sendButtons',
				buttonsBody: 'x',
				buttons: { button: [{ id: 'a', title: 'Accetto il regolament' }] },
			},
			[item],
		);
		expect(long.error()?.message).toMatch(/21 characters; WhatsApp allows at most 20/);
		expect(long.error()?.description).toMatch(/al massimo 20/);
		expect(simulator.received.filter((request) => request.method === 'POST')).toHaveLength(0);
	});

	test('outside the 24-hour window: 131047 as a NodeApiError with the Italian hint', async () => {
		const result = await send({ operation: 'sendText', text: 'Risposta', to: STRANGER }, [
			{ json: {} },
		]);
		const error = result.error() as Error & { description?: string; httpCode?: string };
		expect(error.message).toMatch(/131047/);
		expect(error.description).toMatch(/24 ore/);
	});

	test('outside the window with the fallback set: the template goes instead', async () => {
		const [output] = (
			await send(
				{
					operation: 'sendText',
					text: 'Risposta',
					to: STRANGER,
					outsideWindow: 'template',
					fallbackTemplateName: 'risposta_urp',
					fallbackBodyParameters: { parameter: [{ value: 'La sua richiesta ha avuto risposta' }] },
				},
				[{ json: {} }],
			)
		).outputs();
		expect(output[0].json).toMatchObject({ fallbackTemplate: 'risposta_urp', outsideWindow: true });
		expect(simulator.outbound({ to: STRANGER }).map((message) => message.type)).toEqual([
			'template',
		]);
	});

	test('a wrong token: 190 with the hint to update the credential', async () => {
		const item = await citizenWrote();
		const error = (
			await send({ operation: 'sendText', text: 'x' }, [item], { token: 'expired' })
		).error() as Error & {
			description?: string;
		};
		expect(error.message).toMatch(/190/);
		expect(error.description).toMatch(/credenziale «WhatsApp Cloud API»/);
	});

	test('Continue On Fail: a refused item carries the error, the others are sent', async () => {
		const item = await citizenWrote();
		// 131026 usually arrives later in a failed status; here the API refuses at once
		simulator.injectFailure({ to: CITIZEN, code: 131026, times: 1, async: false });
		const [output] = (
			await send({ operation: 'sendText', text: 'x' }, [item, item], { continueOnFail: true })
		).outputs();
		expect(output[0].json.error).toMatch(/131026/);
		expect(output[1].json).toMatchObject({ operation: 'sendText', to: CITIZEN });
		expect(output.map((entry) => entry.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('throttled (130429) twice, then accepted: the reply goes out once, not lost', async () => {
		const item = await citizenWrote();
		const before = simulator.outbound({ to: CITIZEN }).length;
		simulator.injectFailure({ to: CITIZEN, code: 130429, times: 2, async: false });
		const [output] = (await send({ operation: 'sendText', text: 'Riprova' }, [item])).outputs();
		expect(output[0].json).toMatchObject({ operation: 'sendText', to: CITIZEN });
		expect(simulator.outbound({ to: CITIZEN }).slice(before)).toHaveLength(1);
	}, 20_000);

	test('a refusal that is final (131026) is not tried again', async () => {
		const item = await citizenWrote();
		simulator.injectFailure({ to: CITIZEN, code: 131026, times: 2, async: false });
		const error = (await send({ operation: 'sendText', text: 'x' }, [item])).error();
		expect(error?.message).toMatch(/131026/);
		// the second injected failure is still there: only one request was made
		const again = (await send({ operation: 'sendText', text: 'x' }, [item])).error();
		expect(again?.message).toMatch(/131026/);
	});

	test('a username citizen (business-scoped user id) is addressed with `recipient`', async () => {
		const userId = 'IT.1502576394655843';
		await simulator.citizenSends({
			from: { userId, username: 'maria.r' },
			type: 'text',
			text: 'ciao',
		});
		await send({ operation: 'sendText', text: 'Buongiorno', to: userId }, [{ json: {} }]);
		const [message] = simulator.outbound({ recipient: userId });
		expect(message.body).toMatchObject({ recipient: userId });
		expect(message.body).not.toHaveProperty('to');
	});

	describe('Fill {Placeholders}', () => {
		async function itemWith(fields: IDataObject): Promise<INodeExecutionData> {
			const item = await citizenWrote('ISCRIZIONE ON #EMERGENZE');
			return { json: { ...item.json, ...fields } };
		}

		test('sendText: {name}s filled from the item, its placeholders first; unknown ones kept', async () => {
			const item = await itemWith({
				caseId: 5,
				placeholders: { liste: '#EMERGENZE', pratica: 'P-12' },
			});
			await send(
				{
					operation: 'sendText',
					text: 'Gentile {nome}, sei iscritto a {liste} (pratica {pratica}). {sconosciuto}',
					textOptions: { fillPlaceholders: true },
				},
				[item],
			);
			const [message] = simulator.outbound({ to: CITIZEN });
			expect(message.body).toMatchObject({
				text: {
					body: 'Gentile Maria Rossi, sei iscritto a #EMERGENZE (pratica P-12). {sconosciuto}',
				},
			});
		});

		test('sendText without the option sends the braces as written', async () => {
			const item = await itemWith({ placeholders: { liste: '#EMERGENZE' } });
			await send({ operation: 'sendText', text: 'Liste: {liste}' }, [item]);
			expect(simulator.outbound({ to: CITIZEN })[0].body).toMatchObject({
				text: { body: 'Liste: {liste}' },
			});
		});

		test('sendButtons: the body filled, the buttons as set', async () => {
			const item = await itemWith({ placeholders: { liste: '#EMERGENZE e #PUBBLICAUTILITA' } });
			await send(
				{
					operation: 'sendButtons',
					buttonsBody: 'Per attivare {liste} accetta il regolamento, {nome}.',
					buttonsOptions: { fillPlaceholders: true, footer: '{liste}' },
				},
				[item],
			);
			const [message] = simulator.outbound({ to: CITIZEN });
			expect(message.body).toMatchObject({
				interactive: {
					body: {
						text: 'Per attivare #EMERGENZE e #PUBBLICAUTILITA accetta il regolamento, Maria Rossi.',
					},
					footer: { text: '{liste}' },
					action: { buttons: [{ reply: { id: 'accept_policy', title: 'Accetto' } }] },
				},
			});
		});

		test('hostile items: a name that looks like a placeholder, placeholders that are not an object', async () => {
			const item = await itemWith({
				from: { waId: CITIZEN, name: '{pratica} $& {{ $json }}' },
				caseId: 9,
				placeholders: ['not', 'an', 'object'],
			});
			await send(
				{
					operation: 'sendText',
					text: '{nome} / {pratica} / {__proto__} / {constructor}',
					textOptions: { fillPlaceholders: true },
				},
				[item],
			);
			expect(simulator.outbound({ to: CITIZEN })[0].body).toMatchObject({
				text: { body: '{pratica} $& {{ $json }} / 9 / {__proto__} / {constructor}' },
			});
		});
	});
});

describe('WhatsUrp node: read receipts and media', () => {
	test('mark as read uses the trigger’s message id', async () => {
		const item = await citizenWrote();
		const [output] = (
			await send({ operation: 'markAsRead', typingIndicator: true }, [item])
		).outputs();
		expect(output[0].json).toMatchObject({
			operation: 'markAsRead',
			success: true,
			messageId: item.json.messageId,
		});
		const request = simulator.received.find((entry) => entry.method === 'POST');
		expect(request?.body).toMatchObject({
			status: 'read',
			message_id: item.json.messageId,
			typing_indicator: { type: 'text' },
		});
	});

	test('a photo the citizen sent is downloaded into a binary field, bytes intact', async () => {
		const photo = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
		const sent = await simulator.citizenSends({
			from: { waId: CITIZEN },
			type: 'image',
			media: { mimeType: 'image/jpeg', caption: 'Buca in via Flaminia', content: photo },
		});
		const message = ((sent.body.entry as IDataObject[])[0].changes as IDataObject[])[0].value as {
			messages: Array<{ image: { id: string } }>;
		};
		const item: INodeExecutionData = {
			json: { media: { id: message.messages[0].image.id, mimeType: 'image/jpeg' } },
		};
		const [output] = (
			await send({ resource: 'media', operation: 'downloadMedia', binaryPropertyName: 'foto' }, [
				item,
			])
		).outputs();
		expect(output[0].json).toMatchObject({
			operation: 'downloadMedia',
			mimeType: 'image/jpeg',
			fileSize: 5000,
		});
		const binary = output[0].binary?.foto;
		expect(binary?.mimeType).toBe('image/jpeg');
		expect(Buffer.from(binary!.data, 'base64').equals(photo)).toBe(true);
	});

	test('an unknown media id is reported with Meta’s answer', async () => {
		const result = await send({ resource: 'media', operation: 'downloadMedia' }, [
			{ json: { media: { id: '999999' } } },
		]);
		expect(result.error()?.message).toMatch(/100/);
	});

	test('an item without media says what to download', async () => {
		const result = await send({ resource: 'media', operation: 'downloadMedia' }, [
			{ json: { text: 'solo testo' } },
		]);
		expect(result.error()?.message).toMatch(/no media to download/);
	});
});
