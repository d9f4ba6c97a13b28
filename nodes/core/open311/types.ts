/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) as our code sees it: camelCase, ids as
 * strings (portals answer numbers or strings), optional fields absent rather than null.
 */

/** Where the portal is and who we are to it: the `open311Api` credential. */
export interface Open311Config {
	/** The endpoint, e.g. https://segnala.comune.rimini.it/open311/v2 (trailing slashes ignored). */
	baseUrl: string;
	/** Needed to create requests only (GeoReport v2 reads it from the POST body). */
	apiKey?: string;
	/** Only for endpoints that serve several jurisdictions (e.g. comune.rimini.it). */
	jurisdictionId?: string;
}

/**
 * - `realtime`: the request id comes back at once;
 * - `batch`: a token comes back; `tokens/{token}.json` gives the id later;
 * - `blackbox`: neither comes back.
 */
export type ServiceType = 'realtime' | 'batch' | 'blackbox';

export interface Open311Service {
	serviceCode: string;
	serviceName: string;
	description?: string;
	/** Whether the service has a definition with attributes (GET services/{code}.json). */
	metadata: boolean;
	/** Missing when the portal gives none or an unknown value. */
	type?: ServiceType;
	keywords: string[];
	group?: string;
}

export type AttributeDatatype =
	| 'string'
	| 'number'
	| 'datetime'
	| 'text'
	| 'singlevaluelist'
	| 'multivaluelist';

export interface ServiceAttribute {
	code: string;
	/** false: information shown to the citizen only, no value is sent. */
	variable: boolean;
	/** As the portal says; unknown datatypes are kept as given. */
	datatype: string;
	required: boolean;
	datatypeDescription?: string;
	order?: number;
	description?: string;
	/** Options of singlevaluelist and multivaluelist attributes. */
	values: Array<{ key: string; name: string }>;
}

export interface ServiceDefinition {
	serviceCode: string;
	attributes: ServiceAttribute[];
}

/** A service request as GET requests.json / requests/{id}.json give it. */
export interface ServiceRequestRecord {
	serviceRequestId: string;
	/** `open` or `closed` per the spec; other words some portals use are kept. */
	status?: string;
	statusNotes?: string;
	serviceName?: string;
	serviceCode?: string;
	description?: string;
	agencyResponsible?: string;
	serviceNotice?: string;
	requestedDatetime?: string;
	updatedDatetime?: string;
	expectedDatetime?: string;
	address?: string;
	addressId?: string;
	zipcode?: string;
	latitude?: number;
	longitude?: number;
	mediaUrl?: string;
}

/** The answer to POST requests.json: an id (realtime), a token (batch), or neither (blackbox). */
export interface CreatedServiceRequest {
	serviceRequestId?: string;
	token?: string;
	serviceNotice?: string;
	accountId?: string;
}

/** The answer to GET tokens/{token}.json; no id while the portal is still processing. */
export interface TokenStatus {
	token?: string;
	serviceRequestId?: string;
}

export type AttributeValue = string | number | boolean;

/** A new service request, as a caller gives it; empty strings count as absent. */
export interface ServiceRequestInput {
	serviceCode: string;
	/** Free text; HTML is removed and the result may have at most 4,000 characters. */
	description?: string;
	/** WGS84 degrees; numbers or numeric text ("44.0594", also "44,0594"). */
	lat?: number | string;
	long?: number | string;
	addressString?: string;
	addressId?: string;
	firstName?: string;
	lastName?: string;
	phone?: string;
	email?: string;
	deviceId?: string;
	accountId?: string;
	/** An absolute http(s) URL of a photo or other media. */
	mediaUrl?: string;
	/**
	 * Answers to the service definition's attributes: a map code → value(s), or a list of
	 * `{ code, value }` where a repeated code collects several values (multivaluelist).
	 */
	attributes?:
		| Record<string, AttributeValue | AttributeValue[] | null | undefined>
		| Array<{ code: string; value: AttributeValue | AttributeValue[] | null | undefined }>;
}

/** A validated, normalised service request: what goes into the POST body, minus the credential. */
export interface PreparedServiceRequest {
	serviceCode: string;
	description?: string;
	/** Whether the description was cut to 4,000 characters (only with `truncateDescription`). */
	descriptionTruncated: boolean;
	lat?: number;
	long?: number;
	addressString?: string;
	addressId?: string;
	firstName?: string;
	lastName?: string;
	phone?: string;
	email?: string;
	deviceId?: string;
	accountId?: string;
	mediaUrl?: string;
	/** Arrays go out as `attribute[CODE][]`, single values as `attribute[CODE]`. */
	attributes: Record<string, string | string[]>;
}

export type RequestStatus = 'open' | 'closed';

/** Filters of GET requests.json. */
export interface ServiceRequestFilter {
	/** Comma-separated text or a list; when given, GeoReport v2 ignores every other filter. */
	serviceRequestIds?: string | string[];
	serviceCodes?: string | string[];
	/** ISO 8601; without an offset it is read in `defaultZone` (Europe/Rome). */
	startDate?: string | Date;
	endDate?: string | Date;
	status?: string | string[];
}

/** An HTTP exchange, built here and carried by whoever makes requests (n8n, fetch in tests). */
export interface Open311HttpRequest {
	method: 'GET' | 'POST';
	url: string;
	headers: Record<string, string>;
	/** `application/x-www-form-urlencoded` text (POST only). */
	body?: string;
}

export interface Open311HttpResponse {
	status: number;
	/** Text, bytes, an already parsed JSON value, or nothing. */
	body: unknown;
}

export type Open311Transport = (request: Open311HttpRequest) => Promise<Open311HttpResponse>;
