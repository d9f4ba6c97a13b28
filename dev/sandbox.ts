/**
 * The sandbox (`npm start`): a real n8n on http://127.0.0.1:5678 with this package installed as a
 * community package and every workflow in workflows/ imported and published. Its data lives in
 * .state/sandbox/ and is kept between runs, so staff's edits in the editor survive a restart, unless the
 * workflow's file changed meanwhile (then the file wins; see syncWorkflows). Ctrl-C stops everything.
 *
 * Simulators of the outside world (WhatsApp Cloud API, Open311, mailbox) plug in as `services`: each is
 * started before n8n, may pass env to n8n (e.g. its base URL) and print lines, and is stopped after n8n.
 */
import { createHash } from 'crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join, relative } from 'path';
import { ensureN8nInstalled, repoRoot } from './n8n/install';
import {
	cloudApiSandboxService,
	DEFAULT_SIMULATOR_PORT,
} from './simulators/cloudApi/sandboxService';
import {
	DEFAULT_MAILBOX_PAGE_PORT,
	DEFAULT_SMTP_PORT,
	mailboxSandboxService,
} from './simulators/mailbox/sandboxService';
import { DEFAULT_OPEN311_PORT, open311SandboxService } from './simulators/open311/sandboxService';
import {
	assertPortFree,
	DEFAULT_PORT,
	CredentialSpec,
	N8nInstance,
	PortInUseError,
	WebhookEndpoint,
	startN8n,
	webhookEndpoints,
} from './n8n/launcher';
import { LOCAL_POSTGRES } from './n8n/queueMode';
import { seedHistory } from './seed/history';
import { openStore } from '../nodes/core/store';
import { storeConfigFromCredential } from '../nodes/core/store/fromCredential';

/** Something the sandbox runs next to n8n (a simulator). */
export interface SandboxService {
	name: string;
	/**
	 * Starts the service: the env it returns is given to n8n, the credentials are created in n8n (the
	 * workflows reference them by name), the lines are printed in the banner.
	 */
	start(): Promise<{
		env?: Record<string, string>;
		lines?: string[];
		credentials?: CredentialSpec[];
	}>;
	/** Once the workflows are published: where their webhooks are (e.g. to send citizens' messages there). */
	connect?(baseUrl: string, endpoints: WebhookEndpoint[]): string[];
	stop(): Promise<void>;
}

/** Simulators, started in this order before n8n and stopped in reverse order after it. */
const services: SandboxService[] = [
	cloudApiSandboxService(Number(process.env.WHATSURP_SIMULATOR_PORT ?? DEFAULT_SIMULATOR_PORT)),
	open311SandboxService(Number(process.env.WHATSURP_OPEN311_PORT ?? DEFAULT_OPEN311_PORT)),
	mailboxSandboxService(
		Number(process.env.WHATSURP_SMTP_PORT ?? DEFAULT_SMTP_PORT),
		Number(process.env.WHATSURP_MAILBOX_PORT ?? DEFAULT_MAILBOX_PAGE_PORT),
	),
];

/** Login of the broadcast form in the sandbox (printed in the banner). */
const SANDBOX_FORM_LOGIN = { user: 'urp', password: 'sandbox-avvisi' };
/** Login of the dashboard in the sandbox (printed in the banner). */
const SANDBOX_DASHBOARD_LOGIN = { user: 'urp', password: 'sandbox-cruscotto' };

/** Credentials every sandbox gets, whatever the simulators: the subscription store in n8n's user folder. */
const SANDBOX_CREDENTIALS: CredentialSpec[] = [
	{ name: 'Archivio iscrizioni', type: 'whatsUrpStore', data: { backend: 'sqlite', path: '' } },
	// who may open the staff's broadcast form (workflows/broadcast.json); a throwaway sandbox password
	{ name: 'Accesso modulo avvisi', type: 'httpBasicAuth', data: SANDBOX_FORM_LOGIN },
	// who may open the dashboard (workflows/dashboard.json)
	{ name: 'WhatsUrp – Cruscotto (accesso)', type: 'httpBasicAuth', data: SANDBOX_DASHBOARD_LOGIN },
];

/**
 * `npm start -- --queue`: the same sandbox in n8n's queue mode (main, a webhook processor on the next
 * port, two workers; n8n's database on PostgreSQL and its jobs on Redis on this machine), with the
 * store on PostgreSQL (schema whatsurp_sandbox). Its state is .state/sandbox-queue.
 */
const QUEUE = process.argv.includes('--queue');

/** The store credential for queue mode: every process must see the same store. */
function inQueueMode(credential: CredentialSpec): CredentialSpec {
	return credential.type === 'whatsUrpStore'
		? {
				...credential,
				data: { backend: 'postgres', ...LOCAL_POSTGRES, schema: 'whatsurp_sandbox', ssl: false },
			}
		: credential;
}

/**
 * Seeds, once, a year of history into the sandbox's store (dev/seed/history.ts), so the dashboard shows
 * something on first open; a store with subscriptions of its own is left as it is. Skipped with
 * `WHATSURP_SANDBOX_HISTORY=0`. Returns the banner's line.
 */
async function seedSandboxHistory(
	credentials: CredentialSpec[],
	stateDir: string,
): Promise<string> {
	if (process.env.WHATSURP_SANDBOX_HISTORY === '0')
		return 'Storico:   not seeded (WHATSURP_SANDBOX_HISTORY=0)';
	const credential = credentials.find((one) => one.type === 'whatsUrpStore');
	if (credential === undefined) return 'Storico:   no store credential';
	// the store the nodes open: n8n's user folder is <stateDir>/.n8n (N8N_USER_FOLDER is stateDir)
	const store = await openStore(storeConfigFromCredential(credential.data, join(stateDir, '.n8n')));
	try {
		console.log('Seeding the store with a year of history (once)…');
		const seeded = await seedHistory(store, { log: (line) => console.log(line) });
		return seeded.seeded
			? `Storico:   a year of history seeded (${seeded.citizens} citizens, ${seeded.broadcasts} alerts, ${seeded.questions} questions, ${seeded.reports} reports) in ${(seeded.milliseconds / 1000).toFixed(1)} s`
			: `Storico:   kept (${seeded.skipped})`;
	} finally {
		await store.close();
	}
}

/** Body sent in the printed curl line of a POST webhook, unless the workflow pins sample data for it. */
const EXAMPLE_BODY = { timestamp: '2026-04-06T10:00:00+02:00' };

interface WorkflowJson {
	name?: string;
	nodes?: unknown[];
	pinData?: Record<string, Array<{ json?: { body?: unknown } }>>;
}

interface WorkflowFile {
	file: string;
	/** sha256 of the file, to tell whether it changed since it was last imported */
	hash: string;
	workflow: WorkflowJson;
}

interface LiveWorkflow extends WorkflowJson {
	id: string;
	active: boolean;
	isArchived?: boolean;
	activeVersion?: { nodes?: unknown[] } | null;
}

function readWorkflows(folder: string): WorkflowFile[] {
	if (!existsSync(folder)) return [];
	return readdirSync(folder)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => {
			const file = join(folder, name);
			const text = readFileSync(file, 'utf8');
			let workflow: WorkflowJson;
			try {
				workflow = JSON.parse(text) as WorkflowJson;
			} catch (error) {
				throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
			}
			if (typeof workflow.name !== 'string' || workflow.name === '')
				throw new Error(`${file}: the workflow has no name`);
			return { file, hash: createHash('sha256').update(text).digest('hex'), workflow };
		});
}

async function publicApi<T>(n8n: N8nInstance, path: string): Promise<T> {
	const response = await fetch(`${n8n.baseUrl}/api/v1${path}`, {
		headers: { 'X-N8N-API-KEY': n8n.apiKey },
	});
	if (!response.ok)
		throw new Error(
			`GET /api/v1${path} answered HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`,
		);
	return (await response.json()) as T;
}

/**
 * Brings the workflow files into n8n. A file that changed since it was last imported (or whose workflow is
 * gone) is imported over the workflow of the same name and published; an unchanged file leaves the workflow
 * as staff left it in the editor (edited, even unpublished). n8n's workflow history keeps replaced versions.
 */
async function syncWorkflows(n8n: N8nInstance, stateDir: string, files: WorkflowFile[]) {
	const recordFile = join(stateDir, 'imported-workflows.json');
	const record = (
		existsSync(recordFile) ? JSON.parse(readFileSync(recordFile, 'utf8')) : {}
	) as Record<string, string>;
	// A workflow imported from a file that is gone (renamed or replaced, e.g. the subscriptions workflow
	// became part of the inbound one) is unpublished first: it may hold the same webhook path.
	const names = new Set(files.map((file) => file.workflow.name as string));
	for (const name of Object.keys(record).filter((recorded) => !names.has(recorded))) {
		const { data } = await publicApi<{ data: LiveWorkflow[] }>(
			n8n,
			`/workflows?name=${encodeURIComponent(name)}&limit=250`,
		);
		for (const stale of data.filter((workflow) => workflow.name === name && workflow.active)) {
			const response = await fetch(`${n8n.baseUrl}/api/v1/workflows/${stale.id}/deactivate`, {
				method: 'POST',
				headers: { 'X-N8N-API-KEY': n8n.apiKey },
			});
			if (!response.ok)
				throw new Error(
					`Could not unpublish "${name}" (HTTP ${response.status}): unpublish it in the editor`,
				);
			console.log(`Unpublished "${name}": its file is no longer in workflows/`);
		}
		delete record[name];
		writeFileSync(recordFile, JSON.stringify(record, null, '\t') + '\n');
	}
	const synced: Array<{ file: WorkflowFile; live: LiveWorkflow; note: string }> = [];
	for (const file of files) {
		const name = file.workflow.name as string;
		const { data } = await publicApi<{ data: LiveWorkflow[] }>(
			n8n,
			`/workflows?name=${encodeURIComponent(name)}&limit=250`,
		);
		const existing = data.find((workflow) => workflow.name === name && !workflow.isArchived);
		let id: string;
		let note: string;
		if (existing && record[name] === file.hash) {
			id = existing.id;
			note = 'file unchanged: kept as edited in n8n';
		} else {
			id = await n8n.importWorkflow(file.workflow, true);
			record[name] = file.hash;
			writeFileSync(recordFile, JSON.stringify(record, null, '\t') + '\n');
			note = existing ? 'updated from the changed file and published' : 'imported and published';
		}
		const live = await publicApi<LiveWorkflow>(n8n, `/workflows/${id}`);
		if (live.active) {
			for (const hook of webhookEndpoints({ nodes: live.activeVersion?.nodes ?? live.nodes })) {
				await n8n.waitForWebhook(hook.path, hook.method, undefined, hook.prefix);
			}
		} else {
			note += ' (not published)';
		}
		synced.push({ file, live, note });
	}
	return synced;
}

function shellQuote(text: string): string {
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** curl lines for the production webhooks of a published workflow. */
function curlLines(baseUrl: string, live: LiveWorkflow, file: WorkflowFile): string[] {
	if (!live.active) return [];
	return (
		webhookEndpoints({ nodes: live.activeVersion?.nodes ?? live.nodes })
			// Meta's webhooks are signed: the Cloud API simulator's chat page sends them, not curl; forms are
			// opened in a browser (the banner prints their address)
			.filter(
				({ nodeType, prefix }) =>
					nodeType !== 'n8n-nodes-whatsurp.whatsUrpTrigger' && prefix !== 'form',
			)
			.map(({ path, method, nodeName }) => {
				const url = `${baseUrl}/webhook/${path}`;
				if (method === 'GET' || method === 'HEAD' || method === 'DELETE')
					return `curl -sS -X ${method} ${url}`;
				const pinned = (live.pinData ?? file.workflow.pinData)?.[nodeName]?.[0]?.json?.body;
				const body = pinned && typeof pinned === 'object' ? pinned : EXAMPLE_BODY;
				return `curl -sS -X ${method} ${url} -H 'Content-Type: application/json' -d ${shellQuote(JSON.stringify(body))}`;
			})
	);
}

async function main(): Promise<number> {
	const repo = repoRoot();
	// queue mode: 5878 (webhook processor 5879), clear of the tests' ports
	const port = Number(process.env.N8N_PORT ?? (QUEUE ? DEFAULT_PORT + 200 : DEFAULT_PORT));
	if (!Number.isInteger(port) || port <= 0 || port > 65535)
		throw new Error(`N8N_PORT must be a port number, not "${process.env.N8N_PORT}"`);
	const workflows = readWorkflows(join(repo, 'workflows'));

	await assertPortFree(port); // before anything is installed or started
	await ensureN8nInstalled();

	const started: SandboxService[] = [];
	let n8n: N8nInstance | undefined;
	let stopping: Promise<void> | undefined;
	const stopAll = (): Promise<void> =>
		(stopping ??= (async () => {
			if (n8n) {
				console.log('Stopping n8n…');
				await n8n.stop();
			}
			for (const service of started.reverse()) {
				console.log(`Stopping ${service.name}…`);
				await service
					.stop()
					.catch((error: unknown) =>
						console.error(`Stopping ${service.name} failed: ${(error as Error).message}`),
					);
			}
		})());

	let interrupted = false;
	const onSignal = (signal: NodeJS.Signals) => {
		if (interrupted) {
			console.log('Forced exit');
			process.exit(130);
		}
		interrupted = true;
		console.log(`\n${signal}: stopping the sandbox (Ctrl-C again to force)`);
		void stopAll().then(() => process.exit(0));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);

	try {
		const env: Record<string, string> = {};
		const serviceLines: string[] = [];
		const credentials: CredentialSpec[] = [...SANDBOX_CREDENTIALS];
		for (const service of services) {
			console.log(`Starting ${service.name}…`);
			const result = await service.start();
			started.push(service);
			Object.assign(env, result.env);
			serviceLines.push(...(result.lines ?? []));
			credentials.push(...(result.credentials ?? []));
		}

		const stateDir = join(repo, '.state', QUEUE ? 'sandbox-queue' : 'sandbox');
		const storeCredentials = QUEUE ? credentials.map(inQueueMode) : credentials;
		serviceLines.push(await seedSandboxHistory(storeCredentials, stateDir));
		if (QUEUE)
			console.log(
				`Queue mode: main on ${port}, webhook processor on ${port + 1}, 2 workers, PostgreSQL and Redis on 127.0.0.1`,
			);
		n8n = await startN8n({
			packageDir: repo,
			stateDir,
			port,
			fresh: false,
			env,
			credentials: storeCredentials,
			queue: QUEUE ? { workers: 2 } : undefined,
		});
		const synced = await syncWorkflows(n8n, stateDir, workflows);
		const endpoints = synced
			.filter(({ live }) => live.active)
			.flatMap(({ live }) => webhookEndpoints({ nodes: live.activeVersion?.nodes ?? live.nodes }));
		for (const service of started)
			serviceLines.push(...(service.connect?.(n8n.webhookBaseUrl, endpoints) ?? []));
		if (interrupted) return 0;

		const lines = [
			'',
			'━━━ WhatsUrp sandbox ━━━',
			`Editor:   ${n8n.baseUrl}`,
			`Login:    ${n8n.owner.email}  /  ${n8n.owner.password}`,
			'',
			synced.length === 0 ? 'No workflow in workflows/.' : 'Workflows from workflows/:',
		];
		for (const { file, live, note } of synced) {
			lines.push(
				`  • ${live.name ?? file.workflow.name}  ${n8n.baseUrl}/workflow/${live.id}  (${note})`,
			);
			for (const curl of curlLines(n8n.webhookBaseUrl, live, file)) lines.push(`      ${curl}`);
		}
		if (serviceLines.length > 0) lines.push('', ...serviceLines);
		lines.push(
			`Avvisi:    form at ${n8n.webhookBaseUrl}/form/avviso-whatsapp (login ${SANDBOX_FORM_LOGIN.user} / ${SANDBOX_FORM_LOGIN.password})`,
			`Cruscotto: ${n8n.webhookBaseUrl}/webhook/whatsurp/cruscotto (login ${SANDBOX_DASHBOARD_LOGIN.user} / ${SANDBOX_DASHBOARD_LOGIN.password})`,
		);
		lines.push(
			'',
			`Data kept in ${relative(repo, stateDir)}/ (n8n log: ${relative(repo, stateDir)}/n8n.log${QUEUE ? ', one per process' : ''}). Ctrl-C stops n8n.`,
			'',
		);
		console.log(lines.join('\n'));

		// runs until a signal stops everything (and exits), or until n8n dies
		const reason = await n8n.exited;
		if (interrupted) return 0;
		console.error(
			`n8n stopped unexpectedly (${reason}). Last lines of its log:\n${n8n.logs().trimEnd().split('\n').slice(-30).join('\n')}`,
		);
		await stopAll();
		return 1;
	} catch (error) {
		await stopAll();
		if (interrupted) return 0;
		throw error;
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(
			error instanceof PortInUseError
				? error.message
				: `Sandbox failed: ${(error as Error).message ?? String(error)}`,
		);
		process.exit(1);
	},
);
