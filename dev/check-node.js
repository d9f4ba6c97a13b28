// Fails fast, with a clear message, when an npm script runs on a Node older than 24.
// npm scripts put node_modules/.bin first in PATH, where the `node` devDependency puts Node 24;
// this only trips when that install step was skipped. Plain old-Node JavaScript on purpose.
'use strict';
var major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
	process.stderr.write(
		'WhatsUrp needs Node.js 24 (n8n 2.x and node:sqlite require it), but this is Node.js ' +
			process.versions.node +
			' at ' +
			process.execPath +
			'.\nRun `npm install` in the project folder: it installs Node 24 into node_modules/.bin, ' +
			'which every npm script uses.\n',
	);
	process.exit(1);
}
