/** The URP's figures: aggregates of the store for a period, and the yearly summary in Italian. */
export type * from './types';
export {
	computeFigures,
	percentile,
	DEFAULT_WAITING_LIMIT,
	type FiguresOptions,
	type FiguresSource,
} from './compute';
export {
	cutPeriod,
	yearPeriod,
	monthPeriod,
	FiguresInputError,
	DEFAULT_FIGURES_TIMEZONE,
	MAX_FIGURES_ROWS,
} from './period';
export {
	yearlySummary,
	formatItalianInteger,
	formatItalianDecimal,
	formatItalianChange,
	formatItalianDuration,
} from './summary';
