/**
 * The core's layering (docs/ARCHITECTURE.md, "Layers inside the core"): every import of
 * nodes/core/**\/*.ts goes to its own area or to an area of a lower layer, never to n8n, and to no
 * package but Node's standard library, luxon and pg (the store's PostgreSQL driver).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

const repo = join(__dirname, '../..');
const core = join(repo, 'nodes', 'core');

/** The core's areas (folders of nodes/core), lowest layer first. An area imports only lower layers. */
const LAYERS: ReadonlyArray<readonly string[]> = [
	['shared'],
	['lists'],
	['cache', 'calendar', 'commands', 'open311', 'whatsapp'],
	['conversation'],
	['store'],
	['broadcast', 'figures', 'ingress'],
	['dashboard'],
];

/** Packages the core may import, and the areas that may (all when undefined). */
const PACKAGES: Readonly<Record<string, readonly string[] | undefined>> = {
	luxon: undefined,
	pg: ['store'],
};

const layerOf = new Map(LAYERS.flatMap((areas, layer) => areas.map((area) => [area, layer])));

/** The area of a file under nodes/core ('' for a file directly in it). */
function areaOf(file: string): string {
	const parts = relative(core, file).split(sep);
	return parts.length > 1 ? parts[0] : '';
}

function below(area: string): string[] {
	const layer = layerOf.get(area) ?? -1;
	return LAYERS.slice(0, Math.max(0, layer)).flat();
}

/** Why `specifier`, imported by `file` (absolute), breaks the rule; null when it does not. */
function violation(file: string, specifier: string): string | null {
	const from = areaOf(file);
	if (!layerOf.has(from)) {
		return `is in ${from === '' ? 'no area' : `the area '${from}'`}, which no layer of the table names`;
	}
	if (specifier.startsWith('.')) {
		const target = resolve(dirname(file), specifier);
		if (target !== core && !target.startsWith(core + sep)) {
			return 'reaches outside nodes/core';
		}
		// `../lists` is the area's index
		const to =
			relative(core, target).split(sep).length === 1 ? relative(core, target) : areaOf(target);
		if (to === from) return null;
		if (!layerOf.has(to)) return `goes to '${to}', which no layer of the table names`;
		if (layerOf.get(to)! >= layerOf.get(from)!) {
			return `goes the wrong way: ${from} (layer ${layerOf.get(from)}) may import only ${below(from).join(', ') || 'nothing of the core'}, not ${to} (layer ${layerOf.get(to)})`;
		}
		return null;
	}
	if (specifier.startsWith('node:')) return null;
	const name = specifier.startsWith('@')
		? specifier.split('/').slice(0, 2).join('/')
		: specifier.split('/')[0];
	if (/^n8n-|^@n8n\//.test(name)) return 'imports n8n: the core is pure TypeScript';
	if (!Object.hasOwn(PACKAGES, name)) {
		return `imports the package '${name}': the core imports only node:*, ${Object.keys(PACKAGES).join(', ')}`;
	}
	const areas = PACKAGES[name];
	if (areas !== undefined && !areas.includes(from)) {
		return `imports '${name}', which only ${areas.join(', ')} may import`;
	}
	return null;
}

/** Every import, export … from, dynamic import() and require() of a file, with its line. */
function importsOf(file: string): Array<{ specifier: string; line: number }> {
	const text = readFileSync(file, 'utf8');
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
	return ts.preProcessFile(text, true, true).importedFiles.map((imported) => ({
		specifier: imported.fileName,
		line: source.getLineAndCharacterOfPosition(imported.pos).line + 1,
	}));
}

function coreFiles(dir = core): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return coreFiles(path);
		return entry.name.endsWith('.ts') ? [path] : [];
	});
}

const files = coreFiles().map((file) => relative(repo, file));

describe('the rule itself', () => {
	const at = (path: string) => join(repo, path);
	test.each([
		['nodes/core/store/store.ts', './engine', null],
		['nodes/core/store/store.ts', '../shared/text', null],
		['nodes/core/store/conversations.ts', '../conversation/report', null],
		['nodes/core/broadcast/engine.ts', '../store/broadcastLedger', null],
		['nodes/core/broadcast/engine.ts', '../whatsapp/api', null],
		['nodes/core/whatsapp/retry.ts', 'node:crypto', null],
		['nodes/core/calendar/zone.ts', 'luxon', null],
		['nodes/core/store/postgres.ts', 'pg', null],
		['nodes/core/store/keys.ts', '../lists', null],
		['nodes/core/lists/index.ts', '../commands/normalise', 'goes the wrong way'],
		['nodes/core/store/store.ts', '../broadcast/ledger', 'goes the wrong way'],
		['nodes/core/whatsapp/retry.ts', '../broadcast/pacing', 'goes the wrong way'],
		['nodes/core/whatsapp/receive.ts', '../store/statuses', 'goes the wrong way'],
		['nodes/core/calendar/zone.ts', '../commands/types', 'goes the wrong way'],
		['nodes/core/shared/text.ts', '../whatsapp/errors', 'goes the wrong way'],
		['nodes/core/store/store.ts', '../../shared/store', 'reaches outside nodes/core'],
		['nodes/core/store/store.ts', '../elsewhere/thing', "goes to 'elsewhere'"],
		['nodes/core/elsewhere/thing.ts', './other', "the area 'elsewhere'"],
		['nodes/core/thing.ts', './store', 'no area'],
		['nodes/core/whatsapp/api.ts', 'n8n-workflow', 'imports n8n'],
		['nodes/core/store/store.ts', 'n8n-core', 'imports n8n'],
		['nodes/core/store/store.ts', '@n8n/di', 'imports n8n'],
		['nodes/core/whatsapp/api.ts', 'axios', "the package 'axios'"],
		['nodes/core/whatsapp/api.ts', 'pg', 'only store may import'],
	])('%s importing %s: %s', (file, specifier, expected) => {
		const found = violation(at(file), specifier);
		if (expected === null) expect(found).toBeNull();
		else expect(found).toContain(expected);
	});

	test('reads static, type-only, re-exported, dynamic and required imports', () => {
		const text = [
			"import { a } from './a';",
			"import type { B } from '../store/b';",
			"export { c } from '../shared/c';",
			"export * from './d';",
			'async function f() {',
			"\tawait import('./e');",
			"\trequire('n8n-workflow');",
			'}',
		].join('\n');
		expect(ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName)).toEqual([
			'./a',
			'../store/b',
			'../shared/c',
			'./d',
			'./e',
			'n8n-workflow',
		]);
	});
});

describe('every core file imports along the layers', () => {
	test('the core has files in every layer but lists', () => {
		const areas = new Set(files.map((file) => areaOf(join(repo, file))));
		for (const area of LAYERS.flat().filter((a) => a !== 'lists')) expect(areas).toContain(area);
	});

	test.each(files)('%s', (file) => {
		const wrong = importsOf(join(repo, file))
			.map(({ specifier, line }) => {
				const why = violation(join(repo, file), specifier);
				return why === null ? null : `${file}:${line} '${specifier}' ${why}`;
			})
			.filter((message) => message !== null);
		expect(wrong).toEqual([]);
	});
});

describe('docs/ARCHITECTURE.md states the same layers', () => {
	const doc = readFileSync(join(repo, 'docs', 'ARCHITECTURE.md'), 'utf8');
	const section = doc.slice(doc.indexOf('### Layers inside the core'));
	const rows = section
		.split('\n')
		.filter((line) => /^\|\s*\d+\s*\|/.test(line))
		.map((line) => line.split('|').map((cell) => cell.trim()));

	test('one row per layer, lowest first, naming its areas', () => {
		expect(rows.map((cells) => Number(cells[1]))).toEqual(LAYERS.map((_, layer) => layer));
		rows.forEach((cells, layer) => {
			const named = [...cells[2].matchAll(/`([a-z0-9]+)\/`/g)].map((m) => m[1]).sort();
			expect(named).toEqual([...LAYERS[layer]].sort());
		});
	});
});
