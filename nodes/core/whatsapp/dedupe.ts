/**
 * Redelivery guard for the trigger. Meta retries a webhook it thinks was not received (for up to 7 days),
 * so the same message can arrive twice; each update gets a key and only the first sighting passes.
 */
import type { WebhookEvent } from './types';

/** Where sightings are recorded: the store's `inbound_seen` table, or memory. */
export interface SeenRegistry {
	/** Records the key; true when it had not been seen before. */
	markSeen(key: string, at: Date): Promise<boolean>;
}

/** How long Meta may redeliver, plus a day of margin: the store prunes sightings older than this. */
export const REDELIVERY_WINDOW_MS = 8 * 24 * 60 * 60 * 1000;

/** A message is keyed by its wamid; a status by wamid and status (sent, delivered and read are three updates). */
export function redeliveryKey(event: WebhookEvent): string {
	return event.event === 'message'
		? event.messageId
		: `status:${event.messageId}:${String(event.status)}`;
}

/**
 * In-process registry: a bounded map with expiry, for an n8n without the store. It only protects one
 * process: in queue mode with several webhook processors, use the store.
 */
export class MemorySeenRegistry implements SeenRegistry {
	private readonly seen = new Map<string, number>();

	constructor(
		private readonly capacity = 50_000,
		private readonly ttlMs = REDELIVERY_WINDOW_MS,
	) {
		if (!Number.isInteger(capacity) || capacity < 1)
			throw new RangeError('capacity must be a positive integer');
	}

	get size(): number {
		return this.seen.size;
	}

	async markSeen(key: string, at: Date): Promise<boolean> {
		const now = at.getTime();
		const previous = this.seen.get(key);
		if (previous !== undefined && now - previous < this.ttlMs) return false;
		this.seen.delete(key);
		this.seen.set(key, now);
		// Map keeps insertion order: the first keys are the oldest sightings.
		while (this.seen.size > this.capacity) {
			const oldest = this.seen.keys().next().value as string;
			this.seen.delete(oldest);
		}
		return true;
	}
}

export interface DedupeOutcome<T extends WebhookEvent> {
	fresh: T[];
	duplicates: number;
	/** Set when the registry failed: every event is passed on (a repeat beats a loss) and this says why. */
	registryError?: string;
}

/**
 * Keeps the events not seen before, in order. Duplicates inside the same POST are dropped too. If the
 * registry fails (database down), nothing is dropped: the events pass and `registryError` says why.
 */
export async function keepUnseen<T extends WebhookEvent>(
	events: T[],
	registry: SeenRegistry,
	at: Date,
): Promise<DedupeOutcome<T>> {
	const fresh: T[] = [];
	const inThisBatch = new Set<string>();
	let duplicates = 0;
	let registryError: string | undefined;
	for (const event of events) {
		const key = redeliveryKey(event);
		if (inThisBatch.has(key)) {
			duplicates++;
			continue;
		}
		inThisBatch.add(key);
		if (registryError !== undefined) {
			fresh.push(event);
			continue;
		}
		try {
			if (await registry.markSeen(key, at)) fresh.push(event);
			else duplicates++;
		} catch (error) {
			registryError = error instanceof Error ? error.message : String(error);
			fresh.push(event);
		}
	}
	return registryError === undefined ? { fresh, duplicates } : { fresh, duplicates, registryError };
}
