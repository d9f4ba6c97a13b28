/** A workflow file of workflows/ read for the structure tests (test/workflows): its nodes, links and settings. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: null; name: string }>;
}
export interface Workflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
	settings: Record<string, unknown>;
}

/** Every `=…` expression in a node's parameters, however deep. */
export function expressionsOf(value: unknown): string[] {
	if (typeof value === 'string') return value.startsWith('=') ? [value] : [];
	if (Array.isArray(value)) return value.flatMap(expressionsOf);
	if (value !== null && typeof value === 'object')
		return Object.values(value as Record<string, unknown>).flatMap(expressionsOf);
	return [];
}

export function readWorkflowFile(file: string) {
	const text = readFileSync(join(__dirname, '../../workflows', file), 'utf8');
	const workflow = JSON.parse(text) as Workflow;
	const node = (name: string): WorkflowNode => {
		const found = workflow.nodes.find((one) => one.name === name);
		if (found === undefined) throw new Error(`no node "${name}"`);
		return found;
	};
	return {
		text,
		workflow,
		node,
		/** The nodes that run (no sticky notes). */
		working: workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote'),
		/** The nodes an output of `name` leads to. */
		next: (name: string, output = 0): string[] =>
			(workflow.connections[name]?.main[output] ?? []).map((target) => target.node),
		/** The assignments of the Set node *Impostazioni*. */
		settings: () =>
			(
				node('Impostazioni').parameters.assignments as {
					assignments: Array<{ name: string; value: unknown }>;
				}
			).assignments,
	};
}
