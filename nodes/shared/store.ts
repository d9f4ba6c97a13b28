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
