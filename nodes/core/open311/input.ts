/**
 * The fields of a new service request and of a request search, checked and normalised before anything
 * is sent, so that staff read which field is wrong (in Italian) instead of a portal's 400.
 *
 * Description: GeoReport v2 says it "may contain line breaks, but not html or code" and is "limited to
 * 4,000 characters". HTML is removed (tags, scripts, comments; basic entities decoded) and the rest is
 * counted in Unicode code points. Over 4,000 the request is refused (field `description`) unless the
 * caller asks for `truncateDescription`, which cuts it (at a word boundary when one is near) and ends
 * it with "…"; the result says so (`descriptionTruncated`).
 */
import { DateTime } from 'luxon';

import { Open311Error } from './errors';
import type {
	PreparedServiceRequest,
	RequestStatus,
	ServiceAttribute,
	ServiceDefinition,
	ServiceRequestFilter,
	ServiceRequestInput,
} from './types';

export const MAX_DESCRIPTION_LENGTH = 4000;
/** Longest value of the other text fields (names, address, ids…). */
export const MAX_FIELD_LENGTH = 1000;
export const MAX_URL_LENGTH = 2048;
/** GeoReport v2: a date range of GET requests.json may not span more than 90 days. */
export const MAX_DATE_RANGE_DAYS = 90;
export const DEFAULT_ZONE = 'Europe/Rome';

const NAMED_ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
	egrave: 'è',
	eacute: 'é',
	agrave: 'à',
	igrave: 'ì',
	ograve: 'ò',
	ugrave: 'ù',
	Egrave: 'È',
	Agrave: 'À',
	euro: '€',
	laquo: '«',
	raquo: '»',
	rsquo: '’',
	lsquo: '‘',
	ldquo: '“',
	rdquo: '”',
	hellip: '…',
	ndash: '–',
	mdash: '—',
};

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
		if (name[0] === '#') {
			const codePoint =
				name[1] === 'x' || name[1] === 'X'
					? parseInt(name.slice(2), 16)
					: parseInt(name.slice(1), 10);
			const valid =
				Number.isInteger(codePoint) &&
				codePoint > 0 &&
				codePoint <= 0x10ffff &&
				!(codePoint >= 0xd800 && codePoint <= 0xdfff);
			return valid ? String.fromCodePoint(codePoint) : '';
		}
		return NAMED_ENTITIES[name] ?? whole;
	});
}

const TAG = /<\/?[a-z][^<>]*>|<![^<>]*>/gi;

function stripTags(text: string): string {
	return text
		.replace(/<!--[\s\S]*?(-->|$)/g, ' ')
		.replace(/<(script|style)\b[^>]*>[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
		.replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|tr)>/gi, '\n')
		.replace(TAG, ' ');
}

function isControl(codePoint: number): boolean {
	return (
		(codePoint <= 0x1f && codePoint !== 0x0a) ||
		(codePoint >= 0x7f && codePoint <= 0x9f) ||
		codePoint === 0x2028 ||
		codePoint === 0x2029
	);
}

/**
 * A description as GeoReport v2 wants it: no HTML (tags removed, then entities decoded, then anything
 * that became a tag removed too), no control characters, line breaks kept (at most one empty line in a
 * row), spaces tidied. Not cut: see `prepareServiceRequest`.
 */
export function cleanDescription(text: string): string {
	const decoded = decodeEntities(stripTags(text.replace(/\r\n?/g, '\n')));
	let out = '';
	for (const char of stripTags(decoded).normalize('NFC')) {
		const codePoint = char.codePointAt(0) ?? 0;
		out += char === '\t' ? ' ' : isControl(codePoint) ? '' : char;
	}
	return out
		.split('\n')
		.map((line) => line.replace(/[ \u00a0]{2,}/g, ' ').trim())
		.join('\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

/** Number of characters (Unicode code points) of a text, as the 4,000 limit counts them. */
export function characterCount(text: string): number {
	return [...text].length;
}

function truncate(text: string, max: number): string {
	const chars = [...text];
	if (chars.length <= max) return text;
	const kept = chars.slice(0, max - 1);
	// Prefer a word boundary in the last 200 characters.
	for (let index = kept.length - 1; index >= kept.length - 200 && index > 0; index--) {
		if (/\s/.test(kept[index])) return `${kept.slice(0, index).join('').trimEnd()}…`;
	}
	return `${kept.join('')}…`;
}

function optionalText(value: unknown, field: string, label: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') {
		throw Open311Error.input(
			field,
			`${label} must be text`,
			`Il campo «${label}» deve essere un testo.`,
		);
	}
	const text = value.replace(/[\r\n\t]+/g, ' ').trim();
	if (text === '') return undefined;
	if (characterCount(text) > MAX_FIELD_LENGTH) {
		throw Open311Error.input(
			field,
			`${label} has ${characterCount(text)} characters; at most ${MAX_FIELD_LENGTH} are accepted`,
			`Il campo «${label}» è troppo lungo: al massimo ${MAX_FIELD_LENGTH} caratteri.`,
		);
	}
	return text;
}

/** A WGS84 coordinate from a number or text ("44.0594", "44,0594"): latitude ±90, longitude ±180. */
export function parseCoordinate(value: unknown, field: 'lat' | 'long'): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const label = field === 'lat' ? 'Latitude' : 'Longitude';
	const labelIt = field === 'lat' ? 'latitudine' : 'longitudine';
	const limit = field === 'lat' ? 90 : 180;
	let number: number | undefined;
	if (typeof value === 'number') number = value;
	else if (typeof value === 'string') {
		const text = value.trim().replace(/^([+-]?\d+),(\d+)$/, '$1.$2');
		if (text === '') return undefined;
		if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) number = Number(text);
	}
	if (number === undefined || !Number.isFinite(number)) {
		throw Open311Error.input(
			field,
			`${label} ${JSON.stringify(value)} is not a number`,
			`La ${labelIt} deve essere un numero in gradi decimali, per esempio ${field === 'lat' ? '44.0594' : '12.5683'}.`,
		);
	}
	if (number < -limit || number > limit) {
		throw Open311Error.input(
			field,
			`${label} ${number} is outside -${limit}…${limit}`,
			`La ${labelIt} deve essere compresa tra -${limit} e ${limit} gradi (Rimini: circa 44.06 di latitudine, 12.57 di longitudine); forse latitudine e longitudine sono invertite.`,
		);
	}
	return number;
}

/** A coordinate as text without exponent and without float noise: 44.0594, -122.4651145. */
export function formatCoordinate(value: number): string {
	const fixed = value.toFixed(8).replace(/\.?0+$/, '');
	return fixed === '-0' ? '0' : fixed;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

function emailOf(value: unknown): string | undefined {
	const email = optionalText(value, 'email', 'Email');
	if (email === undefined) return undefined;
	if (email.length > 254 || !EMAIL.test(email) || email.includes('..')) {
		throw Open311Error.input(
			'email',
			`Email ${JSON.stringify(email)} is not a valid address`,
			"L'indirizzo email non è valido: scriverlo nella forma nome@esempio.it, oppure lasciare il campo vuoto.",
		);
	}
	return email;
}

function phoneOf(value: unknown): string | undefined {
	const phone = optionalText(value, 'phone', 'Phone');
	if (phone === undefined) return undefined;
	const digits = phone.replace(/\D/g, '').length;
	if (!/^\+?[0-9 ()./-]+$/.test(phone) || digits < 3 || digits > 20) {
		throw Open311Error.input(
			'phone',
			`Phone ${JSON.stringify(phone)} is not a phone number`,
			'Il numero di telefono non è valido: usare solo cifre, spazi e il prefisso internazionale (per esempio +39 0541 704704), oppure lasciare il campo vuoto.',
		);
	}
	return phone;
}

/** An absolute http(s) URL, or undefined for nothing. */
export function mediaUrlOf(value: unknown): string | undefined {
	const text = optionalText(value, 'mediaUrl', 'Media URL');
	if (text === undefined) return undefined;
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (
		!url ||
		(url.protocol !== 'http:' && url.protocol !== 'https:') ||
		url.hostname === '' ||
		text.length > MAX_URL_LENGTH
	) {
		throw Open311Error.input(
			'mediaUrl',
			`Media URL ${JSON.stringify(text.slice(0, 200))} is not an absolute http(s) URL`,
			"Il link della foto deve essere un indirizzo completo e pubblico che inizia con https:// (o http://), al massimo 2048 caratteri: il portale scarica l'immagine da lì.",
		);
	}
	return text;
}

function attributeCode(code: unknown): string {
	const text =
		typeof code === 'string' ? code.trim() : typeof code === 'number' ? String(code) : '';
	if (text === '' || /[[\]\s]/.test(text) || text.length > 100) {
		throw Open311Error.input(
			'attributes',
			`Attribute code ${JSON.stringify(code)} is not valid (no spaces or brackets, at most 100 characters)`,
			'Il codice di un attributo non è valido: usare il codice indicato nella definizione del servizio (per esempio «numero_palo»), senza spazi né parentesi.',
		);
	}
	return text;
}

function attributeValueText(code: string, value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') return undefined;
		if (characterCount(text) > MAX_DESCRIPTION_LENGTH) {
			throw Open311Error.input(
				'attributes',
				`Attribute ${code} has a value of ${characterCount(text)} characters; at most ${MAX_DESCRIPTION_LENGTH} are accepted`,
				`Il valore dell'attributo «${code}» è troppo lungo.`,
			);
		}
		return text;
	}
	throw Open311Error.input(
		'attributes',
		`Attribute ${code} has a value that is not text, a number or true/false`,
		`Il valore dell'attributo «${code}» deve essere un testo o un numero.`,
	);
}

/** Attributes from a map or a list of pairs (a repeated code collects values), empty values dropped. */
function collectAttributes(
	attributes: ServiceRequestInput['attributes'],
): Map<string, { values: string[]; asList: boolean }> {
	const collected = new Map<string, { values: string[]; asList: boolean }>();
	if (attributes === undefined || attributes === null) return collected;
	const pairs: Array<[unknown, unknown]> = Array.isArray(attributes)
		? attributes.map((entry) => [entry?.code, entry?.value])
		: typeof attributes === 'object'
			? Object.entries(attributes)
			: [];
	for (const [rawCode, rawValue] of pairs) {
		const code = attributeCode(rawCode);
		const entry = collected.get(code) ?? { values: [], asList: false };
		const values = Array.isArray(rawValue) ? rawValue : [rawValue];
		if (Array.isArray(rawValue) || collected.has(code)) entry.asList = true;
		for (const value of values) {
			const text = attributeValueText(code, value);
			if (text !== undefined) entry.values.push(text);
		}
		collected.set(code, entry);
	}
	for (const [code, entry] of collected) if (entry.values.length === 0) collected.delete(code);
	return collected;
}

function listKey(attribute: ServiceAttribute, value: string): string | undefined {
	const byKey = attribute.values.find((option) => option.key === value);
	if (byKey) return byKey.key;
	const lower = value.toLocaleLowerCase('it');
	return attribute.values.find(
		(option) =>
			option.key.toLocaleLowerCase('it') === lower || option.name.toLocaleLowerCase('it') === lower,
	)?.key;
}

function attributeLabel(attribute: ServiceAttribute): string {
	return attribute.description
		? `«${attribute.code}» (${attribute.description})`
		: `«${attribute.code}»`;
}

/** Checks attribute values against a service definition; list values may be given by key or name. */
function checkAgainstDefinition(
	collected: Map<string, { values: string[]; asList: boolean }>,
	definition: ServiceDefinition,
): Record<string, string | string[]> {
	const byCode = new Map(definition.attributes.map((attribute) => [attribute.code, attribute]));
	const out: Record<string, string | string[]> = {};
	for (const code of collected.keys()) {
		const attribute = byCode.get(code);
		if (!attribute || !attribute.variable) {
			const known = definition.attributes
				.filter((candidate) => candidate.variable)
				.map((candidate) => candidate.code);
			throw Open311Error.input(
				'attributes',
				`Attribute ${code} is not one the service ${definition.serviceCode} asks for${known.length ? ` (it asks for: ${known.join(', ')})` : ' (it asks for none)'}`,
				`Il servizio «${definition.serviceCode}» non prevede l'attributo «${code}»${known.length ? `: quelli previsti sono ${known.map((name) => `«${name}»`).join(', ')}` : ''}.`,
			);
		}
	}
	for (const attribute of [...definition.attributes].sort(
		(a, b) => (a.order ?? Infinity) - (b.order ?? Infinity),
	)) {
		if (!attribute.variable) continue;
		const given = collected.get(attribute.code);
		if (!given) {
			if (attribute.required) {
				const options = attribute.values.length
					? ` (valori possibili: ${attribute.values.map((option) => `«${option.key}» ${option.name}`).join(', ')})`
					: '';
				throw Open311Error.input(
					'attributes',
					`Attribute ${attribute.code} is required by the service ${definition.serviceCode}`,
					`Il servizio «${definition.serviceCode}» richiede l'attributo ${attributeLabel(attribute)}${options}.`,
				);
			}
			continue;
		}
		const bad = (why: string, whyIt: string) =>
			Open311Error.input(
				'attributes',
				`Attribute ${attribute.code} ${why}`,
				`Valore non valido per l'attributo ${attributeLabel(attribute)}: ${whyIt}.`,
			);
		switch (attribute.datatype) {
			case 'singlevaluelist': {
				if (given.values.length > 1) throw bad('takes one value', 'ammette un solo valore');
				const key = listKey(attribute, given.values[0]);
				if (key === undefined) {
					throw bad(
						`has no option ${JSON.stringify(given.values[0])}`,
						`usare uno di ${attribute.values.map((option) => `«${option.key}»`).join(', ')}`,
					);
				}
				out[attribute.code] = key;
				break;
			}
			case 'multivaluelist': {
				const keys = given.values.map((value) => {
					const key = listKey(attribute, value);
					if (key === undefined) {
						throw bad(
							`has no option ${JSON.stringify(value)}`,
							`usare valori tra ${attribute.values.map((option) => `«${option.key}»`).join(', ')}`,
						);
					}
					return key;
				});
				out[attribute.code] = [...new Set(keys)];
				break;
			}
			case 'number':
				for (const value of given.values) {
					if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.replace(',', '.'))) {
						throw bad(`must be a number, not ${JSON.stringify(value)}`, 'deve essere un numero');
					}
				}
				out[attribute.code] = given.asList ? given.values : given.values[0];
				break;
			case 'datetime':
				for (const value of given.values) {
					if (!DateTime.fromISO(value).isValid) {
						throw bad(
							`must be an ISO 8601 date, not ${JSON.stringify(value)}`,
							'deve essere una data, per esempio 2026-03-02T09:30:00+01:00',
						);
					}
				}
				out[attribute.code] = given.asList ? given.values : given.values[0];
				break;
			case 'string':
				out[attribute.code] = given.asList ? given.values : given.values[0];
				break;
			default:
				out[attribute.code] = given.asList ? given.values : given.values[0];
		}
	}
	return out;
}

export interface PrepareOptions {
	/** Cut a description longer than 4,000 characters instead of refusing it. */
	truncateDescription?: boolean;
	/**
	 * GeoReport v2 requires a location (lat+long, address_string or address_id); default true. Turn off
	 * only for a portal that documents location-less services.
	 */
	requireLocation?: boolean;
	/** When given, attributes are checked against it (required ones, list options, numbers, dates). */
	definition?: ServiceDefinition;
}

/**
 * Checks and normalises a new service request. Throws `Open311Error` of kind `input` naming the field
 * (`serviceCode`, `description`, `lat`, `long`, `location`, `email`, `phone`, `mediaUrl`,
 * `attributes`, …) with an Italian hint.
 */
export function prepareServiceRequest(
	input: ServiceRequestInput,
	options: PrepareOptions = {},
): PreparedServiceRequest {
	if (typeof input !== 'object' || input === null) {
		throw Open311Error.input(
			'input',
			'The request is empty',
			'Compilare i campi della segnalazione.',
		);
	}
	const serviceCode = optionalText(input.serviceCode, 'serviceCode', 'Service Code');
	if (serviceCode === undefined) {
		throw Open311Error.input(
			'serviceCode',
			'Service code is required',
			"Indicare il codice del servizio (per esempio «buche» o «illuminazione»): l'elenco è nell'operazione «Get Many» dei servizi.",
		);
	}

	const prepared: PreparedServiceRequest = {
		serviceCode,
		descriptionTruncated: false,
		attributes: {},
	};

	if (input.description !== undefined && input.description !== null) {
		if (typeof input.description !== 'string') {
			throw Open311Error.input(
				'description',
				'Description must be text',
				'La descrizione deve essere un testo.',
			);
		}
		let description = cleanDescription(input.description);
		const length = characterCount(description);
		if (length > MAX_DESCRIPTION_LENGTH) {
			if (!options.truncateDescription) {
				throw Open311Error.input(
					'description',
					`Description has ${length.toLocaleString('en-US')} characters after removing HTML; the portal accepts at most 4,000`,
					`La descrizione è lunga ${length} caratteri: il portale ne accetta al massimo ${MAX_DESCRIPTION_LENGTH}. Accorciarla, oppure attivare l'opzione che la tronca automaticamente.`,
				);
			}
			description = truncate(description, MAX_DESCRIPTION_LENGTH);
			prepared.descriptionTruncated = true;
		}
		if (description !== '') prepared.description = description;
	}

	const lat = parseCoordinate(input.lat, 'lat');
	const long = parseCoordinate(input.long, 'long');
	if ((lat === undefined) !== (long === undefined)) {
		const missing = lat === undefined ? 'lat' : 'long';
		throw Open311Error.input(
			missing,
			`${missing === 'lat' ? 'Latitude' : 'Longitude'} is missing: lat and long go together`,
			'Latitudine e longitudine vanno indicate entrambe.',
		);
	}
	if (lat !== undefined && long !== undefined) {
		prepared.lat = lat;
		prepared.long = long;
	}
	const addressString = optionalText(input.addressString, 'addressString', 'Address');
	if (addressString !== undefined) prepared.addressString = addressString;
	const addressId = optionalText(input.addressId, 'addressId', 'Address ID');
	if (addressId !== undefined) prepared.addressId = addressId;
	if (
		options.requireLocation !== false &&
		prepared.lat === undefined &&
		prepared.addressString === undefined &&
		prepared.addressId === undefined
	) {
		throw Open311Error.input(
			'location',
			'A location is required: latitude and longitude, an address or an address ID',
			"Indicare dove si trova il problema: le coordinate (latitudine e longitudine, per esempio dalla posizione inviata su WhatsApp) oppure l'indirizzo (per esempio «Piazza Cavour 27, Rimini»).",
		);
	}

	const text = (key: 'firstName' | 'lastName' | 'deviceId' | 'accountId', label: string): void => {
		const value = optionalText(input[key], key, label);
		if (value !== undefined) prepared[key] = value;
	};
	text('firstName', 'First Name');
	text('lastName', 'Last Name');
	const phone = phoneOf(input.phone);
	if (phone !== undefined) prepared.phone = phone;
	const email = emailOf(input.email);
	if (email !== undefined) prepared.email = email;
	text('deviceId', 'Device ID');
	text('accountId', 'Account ID');
	const mediaUrl = mediaUrlOf(input.mediaUrl);
	if (mediaUrl !== undefined) prepared.mediaUrl = mediaUrl;

	const collected = collectAttributes(input.attributes);
	if (options.definition) {
		prepared.attributes = checkAgainstDefinition(collected, options.definition);
	} else {
		for (const [code, entry] of collected) {
			prepared.attributes[code] = entry.asList ? entry.values : entry.values[0];
		}
	}
	return prepared;
}

function listOf(value: string | string[] | undefined, field: string, label: string): string[] {
	if (value === undefined || value === null) return [];
	const parts = (Array.isArray(value) ? value : String(value).split(','))
		.map((part) =>
			typeof part === 'string' ? part.trim() : typeof part === 'number' ? String(part) : '',
		)
		.filter((part) => part !== '');
	for (const part of parts) {
		if (part.includes(',') || part.length > 200) {
			throw Open311Error.input(
				field,
				`${label} ${JSON.stringify(part)} is not valid`,
				`Valore non valido: ${part}.`,
			);
		}
	}
	return [...new Set(parts)];
}

/** A W3C date-time in UTC ("2026-03-01T00:00:00Z"); a value without offset is read in `zone`. */
export function toW3cDateTime(
	value: string | Date | undefined,
	field: string,
	zone = DEFAULT_ZONE,
): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const parsed =
		value instanceof Date
			? DateTime.fromJSDate(value)
			: typeof value === 'string'
				? DateTime.fromISO(value.trim(), { zone, setZone: true })
				: DateTime.invalid('not a date');
	if (!parsed.isValid) {
		throw Open311Error.input(
			field,
			`${field === 'startDate' ? 'Start date' : 'End date'} ${JSON.stringify(String(value))} is not an ISO 8601 date`,
			'La data non è valida: usare il formato 2026-03-01T00:00:00 (ora di Roma) o scegliere la data dal calendario.',
		);
	}
	return parsed.toUTC().toFormat("yyyy-LL-dd'T'HH:mm:ss'Z'");
}

export interface NormalisedFilter {
	serviceRequestIds: string[];
	serviceCodes: string[];
	startDate?: string;
	endDate?: string;
	status: RequestStatus[];
}

/** Checks the filters of GET requests.json (dates in order, at most 90 days apart, known statuses). */
export function normaliseFilter(
	filter: ServiceRequestFilter = {},
	zone = DEFAULT_ZONE,
): NormalisedFilter {
	const serviceRequestIds = listOf(filter.serviceRequestIds, 'serviceRequestIds', 'Request ID');
	const serviceCodes = listOf(filter.serviceCodes, 'serviceCodes', 'Service code');
	const status = listOf(filter.status, 'status', 'Status').map((word) => word.toLowerCase());
	for (const word of status) {
		if (word !== 'open' && word !== 'closed') {
			throw Open311Error.input(
				'status',
				`Status ${JSON.stringify(word)} is neither open nor closed`,
				'Lo stato può essere solo «open» (aperta) o «closed» (chiusa).',
			);
		}
	}
	const startDate = toW3cDateTime(filter.startDate, 'startDate', zone);
	const endDate = toW3cDateTime(filter.endDate, 'endDate', zone);
	if (startDate && endDate) {
		const span = Date.parse(endDate) - Date.parse(startDate);
		if (span < 0) {
			throw Open311Error.input(
				'endDate',
				`End date ${endDate} is before start date ${startDate}`,
				'La data di fine è precedente alla data di inizio.',
			);
		}
		if (span > MAX_DATE_RANGE_DAYS * 86_400_000) {
			throw Open311Error.input(
				'endDate',
				`The dates span more than ${MAX_DATE_RANGE_DAYS} days (${startDate} to ${endDate}); GeoReport v2 allows at most ${MAX_DATE_RANGE_DAYS}`,
				`L'intervallo di date supera i ${MAX_DATE_RANGE_DAYS} giorni ammessi dal portale: dividerlo in più ricerche.`,
			);
		}
	}
	return {
		serviceRequestIds,
		serviceCodes,
		...(startDate ? { startDate } : {}),
		...(endDate ? { endDate } : {}),
		status: [...new Set(status)] as RequestStatus[],
	};
}
