/**
 * Jest projects: fast layers (unit, node) and the end-to-end layer against a real n8n, run twice: on a
 * single n8n (SQLite) and in queue mode (main + 2 workers + webhook processor, PostgreSQL, Redis). The
 * suites read the topology from the `__WHATSURP_TOPOLOGY__` global (test/helpers/topology.ts); suites
 * named *.queue.test.ts test what only queue mode has (concurrency across workers).
 * ts-jest only transpiles (isolatedModules); `npm run build` type-checks tests and sources with tsc.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];

/** A project of suites that run against a real n8n of the given topology. */
function e2eProject(displayName, topology, folder, ignore = []) {
	return {
		displayName,
		testEnvironment: 'node',
		transform: { '^.+\\.ts$': tsJest },
		testMatch: [`<rootDir>/${folder}/**/*.test.ts`],
		testPathIgnorePatterns: ignore,
		globals: { __WHATSURP_TOPOLOGY__: topology },
	};
}

/** @type {import('jest').Config} */
module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: [
				'<rootDir>/test/unit/**/*.test.ts',
				'<rootDir>/test/nodes/**/*.test.ts',
				'<rootDir>/test/workflows/**/*.test.ts',
			],
			setupFiles: ['<rootDir>/test/helpers/quietN8n.ts'],
		},
		e2eProject('e2e', 'single', 'test/e2e', ['\\.queue\\.test\\.ts$']),
		// the launcher's, the package's and IT's install tests do not depend on the topology
		e2eProject('e2e-queue', 'queue', 'test/e2e', [
			'/launcher\\.test\\.ts$',
			'/package\\.test\\.ts$',
			'/install\\.e2e\\.test\\.ts$',
		]),
		// long suites (kills, restarts, outages) and the optional ingress in front of n8n:
		// `npm run test:faults`, not `npm test`; the ingress on a single instance only (its PostgreSQL
		// side, several instances claiming, is unit-tested)
		e2eProject('faults', 'single', 'test/faults'),
		e2eProject('faults-queue', 'queue', 'test/faults', ['/ingress[A-Za-z]*\\.fault\\.test\\.ts$']),
	],
};
