/**
 * The WhatsUrp Broadcast node in-process (n8n-core's WorkflowExecute) against the Cloud API simulator
 * over HTTP and a SQLite store: send (template, text), dry run, resume, abort (with and without Continue
 * On Fail), BUSY / CONFLICT / bad parameters, recordStatuses with the trigger's status items, report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { WhatsUrpStore } from '../../credentials/WhatsUrpStore.credentials';
import type { CloudApiSimulator } from '../../dev/simulators/cloudApi/server';
import { messageHash } from '../../nodes/core/broadcast';
import { openStore, type SubscriptionStore } from '../../nodes/core/store';
import { WhatsUrpBroadcast } from '../../nodes/WhatsUrpBroadcast/WhatsUrpBroadcast.node';
import { cloudApiCredentials, startTestSimulator, TEST_ACCOUNT } from '../helpers/cloudApi';
import { validateOutgoingMessage } from '../helpers/metaSchema';
import { runNode, TestNodeTypes, type TestCredentials } from '../helpers/runWorkflow';

jest.setTimeout(20_000);

const TYPE = 'n8n-nodes-whatsurp.whatsUrpBroadcast';
const nodeTypes = new TestNodeTypes({ [TYPE]: new WhatsUrpBroadcast() });

let folder: string;
let simulator: CloudApiSimulator;
let credentials: TestCredentials;
let store: SubscriptionStore;

const CONSENT = new Date('2026-01-10T10:00:00Z');

function waIdOf(i: number): string {
	return `39333${String(i).padStart(7, '0')}`;
}

async function seed(count: number, list = 'EMERGENZE', from = 0): Promise<void> {
	for (let i = from; i < from + count; i++) {
		await store.importSubscriber(
			{ citizen: { waId: waIdOf(i) }, lists: [list], consentAt: CONSENT, policyVersion: 'v1' },
			{ at: CONSENT, channel: 'import' },
		);
	}
}

beforeAll(async () => {
	simulator = await startTestSimulator({ throughput: { perSecond: 1000 } });
});
afterAll(async () => simulator.stop());

beforeEach(async () => {
	folder = mkdtempSync(join(tmpdir(), 'whatsurp-broadcast-'));
	const path = join(folder, 'store.sqlite');
	credentials = {
		...cloudApiCredentials(simulator),
		whatsUrpStore: { data: { backend: 'sqlite', path }, type: new WhatsUrpStore() },
	};
	store = await openStore({ backend: 'sqlite', path });
	simulator.reset();
});
afterEach(async () => {
	await store.close();
	rmSync(folder, { recursive: true, force: true });
});

const ALERT = 'Allerta rossa: fiume Marecchia, evitare i sottopassi';
const TEMPLATE: IDataObject = {
	operation: 'send',
	broadcastId: 'allerta-1',
	list: 'EMERGENZE',
	messageType: 'template',
	templateName: 'avviso_emergenza',
	templateLanguage: 'it',
	templateBodyParameters: { parameter: [{ value: ALERT }, { value: '30/11/2026' }] },
	rate: 1000,
};

type TaskError = Error & { description?: string };

async function run(
	parameters: IDataObject,
	input: INodeExecutionData[] = [{ json: {} }],
	options: { continueOnFail?: boolean; credentials?: TestCredentials } = {},
) {
	return await runNode(nodeTypes, TYPE, parameters as INodeParameters, input, {
		credentials: options.credentials ?? credentials,
		continueOnFail: options.continueOnFail ?? false,
	});
}

function expectNoToken(value: unknown, token = TEST_ACCOUNT.accessToken): void {
	expect(JSON.stringify(value)).not.toContain(token);
}

describe('send', () => {
	test('every active subscriber of the list gets the template once; others get nothing', async () => {
		await seed(120);
		await seed(10, "PUBBLICAUTILITA'", 1000);
		await store.unsubscribe({ waId: waIdOf(5) }, 'all', { at: new Date(), channel: 'whatsapp' });
		const outputs = (await run(TEMPLATE)).outputs();
		expect(outputs).toHaveLength(1);
		const [[item]] = outputs;
		expect(item.json).toMatchObject({
			broadcastId: 'allerta-1',
			list: 'EMERGENZE',
			sent: 119,
			total: 119,
			aborted: false,
			remaining: 0,
			configuredRate: 1000,
			message: {
				type: 'template',
				name: 'avviso_emergenza',
				language: 'it',
				bodyParameters: [ALERT, '30/11/2026'],
			},
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		const sent = simulator.outbound();
		expect(sent).toHaveLength(119);
		expect(new Set(sent.map((m) => m.to)).size).toBe(119);
		expect(sent.some((m) => m.to === waIdOf(5))).toBe(false);
		expect(sent.every((m) => m.type === 'template')).toBe(true);
		expectNoToken(outputs);
	});

	test('the template body carries the parameters and is valid against Meta’s schema', async () => {
		await seed(3);
		(await run(TEMPLATE)).outputs();
		const bodies = simulator.outbound().map((m) => m.body);
		expect(bodies).toHaveLength(3);
		for (const body of bodies) {
			expect(validateOutgoingMessage(body)).toEqual({ valid: true, errors: [] });
			expect(body).toMatchObject({
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				type: 'template',
				template: {
					name: 'avviso_emergenza',
					language: { code: 'it' },
					components: [
						{
							type: 'body',
							parameters: [
								{ type: 'text', text: ALERT },
								{ type: 'text', text: '30/11/2026' },
							],
						},
					],
				},
			});
		}
		expect(bodies.map((b) => b.to).sort()).toEqual([waIdOf(0), waIdOf(1), waIdOf(2)]);
		// the token went in the Authorization header only
		expect(simulator.received.every((r) => r.headers.authorization === '[redacted]')).toBe(true);
		expectNoToken(simulator.received.map((r) => r.body));
	});

	test('text: delivered to who wrote in the last 24 hours, recorded failed (131047) for the others', async () => {
		await seed(4);
		for (const i of [0, 2]) {
			await simulator.citizenSends({
				from: { waId: waIdOf(i) },
				type: 'text',
				text: 'ISCRIZIONE ON #EMERGENZE',
			});
		}
		const [[item]] = (
			await run({
				...TEMPLATE,
				messageType: 'text',
				text: 'Scuole chiuse domani per allerta meteo.',
			})
		).outputs();
		expect(item.json).toMatchObject({
			aborted: false,
			sent: 2,
			failed: { count: 2, byCode: { '131047': 2 } },
			message: { type: 'text', text: 'Scuole chiuse domani per allerta meteo.' },
		});
		const bodies = simulator.outbound().map((m) => m.body);
		expect(bodies.map((b) => b.to).sort()).toEqual([waIdOf(0), waIdOf(2)]);
		for (const body of bodies) {
			expect(validateOutgoingMessage(body)).toEqual({ valid: true, errors: [] });
			expect(body).toMatchObject({
				type: 'text',
				text: { body: 'Scuole chiuse domani per allerta meteo.' },
			});
		}
	});

	test('dry run: the count, the message, nothing sent or written', async () => {
		await seed(12);
		const outputs = (await run({ ...TEMPLATE, dryRun: true })).outputs();
		expect(outputs[0]).toEqual([
			{
				json: {
					broadcastId: 'allerta-1',
					list: 'EMERGENZE',
					recipients: 12,
					needsApproval: false,
					existing: null,
					dryRun: true,
					message: {
						type: 'template',
						name: 'avviso_emergenza',
						language: 'it',
						bodyParameters: [ALERT, '30/11/2026'],
					},
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(simulator.received).toHaveLength(0);
		expect(await store.broadcasts.get('allerta-1')).toBeNull();
	});

	test('two input items with the same id: the second resumes and sends nothing; one output per item', async () => {
		await seed(10);
		const [output] = (await run(TEMPLATE, [{ json: { a: 1 } }, { json: { a: 2 } }])).outputs();
		expect(output.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0].json).toMatchObject({ resumed: false, sent: 10, thisRun: { sent: 10 } });
		expect(output[1].json).toMatchObject({
			resumed: true,
			runs: 2,
			sent: 10,
			thisRun: { sent: 0 },
			skipped: { alreadySent: 10 },
		});
		expect(simulator.stats().accepted).toBe(10);
	});

	test('an abort (expired token) under Continue On Fail: the summary with `error`; the token is nowhere', async () => {
		await seed(20);
		const expired = 'EAAG-expired-token-123';
		const outputs = (
			await run(TEMPLATE, [{ json: {} }], {
				continueOnFail: true,
				credentials: {
					...credentials,
					...cloudApiCredentials(simulator, { accessToken: expired }),
				},
			})
		).outputs();
		const [[item]] = outputs;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			aborted: true,
			abortCode: 190,
			sent: 0,
			remaining: 20,
			broadcastId: 'allerta-1',
		});
		expect(item.json.error).toMatch(/Broadcast "allerta-1" stopped: .*190/);
		expect(item.json.hintIt).toMatch(/credenziale «WhatsApp Cloud API»/);
		expect(simulator.stats().rejectedByCode['190']).toBeGreaterThanOrEqual(1);
		expect(simulator.stats().rejectedByCode['190']).toBeLessThanOrEqual(250);
		expectNoToken(outputs, expired);
		// the broadcast resumes with the right token and reaches everyone once
		const [[again]] = (await run(TEMPLATE)).outputs();
		expect(again.json).toMatchObject({ aborted: false, sent: 20, resumed: true });
		expect(simulator.stats().accepted).toBe(20);
	});

	test('an abort without Continue On Fail: NodeOperationError with the Italian hint and the counts', async () => {
		await seed(15);
		simulator.injectFailure({ code: 131031, times: -1, afterAccepted: 5 });
		const result = await run({ ...TEMPLATE, rate: 20 });
		const error = result.error() as TaskError;
		expect(error).toBeDefined();
		expect(error.message).toMatch(/Broadcast "allerta-1" stopped: .*131031/);
		expect(error.description).toMatch(/bloccato da Meta/);
		expect(error.description).toMatch(/Inviati finora: 5; da raggiungere: 10\./);
		expectNoToken([error.message, error.description]);
	});

	test('BUSY: the same broadcast running in another execution → an Italian description', async () => {
		await seed(3);
		const description = {
			type: 'template',
			name: 'avviso_emergenza',
			language: 'it',
			bodyParameters: [ALERT, '30/11/2026'],
		};
		await store.broadcasts.begin({
			id: 'allerta-1',
			list: 'EMERGENZE',
			messageHash: messageHash(description),
			message: description,
			now: new Date(),
		});
		const error = (await run(TEMPLATE)).error() as TaskError;
		expect(error.message).toMatch(/running elsewhere/);
		expect(error.description).toMatch(/già in corso in un'altra esecuzione/);
		expect(simulator.received).toHaveLength(0);
		const [[item]] = (await run(TEMPLATE, [{ json: {} }], { continueOnFail: true })).outputs();
		expect(item.json.error).toMatch(/running elsewhere/);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	test('CONFLICT: the same id with another message or another list → an Italian description', async () => {
		await seed(3);
		await seed(2, "PUBBLICAUTILITA'", 100);
		(await run(TEMPLATE)).outputs();
		const otherMessage = (
			await run({
				...TEMPLATE,
				templateBodyParameters: { parameter: [{ value: 'Allerta arancione' }, { value: '1/12' }] },
			})
		).error() as TaskError;
		expect(otherMessage.message).toMatch(/already used for another message/);
		expect(otherMessage.description).toMatch(/identificativo nuovo/);
		const otherList = (await run({ ...TEMPLATE, list: "PUBBLICAUTILITA'" })).error() as TaskError;
		expect(otherList.message).toMatch(/the list EMERGENZE/);
		expect(otherList.description).toMatch(/altra lista/);
		expect(simulator.stats().accepted).toBe(3);
	});

	test.each([
		['a blank list name', { list: '   ' }, /list name is empty/],
		['a list name with control characters', { list: 'EMER\u0000GENZE' }, /control characters/],
		['a list name of 500 characters', { list: 'E'.repeat(500) }, /longer than/],
		['rate 0', { rate: 0 }, /Rate must be/],
		['rate 5000', { rate: 5000 }, /at most 1000/],
		['a rate that is not a number', { rate: 'veloce' }, /Rate must be/],
		['a blank broadcast id', { broadcastId: '  ' }, /Broadcast ID must be/],
		['a broadcast id of 129 characters', { broadcastId: 'x'.repeat(129) }, /Broadcast ID must be/],
		['a broadcast id with a newline', { broadcastId: 'allerta\n1' }, /Broadcast ID must be/],
		['a template name with spaces', { templateName: 'Avviso Emergenza' }, /lowercase letters/],
		['a blank text', { messageType: 'text', text: ' \n ' }, /Text body must not be empty/],
		['a text over 4096 characters', { messageType: 'text', text: 'x'.repeat(5000) }, /4096|4,096/],
	])('%s → NodeOperationError, nothing sent', async (_name, overrides, message) => {
		await seed(2);
		const result = await run({ ...TEMPLATE, ...overrides });
		const error = result.error() as TaskError;
		expect(error).toBeDefined();
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toMatch(message);
		expect(simulator.received).toHaveLength(0);
	});

	test.each([[true], [false]])(
		"the list trap (dry run %p): PUBBLICAUTILITA' as the placeholder shows reaches the PUBBLICAUTILITA subscribers",
		async (dryRun) => {
			await seed(4, 'PUBBLICAUTILITA', 200);
			await seed(3);
			const [[item]] = (await run({ ...TEMPLATE, list: "PUBBLICAUTILITA'", dryRun })).outputs();
			expect(item.json).toMatchObject({ list: 'PUBBLICAUTILITA' });
			expect(item.json[dryRun ? 'recipients' : 'sent']).toBe(4);
			expect(simulator.stats().accepted).toBe(dryRun ? 0 : 4);
		},
	);

	test.each([[true], [false]])(
		'a list nobody subscribed to and nobody defined is refused (dry run %p), naming the lists that exist',
		async (dryRun) => {
			await seed(2, 'PUBBLICAUTILITA', 200);
			await seed(2);
			const error = (
				await run({ ...TEMPLATE, list: 'VIABILITA', definedLists: '#Cultura', dryRun })
			).error() as TaskError;
			expect(error.name).toBe('NodeOperationError');
			expect(error.message).toMatch(/No list "VIABILITA".*CULTURA, EMERGENZE, PUBBLICAUTILITA/);
			expect(error.description).toBe(
				'La lista «VIABILITA» non esiste: nessuno è iscritto e non è tra le liste definite. Le liste esistenti sono #CULTURA, #EMERGENZE e #PUBBLICAUTILITA.',
			);
			expect(simulator.received).toHaveLength(0);
			expect(await store.broadcasts.get('allerta-1')).toBeNull();
		},
	);

	test('a defined list nobody has subscribed to yet: zero recipients, no error; needsApproval from Lists Needing Approval', async () => {
		await seed(2);
		const [[item]] = (
			await run({
				...TEMPLATE,
				list: '#viabilità',
				definedLists: "EMERGENZE, PUBBLICAUTILITA', VIABILITA",
				approvalLists: 'EMERGENZE, Viabilità',
				dryRun: true,
			})
		).outputs();
		expect(item.json).toMatchObject({ list: 'VIABILITA', recipients: 0, needsApproval: true });
		const [[emergency]] = (
			await run({ ...TEMPLATE, approvalLists: '#emergenze', dryRun: true })
		).outputs();
		expect(emergency.json).toMatchObject({ list: 'EMERGENZE', needsApproval: true });
	});

	test('an unknown list under Continue On Fail: an item with the error', async () => {
		await seed(1);
		const [[item]] = (
			await run({ ...TEMPLATE, list: 'METEO' }, undefined, { continueOnFail: true })
		).outputs();
		expect(item.json.error).toMatch(/No list "METEO"/);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	test('a broadcast id error carries the Italian hint', async () => {
		const error = (await run({ ...TEMPLATE, broadcastId: '   ' })).error() as TaskError;
		expect(error.description).toMatch(/identificativo dell'invio/);
	});
});

describe('recordStatuses', () => {
	/** A status item as the WhatsUrp Trigger emits it. */
	function statusItem(
		messageId: unknown,
		status: unknown,
		errors: unknown = [],
	): INodeExecutionData {
		return {
			json: {
				event: 'status',
				messageId,
				status,
				recipient: '393330000000',
				timestamp: '2026-11-30T08:00:00.000Z',
				errors,
				raw: {},
			} as IDataObject,
		};
	}

	test('delivered / read / failed update the ledger; other items are ignored; hostile items break nothing', async () => {
		await seed(4);
		(await run(TEMPLATE)).outputs();
		const wamids = new Map(simulator.outbound().map((m) => [m.to!, m.wamid]));
		const w = (i: number) => wamids.get(waIdOf(i))!;
		const input: INodeExecutionData[] = [
			statusItem(w(0), 'delivered'),
			statusItem(w(0), 'read'),
			statusItem(w(1), 'read'),
			statusItem(w(1), 'delivered'), // late: read already
			statusItem(w(2), 'failed', [
				{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' },
			]),
			statusItem(w(3), 'sent'),
			statusItem('wamid.reply-to-a-citizen', 'delivered'), // not a broadcast message
			{
				json: {
					event: 'message',
					messageId: 'wamid.in',
					from: { waId: '393330000000' },
					type: 'text',
					text: 'ciao',
				},
			},
			{ json: {} },
			// hostile
			statusItem(12345, 'delivered'),
			statusItem(w(3), undefined),
			statusItem('', 'read'),
			statusItem(w(3), '__proto__'),
			statusItem(w(3), 'failed', 'not an array'),
			statusItem(w(3), 'failed', [null]),
			statusItem('wamid.big-code', 'failed', [{ code: 1e12 }]),
			statusItem('x'.repeat(50_000), 'read'),
			{ json: { event: 'status', messageId: { $ne: null }, status: 'read' } },
		];
		const outputs = (await run({ operation: 'recordStatuses' }, input)).outputs();
		expect(outputs[0]).toHaveLength(1);
		const [item] = outputs[0];
		expect(item.pairedItem).toEqual(input.map((_, i) => ({ item: i })));
		// updated: w0 ×2, w1 read, w2 failed, w3 failed (no usable code); unchanged: w1's late delivered,
		// w3 sent, w3 __proto__, w3's second failed; unmatched: not broadcast messages; ignored: no
		// status event, or no usable messageId / status (the 50,000-character one included: longer than
		// any wamid, see core/whatsapp/deliveryStatuses.ts)
		expect(item.json).toEqual({ updated: 5, unchanged: 4, unmatched: 2, ignored: 7 });
		const report = (await run({ operation: 'report', broadcastId: 'allerta-1' })).outputs()[0][0];
		expect(report.json).toMatchObject({
			counts: { sent: 0, delivered: 0, read: 2, failed: 2 },
			failedByCode: { '131026': 1, unknown: 1 },
		});
	});

	test('an empty input still gives one summary item', async () => {
		const [[item]] = (
			await run({ operation: 'recordStatuses' }, [{ json: { event: 'message' } }])
		).outputs();
		expect(item.json).toEqual({ updated: 0, unchanged: 0, unmatched: 0, ignored: 1 });
		expect(item.pairedItem).toEqual([{ item: 0 }]);
	});
});

describe('report', () => {
	test('counts of a broadcast by state, its message and what is left', async () => {
		await seed(6);
		simulator.injectFailure({ to: waIdOf(2), code: 131050, async: false });
		(await run(TEMPLATE)).outputs();
		await seed(2, 'EMERGENZE', 50); // joined after the broadcast
		const outputs = (await run({ operation: 'report', broadcastId: ' allerta-1 ' })).outputs();
		const [[item]] = outputs;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			broadcastId: 'allerta-1',
			list: 'EMERGENZE',
			state: 'completed',
			abortReason: null,
			runs: 1,
			message: { type: 'template', name: 'avviso_emergenza' },
			counts: {
				sending: 0,
				retry: 0,
				sent: 5,
				delivered: 0,
				read: 0,
				failed: 1,
				unsubscribed: 0,
				uncertain: 0,
			},
			failedByCode: { '131050': 1 },
			pending: 2,
		});
		expect(typeof item.json.createdAt).toBe('string');
		expect(typeof item.json.finishedAt).toBe('string');
		// no status was recorded for it (the trigger records them)
		expect(item.json.lastStatusAt).toBeNull();
		expectNoToken(outputs);
	});

	test('an unknown id → NodeOperationError with an Italian description; under Continue On Fail an item with `error` and `errorHint`', async () => {
		const error = (
			await run({ operation: 'report', broadcastId: 'mai-inviato' })
		).error() as TaskError;
		expect(error.message).toMatch(/No broadcast with ID "mai-inviato"/);
		expect(error.description).toMatch(/nessun invio con questo nome/);
		const [[item]] = (
			await run({ operation: 'report', broadcastId: 'mai-inviato' }, [{ json: {} }], {
				continueOnFail: true,
			})
		).outputs();
		// the one Continue On Fail shape (nodes/shared/runner.ts): the input's json, error, errorHint
		expect(item).toEqual({
			json: {
				error: 'No broadcast with ID "mai-inviato"',
				errorHint: expect.stringMatching(/nessun invio con questo nome/),
			},
			pairedItem: { item: 0 },
		});
	});
});
