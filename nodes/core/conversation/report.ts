/**
 * A report arrives in pieces: a photo, then the position, maybe a line of text, each its own WhatsApp
 * message. These pure functions decide what the pieces make: whether the report is complete (a position
 * and at least a photo or a description), which service of the portal its words choose, and the
 * description the portal receives.
 */
import type {
	AssembledReport,
	ReportMissing,
	ReportPart,
	ReportRules,
	ServiceKeywords,
} from './types';

/** Parts of one report wait 24 hours for each other. */
export const DEFAULT_REPORT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Longest window staff may set: a week. */
export const MAX_REPORT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** At most this many parts are kept per report (a citizen sending 500 photos does not grow a row for ever). */
export const MAX_REPORT_PARTS = 50;

/** Longest text kept from one part. */
export const MAX_PART_TEXT_LENGTH = 4096;

/** Rimini's portal services and the words that choose them (the node's defaults). */
export const RIMINI_SERVICE_KEYWORDS: readonly ServiceKeywords[] = [
	{
		service: 'buche',
		keywords: ['buca', 'buche', 'asfalto', 'dissesto', 'marciapiede', 'tombino'],
	},
	{
		service: 'illuminazione',
		keywords: ['lampione', 'lampioni', 'illuminazione', 'luce', 'luci', 'palo della luce'],
	},
	{
		service: 'rifiuti',
		keywords: [
			'rifiuti',
			'rifiuto',
			'cassonetto',
			'cassonetti',
			'spazzatura',
			'immondizia',
			'sacchi',
		],
	},
];

export const DEFAULT_FALLBACK_SERVICE = 'altro';

export const DEFAULT_REPORT_RULES: ReportRules = {
	services: RIMINI_SERVICE_KEYWORDS.map((s) => ({ ...s, keywords: [...s.keywords] })),
	fallbackService: DEFAULT_FALLBACK_SERVICE,
	windowMs: DEFAULT_REPORT_WINDOW_MS,
};

/**
 * Folds text for keyword matching: lower case, accents removed, every run of characters that are not
 * letters or digits one space, with a space at both ends (so ` luce` finds a word that starts with luce).
 */
export function foldForKeywords(text: string): string {
	const folded = text
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
	return ` ${folded} `;
}

/** Splits a comma-separated keyword list as staff type it ("buca, buche , asfalto"). */
export function keywordsFromText(text: string): string[] {
	return String(text ?? '')
		.split(/[,;\n]/)
		.map((word) => word.trim())
		.filter((word) => word !== '');
}

/** True when one of the text's words starts with the keyword (several words: the phrase). */
export function containsKeyword(foldedText: string, keyword: string): boolean {
	const needle = foldForKeywords(keyword).trimEnd();
	return needle.trim() !== '' && foldedText.includes(needle);
}

/** The first service (in the rules' order) one of whose keywords the text contains, else the fallback. */
export function chooseService(
	text: string,
	rules: Pick<ReportRules, 'services' | 'fallbackService'>,
): string {
	const folded = foldForKeywords(text);
	for (const entry of rules.services) {
		if (entry.keywords.some((keyword) => containsKeyword(folded, keyword))) return entry.service;
	}
	return rules.fallbackService;
}

/**
 * The street-lighting fault the portal asks for (`tipo_guasto`), from the citizen's words: blinking,
 * lit by day, damaged; otherwise "off", the common case. Only the `illuminazione` service has it.
 */
export function lightingFaultType(text: string): string {
	const folded = foldForKeywords(text);
	const has = (...prefixes: string[]) => prefixes.some((p) => folded.includes(` ${p}`));
	// intermittente, intermittenza, lampeggia; "si accende e si spegne"
	if (has('intermitten', 'lampeggi') || (has('accend') && has('spegn'))) return 'intermittente';
	if (has('acceso', 'accesi', 'accesa', 'accese') && has('giorno', 'giorni', 'giornata'))
		return 'acceso_giorno';
	if (has('danneggiat', 'rott', 'cadut', 'pericolant', 'piegat')) return 'danneggiato';
	return 'spento';
}

function lastOf<T>(items: T[], predicate: (item: T) => boolean): T | undefined {
	for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return items[i];
	return undefined;
}

/** The parts that still belong together: those sent within the window before the newest one, oldest first. */
export function partsInWindow(parts: ReportPart[], windowMs: number): ReportPart[] {
	// A part whose time cannot be read has no place in the window (and must not become the "newest").
	const timed = parts
		.map((part) => ({ part, time: Date.parse(part.receivedAt) }))
		.filter((entry) => Number.isFinite(entry.time))
		.sort(
			(a, b) => a.time - b.time || String(a.part.messageId).localeCompare(String(b.part.messageId)),
		);
	if (timed.length === 0) return [];
	const newest = timed[timed.length - 1].time;
	return timed.filter((entry) => entry.time >= newest - windowMs).map((entry) => entry.part);
}

/**
 * What the parts make. Complete = a position and at least one photo or description; otherwise
 * `missing` says which the citizen is asked for (the position first).
 */
export function assembleReport(parts: ReportPart[], rules: ReportRules): AssembledReport {
	const inWindow = partsInWindow(parts, rules.windowMs);
	const texts = inWindow.map((part) => (part.text ?? '').trim()).filter((text) => text !== '');
	const photos = inWindow
		.filter((part) => part.media !== undefined && part.media.id !== '')
		.map((part) => ({
			id: part.media!.id,
			mimeType: part.media!.mimeType ?? '',
			filename: part.media!.filename ?? '',
		}));
	const position = lastOf(inWindow, (part) => part.location !== undefined)?.location;
	const text = texts.join('\n');
	const service = chooseService(text, rules);
	const place = position?.place ?? '';
	const name = lastOf(inWindow, (part) => (part.name ?? '').trim() !== '')?.name?.trim() ?? '';
	const [firstName = '', ...rest] = name === '' ? [] : name.split(/\s+/);
	const complete = position !== undefined && (texts.length > 0 || photos.length > 0);
	const missing: ReportMissing | null = complete
		? null
		: position === undefined
			? 'position'
			: 'description';
	const description = [
		text !== ''
			? text
			: photos.length > 0
				? 'Segnalazione con foto, senza descrizione.'
				: 'Segnalazione senza descrizione.',
		place !== '' ? `Luogo indicato: ${place}` : '',
		`Inviata tramite WhatsApp all'URP${photos.length > 0 ? ` con ${photos.length} foto.` : '.'}`,
	]
		.filter((line) => line !== '')
		.join('\n');
	return {
		complete,
		missing,
		service,
		faultType: service === 'illuminazione' ? lightingFaultType(text) : '',
		description,
		text,
		latitude: position?.latitude ?? null,
		longitude: position?.longitude ?? null,
		place,
		photos,
		name,
		firstName,
		lastName: rest.join(' '),
		messages: inWindow.length,
		firstMessageAt: inWindow[0]?.receivedAt ?? '',
		messageIds: inWindow.map((part) => part.messageId),
	};
}

/** Checks staff's rules: window 1 minute – 7 days, services with a code and at least one keyword. */
export function validateReportRules(rules: ReportRules): ReportRules {
	if (rules === null || typeof rules !== 'object')
		throw new RangeError('the report rules are missing');
	if (
		!Number.isFinite(rules.windowMs) ||
		rules.windowMs < 60_000 ||
		rules.windowMs > MAX_REPORT_WINDOW_MS
	) {
		throw new RangeError('the report window must be between 1 minute and 7 days');
	}
	const fallbackService = String(rules.fallbackService ?? '').trim();
	if (fallbackService === '') throw new RangeError('the fallback service code is empty');
	if (!Array.isArray(rules.services)) throw new RangeError('the services must be a list');
	const services = rules.services.map((entry: ServiceKeywords | null, index) => {
		if (entry === null || typeof entry !== 'object')
			throw new RangeError(`service ${index + 1} is not a service with keywords`);
		const service = String(entry.service ?? '').trim();
		if (service === '') throw new RangeError(`service ${index + 1} has no code`);
		if (!Array.isArray(entry.keywords))
			throw new RangeError(`the keywords of service "${service}" must be a list`);
		// A keyword with no letter or digit (punctuation, an emoji) could never match: it does not count.
		const keywords = entry.keywords
			.map((k) => String(k ?? '').trim())
			.filter((k) => foldForKeywords(k).trim() !== '');
		if (keywords.length === 0) throw new RangeError(`service "${service}" has no keyword`);
		return { service, keywords };
	});
	return { services, fallbackService, windowMs: rules.windowMs };
}
