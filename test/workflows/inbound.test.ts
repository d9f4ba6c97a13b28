/**
 * workflows/inbound.json as staff and n8n see it: no Code or Data table node, statuses kept out of the
 * executions, every text staff edit plain text whose {placeholders} the nodes fill, every connection
 * pointing at a node, and the paths of a list command, a question and an out-of-hours message short.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { messagePlaceholders, placeholdersIn } from '../../nodes/core/conversation/placeholders';

interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	onError?: string;
}
interface Workflow {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
	settings: Record<string, unknown>;
}

const workflow = JSON.parse(
	readFileSync(join(__dirname, '../../workflows/inbound.json'), 'utf8'),
) as Workflow;
const byName = new Map(workflow.nodes.map((node) => [node.name, node]));
const node = (name: string): WorkflowNode => {
	const found = byName.get(name);
	if (found === undefined) throw new Error(`no node "${name}"`);
	return found;
};
const working = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');

/** Every `={{ … }}` parameter value of a node, recursively. */
function expressionsOf(value: unknown): string[] {
	if (typeof value === 'string') return value.startsWith('=') ? [value] : [];
	if (Array.isArray(value)) return value.flatMap(expressionsOf);
	if (value !== null && typeof value === 'object')
		return Object.values(value as Record<string, unknown>).flatMap(expressionsOf);
	return [];
}

/** The texts of "Testi delle risposte" by name (without the `urp.` prefix). */
const texts = new Map(
	(
		node('Testi delle risposte').parameters.assignments as {
			assignments: Array<{ name: string; value: unknown; type: string }>;
		}
	).assignments.map((a) => [a.name.replace(/^urp\./, ''), a]),
);

/** Placeholders the nodes provide: the message's own, and those the domain nodes add to items. */
const PROVIDED = new Set([
	...Object.keys(messagePlaceholders({})),
	// Subscribers and Command nodes
	'liste',
	'liste_disponibili',
	// Conversation node, Add Part to Report
	'servizio',
	'descrizione',
	'foto',
]);

describe('workflows/inbound.json', () => {
	test('no Code node, no Data table node, no Function node', () => {
		const banned = working.filter((n) => /\.(code|function|functionItem|dataTable)$/.test(n.type));
		expect(banned.map((n) => `${n.name} (${n.type})`)).toEqual([]);
	});

	test('delivery statuses are recorded by the trigger, without an execution; no status branch', () => {
		const trigger = working.filter((n) => n.type === 'n8n-nodes-whatsurp.whatsUrpTrigger');
		expect(trigger).toHaveLength(1);
		expect(trigger[0].parameters).toMatchObject({
			deliveryStatuses: 'record',
			deduplication: 'store',
		});
		const statusBranches = working.filter((n) =>
			expressionsOf(n.parameters).some((e) => /\$json\.event\b/.test(e)),
		);
		expect(statusBranches.map((n) => n.name)).toEqual([]);
		expect(working.some((n) => n.parameters.operation === 'recordStatuses')).toBe(false);
	});

	test('every text staff edit is plain text, and its placeholders are ones the nodes fill', () => {
		expect(texts.size).toBeGreaterThan(20);
		for (const [name, assignment] of texts) {
			expect({ name, value: assignment.value }).toEqual({ name, value: expect.any(String) });
			const value = String(assignment.value);
			expect({ name, expression: value.startsWith('=') || value.includes('{{') }).toEqual({
				name,
				expression: false,
			});
			const unknown = placeholdersIn(value).filter((p) => !PROVIDED.has(p));
			expect({ name, unknown }).toEqual({ name, unknown: [] });
		}
	});

	test('a reply that uses a text with placeholders fills them', () => {
		const withPlaceholders = [...texts.entries()]
			.filter(([, a]) => placeholdersIn(String(a.value)).length > 0)
			.map(([name]) => name);
		expect(withPlaceholders.length).toBeGreaterThan(10);
		const senders = working.filter((n) => n.type === 'n8n-nodes-whatsurp.whatsUrp');
		for (const sender of senders) {
			const used = expressionsOf(sender.parameters).flatMap((e) =>
				[...e.matchAll(/\.urp\.([a-z_]+)/g)].map((m) => m[1]),
			);
			if (!used.some((name) => withPlaceholders.includes(name))) continue;
			const options = (sender.parameters.textOptions ?? sender.parameters.buttonsOptions) as
				| { fillPlaceholders?: boolean }
				| undefined;
			expect({ sender: sender.name, fill: options?.fillPlaceholders }).toEqual({
				sender: sender.name,
				fill: true,
			});
		}
		// emails take their texts from a Fill Texts step, never from the Set node directly
		for (const email of working.filter((n) => n.type === 'n8n-nodes-base.emailSend')) {
			const used = expressionsOf(email.parameters).flatMap((e) =>
				[...e.matchAll(/\.urp\.([a-z_]+)/g)].map((m) => m[1]),
			);
			expect({
				email: email.name,
				fromSetNode: used.filter((name) => withPlaceholders.includes(name)),
			}).toEqual({
				email: email.name,
				fromSetNode: [],
			});
		}
	});

	test('every connection points at a node, every node but the triggers and notes has an input', () => {
		const targets = new Set<string>();
		for (const [source, { main }] of Object.entries(workflow.connections)) {
			expect(byName.has(source)).toBe(true);
			for (const output of main) for (const { node: target } of output) targets.add(target);
		}
		for (const target of targets) expect(byName.has(target)).toBe(true);
		const orphans = working.filter(
			(n) => !targets.has(n.name) && !/Trigger$|\.executeWorkflowTrigger$/i.test(n.type),
		);
		expect(orphans.map((n) => n.name)).toEqual([]);
	});

	test.each([
		[
			'a list command (ISCRIZIONE ON)',
			[
				'Messaggio WhatsApp',
				'Testi delle risposte',
				'Comando',
				'Liste valide?',
				'Richiesta iscrizione',
				'Già iscritto?',
				'Risposta regolamento',
			],
		],
		[
			'an out-of-hours message, first of its closure',
			[
				'Messaggio WhatsApp',
				'Testi delle risposte',
				'Comando',
				'Messaggio da gestire?',
				'Orari URP',
				'Pratica fuori orario',
				'Una risposta per chiusura',
				'Prima risposta in questa chiusura?',
				'Risposta fuori orario',
			],
		],
		[
			'a question in office hours, up to its hand-over',
			[
				'Messaggio WhatsApp',
				'Testi delle risposte',
				'Comando',
				'Messaggio da gestire?',
				'Orari URP',
				'Segnalazione?',
				'Pratica della domanda',
				'Una domanda alla volta',
				'Inoltra la domanda agli operatori',
			],
		],
	])('%s passes through a short chain of connected nodes', (_story, path) => {
		for (let i = 1; i < path.length; i++) {
			const outputs = workflow.connections[path[i - 1]]?.main ?? [];
			expect({
				from: path[i - 1],
				to: path[i],
				connected: outputs.some((o) => o.some((t) => t.node === path[i])),
			}).toEqual({
				from: path[i - 1],
				to: path[i],
				connected: true,
			});
		}
		expect(path.length).toBeLessThanOrEqual(9);
	});

	test('the portal step keeps the report with its answer, and the failure path continues', () => {
		expect(node('Invia al portale Segnala')).toMatchObject({
			onError: 'continueRegularOutput',
			parameters: { createOptions: { includeInputFields: true } },
		});
		expect(node('Scarica le foto')).toMatchObject({
			onError: 'continueRegularOutput',
			parameters: { downloadOptions: { includeInputFields: true } },
		});
	});
});
