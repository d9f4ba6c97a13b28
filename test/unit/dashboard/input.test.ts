/** What the dashboard reads from an item: figures checked field by field, the year of `?anno=`. */
import {
	DashboardInputError,
	figuresFromItems,
	parseFigures,
	yearFromQuery,
	yearsBetween,
} from '../../../nodes/core/dashboard';
import { getFiguresItems, HOSTILE_FIGURES, ONE_LIST, SEVERAL_LISTS } from './fixtures';

function fieldOf(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(DashboardInputError);
		return (error as DashboardInputError).field;
	}
	throw new Error('did not throw');
}

/** The figures as JSON gives them back: any field may be changed by a test. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
const clone = () => JSON.parse(JSON.stringify(ONE_LIST)) as Loose;

describe('parseFigures', () => {
	test('figures that went through JSON are taken as they are', () => {
		expect(parseFigures(clone())).toEqual(ONE_LIST);
	});

	test.each<[string, (f: Loose) => unknown, string]>([
		['not an object', () => 'figures', 'figures'],
		['an array', () => [ONE_LIST], 'figures'],
		['no period', (f) => ({ ...f, period: undefined }), 'figures.period'],
		[
			'a period in days',
			(f) => ({ ...f, period: { ...f.period, granularity: 'day' } }),
			'figures.period.granularity',
		],
		[
			'an unknown time zone',
			(f) => ({ ...f, period: { ...f.period, timeZone: 'Europe/Atlantide' } }),
			'figures.period.timeZone',
		],
		['rows as an object', (f) => ({ ...f, rows: {} }), 'figures.rows'],
		[
			'a count as text',
			(f) => {
				f.rows[2].messages.questions = '3';
				return f;
			},
			'figures.rows[2].messages.questions',
		],
		[
			'a median as NaN',
			(f) => {
				f.totals.service.answerMinutesMedian = Number.NaN;
				return f;
			},
			'figures.totals.service.answerMinutesMedian',
		],
		[
			'a code count as text',
			(f) => {
				f.totals.broadcasts[0].failedByCode['131026'] = 'x';
				return f;
			},
			'figures.totals.broadcasts[0].failedByCode.131026',
		],
		[
			'a list name as a number',
			(f) => {
				f.lists = [1];
				return f;
			},
			'figures.lists[0]',
		],
		[
			'a waiting case of another kind',
			(f) => {
				f.waiting.openQuestions[1].kind = 'complaint';
				return f;
			},
			'figures.waiting.openQuestions[1].kind',
		],
		['no waiting', (f) => ({ ...f, waiting: null }), 'figures.waiting'],
		[
			'a waiting count as text',
			(f) => ({ ...f, waiting: { ...f.waiting, counts: { openQuestions: 'molte' } } }),
			'figures.waiting.counts.openQuestions',
		],
	])('%s → %s', (_label, change, field) => {
		expect(fieldOf(() => parseFigures(change(clone())))).toBe(field);
	});
});

describe('figuresFromItems: the items of Get Figures back into figures', () => {
	test.each([
		['one list', ONE_LIST],
		['several lists', SEVERAL_LISTS],
		['hostile strings', HOSTILE_FIGURES],
	])('%s, through JSON as n8n passes items', (_label, figures) => {
		const items = JSON.parse(JSON.stringify(getFiguresItems(figures))) as unknown[];
		expect(items).toHaveLength(13);
		expect(figuresFromItems(items, 12)).toEqual(figures);
	});

	test('two runs of Get Figures in one input: each totals item takes its own rows', () => {
		const items = [...getFiguresItems(SEVERAL_LISTS), ...getFiguresItems(ONE_LIST)];
		expect(figuresFromItems(items, 12)).toEqual(SEVERAL_LISTS);
		expect(figuresFromItems(items, 25)).toEqual(ONE_LIST);
	});

	test.each<[string, (items: Loose[]) => unknown[], number, string]>([
		['a row item', (items) => items, 3, 'figures'],
		[
			'flat columns',
			(items) => [...items.slice(0, 12), { ...items[12], lists: 'EMERGENZE' }],
			12,
			'figures',
		],
		[
			'a malformed row',
			(items) => [{ ...items[0], messages: null }, ...items.slice(1)],
			12,
			'figures.rows[0].messages',
		],
		[
			'no waiting on the totals',
			(items) => [...items.slice(0, 12), { ...items[12], waiting: undefined }],
			12,
			'figures.waiting',
		],
	])('%s is refused', (_label, change, at, field) => {
		const items = JSON.parse(JSON.stringify(getFiguresItems(ONE_LIST))) as Loose[];
		expect(fieldOf(() => figuresFromItems(change(items), at))).toBe(field);
	});
});

describe('yearFromQuery', () => {
	test.each<[unknown, number]>([
		[undefined, 2026],
		['', 2026],
		['  ', 2026],
		['2025', 2025],
		[' 2024 ', 2024],
		[2023, 2023],
		[['2022', '2021'], 2022],
	])('%j → %d', (value, year) => {
		expect(yearFromQuery(value, 2026)).toBe(year);
	});

	test.each([['26'], ['1999'], ['2101'], ['2026; DROP TABLE'], ['<script>'], ['2026.5'], [{}]])(
		'%j is refused',
		(value) => {
			expect(fieldOf(() => yearFromQuery(value, 2026))).toBe('anno');
		},
	);

	test('the years offered', () => {
		expect(yearsBetween(2024, 2026)).toEqual([2026, 2025, 2024]);
		expect(yearsBetween(2027, 2026)).toEqual([]);
		expect(yearsBetween(1000, 2026)).toHaveLength(100);
	});
});
