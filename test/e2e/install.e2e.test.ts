/**
 * IT's way in, as the README's "Installing on the city's n8n" tells it while the package is not on npm's
 * registry: `npm pack` makes a versioned tarball of the listed files; npm installs that tarball into a
 * clean n8n's `~/.n8n/nodes` (a real install, not a copy or a symlink of the clone); the credentials are
 * created; every file of workflows/ is imported with `n8n import:workflow --separate --input=workflows/`,
 * keeps its id and finds its credentials by name; a second import updates instead of adding copies; the
 * workflows are published and run. Then the editor's own import, which drops the file's id.
 * Single instance only (the install does not depend on the topology).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { ensureN8nInstalled } from '../../dev/n8n/install';
import {
	SANDBOX_OWNER,
	startN8n,
	webhookEndpoints,
	type CredentialSpec,
	type N8nInstance,
} from '../../dev/n8n/launcher';
import { mailboxCredential } from '../../dev/n8n/workflowCredentials';
import { TEST_ACCOUNT } from '../helpers/cloudApi';

const repo = join(__dirname, '../..');
const port = Number(process.env.WHATSURP_E2E_INSTALL_PORT ?? 5695);
const stateDir = join(repo, '.state/e2e-install');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
	dependencies: Record<string, string>;
};

interface WorkflowFile {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; credentials?: Record<string, { name: string }> }>;
}
const files = readdirSync(join(repo, 'workflows'))
	.filter((file) => file.endsWith('.json'))
	.map((file) => JSON.parse(readFileSync(join(repo, 'workflows', file), 'utf8')) as WorkflowFile);

/** Every credential the files name, with local values (the workflows are imported and published, not used). */
const CREDENTIALS: CredentialSpec[] = [
	{
		name: 'WhatsApp URP',
		type: 'whatsAppCloudApi',
		data: { ...TEST_ACCOUNT, businessAccountId: '', baseUrl: 'http://127.0.0.1:9' },
	},
	{ name: 'Archivio iscrizioni', type: 'whatsUrpStore', data: { backend: 'sqlite', path: '' } },
	{
		name: 'Segnala Rimini',
		type: 'open311Api',
		data: { baseUrl: 'http://127.0.0.1:9', apiKey: 'install-test', jurisdictionId: '' },
	},
	mailboxCredential(9),
	{ name: 'Accesso modulo avvisi', type: 'httpBasicAuth', data: { user: 'urp', password: 'x' } },
	{
		name: 'WhatsUrp – Cruscotto (accesso)',
		type: 'httpBasicAuth',
		data: { user: 'urp', password: 'y' },
	},
	// a second credential of a type the files use: a name must still find its own one
	{ name: 'Altra casella (SMTP)', type: 'smtp', data: { ...mailboxCredential(10).data } },
];

let n8n: N8nInstance;
let tarball: string;

interface ApiWorkflow {
	id: string;
	name: string;
	active: boolean;
	isArchived?: boolean;
	nodes: Array<{ name: string; credentials?: Record<string, { id: string | null; name: string }> }>;
}

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
	const response = await fetch(`${n8n.baseUrl}/api/v1${path}`, {
		method: init.method ?? 'GET',
		headers: { 'X-N8N-API-KEY': n8n.apiKey, 'content-type': 'application/json' },
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
	const text = await response.text();
	if (!response.ok)
		throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${response.status} ${text}`);
	return JSON.parse(text) as T;
}

const workflowsNamed = async (name: string) =>
	(
		await api<{ data: ApiWorkflow[] }>(`/workflows?name=${encodeURIComponent(name)}&limit=250`)
	).data.filter((workflow) => workflow.name === name && !workflow.isArchived);

jest.setTimeout(5 * 60_000);

beforeAll(async () => {
	if (!existsSync(join(repo, 'dist')))
		throw new Error('dist/ is missing: run `npm run build` first');
	await ensureN8nInstalled();
	rmSync(stateDir, { recursive: true, force: true });
	const packDir = join(stateDir, 'pack');
	mkdirSync(packDir, { recursive: true });
	// what the README tells IT to run in the clone (the build is part of npm test)
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', `--pack-destination=${packDir}`], {
			cwd: repo,
			encoding: 'utf8',
		}),
	) as Array<{ filename: string }>;
	tarball = join(packDir, packed[0].filename);
	n8n = await startN8n({
		packageDir: repo,
		tarball,
		stateDir,
		port,
		fresh: false,
		credentials: CREDENTIALS,
	});
}, 10 * 60_000);

afterAll(async () => {
	await n8n?.stop();
}, 60_000);

test('npm pack makes a versioned tarball, and npm installs it into ~/.n8n/nodes as a real package', () => {
	expect(tarball.endsWith(`${manifest.name}-${manifest.version}.tgz`)).toBe(true);
	const nodes = join(stateDir, '.n8n/nodes/node_modules');
	const installed = join(nodes, manifest.name);
	// npm unpacked the tarball: a folder of its own, not a link to the clone
	expect(lstatSync(installed).isSymbolicLink()).toBe(false);
	expect(
		(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string })
			.version,
	).toBe(manifest.version);
	expect(readdirSync(installed).sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
	// npm installed the runtime dependencies from the registry, and no n8n-workflow of its own
	for (const dependency of Object.keys(manifest.dependencies))
		expect(existsSync(join(nodes, dependency, 'package.json'))).toBe(true);
	expect(existsSync(join(nodes, 'n8n-workflow'))).toBe(false);
	// n8n loaded it as a community package
	const types = JSON.parse(
		readFileSync(join(stateDir, '.cache/n8n/public/types/nodes.json'), 'utf8'),
	) as Array<{ name: string }>;
	expect(types.some((type) => type.name === `${manifest.name}.officeHours`)).toBe(true);
});

describe('n8n import:workflow --separate --input=workflows/', () => {
	let output = '';

	beforeAll(async () => {
		output = await n8n.cli(['import:workflow', '--separate', `--input=${join(repo, 'workflows')}`]);
	});

	test('imports every file with its own id, each credential found by its name', async () => {
		expect(output).toContain(`Successfully imported ${files.length} workflows`);
		for (const file of files) {
			const imported = await api<ApiWorkflow>(`/workflows/${file.id}`);
			expect(imported.name).toBe(file.name);
			for (const node of file.nodes) {
				for (const [type, reference] of Object.entries(node.credentials ?? {})) {
					const resolved = imported.nodes.find((one) => one.name === node.name)!.credentials![type];
					expect({ node: node.name, type, ...resolved }).toEqual({
						node: node.name,
						type,
						id: n8n.credentialIds[reference.name],
						name: reference.name,
					});
				}
			}
		}
	});

	test('published, the workflows run: the office-hours demo answers, the WhatsApp trigger verifies Meta', async () => {
		for (const file of files) {
			await api(`/workflows/${file.id}/publish`, { method: 'POST', body: {} });
			for (const hook of webhookEndpoints(file))
				await n8n.waitForWebhook(hook.path, hook.method, undefined, hook.prefix);
		}
		const demo = await fetch(`${n8n.baseUrl}/webhook/orari-urp`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ timestamp: '2026-04-07T10:00:00+02:00' }), // a Tuesday morning
		});
		expect(demo.status).toBe(200);
		expect(await demo.json()).toEqual(expect.objectContaining({ open: true }));

		const inbound = files.find((file) => file.id === 'WhatsUrpInbound0')!;
		const trigger = webhookEndpoints(inbound).find((hook) => hook.method === 'GET')!;
		const handshake = await fetch(
			`${n8n.baseUrl}/webhook/${trigger.path}?hub.mode=subscribe&hub.verify_token=${TEST_ACCOUNT.verifyToken}&hub.challenge=1158201444`,
		);
		expect(await handshake.text()).toBe('1158201444');
	});

	test('a second import updates the same workflows: no copies, and each is to be published again', async () => {
		const again = await n8n.cli([
			'import:workflow',
			'--separate',
			`--input=${join(repo, 'workflows')}`,
		]);
		expect(again).toContain(`Successfully imported ${files.length} workflows`);
		for (const file of files) {
			expect(await workflowsNamed(file.name)).toEqual([
				expect.objectContaining({ id: file.id, active: false }),
			]);
		}
	});
});

test("the editor's Import from File keeps no id: the saved workflow gets a new one and finds its credentials by name", async () => {
	const file = files.find((one) => one.id === 'WhatsUrpBroadcst')!;
	// the editor loads the file into a new workflow and saves it with this request (no id)
	const login = await fetch(`${n8n.baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'install-test' },
		body: JSON.stringify({
			emailOrLdapLoginId: SANDBOX_OWNER.email,
			password: SANDBOX_OWNER.password,
		}),
	});
	expect(login.status).toBe(200);
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	const content: Record<string, unknown> = { ...file };
	delete content.id;
	const saved = await fetch(`${n8n.baseUrl}/rest/workflows`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie, 'browser-id': 'install-test' },
		body: JSON.stringify({ ...content, name: `${file.name} (copia)`, active: false }),
	});
	const text = await saved.text();
	expect({ status: saved.status, text: saved.status === 200 ? '' : text }).toEqual({
		status: 200,
		text: '',
	});
	const { data } = JSON.parse(text) as { data: { id: string } };
	expect(data.id).not.toBe(file.id);
	const stored = await api<ApiWorkflow>(`/workflows/${data.id}`);
	const form = stored.nodes.find((node) => node.credentials?.httpBasicAuth)!;
	expect(form.credentials!.httpBasicAuth).toEqual({
		id: n8n.credentialIds['Accesso modulo avvisi'],
		name: 'Accesso modulo avvisi',
	});
});
