/**
 * A small in-process cache whose entries expire after a fixed time, bounded in size (the oldest entry
 * goes first). The WhatsUrp Trigger keeps its decrypted credentials here for a few seconds: n8n 2.x
 * builds a fresh expression sandbox for every credential read in a webhook, which made each webhook
 * cost two sandboxes before the workflow even started (README, "Running at scale").
 */
export class TtlCache<V> {
	private readonly entries = new Map<string, { value: Promise<V>; expiresAt: number }>();

	constructor(
		readonly ttlMs: number,
		readonly maxEntries = 100,
		private readonly now: () => number = Date.now,
	) {
		if (!(ttlMs >= 0) || !Number.isFinite(ttlMs))
			throw new RangeError(`ttlMs must be a finite number ≥ 0, not ${ttlMs}`);
		if (!Number.isInteger(maxEntries) || maxEntries < 1)
			throw new RangeError(`maxEntries must be a whole number ≥ 1, not ${maxEntries}`);
	}

	/**
	 * The cached value of `key`, or the one `load` gives (then cached for ttlMs). Callers asking at the
	 * same time share one load; a load that fails is not cached.
	 */
	async get(key: string, load: () => Promise<V>): Promise<V> {
		const now = this.now();
		const hit = this.entries.get(key);
		if (hit && hit.expiresAt > now) return await hit.value;
		if (hit) this.entries.delete(key);
		if (this.ttlMs === 0) return await load();
		const value = load();
		this.entries.set(key, { value, expiresAt: now + this.ttlMs });
		while (this.entries.size > this.maxEntries)
			this.entries.delete(this.entries.keys().next().value as string);
		// a failed load is forgotten; the caller still gets its rejection
		value.catch(() => {
			if (this.entries.get(key)?.value === value) this.entries.delete(key);
		});
		return await value;
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	get size(): number {
		return this.entries.size;
	}
}
