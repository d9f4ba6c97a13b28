/**
 * The WhatsUrp Figures node over a real SQLite store seeded through the store's own methods: the rows
 * and totals items of Get Figures (nested and flat), its periods, the Yearly Summary, and its errors
 * (bad parameters → NodeOperationError naming the parameter; Continue On Fail keeps the item). The
 * figures themselves are table-tested on both backends in test/unit/figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { WhatsUrpStore } from '../../credentials/WhatsUrpStore.credentials';
import { openStore } from '../../nodes/core/store';
import { WhatsUrpFigures } from '../../nodes/WhatsUrpFigures/WhatsUrpFigures.node';
import { runNode, TestNodeTypes, type TestCredentials } from '../helpers/runWorkflow';

const TYPE = 'n8n-nodes-whatsurp.whatsUrpFigures';
const nodeTypes = new TestNodeTypes({ [TYPE]: new WhatsUrpFigures() });
const CITIZEN = { waId: '393471112233', name: 'Lucia Ferri' };
const REFERENCE = '2026-12-07T10:00:00.000Z';

let folder: string;
let credentials: TestCredentials;

beforeAll(async () => {
	folder = mkdtempSync(join(tmpdir(), 'whatsurp-figures-'));
	const path = join(folder, 'store.sqlite');
	credentials = {
		whatsUrpStore: { data: { backend: 'sqlite', path }, type: new WhatsUrpStore() },
	};
	const store = await openStore({ backend: 'sqlite', path });
	const at = (iso: string, id: string) => ({
		at: new Date(iso),
		channel: 'whatsapp',
		messageId: id,
		policyVersion: 'v1',
	});
	// joins in March (Rome), asks a question in April answered the same morning, a report in November
	await store.requestSubscription(CITIZEN, ['EMERGENZE'], at('2026-03-03T08:00:00.000Z', 'w1'));
	await store.confirmConsent(CITIZEN, at('2026-03-03T08:05:00.000Z', 'w2'));
	const { record } = await store.conversations.openCase({
		citizen: CITIZEN,
		kind: 'question',
		messageId: 'w3',
		at: new Date('2026-04-07T08:00:00.000Z'),
		route: 'operators',
	});
	await store.conversations.updateCase(record.id, {
		state: 'answered',
		answeredHow: 'text',
		at: new Date('2026-04-07T08:45:00.000Z'),
	});
	await store.conversations.openCase({
		citizen: CITIZEN,
		kind: 'report',
		messageId: 'w4',
		at: new Date('2026-11-25T10:00:00.000Z'),
	});
	await store.close();
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function run(parameters: IDataObject, input: INodeExecutionData[], continueOnFail = false) {
	return await runNode(nodeTypes, TYPE, parameters as INodeParameters, input, {
		credentials,
		continueOnFail,
	});
}

const options = { now: REFERENCE };

describe('WhatsUrp Figures node', () => {
	test('Get Figures of a year: twelve month items, then the totals with what is waiting', async () => {
		const [items] = (
			await run({ operation: 'getFigures', period: 'year', year: 2026, options }, [{ json: {} }])
		).outputs();
		expect(items.map((i) => i.json.row)).toEqual([
			...Array.from({ length: 12 }, (_, m) => `2026-${String(m + 1).padStart(2, '0')}`),
			'totals',
		]);
		expect(items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
		const march = items[2].json;
		expect(march).toMatchObject({ row: '2026-03', from: '2026-03-01', to: '2026-03-31' });
		expect(march.subscribers).toEqual([
			expect.objectContaining({ list: 'EMERGENZE', activeAtStart: 0, activeAtEnd: 1, joined: 1 }),
		]);
		expect(items[3].json.service).toMatchObject({
			answered: 1,
			answerMinutesMedian: 45,
			answeredByNextOpeningDayShare: 1,
		});
		const totals = items[12].json;
		expect(totals).toMatchObject({
			row: 'totals',
			from: '2026-01-01',
			to: '2026-12-31',
			timeZone: 'Europe/Rome',
			granularity: 'month',
			generatedAt: REFERENCE,
			lists: ['EMERGENZE'],
			messages: { questions: 1, reports: 1, commands: 2 },
		});
		const waiting = totals.waiting as IDataObject;
		expect(waiting.counts).toEqual({ openQuestions: 0, reportsNotRegistered: 1, notRouted: 1 });
		expect((waiting.notRouted as IDataObject[])[0]).toMatchObject({
			kind: 'report',
			openedAt: '2026-11-25T10:00:00.000Z',
			ageMinutes: 12 * 24 * 60,
		});
		const text = JSON.stringify(items);
		for (const secret of [CITIZEN.waId, 'Lucia', 'Ferri', 'wa:', '"w3"', '"w4"']) {
			expect(text).not.toContain(secret);
		}
	});

	test('Flat Columns: one level of section.list.field columns, waiting as counts', async () => {
		const [items] = (
			await run(
				{
					operation: 'getFigures',
					period: 'month',
					month: '2026-03',
					granularity: 'week',
					flat: true,
					options,
				},
				[{ json: {} }],
			)
		).outputs();
		expect(items.map((i) => [i.json.row, i.json.from, i.json.to])).toEqual([
			['2026-W09', '2026-03-01', '2026-03-01'],
			['2026-W10', '2026-03-02', '2026-03-08'],
			['2026-W11', '2026-03-09', '2026-03-15'],
			['2026-W12', '2026-03-16', '2026-03-22'],
			['2026-W13', '2026-03-23', '2026-03-29'],
			['2026-W14', '2026-03-30', '2026-03-31'],
			['totals', '2026-03-01', '2026-03-31'],
		]);
		expect(items[1].json).toMatchObject({
			'subscribers.EMERGENZE.joined': 1,
			'subscribers.EMERGENZE.activeAtEnd': 1,
			'messages.commands': 2,
			'service.answerMinutesMedian': null,
		});
		for (const item of items) {
			for (const value of Object.values(item.json)) {
				expect(value === null || typeof value !== 'object').toBe(true);
			}
		}
		expect(items[6].json).toMatchObject({
			'waiting.notRouted': 1,
			'waiting.reportsNotRegistered': 1,
			lists: 'EMERGENZE',
		});
	});

	test('Previous Month and Custom Range', async () => {
		const [previous] = (
			await run(
				{
					operation: 'getFigures',
					period: 'previousMonth',
					options: { now: '2026-04-15T10:00:00.000Z' },
				},
				[{ json: {} }],
			)
		).outputs();
		expect(previous[previous.length - 1].json).toMatchObject({
			from: '2026-03-01',
			to: '2026-03-31',
			granularity: 'month',
		});
		const [custom] = (
			await run(
				{
					operation: 'getFigures',
					period: 'custom',
					from: '2026-03-15',
					to: '2026-04-10',
					options,
				},
				[{ json: {} }],
			)
		).outputs();
		expect(custom.map((i) => i.json.row)).toEqual(['2026-03', '2026-04', 'totals']);
	});

	test('Yearly Summary: one item with the year, the Italian text and the figures', async () => {
		const [items] = (
			await run({ operation: 'yearlySummary', year: 2026, options }, [{ json: {} }])
		).outputs();
		expect(items).toHaveLength(1);
		expect(items[0].json.year).toBe(2026);
		expect(items[0].json.text).toBe(
			'Nel 2026 il servizio WhatsUrp ha contato 1 iscritto alla lista EMERGENZE, con 1 nuova iscrizione e 0 cancellazioni. ' +
				'Non sono stati inviati avvisi alle liste. ' +
				'I cittadini hanno inviato 1 richiesta di informazioni e 1 segnalazione. ' +
				"Delle segnalazioni, 0 sono state registrate sul portale e 0 sono state inviate all'URP da registrare. " +
				'Gli operatori hanno risposto a 1 richiesta, con un tempo mediano di 45 minuti; il 100 % ha avuto risposta entro il giorno di apertura successivo.',
		);
		expect((items[0].json.figures as IDataObject).period).toMatchObject({ from: '2026-01-01' });
	});

	test('one run per input item, each paired with its item', async () => {
		const [items] = (
			await run({ operation: 'yearlySummary', year: 2025, options }, [{ json: {} }, { json: {} }])
		).outputs();
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(String(items[0].json.text)).toMatch(
			/^Nel 2025 il servizio WhatsUrp non ha contato iscritti\./,
		);
	});

	test.each([
		[{ period: 'custom', from: 'domani', to: '2026-12-31' }, /from: must be a date/, 'From'],
		[{ period: 'custom', from: '2026-12-31', to: '2026-01-01' }, /to: is before from/, 'To'],
		[{ period: 'month', month: '2026-13' }, /month: must be a month/, 'Month'],
		[{ period: 'month', month: 'marzo' }, /is not a month as YYYY-MM/, 'Month'],
		[{ period: 'year', year: 1990 }, /year: must be a year/, 'Year'],
		[
			{ period: 'year', year: 2026, timeZone: 'Mars/Olympus' },
			/not an IANA time zone/,
			'Time Zone',
		],
		[
			{ period: 'year', year: 2026, options: { now: 'ieri' } },
			/not a date and time/,
			'Reference Time',
		],
		[
			{ period: 'year', year: 2026, options: { waitingLimit: -1 } },
			/whole number/,
			'Waiting Cases Listed',
		],
		[
			{ period: 'custom', from: '1900-01-01', to: '2026-12-31', granularity: 'week' },
			/too long/,
			'Period',
		],
	])(
		'bad parameters %j → a clear error naming the parameter',
		async (parameters, message, label) => {
			const result = await run({ operation: 'getFigures', ...parameters }, [{ json: { keep: 1 } }]);
			const error = result.error();
			expect(error?.name).toBe('NodeOperationError');
			expect(error?.message).toMatch(message);
			expect(error?.description).toContain(`«${label}»`);
		},
	);

	test('Continue On Fail: the failed item goes on with its fields and the error', async () => {
		const [items] = (
			await run(
				{ operation: 'getFigures', period: 'month', month: 'marzo' },
				[{ json: { keep: 1 } }, { json: { keep: 2 } }],
				true,
			)
		).outputs();
		expect(items).toHaveLength(2);
		expect(items[0].json).toMatchObject({ keep: 1, error: expect.stringMatching(/YYYY-MM/) });
		expect(items[1].pairedItem).toEqual({ item: 1 });
	});

	test('the dashboard operations of the same node read Get Figures items: the page, a CSV, the monthly email', async () => {
		const [items] = (
			await run({ operation: 'getFigures', period: 'year', year: 2026, options }, [{ json: {} }])
		).outputs();
		const [[page]] = (await run({ operation: 'dashboardPage', firstYear: 2025 }, items)).outputs();
		const html = String(page.json.html);
		expect(html).toContain('<svg');
		expect(html).toContain('2026');
		expect(html).not.toContain(CITIZEN.waId);
		expect(html).not.toContain(CITIZEN.name);
		const [[csv]] = (await run({ operation: 'figuresCsv', table: 'iscritti' }, items)).outputs();
		const lines = String(csv.json.csv)
			.replace(/^\uFEFF/, '')
			.trim()
			.split('\r\n');
		expect(lines.length).toBeGreaterThan(1);
		expect(lines.some((line) => line.includes('EMERGENZE'))).toBe(true);
		const [[mail]] = (
			await run(
				{
					operation: 'monthlyEmail',
					subject: 'Numeri di {mese}',
					opening: '',
					closing: '',
					dashboardUrl: '',
				},
				items,
			)
		).outputs();
		expect(mail.json.subject).toMatch(/^Numeri di \S/);
		expect(mail.json.subject).not.toContain('{mese}');
		expect(String(mail.json.text)).not.toContain(CITIZEN.waId);
	});
});
