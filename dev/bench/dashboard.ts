/**
 * The dashboard's own costs, printed as a Markdown table (BENCHMARKS.md, "Dashboard"):
 * - the page, every CSV and the monthly email rendered from figures as large as a region's year by week
 *   (53 rows, 12 lists, alerts every week, 200 cases in each waiting group), median of 20 runs;
 * - the sandbox's history seeded into a fresh SQLite store (`dev/seed/history.ts`, 3,000 citizens).
 * The figures themselves (the store's queries) are measured by the figures' own benchmark.
 *
 *   npm run build && node .build/dev/bench/dashboard.js [--citizens=3000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	FIGURES_TABLES,
	monthlyEmail,
	renderDashboardPage,
	renderFiguresCsv,
} from '../../nodes/core/dashboard';
import type {
	BroadcastFigures,
	Figures,
	FiguresRow,
	ListFigures,
	WaitingCase,
} from '../../nodes/core/figures/types';
import { openStore } from '../../nodes/core/store';
import { seedHistory } from '../seed/history';

const LISTS = Array.from({ length: 12 }, (_, i) => (i === 0 ? 'EMERGENZE' : `LISTA${i}`));

function list(name: string, i: number): ListFigures {
	return {
		list: name,
		activeAtStart: 400_000 - i * 1000,
		activeAtEnd: 401_234 - i * 1000,
		joined: 2345,
		leftByCommand: 1000,
		leftByErase: 111,
		pendingExpired: 57,
		change: 1234,
		changePercent: 0.3,
	};
}

function broadcast(name: string): BroadcastFigures {
	return {
		list: name,
		count: 1,
		recipients: 400_000,
		accepted: 398_000,
		delivered: 395_000,
		read: 300_000,
		failed: 2000,
		failedByCode: { '131026': 1500, '131049': 400, unknown: 100 },
		unsubscribedMidway: 12,
		durationSeconds: 5000,
		longestSeconds: 5000,
	};
}

function bigFigures(): Figures {
	const span = (i: number): Omit<FiguresRow, 'key' | 'from' | 'to'> => ({
		subscribers: LISTS.map(list),
		broadcasts: LISTS.map(broadcast),
		messages: {
			questions: 40 + (i % 7),
			reports: 120 + (i % 5),
			reportsByService: { buche: 50, rifiuti: 40, verde: 30, illuminazione: i % 9 },
			commands: 300,
			outOfHours: 60,
		},
		service: {
			answered: 38,
			answerMinutesMedian: 95.5 + i,
			answerMinutesP90: 1400 + i,
			answeredByNextOpeningDayShare: 0.82,
			answeredAsTemplate: 3,
			unanswered: 1,
			reportsRegistered: 110,
			reportsToMailbox: 10,
		},
	});
	const rows: FiguresRow[] = Array.from({ length: 53 }, (_, i) => ({
		key: `2026-W${String(i + 1).padStart(2, '0')}`,
		from: '2026-01-01',
		to: '2026-01-07',
		...span(i),
	}));
	const WAITING_PER_GROUP = 200;
	const waiting = (kind: WaitingCase['kind']): WaitingCase[] =>
		Array.from({ length: WAITING_PER_GROUP }, (_, i) => ({
			caseId: 100_000 + i,
			kind,
			state: 'routed',
			routedTo: kind === 'question' ? 'operators' : 'urp_mailbox',
			openedAt: '2026-12-01T09:30:00.000Z',
			ageMinutes: 5000 - i,
			outOfHours: i % 3 === 0,
		}));
	return {
		period: { from: '2026-01-01', to: '2026-12-31', timeZone: 'Europe/Rome', granularity: 'week' },
		generatedAt: '2026-12-07T08:00:00.000Z',
		lists: LISTS,
		rows,
		totals: span(0),
		waiting: {
			openQuestions: waiting('question'),
			reportsNotRegistered: waiting('report'),
			notRouted: [],
			counts: {
				openQuestions: WAITING_PER_GROUP,
				reportsNotRegistered: WAITING_PER_GROUP,
				notRouted: 0,
			},
		},
	};
}

function median(run: () => unknown, times = 20): number {
	const ms: number[] = [];
	for (let i = 0; i < times; i++) {
		const start = process.hrtime.bigint();
		run();
		ms.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	ms.sort((a, b) => a - b);
	return ms[Math.floor(ms.length / 2)];
}

async function main(): Promise<void> {
	const citizens = Number(/--citizens=(\d+)/u.exec(process.argv.join(' '))?.[1] ?? 3000);
	const figures = bigFigures();
	const lines = ['| what | size | median ms |', '|---|---|---|'];
	const page = renderDashboardPage(figures, { years: [2024, 2025, 2026], selectedYear: 2026 });
	lines.push(
		`| page (53 weeks, 12 lists, 400 waiting) | ${Math.round(page.length / 1024)} KiB | ${median(() => renderDashboardPage(figures, { years: [2024, 2025, 2026], selectedYear: 2026 })).toFixed(1)} |`,
	);
	for (const table of FIGURES_TABLES) {
		const csv = renderFiguresCsv(figures, table);
		lines.push(
			`| CSV ${table} | ${csv.split('\r\n').length - 2} rows | ${median(() => renderFiguresCsv(figures, table)).toFixed(2)} |`,
		);
	}
	lines.push(
		`| monthly email | ${Math.round(monthlyEmail(figures).html.length / 1024)} KiB HTML | ${median(() => monthlyEmail(figures)).toFixed(2)} |`,
	);

	const folder = mkdtempSync(join(tmpdir(), 'whatsurp-bench-dashboard-'));
	try {
		const store = await openStore({ backend: 'sqlite', path: join(folder, 'store.sqlite') });
		const seeded = await seedHistory(store, { now: new Date('2026-12-07T08:00:00Z'), citizens });
		await store.close();
		lines.push(
			`| sandbox history seeded (SQLite) | ${seeded.citizens} citizens, ${seeded.broadcasts} alerts to ${seeded.recipients} recipients, ${seeded.questions + seeded.reports} cases | ${seeded.milliseconds} |`,
		);
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
	console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
