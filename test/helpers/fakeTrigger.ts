/**
 * A real HTTP server standing in for n8n's WhatsUrp Trigger URL in the ingress's tests: records every
 * POST (raw bytes and headers) and answers as the test says (a status, or no answer at all).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
	body: Buffer;
	headers: IncomingHttpHeaders;
	at: number;
}

export type Behaviour = (received: Received, index: number) => number | 'hang' | Promise<number>;

export class FakeTrigger {
	readonly received: Received[] = [];
	behaviour: Behaviour = () => 200;
	private server: Server | null = null;
	private readonly hanging = new Set<() => void>();

	constructor(readonly port: number) {}

	get url(): string {
		return `http://127.0.0.1:${this.port}/webhook/whatsurp/webhook`;
	}

	async start(): Promise<void> {
		const server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const received = { body: Buffer.concat(chunks), headers: req.headers, at: Date.now() };
				const index = this.received.push(received) - 1;
				void Promise.resolve(this.behaviour(received, index)).then((status) => {
					if (status === 'hang') {
						this.hanging.add(() => res.destroy());
						return;
					}
					res.writeHead(status, { 'content-type': 'application/json' });
					res.end('{"message":"Workflow was started"}');
				});
			});
		});
		await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
		this.server = server;
		expect((server.address() as AddressInfo).port).toBe(this.port);
	}

	async stop(): Promise<void> {
		for (const end of this.hanging) end();
		this.hanging.clear();
		const server = this.server;
		this.server = null;
		if (server === null) return;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}
}

/** Polls until `check` is true (or fails after `timeoutMs`). */
export async function until(
	check: () => boolean | Promise<boolean>,
	timeoutMs = 10_000,
	what = 'condition',
): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
