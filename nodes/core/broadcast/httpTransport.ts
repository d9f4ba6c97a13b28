/**
 * A keep-alive HTTP(S) client for a broadcast's POST /messages: one connection pool per broadcast,
 * as many sockets as requests in flight, JSON in and out. n8n's own helper (axios) costs about a
 * millisecond of CPU per request and opens connections it does not reuse, which caps a broadcast
 * well below Meta's 1,000 messages/s on two cores; this client keeps it at the configured rate.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

import type { SendAnswer, Transport } from './engine';

/** Largest answer body read (Meta's answers are a few hundred bytes; anything bigger is cut). */
export const MAX_ANSWER_BYTES = 64 * 1024;

export interface JsonTransport {
	send: Transport;
	/** Closes the pooled connections. */
	close(): void;
}

export function createJsonTransport(
	url: string,
	options: { headers: Record<string, string>; maxSockets: number; timeoutMs?: number },
): JsonTransport {
	const target = new URL(url);
	const secure = target.protocol === 'https:';
	if (!secure && target.protocol !== 'http:') throw new TypeError(`Not an http(s) URL: ${url}`);
	const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, keepAliveMsecs: 5000 };
	const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
	const send = secure ? httpsRequest : httpRequest;
	const timeoutMs = options.timeoutMs ?? 30_000;

	const post: Transport = (payload) =>
		new Promise<SendAnswer>((resolve, reject) => {
			const body = Buffer.from(JSON.stringify(payload));
			const req = send(
				target,
				{
					method: 'POST',
					agent,
					headers: {
						...options.headers,
						'Content-Type': 'application/json',
						'Content-Length': String(body.length),
						Accept: 'application/json',
					},
				},
				(res: IncomingMessage) => {
					const chunks: Buffer[] = [];
					let size = 0;
					res.on('data', (chunk: Buffer) => {
						size += chunk.length;
						if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
					});
					res.on('end', () =>
						resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
					);
					res.on('error', reject);
				},
			);
			req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
			req.on('error', reject);
			req.end(body);
		});

	return { send: post, close: () => agent.destroy() };
}
