/**
 * The dashboard page: complete and balanced HTML in Italian, no request to anywhere, four charts each
 * with its title, description and table of numbers, the year selector and CSV links, and every value a
 * store could hand over escaped (a list named `<script>` is text).
 */
import {
	DashboardInputError,
	monthlyEmail,
	renderDashboardPage,
} from '../../../nodes/core/dashboard';
import type { Figures } from '../../../nodes/core/figures/types';
import {
	EMPTY_YEAR,
	HOSTILE,
	HOSTILE_ATTRIBUTE,
	HOSTILE_FIGURES,
	ONE_LIST,
	SEVERAL_LISTS,
	waitingCase,
} from './fixtures';

const OPTIONS = { years: [2024, 2025, 2026], selectedYear: 2026 };

/** Elements the page may contain; a value that became markup would add another (or an attribute). */
const ALLOWED = new Set(
	'html head meta title style body main h1 h2 h3 p nav a strong form label select option button div span section details summary table caption thead tbody tr th td ul li footer svg desc line text path circle g rect'.split(
		' ',
	),
);
const ATTRIBUTES = new Set(
	'lang charset name content http-equiv class id aria-label aria-current aria-labelledby aria-hidden href target method action for value selected type scope colspan style viewBox role font-size x y x1 x2 y1 y2 cx cy r d fill stroke stroke-width stroke-dasharray text-anchor font-weight width height data-series'.split(
		' ',
	),
);
const VOID = new Set(['meta', 'br']);

/** The tags in order; throws on one that is not closed or closed out of order. */
function checkBalanced(html: string): string[] {
	const stack: string[] = [];
	const names: string[] = [];
	const body = html
		.replace(/<!DOCTYPE html>/u, '')
		.replace(/<style>[\s\S]*?<\/style>/u, '<style></style>');
	for (const match of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/gu)) {
		const [, closing, name, selfClosing] = match;
		if (closing) {
			const open = stack.pop();
			if (open !== name) throw new Error(`</${name}> closes <${open}>`);
		} else {
			names.push(name);
			if (!selfClosing && !VOID.has(name)) stack.push(name);
		}
	}
	if (stack.length > 0) throw new Error(`never closed: ${stack.join(', ')}`);
	return names;
}

const svgs = (html: string) => [...html.matchAll(/<svg\b[\s\S]*?<\/svg>/gu)].map((m) => m[0]);

describe.each<[string, Figures]>([
	['an empty year', EMPTY_YEAR],
	['one list', ONE_LIST],
	['several lists', SEVERAL_LISTS],
	['hostile strings', HOSTILE_FIGURES],
])('the page of %s', (_label, figures) => {
	const html = renderDashboardPage(figures, OPTIONS);

	test('is one balanced HTML document in Italian, readable on a phone, of known elements only', () => {
		expect(html.startsWith('<!DOCTYPE html>\n<html lang="it">')).toBe(true);
		expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
		const names = checkBalanced(html);
		expect(names.filter((name) => !ALLOWED.has(name))).toEqual([]);
	});

	test('asks nothing of the network: no script, no external style, font, image or address', () => {
		// escaped values hold no `<`: every `<` opens one of our tags, and each attribute is one we wrote
		const tags = [...html.matchAll(/<[a-zA-Z][^>]*>/gu)].map((m) => m[0]);
		const attributes = tags.flatMap((tag) =>
			[...tag.matchAll(/\s([a-zA-Z-]+)(?:="([^"]*)")?/gu)].map((m) => [m[1], m[2] ?? ''] as const),
		);
		expect(
			[...new Set(attributes.map(([name]) => name))].filter((n) => !ATTRIBUTES.has(n)),
		).toEqual([]);
		expect(
			attributes.filter(([name, value]) => name === 'href' && !/^\?anno=/u.test(value)),
		).toEqual([]);
		expect(html).not.toMatch(/https?:|@import|url\(/iu);
		expect(html).toContain(
			`content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:`,
		);
	});

	test('draws four charts, each an image with a title and a description', () => {
		const charts = svgs(html);
		expect(charts).toHaveLength(4);
		for (const chart of charts) {
			const id = /aria-labelledby="([^" ]+)-title \1-desc"/u.exec(chart)?.[1];
			expect(id).toBeDefined();
			expect(chart).toMatch(
				new RegExp(`<title id="${id}-title">[^<]+</title><desc id="${id}-desc">[^<]+</desc>`, 'u'),
			);
			expect(chart).toContain('role="img"');
		}
	});

	test('every link and the year form open in the top window (n8n serves the page in a sandboxed iframe)', () => {
		const opening = [...html.matchAll(/<(a|form)\b[^>]*>/gu)].map((m) => m[0]);
		expect(opening.length).toBeGreaterThan(7);
		expect(opening.filter((tag) => !tag.includes(' target="_top"'))).toEqual([]);
		expect(html).not.toContain(' download=');
	});

	test('offers the years and a CSV link for each table', () => {
		expect(html).toContain('<a href="?anno=2025" target="_top">2025</a>');
		expect(html).toContain('<strong aria-current="page">2026</strong>');
		expect(html).toContain('<option value="2026" selected>2026</option>');
		// never an empty action: in n8n's srcdoc frame that would be about:srcdoc
		expect(html).toContain('<form method="get" action="?" target="_top">');
		for (const table of [
			'iscritti',
			'avvisi',
			'errori',
			'messaggi',
			'segnalazioni',
			'risposte',
			'attesa',
		]) {
			expect(html).toContain(`href="?anno=2026&amp;csv=${table}"`);
		}
	});
});

describe('what the page says', () => {
	test('an empty year: every chart says there is no data, the tables say so too', () => {
		const html = renderDashboardPage(EMPTY_YEAR, OPTIONS);
		expect(html.match(/Nessun dato nel periodo/gu)).toHaveLength(4);
		expect(html).toContain('Domande senza risposta: 0');
		// the three waiting tables (7 columns) and the failures and services (3 columns) have no row
		expect(html.match(/<td colspan="7" class="empty">Nessun dato<\/td>/gu)).toHaveLength(3);
		expect(html.match(/<td colspan="3" class="empty">Nessun dato<\/td>/gu)).toHaveLength(2);
	});

	test('one list: its line, its numbers in the table, the waiting cases with their age', () => {
		const html = renderDashboardPage(ONE_LIST, OPTIONS);
		const [subscribers, messages, answers, reach] = svgs(html);
		expect(subscribers).toContain('data-series="#EMERGENZE"');
		expect(subscribers).toContain('<title>dic – #EMERGENZE: 220</title>');
		expect(subscribers).toContain('#EMERGENZE: da 100 a 220 (+120)');
		// 12 months × questions, reports (not in January: 0) and commands
		expect(messages.match(/<rect /gu)).toHaveLength(12 + 11 + 12);
		// answer times only from April: each line is one run of 9 points
		expect(answers.match(/<path d="M[^"M]+"/gu)).toHaveLength(2);
		expect(answers.match(/<circle /gu)).toHaveLength(18);
		expect(reach).toContain('<title>#EMERGENZE – 1 avviso – Letti: 90</title>');
		// the year's 90th percentile, 2345 minutes, as a person reads it
		expect(html).toContain('<td class="num">1 g 15 h</td>');
		expect(html).toContain('<td class="num">87,5%</td>');
		expect(html).toContain('Domande senza risposta: 2');
		expect(html).toContain(
			'<td class="num">41</td><td>domanda</td><td>inoltrato</td><td>operatori</td><td>3 dicembre 2026, 10:30</td><td class="num">4 g</td>',
		);
		expect(html).toContain(
			'<span class="n">36 min</span><span class="l">tempo mediano di risposta</span>',
		);
		expect(html).toContain('<span class="n">3</span><span class="l">in attesa adesso</span>');
	});

	test('several lists: one line each, thousands grouped as in Italian, the change in percent', () => {
		const html = renderDashboardPage(SEVERAL_LISTS, OPTIONS);
		const [subscribers, , , reach] = svgs(html);
		expect(subscribers.match(/<g class="series"/gu)).toHaveLength(2);
		expect(subscribers).toContain('stroke-dasharray="6 3"');
		expect(html).toContain(
			'<span class="n">4.140</span><span class="l">iscritti #EMERGENZE (+240, +6,2%)</span>',
		);
		expect(reach).toContain('#EMERGENZE: 48 avvisi a 192.000 destinatari, 189.600 consegnati');
		expect(html).toContain('<td class="num">192.000</td>');
	});

	test('hostile strings stay text, in content and in attributes', () => {
		const html = renderDashboardPage(HOSTILE_FIGURES, OPTIONS);
		expect(html).not.toContain(HOSTILE);
		expect(html).not.toContain(HOSTILE_ATTRIBUTE);
		expect(html).toContain('#&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
		expect(html).toContain('data-series="#&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
	});

	test('links start with the addresses given; anything but http(s) or a path is refused', () => {
		const html = renderDashboardPage(ONE_LIST, {
			...OPTIONS,
			pageUrl: '/webhook/whatsurp/cruscotto',
			csvBaseUrl: 'https://n8n.comune.example/webhook/whatsurp/cruscotto?x=1',
		});
		expect(html).toContain(
			'<a href="/webhook/whatsurp/cruscotto?anno=2024" target="_top">2024</a>',
		);
		expect(html).toContain(
			'href="https://n8n.comune.example/webhook/whatsurp/cruscotto?x=1&amp;anno=2026&amp;csv=avvisi"',
		);
		for (const bad of ['javascript:alert(1)', '//evil.example/x', 'data:text/html,x']) {
			expect(() => renderDashboardPage(ONE_LIST, { ...OPTIONS, csvBaseUrl: bad })).toThrow(
				DashboardInputError,
			);
		}
		expect(() => renderDashboardPage(ONE_LIST, { ...OPTIONS, selectedYear: Number.NaN })).toThrow(
			DashboardInputError,
		);
	});

	test('whole waiting counts beside lists cut at a limit', () => {
		const cut = {
			...ONE_LIST,
			waiting: {
				...ONE_LIST.waiting,
				counts: { openQuestions: 1200, reportsNotRegistered: 1, notRouted: 0 },
			},
		};
		const html = renderDashboardPage(cut, OPTIONS);
		expect(html).toContain('<h3>Domande senza risposta: 1.200</h3>');
		expect(html).toContain('<p class="meta">Qui i 2 più vecchi.</p>');
		expect(html).toContain('<span class="n">1.201</span><span class="l">in attesa adesso</span>');
	});

	test('a report received and routed nowhere is one case waiting, though in two groups', () => {
		const report = waitingCase(70, { kind: 'report', state: 'received', routedTo: null });
		const question = waitingCase(71, { state: 'received', routedTo: null });
		const figures = {
			...ONE_LIST,
			waiting: {
				openQuestions: [waitingCase(41)],
				reportsNotRegistered: [
					waitingCase(12, { kind: 'report', routedTo: 'urp_mailbox' }),
					report,
				],
				notRouted: [report, question],
			},
		} as Figures;
		const html = renderDashboardPage(figures, OPTIONS);
		expect(html).toContain('<h3>Segnalazioni non registrate: 2</h3>');
		expect(html).toContain('<h3>Casi non inoltrati: 2</h3>');
		expect(html).toContain('<span class="n">4</span><span class="l">in attesa adesso</span>');
		expect(monthlyEmail(figures).text).toContain('(4 casi)');
	});

	test('the selected year is offered even when the list of years misses it', () => {
		const html = renderDashboardPage(ONE_LIST, { years: [], selectedYear: 2026 });
		expect(html).toContain('<option value="2026" selected>2026</option>');
	});
});
