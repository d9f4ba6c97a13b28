/**
 * The ingress's configuration, read from environment variables only (IT sets them in a unit file,
 * a container or a `.env`). The store's variables mirror the WhatsUrp Store credential's fields
 * (store/fromCredential.ts), so the ingress opens the very database the n8n nodes use.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';

import { storeConfigFromCredential } from '../store/fromCredential';
import type { StoreConfig } from '../store/types';

export interface IngressConfig {
	host: string;
	port: number;
	store: StoreConfig;
	appSecret: string;
	verifyToken: string;
	/** The published WhatsUrp Trigger's production URL. */
	triggerUrl: string;
	/** Bodies forwarded at once. */
	concurrency: number;
	/** This instance's name in the outbox's claims. */
	instance: string;
	/** Most statuses in one transaction. */
	maxBatchStatuses: number;
	/** Transactions at once (1 on SQLite). */
	writers: number;
	maxBodyBytes: number;
	/** Milliseconds between two log lines. */
	logEveryMs: number;
}

/** Every variable the ingress reads, with what it is (the README's table comes from here). */
export const INGRESS_ENVIRONMENT = {
	WHATSURP_INGRESS_PORT: 'port to listen on (default 5690)',
	WHATSURP_INGRESS_HOST: 'address to listen on (default 0.0.0.0)',
	WHATSURP_APP_SECRET: "Meta app's secret, as in the WhatsApp Cloud API credential (required)",
	WHATSURP_VERIFY_TOKEN: "the callback's verify token, as in the credential (required)",
	WHATSURP_TRIGGER_URL: "the WhatsUrp Trigger's production webhook URL in n8n (required)",
	WHATSURP_STORE_BACKEND: 'sqlite (default) or postgres, as the WhatsUrp Store credential',
	WHATSURP_STORE_PATH:
		"SQLite file (default whatsurp.sqlite in N8N_USER_FOLDER or ~/.n8n, n8n's own)",
	WHATSURP_STORE_URL:
		'PostgreSQL as postgres://user:password@host:port/database (or the fields below)',
	WHATSURP_STORE_HOST: 'PostgreSQL host (default localhost)',
	WHATSURP_STORE_PORT: 'PostgreSQL port (default 5432)',
	WHATSURP_STORE_DATABASE: 'PostgreSQL database (default n8n)',
	WHATSURP_STORE_USER: 'PostgreSQL user (default postgres)',
	WHATSURP_STORE_PASSWORD: 'PostgreSQL password',
	WHATSURP_STORE_SSL: 'true to connect with TLS',
	WHATSURP_STORE_SSL_VERIFY: 'false to accept a server certificate not signed by a known authority',
	WHATSURP_STORE_SCHEMA: 'PostgreSQL schema (default whatsurp)',
	WHATSURP_INGRESS_CONCURRENCY: 'messages forwarded to n8n at once (default 8, 1–256)',
	WHATSURP_INGRESS_INSTANCE:
		'name of this instance in the claims (default host name and process id)',
	WHATSURP_INGRESS_WRITERS:
		"PostgreSQL: store transactions at once (default 1: every transaction adds to the one row of the day's status tally, so more wait on each other; SQLite has one writer)",
} as const;

export class IngressConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(
			`The ingress's configuration is not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
		);
		this.name = 'IngressConfigError';
	}
}

type Env = Record<string, string | undefined>;

function integer(
	env: Env,
	name: string,
	fallback: number,
	min: number,
	max: number,
	problems: string[],
): number {
	const raw = env[name]?.trim();
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!/^\d+$/.test(raw) || !Number.isInteger(value) || value < min || value > max) {
		problems.push(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
		return fallback;
	}
	return value;
}

function storeFields(env: Env, problems: string[]): Record<string, unknown> {
	const url = env.WHATSURP_STORE_URL?.trim();
	const fields: Record<string, unknown> = {
		backend: env.WHATSURP_STORE_BACKEND?.trim() || (url ? 'postgres' : 'sqlite'),
		path: env.WHATSURP_STORE_PATH,
		host: env.WHATSURP_STORE_HOST,
		port: env.WHATSURP_STORE_PORT?.trim() || undefined,
		database: env.WHATSURP_STORE_DATABASE,
		user: env.WHATSURP_STORE_USER,
		password: env.WHATSURP_STORE_PASSWORD,
		ssl: env.WHATSURP_STORE_SSL?.trim() === 'true',
		sslVerify: env.WHATSURP_STORE_SSL_VERIFY?.trim() !== 'false',
		schema: env.WHATSURP_STORE_SCHEMA,
	};
	if (url) {
		let parsed: URL | undefined;
		try {
			parsed = new URL(url);
		} catch {
			problems.push(
				'WHATSURP_STORE_URL is not a URL (postgres://user:password@host:port/database)',
			);
		}
		if (parsed && parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
			problems.push(`WHATSURP_STORE_URL must start with postgres://, not ${parsed.protocol}//`);
		} else if (parsed) {
			fields.host ??= decodeURIComponent(parsed.hostname);
			fields.port ??= parsed.port || undefined;
			fields.database ??= decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined;
			fields.user ??= decodeURIComponent(parsed.username) || undefined;
			fields.password ??= parsed.password ? decodeURIComponent(parsed.password) : undefined;
		}
	}
	return fields;
}

/** Reads the configuration; throws IngressConfigError naming every problem at once (no secret). */
export function ingressConfigFromEnv(env: Env): IngressConfig {
	const problems: string[] = [];
	const required = (name: string): string => {
		const value = env[name];
		if (value === undefined || value.trim() === '') {
			problems.push(
				`${name} is required: ${INGRESS_ENVIRONMENT[name as keyof typeof INGRESS_ENVIRONMENT]}`,
			);
			return '';
		}
		return value.trim();
	};
	const appSecret = required('WHATSURP_APP_SECRET');
	const verifyToken = required('WHATSURP_VERIFY_TOKEN');
	const triggerUrl = required('WHATSURP_TRIGGER_URL');
	if (triggerUrl !== '') {
		let url: URL | undefined;
		try {
			url = new URL(triggerUrl);
		} catch {
			problems.push(`WHATSURP_TRIGGER_URL is not a URL: "${triggerUrl}"`);
		}
		if (url && url.protocol !== 'http:' && url.protocol !== 'https:') {
			problems.push(`WHATSURP_TRIGGER_URL must be http:// or https://, not ${url.protocol}//`);
		}
		if (url && /\/webhook-test\//.test(url.pathname)) {
			problems.push(
				"WHATSURP_TRIGGER_URL is n8n's test URL (/webhook-test/…): use the production URL (/webhook/…) of the published workflow",
			);
		}
	}
	const port = integer(env, 'WHATSURP_INGRESS_PORT', 5690, 1, 65535, problems);
	const concurrency = integer(env, 'WHATSURP_INGRESS_CONCURRENCY', 8, 1, 256, problems);
	let store: StoreConfig | undefined;
	try {
		const userFolder = env.N8N_USER_FOLDER?.trim() || join(env.HOME?.trim() || '.', '.n8n');
		store = storeConfigFromCredential(storeFields(env, problems), userFolder);
	} catch (error) {
		problems.push(`store: ${error instanceof Error ? error.message : String(error)}`);
	}
	const writers = integer(env, 'WHATSURP_INGRESS_WRITERS', 1, 1, 32, problems);
	if (store?.backend === 'postgres') store = { ...store, maxConnections: Math.max(5, writers + 2) };
	if (problems.length > 0 || store === undefined) throw new IngressConfigError(problems);
	return {
		host: env.WHATSURP_INGRESS_HOST?.trim() || '0.0.0.0',
		port,
		store,
		appSecret,
		verifyToken,
		triggerUrl,
		concurrency,
		instance: env.WHATSURP_INGRESS_INSTANCE?.trim() || `${hostname()}-${process.pid}`,
		maxBatchStatuses: 5000,
		writers: store.backend === 'sqlite' ? 1 : writers,
		maxBodyBytes: 3 * 1024 * 1024,
		logEveryMs: 60_000,
	};
}
