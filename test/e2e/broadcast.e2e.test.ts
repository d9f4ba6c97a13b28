/**
 * The staff's broadcast workflow (workflows/broadcast.json) on a real n8n: the form, the preview, the
 * second person's approval for the lists Impostazioni names (#EMERGENZE): an email whose link opens a
 * page where the choice is posted, so that a mail scanner opening the link approves nothing; the
 * broadcast through the Cloud API simulator and the summary email. The fault test (n8n or a worker killed half way through a broadcast) is in
 * test/faults/broadcastKill.fault.test.ts.
 */
import { BROWSER_USER_AGENT, clickMailLink, postFormPage } from '../helpers/n8nForms';
import { broadcastSuite, recipientsOf, seed, sendThroughForm } from '../helpers/broadcastN8n';

const stack = broadcastSuite('broadcast', Number(process.env.WHATSURP_E2E_BROADCAST_PORT ?? 5691));

/** The approval mail's one link: it opens the page where the approver chooses and confirms. */
async function approvalPage(): Promise<{ subject: string; link: string; links: string[] }> {
	const approval = await stack.mailbox.waitForMessage(
		{ to: 'responsabile.urp@comune.rimini.it' },
		20_000,
	);
	const links = stack.mailbox.links(approval);
	const link = links.find((href) => href.includes('/webhook-waiting/'));
	if (!link) throw new Error(`no approval link in the mail: ${links.join(' ')}`);
	return { subject: approval.subject, link, links };
}

/** Opens the approval page as the approver's browser does and posts the choice (field-0). */
async function decide(link: string, choice: string): Promise<void> {
	const page = await clickMailLink(link);
	expect(page).toContain('Approva e invia');
	expect(page).toContain('Rifiuta');
	await postFormPage(link, [choice]);
}

async function waitingExecutions(): Promise<number> {
	const response = await fetch(
		`${stack.n8n.baseUrl}/api/v1/executions?status=waiting&workflowId=${stack.n8n.workflowIds[0]}`,
		{ headers: { 'X-N8N-API-KEY': stack.n8n.apiKey } },
	);
	return ((await response.json()) as { data: unknown[] }).data.length;
}

test('#EMERGENZE: preview with the count, approval by a second person, one message each, summary email', async () => {
	const ids = await seed('EMERGENZE', 120);
	await stack.store.unsubscribe({ waId: ids[7] }, 'all', { at: new Date(), channel: 'whatsapp' });
	const preview = await sendThroughForm({
		list: 'EMERGENZE',
		message: 'Allerta meteo rossa: sottopassi chiusi fino alle 20.',
		broadcastId: 'allerta-e2e-1',
		sender: 'operatore@comune.rimini.it',
	});
	expect(preview).toContain('119');
	expect(preview).toContain('Allerta meteo rossa: sottopassi chiusi fino alle 20.');

	const approval = await approvalPage();
	expect(approval.subject).toContain('#EMERGENZE');
	expect(approval.subject).toContain('allerta-e2e-1');
	expect(stack.simulator.outbound()).toHaveLength(0); // nothing before the approval
	await decide(approval.link, 'Approva e invia');

	const summary = await stack.mailbox.waitForMessage({ to: 'operatore@comune.rimini.it' }, 60_000);
	expect(summary.subject).toContain('Avviso inviato');
	expect(summary.html).toContain('<b>119</b>');
	const sent = stack.simulator.outbound();
	const counts = recipientsOf(sent);
	expect(counts.size).toBe(119);
	expect([...counts.values()].every((n) => n === 1)).toBe(true);
	expect(counts.has(ids[7])).toBe(false);
	expect(sent[0].body).toMatchObject({
		type: 'template',
		template: {
			name: 'avviso_emergenza',
			components: [
				{
					type: 'body',
					parameters: [
						{ type: 'text', text: 'Allerta meteo rossa: sottopassi chiusi fino alle 20.' },
					],
				},
			],
		},
	});
}, 180_000);

test('#EMERGENZE refused by the second person: nothing is sent and the sender is told', async () => {
	await sendThroughForm({
		list: 'EMERGENZE',
		message: 'Prova da non inviare',
		broadcastId: 'allerta-e2e-rifiutata',
		sender: 'operatore@comune.rimini.it',
	});
	const approval = await approvalPage();
	await decide(approval.link, 'Rifiuta');
	const notice = await stack.mailbox.waitForMessage({ to: 'operatore@comune.rimini.it' }, 30_000);
	expect(notice.subject).toContain('non inviato');
	expect(notice.text).toContain('#EMERGENZE');
	expect(notice.text).toContain('rifiutato');
	expect(stack.simulator.outbound()).toHaveLength(0);
}, 120_000);

test('a mail scanner opening every link of the approval mail with a browser User-Agent approves nothing; the deliberate choice does', async () => {
	await seed('EMERGENZE', 5);
	const [active] = await stack.store.count({ list: 'EMERGENZE', state: 'active' });
	await sendThroughForm({
		list: 'EMERGENZE',
		message: 'Allerta: prova del filtro antivirus della posta',
		broadcastId: 'allerta-e2e-scanner',
		sender: 'operatore@comune.rimini.it',
	});
	const approval = await approvalPage();
	// What Safe Links, Mimecast or Proofpoint do before the approver sees the mail: GET every link,
	// as a browser (n8n's bot check does not stop them), also with the parameters a GET could carry.
	const opened = [
		...approval.links,
		...approval.links.map((href) => href.replace('approved=false', 'approved=true')),
		`${approval.link}&Decisione=${encodeURIComponent('Approva e invia')}`,
	];
	const answers = new Map<string, number>();
	for (const href of opened) {
		for (let attempt = 0; ; attempt++) {
			const response = await fetch(href, { headers: { 'User-Agent': BROWSER_USER_AGENT } });
			await response.text();
			answers.set(href, response.status);
			if (response.status === 200 || attempt > 20 || !href.includes('/webhook-waiting/')) break;
			await new Promise((resolve) => setTimeout(resolve, 500)); // not waiting yet: the scanner retries
		}
	}
	expect(answers.get(approval.link)).toBe(200); // the scanner reached the waiting execution
	await new Promise((resolve) => setTimeout(resolve, 5000));
	expect(stack.simulator.outbound()).toHaveLength(0);
	expect(stack.mailbox.messages({ to: 'operatore@comune.rimini.it' })).toHaveLength(0);
	expect(await waitingExecutions()).toBe(1);

	await decide(approval.link, 'Approva e invia');
	const summary = await stack.mailbox.waitForMessage({ to: 'operatore@comune.rimini.it' }, 60_000);
	expect(summary.subject).toContain('Avviso inviato');
	const counts = recipientsOf(stack.simulator.outbound());
	expect(counts.size).toBe(active.count);
	expect([...counts.values()].every((n) => n === 1)).toBe(true);
}, 180_000);

test('cancelled at the preview: nothing is sent, no email', async () => {
	await sendThroughForm({
		list: 'PUBBLICAUTILITA',
		message: 'Annullato',
		sender: 'operatore@comune.rimini.it',
		confirm: 'No, annulla',
	});
	await new Promise((resolve) => setTimeout(resolve, 2000));
	expect(stack.simulator.outbound()).toHaveLength(0);
	expect(stack.mailbox.messages()).toHaveLength(0);
}, 60_000);
