/** The URP's dashboard page, its CSV downloads and the monthly email, from the figures (core/figures). */
export { renderDashboardPage, DASHBOARD_CSP, type DashboardPageOptions } from './page';
export { renderFiguresCsv, csvFileName, CSV_SEPARATOR } from './csv';
export {
	monthlyEmail,
	DEFAULT_MONTHLY_EMAIL_TEXTS,
	MONTHLY_EMAIL_PLACEHOLDERS,
	type MonthlyEmail,
	type MonthlyEmailTexts,
} from './email';
export {
	FIGURES_TABLES,
	FIGURES_TABLE_TITLES,
	figuresTable,
	isFiguresTableId,
	type FiguresTableId,
	type Table,
} from './tables';
export {
	DashboardInputError,
	figuresFromItems,
	parseFigures,
	yearFromQuery,
	yearsBetween,
} from './input';
