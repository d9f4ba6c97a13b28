/**
 * `whatsurp-ingress` as IT runs it: the built entry point (dist/ingress/main.js, `npm run build`) in its
 * own process, configured by environment variables: clear refusals of a bad configuration, a message
 * through it to a real HTTP receiver, and SIGTERM with requests in flight (all answered and written).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openStore } from '../../../nodes/core/store';
import { FakeTrigger, until } from '../../helpers/fakeTrigger';
import {
	INGRESS_SECRET,
	INGRESS_VERIFY_TOKEN,
	messagePayload,
	sign,
	statusesPayload,
} from '../../helpers/ingressPayloads';

// real servers and databases on a machine other suites share: room for a slow moment
jest.setTimeout(30_000);

const MAIN = join(__dirname, '../../../dist/ingress/main.js');
const PORT = 5716;
const TRIGGER_PORT = 5717;

interface Run {
	child: ChildProcess;
	out: string[];
	err: string[];
	exit: Promise<number | null>;
}

function run(env: Record<string, string>): Run {
	const child = spawn(process.execPath, [MAIN], {
		env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const out: string[] = [];
	const err: string[] = [];
	child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
	child.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
	const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	return { child, out, err, exit };
}

function post(payload: unknown): Promise<number> {
	const { body, signature } = sign(payload);
	return new Promise((resolve, reject) => {
		const req = httpRequest(
			`http://127.0.0.1:${PORT}/`,
			{
				method: 'POST',
				agent: false,
				headers: {
					'x-hub-signature-256': signature,
					'content-type': 'application/json',
					'content-length': String(body.length),
				},
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode!));
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

function get(path: string): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		httpRequest(`http://127.0.0.1:${PORT}${path}`, { agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () =>
				resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }),
			);
		})
			.on('error', reject)
			.end();
	});
}

describe('whatsurp-ingress, the process', () => {
	let dir: string;
	const base = () => ({
		WHATSURP_INGRESS_PORT: String(PORT),
		WHATSURP_INGRESS_HOST: '127.0.0.1',
		WHATSURP_APP_SECRET: INGRESS_SECRET,
		WHATSURP_VERIFY_TOKEN: INGRESS_VERIFY_TOKEN,
		WHATSURP_TRIGGER_URL: `http://127.0.0.1:${TRIGGER_PORT}/webhook/abc/webhook`,
		WHATSURP_STORE_PATH: join(dir, 'store.sqlite'),
	});

	beforeAll(() => {
		if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
		dir = mkdtempSync(join(tmpdir(), 'whatsurp-ingress-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	test.each<[string, Record<string, string | undefined>, RegExp[]]>([
		[
			'nothing set',
			{},
			[
				/WHATSURP_APP_SECRET is required/,
				/WHATSURP_VERIFY_TOKEN is required/,
				/WHATSURP_TRIGGER_URL is required/,
			],
		],
		[
			"n8n's test URL",
			{ WHATSURP_TRIGGER_URL: 'http://n8n:5678/webhook-test/abc/webhook' },
			[/production URL/],
		],
		[
			'a port that is no port',
			{ WHATSURP_INGRESS_PORT: '80a' },
			[/WHATSURP_INGRESS_PORT must be a whole number/],
		],
		['an unknown store', { WHATSURP_STORE_BACKEND: 'mysql' }, [/Unknown store backend "mysql"/]],
		[
			'a store URL of another kind',
			{ WHATSURP_STORE_URL: 'mysql://u:p@h/db' },
			[/must start with postgres:\/\//],
		],
	])(
		'bad configuration (%s): exit 2 and every problem named, no secret',
		async (_label, change, messages) => {
			const env: Record<string, string> = {};
			if (Object.keys(change).length > 0) Object.assign(env, base(), change);
			const r = run(env);
			expect(await r.exit).toBe(2);
			const text = r.err.join('');
			for (const message of messages) expect(text).toMatch(message);
			expect(text).not.toContain(INGRESS_SECRET);
		},
	);

	test('a store that cannot be opened: exit 1, where it is named, the password not', async () => {
		const r = run({
			...base(),
			WHATSURP_STORE_URL: 'postgres://someone:s3cr3t-pw@127.0.0.1:5712/nothing',
		});
		expect(await r.exit).toBe(1);
		expect(r.err.join('')).toMatch(/cannot open the store \(PostgreSQL 127\.0\.0\.1:5712\/nothing/);
		expect(r.err.join('')).not.toContain('s3cr3t-pw');
	});

	test('serves, forwards, and on SIGTERM answers and writes every request in flight', async () => {
		const trigger = new FakeTrigger(TRIGGER_PORT);
		await trigger.start();
		const r = run(base());
		try {
			await until(() => r.out.join('').includes('listening'), 10_000, 'the ingress to listen');
			expect((await get('/healthz')).status).toBe(200);
			expect(await post(messagePayload('393471234567', 'wamid.P1', 'Buongiorno'))).toBe(200);
			await until(() => trigger.received.length === 1, 5000, 'the forward');
			expect(
				trigger.received[0].body.equals(
					sign(messagePayload('393471234567', 'wamid.P1', 'Buongiorno')).body,
				),
			).toBe(true);
			expect((await get('/metrics')).text).toMatch(/^whatsurp_ingress_forwarded_total 1$/m);

			const inFlight = Array.from({ length: 40 }, (_, i) =>
				post(statusesPayload([`wamid.T${i}`], 'read')),
			);
			await new Promise((resolve) => setTimeout(resolve, 5));
			r.child.kill('SIGTERM');
			const answers = await Promise.allSettled(inFlight);
			expect(await r.exit).toBe(0);
			const answered = answers
				.filter((a) => a.status === 'fulfilled')
				.map((a) => (a as PromiseFulfilledResult<number>).value);
			// a request the server had not accepted yet is refused at connect; none is left without an answer
			expect(answered.length).toBeGreaterThan(0);
			expect(answered.every((s) => s === 200)).toBe(true);
			const store = await openStore({ backend: 'sqlite', path: join(dir, 'store.sqlite') });
			try {
				expect((await store.statusTally())[0]?.read ?? 0).toBe(answered.length);
			} finally {
				await store.close();
			}
			expect(r.out.join('')).toMatch(/SIGTERM received[\s\S]*stopped/);
			expect(r.out.join('')).not.toContain('393471234567');
		} finally {
			r.child.kill('SIGKILL');
			await trigger.stop();
		}
	});
});
