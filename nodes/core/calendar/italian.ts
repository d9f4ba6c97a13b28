/** Italian texts for citizens: weekly schedule and next opening. */
import { daysBetween } from './civilDate';
import { formatTimeOfDay } from './time';
import type { CivilDate, Weekday } from './types';
import { WEEKDAYS } from './types';

export const ITALIAN_WEEKDAYS: Readonly<Record<Weekday, string>> = {
	1: 'lunedì',
	2: 'martedì',
	3: 'mercoledì',
	4: 'giovedì',
	5: 'venerdì',
	6: 'sabato',
	7: 'domenica',
};

export const ITALIAN_MONTHS: readonly string[] = [
	'gennaio',
	'febbraio',
	'marzo',
	'aprile',
	'maggio',
	'giugno',
	'luglio',
	'agosto',
	'settembre',
	'ottobre',
	'novembre',
	'dicembre',
];

/** 'a', 'a e b', 'a, b e c'. */
export function joinItalianList(items: readonly string[]): string {
	if (items.length <= 1) return items.join('');
	return `${items.slice(0, -1).join(', ')} e ${items[items.length - 1]}`;
}

/**
 * The week in Italian, grouping days with identical ranges in week order, e.g.
 * 'lunedì, mercoledì, venerdì e sabato 9:00–13:00; martedì e giovedì 9:00–17:00; domenica chiuso'.
 * Seven identical days read 'tutti i giorni 9:00–13:00', or 'chiuso tutti i giorni'.
 */
export function formatItalianSchedule(
	week: Readonly<Record<Weekday, readonly { startMinute: number; endMinute: number }[]>>,
): string {
	const groups = new Map<string, Weekday[]>();
	for (const weekday of WEEKDAYS) {
		const ranges = week[weekday];
		const key =
			ranges.length === 0
				? 'chiuso'
				: ranges
						.map(
							(range) =>
								`${formatTimeOfDay(range.startMinute)}–${formatTimeOfDay(range.endMinute)}`,
						)
						.join(' e ');
		const days = groups.get(key) ?? [];
		days.push(weekday);
		groups.set(key, days);
	}
	if (groups.size === 1) {
		const [key] = groups.keys();
		return key === 'chiuso' ? 'chiuso tutti i giorni' : `tutti i giorni ${key}`;
	}
	return [...groups.entries()]
		.map(([key, days]) => `${joinItalianList(days.map((day) => ITALIAN_WEEKDAYS[day]))} ${key}`)
		.join('; ');
}

/**
 * 'oggi alle 9:00', 'domani alle 9:00', otherwise 'martedì 3 marzo alle 9:00'.
 * `today` and `opening` are local dates in the same timezone; `minuteOfDay` is the local opening time.
 */
export function formatItalianOpening(
	today: CivilDate,
	opening: CivilDate & { weekday: Weekday },
	minuteOfDay: number,
): string {
	const time = `alle ${formatTimeOfDay(minuteOfDay)}`;
	const daysAhead = daysBetween(today, opening);
	if (daysAhead === 0) return `oggi ${time}`;
	if (daysAhead === 1) return `domani ${time}`;
	const weekday = ITALIAN_WEEKDAYS[opening.weekday];
	return `${weekday} ${opening.day} ${ITALIAN_MONTHS[opening.month - 1]} ${time}`;
}
