/**
 * n8n's queue mode for the launcher: the main process, workers and a webhook processor sharing n8n's
 * database on PostgreSQL and a job queue on Redis (Bull). Each launcher state folder gets a database and
 * a Redis key prefix of its own, so that the sandbox and the test suites never see each other's jobs.
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { basename } from 'node:path';
import { Client } from 'pg';

/** This machine's PostgreSQL as the tests and benchmarks use it: trust authentication, database `test`. */
export const LOCAL_POSTGRES = {
	host: '127.0.0.1',
	port: 5432,
	database: 'test',
	user: 'postgres',
	password: '',
} as const;

export interface QueueModeOptions {
	/** `n8n worker` processes (default 2). */
	workers?: number;
	/** Jobs each worker runs at once (n8n's default: 10). */
	workerConcurrency?: number;
	/** Port of the `n8n webhook` processor (default: the main's port + 1). */
	webhookPort?: number;
	/** n8n's own database (default 127.0.0.1:5432, user postgres, a database named after the state folder). */
	postgres?: Partial<PostgresTarget>;
	/** The queue (default 127.0.0.1:6379). */
	redis?: Partial<RedisTarget>;
}

export interface PostgresTarget {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
}

export interface RedisTarget {
	host: string;
	port: number;
}

export interface QueueMode {
	workers: number;
	workerConcurrency: number;
	webhookPort: number;
	postgres: PostgresTarget;
	redis: RedisTarget;
	/** Bull's and n8n's Redis key prefix, one per state folder. */
	prefix: string;
}

/** Fills in the defaults; database name and Redis prefix derive from the state folder. */
export function resolveQueueMode(
	options: QueueModeOptions,
	mainPort: number,
	stateDir: string,
): QueueMode {
	const id = createHash('sha256').update(stateDir).digest('hex').slice(0, 8);
	const slug = basename(stateDir)
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.slice(0, 40);
	return {
		workers: options.workers ?? 2,
		workerConcurrency: options.workerConcurrency ?? 10,
		webhookPort: options.webhookPort ?? mainPort + 1,
		postgres: {
			host: '127.0.0.1',
			port: 5432,
			user: 'postgres',
			password: '',
			database: `n8n_${slug}_${id}`,
			...options.postgres,
		},
		redis: { host: '127.0.0.1', port: 6379, ...options.redis },
		prefix: `whatsurp-${id}`,
	};
}

/** The environment every process of the topology shares (the launcher adds each role's own). */
export function queueModeEnv(queue: QueueMode): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: queue.redis.host,
		QUEUE_BULL_REDIS_PORT: String(queue.redis.port),
		QUEUE_BULL_PREFIX: queue.prefix,
		// n8n's cache (webhook paths, published workflows), pub/sub and instance keys: under the same prefix,
		// or a previous run's cached webhook of another database makes publishing answer 409 (conflict)
		N8N_REDIS_KEY_PREFIX: queue.prefix,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: queue.postgres.host,
		DB_POSTGRESDB_PORT: String(queue.postgres.port),
		DB_POSTGRESDB_DATABASE: queue.postgres.database,
		DB_POSTGRESDB_USER: queue.postgres.user,
		DB_POSTGRESDB_PASSWORD: queue.postgres.password,
		// production webhooks and forms only on the webhook processor, executions only on the workers
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		// the README's recommendations for queue mode ("n8n's own settings, measured"): n8n's default
		// pool of 2 connections per process holds the workers back; compiled expressions are reused
		DB_POSTGRESDB_POOL_SIZE: '10',
		N8N_EXPRESSION_ENGINE_COMPILE_CACHE: 'true',
	};
}

/** Creates n8n's database (dropped first when fresh: a new state folder starts from nothing). */
export async function preparePostgresDatabase(
	target: PostgresTarget,
	fresh: boolean,
): Promise<void> {
	if (!/^[a-z0-9_]+$/.test(target.database))
		throw new Error(`Not a plain database name: ${target.database}`);
	const client = new Client({ ...target, database: 'postgres', connectionTimeoutMillis: 5_000 });
	try {
		await client.connect();
	} catch (error) {
		throw new Error(
			`PostgreSQL does not answer on ${target.host}:${target.port} as ${target.user} (${(error as Error).message}): ` +
				`queue mode keeps n8n's database there`,
		);
	}
	try {
		if (fresh) await client.query(`DROP DATABASE IF EXISTS ${target.database} WITH (FORCE)`);
		const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
			target.database,
		]);
		if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${target.database}`);
	} finally {
		await client.end();
	}
}

// A few Redis commands over RESP (no client library for two commands).

function encode(args: string[]): string {
	return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

/** Sends one command and resolves with the first line of the answer (`+PONG`, `:12`, `-ERR …`). */
async function redisCommand(target: RedisTarget, args: string[]): Promise<string> {
	return await new Promise<string>((resolvePromise, reject) => {
		const socket = connect({ host: target.host, port: target.port });
		let answer = '';
		socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
		socket.once('error', (error) =>
			reject(
				new Error(
					`Redis does not answer on ${target.host}:${target.port} (${error.message}): queue mode keeps n8n's jobs there`,
				),
			),
		);
		socket.on('data', (chunk: Buffer) => {
			answer += chunk.toString('utf8');
			const end = answer.indexOf('\r\n');
			if (end >= 0) {
				socket.end();
				resolvePromise(answer.slice(0, end));
			}
		});
		socket.write(encode(args));
	});
}

export async function assertRedisAnswers(target: RedisTarget): Promise<void> {
	const answer = await redisCommand(target, ['PING']);
	if (answer !== '+PONG')
		throw new Error(`Redis on ${target.host}:${target.port} answered ${answer} to PING`);
}

/** Deletes the keys matching pattern (a previous run's jobs under the same prefix). */
export async function deleteRedisKeys(target: RedisTarget, pattern: string): Promise<number> {
	const script =
		"local n = 0 for _, key in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', key) n = n + 1 end return n";
	const answer = await redisCommand(target, ['EVAL', script, '0', pattern]);
	if (!answer.startsWith(':')) throw new Error(`Redis answered ${answer} when clearing ${pattern}`);
	return Number(answer.slice(1));
}
