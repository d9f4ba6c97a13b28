/**
 * The Cloud API simulator's Graph side, over real HTTP: auth, the phone-number object, schema checks,
 * limits (130429, 131056, 131047), injected failures, BSUID recipients and read receipts.
 */
import type { CloudApiSimulator } from '../../../dev/simulators/cloudApi/server';
import {
	base,
	CITIZEN,
	get,
	PHONE_ID,
	post,
	startSimulator,
	TOKEN,
	until,
} from './cloudApiHelpers';

const text = (body: string, to = CITIZEN) => ({ ...base, to, type: 'text', text: { body } });
const template = (to = CITIZEN) => ({
	...base,
	to,
	type: 'template',
	template: {
		name: 'avviso_urp',
		language: { policy: 'deterministic', code: 'it' },
		components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }],
	},
});

describe('Cloud API simulator: Graph API', () => {
	let sim: CloudApiSimulator;

	beforeAll(async () => {
		sim = await startSimulator({ enforceWindow: false });
	});
	afterAll(() => sim.stop());
	beforeEach(() => sim.reset());

	describe('auth and the phone number', () => {
		it('returns the phone number object to a valid token (credential test)', async () => {
			const { status, json } = await get(`${sim.baseUrl}/v23.0/${PHONE_ID}`);
			expect(status).toBe(200);
			expect(json).toEqual({
				id: PHONE_ID,
				display_phone_number: '390541704111',
				verified_name: 'Comune di Rimini - URP',
				quality_rating: 'GREEN',
			});
		});

		it.each([
			['missing', null],
			['wrong', 'not-the-token'],
		])('answers 401 / 190 to a %s token, on GET and POST', async (_label, token) => {
			const read = await get(`${sim.baseUrl}/v23.0/${PHONE_ID}`, token);
			expect(read.status).toBe(401);
			expect(read.json.error).toMatchObject({
				message: 'Invalid OAuth access token - Cannot parse access token',
				type: 'OAuthException',
				code: 190,
			});
			expect(read.json.error.fbtrace_id).toEqual(expect.any(String));
			expect(read.headers.get('www-authenticate')).toContain('invalid_token');
			const send = await post(sim, text('ciao'), { token });
			expect(send.status).toBe(401);
			expect(send.json.error.code).toBe(190);
			expect(sim.outbound()).toHaveLength(0);
		});

		it('answers 400 / 100 / 33 for an unknown object id and 100 for unknown paths', async () => {
			const unknown = await get(`${sim.baseUrl}/v23.0/999999`);
			expect(unknown.status).toBe(400);
			expect(unknown.json.error).toMatchObject({ code: 100, error_subcode: 33 });
			expect(unknown.json.error.message).toContain("Object with ID '999999' does not exist");
			const edge = await get(`${sim.baseUrl}/v23.0/${PHONE_ID}/nonsense/deeper`);
			expect(edge.json.error.code).toBe(100);
			const other = await get(`${sim.baseUrl}/nowhere`);
			expect(other.status).toBe(404);
		});

		it('accepts any vX.Y version unless a list is given', async () => {
			expect((await get(`${sim.baseUrl}/v99.1/${PHONE_ID}`)).status).toBe(200);
			const strict = await startSimulator({ apiVersions: ['v23.0'] });
			try {
				expect((await get(`${strict.baseUrl}/v22.0/${PHONE_ID}`)).status).toBe(400);
				expect((await get(`${strict.baseUrl}/v23.0/${PHONE_ID}`)).status).toBe(200);
			} finally {
				await strict.stop();
			}
		});

		it('records every API request without the token', async () => {
			await post(sim, text('ciao'));
			expect(sim.received).toHaveLength(1);
			expect(sim.received[0]).toMatchObject({ method: 'POST', status: 200, body: text('ciao') });
			expect(sim.received[0].headers.authorization).toBe('[redacted]');
			expect(JSON.stringify(sim.received)).not.toContain(TOKEN);
		});
	});

	describe('schema (Meta OpenAPI v23.0)', () => {
		const image = {
			...base,
			type: 'image',
			image: { link: 'https://www.comune.rimini.it/a.jpg', caption: 'Avviso' },
		};
		const buttons = (count: number) => ({
			...base,
			type: 'interactive',
			interactive: {
				type: 'button',
				body: { text: 'Confermi?' },
				action: {
					buttons: Array.from({ length: count }, (_, i) => ({
						type: 'reply',
						reply: { id: `b${i}`, title: `Sì ${i}` },
					})),
				},
			},
		});

		it.each([
			['text', text('Buongiorno, come possiamo aiutarla?')],
			['template', template()],
			['interactive buttons', buttons(3)],
			['image by link', image],
		])('accepts a valid %s body with a wamid', async (_label, body) => {
			const { status, json } = await post(sim, body);
			expect(status).toBe(200);
			expect(json.messaging_product).toBe('whatsapp');
			expect(json.contacts).toEqual([{ input: CITIZEN, wa_id: CITIZEN }]);
			expect(json.messages[0].id).toMatch(/^wamid\.[A-Za-z0-9+/=]+$/);
		});

		it('marks templates accepted in the answer', async () => {
			const { json } = await post(sim, template());
			expect(json.messages[0].message_status).toBe('accepted');
		});

		it.each([
			[
				'missing to',
				{
					messaging_product: 'whatsapp',
					recipient_type: 'individual',
					type: 'text',
					text: { body: 'x' },
				},
				"required property 'to'",
			],
			['unknown type', { ...base, type: 'fax', fax: {} }, '/type must be one of'],
			[
				'4 reply buttons',
				buttons(4),
				'/interactive/action/buttons must NOT have more than 3 items',
			],
			[
				'text over 4096 characters',
				text('x'.repeat(4097)),
				'/text/body must NOT have more than 4096',
			],
			['unknown property', { ...text('x'), colour: 'red' }, 'unevaluated properties: colour'],
			[
				'image link not a URL',
				{ ...base, type: 'image', image: { link: 'foto.jpg' } },
				'/image/link must match format "url"',
			],
		])('rejects %s with 400 / 100 and the path in details', async (_label, body, detail) => {
			const { status, json } = await post(sim, body);
			expect(status).toBe(400);
			expect(json.error).toMatchObject({
				message: '(#100) Invalid parameter',
				type: 'OAuthException',
				code: 100,
			});
			expect(json.error.error_data.messaging_product).toBe('whatsapp');
			expect(json.error.error_data.details).toContain(detail);
			expect(sim.stats().rejectedByCode['100']).toBe(1);
		});

		it('rejects garbage JSON and a non-JSON content type with 400 / 100', async () => {
			const garbage = await post(sim, undefined, { raw: '{"to": "39…' });
			expect(garbage.status).toBe(400);
			expect(garbage.json.error.code).toBe(100);
			expect(garbage.json.error.error_data.details).toContain('not valid JSON');
			const form = await post(sim, undefined, {
				raw: 'to=1',
				contentType: 'application/x-www-form-urlencoded',
			});
			expect(form.json.error.error_data.details).toContain('Content-Type');
		});

		it('answers 413 to a body over the limit, and survives', async () => {
			const { status } = await post(sim, text('x'.repeat(5 * 1024 * 1024)));
			expect(status).toBe(413);
			expect((await post(sim, text('ancora qui'))).status).toBe(200);
		});
	});

	describe('BSUID recipients and read receipts', () => {
		it('accepts `recipient` without `to` and answers with user_id', async () => {
			const body = {
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				recipient: 'IT.1502576394655843',
				type: 'text',
				text: { body: 'Ciao' },
			};
			const { status, json } = await post(sim, body);
			expect(status).toBe(200);
			expect(json.contacts).toEqual([
				{ input: 'IT.1502576394655843', user_id: 'IT.1502576394655843' },
			]);
			expect(sim.outbound({ recipient: 'IT.1502576394655843' })).toHaveLength(1);
		});

		it('marks a citizen message read; an unknown id is 400 / 100', async () => {
			const { messageId } = await sim.citizenSends({
				from: { waId: CITIZEN },
				type: 'text',
				text: 'Salve',
			});
			const read = { messaging_product: 'whatsapp', status: 'read', message_id: messageId };
			expect(await post(sim, read)).toEqual({ status: 200, json: { success: true } });
			const unknown = await post(sim, { ...read, message_id: 'wamid.nope' });
			expect(unknown.status).toBe(400);
			expect(unknown.json.error.code).toBe(100);
			const noId = await post(sim, { messaging_product: 'whatsapp', status: 'read' });
			expect(noId.json.error.error_data.details).toContain('message_id');
		});
	});
});

describe('Cloud API simulator: limits', () => {
	it('throughput: sending 2× perSecond at once gets 130429 for the excess', async () => {
		const sim = await startSimulator({
			throughput: { perSecond: 20 },
			pairRate: false,
			enforceWindow: false,
		});
		try {
			const started = Date.now();
			const answers = await Promise.all(
				Array.from({ length: 40 }, (_, i) =>
					post(sim, text('avviso', `3933300000${String(i).padStart(2, '0')}`)),
				),
			);
			const elapsedS = (Date.now() - started) / 1000;
			const limited = answers.filter((a) => a.status === 400);
			const accepted = answers.length - limited.length;
			expect(accepted).toBeGreaterThanOrEqual(20);
			expect(accepted).toBeLessThanOrEqual(20 + Math.ceil(20 * elapsedS) + 1);
			expect(limited.length).toBeGreaterThan(0);
			expect(limited[0].json.error).toMatchObject({
				code: 130429,
				message: '(#130429) Rate limit hit',
				error_subcode: 2494055,
			});
			expect(sim.stats().rejectedByCode['130429']).toBe(limited.length);
		} finally {
			await sim.stop();
		}
	});

	it('throughput refills with the clock', async () => {
		let clock = 1_000_000;
		const sim = await startSimulator({
			throughput: { perSecond: 2 },
			pairRate: false,
			enforceWindow: false,
			now: () => clock,
		});
		try {
			expect((await post(sim, text('1', '391'))).status).toBe(200);
			expect((await post(sim, text('2', '392'))).status).toBe(200);
			expect((await post(sim, text('3', '393'))).json.error.code).toBe(130429);
			clock += 500;
			expect((await post(sim, text('4', '394'))).status).toBe(200);
		} finally {
			await sim.stop();
		}
	});

	it('pair rate: a burst per recipient, then 131056 until 6 s per message have passed', async () => {
		let clock = 1_000_000;
		const sim = await startSimulator({
			pairRate: { intervalMs: 6000, burst: 3 },
			enforceWindow: false,
			now: () => clock,
		});
		try {
			for (let i = 0; i < 3; i++) expect((await post(sim, text(`msg ${i}`))).status).toBe(200);
			const limited = await post(sim, text('troppi'));
			expect(limited.status).toBe(400);
			expect(limited.json.error.code).toBe(131056);
			expect(limited.json.error.message).toBe(
				'(#131056) (Business Account, Consumer Account) pair rate limit hit',
			);
			expect((await post(sim, text('altro cittadino', '393339999999'))).status).toBe(200);
			clock += 5999;
			expect((await post(sim, text('ancora presto'))).json.error.code).toBe(131056);
			clock += 1;
			expect((await post(sim, text('ora sì'))).status).toBe(200);
		} finally {
			await sim.stop();
		}
	});

	it('24-hour window: 131047 for a citizen who never wrote or wrote over 24 h ago; templates always pass', async () => {
		let clock = Date.UTC(2026, 3, 6, 10);
		const sim = await startSimulator({ pairRate: false, now: () => clock });
		try {
			const never = await post(sim, text('Buongiorno'));
			expect(never.status).toBe(400);
			expect(never.json.error).toMatchObject({
				code: 131047,
				message: '(#131047) Re-engagement message',
			});
			expect((await post(sim, template())).status).toBe(200);
			await sim.citizenSends({
				from: { waId: CITIZEN, name: 'Maria' },
				type: 'text',
				text: 'Salve',
			});
			expect((await post(sim, text('Buongiorno'))).status).toBe(200);
			clock += 24 * 3600 * 1000 + 1;
			expect((await post(sim, text('Ancora?'))).json.error.code).toBe(131047);
			const old = Math.floor(clock / 1000) - 25 * 3600;
			await sim.citizenSends({
				from: { waId: '393330000001' },
				type: 'text',
				text: 'vecchio',
				timestamp: old,
			});
			expect((await post(sim, text('x', '393330000001'))).json.error.code).toBe(131047);
		} finally {
			await sim.stop();
		}
	});

	it('24-hour window in async mode: 200, then a failed status webhook with 131047', async () => {
		const sim = await startSimulator({ windowErrorMode: 'async' });
		try {
			const { status, json } = await post(sim, text('fuori finestra'));
			expect(status).toBe(200);
			const wamid = json.messages[0].id;
			await until(() => sim.outbound()[0]?.status === 'failed');
			await sim.webhooksIdle();
			const failed = sim.webhookDeliveries.find((d) => d.messageIds.includes(wamid));
			const value = JSON.parse(failed!.body).entry[0].changes[0].value;
			expect(value.statuses[0]).toMatchObject({
				id: wamid,
				status: 'failed',
				recipient_id: CITIZEN,
			});
			expect(value.statuses[0].errors[0]).toMatchObject({
				code: 131047,
				title: 'Re-engagement message',
			});
			expect(sim.stats().failedByCode['131047']).toBe(1);
		} finally {
			await sim.stop();
		}
	});
});

describe('Cloud API simulator: injected failures', () => {
	let sim: CloudApiSimulator;
	beforeAll(async () => {
		sim = await startSimulator({ enforceWindow: false, pairRate: false });
	});
	afterAll(() => sim.stop());
	beforeEach(() => sim.reset());

	it('fails once with 500 / 131000, then accepts', async () => {
		sim.injectFailure({ code: 131000 });
		const failed = await post(sim, text('uno'));
		expect(failed.status).toBe(500);
		expect(failed.json.error).toMatchObject({
			code: 131000,
			message: '(#131000) Something went wrong',
		});
		expect((await post(sim, text('due'))).status).toBe(200);
	});

	it('honours to, times, httpStatus and code 190 (401)', async () => {
		sim.injectFailure({ to: '+39 333 1234567', code: 1, httpStatus: 503, times: 2 });
		expect((await post(sim, text('a', '393330000002'))).status).toBe(200);
		expect((await post(sim, text('b'))).status).toBe(503);
		expect((await post(sim, text('c'))).json.error.code).toBe(1);
		expect((await post(sim, text('d'))).status).toBe(200);
		sim.injectFailure({ code: 190 });
		const expired = await post(sim, text('e'));
		expect(expired.status).toBe(401);
		expect(expired.json.error.code).toBe(190);
	});

	it('afterAccepted: the injection waits until that many messages were accepted', async () => {
		sim.injectFailure({ code: 190, times: -1, afterAccepted: 3 });
		const statuses: number[] = [];
		for (let i = 0; i < 5; i++)
			statuses.push((await post(sim, template(`39333000000${i}`))).status);
		expect(statuses).toEqual([200, 200, 200, 401, 401]);
		expect(sim.stats()).toMatchObject({ accepted: 3, rejectedByCode: { '190': 2 } });
		// Injections in order: one that is not due yet is skipped, the next one applies.
		sim.clearFailures();
		sim.injectFailure({ code: 131000, afterAccepted: 10 });
		sim.injectFailure({ code: 131016, times: 1 });
		expect((await post(sim, text('x'))).json.error.code).toBe(131016);
		expect((await post(sim, text('y'))).status).toBe(200);
		// reset() starts the count again
		sim.reset();
		sim.injectFailure({ code: 368, afterAccepted: 1 });
		expect((await post(sim, text('a'))).status).toBe(200);
		const blocked = await post(sim, text('b'));
		expect(blocked.status).toBe(400);
		expect(blocked.json.error.code).toBe(368);
		expect((await post(sim, text('c'))).status).toBe(200);
	});

	it('POST /_sim/failures takes afterAccepted and refuses a bad one', async () => {
		const inject = (body: unknown) =>
			fetch(`${sim.baseUrl}/_sim/failures`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
		for (const bad of [-1, 1.5, '2', null, true, 1e300]) {
			const answer = await inject({ code: 190, afterAccepted: bad });
			expect(answer.status).toBe(400);
			expect(((await answer.json()) as { error: string }).error).toMatch(/afterAccepted/);
		}
		expect((await inject({ code: 190, times: -1, afterAccepted: 2 })).status).toBe(200);
		expect((await post(sim, text('1'))).status).toBe(200);
		expect((await post(sim, text('2'))).status).toBe(200);
		expect((await post(sim, text('3'))).status).toBe(401);
		expect((await fetch(`${sim.baseUrl}/_sim/failures`, { method: 'DELETE' })).status).toBe(200);
		expect((await post(sim, text('4'))).status).toBe(200);
	});

	it('131026 is asynchronous: 200, then a failed status', async () => {
		sim.injectFailure({ to: CITIZEN, code: 131026, times: -1 });
		const { status, json } = await post(sim, text('non arriverà'));
		expect(status).toBe(200);
		const outbound = await sim.waitForOutbound((m) => m.wamid === json.messages[0].id);
		await until(() => outbound.status === 'failed');
		expect((await post(sim, text('di nuovo'))).status).toBe(200);
		sim.clearFailures();
		expect(sim.stats().failedByCode['131026']).toBe(2);
	});
});
