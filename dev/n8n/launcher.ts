/**
 * Starts the cached n8n (see install.ts) on 127.0.0.1 with this package loaded as a community package,
 * exactly as a user's n8n loads it, sets up the owner and an API key, and imports workflows with n8n's own
 * `n8n import:workflow` (as IT does) and publishes them.
 *
 * Community package layout (what n8n's own installer produces; details and evidence in dev/n8n/README.md):
 *   <stateDir>/.n8n/nodes/package.json                          lists the package
 *   <stateDir>/.n8n/nodes/node_modules/<package>/               package.json (no dev/peer/optional deps) + files
 * n8n scans <N8N_USER_FOLDER>/.n8n/nodes/node_modules/n8n-nodes-* at start (no database rows needed) and the
 * package's `require('n8n-workflow')` resolves to n8n's own copy through the NODE_PATH that n8n sets to its
 * own module paths. Node looks in every ancestor's node_modules first, though, and the state folder lives in
 * the clone, whose node_modules has a second n8n-workflow (and all dev dependencies). So `.n8n/nodes` is a
 * symlink to a folder in the n8n cache outside the clone: Node resolves requires from the real path, whose
 * ancestors have no node_modules, as in a user's ~/.n8n.
 */
import { ChildProcess, spawn } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import {
	appendFileSync,
	closeSync,
	cpSync,
	existsSync,
	lstatSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	readSync,
	realpathSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from 'fs';
import { homedir } from 'os';
import { createServer } from 'net';
import { dirname, isAbsolute, join, relative, resolve } from 'path';
import { cacheRoot, ensureN8nInstalled, nodeBinary, npmEnv, progress } from './install';
import {
	assertRedisAnswers,
	deleteRedisKeys,
	preparePostgresDatabase,
	queueModeEnv,
	resolveQueueMode,
	type QueueMode,
	type QueueModeOptions,
} from './queueMode';

export type { QueueMode, QueueModeOptions } from './queueMode';

export const DEFAULT_PORT = 5678;

/** Local sandbox login (never used outside 127.0.0.1). The password meets n8n's rules: 8+ chars, a digit, an uppercase letter. */
export const SANDBOX_OWNER = {
	email: 'urp@whatsurp.test',
	// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- a local sandbox login, printed on purpose
	password: 'WhatsUrp-Sandbox-2026',
	firstName: 'URP',
	lastName: 'Sandbox',
};

const API_KEY_LABEL = 'whatsurp-dev';
const BROWSER_ID = 'whatsurp-dev-launcher';
const WEBHOOK_NODE_TYPE = 'n8n-nodes-base.webhook';
const WHATSURP_TRIGGER_TYPE = 'n8n-nodes-whatsurp.whatsUrpTrigger';
const MAX_LOG_BYTES = 4_000_000;
/**
 * Variables of ours that n8n does not get: a developer's own n8n settings, jest's NODE_ENV=test (n8n then
 * refuses to load nodes) and Node flags.
 */
const NOT_INHERITED_ENV =
	/^(N8N_|DB_|QUEUE_|EXECUTIONS_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODE_OPTIONS$|NODE_PATH$|NODE_ENV$)/;

export interface StartN8nOptions {
	/** Root of the built package (has package.json with an `n8n` section and dist/). */
	packageDir: string;
	/** Ignored state folder (e.g. <repo>/.state/e2e); n8n user folder + SQLite live here. */
	stateDir: string;
	/**
	 * A packed package (`npm pack`) to install as IT does (see installCommunityTarball) instead of copying
	 * the built package in packageDir (in queue mode every process gets a copy of that install).
	 */
	tarball?: string;
	/** Default 5678 (n8n's task broker gets a free port of its own). */
	port?: number;
	/** Wipe stateDir first (tests: true; sandbox: false, keeps staff's edits between runs). */
	fresh?: boolean;
	/** Workflow JSON objects to import and publish (activate); startN8n resolves once their webhooks answer. */
	workflows?: object[];
	/**
	 * Credentials to create (or update, matched by name and type) before the workflows are imported; the
	 * workflows reference them by name, as the files in workflows/ do.
	 */
	credentials?: CredentialSpec[];
	/** Extra env for n8n (applied last). */
	env?: Record<string, string>;
	/** Progress lines (default: stderr). */
	log?: (line: string) => void;
	/** How long to wait for n8n to be ready (default 180 s; the first start runs the database migrations). */
	startTimeoutMs?: number;
	/**
	 * Queue mode instead of one n8n: the main (editor, API, timers), `n8n worker` processes (executions) and
	 * an `n8n webhook` processor (production webhooks and forms), n8n's database on PostgreSQL and its jobs
	 * on Redis; each process has its own user folder with the package installed in it.
	 */
	queue?: QueueModeOptions;
}

export interface CredentialSpec {
	name: string;
	/** Credential type, e.g. whatsAppCloudApi. */
	type: string;
	data: Record<string, unknown>;
}

export interface N8nInstance {
	/** http://127.0.0.1:<port>: the editor, REST and public API */
	baseUrl: string;
	/** Where production webhooks, forms and resume links are served: the webhook processor in queue mode. */
	webhookBaseUrl: string;
	topology: 'single' | 'queue';
	/** Queue mode's settings as resolved (n8n's database, Redis, key prefix); undefined on a single n8n. */
	queue: QueueMode | undefined;
	/** Every process started: the main first, then the webhook processor and the workers in queue mode. */
	processes: N8nProcess[];
	/** Queue mode: starts one more worker (e.g. after a fault test killed one) once it takes jobs. */
	startWorker(): Promise<N8nProcess>;
	owner: { email: string; password: string };
	apiKey: string;
	/** Ids of the imported workflows, in order. */
	workflowIds: string[];
	/** Ids of the credentials created from `options.credentials`, by name. */
	credentialIds: Record<string, string>;
	/** Creates or updates (by name and type) a credential; returns its id. */
	upsertCredential(credential: CredentialSpec): Promise<string>;
	/**
	 * Imports a workflow as IT does, with `n8n import:workflow` (a second import of the same id updates it),
	 * and publishes it through the public API unless activate is false; returns its id. A workflow without
	 * an id gets one derived from its name; an earlier copy of the same name with another id is unpublished.
	 */
	importWorkflow(workflow: object, activate?: boolean): Promise<string>;
	/** Runs an n8n command-line command (e.g. `import:workflow`, `list:workflow`) on this instance's database; resolves with its output. */
	cli(args: string[]): Promise<string>;
	/** Waits until the production webhook is registered (a CORS preflight answers 204 for the method; nothing is executed). */
	waitForWebhook(
		path: string,
		method?: string,
		timeoutMs?: number,
		prefix?: 'webhook' | 'form',
	): Promise<void>;
	/** n8n's stdout+stderr so far (for test failure messages). */
	logs(): string;
	/** The main n8n process id (benchmarks read its memory; fault tests kill it). */
	pid: number;
	/** SIGKILL to every n8n process group at once: a crash, for fault tests. */
	kill(): Promise<void>;
	/** SIGTERM (webhook processor, workers, then the main), SIGKILL after a grace period; idempotent. */
	stop(): Promise<void>;
	/** Settles when the main n8n process has ended, with how ("code 0", "signal SIGTERM", …). */
	exited: Promise<string>;
}

export class PortInUseError extends Error {
	constructor(readonly port: number) {
		super(
			`Port ${port} is already in use: stop the other n8n (or whatever listens there) or set N8N_PORT`,
		);
		this.name = 'PortInUseError';
	}
}

interface WorkflowJson {
	name?: unknown;
	nodes?: Array<{ type?: string; disabled?: boolean; parameters?: Record<string, unknown> }>;
	[key: string]: unknown;
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function tail(text: string, lines = 60): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Resolves when 127.0.0.1:port can be bound (and frees it again); rejects with PortInUseError otherwise. */
export async function assertPortFree(port: number): Promise<void> {
	await new Promise<void>((resolvePromise, reject) => {
		const server = createServer();
		server.once('error', (error: NodeJS.ErrnoException) => {
			reject(
				error.code === 'EADDRINUSE' || error.code === 'EACCES' ? new PortInUseError(port) : error,
			);
		});
		server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
			server.close(() => resolvePromise()),
		);
	});
}

/** A port on 127.0.0.1 that is free right now. */
async function freePort(): Promise<number> {
	return await new Promise<number>((resolvePromise, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
			const address = server.address();
			server.close(() =>
				typeof address === 'object' && address
					? resolvePromise(address.port)
					: reject(new Error('No free port')),
			);
		});
	});
}

/** The key n8n encrypts credentials with: generated once per state folder and kept there. */
function encryptionKey(stateDir: string): string {
	const file = join(stateDir, 'encryption-key');
	if (existsSync(file)) return readFileSync(file, 'utf8').trim();
	const key = randomBytes(24).toString('hex');
	writeFileSync(file, key + '\n', { mode: 0o600 });
	return key;
}

function isInside(child: string, parent: string): boolean {
	const rel = relative(parent, child);
	return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Refuses to wipe folders that are obviously not a state folder. */
function wipeStateDir(stateDir: string, packageDir: string): void {
	if (stateDir === resolve('/') || stateDir === homedir() || isInside(packageDir, stateDir)) {
		throw new Error(`Refusing to wipe ${stateDir}: it is not a dedicated state folder`);
	}
	rmSync(stateDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------
// The package, installed as a community package

interface PackageJson {
	name: string;
	version: string;
	files?: string[];
	dependencies?: Record<string, string>;
	n8n?: { nodes?: string[]; credentials?: string[] };
	[key: string]: unknown;
}

/** Folder outside the clone that <stateDir>/.n8n/nodes links to (one per state folder). */
function communityNodesDir(stateDir: string): string {
	const id = createHash('sha256').update(stateDir).digest('hex').slice(0, 12);
	return join(cacheRoot(), 'community-nodes', id);
}

/**
 * Copies the built package into <stateDir>/.n8n/nodes/node_modules/<name> as n8n's installer would
 * (`npm pack` contents, package.json without devDependencies/peerDependencies/optionalDependencies,
 * runtime dependencies installed inside it), replacing any previous copy.
 */
async function installCommunityPackage(
	packageDir: string,
	stateDir: string,
	log: (line: string) => void,
): Promise<PackageJson> {
	const manifest = JSON.parse(
		readFileSync(join(packageDir, 'package.json'), 'utf8'),
	) as PackageJson;
	if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?n8n-nodes-/.test(manifest.name ?? '')) {
		throw new Error(
			`${packageDir}/package.json: n8n only loads community packages named n8n-nodes-* or @scope/n8n-nodes-*`,
		);
	}
	const entries = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	const missing = entries.filter((entry) => !existsSync(join(packageDir, entry)));
	if (entries.length === 0 || missing.length > 0) {
		throw new Error(
			`The package at ${packageDir} is not built (missing: ${missing.join(', ') || 'n8n.nodes in package.json'}): run npm run build`,
		);
	}

	const n8nFolder = join(stateDir, '.n8n');
	const linkPath = join(n8nFolder, 'nodes');
	const nodesDir = communityNodesDir(stateDir);
	mkdirSync(n8nFolder, { recursive: true });
	const isOurLink =
		existsSync(linkPath) && // false for a dangling link too
		lstatSync(linkPath).isSymbolicLink() &&
		readlinkSync(linkPath) === nodesDir;
	if (!isOurLink) {
		rmSync(linkPath, { recursive: true, force: true });
		rmSync(nodesDir, { recursive: true, force: true });
		mkdirSync(nodesDir, { recursive: true });
		symlinkSync(nodesDir, linkPath, 'dir');
	}

	const target = join(nodesDir, 'node_modules', ...manifest.name.split('/'));
	// runtime dependencies installed by a previous start are kept while package.json lists the same ones
	const dependencies = JSON.stringify(manifest.dependencies ?? {});
	const kept = join(nodesDir, '.kept-node_modules');
	rmSync(kept, { recursive: true, force: true });
	const previous = join(target, 'package.json');
	const reuse =
		existsSync(join(target, 'node_modules')) &&
		existsSync(previous) &&
		JSON.stringify(
			(JSON.parse(readFileSync(previous, 'utf8')) as PackageJson).dependencies ?? {},
		) === dependencies;
	if (reuse) renameSync(join(target, 'node_modules'), kept);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	if (reuse) renameSync(kept, join(target, 'node_modules'));
	const files = manifest.files ?? ['dist'];
	for (const entry of files) {
		const source = join(packageDir, entry);
		if (existsSync(source))
			cpSync(source, join(target, entry), { recursive: true, dereference: true });
	}
	for (const name of readdirSync(packageDir)) {
		if (/^(readme|license|licence)(\..*)?$/i.test(name))
			cpSync(join(packageDir, name), join(target, name));
	}
	const installed: Record<string, unknown> = { ...manifest };
	for (const field of ['devDependencies', 'peerDependencies', 'optionalDependencies'])
		delete installed[field];
	writeFileSync(join(target, 'package.json'), JSON.stringify(installed, null, 2) + '\n');
	writeFileSync(
		join(nodesDir, 'package.json'),
		JSON.stringify(
			{
				name: 'installed-nodes',
				private: true,
				dependencies: { [manifest.name]: manifest.version },
			},
			null,
			2,
		) + '\n',
	);

	if (Object.keys(manifest.dependencies ?? {}).length > 0 && !reuse) {
		log(
			`Installing the runtime dependencies of ${manifest.name} (as n8n does: npm install --omit=dev in the package)`,
		);
		await runNpmInstall(target);
	}

	// Node searches every ancestor's node_modules before n8n's NODE_PATH: none of them may hold an n8n-workflow.
	for (let dir = dirname(realpathSync(target)); ; dir = dirname(dir)) {
		const shadow = join(dir, 'node_modules', 'n8n-workflow');
		if (existsSync(shadow) && !isInside(shadow, realpathSync(target))) {
			throw new Error(
				`${shadow} would shadow n8n's own n8n-workflow for the community package in ${target}: ` +
					`move the n8n cache (WHATSURP_N8N_CACHE) to a folder without node_modules above it`,
			);
		}
		if (dirname(dir) === dir) break;
	}
	return manifest;
}

/**
 * Installs the package already installed for the main (see installCommunityPackage) into another
 * process's user folder: a copy of the whole nodes folder, as `npm install` on another machine makes.
 */
function installCopyOfCommunityPackage(mainStateDir: string, userFolder: string): void {
	const source = communityNodesDir(mainStateDir);
	const target = communityNodesDir(userFolder);
	rmSync(target, { recursive: true, force: true });
	cpSync(source, target, { recursive: true });
	const linkPath = join(userFolder, '.n8n', 'nodes');
	mkdirSync(dirname(linkPath), { recursive: true });
	rmSync(linkPath, { recursive: true, force: true });
	symlinkSync(target, linkPath, 'dir');
}

/**
 * Installs a packed tarball (`npm pack`) into <stateDir>/.n8n/nodes as the README tells IT to:
 * `npm install --omit=dev --omit=peer <tarball>` in that folder (a clean one: the previous install is removed).
 */
async function installCommunityTarball(
	tarball: string,
	stateDir: string,
	log: (line: string) => void,
): Promise<PackageJson> {
	if (!existsSync(tarball)) throw new Error(`No package tarball at ${tarball}: run npm pack`);
	const nodesDir = communityNodesDir(stateDir);
	const linkPath = join(stateDir, '.n8n', 'nodes');
	rmSync(linkPath, { recursive: true, force: true });
	rmSync(nodesDir, { recursive: true, force: true });
	mkdirSync(nodesDir, { recursive: true });
	mkdirSync(dirname(linkPath), { recursive: true });
	symlinkSync(nodesDir, linkPath, 'dir');
	log(`Installing ${tarball} into ${linkPath} (npm install --omit=dev --omit=peer <tarball>)`);
	await runNpmInstall(
		nodesDir,
		[resolve(tarball)],
		['--omit=dev', '--omit=peer', '--audit=false', '--fund=false'],
	);
	const installed = readdirSync(join(nodesDir, 'node_modules')).filter((name) =>
		name.startsWith('n8n-nodes-'),
	);
	if (installed.length !== 1)
		throw new Error(
			`npm installed ${installed.join(', ') || 'no n8n-nodes-* package'} from ${tarball}`,
		);
	return JSON.parse(
		readFileSync(join(nodesDir, 'node_modules', installed[0], 'package.json'), 'utf8'),
	) as PackageJson;
}

/** What n8n's own installer runs in a package's folder for its runtime dependencies. */
const PACKAGE_DEPENDENCIES_FLAGS = [
	'--omit=dev',
	'--omit=peer',
	'--audit=false',
	'--fund=false',
	'--bin-links=false',
	'--install-strategy=shallow',
	'--ignore-scripts=true',
	'--package-lock=false',
];

async function runNpmInstall(
	cwd: string,
	packages: string[] = [],
	flags: string[] = PACKAGE_DEPENDENCIES_FLAGS,
): Promise<void> {
	const node = nodeBinary();
	const args = ['install', ...packages, ...flags];
	const output: string[] = [];
	const code = await new Promise<number | null>((done, reject) => {
		const child = spawn('npm', args, { cwd, env: npmEnv(node) });
		child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
		child.on('error', reject);
		child.on('close', done);
	});
	if (code !== 0)
		throw new Error(
			`npm ${args.join(' ')} failed in ${cwd} (exit ${code}):\n${tail(output.join(''))}`,
		);
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: string,
		what: string,
	) {
		super(`${what} answered HTTP ${status}: ${body.slice(0, 500)}`);
		this.name = 'HttpError';
	}
}

interface RestResponse<T> {
	data: T;
	cookie?: string;
}

async function request<T>(
	url: string,
	init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<RestResponse<T>> {
	const method = init.method ?? 'GET';
	const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
	if (init.body !== undefined) headers['content-type'] = 'application/json';
	let response: Response;
	try {
		response = await fetch(url, {
			method,
			headers,
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
			signal: AbortSignal.timeout(30_000),
		});
	} catch (error) {
		const cause = (error as Error & { cause?: Error }).cause;
		throw new Error(
			`${method} ${url} failed: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}`,
		);
	}
	const text = await response.text();
	if (!response.ok) throw new HttpError(response.status, text, `${method} ${url}`);
	const cookie = response.headers
		.getSetCookie()
		.map((line) => line.split(';')[0])
		.find((pair) => pair.startsWith('n8n-auth='));
	return { data: (text ? JSON.parse(text) : undefined) as T, cookie };
}

// ---------------------------------------------------------------------------------------------------------
// Process lifetime: no n8n outlives the process that started it.

const running = new Set<() => Promise<void>>();
let hooksInstalled = false;

/**
 * Preloaded into n8n: when its stdin pipe from us closes (we died, even by SIGKILL), n8n shuts down.
 * Only in n8n's main thread (--require also runs in worker threads, whose stdin ends at once) and only in
 * the process we spawned (not in a task runner that might inherit the flag).
 */
const WATCHDOG = `'use strict';
if (require('worker_threads').isMainThread && String(process.ppid) === process.env.WHATSURP_LAUNCHER_PID) {
	const shutdown = () => process.kill(process.pid, 'SIGTERM');
	process.stdin.on('end', shutdown);
	process.stdin.on('error', shutdown);
	process.stdin.resume();
}
`;

function installExitHooks(): void {
	if (hooksInstalled) return;
	hooksInstalled = true;
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		const handler = () => {
			void Promise.allSettled([...running].map((stop) => stop())).then(() => {
				// if nobody else handles the signal, behave like the default (exit)
				if (process.listenerCount(signal) <= 1)
					process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal]);
			});
		};
		process.on(signal, handler);
	}
}

// ---------------------------------------------------------------------------------------------------------

/** One n8n process the launcher started (in queue mode: the main, each worker, the webhook processor). */
export interface N8nProcess {
	role: 'main' | 'worker' | 'webhook';
	/** main, worker-1, worker-2, …, webhook */
	name: string;
	pid: number;
	/** Its own log file (appended per run). */
	logPath: string;
	/** Its output in this run. */
	logs(): string;
	/** SIGKILL to its process group at once: a crash. */
	kill(): Promise<void>;
	/** SIGTERM, then SIGKILL after 15 s; idempotent. */
	stop(): Promise<void>;
	/** Settles when it has ended, with how ("code 0", "signal SIGKILL", …). */
	exited: Promise<string>;
	/** Undefined while it runs. */
	exitInfo(): string | undefined;
}

/**
 * Spawns one n8n command (`start`, `worker`, `webhook`) writing straight into its log file (not through
 * pipes to us, so that it can still log and shut down cleanly if we die first), in its own process group
 * (the task runner it starts is stopped with it, and a terminal's Ctrl-C reaches only us).
 */
function spawnN8nProcess(spec: {
	role: N8nProcess['role'];
	name: string;
	args: string[];
	env: NodeJS.ProcessEnv;
	cwd: string;
	logPath: string;
	watchdog: string;
	bin: string;
	banner: string;
	log: (line: string) => void;
}): N8nProcess {
	appendFileSync(
		spec.logPath,
		`\n===== ${spec.banner} started ${new Date().toISOString()} =====\n`,
	);
	const logStart = statSync(spec.logPath).size;
	const logs = (): string => {
		const fd = openSync(spec.logPath, 'r');
		try {
			const length = Math.max(0, statSync(spec.logPath).size - logStart);
			const from = logStart + Math.max(0, length - MAX_LOG_BYTES);
			const buffer = Buffer.alloc(Math.min(length, MAX_LOG_BYTES));
			readSync(fd, buffer, 0, buffer.length, from);
			return buffer.toString('utf8');
		} finally {
			closeSync(fd);
		}
	};
	const logFd = openSync(spec.logPath, 'a');
	const child: ChildProcess = spawn(
		nodeBinary(),
		['--require', spec.watchdog, spec.bin, ...spec.args],
		{ cwd: spec.cwd, env: spec.env, stdio: ['pipe', logFd, logFd], detached: true },
	);
	closeSync(logFd);
	child.stdin?.on('error', () => undefined);
	let exitInfo: string | undefined;
	const exited = new Promise<void>((done) => {
		child.once('exit', (code, signal) => {
			exitInfo = signal ? `signal ${signal}` : `code ${code}`;
			done();
		});
		child.once('error', (error) => {
			exitInfo = `spawn error: ${error.message}`;
			done();
		});
	});
	const killGroup = (signal: NodeJS.Signals) => {
		if (exitInfo !== undefined || child.pid === undefined) return;
		try {
			process.kill(-child.pid, signal);
		} catch {
			// already gone
		}
	};
	let stopping: Promise<void> | undefined;
	const stop = (): Promise<void> => {
		stopping ??= (async () => {
			running.delete(stop);
			process.removeListener('exit', onParentExit);
			if (exitInfo === undefined) {
				killGroup('SIGTERM');
				let timer: NodeJS.Timeout | undefined;
				const graceful = await Promise.race([
					exited.then(() => true),
					new Promise<boolean>((done) => (timer = setTimeout(() => done(false), 15_000))),
				]);
				clearTimeout(timer);
				if (!graceful) {
					spec.log(`n8n ${spec.name} did not stop within 15 s of SIGTERM: killing it`);
					killGroup('SIGKILL');
					await exited;
				}
			}
			// the task runner shares the process group; make sure nothing of it is left
			if (child.pid !== undefined) {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// group already empty
				}
			}
		})();
		return stopping;
	};
	const onParentExit = () => killGroup('SIGTERM');
	process.on('exit', onParentExit);
	running.add(stop);
	installExitHooks();
	return {
		role: spec.role,
		name: spec.name,
		pid: child.pid ?? -1,
		logPath: spec.logPath,
		logs,
		kill: async () => {
			killGroup('SIGKILL');
			await exited;
			await stop();
		},
		stop,
		exited: exited.then(() => exitInfo ?? 'unknown'),
		exitInfo: () => exitInfo,
	};
}

/** Polls url until it answers 2xx; rejects if the process exits first or the deadline passes. */
async function waitUntilAnswering(
	url: string,
	process: N8nProcess,
	deadline: number,
	failure: (message: string) => Error,
): Promise<void> {
	for (;;) {
		const exitInfo = process.exitInfo();
		if (exitInfo !== undefined) throw failure(`n8n ${process.name} exited early (${exitInfo})`);
		if (Date.now() > deadline) throw failure(`n8n ${process.name} was not ready in time (${url})`);
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
			await response.arrayBuffer();
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await sleep(250);
	}
}

/** Starts n8n; see the file comment. Rejects with n8n's log tail if it exits early or is not ready in time. */
export async function startN8n(options: StartN8nOptions): Promise<N8nInstance> {
	const log = options.log ?? progress;
	const port = options.port ?? DEFAULT_PORT;
	const packageDir = resolve(options.packageDir);
	const stateDir = resolve(options.stateDir);
	const baseUrl = `http://127.0.0.1:${port}`;
	const queue = options.queue ? resolveQueueMode(options.queue, port, stateDir) : undefined;
	const webhookBaseUrl = queue ? `http://127.0.0.1:${queue.webhookPort}` : baseUrl;
	const started = Date.now();
	const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

	await assertPortFree(port);
	if (queue) {
		await assertPortFree(queue.webhookPort);
		await assertRedisAnswers(queue.redis);
	}

	const n8n = await ensureN8nInstalled(log);
	if (options.fresh) {
		wipeStateDir(stateDir, packageDir);
		rmSync(communityNodesDir(stateDir), { recursive: true, force: true });
	}
	mkdirSync(stateDir, { recursive: true });
	const manifest = options.tarball
		? await installCommunityTarball(options.tarball, stateDir, log)
		: await installCommunityPackage(packageDir, stateDir, log);
	const watchdog = join(stateDir, 'watchdog.cjs');
	writeFileSync(watchdog, WATCHDOG);

	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!NOT_INHERITED_ENV.test(key)) env[key] = value;
	}
	Object.assign(env, {
		NODE_ENV: 'production',
		N8N_USER_FOLDER: stateDir,
		N8N_ENCRYPTION_KEY: encryptionKey(stateDir),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		// the address n8n gives out for webhooks, forms and resume links: the webhook processor in queue mode
		N8N_WEBHOOK_URL: `${webhookBaseUrl}/`,
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		// task runners: n8n 2.x defaults (internal mode: n8n starts the JS runner); each process's broker
		// gets a free port below, so that several instances (sandbox, tests) can run side by side
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		// nothing phones home
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_MCP_COMMUNITY_NODE_DISCOVERY_ENABLED: 'false',
		// the MCP server registry refreshes from api.n8n.io at start
		N8N_DISABLED_MODULES: 'mcp-registry',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		// community packages as on a user's n8n; a package missing from disk is never fetched from npm
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		WHATSURP_LAUNCHER_PID: String(process.pid),
	});
	if (queue) {
		await preparePostgresDatabase(queue.postgres, Boolean(options.fresh));
		if (options.fresh) await deleteRedisKeys(queue.redis, `${queue.prefix}:*`);
		Object.assign(env, queueModeEnv(queue));
	}
	Object.assign(env, options.env);

	const processes: N8nProcess[] = [];
	const spawnRole = async (role: N8nProcess['role'], name: string): Promise<N8nProcess> => {
		const processEnv: NodeJS.ProcessEnv = {
			...env,
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		};
		let args = ['start'];
		let userFolder = stateDir;
		if (role !== 'main') {
			// every process has its own user folder with the package installed in it, as on separate machines
			userFolder = join(stateDir, 'processes', name);
			installCopyOfCommunityPackage(stateDir, userFolder);
			processEnv.N8N_USER_FOLDER = userFolder;
		}
		if (role === 'webhook') {
			args = ['webhook'];
			processEnv.N8N_PORT = String(queue!.webhookPort);
		}
		if (role === 'worker') {
			args = ['worker', `--concurrency=${queue!.workerConcurrency}`];
			// the worker's own HTTP server: /healthz/readiness tells when it takes jobs
			processEnv.QUEUE_HEALTH_CHECK_ACTIVE = 'true';
			processEnv.QUEUE_HEALTH_CHECK_PORT = String(await freePort());
			processEnv.N8N_WORKER_SERVER_ADDRESS = '127.0.0.1';
		}
		const logPath = join(stateDir, role === 'main' ? 'n8n.log' : `n8n-${name}.log`);
		const spawned = spawnN8nProcess({
			role,
			name,
			args,
			env: processEnv,
			cwd: userFolder,
			logPath,
			watchdog,
			bin: n8n.bin,
			banner: `n8n ${n8n.version} ${name} (${queue ? 'queue mode' : 'single instance'}) on ${role === 'webhook' ? webhookBaseUrl : baseUrl}`,
			log,
		});
		processes.push(spawned);
		readyUrls.set(
			spawned,
			role === 'worker'
				? `http://127.0.0.1:${processEnv.QUEUE_HEALTH_CHECK_PORT}/healthz/readiness`
				: `${role === 'webhook' ? webhookBaseUrl : baseUrl}/healthz/readiness`,
		);
		return spawned;
	};
	const readyUrls = new Map<N8nProcess, string>();

	const main = await spawnRole('main', 'main');
	log(
		`Starting n8n ${n8n.version} on ${baseUrl}${queue ? ` in queue mode (${queue.workers} workers, webhook processor on ${webhookBaseUrl}, database ${queue.postgres.database}, Redis prefix ${queue.prefix})` : ''} (state: ${stateDir}, log: ${main.logPath})`,
	);
	const logs = (): string => {
		if (!queue) return main.logs();
		// every process's end, the main's last (callers keep the end of this text)
		return processes
			.slice(1)
			.map((other) => `===== ${other.name} (${other.logPath}) =====\n${tail(other.logs(), 25)}\n`)
			.concat(`===== main =====\n${main.logs()}`)
			.join('');
	};
	const stop = async (): Promise<void> => {
		// a command-line command of this instance still running (e.g. an import when Ctrl-C stops the
		// sandbox) would go on without its n8n, and was seen spinning for minutes: it goes first
		stopCliChildren(stateDir);
		// intake first (webhook processor), then the workers (they finish their jobs), the main last
		const others = processes.filter((one) => one.role !== 'main');
		await Promise.all(others.filter((one) => one.role === 'webhook').map((one) => one.stop()));
		await Promise.all(others.filter((one) => one.role === 'worker').map((one) => one.stop()));
		await main.stop();
	};
	const failure = (message: string) =>
		new Error(
			`${message}\n--- n8n log (last lines; full log: ${main.logPath}) ---\n${tail(logs())}`,
		);
	const startTimeoutMs = options.startTimeoutMs ?? 180_000;
	let workerCount = 0;
	const startWorker = async (): Promise<N8nProcess> => {
		if (!queue) throw new Error('Workers exist only in queue mode');
		const worker = await spawnRole('worker', `worker-${++workerCount}`);
		await waitUntilAnswering(readyUrls.get(worker)!, worker, Date.now() + startTimeoutMs, failure);
		return worker;
	};

	try {
		// 1. ready: HTTP up, database migrated, REST answering
		const deadline = Date.now() + startTimeoutMs;
		let settings: RestResponse<{ userManagement?: { showSetupOnFirstLoad?: boolean } }> | undefined;
		while (!settings) {
			if (main.exitInfo() !== undefined) throw failure(`n8n exited early (${main.exitInfo()})`);
			if (Date.now() > deadline)
				throw failure(`n8n was not ready within ${Math.round(startTimeoutMs / 1000)} s`);
			try {
				await request(`${baseUrl}/healthz/readiness`);
				settings = await request(`${baseUrl}/rest/settings`);
			} catch {
				await sleep(250);
			}
		}
		log(`n8n is up after ${seconds()} s`);
		if (queue) {
			// the others start once the main has migrated the database
			const others = [await spawnRole('webhook', 'webhook')];
			for (let i = 0; i < queue.workers; i++)
				others.push(await spawnRole('worker', `worker-${++workerCount}`));
			await Promise.all(
				others.map((one) => waitUntilAnswering(readyUrls.get(one)!, one, deadline, failure)),
			);
			log(`Webhook processor and ${queue.workers} worker(s) ready after ${seconds()} s`);
		}

		// 2. owner (created without questions on a new state folder, logged in otherwise)
		const rest = { 'browser-id': BROWSER_ID };
		let cookie: string | undefined;
		if (settings.data.userManagement?.showSetupOnFirstLoad !== false) {
			try {
				cookie = (
					await request(`${baseUrl}/rest/owner/setup`, {
						method: 'POST',
						body: SANDBOX_OWNER,
						headers: rest,
					})
				).cookie;
			} catch (error) {
				// "Instance owner already setup": the public settings do not always tell, so log in instead
				if (!(error instanceof HttpError && error.status === 400)) throw error;
			}
		}
		if (!cookie) {
			try {
				cookie = (
					await request(`${baseUrl}/rest/login`, {
						method: 'POST',
						body: { emailOrLdapLoginId: SANDBOX_OWNER.email, password: SANDBOX_OWNER.password },
						headers: rest,
					})
				).cookie;
			} catch (error) {
				throw new Error(
					`Cannot log in to n8n as ${SANDBOX_OWNER.email} with the sandbox password (was it changed in the UI?). ` +
						`Delete ${stateDir} to start over. Cause: ${(error as Error).message}`,
				);
			}
		}
		if (!cookie)
			throw failure('n8n did not return an auth cookie when setting up or logging in the owner');
		const auth = { ...rest, cookie };

		// 3. API key with every scope the owner may grant (the previous one, whose secret is not kept, is replaced)
		const existing = await request<{
			data: Array<{ id: string; label: string }> | { items?: Array<{ id: string; label: string }> };
		}>(`${baseUrl}/rest/api-keys`, { headers: auth });
		const keys = Array.isArray(existing.data.data)
			? existing.data.data
			: (existing.data.data.items ?? []);
		for (const key of keys.filter((candidate) => candidate.label === API_KEY_LABEL)) {
			await request(`${baseUrl}/rest/api-keys/${key.id}`, { method: 'DELETE', headers: auth });
		}
		const scopes = (
			await request<{ data: string[] }>(`${baseUrl}/rest/api-keys/scopes`, { headers: auth })
		).data.data;
		const created = await request<{ data: { rawApiKey: string } }>(`${baseUrl}/rest/api-keys`, {
			method: 'POST',
			body: { label: API_KEY_LABEL, scopes, expiresAt: null },
			headers: auth,
		});
		const apiKey = created.data.data.rawApiKey;
		const api = { 'X-N8N-API-KEY': apiKey };

		// 4. workflows through n8n's command line, as IT imports them (README, IT step 5), published through the API
		const cli = (args: string[]): Promise<string> =>
			runN8nCli({ bin: n8n.bin, args, env: { ...env, N8N_USER_FOLDER: stateDir }, cwd: stateDir });
		const importDir = join(stateDir, 'import');
		const publicWorkflows = async (name: string) =>
			(
				await request<{
					data: Array<{ id: string; name: string; isArchived?: boolean; active?: boolean }>;
				}>(`${baseUrl}/api/v1/workflows?name=${encodeURIComponent(name)}&limit=250`, {
					headers: api,
				})
			).data.data.filter((candidate) => candidate.name === name && !candidate.isArchived);
		/** Writes the files `n8n import:workflow --separate` reads, unpublishing earlier copies (same name, another id). */
		const prepareImport = async (workflows: object[]): Promise<string[]> => {
			rmSync(importDir, { recursive: true, force: true });
			mkdirSync(importDir, { recursive: true });
			const ids: string[] = [];
			for (const workflow of workflows) {
				const source = workflow as WorkflowJson;
				if (typeof source.name !== 'string' || source.name === '')
					throw new Error('A workflow to import needs a name');
				const id =
					typeof source.id === 'string' && source.id !== '' ? source.id : idFromName(source.name);
				for (const earlier of await publicWorkflows(source.name)) {
					if (earlier.id === id || !earlier.active) continue;
					await request(`${baseUrl}/api/v1/workflows/${earlier.id}/deactivate`, {
						method: 'POST',
						body: {},
						headers: api,
					});
					log(`Unpublished an earlier "${source.name}" (id ${earlier.id}): the file's id is ${id}`);
				}
				const file: Record<string, unknown> = { ...source, id };
				if (Array.isArray(file.nodes)) file.nodes = file.nodes.map(credentialsByName);
				writeFileSync(join(importDir, `${ids.length}-${id}.json`), JSON.stringify(file, null, 2));
				ids.push(id);
			}
			return ids;
		};
		const publish = async (id: string): Promise<void> => {
			await request(`${baseUrl}/api/v1/workflows/${id}/publish`, {
				method: 'POST',
				body: {},
				headers: api,
			});
		};
		const importWorkflows = async (workflows: object[], activate: boolean): Promise<string[]> => {
			if (workflows.length === 0) return [];
			const ids = await prepareImport(workflows);
			await cli(['import:workflow', '--separate', `--input=${importDir}`]);
			if (activate) for (const id of ids) await publish(id);
			return ids;
		};
		const importWorkflow = async (workflow: object, activate = true): Promise<string> =>
			(await importWorkflows([workflow], activate))[0];

		const waitForWebhook = async (
			path: string,
			method = 'GET',
			timeoutMs = 30_000,
			prefix: 'webhook' | 'form' = 'webhook',
		): Promise<void> => {
			const url = `${webhookBaseUrl}/${prefix}/${path.replace(/^\/+/, '')}`;
			const server = processes.find((one) => one.role === 'webhook') ?? main;
			const until = Date.now() + timeoutMs;
			let last = '';
			for (;;) {
				if (server.exitInfo() !== undefined)
					throw failure(
						`n8n ${server.name} exited (${server.exitInfo()}) while waiting for webhook ${method} ${url}`,
					);
				try {
					// a CORS preflight makes n8n list the methods registered for the path (Access-Control-Allow-Methods)
					// without running the workflow; without Access-Control-Request-Method n8n logs no error while
					// the path is not registered yet
					const response = await fetch(url, {
						method: 'OPTIONS',
						headers: { origin: baseUrl },
						signal: AbortSignal.timeout(10_000),
					});
					const allowed = (response.headers.get('access-control-allow-methods') ?? '').split(
						/\s*,\s*/,
					);
					last = `HTTP ${response.status} ${(await response.text()).slice(0, 200)}`;
					if (response.status < 400 && allowed.includes(method.toUpperCase())) return;
				} catch (error) {
					last = (error as Error).message;
				}
				if (Date.now() > until)
					throw failure(
						`Webhook ${method} ${url} was not registered within ${timeoutMs / 1000} s (last answer: ${last})`,
					);
				await sleep(250);
			}
		};

		// 4b. credentials through the public API, before the workflows that use them
		const upsertCredential = async (credential: CredentialSpec): Promise<string> => {
			const list = await request<{ data: Array<{ id: string; name: string; type: string }> }>(
				`${baseUrl}/api/v1/credentials?limit=250`,
				{ headers: api },
			);
			const match = list.data.data.find(
				(c) => c.name === credential.name && c.type === credential.type,
			);
			if (match) {
				await request(`${baseUrl}/api/v1/credentials/${match.id}`, {
					method: 'PATCH',
					body: { name: credential.name, type: credential.type, data: credential.data },
					headers: api,
				});
				return match.id;
			}
			return (
				await request<{ id: string }>(`${baseUrl}/api/v1/credentials`, {
					method: 'POST',
					body: { name: credential.name, type: credential.type, data: credential.data },
					headers: api,
				})
			).data.id;
		};
		const credentialIds: Record<string, string> = {};
		for (const credential of options.credentials ?? []) {
			credentialIds[credential.name] = await upsertCredential(credential);
			log(`Credential "${credential.name}" (${credential.type}) ready`);
		}

		const workflowIds = await importWorkflows(options.workflows ?? [], true);
		(options.workflows ?? []).forEach((workflow, index) =>
			log(
				`Imported with n8n import:workflow and published "${(workflow as WorkflowJson).name as string}" (id ${workflowIds[index]})`,
			),
		);
		for (const workflow of options.workflows ?? []) {
			for (const hook of webhookEndpoints(workflow))
				await waitForWebhook(hook.path, hook.method, undefined, hook.prefix);
		}
		const published = workflowIds.length > 0 ? `, ${workflowIds.length} workflow(s) published` : '';
		log(
			`n8n ready after ${seconds()} s (${manifest.name}@${manifest.version} as a community package${published})`,
		);

		return {
			baseUrl,
			webhookBaseUrl,
			topology: queue ? 'queue' : 'single',
			queue,
			processes,
			startWorker,
			owner: { email: SANDBOX_OWNER.email, password: SANDBOX_OWNER.password },
			apiKey,
			workflowIds,
			credentialIds,
			upsertCredential,
			importWorkflow,
			cli,
			waitForWebhook,
			logs,
			pid: main.pid,
			kill: async () => {
				await Promise.all(processes.map((one) => one.kill()));
			},
			stop,
			exited: main.exited,
		};
	} catch (error) {
		await stop();
		// n8n's own reason (e.g. "Unrecognized node type" when publishing) is in its answer; its log tells more
		throw error instanceof HttpError ? failure(error.message) : error;
	}
}

/** A workflow id (16 letters or digits, as n8n's) derived from a name, for workflows built without one. */
export function idFromName(name: string): string {
	const digest = createHash('sha256').update(name).digest();
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(digest.subarray(0, 16), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** The command-line commands running now, with the folder (an instance's state) they run in. */
const cliChildren = new Set<{ child: ChildProcess; cwd: string }>();

/** Kills the command-line commands running in `cwd` (an instance's state folder), or all of them. */
export function stopCliChildren(cwd?: string): void {
	for (const entry of cliChildren) {
		if (cwd !== undefined && entry.cwd !== cwd) continue;
		entry.child.kill('SIGKILL');
		cliChildren.delete(entry);
	}
}
// and none outlives the process that started it
process.once('exit', () => stopCliChildren());

/** Runs `n8n <args>` (a command-line command) with an instance's environment; rejects with its output on failure. */
export async function runN8nCli(spec: {
	bin: string;
	args: string[];
	env: NodeJS.ProcessEnv;
	cwd: string;
}): Promise<string> {
	const output: string[] = [];
	const code = await new Promise<number | null>((done, reject) => {
		const child = spawn(nodeBinary(), [spec.bin, ...spec.args], { cwd: spec.cwd, env: spec.env });
		cliChildren.add({ child, cwd: spec.cwd });
		child.on('exit', () => {
			for (const entry of cliChildren) if (entry.child === child) cliChildren.delete(entry);
		});
		child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
		child.on('error', reject);
		child.on('close', done);
	});
	const text = output.join('');
	if (code !== 0)
		throw new Error(`n8n ${spec.args.join(' ')} failed (exit ${code}):\n${tail(text)}`);
	return text;
}

/**
 * Workflow files reference credentials by name only ({ name }); n8n resolves a name to its credential on
 * import only when the id is explicitly null, as in its own exports without credentials.
 */
function credentialsByName(node: unknown): unknown {
	if (typeof node !== 'object' || node === null) return node;
	const credentials = (node as { credentials?: Record<string, unknown> }).credentials;
	if (!credentials) return node;
	const resolved: Record<string, unknown> = {};
	for (const [type, reference] of Object.entries(credentials)) {
		resolved[type] =
			typeof reference === 'object' && reference !== null && !('id' in reference)
				? { id: null, ...reference }
				: reference;
	}
	return { ...node, credentials: resolved };
}

export interface WebhookEndpoint {
	/** Path after /webhook/ (or /form/ for a Form Trigger) */
	path: string;
	method: string;
	nodeName: string;
	nodeType: string;
	/** `webhook` (default) or `form`: the URL is <base>/<prefix>/<path> */
	prefix?: 'webhook' | 'form';
}

const FORM_TRIGGER_TYPE = 'n8n-nodes-base.formTrigger';

/** The production webhooks a workflow registers when published (enabled Webhook nodes). */
export function webhookEndpoints(workflow: object): WebhookEndpoint[] {
	const nodes = ((workflow as WorkflowJson).nodes ?? []) as Array<{
		name?: string;
		type?: string;
		disabled?: boolean;
		webhookId?: string;
		parameters?: {
			path?: unknown;
			httpMethod?: unknown;
			isFullPath?: unknown;
			multipleMethods?: unknown;
		};
	}>;
	const endpoints: WebhookEndpoint[] = [];
	for (const node of nodes) {
		// the WhatsUrp Trigger: GET (Meta's handshake) and POST on <webhookId>/webhook
		if (node.type === WHATSURP_TRIGGER_TYPE && !node.disabled && node.webhookId) {
			for (const method of ['GET', 'POST'])
				endpoints.push({
					path: `${node.webhookId}/webhook`,
					method,
					nodeName: node.name ?? '',
					nodeType: WHATSURP_TRIGGER_TYPE,
				});
			continue;
		}
		// an n8n Form Trigger: its form on /form/<options.path, path or webhookId>
		if (node.type === FORM_TRIGGER_TYPE && !node.disabled) {
			const options = (node.parameters as { options?: { path?: unknown } } | undefined)?.options;
			const path = [node.parameters?.path, options?.path, node.webhookId].find(
				(candidate): candidate is string => typeof candidate === 'string' && candidate !== '',
			);
			if (path !== undefined)
				endpoints.push({
					path: path.replace(/^\/+/, ''),
					method: 'POST',
					nodeName: node.name ?? '',
					nodeType: FORM_TRIGGER_TYPE,
					prefix: 'form',
				});
			continue;
		}
		if (
			node.type !== WEBHOOK_NODE_TYPE ||
			node.disabled ||
			typeof node.parameters?.path !== 'string'
		)
			continue;
		let path = node.parameters.path.replace(/^\/+/, '');
		// a path with :parameters is prefixed with the node's webhookId unless isFullPath is set
		if (path.includes(':') && node.parameters.isFullPath !== true && node.webhookId)
			path = `${node.webhookId}/${path}`;
		const methods = Array.isArray(node.parameters.httpMethod)
			? (node.parameters.httpMethod as string[])
			: [typeof node.parameters.httpMethod === 'string' ? node.parameters.httpMethod : 'GET'];
		for (const method of methods)
			endpoints.push({
				path,
				method: method.toUpperCase(),
				nodeName: node.name ?? '',
				nodeType: WEBHOOK_NODE_TYPE,
			});
	}
	return endpoints;
}
