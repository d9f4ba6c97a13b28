/**
 * Types of the Open311 GeoReport v2 simulator. Configuration mirrors the wire format (snake_case),
 * so a service is written here as the portal would list it.
 */

export type SimulatedServiceType = 'realtime' | 'batch' | 'blackbox';

export type SimulatedDatatype =
	| 'string'
	| 'number'
	| 'datetime'
	| 'text'
	| 'singlevaluelist'
	| 'multivaluelist';

export interface SimulatedAttribute {
	code: string;
	datatype: SimulatedDatatype;
	required: boolean;
	/** false: information for the citizen only; default true. */
	variable?: boolean;
	description: string;
	datatype_description?: string;
	order: number;
	/** Options of list attributes. */
	values?: Array<{ key: string; name: string }>;
}

export interface SimulatedService {
	service_code: string;
	service_name: string;
	description?: string;
	type: SimulatedServiceType;
	keywords?: string;
	group?: string;
	/** The service definition; `metadata` is true when there is at least one. */
	attributes?: SimulatedAttribute[];
	/** Given back on creation and in the request. */
	service_notice?: string;
	agency_responsible?: string;
	/** expected_datetime = requested + this many days (none when missing). */
	expected_days?: number;
}

export interface Open311SimulatorOptions {
	/** 0 or missing: a free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** The api_key POST requests.json must carry. */
	apiKey: string;
	/**
	 * When set, the endpoint behaves as one serving several jurisdictions: every API call must carry
	 * this jurisdiction_id (missing → 400, another → 404).
	 */
	jurisdictionId?: string;
	/** Default: Rimini's services (`RIMINI_SERVICES`). */
	services?: SimulatedService[];
	/** Clock in epoch milliseconds (requested_datetime, the 90-day default window, batch delays). */
	now?: () => number;
	/** How long a batch request waits before its token gives a service_request_id; default 2000 ms. */
	tokenDelayMs?: number;
	/** Path of the API on the server; default /open311/v2. */
	basePath?: string;
	/** Largest POST body; default 1 MB (→ 413). */
	maxBodyBytes?: number;
	log?: (line: string) => void;
}

/** A service request as the simulator keeps it (the API shows only the public part). */
export interface StoredServiceRequest {
	service_request_id: string;
	token?: string;
	service_code: string;
	service_name: string;
	type: SimulatedServiceType;
	status: 'open' | 'closed';
	status_notes?: string;
	description?: string;
	agency_responsible?: string;
	service_notice?: string;
	requested_datetime: string;
	updated_datetime: string;
	expected_datetime?: string;
	address?: string;
	address_id?: string;
	lat?: number;
	long?: number;
	media_url?: string;
	email?: string;
	first_name?: string;
	last_name?: string;
	phone?: string;
	device_id?: string;
	account_id?: string;
	jurisdiction_id?: string;
	attributes: Record<string, string | string[]>;
	/** Epoch ms when created. */
	createdAt: number;
	/** Epoch ms from which the request is visible and its token resolves (batch: later). */
	availableAt: number;
}

/** One API call the simulator answered (never the api_key itself). */
export interface ReceivedOpen311Request {
	at: number;
	method: string;
	/** Path after the base path, e.g. "requests.json". */
	path: string;
	query: Record<string, string>;
	/** POST form fields without api_key; attribute lists as arrays. */
	form?: Record<string, string | string[]>;
	apiKey: 'valid' | 'invalid' | 'missing' | 'notRequired';
	/** HTTP status answered. */
	status: number;
}

/** A canned answer for the next matching call(s). */
export interface InjectedError {
	method?: 'GET' | 'POST';
	/** Matches the path after the base path ("requests.json", "tokens/abc.json"…). */
	path?: string | RegExp;
	status: number;
	/** JSON value (sent as JSON) or text (sent as is; HTML when it starts with "<"). Default: an error array. */
	body?: unknown;
	contentType?: string;
	/** How many calls it answers; default 1. */
	times?: number;
}

export interface Open311Simulator {
	/** The API's base URL, e.g. http://127.0.0.1:5700/open311/v2: the credential's baseUrl. */
	baseUrl: string;
	/** The page listing what arrived, e.g. http://127.0.0.1:5700/ */
	pageUrl: string;
	port: number;
	/** API calls, oldest first. */
	readonly received: ReceivedOpen311Request[];
	/** Copies of the stored service requests, oldest first (pending batch ones included). */
	requests(): StoredServiceRequest[];
	/** While set, every API call is answered with this 5xx status and an HTML page. */
	setDown(status: number | false): void;
	injectError(error: InjectedError): void;
	clearInjectedErrors(): void;
	/** Closes a request, as the office would once the problem is fixed. */
	closeRequest(serviceRequestId: string, statusNotes?: string): void;
	/** Forgets requests, calls and injected errors, keeps the configuration. */
	reset(): void;
	stop(): Promise<void>;
}
