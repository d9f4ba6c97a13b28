/**
 * The WhatsApp channel and the subscriptions on a real n8n: the Cloud API simulator plays citizens and
 * sends signed webhooks to the published workflow in workflows/inbound.json, which answers through the
 * simulator; the store is the SQLite file in n8n's user folder. The simulator's clock stands on a
 * Tuesday morning, when the URP is open, so a question gets the "inoltrato agli operatori" reply.
 */

import { openStore, type SubscriptionStore } from '../../nodes/core/store';
import { TEST_ACCOUNT } from '../helpers/cloudApi';
import { startInboundStack, textOf, type InboundStack } from '../helpers/inboundN8n';
import { e2eSetup } from '../helpers/topology';

const setup = e2eSetup('whatsapp', Number(process.env.WHATSURP_E2E_WHATSAPP_PORT ?? 5683));
/** A Tuesday at 10:00 in Rome: the office is open. */
const TUESDAY_MORNING = '2026-03-03T10:00:00+01:00';
const FORWARDED = "L'abbiamo inoltrato agli operatori dell'URP del Comune di Rimini";

const MARIA = { waId: '393331234567', name: 'Maria Rossi' };

let stack: InboundStack;

// every reply brings status webhooks that start executions of their own: counting waits for them
jest.setTimeout(60_000);

beforeAll(async () => {
	stack = await startInboundStack({ setup, clockStart: TUESDAY_MORNING });
}, 15 * 60_000);

afterAll(async () => {
	await stack?.stop();
}, 60_000);

const executionCount = async (): Promise<number> => (await stack.settledExecutions()).length;

describe('WhatsApp channel on a real n8n', () => {
	test("Meta's handshake: the right verify token gets the challenge, a wrong one 403", async () => {
		const ok = await fetch(
			`${stack.webhookUrl}?hub.mode=subscribe&hub.verify_token=${TEST_ACCOUNT.verifyToken}&hub.challenge=8675309`,
		);
		expect(ok.status).toBe(200);
		expect(await ok.text()).toBe('8675309');
		const wrong = await fetch(
			`${stack.webhookUrl}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=8675309`,
		);
		expect(wrong.status).toBe(403);
	});

	test('a signed message gets the reply at the simulator', async () => {
		const reply = await stack.writeAndAwaitReply({
			from: MARIA,
			type: 'text',
			text: 'A che ora apre l’URP sabato?',
		});
		expect(reply.type).toBe('text');
		expect(textOf(reply)).toContain(FORWARDED);
	});

	test('a forged signature gets 401 and starts no execution', async () => {
		const before = await executionCount();
		const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
		const delivery = await stack.simulator.sendRawWebhook(body, {
			signature: `sha256=${'0'.repeat(64)}`,
		});
		expect(delivery.status).toBe(401);
		const unsigned = await stack.simulator.sendRawWebhook(body, { signature: null });
		expect(unsigned.status).toBe(401);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await executionCount()).toBe(before);
	});

	test("a signed body that is not JSON: n8n's own parser answers 422, nothing starts (as the README says)", async () => {
		const before = await executionCount();
		const delivery = await stack.simulator.sendRawWebhook(
			'{"object":"whatsapp_business_account","entry":[',
		);
		expect(delivery.status).toBe(422);
		expect(await executionCount()).toBe(before);
	});

	test('the same message delivered twice is processed once', async () => {
		const luca = { waId: '393330000777', name: 'Luca' };
		const replies = () => stack.simulator.outbound({ to: luca.waId }).length;
		const sent = await stack.simulator.citizenSends({
			from: luca,
			type: 'text',
			text: 'Ciao',
			timestamp: stack.clock.seconds(),
		});
		expect(sent.status).toBe(200);
		await stack.nextReply(luca.waId, 0);
		const before = await executionCount();
		const again = await stack.simulator.redeliver(sent.messageId);
		expect(again.status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 2000));
		expect(await executionCount()).toBe(before);
		expect(replies()).toBe(1);
	});

	test('the credential test through n8n shows Meta’s own message', async () => {
		const { n8n, simulator } = stack;
		const test = async (id: string) =>
			(await (
				await fetch(`${n8n.baseUrl}/api/v1/credentials/${id}/test`, {
					method: 'POST',
					headers: { 'X-N8N-API-KEY': n8n.apiKey },
				})
			).json()) as { status: string; message: string };
		const good = await test(n8n.credentialIds['WhatsApp URP']);
		expect(good).toMatchObject({ status: 'OK' });
		const badId = await n8n.upsertCredential({
			name: 'WhatsApp scaduta',
			type: 'whatsAppCloudApi',
			data: {
				...TEST_ACCOUNT,
				accessToken: 'expired-token',
				businessAccountId: '',
				baseUrl: simulator.baseUrl,
			},
		});
		const bad = await test(badId);
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/190/);
		expect(bad.message).toMatch(/Invalid OAuth access token/);
	});
});

describe("The sandbox's chat page path", () => {
	test('what the chat page posts reaches the workflow, and its conversation view shows the reply', async () => {
		const { simulator } = stack;
		const page = await fetch(simulator.chatUrl);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('/_sim/citizen-sends');
		// exactly what the page's script sends when a person types and presses Invia
		const sent = await fetch(`${simulator.baseUrl}/_sim/citizen-sends`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				from: { waId: '393480000123', name: 'Paolo' },
				type: 'text',
				text: 'Salve',
			}),
		});
		expect(((await sent.json()) as { status: number }).status).toBe(200);
		let messages: Array<{ direction: string; payload: { text?: { body?: string } } }> = [];
		for (let attempt = 0; attempt < 80 && !messages.some((m) => m.direction === 'out'); attempt++) {
			await new Promise((resolve) => setTimeout(resolve, 250));
			const view = await fetch(`${simulator.baseUrl}/_sim/conversations/393480000123`);
			messages = ((await view.json()) as { messages: typeof messages }).messages;
		}
		const reply = messages.find((m) => m.direction === 'out');
		if (!reply) stack.failWithLogs('The conversation view shows no reply within 20 s');
		expect(reply.payload.text?.body).toContain(FORWARDED);
	});
});

describe('Subscriptions on a real n8n', () => {
	const GIULIA = { waId: '393471112233', name: 'Giulia Bianchi' };
	let store: SubscriptionStore;

	beforeAll(async () => {
		store = await openStore(setup.store);
	});
	afterAll(async () => {
		await store?.close();
	});

	test('ISCRIZIONE ON #EMERGENZE → the policy with "Accetto" → pending', async () => {
		const reply = await stack.writeAndAwaitReply({
			from: GIULIA,
			type: 'text',
			text: 'iscrizione on #emergenze',
		});
		expect(reply.body).toMatchObject({
			type: 'interactive',
			interactive: { action: { buttons: [{ reply: { id: 'accept_policy', title: 'Accetto' } }] } },
		});
		expect(textOf(reply)).toContain('#EMERGENZE');
		const subscriber = await store.get({ waId: GIULIA.waId });
		expect(subscriber?.subscriptions).toEqual([
			expect.objectContaining({ list: 'EMERGENZE', state: 'pending', policyVersion: '2026-01' }),
		]);
	});

	test('the "Accetto" button → confirmation → active', async () => {
		const reply = await stack.writeAndAwaitReply({
			from: GIULIA,
			type: 'interactive',
			reply: { id: 'accept_policy', title: 'Accetto', kind: 'button_reply' },
		});
		expect(textOf(reply)).toMatch(/^✅ Iscrizione attiva: riceverai gli avvisi di #EMERGENZE/);
		const subscriber = await store.get({ waId: GIULIA.waId });
		expect(subscriber?.subscriptions[0]).toMatchObject({ state: 'active' });
		expect(subscriber?.subscriptions[0].consentAt).not.toBeNull();
	});

	test('ISCRIZIONE OFF → confirmation → cancelled', async () => {
		const reply = await stack.writeAndAwaitReply({
			from: GIULIA,
			type: 'text',
			text: 'ISCRIZIONE OFF',
		});
		expect(textOf(reply)).toMatch(/^Iscrizione cancellata/);
		const subscriber = await store.get({ waId: GIULIA.waId });
		expect(
			subscriber?.subscriptions.every((subscription) => subscription.state === 'cancelled'),
		).toBe(true);
	});

	test('an unknown list gets the valid ones named', async () => {
		const reply = await stack.writeAndAwaitReply({
			from: GIULIA,
			type: 'text',
			text: 'ISCRIZIONE ON #METEO',
		});
		expect(textOf(reply)).toBe(
			"La lista #METEO non esiste. Le liste disponibili sono #EMERGENZE e #PUBBLICAUTILITA': scrivi ad esempio ISCRIZIONE ON #EMERGENZE.",
		);
	});
});

describe('Executions', () => {
	test('none failed', async () => {
		const executions = await stack.settledExecutions();
		expect(executions.length).toBeGreaterThan(0);
		expect(
			executions.filter(
				(execution) => execution.status === 'error' || execution.status === 'crashed',
			),
		).toEqual([]);
	});
});
