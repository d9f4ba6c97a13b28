/**
 * Checks an exported n8n workflow before it ships: valid JSON, only known node types,
 * credentials referenced by name only, and no secret anywhere in the file.
 */

export interface WorkflowLintOptions {
	/** Our node type names, e.g. ['officeHours']; types are `n8n-nodes-whatsurp.<name>`. */
	ourNodeNames: string[];
	/** Our package name (the prefix of our node types). */
	packageName?: string;
}

/** n8n's own node packages, as they appear in workflow JSON. */
const N8N_NODE_PACKAGES = ['n8n-nodes-base', '@n8n/n8n-nodes-langchain'];

/** Keys whose non-empty literal values would be secrets in a workflow file. */
const SECRET_KEY =
	/(pass(word|wd)?|secret|token|api[-_]?key|authorization|private[-_]?key|client[-_]?secret)$/i;

/** Values that look like credentials whatever their key. */
const SECRET_VALUE: Array<[RegExp, string]> = [
	[/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/, 'a bearer token'],
	[/\bEAA[A-Za-z0-9]{20,}/, 'a Meta access token'],
	[/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
	[/\b(sk|pk|rk)_(live|test)_[A-Za-z0-9]{10,}/, 'an API key'],
	[/\bxox[abpr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
	[/:\/\/[^/\s:@]+:[^/\s@]+@/, 'a password inside a URL'],
];

function isExpressionOrEmpty(value: string): boolean {
	const text = value.trim();
	return text === '' || text.startsWith('=');
}

function scanForSecrets(value: unknown, path: string, problems: string[]): void {
	if (typeof value === 'string') {
		for (const [pattern, what] of SECRET_VALUE) {
			if (pattern.test(value)) problems.push(`${path} holds what looks like ${what}`);
		}
		return;
	}
	if (Array.isArray(value)) {
		value.forEach((entry, index) => scanForSecrets(entry, `${path}[${index}]`, problems));
		return;
	}
	if (value !== null && typeof value === 'object') {
		for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
			const entryPath = path ? `${path}.${key}` : key;
			if (SECRET_KEY.test(key) && typeof entry === 'string' && !isExpressionOrEmpty(entry)) {
				problems.push(`${entryPath} holds a literal secret; keep it in an n8n credential`);
			}
			scanForSecrets(entry, entryPath, problems);
		}
	}
}

/** n8n's workflow ids: 16 letters or digits (nanoid's alphabet without - and _). */
export const WORKFLOW_ID = /^[A-Za-z0-9]{16}$/;

/** Returns the problems found in one workflow file's text; an empty list means it may ship. */
export function lintWorkflow(text: string, options: WorkflowLintOptions): string[] {
	const packageName = options.packageName ?? 'n8n-nodes-whatsurp';
	let workflow: unknown;
	try {
		workflow = JSON.parse(text);
	} catch (error) {
		return [`not valid JSON: ${(error as Error).message}`];
	}
	if (workflow === null || typeof workflow !== 'object' || Array.isArray(workflow)) {
		return ['not a workflow: expected a JSON object with "nodes" and "connections"'];
	}
	const { id, name, nodes, connections } = workflow as Record<string, unknown>;
	const problems: string[] = [];
	// `n8n import:workflow` stores the file's id as is (without one it fails on a NOT NULL constraint);
	// a stable id makes a second import update the workflow instead of adding a copy
	if (typeof id !== 'string' || !WORKFLOW_ID.test(id))
		problems.push(
			'the workflow needs a stable "id" of 16 letters or digits, as n8n\'s own exports have (n8n import:workflow requires it)',
		);
	if (typeof name !== 'string' || name.trim() === '') problems.push('the workflow has no name');
	if (!Array.isArray(nodes) || nodes.length === 0)
		problems.push('"nodes" must be a non-empty array');
	if (connections === null || typeof connections !== 'object')
		problems.push('"connections" must be an object');

	const nodeNames = new Set<string>();
	for (const [index, node] of (Array.isArray(nodes) ? nodes : []).entries()) {
		const where = `nodes[${index}]`;
		if (node === null || typeof node !== 'object') {
			problems.push(`${where} is not an object`);
			continue;
		}
		const { type, name: nodeName, credentials } = node as Record<string, unknown>;
		const label = typeof nodeName === 'string' ? `node "${nodeName}"` : where;
		if (typeof nodeName === 'string') {
			if (nodeNames.has(nodeName)) problems.push(`two nodes are named "${nodeName}"`);
			nodeNames.add(nodeName);
		}
		if (typeof type !== 'string') {
			problems.push(`${label} has no type`);
		} else if (type.startsWith(`${packageName}.`)) {
			const ours = type.slice(packageName.length + 1);
			if (!options.ourNodeNames.includes(ours)) {
				problems.push(`${label} uses ${type}, which this package does not provide`);
			}
		} else if (type.startsWith('CUSTOM.')) {
			problems.push(
				`${label} uses ${type}: export it from an n8n where the package is installed as a community package (${packageName}.*)`,
			);
		} else if (!N8N_NODE_PACKAGES.some((prefix) => type.startsWith(`${prefix}.`))) {
			problems.push(`${label} uses ${type}, which is neither ours nor one of n8n's own nodes`);
		}
		if (credentials !== undefined) {
			if (credentials === null || typeof credentials !== 'object') {
				problems.push(`${label} has malformed credentials`);
			} else {
				for (const [credentialType, reference] of Object.entries(
					credentials as Record<string, unknown>,
				)) {
					const ref = reference as Record<string, unknown> | null;
					if (
						ref === null ||
						typeof ref !== 'object' ||
						typeof ref.name !== 'string' ||
						ref.name === ''
					) {
						problems.push(`${label} must reference its ${credentialType} credential by name`);
					} else if (
						ref.id !== null ||
						Object.keys(ref).some((key) => key !== 'name' && key !== 'id')
					) {
						// n8n resolves a name to the credential of that name only when the id is null: with no id
						// at all, `n8n import:workflow` takes the first credential of the type, whatever its name
						problems.push(
							`${label} must reference its ${credentialType} credential as { "id": null, "name": … } ` +
								'(n8n then finds it by name on import; a real id belongs to one n8n only)',
						);
					}
				}
			}
		}
	}
	scanForSecrets(workflow, '', problems);
	return problems;
}
