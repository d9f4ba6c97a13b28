/**
 * A figures table as CSV for Italian Excel (and LibreOffice with Italian settings): fields separated by
 * `;` (Excel in Italy reads `,` as the decimal comma, so a comma-separated file opens as one column),
 * decimals with a comma (`12,5`), no thousands separator, lines ended by CRLF and quoting as RFC 4180
 * says (a field with `;`, `"`, CR or LF is quoted, its `"` doubled), a UTF-8 byte-order mark first so
 * Excel reads accents right. A text beginning with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`, so
 * a spreadsheet never runs it as a formula (OWASP's advice on CSV injection); numbers are left alone.
 */
import type { Figures } from '../figures/types';
import { figuresTable, type Cell, type FiguresTableId } from './tables';

export const CSV_SEPARATOR = ';';
export const CSV_BOM = '\uFEFF';

function csvNumber(value: number): string {
	if (!Number.isFinite(value)) return '';
	return String(value).replace('.', ',');
}

function csvText(value: string): string {
	const safe = /^[=+\-@\t\r]/u.test(value) ? `'${value}` : value;
	return /[;"\r\n]/u.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvCell(cell: Cell): string {
	if (cell === null) return '';
	return typeof cell === 'number' ? csvNumber(cell) : csvText(cell);
}

/** The table `table` of the figures as CSV text (headings first), ready to download. */
export function renderFiguresCsv(figures: Figures, table: FiguresTableId): string {
	const { columns, rows } = figuresTable(figures, table);
	const lines = [
		columns.map((column) => csvText(column.heading)),
		...rows.map((row) => row.map(csvCell)),
	];
	return CSV_BOM + lines.map((cells) => cells.join(CSV_SEPARATOR)).join('\r\n') + '\r\n';
}

/** The download's file name: `whatsurp-iscritti-2026-01-01_2026-12-31.csv` (ASCII only). */
export function csvFileName(figures: Figures, table: FiguresTableId): string {
	const safe = (value: string) => value.replace(/[^0-9A-Za-z-]/gu, '');
	return `whatsurp-${table}-${safe(figures.period.from)}_${safe(figures.period.to)}.csv`;
}
