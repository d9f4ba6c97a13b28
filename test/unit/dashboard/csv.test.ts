/**
 * The CSV downloads: read back by an RFC 4180 parser with `;` they give the table's cells, for every
 * table and fixture, hostile text included; numbers as Italian Excel reads them; no formula.
 */
import {
	FIGURES_TABLES,
	csvFileName,
	figuresTable,
	renderFiguresCsv,
	type FiguresTableId,
} from '../../../nodes/core/dashboard';
import type { Figures } from '../../../nodes/core/figures/types';
import { EMPTY_YEAR, HOSTILE, HOSTILE_FIGURES, ONE_LIST, SEVERAL_LISTS } from './fixtures';

/** RFC 4180 with `;`: quoted fields may hold `;`, `""` and line breaks; records end with CRLF. */
function parseCsv(text: string): string[][] {
	const records: string[][] = [];
	let field = '';
	let record: string[] = [];
	let quoted = false;
	for (let at = 0; at < text.length; at++) {
		const c = text[at];
		if (quoted) {
			if (c === '"' && text[at + 1] === '"') {
				field += '"';
				at++;
			} else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"' && field === '') quoted = true;
		else if (c === ';') {
			record.push(field);
			field = '';
		} else if (c === '\r' && text[at + 1] === '\n') {
			record.push(field);
			records.push(record);
			record = [];
			field = '';
			at++;
		} else if (c === '"' || c === '\n' || c === '\r') {
			throw new Error(`bare ${JSON.stringify(c)} at ${at}`);
		} else field += c;
	}
	if (quoted || field !== '' || record.length > 0)
		throw new Error('the last record is not ended by CRLF');
	return records;
}

/** What a cell should read back as. */
function expected(cell: string | number | null): string {
	if (cell === null) return '';
	if (typeof cell === 'number') return String(cell).replace('.', ',');
	return /^[=+\-@\t\r]/u.test(cell) ? `'${cell}` : cell;
}

describe.each<[string, Figures]>([
	['an empty year', EMPTY_YEAR],
	['one list', ONE_LIST],
	['several lists', SEVERAL_LISTS],
	['hostile strings', HOSTILE_FIGURES],
])('the CSV of %s', (_label, figures) => {
	test.each(FIGURES_TABLES.map((table) => [table]))('%s reads back as the table', (table) => {
		const csv = renderFiguresCsv(figures, table as FiguresTableId);
		expect(csv.startsWith('\uFEFF')).toBe(true);
		const records = parseCsv(csv.slice(1));
		const model = figuresTable(figures, table as FiguresTableId);
		expect(records[0]).toEqual(model.columns.map((column) => column.heading));
		expect(records.slice(1)).toEqual(model.rows.map((row) => row.map(expected)));
		for (const record of records) expect(record).toHaveLength(model.columns.length);
	});
});

describe('what the CSV holds', () => {
	test('one list: a row per month and list, then the total; decimals with a comma', () => {
		const records = parseCsv(renderFiguresCsv(ONE_LIST, 'iscritti').slice(1));
		expect(records).toHaveLength(1 + 12 + 1);
		expect(records[1]).toEqual([
			'gen 2026',
			'#EMERGENZE',
			'100',
			'110',
			'12',
			'2',
			'0',
			'0',
			'10',
			'',
		]);
		expect(records[13]).toEqual([
			'Totale',
			'#EMERGENZE',
			'100',
			'220',
			'144',
			'24',
			'0',
			'0',
			'120',
			'20',
		]);
		const service = parseCsv(renderFiguresCsv(ONE_LIST, 'risposte').slice(1));
		expect(service[4]).toEqual(['apr 2026', '4', '33', '243,5', '87,5', '0', '0', '0', '0']);
		const failures = parseCsv(renderFiguresCsv(ONE_LIST, 'errori').slice(1));
		expect(failures.slice(1)).toEqual([
			['#EMERGENZE', '131026', '2'],
			['#EMERGENZE', 'sconosciuto', '1'],
		]);
	});

	test('the waiting list: one row per case, its age in minutes', () => {
		const records = parseCsv(renderFiguresCsv(ONE_LIST, 'attesa').slice(1));
		expect(records.slice(1)).toEqual([
			[
				'Domande senza risposta',
				'41',
				'domanda',
				'inoltrato',
				'operatori',
				'3 dicembre 2026, 10:30',
				'5795',
				'no',
			],
			[
				'Domande senza risposta',
				'57',
				'domanda',
				'inoltrato',
				'operatori',
				'7 dicembre 2026, 8:35',
				'30',
				'sì',
			],
			[
				'Segnalazioni non registrate',
				'12',
				'segnalazione',
				'inoltrato',
				'casella URP',
				'3 dicembre 2026, 10:30',
				'5795',
				'no',
			],
		]);
	});

	test('hostile text: quoted where it must be, a formula never starts a cell', () => {
		const csv = renderFiguresCsv(HOSTILE_FIGURES, 'segnalazioni');
		expect(csv).toContain(`"a;b\r\n""c"""`);
		expect(csv).toContain(`;"'=cmd|""/c calc""!A1";`);
		expect(renderFiguresCsv(HOSTILE_FIGURES, 'iscritti')).toContain(
			`;"#${HOSTILE.replace(/"/gu, '""')}";`,
		);
		const lines = csv.split('\r\n').flatMap((line) => line.split(';'));
		expect(lines.filter((cell) => /^[=+@]/u.test(cell))).toEqual([]);
	});

	test('the file name is plain ASCII whatever the period holds', () => {
		expect(csvFileName(ONE_LIST, 'avvisi')).toBe('whatsurp-avvisi-2026-01-01_2026-12-31.csv');
		expect(csvFileName(HOSTILE_FIGURES, 'avvisi')).toMatch(
			/^whatsurp-avvisi-[0-9A-Za-z_-]+\.csv$/u,
		);
	});
});
