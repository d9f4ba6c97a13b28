/**
 * The HTTP requests of GeoReport v2, built without doing any I/O: URL (always the `.json` format),
 * method, headers and, for POST requests.json, the `application/x-www-form-urlencoded` body with the
 * api_key and jurisdiction_id in it, as the spec's example request does.
 */
import { Open311Error } from './errors';
import { formatCoordinate, normaliseFilter, type NormalisedFilter } from './input';
import type {
	Open311Config,
	Open311HttpRequest,
	PreparedServiceRequest,
	ServiceRequestFilter,
} from './types';

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';
const ACCEPT = 'application/json';

export interface NormalisedConfig {
	/** Without trailing slash. */
	baseUrl: string;
	apiKey?: string;
	jurisdictionId?: string;
}

const BASE_URL_HINT =
	"Indicare nella credenziale «Open311 API» l'indirizzo completo del portale, per esempio https://segnala.comune.rimini.it/open311/v2 (senza services.json in fondo).";

/**
 * Checks the credential's settings: an absolute http(s) base URL without query, fragment or user
 * info (trailing slashes and a pasted `/services.json` are dropped); a jurisdiction id without
 * spaces. Throws `Open311Error` of kind `config`.
 */
export function normaliseConfig(config: Open311Config): NormalisedConfig {
	const raw = typeof config?.baseUrl === 'string' ? config.baseUrl.trim() : '';
	if (raw === '') {
		throw Open311Error.config('baseUrl', 'Base URL is required', BASE_URL_HINT);
	}
	let url: URL | undefined;
	try {
		url = new URL(raw);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
		throw Open311Error.config(
			'baseUrl',
			`Base URL ${JSON.stringify(raw.slice(0, 200))} is not an absolute http(s) URL`,
			BASE_URL_HINT,
		);
	}
	if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) {
		throw Open311Error.config(
			'baseUrl',
			`Base URL ${JSON.stringify(raw.slice(0, 200))} must not have a query or fragment`,
			`${BASE_URL_HINT} Il codice ente va nel campo «Jurisdiction ID».`,
		);
	}
	if (url.username !== '' || url.password !== '') {
		throw Open311Error.config(
			'baseUrl',
			'Base URL must not contain a user name or password',
			"L'indirizzo del portale non deve contenere nome utente o password: la chiave va nel campo «API Key».",
		);
	}
	const baseUrl = raw.replace(/\/+$/, '').replace(/\/services\.(json|xml)$/i, '');
	const jurisdictionId =
		typeof config.jurisdictionId === 'string' && config.jurisdictionId.trim() !== ''
			? config.jurisdictionId.trim()
			: undefined;
	if (jurisdictionId !== undefined && (/\s/.test(jurisdictionId) || jurisdictionId.length > 200)) {
		throw Open311Error.config(
			'jurisdictionId',
			`Jurisdiction ID ${JSON.stringify(jurisdictionId.slice(0, 200))} must not contain spaces`,
			'Il codice ente (Jurisdiction ID) è di solito il dominio del Comune senza www, per esempio comune.rimini.it; lasciarlo vuoto se il portale serve un solo ente.',
		);
	}
	const apiKey =
		typeof config.apiKey === 'string' && config.apiKey.trim() !== ''
			? config.apiKey.trim()
			: undefined;
	return {
		baseUrl,
		...(apiKey !== undefined ? { apiKey } : {}),
		...(jurisdictionId !== undefined ? { jurisdictionId } : {}),
	};
}

/** A path segment from an id: trimmed, percent-encoded, never empty, `.` or `..`. */
function segment(field: string, value: unknown, labelIt: string): string {
	const text =
		typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
	if (text === '' || text === '.' || text === '..' || text.length > 200) {
		throw Open311Error.input(
			field,
			`${field} ${JSON.stringify(value)} is not a valid id`,
			`Indicare ${labelIt}.`,
		);
	}
	return encodeURIComponent(text);
}

function withQuery(url: string, query: Array<[string, string]>): string {
	if (query.length === 0) return url;
	return `${url}?${new URLSearchParams(query).toString()}`;
}

function get(
	config: NormalisedConfig,
	path: string,
	query: Array<[string, string]> = [],
): Open311HttpRequest {
	const jurisdiction: Array<[string, string]> = config.jurisdictionId
		? [['jurisdiction_id', config.jurisdictionId]]
		: [];
	return {
		method: 'GET',
		url: withQuery(`${config.baseUrl}/${path}`, [...jurisdiction, ...query]),
		headers: { Accept: ACCEPT },
	};
}

/** GET services.json: the service list. */
export function buildListServices(config: Open311Config): Open311HttpRequest {
	return get(normaliseConfig(config), 'services.json');
}

/** GET services/{service_code}.json: a service's attributes. */
export function buildGetServiceDefinition(
	config: Open311Config,
	serviceCode: string,
): Open311HttpRequest {
	const code = segment(
		'serviceCode',
		serviceCode,
		'il codice del servizio, per esempio «illuminazione»',
	);
	return get(normaliseConfig(config), `services/${code}.json`);
}

/** GET requests/{service_request_id}.json: one request's status. */
export function buildGetServiceRequest(
	config: Open311Config,
	serviceRequestId: string,
): Open311HttpRequest {
	const id = segment('serviceRequestId', serviceRequestId, 'il numero della segnalazione');
	return get(normaliseConfig(config), `requests/${id}.json`);
}

/** GET tokens/{token}.json: the request id of a batch service's token. */
export function buildGetToken(config: Open311Config, token: string): Open311HttpRequest {
	const id = segment('token', token, 'il codice provvisorio (token) della segnalazione');
	return get(normaliseConfig(config), `tokens/${id}.json`);
}

/**
 * GET requests.json with filters. `service_request_id` overrides every other filter in GeoReport v2,
 * so with ids only the ids are sent.
 */
export function buildListServiceRequests(
	config: Open311Config,
	filter: ServiceRequestFilter | NormalisedFilter = {},
	zone?: string,
): Open311HttpRequest {
	const normalised = normaliseFilter(filter as ServiceRequestFilter, zone);
	const query: Array<[string, string]> = [];
	if (normalised.serviceRequestIds.length > 0) {
		query.push(['service_request_id', normalised.serviceRequestIds.join(',')]);
	} else {
		if (normalised.serviceCodes.length > 0) {
			query.push(['service_code', normalised.serviceCodes.join(',')]);
		}
		if (normalised.startDate) query.push(['start_date', normalised.startDate]);
		if (normalised.endDate) query.push(['end_date', normalised.endDate]);
		if (normalised.status.length > 0) query.push(['status', normalised.status.join(',')]);
	}
	return get(normaliseConfig(config), 'requests.json', query);
}

/** The form fields of POST requests.json, in the order of the spec's example, credential first. */
export function serviceRequestForm(
	config: NormalisedConfig,
	prepared: PreparedServiceRequest,
): URLSearchParams {
	const form = new URLSearchParams();
	const add = (name: string, value: string | undefined) => {
		if (value !== undefined) form.append(name, value);
	};
	add('api_key', config.apiKey);
	add('jurisdiction_id', config.jurisdictionId);
	add('service_code', prepared.serviceCode);
	if (prepared.lat !== undefined && prepared.long !== undefined) {
		add('lat', formatCoordinate(prepared.lat));
		add('long', formatCoordinate(prepared.long));
	}
	add('address_string', prepared.addressString);
	add('address_id', prepared.addressId);
	add('email', prepared.email);
	add('device_id', prepared.deviceId);
	add('account_id', prepared.accountId);
	add('first_name', prepared.firstName);
	add('last_name', prepared.lastName);
	add('phone', prepared.phone);
	add('description', prepared.description);
	add('media_url', prepared.mediaUrl);
	for (const [code, value] of Object.entries(prepared.attributes)) {
		if (Array.isArray(value)) for (const item of value) form.append(`attribute[${code}][]`, item);
		else form.append(`attribute[${code}]`, value);
	}
	return form;
}

/**
 * POST requests.json with a prepared request (see `prepareServiceRequest`). GeoReport v2 requires the
 * api_key here, so a config without one is refused (kind `config`, field `apiKey`).
 */
export function buildCreateServiceRequest(
	config: Open311Config,
	prepared: PreparedServiceRequest,
): Open311HttpRequest {
	const normalised = normaliseConfig(config);
	if (!normalised.apiKey) {
		throw Open311Error.config(
			'apiKey',
			'An API key is required to create a request',
			'Per inviare segnalazioni serve la chiave API del portale: compilare il campo «API Key» della credenziale «Open311 API» (la fornisce il gestore del portale).',
		);
	}
	return {
		method: 'POST',
		url: `${normalised.baseUrl}/requests.json`,
		headers: { Accept: ACCEPT, 'Content-Type': FORM_CONTENT_TYPE },
		body: serviceRequestForm(normalised, prepared).toString(),
	};
}
