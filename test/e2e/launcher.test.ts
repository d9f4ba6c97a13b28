/**
 * The n8n launcher behind the sandbox and the end-to-end tests: a real n8n starts with this package
 * installed as a community package, a workflow is imported and published, and its webhook answers over
 * HTTP; a taken port fails at once with a clear message.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

import { ensureN8nInstalled } from '../../dev/n8n/install';
import { assertPortFree, startN8n, type N8nInstance } from '../../dev/n8n/launcher';

const repo = join(__dirname, '../..');
const port = Number(process.env.WHATSURP_E2E_LAUNCHER_PORT ?? 5689);
const stateDir = join(repo, '.state/e2e-launcher');

/** Webhook → Code (runs in n8n's task runner) → answered with the last node's JSON. */
const launcherCheck = {
	name: 'Launcher check',
	nodes: [
		{
			id: 'f1a0c7e2-0b5e-4c47-9a3e-5d2b6c1e0a01',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'f1a0c7e2-0b5e-4c47-9a3e-5d2b6c1e0a0f',
			parameters: {
				httpMethod: 'POST',
				path: 'launcher-check',
				isFullPath: true,
				responseMode: 'lastNode',
				options: {},
			},
		},
		{
			id: 'f1a0c7e2-0b5e-4c47-9a3e-5d2b6c1e0a02',
			name: 'Answer',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [220, 0],
			parameters: { jsCode: 'return [{ json: { ok: true } }];' },
		},
	],
	connections: { Webhook: { main: [[{ node: 'Answer', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
	// fields an export from the editor carries: n8n import:workflow keeps the id and ignores the rest
	id: 'launcherCheck0001',
	active: false,
	versionId: '00000000-0000-4000-8000-000000000000',
	tags: [],
	pinData: {},
	meta: { templateCredsSetupCompleted: true },
};

describe('a taken port', () => {
	test('rejects at once with a clear message, before installing or starting anything', async () => {
		const server = createServer();
		await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
		const taken = (server.address() as AddressInfo).port;
		const startedAt = Date.now();
		try {
			await expect(
				startN8n({
					packageDir: repo,
					stateDir: join(repo, '.state/e2e-launcher-port'),
					port: taken,
					log: () => undefined,
				}),
			).rejects.toThrow(
				`Port ${taken} is already in use: stop the other n8n (or whatever listens there) or set N8N_PORT`,
			);
			expect(Date.now() - startedAt).toBeLessThan(5_000);
			expect(existsSync(join(repo, '.state/e2e-launcher-port'))).toBe(false);
		} finally {
			await new Promise<void>((done) => server.close(() => done()));
		}
	});
});

describe('n8n started by the launcher', () => {
	let n8n: N8nInstance | undefined;

	beforeAll(async () => {
		const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
			n8n: { nodes: string[] };
		};
		const missing = manifest.n8n.nodes.filter((file) => !existsSync(join(repo, file)));
		if (missing.length > 0)
			throw new Error(
				`The package is not built (missing ${missing.join(', ')}): run \`npm run build\` first`,
			);
		await ensureN8nInstalled(); // a cold cache takes a few minutes
		n8n = await startN8n({
			packageDir: repo,
			stateDir,
			port,
			fresh: true,
			workflows: [launcherCheck],
		});
	}, 15 * 60_000);

	afterAll(async () => {
		await n8n?.stop();
	}, 60_000);

	test('the published workflow answers on its production webhook', async () => {
		const response = await fetch(`${n8n!.baseUrl}/webhook/launcher-check`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ hello: 'n8n' }),
		});
		const text = await response.text();
		if (response.status !== 200)
			throw new Error(
				`HTTP ${response.status}: ${text}\n--- n8n log ---\n${n8n!.logs().slice(-4000)}`,
			);
		expect(JSON.parse(text)).toEqual({ ok: true });
	});

	test('importing the same workflow again updates it instead of adding a copy', async () => {
		const id = await n8n!.importWorkflow(launcherCheck);
		expect(id).toBe(n8n!.workflowIds[0]);
		const response = await fetch(
			`${n8n!.baseUrl}/api/v1/workflows?name=${encodeURIComponent(launcherCheck.name)}`,
			{
				headers: { 'X-N8N-API-KEY': n8n!.apiKey },
			},
		);
		const { data } = (await response.json()) as { data: Array<{ id: string; active: boolean }> };
		expect(data).toEqual([expect.objectContaining({ id, active: true })]);
		await n8n!.waitForWebhook('launcher-check', 'POST');
	}, 120_000);

	test('the package is loaded as a community package: its node types are n8n-nodes-whatsurp.*', () => {
		const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
			n8n: { nodes: string[] };
		};
		const types = JSON.parse(
			readFileSync(join(stateDir, '.cache/n8n/public/types/nodes.json'), 'utf8'),
		) as Array<{ name: string }>;
		const ours = [
			...new Set(
				types.map((type) => type.name).filter((name) => name.startsWith('n8n-nodes-whatsurp.')),
			),
		];
		// n8n adds an AI-tool variant "<name>Tool" of every node that is usableAsTool
		const nodes = ours.filter(
			(name) => !(name.endsWith('Tool') && ours.includes(name.slice(0, -'Tool'.length))),
		);
		expect(nodes).toHaveLength(manifest.n8n.nodes.length);
		expect(types.some((type) => type.name.startsWith('CUSTOM.'))).toBe(false);
		expect(
			existsSync(join(stateDir, '.n8n/nodes/node_modules/n8n-nodes-whatsurp/package.json')),
		).toBe(true);
	});

	test('stop ends n8n and frees the port (and may be called twice)', async () => {
		await n8n!.stop();
		await n8n!.stop();
		await expect(n8n!.exited).resolves.toEqual(expect.any(String));
		await expect(assertPortFree(port)).resolves.toBeUndefined();
	}, 60_000);
});
