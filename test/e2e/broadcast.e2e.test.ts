/**
 * The staff's broadcast workflow (workflows/broadcast.json) on a real n8n: the form, the preview, the
 * second person's approval by email for #EMERGENZE, the broadcast through the Cloud API simulator and
 * the summary email; and the fault test of issue 5: n8n killed half way through a broadcast, restarted,
 * the broadcast re-run with the same id — every active subscriber has the message, nobody who
 * unsubscribed does, duplicates at most the concurrency.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ensureN8nInstalled } from '../../dev/n8n/install';
import { startN8n, type CredentialSpec, type N8nInstance } from '../../dev/n8n/launcher';
import type { CloudApiSimulator } from '../../dev/simulators/cloudApi/server';
import { startMailbox } from '../../dev/simulators/mailbox/server';
import type { Mailbox } from '../../dev/simulators/mailbox/types';
import { defaultConcurrency } from '../../nodes/core/broadcast';
import { openStore, type SubscriptionStore } from '../../nodes/core/store';
import { TEST_ACCOUNT, startTestSimulator } from '../helpers/cloudApi';
import {
	clickMailLink,
	completeForm,
	getFormPage,
	postFormPage,
	submitForm,
	waitForFormStatus,
} from '../helpers/n8nForms';

const repo = join(__dirname, '../..');
const port = Number(process.env.WHATSURP_E2E_BROADCAST_PORT ?? 5691);
const stateDir = join(repo, '.state/e2e-broadcast');
const storePath = join(stateDir, 'store.sqlite');
const workflow = JSON.parse(readFileSync(join(repo, 'workflows/broadcast.json'), 'utf8')) as object;
const FORM_AUTH = { user: 'urp', password: 'e2e-avvisi' };
const RATE = 80; // the workflow's Impostazioni
const CONSENT = new Date('2026-01-10T10:00:00Z');

let n8n: N8nInstance;
let simulator: CloudApiSimulator;
let mailbox: Mailbox;
let store: SubscriptionStore;

function credentials(): CredentialSpec[] {
	return [
		{
			name: 'WhatsApp URP',
			type: 'whatsAppCloudApi',
			data: { ...TEST_ACCOUNT, businessAccountId: '', baseUrl: simulator.baseUrl },
		},
		{
			name: 'Archivio iscrizioni',
			type: 'whatsUrpStore',
			data: { backend: 'sqlite', path: storePath },
		},
		{
			name: 'Casella URP (SMTP)',
			type: 'smtp',
			data: {
				user: '',
				password: '',
				host: '127.0.0.1',
				port: mailbox.smtpPort,
				secure: false,
				disableStartTls: true,
			},
		},
		{ name: 'Accesso modulo avvisi', type: 'httpBasicAuth', data: FORM_AUTH },
	];
}

async function startOrRestart(fresh: boolean): Promise<void> {
	n8n = await startN8n({
		packageDir: repo,
		stateDir,
		port,
		fresh,
		credentials: credentials(),
		workflows: [workflow],
	});
}

function waIdOf(list: string, i: number): string {
	return `39${list === 'EMERGENZE' ? '331' : '332'}${String(i).padStart(7, '0')}`;
}

async function seed(list: string, count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const waId = waIdOf(list, i);
		ids.push(waId);
		await store.importSubscriber(
			{ citizen: { waId }, lists: [list], consentAt: CONSENT, policyVersion: '2026-01' },
			{ at: CONSENT, channel: 'import' },
		);
	}
	return ids;
}

/** Form page 1 → preview → confirm → completion; returns the preview page's HTML. */
async function sendThroughForm(fields: {
	list: string;
	message: string;
	broadcastId?: string;
	sender: string;
	confirm?: string;
}): Promise<string> {
	const waitingUrl = await submitForm(
		n8n.baseUrl,
		'avviso-whatsapp',
		[fields.list, 'avviso_emergenza', fields.message, fields.broadcastId ?? '', fields.sender],
		FORM_AUTH,
	);
	await waitForFormStatus(waitingUrl);
	const preview = await getFormPage(waitingUrl);
	await postFormPage(waitingUrl, [undefined, fields.confirm ?? 'Sì, invia']);
	await completeForm(waitingUrl);
	return preview;
}

function recipientsOf(body: { to?: string }[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const message of body) counts.set(message.to ?? '', (counts.get(message.to ?? '') ?? 0) + 1);
	return counts;
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

beforeAll(async () => {
	await ensureN8nInstalled();
	simulator = await startTestSimulator({
		throughput: { perSecond: RATE },
		statusDelaysMs: { delivered: 20, read: null },
	});
	mailbox = await startMailbox({});
	await startOrRestart(true);
	store = await openStore({ backend: 'sqlite', path: storePath });
}, 15 * 60_000);

afterAll(async () => {
	await store?.close();
	await n8n?.stop();
	await mailbox?.stop();
	await simulator?.stop();
}, 60_000);

beforeEach(() => {
	simulator.reset();
	mailbox.clear();
});

test('#EMERGENZE: preview with the count, approval by a second person, one message each, summary email', async () => {
	const ids = await seed('EMERGENZE', 120);
	await store.unsubscribe({ waId: ids[7] }, 'all', { at: new Date(), channel: 'whatsapp' });
	const preview = await sendThroughForm({
		list: 'EMERGENZE',
		message: 'Allerta meteo rossa: sottopassi chiusi fino alle 20.',
		broadcastId: 'allerta-e2e-1',
		sender: 'operatore@comune.rimini.it',
	});
	expect(preview).toContain('119');
	expect(preview).toContain('Allerta meteo rossa: sottopassi chiusi fino alle 20.');

	const approval = await mailbox.waitForMessage(
		{ to: 'responsabile.urp@comune.rimini.it' },
		20_000,
	);
	expect(approval.subject).toContain('allerta-e2e-1');
	expect(simulator.outbound()).toHaveLength(0); // nothing before the approval
	const approve = mailbox.links(approval).find((href) => href.includes('approved=true'))!;
	await clickMailLink(approve);

	const summary = await mailbox.waitForMessage({ to: 'operatore@comune.rimini.it' }, 60_000);
	expect(summary.subject).toContain('Avviso inviato');
	expect(summary.html).toContain('<b>119</b>');
	const sent = simulator.outbound();
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
	const approval = await mailbox.waitForMessage(
		{ to: 'responsabile.urp@comune.rimini.it' },
		20_000,
	);
	await clickMailLink(mailbox.links(approval).find((href) => href.includes('approved=false'))!);
	const notice = await mailbox.waitForMessage({ to: 'operatore@comune.rimini.it' }, 30_000);
	expect(notice.subject).toContain('non inviato');
	expect(notice.text).toContain('rifiutato');
	expect(simulator.outbound()).toHaveLength(0);
}, 120_000);

test('cancelled at the preview: nothing is sent, no email', async () => {
	await sendThroughForm({
		list: 'PUBBLICAUTILITA',
		message: 'Annullato',
		sender: 'operatore@comune.rimini.it',
		confirm: 'No, annulla',
	});
	await new Promise((resolve) => setTimeout(resolve, 2000));
	expect(simulator.outbound()).toHaveLength(0);
	expect(mailbox.messages()).toHaveLength(0);
}, 60_000);

test('n8n killed half way: the re-run with the same id reaches everyone active once, nobody unsubscribed, duplicates ≤ concurrency', async () => {
	const size = 1600;
	const ids = await seed('PUBBLICAUTILITA', size);
	// left before the broadcast
	await store.unsubscribe({ waId: ids[3] }, 'all', { at: new Date(), channel: 'whatsapp' });
	await sendThroughForm({
		list: 'PUBBLICAUTILITA',
		message: 'Chiusura straordinaria della ZTL sabato.',
		broadcastId: 'ztl-e2e',
		sender: 'operatore@comune.rimini.it',
	});
	// ISCRIZIONE OFF during the broadcast, from citizens at the end of the key order (not yet reached)
	await waitUntil(() => simulator.outbound().length >= 200, 30_000, '200 messages');
	const leaving = ids.slice(-10);
	for (const waId of leaving) {
		await store.unsubscribe({ waId }, 'all', { at: new Date(), channel: 'whatsapp' });
	}
	await waitUntil(() => simulator.outbound().length >= size / 2, 60_000, 'half of the broadcast');
	await n8n.kill();
	const beforeCrash = simulator.outbound().length;
	expect(beforeCrash).toBeLessThan(size - 100);
	// one more leaves while n8n is down
	await store.unsubscribe({ waId: ids[size - 20] }, 'all', { at: new Date(), channel: 'whatsapp' });

	await startOrRestart(false);
	// the killed run's heartbeat must be stale (10 s) before the same id can be resumed
	await new Promise((resolve) => setTimeout(resolve, 11_000));
	mailbox.clear();
	const preview = await sendThroughForm({
		list: 'PUBBLICAUTILITA',
		message: 'Chiusura straordinaria della ZTL sabato.',
		broadcastId: 'ztl-e2e',
		sender: 'operatore@comune.rimini.it',
	});
	expect(preview).toContain('già raggiunti');
	const summary = await mailbox.waitForMessage({ to: 'operatore@comune.rimini.it' }, 90_000);
	expect(summary.subject).toContain('Avviso inviato');

	const counts = recipientsOf(simulator.outbound());
	const unsubscribed = new Set([ids[3], ...leaving, ids[size - 20]]);
	const active = ids.filter((waId) => !unsubscribed.has(waId));
	for (const waId of active) expect(counts.get(waId) ?? 0).toBeGreaterThanOrEqual(1);
	for (const waId of unsubscribed) expect(counts.get(waId) ?? 0).toBe(0);
	const duplicates = [...counts.values()].filter((n) => n > 1);
	expect(duplicates.every((n) => n === 2)).toBe(true);
	expect(duplicates.length).toBeLessThanOrEqual(defaultConcurrency(RATE));
	console.log(
		`kill test: ${beforeCrash} accepted before the kill, ${simulator.outbound().length} in all, ${duplicates.length} recipient(s) messaged twice (bound ${defaultConcurrency(RATE)})`,
	);
}, 300_000);
