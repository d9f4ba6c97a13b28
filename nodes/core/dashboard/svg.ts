/**
 * The dashboard's charts, drawn as inline SVG by this file (no chart library, no script, no request):
 * a line chart, a stacked bar chart and horizontal bars. Each SVG is an image with a title and a
 * description that says its numbers in words (screen readers), each mark has a <title> (a tooltip);
 * the page prints the same numbers in a table under the chart. Colours are Okabe and Ito's palette,
 * told apart by colour-blind readers, and lines differ by dash too.
 */
import { italianNumber } from './format';
import { escapeHtml } from './html';

export const PALETTE = [
	'#0072B2',
	'#D55E00',
	'#009E73',
	'#CC79A7',
	'#E69F00',
	'#56B4E9',
	'#000000',
];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

export interface ChartSeries {
	name: string;
	values: Array<number | null>;
}

export interface ChartFrame {
	/** Unique in the page: the id of the title and description elements. */
	id: string;
	title: string;
	/** What the chart says in words; the chart adds nothing to it. */
	desc: string;
}

const WIDTH = 420;
const HEIGHT = 240;
const LEFT = 48;
const RIGHT = 10;
const TOP = 12;
const BOTTOM = 36;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;

const fixed = (value: number) => (Math.round(value * 10) / 10).toString();

/**
 * The value axis for values up to `max`: a round step (1, 2, 2.5 or 5 × 10ⁿ, at least 1: the charts
 * show counts and minutes) giving at most 4 steps, and the axis' top, a whole number of steps at or
 * above `max`. 0 → one step of 1.
 */
export function axisScale(max: number): { step: number; top: number } {
	const wanted = Math.max(1, max / 4);
	const power = 10 ** Math.floor(Math.log10(wanted));
	const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= wanted) ?? 10 * power;
	return { step, top: step * Math.max(1, Math.ceil(max / step)) };
}

function open(frame: ChartFrame, height: number): string {
	const id = escapeHtml(frame.id);
	return (
		`<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-size="12">` +
		`<title id="${id}-title">${escapeHtml(frame.title)}</title>` +
		`<desc id="${id}-desc">${escapeHtml(frame.desc)}</desc>`
	);
}

function noData(frame: ChartFrame): string {
	return `${open(frame, 80)}<text x="${WIDTH / 2}" y="44" text-anchor="middle" fill="#555">Nessun dato nel periodo</text></svg>`;
}

/** The value axis (round steps up to `max`, grid lines) and the x labels (thinned out to fit). */
function axes(max: number, labels: readonly string[]): string {
	const parts: string[] = [];
	const { step: size, top } = axisScale(max);
	for (let step = 0; step * size <= top; step++) {
		const value = step * size;
		const y = yOf(value, top);
		parts.push(
			`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${fixed(y)}" y2="${fixed(y)}" stroke="${step === 0 ? '#333' : '#ddd'}" stroke-width="1"/>`,
			`<text x="${LEFT - 4}" y="${fixed(y + 4)}" text-anchor="end" fill="#333">${escapeHtml(italianNumber(value))}</text>`,
		);
	}
	const every = Math.max(1, Math.ceil(labels.length / 12));
	labels.forEach((label, index) => {
		if (index % every !== 0) return;
		parts.push(
			`<text x="${fixed(bandCentre(index, labels.length))}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle" fill="#333">${escapeHtml(label)}</text>`,
		);
	});
	return parts.join('');
}

function bandCentre(index: number, count: number): number {
	return LEFT + (PLOT_W * (index + 0.5)) / Math.max(1, count);
}

const yOf = (value: number, max: number) => TOP + PLOT_H - (PLOT_H * value) / max;

const hasData = (series: readonly ChartSeries[]) =>
	series.some((one) => one.values.some((value) => value !== null && value !== 0));

/** One line per series over the labels; a null value breaks the line. */
export function lineChart(
	frame: ChartFrame,
	labels: readonly string[],
	series: readonly ChartSeries[],
): string {
	if (labels.length === 0 || !hasData(series)) return noData(frame);
	const max = axisScale(
		Math.max(0, ...series.flatMap((one) => one.values.filter((v): v is number => v !== null))),
	).top;
	const parts = [open(frame, HEIGHT), axes(max, labels)];
	series.forEach((one, index) => {
		const colour = PALETTE[index % PALETTE.length];
		const dash = DASHES[index % DASHES.length];
		let path = '';
		let pen = false;
		const points: string[] = [];
		one.values.forEach((value, at) => {
			if (value === null) {
				pen = false;
				return;
			}
			const x = fixed(bandCentre(at, labels.length));
			const y = fixed(yOf(value, max));
			path += `${pen ? 'L' : 'M'}${x} ${y}`;
			pen = true;
			points.push(
				`<circle cx="${x}" cy="${y}" r="2.5" fill="${colour}"><title>${escapeHtml(`${labels[at]} – ${one.name}: ${italianNumber(value)}`)}</title></circle>`,
			);
		});
		parts.push(
			`<g class="series" data-series="${escapeHtml(one.name)}">`,
			path === ''
				? ''
				: `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
			...points,
			'</g>',
		);
	});
	parts.push('</svg>');
	return parts.join('');
}

/** Bars per label, the series stacked in order (null counts as 0). */
export function stackedBarChart(
	frame: ChartFrame,
	labels: readonly string[],
	series: readonly ChartSeries[],
): string {
	if (labels.length === 0 || !hasData(series)) return noData(frame);
	const totals = labels.map((_, at) =>
		series.reduce((sum, one) => sum + Math.max(0, one.values[at] ?? 0), 0),
	);
	const max = axisScale(Math.max(...totals)).top;
	const band = PLOT_W / labels.length;
	const width = Math.max(1, band * 0.7);
	const parts = [open(frame, HEIGHT), axes(max, labels)];
	series.forEach((one, index) => {
		const colour = PALETTE[index % PALETTE.length];
		parts.push(`<g class="series" data-series="${escapeHtml(one.name)}" fill="${colour}">`);
		labels.forEach((label, at) => {
			const value = Math.max(0, one.values[at] ?? 0);
			if (value === 0) return;
			const below = series
				.slice(0, index)
				.reduce((sum, other) => sum + Math.max(0, other.values[at] ?? 0), 0);
			const top = yOf(below + value, max);
			const height = yOf(below, max) - top;
			parts.push(
				`<rect x="${fixed(bandCentre(at, labels.length) - width / 2)}" y="${fixed(top)}" width="${fixed(width)}" height="${fixed(height)}"><title>${escapeHtml(`${label} – ${one.name}: ${italianNumber(value)}`)}</title></rect>`,
			);
		});
		parts.push('</g>');
	});
	parts.push('</svg>');
	return parts.join('');
}

export interface BarGroup {
	label: string;
	bars: Array<{ name: string; value: number }>;
}

/** Horizontal bars, a group per label (e.g. per list), each bar with its number at its end. */
export function horizontalBars(frame: ChartFrame, groups: readonly BarGroup[]): string {
	if (!groups.some((group) => group.bars.some((bar) => bar.value > 0))) return noData(frame);
	// the longest bar spans the plot: there is no axis, each bar says its number
	const max = Math.max(...groups.flatMap((group) => group.bars.map((bar) => bar.value)));
	const barHeight = 14;
	const labelWidth = 110;
	const plot = WIDTH - labelWidth - 60;
	const parts: string[] = [];
	let y = TOP;
	for (const group of groups) {
		parts.push(
			`<text x="0" y="${y + 11}" font-weight="bold" fill="#222">${escapeHtml(group.label)}</text>`,
		);
		y += 16;
		group.bars.forEach((bar, index) => {
			const length = (plot * Math.max(0, bar.value)) / max;
			parts.push(
				`<text x="${labelWidth - 4}" y="${y + 11}" text-anchor="end" fill="#333">${escapeHtml(bar.name)}</text>`,
				`<rect x="${labelWidth}" y="${y}" width="${fixed(length)}" height="${barHeight}" fill="${PALETTE[index % PALETTE.length]}"><title>${escapeHtml(`${group.label} – ${bar.name}: ${italianNumber(bar.value)}`)}</title></rect>`,
				`<text x="${fixed(labelWidth + length + 4)}" y="${y + 11}" fill="#222">${escapeHtml(italianNumber(bar.value))}</text>`,
			);
			y += barHeight + 4;
		});
		y += 8;
	}
	return `${open(frame, y + 4)}${parts.join('')}</svg>`;
}
