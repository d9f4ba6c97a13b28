/**
 * Decrypted credentials kept for a few seconds per process, for webhook code. In n8n 2.x every
 * credential read in a webhook builds an expression sandbox (~60 ms of CPU): the WhatsUrp Trigger read
 * two per webhook before the workflow even started, which bounded a webhook processor to a few
 * webhooks a second (BENCHMARKS.md, "Queue mode"). A changed credential (e.g. a rotated app
 * secret) applies within CREDENTIAL_TTL_MS.
 */
import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

import { TtlCache } from '../core/cache/ttlCache';

export const CREDENTIAL_TTL_MS = 10_000;
const credentialCache = new TtlCache<ICredentialDataDecryptedObject>(CREDENTIAL_TTL_MS);

/** `this.getCredentials(type)`, cached by the credential's id (uncached when the node has no id). */
export async function cachedCredentials(
	this: IWebhookFunctions,
	type: string,
): Promise<ICredentialDataDecryptedObject> {
	const reference = this.getNode().credentials?.[type];
	if (!reference?.id) return await this.getCredentials(type);
	return await credentialCache.get(
		`${type}:${reference.id}`,
		async () => await this.getCredentials(type),
	);
}
