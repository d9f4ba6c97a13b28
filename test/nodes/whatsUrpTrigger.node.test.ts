/**
 * The WhatsUrp Trigger's webhook method with a recorded HTTP exchange: what it answers Meta and what it
 * starts, and what it records in a real store (SQLite) by itself. The real HTTP path (n8n's body
 * parser, executions) is covered by test/e2e/whatsapp.e2e.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	NodeHelpers,
	type IDataObject,
	type INodeParameters,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { openStore, type SubscriptionStore } from '../../nodes/core/store';
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
	/** The store credential's fields instead of SQLite at storePath. */
	storeCredential?: IDataObject;
	/** The WhatsApp credential's id in the workflow (the trigger caches decrypted credentials by id). */
	credentialId?: string;
	/** The node has no store credential at all. */
	noStoreCredential?: boolean;
	/** Reading the WhatsApp credential fails. */
	credentialFails?: boolean;
	/** Counts credential reads. */
	reads?: string[];
}): { fns: IWebhookFunctions; exchange: Exchange; warnings: string[]; logs: string[] } {
	const exchange: Exchange = { ended: false };
	const warnings: string[] = [];
	/** Every log line, whatever its level. */
	const logs: string[] = [];
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
		deliveryStatuses: 'start',
		deduplication: 'memory',
		options: {},
		...options.parameters,
	};
	const storeCredentialId = `store-${options.storeCredential ? JSON.stringify(options.storeCredential) : (options.storePath ?? 'none')}`;
	const fns = {
		getWebhookName: () => options.webhook,
		getResponseObject: () => response,
		getRequestObject: () => ({ rawBody: options.body, readRawBody: async () => undefined }),
		getHeaderData: () => (options.signature ? { 'x-hub-signature-256': options.signature } : {}),
		getQueryData: () => options.query ?? {},
		getNode: () => ({
			credentials: {
				whatsAppCloudApi: { id: options.credentialId ?? 'wa-1', name: 'WhatsApp URP' },
				...(options.noStoreCredential
					? {}
					: { whatsUrpStore: { id: storeCredentialId, name: 'Archivio' } }),
			},
		}),
		getCredentials: async (type: string) => {
			options.reads?.push(type);
			if (type === 'whatsUrpStore') {
				if (options.noStoreCredential)
					throw new Error('Node does not have any credentials set for "whatsUrpStore"');
				return options.storeCredential ?? { backend: 'sqlite', path: options.storePath };
			}
			if (options.credentialFails) throw new Error('Credentials could not be decrypted');
			return CREDENTIAL;
		},
		getNodeParameter: (name: string, fallback: unknown) => {
			const value = name
				.split('.')
				.reduce<unknown>((at, key) => (at as IDataObject | undefined)?.[key], parameters);
			return value === undefined ? fallback : value;
		},
		logger: {
			warn: (line: string) => {
				warnings.push(line);
				logs.push(line);
			},
			info: (line: string) => logs.push(line),
			debug: (line: string) => logs.push(line),
			error: (line: string) => logs.push(line),
		},
	} as unknown as IWebhookFunctions;
	return { fns, exchange, warnings, logs };
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

	test('a trigger that ignores statuses still starts a message', async () => {
		const { body, signature } = signedBody(textWebhook('wamid.T3'));
		const { fns } = context({
			webhook: 'default',
			body,
			signature,
			parameters: { deliveryStatuses: 'ignore' },
		});
		const result = await trigger.webhook.call(fns);
		expect(result.workflowData?.[0].map((item) => item.json.messageId)).toEqual(['wamid.T3']);
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

// ---------------------------------------------------------------------------------------------------
// Delivery statuses

const CITIZENS = ['393331110001', '393331110002', '393331110003'];

function statusWebhook(
	statuses: Array<{ id: unknown; status: unknown; recipient?: string; errors?: unknown }>,
	messages: object[] = [],
): object {
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
							...(messages.length > 0
								? {
										contacts: [{ profile: { name: 'Maria Rossi' }, wa_id: '393331234567' }],
										messages,
									}
								: {}),
							statuses: statuses.map(({ id, status, recipient, errors }) => ({
								id,
								status,
								timestamp: '1772528460',
								recipient_id: recipient ?? CITIZENS[0],
								...(errors === undefined ? {} : { errors }),
							})),
						},
					},
				],
			},
		],
	};
}

/** A sent broadcast in the store: one delivery per citizen, `sent` with wamid `<prefix><i>`. */
async function sentBroadcast(store: SubscriptionStore, id: string, prefix: string): Promise<void> {
	const consent = new Date('2026-01-10T10:00:00.000Z');
	for (const waId of CITIZENS) {
		await store.importSubscriber(
			{ citizen: { waId }, lists: ['EMERGENZE'], consentAt: consent, policyVersion: 'v1' },
			{ at: consent, channel: 'import' },
		);
	}
	const now = new Date();
	const run = await store.broadcasts.begin({
		id,
		list: 'EMERGENZE',
		messageHash: `hash-${id}`,
		message: { type: 'text', text: 'Allerta meteo arancione' },
		now,
	});
	const step = {
		id,
		runToken: run.runToken,
		list: 'EMERGENZE',
		createdAt: run.record.createdAt,
		now,
		heartbeat: false,
	};
	const candidates = CITIZENS.map((waId) => ({ key: `wa:${waId}`, waId, userId: null }));
	await store.broadcasts.step({ ...step, outcomes: [], claim: candidates });
	await store.broadcasts.step({
		...step,
		outcomes: CITIZENS.map((waId, i) => ({
			key: `wa:${waId}`,
			state: 'sent' as const,
			wamid: `${prefix}${i}`,
			attempts: 1,
		})),
		claim: [],
	});
}

/** The tally summed over the days (a test may run across midnight UTC). */
async function tally(store: SubscriptionStore) {
	const days = await store.statusTally();
	const sum = (key: 'sent' | 'delivered' | 'read' | 'failed' | 'other' | 'broadcast' | 'unknown') =>
		days.reduce((total, day) => total + day[key], 0);
	return {
		sent: sum('sent'),
		delivered: sum('delivered'),
		read: sum('read'),
		failed: sum('failed'),
		other: sum('other'),
		broadcast: sum('broadcast'),
		unknown: sum('unknown'),
	};
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** No full phone number of the tests in any log line. */
function expectMasked(logs: string[]): void {
	for (const number of [...CITIZENS, '393331234567']) expect(logs.join('\n')).not.toContain(number);
}

describe('WhatsUrp Trigger: delivery statuses recorded in the store (no execution)', () => {
	let folder: string;
	let storePath: string;
	let store: SubscriptionStore;

	beforeAll(async () => {
		folder = mkdtempSync(join(tmpdir(), 'whatsurp-trigger-statuses-'));
		storePath = join(folder, 'store.sqlite');
		store = await openStore({ backend: 'sqlite', path: storePath });
	});
	afterAll(async () => {
		await store.close();
		rmSync(folder, { recursive: true, force: true });
	});

	test.each([
		['when set', { deliveryStatuses: 'record' }],
		['by default (a trigger saved without the parameter)', { deliveryStatuses: undefined }],
	])(
		'%s: a status webhook starts nothing, is answered 200 and moves the ledger and the tally',
		async (_label, parameters) => {
			const id = `allerta-${parameters.deliveryStatuses ?? 'default'}`;
			const prefix = `wamid.${id}.`;
			await sentBroadcast(store, id, prefix);
			const before = await tally(store);
			const { body, signature } = signedBody(
				statusWebhook([
					{ id: `${prefix}0`, status: 'delivered' },
					{ id: `${prefix}0`, status: 'read' },
					{ id: `${prefix}1`, status: 'read', recipient: CITIZENS[1] },
					{
						id: `${prefix}2`,
						status: 'failed',
						recipient: CITIZENS[2],
						errors: [{ code: 131026, title: 'Message undeliverable' }],
					},
					{ id: 'wamid.a-reply-to-a-question', status: 'delivered' },
				]),
			);
			const { fns, exchange, logs } = context({
				webhook: 'default',
				body,
				signature,
				storePath,
				parameters,
			});
			const result = await trigger.webhook.call(fns);
			expect(result).toEqual({ noWebhookResponse: true });
			expect(exchange).toEqual({
				status: 200,
				body: { received: true, started: false },
				ended: true,
			});
			const counts = await store.broadcasts.counts(id);
			expect(counts.byState).toMatchObject({ sent: 0, delivered: 0, read: 2, failed: 1 });
			expect(counts.failedByCode).toEqual({ '131026': 1 });
			const after = await tally(store);
			expect({
				delivered: after.delivered - before.delivered,
				read: after.read - before.read,
				failed: after.failed - before.failed,
				broadcast: after.broadcast - before.broadcast,
				unknown: after.unknown - before.unknown,
			}).toEqual({ delivered: 2, read: 2, failed: 1, broadcast: 4, unknown: 1 });
			expect(logs.join('\n')).toMatch(
				/5 delivery status\(es\) recorded: 4 broadcast, .* 1 unknown/,
			);
			expectMasked(logs);
		},
	);

	test('statuses and a message in one POST: the statuses are recorded, only the message starts', async () => {
		const before = await tally(store);
		const { body, signature } = signedBody(
			statusWebhook(
				[{ id: 'wamid.unknown-1', status: 'sent' }],
				[
					{
						from: '393331234567',
						id: 'wamid.mixed-1',
						timestamp: '1772528400',
						type: 'text',
						text: { body: 'ISCRIZIONE ON' },
					},
				],
			),
		);
		const { fns } = context({
			webhook: 'default',
			body,
			signature,
			storePath,
			parameters: { deliveryStatuses: 'record' },
		});
		const result = await trigger.webhook.call(fns);
		expect(result.workflowData?.[0].map((item) => item.json)).toEqual([
			expect.objectContaining({ event: 'message', messageId: 'wamid.mixed-1' }),
		]);
		expect((await tally(store)).sent - before.sent).toBe(1);
	});

	test('with store deduplication too: a recorded status is not marked in inbound_seen', async () => {
		const { body, signature } = signedBody(
			statusWebhook([{ id: 'wamid.unknown-2', status: 'delivered' }]),
		);
		const { fns, exchange } = context({
			webhook: 'default',
			body,
			signature,
			storePath,
			parameters: { deliveryStatuses: 'record', deduplication: 'store' },
		});
		expect(await trigger.webhook.call(fns)).toEqual({ noWebhookResponse: true });
		expect(exchange.status).toBe(200);
		// the status was not marked as seen: its redelivery key is still new
		expect(await store.markInboundSeen('status:wamid.unknown-2:delivered', new Date())).toBe(true);
	});

	test('hostile statuses: the usable ones recorded, the others skipped with masked warnings, 200', async () => {
		const before = await tally(store);
		const { body, signature } = signedBody(
			statusWebhook([
				{ id: 'wamid.hostile-1', status: '__proto__' },
				{ id: 'x'.repeat(100_000), status: 'read' },
				{ id: 'wamid.hostile-2\u0000', status: 'read' },
				{ id: 'wamid.hostile-3', status: 'y'.repeat(100_000) },
				{ id: undefined, status: 'read' },
				{ id: 'wamid.hostile-4', status: { $gt: '' } },
				{ id: '393331110002', status: 'read', recipient: '393331110002' },
			]),
		);
		const { fns, exchange, warnings, logs } = context({
			webhook: 'default',
			body,
			signature,
			storePath,
			parameters: { deliveryStatuses: 'record' },
		});
		expect(await trigger.webhook.call(fns)).toEqual({ noWebhookResponse: true });
		expect(exchange.status).toBe(200);
		const after = await tally(store);
		expect(after.other - before.other).toBe(1); // __proto__
		expect(after.read - before.read).toBe(1); // the wamid that looks like a number
		expect(warnings.filter((line) => line.includes('skipped'))).toHaveLength(5);
		expect(logs.join('\n').length).toBeLessThan(3000);
		expect(({} as IDataObject).polluted).toBeUndefined();
		expectMasked(logs);
	});

	test('ignore: a status webhook is answered 200 and recorded nowhere', async () => {
		const before = await tally(store);
		const { body, signature } = signedBody(
			statusWebhook([{ id: 'wamid.ignored', status: 'read' }]),
		);
		const { fns, exchange } = context({
			webhook: 'default',
			body,
			signature,
			storePath,
			parameters: { deliveryStatuses: 'ignore' },
		});
		expect(await trigger.webhook.call(fns)).toEqual({ noWebhookResponse: true });
		expect(exchange).toMatchObject({ status: 200, body: { received: true, started: false } });
		expect(await tally(store)).toEqual(before);
	});

	test('start: each status is an item, as before; nothing is recorded by the trigger', async () => {
		const before = await tally(store);
		const { body, signature } = signedBody(
			statusWebhook([
				{ id: 'wamid.start-1', status: 'sent' },
				{ id: 'wamid.start-1', status: 'delivered' },
			]),
		);
		const { fns } = context({
			webhook: 'default',
			body,
			signature,
			storePath,
			parameters: { deliveryStatuses: 'start' },
		});
		const result = await trigger.webhook.call(fns);
		expect(result.workflowData?.[0].map((item) => [item.json.event, item.json.status])).toEqual([
			['status', 'sent'],
			['status', 'delivered'],
		]);
		expect(result.workflowData?.[0][0].json).toMatchObject({
			messageId: 'wamid.start-1',
			recipient: { waId: CITIZENS[0] },
		});
		expect(await tally(store)).toEqual(before);
	});

	test('a value that is no mode (an expression gone wrong) starts the statuses: nothing lost', async () => {
		const { body, signature } = signedBody(statusWebhook([{ id: 'wamid.odd', status: 'read' }]));
		const { fns, warnings } = context({
			webhook: 'default',
			body,
			signature,
			storePath,
			parameters: { deliveryStatuses: 'both' },
		});
		const result = await trigger.webhook.call(fns);
		expect(result.workflowData?.[0]).toHaveLength(1);
		expect(warnings.join()).toMatch(
			/Delivery Statuses is not one of record, start, ignore; using start/,
		);
	});
});

describe('WhatsUrp Trigger: the store unreachable while recording statuses', () => {
	let folder: string;
	beforeAll(() => {
		folder = mkdtempSync(join(tmpdir(), 'whatsurp-trigger-down-'));
	});
	afterAll(() => rmSync(folder, { recursive: true, force: true }));

	const mixed = (id: string) =>
		signedBody(
			statusWebhook(
				[{ id: `wamid.status-of-${id}`, status: 'delivered' }],
				[
					{
						from: '393331234567',
						id,
						timestamp: '1772528400',
						type: 'text',
						text: { body: 'Ciao' },
					},
				],
			),
		);

	test.each<[string, () => Promise<IDataObject>]>([
		[
			'PostgreSQL on a closed port',
			async () => ({
				backend: 'postgres',
				host: '127.0.0.1',
				port: await closedPort(),
				database: 'test',
				user: 'postgres',
				schema: 'whatsurp_unreachable',
			}),
		],
		[
			'a SQLite file that cannot be created (its folder is a file)',
			async () => {
				const file = join(folder, 'not-a-folder');
				writeFileSync(file, 'x');
				return { backend: 'sqlite', path: join(file, 'store.sqlite') };
			},
		],
		['a store credential with an unknown backend', async () => ({ backend: 'oracle' })],
	])(
		'%s: 500 with a short reason, no throw, and the message is not taken for a redelivery later',
		async (_label, credential) => {
			const messageId = `wamid.down-${Math.random().toString(36).slice(2)}`;
			const { body, signature } = mixed(messageId);
			const storeCredential = await credential();
			const down = context({
				webhook: 'default',
				body,
				signature,
				storeCredential,
				parameters: { deliveryStatuses: 'record', deduplication: 'memory' },
			});
			const result = await trigger.webhook.call(down.fns);
			expect(result).toEqual({ noWebhookResponse: true });
			expect(down.exchange.status).toBe(500);
			expect(down.exchange.ended).toBe(true);
			const answer = down.exchange.body as { error: string };
			expect(Object.keys(answer)).toEqual(['error']);
			expect(answer.error).toMatch(/could not be recorded/);
			expect(JSON.stringify(answer)).not.toMatch(/wamid|393331234567|Ciao/);
			expect(down.warnings.join('\n')).toMatch(
				/could not record 1 delivery status\(es\) \(.+\); answered 500/,
			);
			expectMasked(down.logs);

			// Meta delivers the POST again; the store is back: the message starts (it was not marked seen)
			const storePath = join(folder, `${messageId}.sqlite`);
			const up = context({
				webhook: 'default',
				body,
				signature,
				storePath,
				parameters: { deliveryStatuses: 'record', deduplication: 'memory' },
			});
			const again = await trigger.webhook.call(up.fns);
			expect(again.workflowData?.[0].map((item) => item.json.messageId)).toEqual([messageId]);
		},
	);

	test('no store credential at all: a status webhook gets 500, no throw', async () => {
		const { body, signature } = signedBody(statusWebhook([{ id: 'wamid.nocred', status: 'read' }]));
		const { fns, exchange, warnings } = context({
			webhook: 'default',
			body,
			signature,
			noStoreCredential: true,
			parameters: { deliveryStatuses: 'record', deduplication: 'memory' },
		});
		expect(await trigger.webhook.call(fns)).toEqual({ noWebhookResponse: true });
		expect(exchange.status).toBe(500);
		expect(warnings.join()).toMatch(/does not have any credentials set/);
	});

	test('no store credential and store deduplication: a message passes unchecked instead of failing', async () => {
		const { body, signature } = signedBody(textWebhook('wamid.nocred-message'));
		const { fns, warnings } = context({
			webhook: 'default',
			body,
			signature,
			noStoreCredential: true,
			parameters: { deliveryStatuses: 'record', deduplication: 'store' },
		});
		const result = await trigger.webhook.call(fns);
		expect(result.workflowData?.[0]).toHaveLength(1);
		expect(warnings.join()).toMatch(/could not check for redeliveries .* pass unchecked/);
	});

	test('the WhatsApp credential cannot be read: 500 on a POST and on the handshake, never a throw', async () => {
		const { body, signature } = signedBody(textWebhook('wamid.no-wa-cred'));
		for (const webhook of ['default', 'setup'] as const) {
			const { fns, exchange, warnings } = context({
				webhook,
				body,
				signature,
				credentialFails: true,
				credentialId: `wa-broken-${webhook}`,
				query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1' },
			});
			expect(await trigger.webhook.call(fns)).toEqual({ noWebhookResponse: true });
			expect(exchange).toMatchObject({ status: 500, ended: true });
			expect(JSON.stringify(exchange.body)).not.toContain('decrypted');
			expect(warnings.join()).toMatch(/answered 500/);
		}
	});
});

describe('WhatsUrp Trigger: the description', () => {
	const { description } = trigger;
	const storeEntries = (description.credentials ?? []).filter((c) => c.name === 'whatsUrpStore');
	const combinations = ['store', 'memory', 'off'].flatMap((deduplication) =>
		['record', 'start', 'ignore'].map((deliveryStatuses) => ({ deduplication, deliveryStatuses })),
	);
	const node = (parameters: INodeParameters) => ({
		id: 'n',
		name: 'Messaggio WhatsApp',
		type: 'n8n-nodes-whatsurp.whatsUrpTrigger',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters,
	});

	test('Delivery Statuses: record (the default), start, ignore; no Updates parameter any more', () => {
		const parameter = description.properties.find((p) => p.name === 'deliveryStatuses');
		expect(parameter).toMatchObject({
			displayName: 'Delivery Statuses',
			type: 'options',
			default: 'record',
		});
		expect(parameter?.options?.map((o) => ('value' in o ? [o.value, o.name] : []))).toEqual([
			['record', 'Record in the Store (No Execution)'],
			['start', 'Start the Workflow'],
			['ignore', 'Ignore'],
		]);
		expect(description.properties.some((p) => p.name === 'updates')).toBe(false);
		for (const mode of ['record', 'start', 'ignore'])
			expect(description.subtitle).toContain(`"${mode}":`);
		expect(description.subtitle).toContain('$parameter["deliveryStatuses"]');
	});

	test.each(combinations)(
		'the store credential is shown and required, and n8n lets the trigger read it ($deduplication, $deliveryStatuses)',
		(parameters) => {
			// n8n-core's getCredentials checks the FIRST entry of the type: it must be displayed whenever the
			// store is used (deduplication store OR statuses recorded); a second entry would never be read
			expect(storeEntries).toHaveLength(1);
			const [entry] = storeEntries;
			expect(entry.required).toBe(true);
			const shown = NodeHelpers.displayParameter(parameters, entry, node(parameters), description);
			if (parameters.deduplication === 'store' || parameters.deliveryStatuses === 'record')
				expect(shown).toBe(true);
			const notice = description.properties.find((p) => p.name === 'storeUnusedNotice')!;
			expect(NodeHelpers.displayParameter(parameters, notice, node(parameters), description)).toBe(
				parameters.deduplication !== 'store' && parameters.deliveryStatuses !== 'record',
			);
		},
	);
});
