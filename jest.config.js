/**
 * Jest projects: fast layers (unit, node) and the end-to-end layer against a real n8n, run twice: on a
 * single n8n (SQLite) and in queue mode (main + 2 workers + webhook processor, PostgreSQL, Redis). The
 * suites read the topology from the `__WHATSURP_TOPOLOGY__` global (test/helpers/topology.ts); suites
 * named *.queue.test.ts test what only queue mode has (concurrency across workers).
 * ts-jest only transpiles (isolatedModules); `npm run build` type-checks tests and sources with tsc.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];

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
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			testPathIgnorePatterns: ['\\.queue\\.test\\.ts$'],
			globals: { __WHATSURP_TOPOLOGY__: 'single' },
		},
		{
			displayName: 'e2e-queue',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			// the launcher's, the package's and IT's install tests do not depend on the topology
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			testPathIgnorePatterns: [
				'/launcher\\.test\\.ts$',
				'/package\\.test\\.ts$',
				'/install\\.e2e\\.test\\.ts$',
			],
			globals: { __WHATSURP_TOPOLOGY__: 'queue' },
		},
		// long fault suites (kills, restarts): `npm run test:faults`, not `npm test`
		{
			displayName: 'faults',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
			globals: { __WHATSURP_TOPOLOGY__: 'single' },
		},
		{
			displayName: 'faults-queue',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
			globals: { __WHATSURP_TOPOLOGY__: 'queue' },
		},
	],
};
