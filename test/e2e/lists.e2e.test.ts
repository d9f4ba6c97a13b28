/**
 * Adding a list, by the README's steps ("Adding a list"), on a real n8n with both workflows: staff add
 * #VIABILITA to the Comando node of *Messaggi in arrivo* and to the form's Lista choices of *Invio
 * avvisi* (the workflow objects edited as staff edit the nodes, then imported as IT imports them); a
 * citizen subscribes with `ISCRIZIONE ON #VIABILITA` and accepts the policy; staff send an alert to
 * VIABILITA through the form; only that citizen receives it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ensureN8nInstalled } from '../../dev/n8n/install';
import { startN8n, webhookEndpoints, type N8nInstance } from '../../dev/n8n/launcher';
import { inboundCredentials } from '../../dev/n8n/workflowCredentials';
import type { CloudApiSimulator, OutboundMessage } from '../../dev/simulators/cloudApi/server';
import { startMailbox, type Mailbox } from '../../dev/simulators/mailbox/server';
import { startOpen311Simulator, type Open311Simulator } from '../../dev/simulators/open311/server';
import { openStore, type SubscriptionStore } from '../../nodes/core/store';
import { WhatsUrpCommand } from '../../nodes/WhatsUrpCommand/WhatsUrpCommand.node';
import { TEST_ACCOUNT, startTestSimulator } from '../helpers/cloudApi';
import { OPEN311, textOf } from '../helpers/inboundN8n';
import {
	completeForm,
	getFormPage,
	postFormPage,
	submitForm,
	waitForFormStatus,
} from '../helpers/n8nForms';
import { e2eSetup } from '../helpers/topology';

const repo = join(__dirname, '../..');
const setup = e2eSetup('lists', Number(process.env.WHATSURP_E2E_LISTS_PORT ?? 5681));
const FORM_AUTH = { user: 'urp', password: 'e2e-liste' };

interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
}
interface WorkflowFile {
	name: string;
	nodes: WorkflowNode[];
}

function workflow(file: string): WorkflowFile {
	return JSON.parse(readFileSync(join(repo, 'workflows', file), 'utf8')) as WorkflowFile;
}

function node(file: WorkflowFile, name: string): WorkflowNode {
	const found = file.nodes.find((one) => one.name === name);
	if (!found) throw new Error(`${file.name} has no node "${name}"`);
	return found;
}

/**
 * README "Adding a list", step 1: in *Messaggi in arrivo*, the Comando node → Lists → Add List. The
 * editor shows the node's default lists; adding one stores all of them plus the new one.
 */
function addListToCommand(file: WorkflowFile, list: Record<string, string>): void {
	const comando = node(file, 'Comando');
	const lists = new WhatsUrpCommand().description.properties.find((p) => p.name === 'lists')!;
	const current = (comando.parameters.lists as { list?: unknown[] } | undefined)?.list ?? [
		...(lists.default as { list: unknown[] }).list,
	];
	comando.parameters.lists = { list: [...current, list] };
}

/** Step 2: in *Invio avvisi*, the Modulo avviso node → field Lista → Add option. */
function addListToForm(file: WorkflowFile, option: string): void {
	const fields = (
		node(file, 'Modulo avviso').parameters.formFields as {
			values: Array<{ fieldName?: string; fieldOptions?: { values: Array<{ option: string }> } }>;
		}
	).values;
	fields.find((field) => field.fieldName === 'list')!.fieldOptions!.values.push({ option });
}

let n8n: N8nInstance;
let simulator: CloudApiSimulator;
let open311: Open311Simulator;
let mailbox: Mailbox;
let store: SubscriptionStore;

const inbound = workflow('inbound.json');
const broadcast = workflow('broadcast.json');
addListToCommand(inbound, { name: 'VIABILITA', aliases: 'VIABILITÀ, TRAFFICO', display: '' });
addListToForm(broadcast, 'VIABILITA');
// Step 3 (approval) is not taken: alerts to #VIABILITA go out without a second person.

beforeAll(async () => {
	await ensureN8nInstalled();
	await setup.resetStore();
	simulator = await startTestSimulator({
		throughput: { perSecond: 80 },
		statusDelaysMs: { delivered: 20, read: null },
	});
	open311 = await startOpen311Simulator({ ...OPEN311, tokenDelayMs: 200 });
	mailbox = await startMailbox({});
	n8n = await startN8n({
		packageDir: repo,
		stateDir: setup.stateDir,
		port: setup.port,
		queue: setup.queue,
		env: setup.env,
		fresh: true,
		credentials: [
			...inboundCredentials({
				whatsApp: { ...TEST_ACCOUNT, businessAccountId: '', baseUrl: simulator.baseUrl },
				open311: { baseUrl: open311.baseUrl, ...OPEN311 },
				smtpPort: mailbox.smtpPort,
				store: setup.storeCredential,
			}),
			{ name: 'Accesso modulo avvisi', type: 'httpBasicAuth', data: FORM_AUTH },
		],
		workflows: [inbound, broadcast],
	});
	const trigger = webhookEndpoints(inbound).find((endpoint) => endpoint.method === 'POST')!;
	simulator.setWebhookUrl(`${n8n.webhookBaseUrl}/webhook/${trigger.path}`);
	store = await openStore(setup.store);
}, 15 * 60_000);

afterAll(async () => {
	await store?.close();
	await n8n?.stop();
	await Promise.allSettled([simulator?.stop(), open311?.stop(), mailbox?.stop()]);
}, 60_000);

const LUCIA = { waId: '393351000001', name: 'Lucia Rossi' };
const OTHERS = ['393351000002', '393351000003'];

async function write(
	input: Parameters<CloudApiSimulator['citizenSends']>[0],
): Promise<OutboundMessage> {
	const to = input.from.waId!;
	const before = simulator.outbound({ to }).length;
	const sent = await simulator.citizenSends({ timestamp: Math.floor(Date.now() / 1000), ...input });
	if (sent.status !== 200) throw new Error(`n8n answered ${sent.status} to a signed webhook`);
	try {
		return await simulator.waitForOutbound(
			(message) => message.to === to && simulator.outbound({ to }).indexOf(message) >= before,
			20_000,
		);
	} catch {
		throw new Error(`No reply to ${to}\n--- n8n log ---\n${n8n.logs().slice(-4000)}`);
	}
}

const alerts = () => simulator.outbound().filter((message) => message.body.type === 'template');

test("#VIABILITA added by the README's steps: a citizen subscribes and accepts, an alert through the form reaches only them", async () => {
	const CONSENT = new Date('2026-01-10T10:00:00Z');
	await store.importSubscriber(
		{ citizen: { waId: OTHERS[0] }, lists: ['EMERGENZE'], consentAt: CONSENT, policyVersion: 'v1' },
		{ at: CONSENT, channel: 'import' },
	);
	await store.importSubscriber(
		{
			citizen: { waId: OTHERS[1] },
			lists: ['PUBBLICAUTILITA'],
			consentAt: CONSENT,
			policyVersion: 'v1',
		},
		{ at: CONSENT, channel: 'import' },
	);

	// Before anyone subscribes, the list exists because the form offers it: the preview says 0.
	const early = await submitForm(
		n8n.webhookBaseUrl,
		'avviso-whatsapp',
		['VIABILITA', 'avviso_viabilita', 'Prova', '', 'operatore@comune.rimini.it'],
		FORM_AUTH,
	);
	await waitForFormStatus(early);
	expect(await getFormPage(early)).toMatch(/#VIABILITA — <b>destinatari:<\/b> 0\b/);
	await postFormPage(early, [undefined, 'No, annulla']);
	await completeForm(early);

	const policy = await write({ from: LUCIA, type: 'text', text: 'ISCRIZIONE ON #VIABILITA' });
	expect(policy.body).toMatchObject({
		type: 'interactive',
		interactive: { action: { buttons: [{ reply: { id: 'accept_policy', title: 'Accetto' } }] } },
	});
	expect(textOf(policy)).toContain('#VIABILITA');
	const accepted = await write({
		from: LUCIA,
		type: 'interactive',
		reply: { id: 'accept_policy', title: 'Accetto', kind: 'button_reply' },
	});
	expect(textOf(accepted)).toMatch(/^✅ Iscrizione attiva/);
	expect((await store.get({ waId: LUCIA.waId }))?.subscriptions).toEqual([
		expect.objectContaining({ list: 'VIABILITA', state: 'active' }),
	]);

	const waitingUrl = await submitForm(
		n8n.webhookBaseUrl,
		'avviso-whatsapp',
		[
			'VIABILITA',
			'avviso_viabilita',
			'Via Flaminia chiusa per lavori fino alle 18.',
			'viabilita-e2e-1',
			'operatore@comune.rimini.it',
		],
		FORM_AUTH,
	);
	await waitForFormStatus(waitingUrl);
	const preview = await getFormPage(waitingUrl);
	expect(preview).toContain('#VIABILITA');
	expect(preview).toMatch(/#VIABILITA — <b>destinatari:<\/b> 1\b/);
	await postFormPage(waitingUrl, [undefined, 'Sì, invia']);
	await completeForm(waitingUrl);

	const summary = await mailbox.waitForMessage({ to: 'operatore@comune.rimini.it' }, 60_000);
	expect(summary.subject).toContain('Avviso inviato');
	expect(summary.html).toContain('#VIABILITA');
	expect(mailbox.messages({ to: 'responsabile.urp@comune.rimini.it' })).toHaveLength(0);
	expect(alerts().map((message) => message.to)).toEqual([LUCIA.waId]);
	expect(alerts()[0].body).toMatchObject({
		template: {
			name: 'avviso_viabilita',
			components: [
				{
					type: 'body',
					parameters: [{ type: 'text', text: 'Via Flaminia chiusa per lavori fino alle 18.' }],
				},
			],
		},
	});
	for (const other of OTHERS) expect(simulator.outbound({ to: other })).toHaveLength(0);
}, 180_000);
