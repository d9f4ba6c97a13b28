/**
 * n8n's first install on a fresh machine, when several test processes start at once: the one with the
 * lowest pid installs, the others wait for it and then use its install (dev/n8n/install.ts). Here the
 * "other process" is pid 1 (always alive, always lower), whose install folder the test makes and, later,
 * completes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { N8N_VERSION, ensureN8nInstalled } from '../../dev/n8n/install';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("waits for a lower pid's install in progress, then uses it instead of installing again", async () => {
	const cache = mkdtempSync(join(tmpdir(), 'whatsurp-n8n-cache-'));
	const previous = process.env.WHATSURP_N8N_CACHE;
	process.env.WHATSURP_N8N_CACHE = cache;
	try {
		const othersInstall = join(cache, `n8n-${N8N_VERSION}.partial-1`);
		mkdirSync(othersInstall);
		const lines: string[] = [];
		let settled = false;
		const installed = ensureN8nInstalled((line) => lines.push(line)).finally(() => {
			settled = true;
		});

		await sleep(2_500);
		expect(settled).toBe(false);
		expect(lines).toEqual([
			`Waiting for another process's install of n8n ${N8N_VERSION} to finish`,
		]);
		// our own folder is there too, so that a process with a higher pid waits for us
		expect(readdirSync(cache).sort()).toEqual(
			[`n8n-${N8N_VERSION}.partial-${process.pid}`, `n8n-${N8N_VERSION}.partial-1`].sort(),
		);

		// the other process finishes: its install is complete and its folder renamed into place
		const done = join(cache, `n8n-${N8N_VERSION}`);
		mkdirSync(join(done, 'node_modules', 'n8n', 'bin'), { recursive: true });
		writeFileSync(join(done, 'node_modules', 'n8n', 'bin', 'n8n'), '');
		writeFileSync(join(done, '.whatsurp-install-complete'), '{}\n');
		rmSync(othersInstall, { recursive: true });

		const result = await installed;
		expect(result.dir).toBe(done);
		expect(existsSync(result.bin)).toBe(true);
		expect(lines).toHaveLength(1); // no "Installing n8n …": nothing was installed twice
		expect(readdirSync(cache)).toEqual([`n8n-${N8N_VERSION}`]);
	} finally {
		if (previous === undefined) delete process.env.WHATSURP_N8N_CACHE;
		else process.env.WHATSURP_N8N_CACHE = previous;
		rmSync(cache, { recursive: true, force: true });
	}
}, 20_000);
