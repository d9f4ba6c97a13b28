/**
 * From the fields of the `whatsUrpStore` credential to a StoreConfig. Pure: the caller passes n8n's user
 * folder, where the SQLite file goes unless the credential names another path.
 */
import { isAbsolute, join } from 'node:path';

import type { StoreConfig } from './types';

export const DEFAULT_SQLITE_FILE = 'whatsurp.sqlite';
export const DEFAULT_PG_SCHEMA = 'whatsurp';

/** The credential's fields, as n8n hands them over (strings, numbers, booleans, possibly missing). */
export type StoreCredentialFields = Record<string, unknown>;

function text(value: unknown, fallback = ''): string {
	return typeof value === 'string'
		? value.trim()
		: value === undefined || value === null
			? fallback
			: String(value);
}

/**
 * Maps the credential to a StoreConfig. A relative SQLite path is taken inside `userFolder`
 * (n8n's `~/.n8n`); an empty one is `whatsurp.sqlite` there.
 */
export function storeConfigFromCredential(
	fields: StoreCredentialFields,
	userFolder: string,
): StoreConfig {
	const backend = text(fields.backend, 'sqlite');
	if (backend === 'postgres') {
		const port = Number(fields.port ?? 5432);
		if (!Number.isInteger(port) || port < 1 || port > 65535) {
			throw new RangeError(`Port must be a whole number from 1 to 65535, not ${text(fields.port)}`);
		}
		const ssl = fields.ssl === true || fields.ssl === 'true';
		return {
			backend: 'postgres',
			host: text(fields.host, 'localhost') || 'localhost',
			port,
			database: text(fields.database, 'n8n') || 'n8n',
			user: text(fields.user, 'postgres') || 'postgres',
			password: typeof fields.password === 'string' ? fields.password : undefined,
			ssl: ssl ? { rejectUnauthorized: fields.sslVerify !== false } : false,
			schema: text(fields.schema, DEFAULT_PG_SCHEMA) || DEFAULT_PG_SCHEMA,
		};
	}
	if (backend !== 'sqlite')
		throw new RangeError(`Unknown store backend "${backend}": use sqlite or postgres`);
	const path = text(fields.path);
	return {
		backend: 'sqlite',
		path:
			path === ''
				? join(userFolder, DEFAULT_SQLITE_FILE)
				: isAbsolute(path)
					? path
					: join(userFolder, path),
	};
}

/** A short description of where the store is, without secrets (for messages to IT). */
export function describeStoreLocation(config: StoreConfig): string {
	return config.backend === 'sqlite'
		? `SQLite file ${config.path}`
		: `PostgreSQL ${config.host}:${config.port}/${config.database}, schema ${config.schema ?? DEFAULT_PG_SCHEMA}`;
}
