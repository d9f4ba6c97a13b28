/**
 * n8n-side glue for the subscription store, shared by the nodes that use it: the credential's fields
 * to a StoreConfig (n8n's user folder for the SQLite file), one open store per configuration and
 * process, and the credential test.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { openStore, type StoreConfig, type SubscriptionStore } from '../core/store';
import { REDELIVERY_WINDOW_MS, type SeenRegistry } from '../core/whatsapp/dedupe';
import {
	describeStoreLocation,
	storeConfigFromCredential as fromFields,
} from '../core/store/fromCredential';

/** n8n's user folder: `$N8N_USER_FOLDER/.n8n`, else `~/.n8n` (where n8n keeps its own database). */
export function n8nUserFolder(): string {
	const parent = process.env.N8N_USER_FOLDER?.trim();
	return join(parent ? parent : homedir(), '.n8n');
}

export function storeConfigFromCredential(credential: ICredentialDataDecryptedObject): StoreConfig {
	return fromFields(credential, n8nUserFolder());
}

const openStores = new Map<string, Promise<SubscriptionStore>>();

/**
 * The store for this configuration, opened (and migrated) once per process and then shared by every
 * execution: PostgreSQL keeps one pool, SQLite one connection. A failed open is forgotten, so the next
 * execution tries again.
 */
export async function sharedStore(config: StoreConfig): Promise<SubscriptionStore> {
	const key = JSON.stringify(config);
	let store = openStores.get(key);
	if (!store) {
		store = openStore(config);
		openStores.set(key, store);
		store.catch(() => openStores.delete(key));
	}
	return await store;
}

/** How often (per process and store) sightings older than the redelivery window are deleted. */
export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const lastPruned = new Map<string, number>();

/**
 * The trigger's redelivery guard in the store's `inbound_seen` table. Once an hour (per process) it
 * first deletes sightings older than the redelivery window, so the table stays small; a failed prune
 * is reported and does not stop the message.
 */
export function storeSeenRegistry(config: StoreConfig, warn: (line: string) => void): SeenRegistry {
	const key = JSON.stringify(config);
	return {
		async markSeen(messageKey: string, at: Date): Promise<boolean> {
			const store = await sharedStore(config);
			const now = at.getTime();
			if (now - (lastPruned.get(key) ?? Number.NEGATIVE_INFINITY) >= PRUNE_INTERVAL_MS) {
				lastPruned.set(key, now);
				try {
					await store.pruneInboundSeen(new Date(now - REDELIVERY_WINDOW_MS));
				} catch (error) {
					warn(`could not prune old webhook sightings: ${(error as Error).message}`);
				}
			}
			return await store.markInboundSeen(messageKey, at);
		},
	};
}

/** Credential test: opens the store (creating or migrating its tables) and closes it again. */
export async function storeCredentialTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let config: StoreConfig;
	try {
		config = storeConfigFromCredential(credential.data ?? {});
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
	try {
		const store = await openStore(config);
		await store.close();
		return { status: 'OK', message: `Connected to the ${describeStoreLocation(config)}` };
	} catch (error) {
		return {
			status: 'Error',
			message: `Cannot open the ${describeStoreLocation(config)}: ${(error as Error).message}`,
		};
	}
}
