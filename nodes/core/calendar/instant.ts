/** Turns the many shapes a timestamp arrives in (n8n, WhatsApp webhooks, HTTP) into a luxon DateTime. */
import { DateTime } from 'luxon';
import { CalendarInputError, describeValue } from './errors';
import { isValidTimezone } from './zone';

/** Numbers at or above this are epoch milliseconds (1e11 ms = 1973-03-03); below, epoch seconds (1e11 s ≈ year 5138). */
export const EPOCH_MILLISECONDS_THRESHOLD = 1e11;

/**
 * Supported instants, with a day's margin for time zones: within the Gregorian calendar (from 1583,
 * where the Easter computus is defined) and before year 9999, so ISO output keeps four-digit years.
 */
const EARLIEST_MS = Date.UTC(1583, 0, 2);
const LATEST_MS = Date.UTC(9998, 11, 31, 23, 59, 59, 999);
const RANGE_TEXT = 'is outside the supported years 1583–9998';

const FORMS_HINT =
	'use ISO 8601 (e.g. 2026-03-03T10:00:00+01:00), an RFC 2822 or HTTP date, or epoch seconds (e.g. 1717000000)';

function fail(value: unknown, why: string): never {
	throw new CalendarInputError('instant', `Instant ${describeValue(value)} ${why}; ${FORMS_HINT}`);
}

function checkRange(dateTime: DateTime, original: unknown): DateTime {
	const ms = dateTime.toMillis();
	if (!(ms >= EARLIEST_MS && ms <= LATEST_MS)) {
		fail(original, RANGE_TEXT);
	}
	return dateTime;
}

function fromEpochNumber(epoch: number, original: unknown): DateTime {
	if (!Number.isFinite(epoch)) fail(original, 'is not a finite number');
	if (epoch < 0) fail(original, 'is a negative epoch time');
	const ms = epoch >= EPOCH_MILLISECONDS_THRESHOLD ? epoch : epoch * 1000;
	if (ms > LATEST_MS) fail(original, RANGE_TEXT);
	return DateTime.fromMillis(Math.round(ms), { zone: 'utc' });
}

function fromText(text: string, zone: string, original: unknown): DateTime {
	if (/^\d+(\.\d+)?$/.test(text)) return fromEpochNumber(Number(text), original);
	const options = { zone, setZone: true };
	const iso = DateTime.fromISO(text, options);
	if (iso.isValid) return iso;
	for (const parse of [DateTime.fromRFC2822, DateTime.fromHTTP, DateTime.fromSQL]) {
		const parsed = parse(text, options);
		if (parsed.isValid) return parsed;
	}
	// The ISO parser explains dates that match the format but do not exist, e.g. 2026-02-30
	// ("you specified 30 (of type number) as a day, which is invalid"). Other explanations
	// repeat the whole input, so they are left out.
	const explanation = iso.invalidReason === 'unit out of range' ? iso.invalidExplanation : null;
	fail(
		original,
		explanation
			? `is not a valid date/time (${explanation.slice(0, 120)})`
			: 'is not a recognised date/time',
	);
}

/**
 * Parses an instant. Accepts a Date, a luxon DateTime, an ISO 8601 string (without an offset it is
 * read in `zone`), an RFC 2822 or HTTP date, an SQL-style 'YYYY-MM-DD HH:mm:ss', or an epoch time as
 * a number or digit string: seconds (as WhatsApp webhooks send, '1717000000'), or milliseconds when
 * ≥ 1e11. undefined, null and '' mean `now`. Anything else throws CalendarInputError (field 'instant').
 */
export function parseInstant(value: unknown, now?: Date, zone = 'Europe/Rome'): DateTime {
	if (!isValidTimezone(zone)) {
		throw new CalendarInputError(
			'zone',
			`Timezone ${describeValue(zone)} is not a valid IANA timezone; use a name such as Europe/Rome`,
		);
	}
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		return parseInstant(now ?? new Date(), undefined, zone);
	}
	if (DateTime.isDateTime(value)) {
		if (!value.isValid) {
			fail(value, `is an invalid DateTime (${value.invalidReason ?? 'unknown reason'})`);
		}
		return checkRange(value, value);
	}
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) fail(value, 'is not a valid date');
		return checkRange(DateTime.fromJSDate(value, { zone: 'utc' }), value);
	}
	if (typeof value === 'number') return checkRange(fromEpochNumber(value, value), value);
	if (typeof value === 'string') return checkRange(fromText(value.trim(), zone, value), value);
	fail(value, 'has an unsupported type');
}
