/**
 * `whatsurp-ingress` in front of a real n8n (single instance, SQLite store shared with n8n's nodes):
 * Meta's (the simulator's) webhooks go to the ingress; a citizen's message is queued, forwarded byte for
 * byte to the published workflows/inbound.json and answered; the statuses of the reply are recorded by
 * the ingress and never reach n8n. The outage case (n8n stopped) is ingressOutage.fault.test.ts. Both run
 * with the long suites (`npm run test:faults`): the ingress is optional, and `npm test` keeps to its time.
 */
import { openStore, type SubscriptionStore } from '../../nodes/core/store';
import { TEST_ACCOUNT } from '../helpers/cloudApi';
import { startIngressStack, type IngressStack } from '../helpers/ingressN8n';
import { textOf } from '../helpers/inboundN8n';
import { e2eSetup } from '../helpers/topology';

const setup = e2eSetup('ingress', 5718);
const INGRESS_PORT = 5719;
/** A Tuesday at 10:00 in Rome: the office is open. */
const TUESDAY_MORNING = '2026-03-03T10:00:00+01:00';
const FORWARDED = "L'abbiamo inoltrato agli operatori dell'URP del Comune di Rimini";
const LUCIA = { waId: '393339876543', name: 'Lucia Bianchi' };

let running: IngressStack;

/** Executions started by a webhook (a question also starts a waiting sub-execution for the operators' email). */
const webhookExecutions = async () =>
	(await running.stack.settledExecutions()).filter((e) => e.mode === 'webhook').length;
let store: SubscriptionStore;

jest.setTimeout(60_000);

beforeAll(async () => {
	running = await startIngressStack({
		setup,
		clockStart: TUESDAY_MORNING,
		ingressPort: INGRESS_PORT,
	});
	store = await openStore(setup.store);
}, 15 * 60_000);

afterAll(async () => {
	await store?.close();
	await running?.stop();
}, 60_000);

describe('the ingress in front of a real n8n', () => {
	test("Meta's handshake is answered by the ingress", async () => {
		const ok = await fetch(
			`${running.ingress.url}?hub.mode=subscribe&hub.verify_token=${TEST_ACCOUNT.verifyToken}&hub.challenge=4242`,
		);
		expect([ok.status, await ok.text()]).toEqual([200, '4242']);
	});

	test("a citizen's message goes through the ingress to the workflow and gets its reply; the reply's statuses stay in the ingress", async () => {
		const { stack, ingress } = running;
		const reply = await stack.writeAndAwaitReply({
			from: LUCIA,
			type: 'text',
			text: 'Dove si paga la TARI?',
		});
		expect(textOf(reply)).toContain(FORWARDED);
		// the reply's "sent" and "delivered" come back to the ingress and are recorded in the shared store
		expect(await webhookExecutions()).toBe(1);
		const metrics = await ingress.metrics();
		expect(metrics.forwarded_total).toBe(1);
		expect(metrics.queued_total).toBe(1);
		expect(metrics.statuses_total).toBeGreaterThanOrEqual(2);
		expect(metrics.queue_depth).toBe(0);
		const tally = (await store.statusTally())[0];
		expect(tally.sent + tally.delivered).toBe(metrics.statuses_total);
		// the statuses reached no n8n: still the one execution of the message
		expect(await webhookExecutions()).toBe(1);
		expect(ingress.logs()).not.toContain(LUCIA.waId);
	});

	test("Meta's redelivery of the message through the ingress is queued once and starts nothing", async () => {
		const { stack, ingress } = running;
		const before = await webhookExecutions();
		const sent = await stack.simulator.citizenSends({
			from: LUCIA,
			type: 'text',
			text: 'ISCRIZIONE ON #EMERGENZE',
			timestamp: stack.clock.seconds(),
		});
		expect(sent.status).toBe(200);
		const again = await stack.simulator.redeliver(sent.messageId);
		expect(again.status).toBe(200);
		const policy = await stack.nextReply(LUCIA.waId, 1);
		expect(textOf(policy)).toContain('#EMERGENZE');
		const metrics = await ingress.metrics();
		expect(metrics.duplicates_total).toBe(1);
		expect(metrics.forwarded_total).toBe(2);
		expect(await webhookExecutions()).toBe(before + 1);
	});
});
