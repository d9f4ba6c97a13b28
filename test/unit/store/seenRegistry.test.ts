/**
 * The trigger's redelivery guard in the store: a message id seen once is refused for the redelivery
 * window, and sightings older than the window are pruned (at most once an hour per process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { StoreConfig } from '../../../nodes/core/store';
import { REDELIVERY_WINDOW_MS } from '../../../nodes/core/whatsapp/dedupe';
import { sharedStore, storeSeenRegistry } from '../../../nodes/shared/store';

const DAY = 24 * 3600 * 1000;
let folder: string;
let config: StoreConfig;

beforeEach(() => {
	folder = mkdtempSync(join(tmpdir(), 'whatsurp-seen-'));
	config = { backend: 'sqlite', path: join(folder, 'store.sqlite') };
});
afterEach(async () => {
	await (await sharedStore(config)).close();
	rmSync(folder, { recursive: true, force: true });
});

test('a redelivery within the window is refused; after the window and a prune it passes again', async () => {
	const warnings: string[] = [];
	const registry = storeSeenRegistry(config, (line) => warnings.push(line));
	const t0 = Date.UTC(2026, 2, 3, 9);
	expect(await registry.markSeen('wamid.A', new Date(t0))).toBe(true);
	expect(await registry.markSeen('wamid.A', new Date(t0 + 7 * DAY))).toBe(false);
	// nine days later the first prune of the hour deletes A's sighting (older than the 8-day window)
	expect(await registry.markSeen('wamid.B', new Date(t0 + 9 * DAY))).toBe(true);
	expect(await registry.markSeen('wamid.A', new Date(t0 + 9 * DAY))).toBe(true);
	expect(REDELIVERY_WINDOW_MS).toBe(8 * DAY);
	expect(warnings).toEqual([]);
});

test('at most one prune an hour: an expired sighting stays until the next one', async () => {
	const registry = storeSeenRegistry(config, () => undefined);
	const t0 = Date.UTC(2026, 5, 1, 9);
	expect(await registry.markSeen('wamid.P', new Date(t0))).toBe(true); // first call: prunes (nothing yet)
	// a sighting dated nine days earlier (the clock of this call is behind: no prune)
	expect(await registry.markSeen('wamid.Q', new Date(t0 - 9 * DAY))).toBe(true);
	// ten minutes after the prune: none runs, so Q is still recorded
	expect(await registry.markSeen('wamid.Q', new Date(t0 + 10 * 60_000))).toBe(false);
	// an hour and a minute after it: the prune deletes Q, which passes again
	expect(await registry.markSeen('wamid.Q', new Date(t0 + 61 * 60_000))).toBe(true);
});
