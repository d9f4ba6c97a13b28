/**
 * The Cloud API simulator for `npm run bench:aftermath` (aftermath.ts), in a process of its own like
 * simulatorProcess.ts, with two additions the benchmark needs:
 * - a clock: the simulator's `now()` runs at real speed from `clockStart` (a Tuesday 10:00 in Rome), so
 *   citizens' message timestamps fall in office hours and the 24-hour window and statuses agree with it
 *   (a function cannot travel in simulatorProcess.ts's JSON options);
 * - when each webhook POST was answered: the simulator records when a POST started (`at`) and its
 *   answer, not when the answer came. Every 10 ms this process notes the deliveries answered since
 *   the last look (in-process, cheap: only the deliveries after the oldest unanswered one are read).
 * A second HTTP server serves `GET /deliveries` (every delivery without its body, times in real epoch
 * ms) and `POST /reset` (the simulator's reset and the tracker's).
 *
 * argv[2]: JSON `{ options: CloudApiSimulatorOptions, clockStart: epoch ms }`. Prints
 * `READY <simulator base URL> <tracker base URL> <clock offset ms>`; runs until SIGTERM or stdin ends.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	startCloudApiSimulator,
	type CloudApiSimulatorOptions,
} from '../simulators/cloudApi/server';

/** A webhook POST as aftermath.ts reads it. */
export interface TrackedDelivery {
	index: number;
	kind: string;
	messageIds: string[];
	/** receiver's HTTP status; null when none came (error) or not yet */
	status: number | null;
	error?: string;
	/** real epoch ms the POST started */
	startedAt: number;
	/** real epoch ms the answer (or the error) was noticed; null while in flight */
	answeredAt: number | null;
}

async function main(): Promise<void> {
	const input = JSON.parse(process.argv[2] ?? '{}') as {
		options: CloudApiSimulatorOptions;
		clockStart?: number;
	};
	const offset = input.clockStart === undefined ? 0 : input.clockStart - Date.now();
	const simulator = await startCloudApiSimulator({
		...input.options,
		now: () => Date.now() + offset,
	});
	const deliveries = simulator.webhookDeliveries;
	let answeredAt: number[] = [];
	let cursor = 0;
	const track = () => {
		if (deliveries.length < cursor) {
			answeredAt = [];
			cursor = 0;
		}
		const now = Date.now();
		for (let i = cursor; i < deliveries.length; i++) {
			const d = deliveries[i];
			if (answeredAt[i] === undefined && (d.status !== null || d.error !== undefined))
				answeredAt[i] = now;
		}
		while (cursor < deliveries.length && answeredAt[cursor] !== undefined) cursor++;
	};
	const tracker = setInterval(track, 10);
	const server = createServer((request, response) => {
		const send = (status: number, body: unknown) => {
			response.writeHead(status, { 'content-type': 'application/json' });
			response.end(JSON.stringify(body));
		};
		if (request.method === 'GET' && request.url === '/deliveries') {
			track();
			const list: TrackedDelivery[] = deliveries.map((d, i) => ({
				index: i,
				kind: d.kind,
				messageIds: d.messageIds,
				status: d.status,
				...(d.error === undefined ? {} : { error: d.error }),
				startedAt: d.at - offset,
				answeredAt: answeredAt[i] ?? null,
			}));
			return send(200, list);
		}
		if (request.method === 'POST' && request.url === '/reset') {
			simulator.reset();
			answeredAt = [];
			cursor = 0;
			return send(200, { ok: true });
		}
		send(404, { error: 'unknown' });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	process.stdout.write(`READY ${simulator.baseUrl} http://127.0.0.1:${port} ${offset}\n`);
	const stop = () => {
		clearInterval(tracker);
		server.close();
		server.closeAllConnections();
		void simulator.stop().finally(() => process.exit(0));
	};
	process.on('SIGTERM', stop);
	process.stdin.on('end', stop);
	process.stdin.resume();
}

void main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
