/**
 * The dashboard's operations (nodes/WhatsUrpFigures/operations) run in-process in n8n-core, registered in a
 * test-only node as the WhatsUrp Figures node will register them: parameters and their expressions,
 * the figures read from the item, the outputs Respond to Webhook and Send Email take, and the errors
 * staff see (continue-on-fail included). Fed with hand-made figures (test/unit/dashboard/fixtures.ts).
 */
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeParameters,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { DEFAULT_MONTHLY_EMAIL_TEXTS, renderFiguresCsv } from '../../nodes/core/dashboard';
import {
	dashboardOperations,
	dashboardProperties,
} from '../../nodes/WhatsUrpFigures/operations/dashboard';
import { whatsUrpFiguresProperties } from '../../nodes/WhatsUrpFigures/description';
import { operationFor } from '../../nodes/shared/operations';
import { runPerItem } from '../../nodes/shared/runner';
import { runNode, TestNodeTypes } from '../helpers/runWorkflow';
import { getFiguresItems, HOSTILE, HOSTILE_FIGURES, ONE_LIST } from '../unit/dashboard/fixtures';

const dashboardOperationOptions = (
	whatsUrpFiguresProperties.find((p) => p.name === 'operation')?.options as INodePropertyOptions[]
).filter((option) => String(option.value) in dashboardOperations);

/** The dashboard's operations in a node of their own, as the Figures node's execute runs them. */
class DashboardOperationsTestNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dashboard Operations (test)',
		name: 'dashboardOperationsTest',
		group: ['transform'],
		version: 1,
		description: 'Test-only host of the dashboard operations',
		usableAsTool: true,
		defaults: { name: 'Dashboard' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				// the Figures node's own choices for these operations
				options: dashboardOperationOptions,
				default: 'dashboardPage',
			},
			...dashboardProperties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runPerItem(this, async (itemIndex, item) => {
			const module = operationFor(this, dashboardOperations, itemIndex);
			const results = await module.execute.call(this, itemIndex, undefined, item.json);
			return results.map((json) => ({ json, pairedItem: { item: itemIndex } }));
		});
	}
}

const TYPE = 'n8n-nodes-whatsurp.dashboardOperationsTest';
const nodeTypes = new TestNodeTypes({ [TYPE]: new DashboardOperationsTestNode() });

/** An item as Get Figures gives the whole figures, with the webhook's query beside them. */
const item = (json: IDataObject): INodeExecutionData => ({ json });
const figuresItem = (figures: unknown = ONE_LIST, extra: IDataObject = {}) =>
	item({ figures: JSON.parse(JSON.stringify(figures)) as IDataObject, ...extra });

/** The figures in the item's `figures` field (the Figures parameter set to read it). */
const FROM_FIELD = { figures: '={{ $json.figures }}' };

async function run(parameters: IDataObject, input: INodeExecutionData[], continueOnFail = false) {
	return await runNode(nodeTypes, TYPE, parameters as INodeParameters, input, { continueOnFail });
}

async function single(parameters: IDataObject, input = figuresItem()): Promise<IDataObject> {
	const result = await run({ ...FROM_FIELD, ...parameters }, [input]);
	expect(result.error()).toBeUndefined();
	const [output] = result.outputs();
	expect(output).toHaveLength(1);
	expect(output[0].pairedItem).toEqual({ item: 0 });
	return output[0].json;
}

describe('after Get Figures: the operations read its items and answer once, for the totals item', () => {
	const items = () => getFiguresItems(ONE_LIST).map((json) => item(json as IDataObject));

	test.each([
		['dashboardPage', 'html'],
		['figuresCsv', 'csv'],
		['monthlyEmail', 'subject'],
	])('%s', async (operation, field) => {
		const result = await run({ operation, table: 'attesa' }, items());
		expect(result.error()).toBeUndefined();
		const [output] = result.outputs();
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual({ item: 12 });
		expect(typeof output[0].json[field]).toBe('string');
	});

	test('the page and the CSV are those of the figures the items hold', async () => {
		const [[page]] = (await run({ operation: 'dashboardPage' }, items())).outputs();
		const [[direct]] = (
			await run({ ...FROM_FIELD, operation: 'dashboardPage' }, [figuresItem()])
		).outputs();
		expect(page.json.html).toBe(direct.json.html);
		const [[csv]] = (await run({ operation: 'figuresCsv', table: 'avvisi' }, items())).outputs();
		expect(csv.json.csv).toBe(renderFiguresCsv(ONE_LIST, 'avvisi'));
	});

	test('Get Figures with Flat Columns is refused with a hint', async () => {
		const flat = getFiguresItems(ONE_LIST);
		flat[12] = { ...flat[12], lists: 'EMERGENZE' };
		const result = await run(
			{ operation: 'dashboardPage' },
			flat.map((json) => item(json as IDataObject)),
		);
		expect(result.error()?.message).toMatch(/Flat Columns/u);
		expect(result.error()?.description).toContain('Get Figures');
	});
});

describe('Dashboard Page', () => {
	test('the page of the item figures, with the years from First Year to the current one', async () => {
		const json = await single({ operation: 'dashboardPage', firstYear: 2024 });
		expect(json).toMatchObject({
			year: 2026,
			contentType: 'text/html; charset=utf-8',
			contentSecurityPolicy: expect.stringContaining("default-src 'none'"),
		});
		const html = json.html as string;
		expect(html).toContain('<title>Cruscotto WhatsUrp – 2026</title>');
		expect(html).toContain('<a href="?anno=2024" target="_top">2024</a>');
		expect(html).toContain('<a href="?anno=2025" target="_top">2025</a>');
		expect(html).not.toContain('anno=2023');
		expect(html.match(/<svg /gu)).toHaveLength(4);
	});

	test('figures given as JSON text, and the addresses of the links', async () => {
		const json = await single(
			{
				operation: 'dashboardPage',
				figures: JSON.stringify(ONE_LIST),
				firstYear: 2026,
				pageOptions: {
					pageUrl: '/webhook/whatsurp/cruscotto',
					csvBaseUrl: '/webhook/whatsurp/cruscotto',
				},
			},
			item({}),
		);
		expect(json.html).toContain('href="/webhook/whatsurp/cruscotto?anno=2026&amp;csv=iscritti"');
		expect(json.html).toContain('action="/webhook/whatsurp/cruscotto"');
	});

	test('hostile figures are drawn harmless', async () => {
		const json = await single({ operation: 'dashboardPage' }, figuresItem(HOSTILE_FIGURES));
		expect(json.html).not.toContain(HOSTILE);
	});
});

describe('Figures CSV', () => {
	test('the table of the parameter, with its file name and headers', async () => {
		const json = await single(
			{ operation: 'figuresCsv', table: '={{ $json.query.csv }}' },
			figuresItem(ONE_LIST, { query: { csv: 'avvisi' } }),
		);
		expect(json).toEqual({
			csv: renderFiguresCsv(ONE_LIST, 'avvisi'),
			table: 'avvisi',
			fileName: 'whatsurp-avvisi-2026-01-01_2026-12-31.csv',
			contentType: 'text/csv; charset=utf-8',
			contentDisposition: 'attachment; filename="whatsurp-avvisi-2026-01-01_2026-12-31.csv"',
		});
	});

	test.each([['nessuna'], ['../../etc/passwd'], [''], ['<script>']])(
		'the table %j is refused, naming the tables',
		async (table) => {
			const result = await run(
				{ ...FROM_FIELD, operation: 'figuresCsv', table: '={{ $json.query.csv }}' },
				[figuresItem(ONE_LIST, { query: { csv: table } })],
			);
			expect(result.error()?.message).toMatch(
				/^No table ".*": the tables are iscritti, avvisi, errori, messaggi, segnalazioni, risposte, attesa$/u,
			);
		},
	);
});

describe('Monthly Email', () => {
	test("the defaults are core's texts; the email comes with its period", async () => {
		const description = new DashboardOperationsTestNode().description.properties;
		for (const name of ['subject', 'opening', 'closing'] as const) {
			expect(description.find((p) => p.name === name)?.default).toBe(
				DEFAULT_MONTHLY_EMAIL_TEXTS[name],
			);
		}
		const json = await single({
			operation: 'monthlyEmail',
			dashboardUrl: 'https://n8n.comune.example/webhook/whatsurp/cruscotto',
		});
		expect(json.subject).toBe('WhatsUrp – i numeri di dal 1 gennaio 2026 al 31 dicembre 2026');
		expect(json.text).toContain(
			'Il cruscotto con i grafici e i dati da scaricare: https://n8n.comune.example/webhook/whatsurp/cruscotto',
		);
		expect(json.html).toContain('<h3');
		expect(json.period).toEqual(ONE_LIST.period);
	});

	test("staff's texts from Impostazioni, with placeholders", async () => {
		const json = await single({
			operation: 'monthlyEmail',
			subject: "={{ 'Numeri di {mese}: {domande} domande' }}",
			opening: 'Ciao {in_attesa}',
			closing: 'Fine',
		});
		expect(json.subject).toBe('Numeri di dal 1 gennaio 2026 al 31 dicembre 2026: 78 domande');
		expect((json.text as string).startsWith('Ciao 3\n\n')).toBe(true);
		expect((json.text as string).endsWith('\n\nFine')).toBe(true);
	});
});

describe('errors', () => {
	test.each<[string, INodeExecutionData, RegExp]>([
		['no figures', item({}), /The item has no figures/u],
		['figures that are not JSON', item({ figures: '{nope' }), /not JSON/u],
		[
			'figures of the wrong shape',
			figuresItem({ ...ONE_LIST, rows: 'tutte' }),
			/figures\.rows is not a list/u,
		],
	])('%s: a clear error with an Italian hint', async (_label, input, message) => {
		const parameters = { operation: 'monthlyEmail', figures: '={{ $json.figures }}' };
		const stopped = await run(parameters, [input]);
		expect(stopped.error()?.message).toMatch(message);
		expect(stopped.error()?.description).toContain('Get Figures');
		const [[kept]] = (await run(parameters, [input], true)).outputs();
		expect(kept.json).toMatchObject({
			error: expect.stringMatching(message),
			errorHint: expect.stringContaining('«Figures»'),
		});
	});

	test('under continue-on-fail a bad item does not stop the good ones', async () => {
		const [output] = (
			await run(
				{ ...FROM_FIELD, operation: 'figuresCsv', table: 'messaggi' },
				[item({}), figuresItem()],
				true,
			)
		).outputs();
		expect(output).toHaveLength(2);
		expect(output[0].json.error).toMatch(/no figures/u);
		expect(output[1].json.csv).toBe(renderFiguresCsv(ONE_LIST, 'messaggi'));
		expect(output[1].pairedItem).toEqual({ item: 1 });
	});
});
