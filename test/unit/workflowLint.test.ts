import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { lintWorkflow } from '../../dev/workflowLint';

/** Our node types, as package.json registers them (the compiled paths mapped back to the sources). */
function ourNodeNames(): string[] {
	const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	return manifest.n8n.nodes.map((file) => {
		const source = join(__dirname, '../..', file.replace(/^dist\//, '').replace(/\.js$/, ''));
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const exported = require(source) as Record<string, new () => { description: { name: string } }>;
		return new (Object.values(exported)[0])().description.name;
	});
}

const options = { ourNodeNames: ourNodeNames() };

function workflow(nodes: unknown[], extra: object = {}): string {
	return JSON.stringify({ id: 'TestWorkflow0001', name: 'Test', nodes, connections: {}, ...extra });
}

const officeHours = { name: 'Orari', type: 'n8n-nodes-whatsurp.officeHours', parameters: {} };

describe('lintWorkflow', () => {
	test('accepts a workflow with our nodes, n8n nodes and a credential referenced by name', () => {
		const text = workflow([
			officeHours,
			{
				name: 'Mail',
				type: 'n8n-nodes-base.emailSend',
				parameters: { toEmail: 'urp@comune.rimini.it' },
				credentials: { smtp: { id: null, name: 'Posta URP' } },
			},
			{
				name: 'Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				parameters: { token: '={{ $json.x }}' },
			},
		]);
		expect(lintWorkflow(text, options)).toEqual([]);
	});

	test.each([
		['not JSON', '{"name": "x", nodes: []', /not valid JSON/],
		['an array', '[]', /not a workflow/],
		['null', 'null', /not a workflow/],
		[
			'no nodes',
			JSON.stringify({ name: 'x', connections: {} }),
			/"nodes" must be a non-empty array/,
		],
		['no name', JSON.stringify({ nodes: [officeHours], connections: {} }), /no name/],
		[
			'no connections',
			JSON.stringify({ name: 'x', nodes: [officeHours] }),
			/"connections" must be an object/,
		],
		['a node without type', workflow([{ name: 'A' }]), /node "A" has no type/],
		['a node that is not an object', workflow(['oops']), /nodes\[0\] is not an object/],
		['duplicate node names', workflow([officeHours, officeHours]), /two nodes are named "Orari"/],
		[
			'an unknown node of ours',
			workflow([{ name: 'B', type: 'n8n-nodes-whatsurp.teleport' }]),
			/does not provide/,
		],
		[
			'a CUSTOM. node type',
			workflow([{ name: 'C', type: 'CUSTOM.officeHours' }]),
			/community package/,
		],
		[
			'a third-party node',
			workflow([{ name: 'D', type: 'n8n-nodes-evil.steal' }]),
			/neither ours nor one of n8n's own/,
		],
		[
			'a credential with an id',
			workflow([{ ...officeHours, credentials: { whatsAppCloudApi: { id: '12', name: 'WA' } } }]),
			/"id": null/,
		],
		[
			// n8n import:workflow would take the first credential of the type, whatever its name
			'a credential by name without "id": null',
			workflow([{ ...officeHours, credentials: { whatsAppCloudApi: { name: 'WA' } } }]),
			/"id": null/,
		],
		[
			'a credential reference with other fields',
			workflow([
				{ ...officeHours, credentials: { smtp: { id: null, name: 'Posta', secret: 'x' } } },
			]),
			/"id": null/,
		],
		[
			'a credential without name',
			workflow([{ ...officeHours, credentials: { smtp: {} } }]),
			/by name/,
		],
		[
			'malformed credentials',
			workflow([{ ...officeHours, credentials: 'x' }]),
			/malformed credentials/,
		],
		[
			'a literal password',
			workflow([{ ...officeHours, parameters: { options: { password: 'hunter2' } } }]),
			/nodes\[0\]\.parameters\.options\.password holds a literal secret/,
		],
		[
			'a literal access token',
			workflow([{ ...officeHours, parameters: { accessToken: 'abc' } }]),
			/literal secret/,
		],
		[
			'an api key',
			workflow([{ ...officeHours, parameters: { api_key: 'k-123' } }]),
			/literal secret/,
		],
		[
			'a bearer header value',
			workflow([
				{ ...officeHours, parameters: { headers: [{ name: 'X', value: 'Bearer abcdefghijkl' }] } },
			]),
			/looks like a bearer token/,
		],
		[
			'a Meta token in a sticky note',
			workflow([
				{
					name: 'N',
					type: 'n8n-nodes-base.stickyNote',
					parameters: { content: 'token EAAGm0PX4ZCpsBAO1234567890abcdef' },
				},
			]),
			/looks like a Meta access token/,
		],
		[
			'a password inside a URL',
			workflow([{ ...officeHours, parameters: { url: 'postgres://urp:s3cret@db:5432/x' } }]),
			/password inside a URL/,
		],
		[
			'a private key',
			workflow([{ ...officeHours, parameters: { note: '-----BEGIN RSA PRIVATE KEY-----\nabc' } }]),
			/private key/,
		],
	])('rejects %s', (_case, text, problem) => {
		const problems = lintWorkflow(text, options);
		expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
	});

	test.each([
		['no id', workflow([officeHours], { id: undefined })],
		['an empty id', workflow([officeHours], { id: '' })],
		['a numeric id', workflow([officeHours], { id: 1234567890123456 })],
		['an id with a dash', workflow([officeHours], { id: 'WhatsUrp-Inbound' })],
		['an id too long', workflow([officeHours], { id: 'A'.repeat(37) })],
	])('rejects a workflow with %s: n8n import:workflow needs a stable one', (_case, text) => {
		expect(lintWorkflow(text, options)).toEqual([expect.stringMatching(/stable "id"/)]);
	});

	test('every shipped workflow passes, each with an id of its own', () => {
		const folder = join(__dirname, '../../workflows');
		const files = readdirSync(folder).filter((file) => file.endsWith('.json'));
		expect(files.length).toBeGreaterThan(0);
		const ids = files.map(
			(file) => (JSON.parse(readFileSync(join(folder, file), 'utf8')) as { id: string }).id,
		);
		expect(new Set(ids).size).toBe(files.length);
		for (const file of files) {
			expect({
				file,
				problems: lintWorkflow(readFileSync(join(folder, file), 'utf8'), options),
			}).toEqual({
				file,
				problems: [],
			});
		}
	});
});
