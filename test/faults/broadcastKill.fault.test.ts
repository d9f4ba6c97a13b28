/**
 * The fault test of the broadcast engine (issue 5; in queue mode issue 7's): n8n killed half way through
 * a broadcast, restarted, the broadcast re-run with the same id — every active subscriber has the
 * message, nobody who unsubscribed does, duplicates at most the concurrency.
 *
 * In queue mode: 20,000 subscribers at 1,000 messages/s (the rate set in the workflow's Impostazioni, as
 * IT would for a region), and the crash is the worker running the broadcast, killed; a supervisor starts
 * a new worker and the staff re-run the broadcast with the same id.
 *
 * A long fault suite: `npm run test:faults` runs it (and .ci/run), not `npm test`.
 */
import { defaultConcurrency } from '../../nodes/core/broadcast';
import {
	FAULT_SIZE,
	RATE,
	broadcastSuite,
	crashDuringBroadcast,
	recipientsOf,
	recoverFromCrash,
	seed,
	sendThroughForm,
	waitUntil,
} from '../helpers/broadcastN8n';
import { inQueueMode } from '../helpers/topology';

const stack = broadcastSuite(
	'broadcast-kill',
	Number(process.env.WHATSURP_FAULT_BROADCAST_PORT ?? 5675),
);

test(`${inQueueMode ? 'the worker running it' : 'n8n'} killed half way through ${FAULT_SIZE} recipients: the re-run with the same id reaches everyone active once, nobody unsubscribed, duplicates ≤ concurrency`, async () => {
	const size = FAULT_SIZE;
	const ids = await seed('PUBBLICAUTILITA', size);
	// left before the broadcast
	await stack.store.unsubscribe({ waId: ids[3] }, 'all', { at: new Date(), channel: 'whatsapp' });
	await sendThroughForm({
		list: 'PUBBLICAUTILITA',
		message: 'Chiusura straordinaria della ZTL sabato.',
		broadcastId: 'ztl-e2e',
		sender: 'operatore@comune.rimini.it',
	});
	// ISCRIZIONE OFF during the broadcast, from citizens at the end of the key order (not yet reached)
	await waitUntil(() => stack.simulator.outbound().length >= 200, 30_000, '200 messages');
	const leaving = ids.slice(-10);
	for (const waId of leaving) {
		await stack.store.unsubscribe({ waId }, 'all', { at: new Date(), channel: 'whatsapp' });
	}
	await waitUntil(
		() => stack.simulator.outbound().length >= size / 2,
		60_000,
		'half of the broadcast',
	);
	const killed = await crashDuringBroadcast();
	const beforeCrash = stack.simulator.outbound().length;
	expect(beforeCrash).toBeLessThan(size - 100);
	// one more leaves while n8n is down
	await stack.store.unsubscribe({ waId: ids[size - 20] }, 'all', {
		at: new Date(),
		channel: 'whatsapp',
	});

	await recoverFromCrash();
	// the killed run's heartbeat must be stale (10 s) before the same id can be resumed
	await new Promise((resolve) => setTimeout(resolve, 11_000));
	stack.mailbox.clear();
	const preview = await sendThroughForm({
		list: 'PUBBLICAUTILITA',
		message: 'Chiusura straordinaria della ZTL sabato.',
		broadcastId: 'ztl-e2e',
		sender: 'operatore@comune.rimini.it',
	});
	expect(preview).toContain('già raggiunti');
	const summary = await stack.mailbox.waitForMessage({ to: 'operatore@comune.rimini.it' }, 90_000);
	expect(summary.subject).toContain('Avviso inviato');

	const counts = recipientsOf(stack.simulator.outbound());
	const unsubscribed = new Set([ids[3], ...leaving, ids[size - 20]]);
	const active = ids.filter((waId) => !unsubscribed.has(waId));
	for (const waId of active) expect(counts.get(waId) ?? 0).toBeGreaterThanOrEqual(1);
	for (const waId of unsubscribed) expect(counts.get(waId) ?? 0).toBe(0);
	const duplicates = [...counts.values()].filter((n) => n > 1);
	expect(duplicates.every((n) => n === 2)).toBe(true);
	expect(duplicates.length).toBeLessThanOrEqual(defaultConcurrency(RATE));
	console.log(
		`kill test (${stack.n8n.topology}, ${killed} killed): ${beforeCrash} accepted before the kill, ${stack.simulator.outbound().length} in all, ${duplicates.length} recipient(s) messaged twice (bound ${defaultConcurrency(RATE)})`,
	);
}, 300_000);
