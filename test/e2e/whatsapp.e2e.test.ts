/**
 * The WhatsApp channel and the subscriptions on a real n8n: the Cloud API simulator plays citizens and
 * sends signed webhooks to the published workflow in workflows/whatsapp-subscriptions.json, which
 * answers through the simulator; the store is the SQLite file in n8n's user folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ensureN8nInstalled } from '../../dev/n8n/install';
import { startN8n, webhookEndpoints, type N8nInstance } from '../../dev/n8n/launcher';
import type { CloudApiSimulator, OutboundMessage } from '../../dev/simulators/cloudApi/server';
import { openStore, type SubscriptionStore } from '../../nodes/core/store';
import { TEST_ACCOUNT, startTestSimulator } from '../helpers/cloudApi';

const repo = join(__dirname, '../..');
const port = Number(process.env.WHATSURP_E2E_WHATSAPP_PORT ?? 5683);
const stateDir = join(repo, '.state/e2e-whatsapp');
const workflow = JSON.parse(
	readFileSync(join(repo, 'workflows/whatsapp-subscriptions.json'), 'utf8'),
) as { nodes: Array<{ name: string }> };
const triggerPath = webhookEndpoints(workflow).find((endpoint) => endpoint.method === 'POST')!.path;

const MARIA = { waId: '393331234567', name: 'Maria Rossi' };

let n8n: N8nInstance;
let simulator: CloudApiSimulator;
let webhookUrl: string;

beforeAll(async () => {
	await ensureN8nInstalled();
	simulator = await startTestSimulator({ statusDelaysMs: { delivered: 20, read: null } });
	n8n = await startN8n({
		packageDir: repo,
		stateDir,
		port,
		fresh: true,
		credentials: [
			{
				name: 'WhatsApp URP',
				type: 'whatsAppCloudApi',
				data: { ...TEST_ACCOUNT, businessAccountId: '', baseUrl: simulator.baseUrl },
			},
			{ name: 'Archivio iscrizioni', type: 'whatsUrpStore', data: { backend: 'sqlite', path: '' } },
		],
		workflows: [workflow],
	});
	webhookUrl = `${n8n.baseUrl}/webhook/${triggerPath}`;
	simulator.setWebhookUrl(webhookUrl);
}, 15 * 60_000);

afterAll(async () => {
	await n8n?.stop();
	await simulator?.stop();
}, 60_000);

function failWithLogs(message: string): never {
	throw new Error(`${message}\n--- n8n log ---\n${n8n.logs().slice(-4000)}`);
}

async function executionsNow(): Promise<Array<{ status?: string }>> {
	const response = await fetch(
		`${n8n.baseUrl}/api/v1/executions?workflowId=${n8n.workflowIds[0]}&limit=250`,
		{
			headers: { 'X-N8N-API-KEY': n8n.apiKey },
		},
	);
	return ((await response.json()) as { data: Array<{ status?: string }> }).data;
}

/**
 * Executions of the workflow once nothing is running any more: a reply reaches the simulator before n8n
 * has saved its execution, so a count taken right after a reply can miss it.
 */
async function executionCount(): Promise<number> {
	let previous = -1;
	for (let attempt = 0; attempt < 40; attempt++) {
		const executions = await executionsNow();
		const running = executions.some(
			(execution) => execution.status === 'running' || execution.status === 'new',
		);
		if (!running && executions.length === previous) return previous;
		previous = executions.length;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return failWithLogs('Executions did not settle within 10 s');
}

/** A citizen writes; resolves with the business's next reply to them. */
async function writeAndAwaitReply(
	input: Parameters<CloudApiSimulator['citizenSends']>[0],
): Promise<OutboundMessage> {
	const before = simulator.outbound({ to: input.from.waId }).length;
	const sent = await simulator.citizenSends(input);
	if (sent.status !== 200) failWithLogs(`n8n answered ${sent.status} to a signed webhook`);
	try {
		return await simulator.waitForOutbound(
			(message) =>
				message.to === input.from.waId &&
				simulator.outbound({ to: input.from.waId }).indexOf(message) >= before,
			20_000,
		);
	} catch {
		return failWithLogs(`No reply to "${input.text ?? input.type}" within 20 s`);
	}
}

const textOf = (message: OutboundMessage): string =>
	((message.body.text as { body?: string } | undefined)?.body ??
		(message.body.interactive as { body?: { text?: string } } | undefined)?.body?.text ??
		'') as string;

describe('WhatsApp channel on a real n8n', () => {
	test("Meta's handshake: the right verify token gets the challenge, a wrong one 403", async () => {
		const ok = await fetch(
			`${webhookUrl}?hub.mode=subscribe&hub.verify_token=${TEST_ACCOUNT.verifyToken}&hub.challenge=8675309`,
		);
		expect(ok.status).toBe(200);
		expect(await ok.text()).toBe('8675309');
		const wrong = await fetch(
			`${webhookUrl}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=8675309`,
		);
		expect(wrong.status).toBe(403);
	});

	test('a signed message gets the reply at the simulator', async () => {
		const reply = await writeAndAwaitReply({
			from: MARIA,
			type: 'text',
			text: 'A che ora apre l’URP sabato?',
		});
		expect(reply.type).toBe('text');
		expect(textOf(reply)).toContain("L'URP del Comune di Rimini ti risponderà");
	});

	test('a forged signature gets 401 and starts no execution', async () => {
		const before = await executionCount();
		const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
		const delivery = await simulator.sendRawWebhook(body, {
			signature: `sha256=${'0'.repeat(64)}`,
		});
		expect(delivery.status).toBe(401);
		const unsigned = await simulator.sendRawWebhook(body, { signature: null });
		expect(unsigned.status).toBe(401);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await executionCount()).toBe(before);
	});

	test("a signed body that is not JSON: n8n's own parser answers 422, nothing starts (as the README says)", async () => {
		const before = await executionCount();
		const delivery = await simulator.sendRawWebhook(
			'{"object":"whatsapp_business_account","entry":[',
		);
		expect(delivery.status).toBe(422);
		expect(await executionCount()).toBe(before);
	});

	test('the same message delivered twice is processed once', async () => {
		const replies = () => simulator.outbound({ to: '393330000777' }).length;
		const reply = await writeAndAwaitReply({
			from: { waId: '393330000777', name: 'Luca' },
			type: 'text',
			text: 'Ciao',
		});
		expect(reply).toBeDefined();
		const before = await executionCount();
		const again = await simulator.redeliver(simulator.webhookDeliveries.length - 1);
		expect(again.status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 2000));
		expect(await executionCount()).toBe(before);
		expect(replies()).toBe(1);
	});

	test('the credential test through n8n shows Meta’s own message', async () => {
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
		if (!reply) failWithLogs('The conversation view shows no reply within 20 s');
		expect(reply.payload.text?.body).toContain("L'URP del Comune di Rimini ti risponderà");
	});
});

describe('Subscriptions on a real n8n', () => {
	const GIULIA = { waId: '393471112233', name: 'Giulia Bianchi' };
	let store: SubscriptionStore;

	beforeAll(async () => {
		store = await openStore({ backend: 'sqlite', path: join(stateDir, '.n8n', 'whatsurp.sqlite') });
	});
	afterAll(async () => {
		await store?.close();
	});

	test('ISCRIZIONE ON #EMERGENZE → the policy with "Accetto" → pending', async () => {
		const reply = await writeAndAwaitReply({
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
		const reply = await writeAndAwaitReply({
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
		const reply = await writeAndAwaitReply({ from: GIULIA, type: 'text', text: 'ISCRIZIONE OFF' });
		expect(textOf(reply)).toMatch(/^Iscrizione cancellata/);
		const subscriber = await store.get({ waId: GIULIA.waId });
		expect(
			subscriber?.subscriptions.every((subscription) => subscription.state === 'cancelled'),
		).toBe(true);
	});

	test('an unknown list gets the valid ones named', async () => {
		const reply = await writeAndAwaitReply({
			from: GIULIA,
			type: 'text',
			text: 'ISCRIZIONE ON #METEO',
		});
		expect(textOf(reply)).toBe(
			"La lista #METEO non esiste. Le liste disponibili sono #EMERGENZE e #PUBBLICAUTILITA': scrivi ad esempio ISCRIZIONE ON #EMERGENZE.",
		);
	});
});
