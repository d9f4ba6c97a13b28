/**
 * The n8n topology an end-to-end suite runs against. The same suites run twice (jest.config.js): once on
 * a single n8n with SQLite, once in queue mode (main, two workers and a webhook processor, n8n's database
 * on PostgreSQL, jobs on Redis, the WhatsUrp store on PostgreSQL). Each suite asks here for its ports,
 * state folder, launcher options and the store its workflows use, and never names a topology itself.
 */
import { join } from 'node:path';
import { Client } from 'pg';

import type { QueueModeOptions } from '../../dev/n8n/launcher';
import { LOCAL_POSTGRES } from '../../dev/n8n/queueMode';
import type { StoreConfig } from '../../nodes/core/store';

declare const __WHATSURP_TOPOLOGY__: string | undefined;

export type Topology = 'single' | 'queue';

/** Set per jest project (globals); WHATSURP_E2E_TOPOLOGY=queue for a suite run by hand. */
export const TOPOLOGY: Topology =
	(typeof __WHATSURP_TOPOLOGY__ === 'string'
		? __WHATSURP_TOPOLOGY__
		: process.env.WHATSURP_E2E_TOPOLOGY) === 'queue'
		? 'queue'
		: 'single';
export const inQueueMode = TOPOLOGY === 'queue';

/**
 * The two topologies are the two ways the README deploys n8n. The single instance runs n8n's defaults.
 * Queue mode runs the README's settings for a city at scale ("Running at scale", "n8n's own settings,
 * measured"): a pool of 10 database connections and the expressions' compile cache (set by the launcher
 * for every queue mode) and n8n's legacy expression engine, recommended when only the city's own staff
 * edit workflows. So every end-to-end suite runs on both expression engines. (The engine also makes the
 * 500-citizen concurrency suite 2.2 times faster on two cores: 72 s instead of 159 s.)
 */
export const QUEUE_MODE_SETTINGS: Record<string, string> = { N8N_EXPRESSION_ENGINE: 'legacy' };

/** The PostgreSQL the tests use (see .ci/run): trust authentication, database `test`. */
export const TEST_POSTGRES = LOCAL_POSTGRES;

const repo = join(__dirname, '../..');

export interface E2eSetup {
	topology: Topology;
	/** The main's port (the webhook processor listens on the next one in queue mode). */
	port: number;
	stateDir: string;
	/** Passed to startN8n as `queue` (undefined on a single instance). */
	queue: QueueModeOptions | undefined;
	/** Passed to startN8n as `env`: n8n's own settings of the topology (see QUEUE_MODE_SETTINGS). */
	env: Record<string, string> | undefined;
	/** The store the workflows' "Archivio iscrizioni" credential points at, and the test opens itself. */
	store: StoreConfig;
	/** The fields of that credential. */
	storeCredential: Record<string, unknown>;
	/** Queue mode: drops the suite's store schema (a fresh start); SQLite's file goes with the state folder. */
	resetStore(): Promise<void>;
}

/**
 * One suite's setup. `name` names its state folder and store schema; queue mode takes `port + 100` (and
 * + 101 for the webhook processor) so that a suite's two runs never meet on a port.
 * `sqlitePath` is the store file on a single instance (default: whatsurp.sqlite in n8n's user folder).
 */
export function e2eSetup(name: string, port: number, sqlitePath?: string): E2eSetup {
	const stateDir = join(repo, '.state', inQueueMode ? `e2e-${name}-queue` : `e2e-${name}`);
	if (!inQueueMode) {
		const path = sqlitePath ?? join(stateDir, '.n8n', 'whatsurp.sqlite');
		return {
			topology: 'single',
			port,
			stateDir,
			queue: undefined,
			env: undefined,
			store: { backend: 'sqlite', path },
			storeCredential: { backend: 'sqlite', path: sqlitePath ?? '' },
			resetStore: async () => undefined,
		};
	}
	const schema = `whatsurp_e2e_${name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`;
	return {
		topology: 'queue',
		port: port + 100,
		stateDir,
		queue: { workers: 2 },
		env: QUEUE_MODE_SETTINGS,
		store: { backend: 'postgres', ...TEST_POSTGRES, schema, maxConnections: 10 },
		storeCredential: { backend: 'postgres', ...TEST_POSTGRES, schema, ssl: false },
		resetStore: async () => {
			const client = new Client(TEST_POSTGRES);
			await client.connect();
			try {
				await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
			} finally {
				await client.end();
			}
		},
	};
}
