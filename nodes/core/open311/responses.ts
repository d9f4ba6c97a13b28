/**
 * Reading GeoReport v2 answers into typed results. Every function takes the HTTP status and the body
 * as the transport gave it and never throws: a non-2xx answer becomes the portal's error, a 2xx answer
 * of the wrong shape (HTML page, empty, not an array, missing ids) becomes a `malformed` error.
 * Lenient where real portals differ from the spec's examples: ids and codes may be numbers, a single
 * object may stand for a one-element array, unknown fields are ignored.
 */
import {
	describeStatus,
	Open311Error,
	oneLine,
	parseOpen311Body,
	type Open311Operation,
} from './errors';
import type {
	CreatedServiceRequest,
	Open311Service,
	ServiceAttribute,
	ServiceDefinition,
	ServiceRequestRecord,
	ServiceType,
	TokenStatus,
} from './types';

export type Open311Result<T> = { ok: true; value: T } | { ok: false; error: Open311Error };

/** Most entries read from one list answer (GeoReport v2 lists stop at 1,000 requests). */
export const MAX_LIST_ENTRIES = 10_000;
const MAX_TEXT = 10_000;
const MAX_SHORT_TEXT = 500;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of a string or number field; undefined for null, empty, objects. Cut at `max`. */
function text(value: unknown, max = MAX_SHORT_TEXT): string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') return undefined;
	const trimmed = value.trim();
	if (trimmed === '') return undefined;
	return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}

/** Like `text` but one line (names, codes, statuses). */
function word(value: unknown, max = MAX_SHORT_TEXT): string | undefined {
	const raw = text(value, max * 2);
	if (raw === undefined) return undefined;
	const line = oneLine(raw, max);
	return line === '' ? undefined : line;
}

function bool(value: unknown): boolean {
	return value === true || value === 'true' || value === 1 || value === '1';
}

function number(value: unknown): number | undefined {
	const parsed =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value.trim())
				: NaN;
	return Number.isFinite(parsed) ? parsed : undefined;
}

function isSuccess(status: number): boolean {
	return Number.isInteger(status) && status >= 200 && status <= 299;
}

type Json = { ok: true; value: unknown } | { ok: false; error: Open311Error };

/** The JSON value of a 2xx answer, or the error the answer stands for. */
function successJson(status: number, body: unknown, operation: Open311Operation): Json {
	if (!isSuccess(status))
		return { ok: false, error: Open311Error.fromResponse(status, body, operation) };
	const parsed = parseOpen311Body(body);
	switch (parsed.type) {
		case 'json':
			return { ok: true, value: parsed.value };
		case 'empty':
			return { ok: false, error: Open311Error.malformed(status, 'with an empty body', operation) };
		case 'tooLarge':
			return {
				ok: false,
				error: Open311Error.malformed(
					status,
					`with a body of ${parsed.size} bytes, too large to read`,
					operation,
				),
			};
		case 'text': {
			const what =
				parsed.markup === 'html'
					? 'with an HTML page instead of JSON (a login page or a proxy in between?)'
					: parsed.markup === 'xml'
						? 'in XML instead of JSON'
						: 'with text that is not JSON';
			return { ok: false, error: Open311Error.malformed(status, what, operation) };
		}
	}
}

/** An answer that should be a list: arrays pass, a single object is a one-element list. */
function listOf(
	status: number,
	value: unknown,
	operation: Open311Operation,
	what: string,
): Open311Result<Record<string, unknown>[]> {
	const list = Array.isArray(value) ? value : isRecord(value) ? [value] : undefined;
	if (!list) {
		return {
			ok: false,
			error: Open311Error.malformed(
				status,
				`with ${describeValue(value)} instead of a list of ${what}`,
				operation,
			),
		};
	}
	if (list.length > MAX_LIST_ENTRIES) {
		return {
			ok: false,
			error: Open311Error.malformed(
				status,
				`with ${list.length} ${what}, more than ${MAX_LIST_ENTRIES}`,
				operation,
			),
		};
	}
	return { ok: true, value: list.filter(isRecord) };
}

function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'string') return 'a JSON string';
	return `a JSON ${typeof value}`;
}

/**
 * If a 2xx list body is actually an error array (some portals answer 200 with `[{code, description}]`),
 * the error it stands for.
 */
function errorDisguisedAsSuccess(
	status: number,
	list: Record<string, unknown>[],
	operation: Open311Operation,
	idField: string,
): Open311Error | undefined {
	const looksLikeError = (entry: Record<string, unknown>) =>
		typeof entry.description === 'string' &&
		entry.code !== undefined &&
		entry[idField] === undefined &&
		entry.token === undefined;
	if (list.length === 0 || !list.every(looksLikeError)) return undefined;
	const code = number(list[0].code);
	const pseudoStatus = code !== undefined && code >= 400 && code <= 599 ? code : 400;
	const error = Open311Error.fromResponse(pseudoStatus, list, operation);
	return new Open311Error({
		kind: error.kind,
		httpStatus: status,
		errors: error.errors,
		operation,
	});
}

const SERVICE_TYPES: ReadonlySet<string> = new Set(['realtime', 'batch', 'blackbox']);

function service(entry: Record<string, unknown>): Open311Service | undefined {
	const serviceCode = word(entry.service_code, 200);
	if (serviceCode === undefined) return undefined;
	const type = word(entry.type, 50)?.toLowerCase();
	const keywords = (word(entry.keywords, 1000) ?? '')
		.split(',')
		.map((keyword) => keyword.trim())
		.filter((keyword) => keyword !== '');
	const result: Open311Service = {
		serviceCode,
		serviceName: word(entry.service_name) ?? serviceCode,
		metadata: bool(entry.metadata),
		keywords,
	};
	const description = text(entry.description, 2000);
	if (description !== undefined) result.description = description;
	if (type !== undefined && SERVICE_TYPES.has(type)) result.type = type as ServiceType;
	const group = word(entry.group);
	if (group !== undefined) result.group = group;
	return result;
}

/** GET services.json → the services (entries without a service_code are skipped). */
export function interpretServices(status: number, body: unknown): Open311Result<Open311Service[]> {
	const json = successJson(status, body, 'listServices');
	if (!json.ok) return json;
	const list = listOf(status, json.value, 'listServices', 'services');
	if (!list.ok) return list;
	const disguised = errorDisguisedAsSuccess(status, list.value, 'listServices', 'service_code');
	if (disguised) return { ok: false, error: disguised };
	const services = list.value.map(service).filter((entry): entry is Open311Service => !!entry);
	if (services.length === 0 && list.value.length > 0) {
		return {
			ok: false,
			error: Open311Error.malformed(
				status,
				'with services that have no service_code',
				'listServices',
			),
		};
	}
	return { ok: true, value: services };
}

function attribute(entry: Record<string, unknown>): ServiceAttribute | undefined {
	const code = word(entry.code, 200);
	if (code === undefined) return undefined;
	const values = (
		Array.isArray(entry.values)
			? entry.values
			: isRecord(entry.values)
				? [entry.values.value ?? entry.values].flat()
				: []
	)
		.filter(isRecord)
		.map((option) => {
			const key = word(option.key, 200);
			return key === undefined ? undefined : { key, name: word(option.name) ?? key };
		})
		.filter((option): option is { key: string; name: string } => option !== undefined);
	const result: ServiceAttribute = {
		code,
		// The spec makes `variable` required; a portal that leaves it out surely means "ask for it".
		variable: entry.variable === undefined ? true : bool(entry.variable),
		datatype: word(entry.datatype, 50)?.toLowerCase() ?? 'string',
		required: bool(entry.required),
		values,
	};
	const datatypeDescription = text(entry.datatype_description, 2000);
	if (datatypeDescription !== undefined) result.datatypeDescription = datatypeDescription;
	const order = number(entry.order);
	if (order !== undefined) result.order = order;
	const description = text(entry.description, 2000);
	if (description !== undefined) result.description = description;
	return result;
}

/**
 * GET services/{code}.json → `{ service_code, attributes: [...] }` (also accepted: a one-element
 * array, `attributes: { attribute: [...] }` from an XML-to-JSON conversion).
 */
export function interpretServiceDefinition(
	status: number,
	body: unknown,
	requestedCode?: string,
): Open311Result<ServiceDefinition> {
	const json = successJson(status, body, 'getServiceDefinition');
	if (!json.ok) return json;
	let value = json.value;
	if (Array.isArray(value) && value.length === 1) value = value[0];
	if (isRecord(value) && isRecord(value.service_definition)) value = value.service_definition;
	if (!isRecord(value)) {
		return {
			ok: false,
			error: Open311Error.malformed(
				status,
				`with ${describeValue(value)} instead of a service definition`,
				'getServiceDefinition',
			),
		};
	}
	if (
		typeof value.description === 'string' &&
		value.code !== undefined &&
		value.attributes === undefined
	) {
		return { ok: false, error: Open311Error.fromResponse(400, [value], 'getServiceDefinition') };
	}
	const rawAttributes = Array.isArray(value.attributes)
		? value.attributes
		: isRecord(value.attributes)
			? [value.attributes.attribute ?? []].flat()
			: value.attributes === undefined || value.attributes === null
				? []
				: undefined;
	if (!rawAttributes) {
		return {
			ok: false,
			error: Open311Error.malformed(
				status,
				'with attributes that are not a list',
				'getServiceDefinition',
			),
		};
	}
	const serviceCode = word(value.service_code, 200) ?? requestedCode?.trim();
	if (!serviceCode) {
		return {
			ok: false,
			error: Open311Error.malformed(
				status,
				'with a definition that has no service_code',
				'getServiceDefinition',
			),
		};
	}
	const attributes = rawAttributes
		.slice(0, 1000)
		.filter(isRecord)
		.map(attribute)
		.filter((entry): entry is ServiceAttribute => entry !== undefined)
		.sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity));
	return { ok: true, value: { serviceCode, attributes } };
}

/**
 * POST requests.json → `[{ service_request_id, service_notice, account_id }]` (realtime),
 * `[{ token, service_notice }]` (batch), or entries with neither (blackbox: accepted, no id).
 */
export function interpretCreateResponse(
	status: number,
	body: unknown,
): Open311Result<CreatedServiceRequest> {
	const json = successJson(status, body, 'createRequest');
	if (!json.ok) return json;
	const list = listOf(status, json.value, 'createRequest', 'created requests');
	if (!list.ok) return list;
	const disguised = errorDisguisedAsSuccess(
		status,
		list.value,
		'createRequest',
		'service_request_id',
	);
	if (disguised) return { ok: false, error: disguised };
	if (Array.isArray(json.value) && json.value.length > 0 && list.value.length === 0) {
		return {
			ok: false,
			error: Open311Error.malformed(status, 'with a list that holds no request', 'createRequest'),
		};
	}
	const first = list.value[0] ?? {};
	const result: CreatedServiceRequest = {};
	const serviceRequestId = word(first.service_request_id, 200);
	const token = word(first.token, 200);
	const serviceNotice = text(first.service_notice, 2000);
	const accountId = word(first.account_id, 200);
	if (serviceRequestId !== undefined) result.serviceRequestId = serviceRequestId;
	if (token !== undefined) result.token = token;
	if (serviceNotice !== undefined) result.serviceNotice = serviceNotice;
	if (accountId !== undefined) result.accountId = accountId;
	return { ok: true, value: result };
}

/**
 * GET tokens/{token}.json → `[{ service_request_id, token }]`; no id (missing, null or empty) while
 * the portal is still processing the request.
 */
export function interpretTokenResponse(
	status: number,
	body: unknown,
	requestedToken?: string,
): Open311Result<TokenStatus> {
	const json = successJson(status, body, 'getToken');
	if (!json.ok) return json;
	const list = listOf(status, json.value, 'getToken', 'tokens');
	if (!list.ok) return list;
	const disguised = errorDisguisedAsSuccess(status, list.value, 'getToken', 'service_request_id');
	if (disguised) return { ok: false, error: disguised };
	const wanted = requestedToken?.trim();
	const entry =
		(wanted !== undefined
			? list.value.find((item) => word(item.token, 200) === wanted)
			: undefined) ??
		list.value[0] ??
		{};
	const result: TokenStatus = {};
	const token = word(entry.token, 200) ?? wanted;
	const serviceRequestId = word(entry.service_request_id, 200);
	if (token !== undefined) result.token = token;
	if (serviceRequestId !== undefined) result.serviceRequestId = serviceRequestId;
	return { ok: true, value: result };
}

function serviceRequest(entry: Record<string, unknown>): ServiceRequestRecord | undefined {
	const serviceRequestId = word(entry.service_request_id, 200);
	if (serviceRequestId === undefined) return undefined;
	const result: ServiceRequestRecord = { serviceRequestId };
	const set = <K extends keyof ServiceRequestRecord>(
		key: K,
		value: ServiceRequestRecord[K] | undefined,
	) => {
		if (value !== undefined) result[key] = value;
	};
	set('status', word(entry.status, 50)?.toLowerCase());
	set('statusNotes', text(entry.status_notes, 2000));
	set('serviceName', word(entry.service_name));
	set('serviceCode', word(entry.service_code, 200));
	set('description', text(entry.description, MAX_TEXT));
	set('agencyResponsible', word(entry.agency_responsible));
	set('serviceNotice', text(entry.service_notice, 2000));
	set('requestedDatetime', word(entry.requested_datetime, 50));
	set('updatedDatetime', word(entry.updated_datetime, 50));
	set('expectedDatetime', word(entry.expected_datetime, 50));
	set('address', word(entry.address, 1000));
	set('addressId', word(entry.address_id, 200));
	set('zipcode', word(entry.zipcode, 20));
	const latitude = number(entry.lat);
	const longitude = number(entry.long);
	if (
		latitude !== undefined &&
		longitude !== undefined &&
		Math.abs(latitude) <= 90 &&
		Math.abs(longitude) <= 180
	) {
		result.latitude = latitude;
		result.longitude = longitude;
	}
	set('mediaUrl', word(entry.media_url, 2048));
	return result;
}

/** GET requests.json → the requests (entries without a service_request_id are skipped, as Chicago advises). */
export function interpretServiceRequests(
	status: number,
	body: unknown,
): Open311Result<ServiceRequestRecord[]> {
	const json = successJson(status, body, 'listRequests');
	if (!json.ok) return json;
	const list = listOf(status, json.value, 'listRequests', 'requests');
	if (!list.ok) return list;
	const disguised = errorDisguisedAsSuccess(
		status,
		list.value,
		'listRequests',
		'service_request_id',
	);
	if (disguised) return { ok: false, error: disguised };
	return {
		ok: true,
		value: list.value
			.map(serviceRequest)
			.filter((entry): entry is ServiceRequestRecord => entry !== undefined),
	};
}

/**
 * GET requests/{id}.json → the request (the spec answers a one-element array). An empty list is
 * `notFound`, as is a list without the requested id when there is one.
 */
export function interpretServiceRequest(
	status: number,
	body: unknown,
	requestedId?: string,
): Open311Result<ServiceRequestRecord> {
	const json = successJson(status, body, 'getRequest');
	if (!json.ok) return json;
	const list = listOf(status, json.value, 'getRequest', 'requests');
	if (!list.ok) return list;
	const disguised = errorDisguisedAsSuccess(status, list.value, 'getRequest', 'service_request_id');
	if (disguised) return { ok: false, error: disguised };
	const requests = list.value
		.map(serviceRequest)
		.filter((entry): entry is ServiceRequestRecord => entry !== undefined);
	const wanted = requestedId?.trim();
	const found =
		(wanted !== undefined
			? requests.find((entry) => entry.serviceRequestId === wanted)
			: undefined) ?? (requests.length === 1 || wanted === undefined ? requests[0] : undefined);
	if (!found) {
		return {
			ok: false,
			error: new Open311Error({
				kind: 'notFound',
				httpStatus: status,
				operation: 'getRequest',
				message: `The portal answered ${describeStatus(status)} without the request${wanted ? ` ${wanted}` : ''}`,
			}),
		};
	}
	return { ok: true, value: found };
}
