import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

/**
 * n8n's community-node lint rules, self-hosted variant (we are installed on a municipality's own n8n,
 * not on n8n Cloud). One relaxation: n8n forbids runtime dependencies outright; the PostgreSQL store
 * (queue mode) needs the `pg` driver, which n8n does not provide, so `pg` alone is allowed — the local
 * rule below fails on any other runtime dependency.
 */
const onlyPgRuntimeDependency = {
	meta: {
		type: 'problem',
		docs: { description: 'Allow no runtime dependency except `pg`' },
		messages: {
			forbidden:
				'Runtime dependency "{{ name }}" is not allowed: n8n community packages get none, and this one makes an exception for `pg` only.',
		},
		schema: [],
	},
	create(context) {
		if (!context.filename.endsWith('package.json')) return {};
		return {
			ObjectExpression(node) {
				if (node.parent?.type !== 'ExpressionStatement') return;
				const dependencies = node.properties.find(
					(property) => property.key?.value === 'dependencies' || property.key?.name === 'dependencies',
				);
				if (!dependencies || dependencies.value.type !== 'ObjectExpression') return;
				for (const property of dependencies.value.properties) {
					const name = property.key?.value ?? property.key?.name;
					if (name !== 'pg') context.report({ node: property, messageId: 'forbidden', data: { name } });
				}
			},
		};
	},
};

export default [
	{ ignores: ['dist/**', '.build/**', '.state/**', 'node_modules/**', 'coverage/**', '*.js', '*.mjs', 'dev/check-node.js'] },
	...configWithoutCloudSupport,
	{
		files: ['package.json'],
		plugins: { whatsurp: { rules: { 'only-pg-runtime-dependency': onlyPgRuntimeDependency } } },
		rules: {
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			'whatsurp/only-pg-runtime-dependency': 'error',
		},
	},
	{
		// Not shipped (tests, sandbox, simulators): they print, spawn processes and rethrow plain errors;
		// n8n's rules for node code do not apply there. The shipped nodes/ and credentials/ keep every rule.
		files: ['test/**/*.ts', 'dev/**/*.ts'],
		rules: {
			'no-console': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
];
