/**
 * Jest projects: fast layers (unit, node) and the end-to-end layer against a real n8n.
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
		},
	],
};
