/** What the ingress decides about one request (core/ingress/classify.ts): the trigger's checks, table-driven. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	classifyRequest,
	INGRESS_MAX_BODY_BYTES,
	type IngressDecision,
} from '../../../nodes/core/ingress/classify';
import { computeSignature } from '../../../nodes/core/whatsapp/signature';
import {
	INGRESS_SECRET,
	INGRESS_VERIFY_TOKEN,
	messagePayload,
	mixedPayload,
	sign,
	statusesPayload,
} from '../../helpers/ingressPayloads';

const settings = { appSecret: INGRESS_SECRET, verifyToken: INGRESS_VERIFY_TOKEN };

function post(body: Buffer | string, signature?: string | string[]): IngressDecision {
	const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
	return classifyRequest({ method: 'POST', query: {}, signature, body: bytes }, settings);
}
const signedPost = (body: Buffer | string) => post(body, computeSignature(body, INGRESS_SECRET));

describe('classifyRequest: refusals answer at once and write nothing', () => {
	const message = sign(messagePayload('393471234567', 'wamid.M1', 'Ciao'));
	const big = Buffer.alloc(INGRESS_MAX_BODY_BYTES + 1, 0x20);
	test.each<[string, () => IngressDecision, number, RegExp]>([
		[
			'GET with the right token',
			() =>
				classifyRequest(
					{
						method: 'GET',
						query: {
							'hub.mode': 'subscribe',
							'hub.verify_token': INGRESS_VERIFY_TOKEN,
							'hub.challenge': '8421',
						},
						signature: undefined,
						body: Buffer.alloc(0),
					},
					settings,
				),
			200,
			/^8421$/,
		],
		[
			'GET with a wrong token',
			() =>
				classifyRequest(
					{
						method: 'GET',
						query: {
							'hub.mode': 'subscribe',
							'hub.verify_token': 'guess',
							'hub.challenge': '8421',
						},
						signature: undefined,
						body: Buffer.alloc(0),
					},
					settings,
				),
			403,
			/verify_token/,
		],
		[
			'PUT',
			() =>
				classifyRequest(
					{ method: 'PUT', query: {}, signature: message.signature, body: message.body },
					settings,
				),
			405,
			/Only GET/,
		],
		['unsigned', () => post(message.body), 401, /missing/],
		[
			'forged (another secret)',
			() => post(message.body, computeSignature(message.body, 'not-the-secret')),
			401,
			/does not match/,
		],
		[
			'signed, then one byte changed',
			() => post(Buffer.from(message.body.toString().replace('Ciao', 'Cian')), message.signature),
			401,
			/does not match/,
		],
		['a malformed signature', () => post(message.body, 'sha1=abc'), 401, /sha256=<hex>/],
		['oversized (> 3 MB), even signed', () => signedPost(big), 413, /limit/],
		['not JSON', () => signedPost('{"object": whatsapp'), 400, /not valid JSON/],
		['not UTF-8', () => signedPost(Buffer.from([0x7b, 0xff, 0x7d])), 400, /UTF-8/],
		['empty', () => signedPost(' '), 400, /empty/],
		['a JSON array', () => signedPost('[1,2]'), 400, /not an object/],
		[
			'another object (a Page webhook)',
			() => signedPost('{"object":"page","entry":[]}'),
			400,
			/not a WhatsApp webhook/,
		],
		['no object at all', () => signedPost('{"entry":[]}'), 400, /not a WhatsApp webhook/],
	])('%s: the expected status', (_label, decide, status, body) => {
		const decision = decide();
		expect(decision).toMatchObject({ kind: 'answer', status });
		expect(decision.kind === 'answer' && decision.body).toMatch(body);
	});

	test('a refusal never echoes the payload', () => {
		const decision = signedPost('{"object": "393471234567 secret text');
		expect(JSON.stringify(decision)).not.toContain('393471234567');
	});
});

describe('classifyRequest: what a verified WhatsApp body writes', () => {
	test('statuses only: all of them to record, nothing to queue', () => {
		const wamids = Array.from({ length: 1000 }, (_, i) => `wamid.S${i}`);
		const { body, signature } = sign(statusesPayload(wamids, 'read'));
		const decision = post(body, signature);
		expect(decision.kind).toBe('write');
		if (decision.kind !== 'write') return;
		expect(decision.queue).toBeNull();
		expect(decision.statuses).toHaveLength(1000);
		expect(decision.statuses[999]).toEqual({
			wamid: 'wamid.S999',
			status: 'read',
			errorCode: null,
		});
	});

	test('a message: the raw bytes and the header as received, keyed by wamid and citizen', () => {
		const { body, signature } = sign(
			messagePayload('393471234567', 'wamid.M1', 'Perché è così? \u{1F600}'),
		);
		const upper = signature.replace('sha256=', 'SHA256=').toUpperCase();
		const decision = post(body, [`  ${upper} `, 'sha256=other']);
		expect(decision).toMatchObject({
			kind: 'write',
			statuses: [],
			queue: { wamid: 'wamid.M1', citizenKey: 'wa:393471234567', messages: 1, signature: upper },
		});
		expect(decision.kind === 'write' && decision.queue!.body).toBe(body);
	});

	test('statuses and a message together: both', () => {
		const { body, signature } = sign(
			mixedPayload(['wamid.S1', 'wamid.S2'], 'delivered', '393471234567', 'wamid.M2', 'STOP'),
		);
		const decision = post(body, signature);
		expect(decision).toMatchObject({
			kind: 'write',
			statuses: [
				{ wamid: 'wamid.S1', status: 'delivered' },
				{ wamid: 'wamid.S2', status: 'delivered' },
			],
			queue: { wamid: 'wamid.M2', citizenKey: 'wa:393471234567' },
		});
	});

	test.each([
		'mixed-batch.json',
		'smb-message-echoes.json',
		'bsuid-username-user.json',
		'status-failed.json',
	])("Meta's example %s: what the trigger would start is queued, statuses recorded", (name) => {
		const raw = readFileSync(join(__dirname, '../../fixtures/webhooks/custom', name));
		const decision = signedPost(raw);
		expect(decision.kind).toBe('write');
		if (decision.kind !== 'write') return;
		const payload = JSON.parse(raw.toString()) as {
			entry: Array<{
				changes: Array<{
					value: { messages?: unknown[]; message_echoes?: unknown[]; statuses?: unknown[] };
				}>;
			}>;
		};
		const values = payload.entry.flatMap((e) => e.changes.map((c) => c.value));
		const messages = values.reduce(
			(n, v) => n + (v.messages?.length ?? 0) + (v.message_echoes?.length ?? 0),
			0,
		);
		expect(decision.queue?.messages ?? 0).toBe(messages);
		if (decision.queue) expect(decision.queue.citizenKey).toMatch(/^(wa|user):/);
		expect(decision.queue === null || decision.queue.body.equals(raw)).toBe(true);
	});

	test('a WhatsApp body with nothing for us (an account update) writes nothing', () => {
		const decision = signedPost(
			JSON.stringify({
				object: 'whatsapp_business_account',
				entry: [
					{ id: '1', changes: [{ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } }] },
				],
			}),
		);
		expect(decision).toMatchObject({ kind: 'write', statuses: [], queue: null });
	});
});
