/**
 * What IT installs: the packed package holds the built nodes and nothing else, and its manifest
 * follows n8n's community-node conventions. Needs `npm run build` (part of `npm test`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(__dirname, '../..');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
	keywords: string[];
	license: string;
	files: string[];
	engines: { node: string };
	dependencies?: Record<string, string>;
	peerDependencies: Record<string, string>;
	n8n: { n8nNodesApiVersion: number; nodes: string[]; credentials: string[] };
};

describe('the published package', () => {
	test('follows the community-node manifest conventions', () => {
		expect(manifest.keywords).toContain('n8n-community-node-package');
		expect(manifest.license).toBe('MIT');
		expect(manifest.files).toEqual(['dist']);
		expect(manifest.engines.node).toBe('>=22.16');
		expect(Object.keys(manifest.peerDependencies)).toEqual(['n8n-workflow']);
		expect(Object.keys(manifest.dependencies ?? {}).filter((name) => name !== 'pg')).toEqual([]);
		expect(manifest.n8n.n8nNodesApiVersion).toBe(1);
	});

	test('every node and credential it declares is built, with its codex and icons', () => {
		if (!existsSync(join(repo, 'dist')))
			throw new Error('dist/ is missing: run `npm run build` first');
		expect(manifest.n8n.nodes.length).toBeGreaterThan(0);
		for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
			expect(file).toMatch(/^dist\/.+\.(node|credentials)\.js$/);
			expect(existsSync(join(repo, file))).toBe(true);
		}
		for (const file of manifest.n8n.nodes) {
			expect(existsSync(join(repo, file.replace(/\.js$/, '.json')))).toBe(true);
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const exported = require(join(repo, file)) as Record<
				string,
				new () => { description: { icon: unknown } }
			>;
			const node = new (Object.values(exported)[0])();
			const icons = Object.values(node.description.icon as Record<string, string>);
			for (const icon of icons) {
				expect(existsSync(join(repo, file, '..', icon.replace(/^file:/, '')))).toBe(true);
			}
		}
	});

	test('npm pack lists only built files, package.json, README and LICENSE', () => {
		const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: repo,
			encoding: 'utf8',
		});
		const [{ files }] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
		const paths = files.map((file) => file.path);
		expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
		expect(
			paths.filter(
				(path) =>
					!['package.json', 'README.md', 'LICENSE'].includes(path) && !path.startsWith('dist/'),
			),
		).toEqual([]);
		expect(paths.some((path) => /\.test\.|tsbuildinfo|\/dev\/|\/test\//.test(path))).toBe(false);
	});
});
