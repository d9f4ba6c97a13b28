/**
 * The WhatsUrp Trigger's webhook method with a recorded HTTP exchange: what it answers Meta and what it
 * starts. The real HTTP path (n8n's body parser, executions) is covered by test/e2e/whatsapp.e2e.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { toMetaJson } from '../../nodes/core/whatsapp/metaJson';
import { computeSignature } from '../../nodes/core/whatsapp/signature';
import { CREDENTIAL_TTL_MS } from '../../nodes/shared/credentialCache';
import { WhatsUrpTrigger } from '../../nodes/WhatsUrpTrigger/WhatsUrpTrigger.node';

const CREDENTIAL = {
	appSecret: 'secret-1',
	verifyToken: 'verify-me',
	accessToken: 'x',
	phoneNumberId: '1',
};

interface Exchange {
	status?: number;
	body?: unknown;
	ended: boolean;
}

function textWebhook(id: string, text = 'Buongiorno, a che ora apre l’URP?'): object {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: 'waba',
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: '390541704704', phone_number_id: '1' },
							contacts: [{ profile: { name: 'Maria Rossi' }, wa_id: '393331234567' }],
							messages: [
								{
									from: '393331234567',
									id,
									timestamp: '1772528400',
									type: 'text',
									text: { body: text },
								},
							],
						},
					},
				],
			},
		],
	};
}

function context(options: {
	webhook: 'setup' | 'default';
	query?: IDataObject;
	body?: Buffer;
	signature?: string;
	parameters?: IDataObject;
	storePath?: string;
	/** The WhatsApp credential's id in the workflow (the trigger caches decrypted credentials by id). */
	credentialId?: string;
	/** Counts credential reads. */
	reads?: string[];
}): { fns: IWebhookFunctions; exchange: Exchange; warnings: string[] } {
	const exchange: Exchange = { ended: false };
	const warnings: string[] = [];
	const response = {
		status(code: number) {
			exchange.status = code;
			return response;
		},
		type() {
			return response;
		},
		send(body: unknown) {
			exchange.body = body;
			return response;
		},
		json(body: unknown) {
			exchange.body = body;
			return response;
		},
		end() {
			exchange.ended = true;
			return response;
		},
	};
	const parameters: IDataObject = {
		updates: 'both',
		deduplication: 'memory',
		options: {},
		...options.parameters,
	};
	const fns = {
		getWebhookName: () => options.webhook,
		getResponseObject: () => response,
		getRequestObject: () => ({ rawBody: options.body, readRawBody: async () => undefined }),
		getHeaderData: () => (options.signature ? { 'x-hub-signature-256': options.signature } : {}),
		getQueryData: () => options.query ?? {},
		getNode: () => ({
			credentials: {
				whatsAppCloudApi: { id: options.credentialId ?? 'wa-1', name: 'WhatsApp URP' },
				whatsUrpStore: { id: `store-${options.storePath ?? 'none'}`, name: 'Archivio' },
			},
		}),
		getCredentials: async (type: string) => {
			options.reads?.push(type);
			return type === 'whatsUrpStore' ? { backend: 'sqlite', path: options.storePath } : CREDENTIAL;
		},
		getNodeParameter: (name: string, fallback: unknown) => {
			const value = name
				.split('.')
				.reduce<unknown>((at, key) => (at as IDataObject | undefined)?.[key], parameters);
			return value === undefined ? fallback : value;
		},
		logger: {
			warn: (line: string) => warnings.push(line),
			info: () => undefined,
			debug: () => undefined,
			error: () => undefined,
		},
	} as unknown as IWebhookFunctions;
	return { fns, exchange, warnings };
}

const trigger = new WhatsUrpTrigger();

function signedBody(payload: object): { body: Buffer; signature: string } {
	const body = Buffer.from(toMetaJson(payload));
	return { body, signature: computeSignature(body, CREDENTIAL.appSecret) };
}

describe('WhatsUrp Trigger: handshake (GET)', () => {
	test('the right verify token gets the bare challenge', async () => {
		const { fns, exchange } = context({
			webhook: 'setup',
			query: {
				'hub.mode': 'subscribe',
				'hub.verify_token': 'verify-me',
				'hub.challenge': '1158201444',
			},
		});
		const result = await trigger.webhook.call(fns);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(exchange).toEqual({ status: 200, body: '1158201444', ended: true });
	});

	test('a wrong verify token gets 403 and no challenge', async () => {
		const { fns, exchange, warnings } = context({
			webhook: 'setup',
			query: {
				'hub.mode': 'subscribe',
				'hub.verify_token': 'guess',
				'hub.challenge': '1158201444',
			},
		});
		await trigger.webhook.call(fns);
		expect(exchange.status).toBe(403);
		expect(exchange.body).not.toContain('1158201444');
		expect(warnings.join()).toMatch(/handshake refused/);
	});
});

describe('WhatsUrp Trigger: updates (POST)', () => {
	test('a signed message starts one item, normalised', async () => {
		const { body, signature } = signedBody(textWebhook('wamid.T1'));
		const { fns, exchange } = context({ webhook: 'default', body, signature });
		const result = await trigger.webhook.call(fns);
		expect(exchange.status).toBeUndefined(); // n8n answers 200 itself when an execution starts
		expect(result.workflowData?.[0]).toHaveLength(1);
		expect(result.workflowData?.[0][0].json).toMatchObject({
			event: 'message',
			messageId: 'wamid.T1',
			from: { waId: '393331234567', name: 'Maria Rossi' },
			text: 'Buongiorno, a che ora apre l’URP?',
			timestamp: '2026-03-03T09:00:00.000Z',
		});
	});

	test('a forged signature gets 401 and starts nothing', async () => {
		const { body } = signedBody(textWebhook('wamid.T2'));
		const { fns, exchange } = context({
			webhook: 'default',
			body,
			signature: computeSignature(body, 'stolen'),
		});
		const result = await trigger.webhook.call(fns);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(exchange.status).toBe(401);
	});

	test('a statuses-only trigger starts nothing for a message, and says so with 200', async () => {
		const { body, signature } = signedBody(textWebhook('wamid.T3'));
		const { fns, exchange } = context({
			webhook: 'default',
			body,
			signature,
			parameters: { updates: 'statuses' },
		});
		const result = await trigger.webhook.call(fns);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(exchange).toMatchObject({ status: 200, body: { received: true, started: false } });
	});

	test('with the store: a redelivered message starts nothing, recognised through the store', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'whatsurp-trigger-'));
		try {
			const storePath = join(folder, 'store.sqlite');
			const { body, signature } = signedBody(textWebhook('wamid.T4'));
			const first = context({
				webhook: 'default',
				body,
				signature,
				storePath,
				parameters: { deduplication: 'store' },
			});
			expect((await trigger.webhook.call(first.fns)).workflowData?.[0]).toHaveLength(1);
			// a second node instance: only the store can recognise the message
			const second = context({
				webhook: 'default',
				body,
				signature,
				storePath,
				parameters: { deduplication: 'store' },
			});
			expect(await new WhatsUrpTrigger().webhook.call(second.fns)).toEqual({
				noWebhookResponse: true,
			});
			expect(second.exchange).toMatchObject({ status: 200, body: { started: false } });
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	test('deduplication off: the same delivery starts twice', async () => {
		const { body, signature } = signedBody(textWebhook('wamid.T5'));
		for (let i = 0; i < 2; i++) {
			const { fns } = context({
				webhook: 'default',
				body,
				signature,
				parameters: { deduplication: 'off' },
			});
			expect((await trigger.webhook.call(fns)).workflowData?.[0]).toHaveLength(1);
		}
	});
});

describe('WhatsUrp Trigger: credentials', () => {
	test('decrypted credentials are read once per credential and 10 s, not per webhook', async () => {
		const reads: string[] = [];
		const { body, signature } = signedBody(textWebhook('wamid.cache-1'));
		for (let i = 0; i < 3; i++) {
			const { fns, exchange } = context({
				webhook: 'default',
				body,
				signature,
				credentialId: 'wa-cache-test',
				reads,
			});
			await trigger.webhook.call(fns);
			expect(exchange.status ?? 200).toBe(200);
		}
		expect(reads).toEqual(['whatsAppCloudApi']);
		expect(CREDENTIAL_TTL_MS).toBe(10_000);
		// another credential (another id) is read on its own
		const { fns } = context({
			webhook: 'default',
			body,
			signature,
			credentialId: 'wa-cache-other',
			reads,
		});
		await trigger.webhook.call(fns);
		expect(reads).toEqual(['whatsAppCloudApi', 'whatsAppCloudApi']);
	});
});
