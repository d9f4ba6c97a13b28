/**
 * Every documentation link the editor shows for our nodes (codex *.node.json) and credentials
 * (`documentationUrl`) that points at this repository's README lands on a heading of the README.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(__dirname, '../..');
const README_URL = 'https://github.com/whatsurp/n8n-nodes-whatsurp';

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function githubAnchor(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

const anchors = new Set(
	readFileSync(join(repo, 'README.md'), 'utf8')
		.split('\n')
		.filter((line) => /^#{1,6} /.test(line))
		.map((line) => githubAnchor(line.replace(/^#+ /, ''))),
);

function links(): Array<{ file: string; url: string }> {
	const found: Array<{ file: string; url: string }> = [];
	for (const folder of readdirSync(join(repo, 'nodes'))) {
		const dir = join(repo, 'nodes', folder);
		for (const file of readdirSync(dir).filter((name) => name.endsWith('.node.json'))) {
			const text = readFileSync(join(dir, file), 'utf8');
			for (const match of text.matchAll(/"url":\s*"([^"]+)"/g))
				found.push({ file: `nodes/${folder}/${file}`, url: match[1] });
		}
	}
	for (const file of readdirSync(join(repo, 'credentials'))) {
		const text = readFileSync(join(repo, 'credentials', file), 'utf8');
		for (const match of text.matchAll(/documentationUrl = '([^']+)'/g))
			found.push({ file: `credentials/${file}`, url: match[1] });
	}
	return found;
}

test.each([
	['Office Hours', 'office-hours'],
	['WhatsApp Cloud API credential', 'whatsapp-cloud-api-credential'],
	["n8n's own settings, measured", 'n8ns-own-settings-measured'],
	['Running at scale (queue mode)', 'running-at-scale-queue-mode'],
])('the anchor of "%s" is #%s', (heading, anchor) => {
	expect(githubAnchor(heading)).toBe(anchor);
});

test("every README link of the nodes' codex and the credentials lands on a README heading", () => {
	const readmeLinks = links().filter((link) => link.url.startsWith(README_URL));
	expect(readmeLinks.length).toBeGreaterThanOrEqual(11);
	const broken = readmeLinks.filter(
		(link) => !anchors.has(link.url.slice(README_URL.length).replace(/^\/?#/, '')),
	);
	expect(broken).toEqual([]);
});
