/**
 * Assets and checks that tsc does not do:
 * - build: copies icons and codex files (*.node.json) next to the compiled nodes in dist/;
 * - checkWorkflows: every workflows/*.json is valid, uses only our and n8n's node types,
 *   references credentials by name only and holds no secret (rules in dev/workflowLint.ts).
 * Runs after `tsc` (it reads the compiled node descriptions and the compiled checker).
 */
const { src, dest, series } = require('gulp');
const fs = require('node:fs');
const path = require('node:path');

const ASSETS = ['nodes/**/*.{png,svg,node.json}', 'credentials/**/*.{png,svg}'];

function copyAssets() {
	return src(ASSETS, { base: '.', encoding: false }).pipe(dest('dist'));
}

function ourNodeNames() {
	const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
	return pkg.n8n.nodes.map((file) => {
		const exported = require(path.resolve(file));
		const NodeClass = Object.values(exported)[0];
		return new NodeClass().description.name;
	});
}

async function checkWorkflows() {
	const { lintWorkflow } = require('./.build/dev/workflowLint');
	const names = ourNodeNames();
	const files = fs.existsSync('workflows')
		? fs.readdirSync('workflows').filter((file) => file.endsWith('.json'))
		: [];
	const failures = [];
	for (const file of files) {
		const problems = lintWorkflow(fs.readFileSync(path.join('workflows', file), 'utf8'), {
			ourNodeNames: names,
		});
		for (const problem of problems) failures.push(`workflows/${file}: ${problem}`);
	}
	if (failures.length > 0) {
		throw new Error(`Workflow check found ${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
	}
	console.log(`Workflow check: ${files.length} file(s) fine (node types: ${names.join(', ')}).`);
}

exports.build = copyAssets;
exports.checkWorkflows = checkWorkflows;
exports.default = series(copyAssets, checkWorkflows);
