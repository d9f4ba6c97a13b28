/**
 * Transactional subscription store: pure TypeScript, no n8n imports. SQLite (`node:sqlite`)
 * for a single n8n, PostgreSQL (`pg`) for queue mode; both created and migrated on first use.
 */
import type { Engine } from './engine';
import { StoreError, StoreInputError } from './errors';
import { migrationBody } from './migrations';
import { SqlSubscriptionStore, type SubscriptionStore } from './store';
import type { StoreConfig } from './types';

export type * from './types';
export { StoreError, StoreInputError } from './errors';
export {
	citizenKey,
	listNamesFromText,
	maskWaId,
	MAX_LIST_NAME_LENGTH,
	MAX_LISTS_PER_CALL,
	MAX_DISPLAY_NAME_LENGTH,
	normaliseListName,
} from './keys';
export {
	OUTBOX_RETENTION_MS,
	type ClaimedBody,
	type ForwardFailureKind,
	type IngestOutcome,
	type OutboxDepth,
	type OutboxEntry,
} from './outbox';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations';
export {
	AUDIT_ACTIONS,
	DEFAULT_PENDING_TTL_MS,
	MAX_PAGE_SIZE,
	type SubscriptionStore,
} from './store';

/**
 * Opens a store and applies any missing migrations (safe when several processes open the same
 * database at once). The driver of the other backend is not loaded.
 */
export async function openStore(config: StoreConfig): Promise<SubscriptionStore> {
	if (config === null || typeof config !== 'object') {
		throw new StoreInputError('config', 'must be an object');
	}
	let engine: Engine;
	if (config.backend === 'sqlite') {
		const { openSqliteEngine } = await import('./sqlite');
		engine = openSqliteEngine(config);
	} else if (config.backend === 'postgres') {
		const { openPostgresEngine } = await import('./postgres');
		engine = openPostgresEngine(config);
	} else {
		throw new StoreInputError('backend', "must be 'sqlite' or 'postgres'");
	}
	let failure: unknown;
	try {
		const { pepper } = await engine.migrate(() => migrationBody(engine.dialect));
		return new SqlSubscriptionStore(engine, pepper);
	} catch (error) {
		failure = error;
	}
	await engine.close().catch(() => undefined);
	if (failure instanceof StoreError || failure instanceof StoreInputError) throw failure;
	throw new StoreError(`cannot open the ${engine.backend} store`, { cause: failure });
}
