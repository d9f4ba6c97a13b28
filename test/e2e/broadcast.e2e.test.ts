/**
 * The staff's broadcast workflow (workflows/broadcast.json) on a real n8n: the form, the preview, the
 * second person's approval by email for #EMERGENZE, the broadcast through the Cloud API simulator and
 * the summary email. The fault test (n8n or a worker killed half way through a broadcast) is in
 * test/faults/broadcastKill.fault.test.ts.
 */
import { clickMailLink } from '../helpers/n8nForms';
import { broadcastSuite, recipientsOf, seed, sendThroughForm } from '../helpers/broadcastN8n';

const stack = broadcastSuite('broadcast', Number(process.env.WHATSURP_E2E_BROADCAST_PORT ?? 5691));

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

	const approval = await stack.mailbox.waitForMessage(
		{ to: 'responsabile.urp@comune.rimini.it' },
		20_000,
	);
	expect(approval.subject).toContain('allerta-e2e-1');
	expect(stack.simulator.outbound()).toHaveLength(0); // nothing before the approval
	const approve = stack.mailbox.links(approval).find((href) => href.includes('approved=true'))!;
	await clickMailLink(approve);

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
	const approval = await stack.mailbox.waitForMessage(
		{ to: 'responsabile.urp@comune.rimini.it' },
		20_000,
	);
	await clickMailLink(
		stack.mailbox.links(approval).find((href) => href.includes('approved=false'))!,
	);
	const notice = await stack.mailbox.waitForMessage({ to: 'operatore@comune.rimini.it' }, 30_000);
	expect(notice.subject).toContain('non inviato');
	expect(notice.text).toContain('rifiutato');
	expect(stack.simulator.outbound()).toHaveLength(0);
}, 120_000);

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
