/**
 * The Cloud API simulator's webhook side, over real HTTP: signatures checked here with our own HMAC
 * over the exact bytes a tiny receiver got, Meta's escaping, redelivery, status sequences, citizens
 * (phone and username/BSUID), media download, the chat page and the /_sim control endpoints.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Script } from 'node:vm';
import type { CloudApiSimulator } from '../../../dev/simulators/cloudApi/server';
import {
	APP_SECRET,
	base,
	CITIZEN,
	get,
	type Json,
	post,
	startReceiver,
	startSimulator,
	until,
	type WebhookReceiver,
} from './cloudApiHelpers';

const hmac = (bytes: Buffer) =>
	'sha256=' + createHmac('sha256', APP_SECRET).update(bytes).digest('hex');

describe('Cloud API simulator: webhooks', () => {
	let sim: CloudApiSimulator;
	let receiver: WebhookReceiver;

	beforeAll(async () => {
		receiver = await startReceiver();
		sim = await startSimulator({ webhookUrl: receiver.url, pairRate: false });
	});
	afterAll(async () => {
		await sim.stop();
		await receiver.close();
	});
	beforeEach(() => {
		sim.reset();
		receiver.received.length = 0;
		receiver.answer = 200;
	});

	it('signs the exact bytes, escapes non-ASCII and "/" like Meta', async () => {
		const result = await sim.citizenSends({
			from: { waId: CITIZEN, name: 'Niccolò Bianchi' },
			type: 'text',
			text: 'Perché la via è chiusa? 😀 https://www.comune.rimini.it/',
		});
		expect(result.status).toBe(200);
		expect(receiver.received).toHaveLength(1);
		const { raw, headers } = receiver.received[0];
		expect(headers['x-hub-signature-256']).toBe(hmac(raw));
		expect(headers['content-type']).toBe('application/json');
		expect(headers['user-agent']).toContain('facebookexternalua');
		const body = raw.toString('latin1');
		expect(body).toMatch(/^[\x20-\x7e]*$/);
		expect(body).toContain('Niccol\\u00f2');
		expect(body).toContain(
			'Perch\\u00e9 la via \\u00e8 chiusa? \\ud83d\\ude00 https:\\/\\/www.comune.rimini.it\\/',
		);
		const parsed = JSON.parse(body);
		expect(parsed.entry[0].changes[0].value.messages[0].text.body).toBe(
			'Perché la via è chiusa? 😀 https://www.comune.rimini.it/',
		);
		expect(result.delivery.body).toBe(body);
	});

	it('builds the spec example shape for a text message', async () => {
		const { body, messageId } = await sim.citizenSends({
			from: { waId: CITIZEN, name: 'Maria Rossi' },
			type: 'text',
			text: 'Ciao',
		});
		expect(body).toEqual({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: expect.any(String),
					changes: [
						{
							value: {
								messaging_product: 'whatsapp',
								metadata: {
									display_phone_number: '390541704111',
									phone_number_id: '106540352242922',
								},
								contacts: [{ profile: { name: 'Maria Rossi' }, wa_id: CITIZEN }],
								messages: [
									{
										from: CITIZEN,
										id: messageId,
										timestamp: expect.stringMatching(/^\d+$/),
										type: 'text',
										text: { body: 'Ciao' },
									},
								],
							},
							field: 'messages',
						},
					],
				},
			],
		});
	});

	it('a username citizen has only from_user_id, user_id and profile.username', async () => {
		const { body } = await sim.citizenSends({
			from: { userId: 'IT.1502576394655843', username: 'maria.rimini', name: 'Maria' },
			type: 'text',
			text: 'Salve',
		});
		const value = (body as Json).entry[0].changes[0].value;
		expect(value.contacts).toEqual([
			{ profile: { name: 'Maria', username: 'maria.rimini' }, user_id: 'IT.1502576394655843' },
		]);
		expect(value.messages[0].from_user_id).toBe('IT.1502576394655843');
		expect(value.messages[0]).not.toHaveProperty('from');
		const reply = await post(sim, {
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			recipient: 'IT.1502576394655843',
			type: 'text',
			text: { body: 'Buongiorno' },
		});
		expect(reply.status).toBe(200);
		await until(() => sim.outbound()[0]?.status === 'read');
		await sim.webhooksIdle();
		const status = JSON.parse(receiver.received.at(-1)!.raw.toString()).entry[0].changes[0].value
			.statuses[0];
		expect(status).toMatchObject({ recipient_user_id: 'IT.1502576394655843' });
		expect(status).not.toHaveProperty('recipient_id');
	});

	it.each([
		['image', { type: 'image', media: { mimeType: 'image/jpeg', caption: 'Buca' } }, 'image'],
		[
			'location',
			{ type: 'location', location: { latitude: 44.06, longitude: 12.57, name: 'Piazza Cavour' } },
			'location',
		],
		[
			'button reply',
			{
				type: 'interactive',
				reply: { kind: 'button_reply', id: 'yes', title: 'Sì' },
				context: { messageId: 'wamid.X' },
			},
			'interactive',
		],
		[
			'list reply',
			{ type: 'interactive', reply: { kind: 'list_reply', id: 'r1', title: 'Rifiuti' } },
			'interactive',
		],
		['template button', { type: 'button', button: { payload: 'STOP', text: 'Stop' } }, 'button'],
		['reaction', { type: 'reaction', reaction: { messageId: 'wamid.X', emoji: '👍' } }, 'reaction'],
		['unsupported', { type: 'unsupported' }, 'errors'],
	] as const)('builds a %s message', async (_label, input, key) => {
		const { body } = await sim.citizenSends({ from: { waId: CITIZEN }, ...input } as Json);
		const message = (body as Json).entry[0].changes[0].value.messages[0];
		expect(message[key]).toBeDefined();
		if (_label === 'button reply') {
			expect(message.interactive).toEqual({
				type: 'button_reply',
				button_reply: { id: 'yes', title: 'Sì' },
			});
			expect(message.context).toEqual({ from: '390541704111', id: 'wamid.X' });
		}
		if (_label === 'image')
			expect(message.image).toMatchObject({
				caption: 'Buca',
				mime_type: 'image/jpeg',
				id: expect.any(String),
			});
	});

	describe('profile.name of a citizen who gives no name', () => {
		const profileName = (body: Json): string =>
			body.entry[0].changes[0].value.contacts[0].profile.name;
		const OTHER = '393339876543';

		it.each([
			[
				'named before: that name',
				[{ waId: CITIZEN, name: 'Maria Rossi' }, { waId: CITIZEN }],
				['Maria Rossi', 'Maria Rossi'],
			],
			[
				'never named: the default, not the number',
				[{ waId: CITIZEN }, { waId: CITIZEN }],
				['Cittadino', 'Cittadino'],
			],
			[
				'renamed: the latest name',
				[
					{ waId: CITIZEN, name: 'Maria' },
					{ waId: CITIZEN, name: 'Maria Rossi' },
					{ waId: CITIZEN },
				],
				['Maria', 'Maria Rossi', 'Maria Rossi'],
			],
			[
				'the number written another way: the same citizen',
				[{ waId: '+39 333 123 4567', name: 'Maria' }, { waId: CITIZEN }],
				['Maria', 'Maria'],
			],
			[
				'a username citizen never named: its username',
				[{ userId: 'IT.1', username: 'maria.rimini' }],
				['maria.rimini'],
			],
			[
				'a username citizen named before: that name',
				[
					{ userId: 'IT.1', username: 'maria.rimini', name: 'Maria' },
					{ userId: 'IT.1', username: 'maria.rimini' },
				],
				['Maria', 'Maria'],
			],
			[
				'named by user id, then writing with both ids',
				[{ userId: 'IT.2', name: 'Giulia' }, { waId: OTHER, userId: 'IT.2' }, { waId: OTHER }],
				['Giulia', 'Giulia', 'Giulia'],
			],
			[
				"another citizen's name is not used",
				[{ waId: CITIZEN, name: 'Maria' }, { waId: OTHER }],
				['Maria', 'Cittadino'],
			],
			[
				'a hostile name is kept as given',
				[{ waId: CITIZEN, name: '<script>"\u202e\u0000' }, { waId: CITIZEN }],
				['<script>"\u202e\u0000', '<script>"\u202e\u0000'],
			],
		] as const)('%s', async (_label, senders, names) => {
			const seen: string[] = [];
			for (const from of senders) {
				const { body } = await sim.citizenSends({ from: { ...from }, type: 'text', text: 'Salve' });
				seen.push(profileName(body));
			}
			expect(seen).toEqual(names);
		});

		it('in one batch, and after a reset the name is forgotten', async () => {
			const results = await sim.citizenSendsMany([
				{ from: { waId: CITIZEN, name: 'Maria' }, type: 'text', text: 'uno' },
				{ from: { waId: CITIZEN }, type: 'text', text: 'due' },
			]);
			expect(results.map((r) => profileName(r.body))).toEqual(['Maria', 'Maria']);
			sim.reset();
			const again = await sim.citizenSends({ from: { waId: CITIZEN }, type: 'text', text: 'tre' });
			expect(profileName(again.body)).toBe('Cittadino');
		});

		it('over HTTP (/_sim/citizen-sends), as the chat page sends when its name field is empty', async () => {
			const send = (from: Json) =>
				fetch(`${sim.baseUrl}/_sim/citizen-sends`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ from, type: 'text', text: 'Salve' }),
				}).then(async (r) => (await r.json()) as Json);
			expect(profileName((await send({ waId: CITIZEN, name: 'Maria Rossi' })).body)).toBe(
				'Maria Rossi',
			);
			expect(profileName((await send({ waId: CITIZEN })).body)).toBe('Maria Rossi');
			const citizens = (await (await fetch(`${sim.baseUrl}/_sim/citizens`)).json()) as Json[];
			expect(citizens).toEqual([expect.objectContaining({ waId: CITIZEN, name: 'Maria Rossi' })]);
		});
	});

	it('system messages carry no contacts', async () => {
		const { body } = await sim.citizenSends({
			from: { waId: CITIZEN },
			type: 'system',
			system: { body: 'Cambio numero', newWaId: '393339999999' },
		});
		const value = (body as Json).entry[0].changes[0].value;
		expect(value).not.toHaveProperty('contacts');
		expect(value.messages[0].system).toEqual({
			body: 'Cambio numero',
			wa_id: '393339999999',
			type: 'user_changed_number',
		});
	});

	it('redelivers the identical bytes and signature, and records the receiver status', async () => {
		receiver.answer = 500;
		const first = await sim.citizenSends({
			from: { waId: CITIZEN },
			type: 'text',
			text: 'è urgente',
		});
		expect(first.status).toBe(500);
		receiver.answer = 200;
		const again = await sim.redeliver(first.messageId);
		expect(again.status).toBe(200);
		expect(receiver.received[1].raw.equals(receiver.received[0].raw)).toBe(true);
		expect(receiver.received[1].headers['x-hub-signature-256']).toBe(
			receiver.received[0].headers['x-hub-signature-256'],
		);
		expect(sim.webhookDeliveries.map((d) => [d.kind, d.status])).toEqual([
			['message', 500],
			['redelivery', 200],
		]);
	});

	it('sends several messages in one POST (batch)', async () => {
		const results = await sim.citizenSendsMany(
			[1, 2, 3].map((i) => ({
				from: { waId: `39333000000${i}` },
				type: 'text' as const,
				text: `n. ${i}`,
			})),
			{ perPost: 2 },
		);
		expect(receiver.received).toHaveLength(2);
		const firstPost = JSON.parse(receiver.received[0].raw.toString());
		expect(firstPost.entry[0].changes).toHaveLength(2);
		expect(new Set(results.map((r) => r.messageId)).size).toBe(3);
	});

	it('sends raw and unsigned bodies for hostile tests', async () => {
		await sim.sendRawWebhook('{"object":"not json', { signature: null });
		await sim.sendRawWebhook('{}', { signature: 'sha256=00' });
		await sim.sendRawWebhook('{}');
		expect(receiver.received[0].headers).not.toHaveProperty('x-hub-signature-256');
		expect(receiver.received[0].raw.toString()).toBe('{"object":"not json');
		expect(receiver.received[1].headers['x-hub-signature-256']).toBe('sha256=00');
		expect(receiver.received[2].headers['x-hub-signature-256']).toBe(hmac(Buffer.from('{}')));
	});

	it('sends sent → delivered → read statuses in order for an accepted message', async () => {
		await sim.citizenSends({ from: { waId: CITIZEN }, type: 'text', text: 'Salve' });
		const { json } = await post(sim, { ...base, type: 'text', text: { body: 'Risposta' } });
		const wamid = json.messages[0].id;
		await until(() => sim.outbound()[0]?.status === 'read');
		await sim.webhooksIdle();
		const statuses = receiver.received
			.map((r) => JSON.parse(r.raw.toString()).entry[0].changes[0].value)
			.filter((v) => v.statuses)
			.map((v) => v.statuses[0]);
		expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
		for (const s of statuses)
			expect(s).toMatchObject({
				id: wamid,
				recipient_id: CITIZEN,
				timestamp: expect.stringMatching(/^\d+$/),
			});
		expect(statuses[0].pricing).toMatchObject({ pricing_model: 'PMP', category: 'service' });
		expect(sim.outbound()[0].status).toBe('read');
		for (const r of receiver.received) expect(r.headers['x-hub-signature-256']).toBe(hmac(r.raw));
		expect(sim.stats()).toMatchObject({ accepted: 1, webhooksSent: 4 });
	});

	it('retries non-200 answers when asked to', async () => {
		const retrying = await startSimulator({
			webhookUrl: receiver.url,
			webhookRetry: { attempts: 2, backoffMs: 5 },
		});
		try {
			receiver.answer = 503;
			const result = await retrying.citizenSends({
				from: { waId: CITIZEN },
				type: 'text',
				text: 'x',
			});
			expect(result.delivery.attempt).toBe(3);
			expect(receiver.received).toHaveLength(3);
		} finally {
			await retrying.stop();
		}
	});
});

describe('Cloud API simulator: media', () => {
	it('gives a bearer-protected download URL that expires', async () => {
		let clock = 1_000_000;
		const sim = await startSimulator({ now: () => clock, mediaUrlTtlMs: 300_000 });
		try {
			const content = Buffer.from('\x89PNG fake image bytes');
			const { body } = await sim.citizenSends({
				from: { waId: CITIZEN },
				type: 'image',
				media: { mimeType: 'image/png', content },
			});
			const mediaId = (body as Json).entry[0].changes[0].value.messages[0].image.id;
			const info = await get(`${sim.baseUrl}/v23.0/${mediaId}`);
			expect(info.status).toBe(200);
			expect(info.json).toMatchObject({
				messaging_product: 'whatsapp',
				mime_type: 'image/png',
				sha256: createHash('sha256').update(content).digest('hex'),
				file_size: String(content.length),
				id: mediaId,
			});
			expect((await get(info.json.url, null)).status).toBe(401);
			const download = await fetch(info.json.url, {
				headers: { authorization: 'Bearer EAAtest-token' },
			});
			expect(download.status).toBe(200);
			expect(download.headers.get('content-type')).toBe('image/png');
			expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true);
			clock += 300_001;
			expect((await get(info.json.url)).status).toBe(404);
			expect((await get(`${sim.baseUrl}/v23.0/${mediaId}`, 'wrong')).status).toBe(401);
			const unknown = await get(`${sim.baseUrl}/v23.0/1234567890123456`);
			expect(unknown.json.error).toMatchObject({ code: 100, error_subcode: 33 });
		} finally {
			await sim.stop();
		}
	});
});

describe('Cloud API simulator: chat page and /_sim control endpoints', () => {
	let sim: CloudApiSimulator;
	let receiver: WebhookReceiver;
	beforeAll(async () => {
		receiver = await startReceiver();
		sim = await startSimulator({ pairRate: false });
	});
	afterAll(async () => {
		await sim.stop();
		await receiver.close();
	});

	it('serves a self-contained Italian chat page', async () => {
		for (const path of ['/', '/chat']) {
			const answer = await fetch(sim.baseUrl + path);
			expect(answer.status).toBe(200);
			expect(answer.headers.get('content-type')).toContain('text/html');
			const html = await answer.text();
			expect(html).toContain('Simulatore WhatsApp — Cittadino');
			expect(html).toContain('/_sim/conversations/');
			expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
			const script = html.split('<script>')[1].split('</script>')[0];
			expect(() => new Script(script)).not.toThrow();
		}
		expect(sim.chatUrl).toBe(`${sim.baseUrl}/chat`);
	});

	it('drives a conversation over HTTP', async () => {
		const control = (path: string, method = 'GET', body?: unknown) =>
			fetch(`${sim.baseUrl}/_sim/${path}`, {
				method,
				headers: { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			}).then(async (r) => ({ status: r.status, json: (await r.json()) as Json }));
		expect((await control('webhook-url', 'POST', { url: receiver.url })).json.webhookUrl).toBe(
			receiver.url,
		);
		const sent = await control('citizen-sends', 'POST', {
			from: { waId: CITIZEN, name: 'Maria' },
			type: 'image',
			media: { mimeType: 'image/jpeg', contentBase64: Buffer.from('foto').toString('base64') },
		});
		expect(sent.json).toMatchObject({ messageId: expect.stringMatching(/^wamid\./), status: 200 });
		expect((await post(sim, { ...base, type: 'text', text: { body: 'Grazie' } })).status).toBe(200);
		const conversation = await control(`conversations/${CITIZEN}`);
		expect(conversation.json.messages.map((m: Json) => [m.direction, m.type])).toEqual([
			['in', 'image'],
			['out', 'text'],
		]);
		expect((await control(`outbound?to=${CITIZEN}`)).json).toHaveLength(1);
		expect((await control('failures', 'POST', { code: 131000 })).status).toBe(200);
		expect((await post(sim, { ...base, type: 'text', text: { body: 'x' } })).status).toBe(500);
		expect((await control('failures', 'POST', {})).status).toBe(400);
		expect((await control('stats')).json.rejectedByCode).toEqual({ '131000': 1 });
		expect((await control('redeliver', 'POST', { target: 0 })).json.status).toBe(200);
		expect((await control('reset', 'POST')).status).toBe(200);
		expect((await control('state')).json.stats.accepted).toBe(0);
		expect((await control('nothing')).status).toBe(404);
		const garbage = await fetch(`${sim.baseUrl}/_sim/citizen-sends`, {
			method: 'POST',
			body: '{{{',
		});
		expect(garbage.status).toBe(400);
		expect((await control('citizen-sends', 'POST', { type: 'text', from: {} })).status).toBe(400);
	});
});

describe('Cloud API simulator: parallel delivery and no statuses (load tests)', () => {
	test('webhookConcurrency 4: at most 4 POSTs in flight, all delivered, idle() waits for them', async () => {
		let inFlight = 0;
		let most = 0;
		const bodies: string[] = [];
		const server = createServer((request, response) => {
			inFlight++;
			most = Math.max(most, inFlight);
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				bodies.push(Buffer.concat(chunks).toString());
				setTimeout(() => {
					inFlight--;
					response.writeHead(200).end('ok');
				}, 30);
			});
		});
		await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
		const sim = await startSimulator({
			webhookUrl: url,
			webhookConcurrency: 4,
			statusWebhooks: false,
		});
		try {
			const sends = Array.from({ length: 12 }, (_, i) =>
				sim.citizenSends({
					from: { waId: `3934000000${String(i).padStart(2, '0')}` },
					type: 'text',
					text: `n${i}`,
				}),
			);
			await sim.webhooksIdle();
			expect(bodies).toHaveLength(12);
			expect((await Promise.all(sends)).every((result) => result.status === 200)).toBe(true);
			expect(most).toBe(4);
			// a reply brings no status webhook
			const sent = await post(sim, {
				...base,
				to: '393400000000',
				type: 'text',
				text: { body: 'Risposta' },
			});
			expect(sent.status).toBe(200);
			await new Promise((resolve) => setTimeout(resolve, 100));
			await sim.webhooksIdle();
			expect(bodies).toHaveLength(12);
		} finally {
			await sim.stop();
			await new Promise((done) => server.close(done));
		}
	});
});
