/**
 * The page in Chromium as n8n 2.41 serves an HTML webhook answer: behind n8n-core's own sandbox
 * Content-Security-Policy header (an opaque origin), from a local HTTP server on the path of the
 * workflow. The year links and the year form reload the page with `?anno=`, the styles apply, a CSV
 * link downloads the file, nothing is requested but the page's own address, and hostile figures run
 * nothing (no dialog opens).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { getHtmlSandboxCSP } from 'n8n-core';
import type { Browser } from 'playwright-core';

import {
	csvFileName,
	isFiguresTableId,
	renderDashboardPage,
	renderFiguresCsv,
} from '../../../nodes/core/dashboard';
import type { Figures } from '../../../nodes/core/figures/types';
import { launchChromium } from '../../helpers/browser';
import { HOSTILE_FIGURES, ONE_LIST } from './fixtures';

const PATH = '/webhook/whatsurp/cruscotto';

let server: Server;
let base: string;
let browser: Browser;
let figures: Figures = ONE_LIST;
const requests: string[] = [];

beforeAll(async () => {
	server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		requests.push(url.pathname + url.search);
		const table = url.searchParams.get('csv');
		if (url.pathname !== PATH) {
			response.writeHead(404).end();
		} else if (table !== null && isFiguresTableId(table)) {
			response.writeHead(200, {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${csvFileName(figures, table)}"`,
			});
			response.end(renderFiguresCsv(figures, table));
		} else {
			const year = Number(url.searchParams.get('anno') ?? 2026);
			response.writeHead(200, {
				'content-type': 'text/html; charset=utf-8',
				'content-security-policy': getHtmlSandboxCSP(),
			});
			response.end(renderDashboardPage(figures, { years: [2024, 2025, 2026], selectedYear: year }));
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await new Promise((resolve) => server?.close(resolve));
});

test('the year links and form reload it, the styles apply, a CSV downloads', async () => {
	figures = ONE_LIST;
	requests.length = 0;
	const context = await browser.newContext({ acceptDownloads: true });
	try {
		const page = await context.newPage();
		await page.goto(base);
		expect(await page.title()).toBe('Cruscotto WhatsUrp – 2026');
		await page.getByRole('link', { name: '2025', exact: true }).click();
		await page.waitForURL(`${base}?anno=2025`);
		await page.locator('select#anno').selectOption('2024');
		await page.getByRole('button', { name: 'Mostra' }).click();
		await page.waitForURL(`${base}?anno=2024`);
		expect(await page.locator('h1').textContent()).toBe('Cruscotto WhatsUrp – 2024');
		// the inline style sheet applies under n8n's sandbox and the page's own policy
		const border = await page.evaluate(
			"getComputedStyle(document.querySelector('h2')).borderBottomStyle",
		);
		expect(border).toBe('solid');
		expect(await page.locator('svg[role="img"]').count()).toBe(4);
		const [download] = await Promise.all([
			page.waitForEvent('download', { timeout: 10_000 }),
			page.getByRole('link', { name: 'Scarica «Messaggi dei cittadini» (CSV)' }).first().click(),
		]);
		expect(download.suggestedFilename()).toBe('whatsurp-messaggi-2026-01-01_2026-12-31.csv');
		expect(requests).toEqual([
			PATH,
			`${PATH}?anno=2025`,
			`${PATH}?anno=2024`,
			`${PATH}?anno=2024&csv=messaggi`,
		]);
	} finally {
		await context.close();
	}
}, 60_000);

test('hostile figures run nothing', async () => {
	figures = HOSTILE_FIGURES;
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		const dialogs: string[] = [];
		page.on('dialog', (dialog) => {
			dialogs.push(dialog.message());
			void dialog.dismiss();
		});
		await page.goto(base);
		await page
			.locator('details')
			.first()
			.evaluate((details) => details.setAttribute('open', ''));
		expect(await page.locator('script, img, iframe').count()).toBe(0);
		expect(await page.getByText('#<script>alert("x")</script>').first().isVisible()).toBe(true);
		expect(dialogs).toEqual([]);
	} finally {
		await context.close();
	}
}, 60_000);
