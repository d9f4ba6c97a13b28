/**
 * The launcher's command-line commands (`n8n import:workflow` and the like) never outlive their n8n:
 * stopping an instance kills those running in its state folder (an import left running when Ctrl-C
 * stopped the sandbox was seen spinning for twenty minutes at half a core and 4.5 GB).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runN8nCli, stopCliChildren } from '../../dev/n8n/launcher';

let folder: string;
let other: string;
let script: string;

beforeAll(() => {
	folder = mkdtempSync(join(tmpdir(), 'whatsurp-cli-'));
	other = mkdtempSync(join(tmpdir(), 'whatsurp-cli-other-'));
	// stands in for n8n's bin: a command that would run for a minute
	script = join(folder, 'slow.js');
	writeFileSync(script, 'setTimeout(() => undefined, 60_000);\n');
});
afterAll(() => {
	stopCliChildren();
	rmSync(folder, { recursive: true, force: true });
	rmSync(other, { recursive: true, force: true });
});

test("stopping an instance's commands kills those of its folder, not another instance's", async () => {
	const mine = runN8nCli({ bin: script, args: ['import:workflow'], env: process.env, cwd: folder });
	const theirs = runN8nCli({ bin: script, args: ['list:workflow'], env: process.env, cwd: other });
	let theirsDone = false;
	void theirs.catch(() => undefined).finally(() => (theirsDone = true));
	await new Promise((resolve) => setTimeout(resolve, 300));

	stopCliChildren(folder);
	// killed by a signal: no exit code (it would have ended with 0 after a minute)
	await expect(mine).rejects.toThrow(/n8n import:workflow failed \(exit null\)/);
	expect(theirsDone).toBe(false);

	stopCliChildren();
	await expect(theirs).rejects.toThrow(/n8n list:workflow failed/);
});
