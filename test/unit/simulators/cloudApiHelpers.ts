/** Shared set-up for the Cloud API simulator tests: a simulator and a tiny webhook receiver. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	startCloudApiSimulator,
	type CloudApiSimulator,
	type CloudApiSimulatorOptions,
} from '../../../dev/simulators/cloudApi/server';

export const TOKEN = 'EAAtest-token';
export const APP_SECRET = 'app-secret-for-tests';
export const PHONE_ID = '106540352242922';
export const CITIZEN = '393331234567';

export function startSimulator(
	options: Partial<CloudApiSimulatorOptions> = {},
): Promise<CloudApiSimulator> {
	return startCloudApiSimulator({
		accessToken: TOKEN,
		appSecret: APP_SECRET,
		phoneNumberId: PHONE_ID,
		displayPhoneNumber: '390541704111',
		statusDelaysMs: { delivered: 20, read: 40 },
		...options,
	});
}

export interface ReceivedWebhook {
	raw: Buffer;
	headers: IncomingHttpHeaders;
}

export interface WebhookReceiver {
	url: string;
	received: ReceivedWebhook[];
	/** status the receiver answers */
	answer: number;
	close(): Promise<void>;
}

export async function startReceiver(): Promise<WebhookReceiver> {
	const receiver: WebhookReceiver = {
		url: '',
		received: [],
		answer: 200,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			receiver.received.push({ raw: Buffer.concat(chunks), headers: request.headers });
			response.writeHead(receiver.answer).end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
	return receiver;
}

/**
 * JSON answers and webhook bodies, read loosely: a typed model of each would only restate Meta's spec,
 * which the simulator already validates against.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: CITIZEN };

export async function post(
	sim: CloudApiSimulator,
	body: unknown,
	options: { token?: string | null; path?: string; raw?: string; contentType?: string } = {},
): Promise<{ status: number; json: Json }> {
	const headers: Record<string, string> = {
		'content-type': options.contentType ?? 'application/json',
	};
	const token = options.token === undefined ? TOKEN : options.token;
	if (token !== null) headers.authorization = `Bearer ${token}`;
	const answer = await fetch(sim.baseUrl + (options.path ?? `/v23.0/${PHONE_ID}/messages`), {
		method: 'POST',
		headers,
		body: options.raw ?? JSON.stringify(body),
	});
	return { status: answer.status, json: await answer.json() };
}

export async function get(
	url: string,
	token: string | null = TOKEN,
): Promise<{ status: number; json: Json; headers: Headers }> {
	const answer = await fetch(url, {
		headers: token === null ? {} : { authorization: `Bearer ${token}` },
	});
	const text = await answer.text();
	let json: unknown = text;
	try {
		json = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: answer.status, json, headers: answer.headers };
}

/** Polls `condition` every 10 ms until it holds (timers may run late on a loaded machine). */
export async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
