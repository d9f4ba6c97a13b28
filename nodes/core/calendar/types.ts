/** Public data types of the office-hours calendar. */

/** Day of the week as luxon numbers it: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const WEEKDAYS: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 7];

/** English day names, used only in configuration field paths such as `schedule.monday[0].start`. */
export const WEEKDAY_FIELD_NAMES: Readonly<Record<Weekday, string>> = {
	1: 'monday',
	2: 'tuesday',
	3: 'wednesday',
	4: 'thursday',
	5: 'friday',
	6: 'saturday',
	7: 'sunday',
};

/** An opening range in wall-clock time: 'H:mm' or 'HH:mm'; `end` is exclusive, may be '24:00' and must be after `start`. */
export interface TimeRange {
	start: string;
	end: string;
}

/** Opening ranges per weekday; a missing or empty day is closed. */
export type WeeklySchedule = Partial<Record<Weekday, TimeRange[]>>;

/** An extra closure added by staff. */
export interface Closure {
	/** First day: 'YYYY-MM-DD' or 'DD/MM/YYYY'. */
	from: string;
	/** Inclusive last day, same formats; defaults to `from`. */
	to?: string;
	/** 'HH:mm': on the first day the office closes from this time; later days are closed all day. */
	fromTime?: string;
	/** Italian name shown to citizens; defaults to 'Chiusura straordinaria'. */
	name?: string;
}

/** The town's patron saint's day, a local holiday every year. */
export interface PatronDay {
	month: number;
	day: number;
	name: string;
}

export interface CalendarConfig {
	/** IANA timezone; a blank value means 'Europe/Rome'. */
	timezone: string;
	schedule: WeeklySchedule;
	/** Whether the Italian national holidays close the office. */
	nationalHolidays: boolean;
	patronDay: PatronDay | null;
	closures: Closure[];
}

export type ClosedReason = 'outsideHours' | 'holiday' | 'patronDay' | 'closure';

export interface OfficeHoursResult {
	open: boolean;
	reason: 'open' | ClosedReason;
	/** Italian name of the holiday, patron day or closure that closes the office; otherwise null. */
	holidayName: string | null;
	/** When open: ISO 8601 with offset of the end of the current opening; null when closed (or when the office never closes within the search window). */
	closesAt: string | null;
	/** ISO 8601 with offset of the next opening strictly after the instant (after `closesAt` when open); null if none within the search window. */
	nextOpening: string | null;
	/** Italian description of `nextOpening`, e.g. 'domani alle 9:00'; null when `nextOpening` is null. */
	nextOpeningText: string | null;
	/** The weekly schedule in Italian, e.g. 'lunedì e mercoledì 9:00–13:00; …; domenica chiuso'. */
	scheduleText: string;
}

/** A calendar date without time or zone. */
export interface CivilDate {
	year: number;
	month: number;
	day: number;
}
