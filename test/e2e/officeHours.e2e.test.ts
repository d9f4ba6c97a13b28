/**
 * The Office Hours node inside a real n8n: the package is installed as a community package, the demo
 * workflow from workflows/ is imported and published, and verdicts come back over HTTP.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ensureN8nInstalled } from '../../dev/n8n/install';
import { startN8n, type N8nInstance } from '../../dev/n8n/launcher';
import { e2eSetup } from '../helpers/topology';

const repo = join(__dirname, '../..');
const setup = e2eSetup('office-hours', Number(process.env.WHATSURP_E2E_PORT ?? 5679));
const stateDir = setup.stateDir;
const demo = JSON.parse(
	readFileSync(join(repo, 'workflows/office-hours-demo.json'), 'utf8'),
) as object;

let n8n: N8nInstance | undefined;

beforeAll(async () => {
	await ensureN8nInstalled();
	n8n = await startN8n({
		packageDir: repo,
		stateDir,
		port: setup.port,
		queue: setup.queue,
		env: setup.env,
		fresh: true,
		workflows: [demo],
	});
	await n8n.waitForWebhook('orari-urp', 'POST');
}, 15 * 60_000);

afterAll(async () => {
	await n8n?.stop();
}, 60_000);

async function verdictAt(timestamp: string): Promise<Record<string, unknown>> {
	const response = await fetch(`${n8n!.webhookBaseUrl}/webhook/orari-urp`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ timestamp }),
	});
	const text = await response.text();
	if (response.status !== 200) {
		throw new Error(
			`HTTP ${response.status} from the demo workflow: ${text}\n--- n8n log ---\n${n8n!.logs().slice(-4000)}`,
		);
	}
	return JSON.parse(text) as Record<string, unknown>;
}

describe('Office Hours on a real n8n', () => {
	test.each([
		{
			label: 'a weekday inside hours (Tuesday 3 March 2026, 10:30)',
			timestamp: '2026-03-03T10:30:00+01:00',
			expected: { open: true, reason: 'open', closesAt: '2026-03-03T17:00:00.000+01:00' },
		},
		{
			label: 'a Sunday (1 March 2026)',
			timestamp: '2026-03-01T11:00:00+01:00',
			expected: {
				open: false,
				reason: 'outsideHours',
				nextOpening: '2026-03-02T09:00:00.000+01:00',
				nextOpeningText: 'domani alle 9:00',
			},
		},
		{
			label: 'Easter Monday 2026',
			timestamp: '2026-04-06T10:00:00+02:00',
			expected: {
				open: false,
				reason: 'holiday',
				holidayName: "Lunedì dell'Angelo",
				nextOpening: '2026-04-07T09:00:00.000+02:00',
			},
		},
		{
			label: 'San Gaudenzio, 14 October 2026',
			timestamp: '2026-10-14T10:00:00+02:00',
			expected: { open: false, reason: 'patronDay', holidayName: 'San Gaudenzio' },
		},
		{
			label: 'spring DST: Monday 23 March 2026 07:30 UTC is 8:30 in Rome (winter time)',
			timestamp: '2026-03-23T07:30:00Z',
			expected: {
				open: false,
				reason: 'outsideHours',
				nextOpening: '2026-03-23T09:00:00.000+01:00',
				nextOpeningText: 'oggi alle 9:00',
			},
		},
		{
			label: 'spring DST: Monday 30 March 2026 07:30 UTC is 9:30 in Rome (summer time)',
			timestamp: '2026-03-30T07:30:00Z',
			expected: { open: true, closesAt: '2026-03-30T13:00:00.000+02:00' },
		},
		{
			label: 'autumn DST: Saturday 24 October 2026 11:30 UTC is 13:30 in Rome (summer time)',
			timestamp: '2026-10-24T11:30:00Z',
			expected: {
				open: false,
				nextOpening: '2026-10-26T09:00:00.000+01:00',
				nextOpeningText: 'lunedì 26 ottobre alle 9:00',
			},
		},
		{
			label: 'autumn DST: Saturday 31 October 2026 11:30 UTC is 12:30 in Rome (winter time)',
			timestamp: '2026-10-31T11:30:00Z',
			expected: { open: true, closesAt: '2026-10-31T13:00:00.000+01:00' },
		},
	])('$label', async ({ timestamp, expected }) => {
		const verdict = await verdictAt(timestamp);
		expect(verdict).toMatchObject(expected);
		expect(verdict.scheduleText).toBe(
			'lunedì, mercoledì, venerdì e sabato 9:00–13:00; martedì e giovedì 9:00–17:00; domenica chiuso',
		);
	});

	test('the node runs as the community package type, not as a custom extension', async () => {
		const response = await fetch(`${n8n!.baseUrl}/api/v1/workflows/${n8n!.workflowIds[0]}`, {
			headers: { 'X-N8N-API-KEY': n8n!.apiKey },
		});
		const workflow = (await response.json()) as { nodes: Array<{ type: string }> };
		expect(workflow.nodes.map((node) => node.type)).toContain('n8n-nodes-whatsurp.officeHours');
		// The stored workflow only echoes what was imported; the node types n8n itself loaded say how.
		const loaded = JSON.parse(
			readFileSync(join(stateDir, '.cache/n8n/public/types/nodes.json'), 'utf8'),
		) as Array<{ name: string; outputNames?: string[] }>;
		const officeHours = loaded.find((type) => type.name === 'n8n-nodes-whatsurp.officeHours');
		expect(officeHours?.outputNames).toEqual(['Open', 'Closed']);
		expect(loaded.some((type) => type.name === 'CUSTOM.officeHours')).toBe(false);
		// queue mode: every process has the package in its own user folder (the workers run the node)
		for (const one of n8n!.processes.filter((candidate) => candidate.role !== 'main')) {
			const installed = join(
				stateDir,
				'processes',
				one.name,
				'.n8n/nodes/node_modules/n8n-nodes-whatsurp/package.json',
			);
			expect(JSON.parse(readFileSync(installed, 'utf8'))).toMatchObject({
				name: 'n8n-nodes-whatsurp',
			});
		}
	});

	test('a malformed timestamp gets a clear error, not a verdict', async () => {
		const response = await fetch(`${n8n!.webhookBaseUrl}/webhook/orari-urp`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ timestamp: 'lunedì prossimo' }),
		});
		expect(response.status).toBe(500);
		const body = await response.text();
		expect(body).not.toContain('"open"');
	});
});
