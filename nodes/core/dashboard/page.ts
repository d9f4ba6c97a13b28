/**
 * The URP's dashboard as one HTML page in Italian: the year's figures as inline SVG charts with their
 * numbers in tables, what is waiting now, a year selector and the CSV downloads. The page loads
 * nothing (no script, font, image or style sheet from anywhere; its Content-Security-Policy says so to
 * the browser too), so it works on an office PC without internet and on a phone.
 */
import type { Figures } from '../figures/types';
import {
	italianDay,
	italianDuration,
	italianInstant,
	italianNumber,
	italianPercent,
	rowLabel,
	signedNumber,
} from './format';
import { escapeHtml } from './html';
import { DashboardInputError } from './input';
import { horizontalBars, lineChart, PALETTE, stackedBarChart, type ChartSeries } from './svg';
import {
	figuresTable,
	FIGURES_TABLES,
	FIGURES_TABLE_TITLES,
	WAITING_COLUMNS,
	WAITING_GROUPS,
	waitingCells,
	waitingCases,
	waitingTotal,
	type Cell,
	type Column,
	type FiguresTableId,
	type Table,
} from './tables';

export interface DashboardPageOptions {
	/** The years the selector offers (the selected one is added when missing). */
	years: readonly number[];
	/** The year the figures are of. */
	selectedYear: number;
	/**
	 * Address the CSV links start with; '' (the default) for this page's own address, so the links are
	 * `?anno=2026&csv=iscritti`, relative to wherever the page is served.
	 */
	csvBaseUrl?: string;
	/** Address the year selector reloads; '' (the default) for this page's own. */
	pageUrl?: string;
}

/**
 * The page's Content-Security-Policy (a meta tag): nothing may load, inline styles only. n8n 2.41 adds
 * its own to an HTML webhook answer (`sandbox …`: an opaque origin; forms, downloads and navigation by
 * a click allowed), and both apply. Earlier n8n versions put the answer in a sandboxed srcdoc iframe
 * instead: so the year links, the year form and the CSV links open in the top window
 * (`target="_top"`, the page itself when there is no frame), a CSV is downloaded by its
 * Content-Disposition rather than a `download` attribute, and the CSP has no `form-action 'self'`
 * (which would match nothing in an opaque origin).
 */
export const DASHBOARD_CSP =
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'";

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#f5f6f8;line-height:1.4}
main{max-width:980px;margin:0 auto;padding:12px}
h1{font-size:1.4rem;margin:.4rem 0}
h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:2px solid #0072B2;padding-bottom:.2rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
.meta{color:#444;font-size:.9rem;margin:0}
nav.years{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.8rem 0}
nav.years a,nav.years strong{padding:.35rem .7rem;border-radius:6px;border:1px solid #0072B2;text-decoration:none;color:#0072B2;background:#fff}
nav.years strong{background:#0072B2;color:#fff}
nav.years form{display:inline-flex;gap:.3rem;margin-left:auto}
select,button{font-size:1rem;padding:.3rem .5rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.6rem}
.card{background:#fff;border-radius:8px;padding:.6rem .8rem;box-shadow:0 1px 2px rgba(0,0,0,.12)}
.card .n{font-size:1.5rem;font-weight:700;display:block}
.card .l{font-size:.85rem;color:#444}
section.panel{background:#fff;border-radius:8px;padding:.6rem .9rem;margin:.8rem 0;box-shadow:0 1px 2px rgba(0,0,0,.12)}
svg.chart{width:100%;height:auto;max-width:600px;display:block}
ul.legend{list-style:none;padding:0;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.9rem}
ul.legend span{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;margin-right:.3rem;vertical-align:-2px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.88rem;margin:.3rem 0;min-width:100%}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #d0d4da;padding:.25rem .45rem;vertical-align:top}
th{background:#eef1f5;text-align:left}
td{white-space:nowrap}
td.num{text-align:right}
a.csv{font-size:.9rem}
details summary{cursor:pointer;color:#0072B2;margin:.3rem 0}
.empty{color:#555;font-style:italic}
footer{margin:2rem 0 1rem;font-size:.85rem;color:#444}
`;

function link(base: string, params: Record<string, string | number>): string {
	const query = Object.entries(params)
		.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
		.join('&');
	return `${base}${base.includes('?') ? '&' : '?'}${query}`;
}

/** '' or an http(s) or relative address: anything else (`javascript:`) is refused. */
function checkedUrl(value: string | undefined, field: string): string {
	const url = (value ?? '').trim();
	if (url === '' || /^https?:\/\//iu.test(url) || /^\/(?!\/)/u.test(url)) return url;
	throw new DashboardInputError(
		`${field} must be empty, a path (/webhook/…) or an http(s) address, not "${url.slice(0, 60)}"`,
		field,
	);
}

function shownHeading(column: Column): string {
	return column.kind === 'minutes' ? column.heading.replace(/ \(min\)$/u, '') : column.heading;
}

function shownCell(cell: Cell, column: Column): string {
	if (cell === null) return '–';
	if (typeof cell === 'string') return cell;
	if (column.kind === 'minutes') return italianDuration(cell);
	if (column.kind === 'percent') return `${italianNumber(cell)}%`;
	return italianNumber(cell);
}

function htmlTable(caption: string, columns: readonly Column[], rows: readonly Cell[][]): string {
	const head = columns.map((column) => `<th scope="col">${escapeHtml(shownHeading(column))}</th>`);
	const body =
		rows.length === 0
			? `<tr><td colspan="${columns.length}" class="empty">Nessun dato</td></tr>`
			: rows
					.map(
						(row) =>
							`<tr>${row
								.map((cell, at) => {
									const column = columns[at];
									const numeric = column.kind !== 'text';
									return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(shownCell(cell, column))}</td>`;
								})
								.join('')}</tr>`,
					)
					.join('');
	return `<div class="scroll"><table><caption>${escapeHtml(caption)}</caption><thead><tr>${head.join('')}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function csvLink(
	id: FiguresTableId,
	options: Required<Omit<DashboardPageOptions, 'years'>>,
): string {
	const title = FIGURES_TABLE_TITLES[id];
	const href = link(options.csvBaseUrl, { anno: options.selectedYear, csv: id });
	return `<a class="csv" href="${escapeHtml(href)}" target="_top">Scarica «${escapeHtml(title)}» (CSV)</a>`;
}

function tableBlock(
	figures: Figures,
	table: Table,
	options: Required<Omit<DashboardPageOptions, 'years'>>,
): string {
	return `<details><summary>I numeri: ${escapeHtml(table.title)}</summary>${htmlTable(table.title, table.columns, table.rows)}</details><p>${csvLink(table.id, options)}</p>`;
}

function legend(series: readonly ChartSeries[]): string {
	return `<ul class="legend" aria-hidden="true">${series
		.map(
			(one, index) =>
				`<li><span style="background:${PALETTE[index % PALETTE.length]}"></span>${escapeHtml(one.name)}</li>`,
		)
		.join('')}</ul>`;
}

function labelsOf(figures: Figures): string[] {
	const years = new Set(figures.rows.map((row) => row.key.slice(0, 4)));
	return figures.rows.map((row) => rowLabel(row.key, years.size === 1));
}

function subscribersChart(figures: Figures): string {
	const series: ChartSeries[] = figures.lists.map((list) => ({
		name: `#${list}`,
		values: figures.rows.map(
			(row) => row.subscribers.find((one) => one.list === list)?.activeAtEnd ?? null,
		),
	}));
	const desc =
		figures.totals.subscribers.length === 0
			? 'Nessuna lista nel periodo.'
			: `Iscritti attivi a fine ${figures.period.granularity === 'week' ? 'settimana' : 'mese'}. ` +
				figures.totals.subscribers
					.map(
						(one) =>
							`#${one.list}: da ${italianNumber(one.activeAtStart)} a ${italianNumber(one.activeAtEnd)} (${signedNumber(one.change)})`,
					)
					.join('; ') +
				'.';
	return (
		lineChart(
			{ id: 'grafico-iscritti', title: 'Iscritti per lista', desc },
			labelsOf(figures),
			series,
		) + legend(series)
	);
}

function messagesChart(figures: Figures): string {
	const series: ChartSeries[] = [
		{ name: 'Domande', values: figures.rows.map((row) => row.messages.questions) },
		{ name: 'Segnalazioni', values: figures.rows.map((row) => row.messages.reports) },
		{ name: 'Comandi di iscrizione', values: figures.rows.map((row) => row.messages.commands) },
	];
	const { questions, reports, commands, outOfHours } = figures.totals.messages;
	const desc = `Nel periodo ${italianNumber(questions)} domande, ${italianNumber(reports)} segnalazioni e ${italianNumber(commands)} comandi di iscrizione; ${italianNumber(outOfHours)} domande e segnalazioni sono arrivate fuori orario.`;
	return (
		stackedBarChart(
			{ id: 'grafico-messaggi', title: 'Messaggi dei cittadini per tipo', desc },
			labelsOf(figures),
			series,
		) + legend(series)
	);
}

function answerChart(figures: Figures): string {
	const series: ChartSeries[] = [
		{ name: 'Mediana', values: figures.rows.map((row) => row.service.answerMinutesMedian) },
		{ name: '90° percentile', values: figures.rows.map((row) => row.service.answerMinutesP90) },
	];
	const s = figures.totals.service;
	const desc =
		s.answered === 0
			? 'Nessuna domanda con risposta nel periodo.'
			: `Minuti dalla domanda alla risposta dell'operatore. Nel periodo: mediana ${italianDuration(s.answerMinutesMedian)}, 90° percentile ${italianDuration(s.answerMinutesP90)}, ${italianPercent(s.answeredByNextOpeningDayShare)} entro il giorno d'apertura successivo, su ${italianNumber(s.answered)} risposte.`;
	return (
		lineChart(
			{ id: 'grafico-risposte', title: 'Tempo di risposta (minuti)', desc },
			labelsOf(figures),
			series,
		) + legend(series)
	);
}

function reachChart(figures: Figures): string {
	const names = ['Destinatari', 'Accettati', 'Consegnati', 'Letti', 'Non consegnati'];
	const groups = figures.totals.broadcasts.map((b) => ({
		label: `#${b.list} – ${italianNumber(b.count)} ${b.count === 1 ? 'avviso' : 'avvisi'}`,
		bars: [b.recipients, b.accepted, b.delivered, b.read, b.failed].map((value, at) => ({
			name: names[at],
			value,
		})),
	}));
	const desc =
		figures.totals.broadcasts.length === 0
			? 'Nessun avviso nel periodo.'
			: figures.totals.broadcasts
					.map(
						(b) =>
							`#${b.list}: ${italianNumber(b.count)} avvisi a ${italianNumber(b.recipients)} destinatari, ${italianNumber(b.delivered)} consegnati, ${italianNumber(b.read)} letti, ${italianNumber(b.failed)} non consegnati`,
					)
					.join('; ') + '.';
	return (
		horizontalBars({ id: 'grafico-avvisi', title: 'Raggiungimento degli avvisi', desc }, groups) +
		legend(names.map((name) => ({ name, values: [] })))
	);
}

function cards(figures: Figures): string {
	const t = figures.totals;
	const waiting = waitingCases(figures);
	const card = (value: string, label: string) =>
		`<div class="card"><span class="n">${escapeHtml(value)}</span><span class="l">${escapeHtml(label)}</span></div>`;
	return `<div class="cards">${[
		...t.subscribers.map((one) =>
			card(
				italianNumber(one.activeAtEnd),
				`iscritti #${one.list} (${signedNumber(one.change)}${one.changePercent === null ? '' : `, ${one.changePercent > 0 ? '+' : ''}${italianNumber(Math.round(one.changePercent * 10) / 10)}%`})`,
			),
		),
		card(italianNumber(t.broadcasts.reduce((sum, b) => sum + b.count, 0)), 'avvisi inviati'),
		card(italianNumber(t.messages.questions), 'domande'),
		card(italianNumber(t.messages.reports), 'segnalazioni'),
		card(italianDuration(t.service.answerMinutesMedian), 'tempo mediano di risposta'),
		card(italianNumber(waiting), 'in attesa adesso'),
	].join('')}</div>`;
}

function waitingSection(
	figures: Figures,
	options: Required<Omit<DashboardPageOptions, 'years'>>,
): string {
	const columns = WAITING_COLUMNS.slice(1);
	const blocks = WAITING_GROUPS.map(([field, title]) => {
		const rows = figures.waiting[field].map((one) =>
			waitingCells(title, one, figures.period.timeZone).slice(1),
		);
		const total = waitingTotal(figures, field);
		const more =
			total > rows.length
				? `<p class="meta">Qui i ${italianNumber(rows.length)} più vecchi.</p>`
				: '';
		return `<h3>${escapeHtml(title)}: ${italianNumber(total)}</h3>${htmlTable(title, columns, rows)}${more}`;
	});
	return `<section class="panel" id="attesa"><h2>In attesa adesso</h2><p class="meta">Alle ${escapeHtml(italianInstant(figures.generatedAt, figures.period.timeZone))}, dal più vecchio.</p>${blocks.join('')}<p>${csvLink('attesa', options)}</p></section>`;
}

function yearNav(options: Required<DashboardPageOptions>): string {
	const years = [...new Set([...options.years, options.selectedYear])]
		.filter((year) => Number.isInteger(year))
		.sort((a, b) => b - a);
	const links = years.map((year) =>
		year === options.selectedYear
			? `<strong aria-current="page">${year}</strong>`
			: `<a href="${escapeHtml(link(options.pageUrl, { anno: year }))}" target="_top">${year}</a>`,
	);
	const choices = years
		.map(
			(year) =>
				`<option value="${year}"${year === options.selectedYear ? ' selected' : ''}>${year}</option>`,
		)
		.join('');
	// an empty action is the document's own URL, which in a srcdoc frame is about:srcdoc; `?` is
	// resolved against the base URL (the page's address) and the form then sets the query
	const action = options.pageUrl === '' ? '?' : options.pageUrl;
	return `<nav class="years" aria-label="Anno">${links.join('')}<form method="get" action="${escapeHtml(action)}" target="_top"><label for="anno">Anno</label><select id="anno" name="anno">${choices}</select><button type="submit">Mostra</button></form></nav>`;
}

/** The dashboard page for `figures` (a year's, by month or week). Every value is HTML-escaped. */
export function renderDashboardPage(figures: Figures, options: DashboardPageOptions): string {
	if (!Number.isInteger(options.selectedYear)) {
		throw new DashboardInputError(
			`The selected year is not a year: ${String(options.selectedYear)}`,
			'selectedYear',
		);
	}
	const resolved: Required<DashboardPageOptions> = {
		years: options.years,
		selectedYear: options.selectedYear,
		csvBaseUrl: checkedUrl(options.csvBaseUrl, 'csvBaseUrl'),
		pageUrl: checkedUrl(options.pageUrl, 'pageUrl'),
	};
	const table = (id: FiguresTableId) => tableBlock(figures, figuresTable(figures, id), resolved);
	const zone = figures.period.timeZone;
	const title = `Cruscotto WhatsUrp – ${options.selectedYear}`;
	return `<!DOCTYPE html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(DASHBOARD_CSP)}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Dal ${escapeHtml(italianDay(figures.period.from))} al ${escapeHtml(italianDay(figures.period.to))} · dati aggiornati al ${escapeHtml(italianInstant(figures.generatedAt, zone))}</p>
${yearNav(resolved)}
${cards(figures)}
${waitingSection(figures, resolved)}
<section class="panel" id="iscritti"><h2>Iscritti per lista</h2>${subscribersChart(figures)}${table('iscritti')}</section>
<section class="panel" id="messaggi"><h2>Messaggi dei cittadini</h2>${messagesChart(figures)}${table('messaggi')}${table('segnalazioni')}</section>
<section class="panel" id="risposte"><h2>Tempo di risposta</h2>${answerChart(figures)}${table('risposte')}</section>
<section class="panel" id="avvisi"><h2>Avvisi alle liste</h2>${reachChart(figures)}${table('avvisi')}${table('errori')}</section>
<footer><p>Scarica i dati (CSV, separati da punto e virgola, per Excel):</p><ul>${FIGURES_TABLES.map(
		(id) => `<li>${csvLink(id, resolved)}</li>`,
	).join(
		'',
	)}</ul><p>Solo numeri aggregati: nessun numero di telefono, nome o testo dei cittadini.</p></footer>
</main>
</body>
</html>
`;
}
