/**
 * n8n killed while citizens write, with `whatsurp-ingress` in front (single instance, SQLite store):
 * the ingress answers Meta 200 for every message while n8n is gone (queued in the store, nothing lost),
 * keeps trying, and once n8n is back forwards each message exactly once, in order per citizen; every
 * citizen gets one reply per message.
 */
import { startIngressStack, type IngressStack } from '../helpers/ingressN8n';
import { textOf } from '../helpers/inboundN8n';
import { e2eSetup } from '../helpers/topology';

const setup = e2eSetup('ingress-outage', 5718);
const INGRESS_PORT = 5719;
const TUESDAY_MORNING = '2026-03-03T10:00:00+01:00';
const CITIZENS = [
	{ waId: '393330000101', name: 'Anna' },
	{ waId: '393330000102', name: 'Bruno' },
	{ waId: '393330000103', name: 'Carla' },
];

let running: IngressStack;

jest.setTimeout(10 * 60_000);

beforeAll(async () => {
	running = await startIngressStack({
		setup,
		clockStart: TUESDAY_MORNING,
		ingressPort: INGRESS_PORT,
	});
}, 15 * 60_000);

afterAll(async () => {
	await running?.stop();
}, 60_000);

test('n8n killed for a while: every message is acknowledged, kept and forwarded once when n8n is back', async () => {
	const { stack, ingress } = running;
	// n8n is up: one message through, as usual
	const first = await stack.writeAndAwaitReply({
		from: CITIZENS[0],
		type: 'text',
		text: 'Buongiorno',
	});
	expect(textOf(first)).not.toBe('');
	const repliesBefore = new Map(
		CITIZENS.map((c) => [c.waId, stack.simulator.outbound({ to: c.waId }).length]),
	);
	const forwardedBefore = (await ingress.metrics()).forwarded_total;

	await stack.n8n.kill();
	const sentAt = Date.now();
	// per citizen: the subscription, then its cancellation (in the other order the replies differ)
	for (const [round, text] of [
		[1, 'ISCRIZIONE ON #EMERGENZE'],
		[2, 'ISCRIZIONE OFF'],
	] as const)
		for (const citizen of CITIZENS) {
			const sent = await stack.simulator.citizenSends({
				from: citizen,
				type: 'text',
				text,
				timestamp: stack.clock.seconds() + round,
			});
			expect(sent.status).toBe(200);
		}
	// n8n stays down a while; the ingress keeps everything and counts its failed attempts
	await new Promise((resolve) => setTimeout(resolve, 20_000));
	const down = await ingress.metrics();
	expect(down.queue_depth).toBe(6);
	const text = await (await fetch(`${ingress.url}metrics`)).text();
	expect(Number(/forward_failures_total\{kind="network"\} (\d+)/.exec(text)![1])).toBeGreaterThan(
		0,
	);
	expect(down.oldest_waiting_seconds).toBeGreaterThanOrEqual(15);

	await stack.startN8nAgain();
	const outageSeconds = (Date.now() - sentAt) / 1000;
	// every citizen gets both answers (the back-off may wait up to a minute after n8n returns)
	for (const citizen of CITIZENS) {
		await stack.nextReply(citizen.waId, repliesBefore.get(citizen.waId)! + 1, 150_000);
	}
	const after = await ingress.metrics();
	expect(after.queue_depth).toBe(0);
	expect(after.forwarded_total - forwardedBefore).toBe(6);
	// nothing more comes: each message was processed once
	await stack.settledExecutions();
	const replies = CITIZENS.map((citizen) =>
		stack.simulator
			.outbound({ to: citizen.waId })
			.slice(repliesBefore.get(citizen.waId)!)
			.map((r) => [citizen.name, r.body.type, textOf(r).slice(0, 60)]),
	);
	expect(replies).toEqual(
		CITIZENS.map((citizen) => [
			[citizen.name, 'interactive', expect.stringContaining('#EMERGENZE')],
			[citizen.name, 'text', expect.stringMatching(/^Iscrizione cancellata/)],
		]),
	);
	process.stdout.write(
		`n8n down for ${outageSeconds.toFixed(0)} s; queue drained after it returned\n`,
	);
});
