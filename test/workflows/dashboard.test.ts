/**
 * workflows/dashboard.json as staff and n8n see it: no Code node; the page and its CSV behind the
 * dashboard's Basic Auth, the year from `?anno=` (this year when absent or not a year), the CSV with
 * its download headers; the monthly email on the first working day of the month as the Orari URP node
 * decides it, last month's figures, its address and texts in Impostazioni only, its placeholders all
 * known, sent with inbound.json's SMTP credential.
 */

import { evaluateOfficeHours, RIMINI_CALENDAR } from '../../nodes/core/calendar';
import { MONTHLY_EMAIL_PLACEHOLDERS } from '../../nodes/core/dashboard';
import { placeholdersIn } from '../../nodes/core/conversation/placeholders';
import { lintWorkflow, WORKFLOW_ID } from '../../dev/workflowLint';
import { expressionsOf, readWorkflowFile } from '../helpers/workflowFile';

const {
	text,
	workflow,
	node,
	working,
	next,
	settings: readSettings,
} = readWorkflowFile('dashboard.json');
const settings = readSettings();
const setting = (name: string) => settings.find((one) => one.name === name)?.value;

/** Evaluates a `={{ … }}` expression with the given `$now` and `$('Cruscotto')` query (n8n's own forms). */
function evaluate(expression: string, scope: { query?: object; now: Date }): unknown {
	const { DateTime } = require('luxon') as typeof import('luxon'); // eslint-disable-line @typescript-eslint/no-require-imports
	const body = expression.replace(/^=\{\{\s*/u, '').replace(/\s*\}\}$/u, '');
	const $now = DateTime.fromJSDate(scope.now, { zone: 'Europe/Rome' });
	const $ = () => ({ first: () => ({ json: { query: scope.query ?? {} } }) });
	return new Function('$now', '$', `return (${body});`)($now, $);
}

describe('workflows/dashboard.json', () => {
	test('passes the workflow check with its stable id, the Figures node being ours', () => {
		expect(workflow.id).toBe('WhatsUrpCruscott');
		expect(workflow.id).toMatch(WORKFLOW_ID);
		expect(workflow.name).toBe('WhatsUrp – Cruscotto');
		expect(workflow.settings).toMatchObject({ executionOrder: 'v1', timezone: 'Europe/Rome' });
		const ours = ['officeHours', 'whatsUrpFigures'];
		expect(lintWorkflow(text, { ourNodeNames: ours })).toEqual([]);
	});

	test('no Code node, no Function node; every connection points at a node', () => {
		expect(working.filter((n) => /\.(code|function|functionItem)$/u.test(n.type))).toEqual([]);
		const names = new Set(workflow.nodes.map((n) => n.name));
		for (const [from, { main }] of Object.entries(workflow.connections)) {
			expect(names).toContain(from);
			for (const target of main.flat()) expect(names).toContain(target.node);
		}
	});

	test('the page is a GET behind the dashboard Basic Auth, answered by Respond to Webhook', () => {
		expect(node('Cruscotto')).toMatchObject({
			type: 'n8n-nodes-base.webhook',
			parameters: {
				httpMethod: 'GET',
				path: 'whatsurp/cruscotto',
				authentication: 'basicAuth',
				responseMode: 'responseNode',
			},
			credentials: { httpBasicAuth: { id: null, name: 'WhatsUrp – Cruscotto (accesso)' } },
		});
		expect(next('Cruscotto')).toEqual(["Numeri dell'anno"]);
		expect(node("Numeri dell'anno").parameters).toMatchObject({
			operation: 'getFigures',
			period: 'year',
		});
		expect(next("Numeri dell'anno")).toEqual(['CSV richiesto?']);
		expect(next('CSV richiesto?', 0)).toEqual(['Tabella CSV']);
		expect(next('CSV richiesto?', 1)).toEqual(['Pagina del cruscotto']);
		// the Figures parameter left empty: the page reads Get Figures' items
		expect(node('Pagina del cruscotto').parameters).toEqual({
			operation: 'dashboardPage',
			firstYear: 2024,
			pageOptions: {},
		});
		expect(next('Pagina del cruscotto')).toEqual(['Risposta pagina']);
		expect(node('Risposta pagina').parameters).toMatchObject({
			respondWith: 'text',
			responseBody: '={{ $json.html }}',
		});
	});

	test.each<[object | undefined, number]>([
		[undefined, 2026],
		[{}, 2026],
		[{ anno: '2025' }, 2025],
		[{ anno: ' 2024 ' }, 2024],
		[{ anno: 'ieri' }, 2026],
		[{ anno: '2025<script>' }, 2026],
		[{ anno: ['2025', '2024'] }, 2026],
	])('the year of the query %j is %d', (query, year) => {
		const expression = node("Numeri dell'anno").parameters.year as string;
		expect(evaluate(expression, { query, now: new Date('2026-12-07T10:00:00Z') })).toBe(year);
	});

	test('a CSV is the table of ?csv=, downloaded with its content type and file name', () => {
		expect(node('Tabella CSV').parameters).not.toHaveProperty('figures');
		expect(node('Tabella CSV').parameters).toMatchObject({ operation: 'figuresCsv' });
		expect(node('Tabella CSV').parameters.table).toContain('.query.csv');
		expect(next('Tabella CSV')).toEqual(['Risposta CSV']);
		const respond = node('Risposta CSV').parameters as {
			respondWith: string;
			responseBody: string;
			options: { responseHeaders: { entries: Array<{ name: string; value: string }> } };
		};
		expect(respond).toMatchObject({ respondWith: 'text', responseBody: '={{ $json.csv }}' });
		expect(respond.options.responseHeaders.entries).toEqual(
			expect.arrayContaining([
				{ name: 'Content-Type', value: '={{ $json.contentType }}' },
				{ name: 'Content-Disposition', value: '={{ $json.contentDisposition }}' },
			]),
		);
	});

	test('the monthly email: every day at 9, sent only on the first working day of the month', () => {
		expect(node('Ogni giorno alle 9')).toMatchObject({
			type: 'n8n-nodes-base.scheduleTrigger',
			parameters: { rule: { interval: [{ field: 'days', daysInterval: 1, triggerAtHour: 9 }] } },
		});
		expect(next('Ogni giorno alle 9')).toEqual(['Impostazioni']);
		expect(next('Impostazioni')).toEqual(['Orari URP']);
		// the calendar is the Orari URP node's (Rimini's by default), asked about the month's first instant
		expect(node('Orari URP')).toMatchObject({
			type: 'n8n-nodes-whatsurp.officeHours',
			parameters: { instant: "={{ $now.startOf('month').toISO() }}" },
		});
		expect(next('Orari URP', 0)).toEqual(['Primo giorno lavorativo del mese?']);
		expect(next('Orari URP', 1)).toEqual(['Primo giorno lavorativo del mese?']);
		const [condition] = (
			node('Primo giorno lavorativo del mese?').parameters.conditions as {
				conditions: Array<{ leftValue: string; rightValue: string; operator: unknown }>;
			}
		).conditions;
		expect(condition).toMatchObject({
			leftValue: "={{ String($json.officeHours?.nextOpening ?? '').slice(0, 10) }}",
			rightValue: "={{ $now.toFormat('yyyy-MM-dd') }}",
			operator: { type: 'string', operation: 'equals' },
		});
		expect(next('Primo giorno lavorativo del mese?', 0)).toEqual(['Numeri del mese scorso']);
		expect(next('Primo giorno lavorativo del mese?', 1)).toEqual([]);
	});

	// what Orari URP answers (Rimini's calendar, its default) for the month's first instant, and the If
	test.each<[string, string]>([
		['2026-01', '2026-01-02'], // Capodanno on Thursday, open on Friday the 2nd
		['2026-02', '2026-02-02'], // the 1st is a Sunday
		['2026-06', '2026-06-01'], // Monday the 1st (the Festa della Repubblica is the 2nd)
		['2026-08', '2026-08-01'], // Saturday: open in the morning
		['2026-11', '2026-11-02'], // Ognissanti on a Sunday
		['2027-01', '2027-01-02'], // Capodanno on Friday, Saturday morning open
		['2026-03', '2026-03-02'], // Sunday the 1st, before the change to summer time
	])('in %s the email goes out on %s', (month, day) => {
		const startOfMonth = evaluate(node('Orari URP').parameters.instant as string, {
			now: new Date(`${month}-15T12:00:00Z`),
		}) as string;
		const { nextOpening } = evaluateOfficeHours(RIMINI_CALENDAR, startOfMonth);
		const [condition] = (
			node('Primo giorno lavorativo del mese?').parameters.conditions as {
				conditions: Array<{ leftValue: string; rightValue: string }>;
			}
		).conditions;
		const decide = (today: string) => {
			const now = new Date(`${today}T08:00:00Z`);
			const left = new Function('$json', `return (${condition.leftValue.slice(3, -2)});`)({
				officeHours: { nextOpening },
			}) as string;
			return left === evaluate(condition.rightValue, { now });
		};
		expect(decide(day)).toBe(true);
		const [y, m, d] = day.split('-').map(Number);
		const before = new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
		const after = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
		if (before.slice(0, 7) === month) expect(decide(before)).toBe(false);
		expect(decide(after)).toBe(false);
	});

	test("the email's figures are the previous month's, by week", () => {
		expect(node('Numeri del mese scorso').parameters).toEqual({
			operation: 'getFigures',
			period: 'previousMonth',
			granularity: 'week',
		});
	});

	test("the email's address and texts are in Impostazioni only, its placeholders all known", () => {
		expect(next('Numeri del mese scorso')).toEqual(['Email del mese']);
		expect(node('Email del mese').parameters).toEqual({
			operation: 'monthlyEmail',
			subject: "={{ $('Impostazioni').first().json.oggetto }}",
			opening: "={{ $('Impostazioni').first().json.apertura }}",
			closing: "={{ $('Impostazioni').first().json.chiusura }}",
			dashboardUrl: "={{ $('Impostazioni').first().json.indirizzoCruscotto }}",
		});
		for (const name of ['oggetto', 'apertura', 'chiusura']) {
			const unknown = placeholdersIn(String(setting(name))).filter(
				(placeholder) => !(MONTHLY_EMAIL_PLACEHOLDERS as readonly string[]).includes(placeholder),
			);
			expect({ name, unknown }).toEqual({ name, unknown: [] });
		}
		expect(setting('emailUrp')).toBe('urp@comune.rimini.it');
		// every setting is read somewhere, and no other node writes an address
		const used = working.flatMap((n) => expressionsOf(n.parameters)).join('\n');
		for (const { name } of settings)
			expect(used).toContain(`$('Impostazioni').first().json.${name}`);
		const literalAddresses = working
			.filter((n) => n.name !== 'Impostazioni')
			.flatMap((n) => JSON.stringify(n.parameters).match(/[\w.]+@[\w.]+/gu) ?? []);
		expect(literalAddresses).toEqual([]);
	});

	test("the email goes to the URP with inbound.json's SMTP credential, as text and HTML", () => {
		const inbound = readWorkflowFile('inbound.json').workflow;
		const smtp = inbound.nodes.find((n) => n.credentials?.smtp)?.credentials?.smtp;
		expect(next('Email del mese')).toEqual(["Email all'URP"]);
		expect(node("Email all'URP")).toMatchObject({
			type: 'n8n-nodes-base.emailSend',
			credentials: { smtp },
			parameters: {
				fromEmail: "={{ $('Impostazioni').first().json.mittente }}",
				toEmail: "={{ $('Impostazioni').first().json.emailUrp }}",
				subject: '={{ $json.subject }}',
				emailFormat: 'both',
				text: '={{ $json.text }}',
				html: '={{ $json.html }}',
			},
		});
	});

	test('every Figures node reads the store of the other workflows', () => {
		const figures = working.filter((n) => n.type === 'n8n-nodes-whatsurp.whatsUrpFigures');
		expect(figures.map((n) => n.name).sort()).toEqual(
			[
				'Email del mese',
				'Numeri del mese scorso',
				"Numeri dell'anno",
				'Pagina del cruscotto',
				'Tabella CSV',
			].sort(),
		);
		for (const one of figures) {
			expect(one.credentials).toEqual({ whatsUrpStore: { id: null, name: 'Archivio iscrizioni' } });
		}
	});
});
