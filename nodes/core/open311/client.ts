/**
 * The GeoReport v2 calls as functions over an injected transport (n8n's HTTP helper in the node, fetch
 * in tests): build the request, send it, read the answer. They throw nothing but `Open311Error`, with
 * the API key removed from any text a portal echoed back.
 */
import { Open311Error, redactSecrets, type Open311Operation } from './errors';
import { prepareServiceRequest, type PrepareOptions } from './input';
import {
	buildCreateServiceRequest,
	buildGetServiceDefinition,
	buildGetServiceRequest,
	buildGetToken,
	buildListServiceRequests,
	buildListServices,
} from './requests';
import {
	interpretCreateResponse,
	interpretServiceDefinition,
	interpretServiceRequest,
	interpretServiceRequests,
	interpretServices,
	interpretTokenResponse,
	type Open311Result,
} from './responses';
import type {
	Open311Config,
	Open311HttpRequest,
	Open311HttpResponse,
	Open311Service,
	Open311Transport,
	PreparedServiceRequest,
	ServiceDefinition,
	ServiceRequestFilter,
	ServiceRequestInput,
	ServiceRequestRecord,
	TokenStatus,
} from './types';

function secretsOf(config: Open311Config): string[] {
	return typeof config?.apiKey === 'string' && config.apiKey.trim() !== ''
		? [config.apiKey.trim()]
		: [];
}

function asOpen311Error(error: unknown, operation: Open311Operation): Open311Error {
	if (error instanceof Open311Error) return error;
	const reason = error instanceof Error ? error.message : String(error);
	return new Open311Error({
		kind: 'unavailable',
		httpStatus: 0,
		operation,
		message: `The portal could not be reached: ${reason || 'no answer'}`,
	});
}

/** Builds (may throw `config`/`input` errors), sends and reads one exchange. */
async function call<T>(
	transport: Open311Transport,
	config: Open311Config,
	operation: Open311Operation,
	build: () => Open311HttpRequest,
	read: (response: Open311HttpResponse) => Open311Result<T>,
): Promise<T> {
	const secrets = secretsOf(config);
	try {
		const request = build();
		let response: Open311HttpResponse;
		try {
			response = await transport(request);
		} catch (error) {
			throw asOpen311Error(error, operation);
		}
		if (typeof response !== 'object' || response === null) {
			throw asOpen311Error(new Error('the transport gave no response'), operation);
		}
		if (!Number.isInteger(response.status) || response.status < 100 || response.status > 599) {
			throw new Open311Error({
				kind: 'malformed',
				operation,
				message: `The portal answered without a valid HTTP status (${String(response.status)})`,
			});
		}
		const result = read(response);
		if (!result.ok) throw result.error;
		return result.value;
	} catch (error) {
		throw redactSecrets(asOpen311Error(error, operation), secrets);
	}
}

/** GET services.json. */
export async function listServices(
	transport: Open311Transport,
	config: Open311Config,
): Promise<Open311Service[]> {
	return await call(
		transport,
		config,
		'listServices',
		() => buildListServices(config),
		(response) => interpretServices(response.status, response.body),
	);
}

/** GET services/{code}.json. */
export async function getServiceDefinition(
	transport: Open311Transport,
	config: Open311Config,
	serviceCode: string,
): Promise<ServiceDefinition> {
	return await call(
		transport,
		config,
		'getServiceDefinition',
		() => buildGetServiceDefinition(config, serviceCode),
		(response) => interpretServiceDefinition(response.status, response.body, serviceCode),
	);
}

/** GET requests/{id}.json. */
export async function getServiceRequest(
	transport: Open311Transport,
	config: Open311Config,
	serviceRequestId: string,
): Promise<ServiceRequestRecord> {
	return await call(
		transport,
		config,
		'getRequest',
		() => buildGetServiceRequest(config, serviceRequestId),
		(response) =>
			interpretServiceRequest(
				response.status,
				response.body,
				typeof serviceRequestId === 'string' ? serviceRequestId : String(serviceRequestId),
			),
	);
}

/** GET requests.json with filters (dates without offset are read in `zone`, default Europe/Rome). */
export async function listServiceRequests(
	transport: Open311Transport,
	config: Open311Config,
	filter: ServiceRequestFilter = {},
	zone?: string,
): Promise<ServiceRequestRecord[]> {
	return await call(
		transport,
		config,
		'listRequests',
		() => buildListServiceRequests(config, filter, zone),
		(response) => interpretServiceRequests(response.status, response.body),
	);
}

/** GET tokens/{token}.json. */
export async function resolveToken(
	transport: Open311Transport,
	config: Open311Config,
	token: string,
): Promise<TokenStatus> {
	return await call(
		transport,
		config,
		'getToken',
		() => buildGetToken(config, token),
		(response) => interpretTokenResponse(response.status, response.body, token),
	);
}

export interface PollTokenOptions {
	/** How many times to ask tokens/{token}.json (0: do not ask). At most 60. */
	attempts: number;
	/** Wait before each ask, in milliseconds. At most 60,000. */
	intervalMs: number;
}

export interface CreateServiceRequestOptions extends PrepareOptions {
	/** For batch services: ask for the request id behind the token. */
	pollToken?: PollTokenOptions;
	/**
	 * Fetch services/{code}.json first and check the attributes against it. When the portal has no
	 * definition for the service (404) or cannot give it, the request is sent unchecked.
	 */
	checkDefinition?: boolean;
	/** How to wait between token polls (n8n's `sleep` in the node). */
	sleep?: (ms: number) => Promise<void>;
}

export interface CreateServiceRequestResult {
	/** Missing while a batch request is pending, and for blackbox services. */
	serviceRequestId?: string;
	token?: string;
	serviceNotice?: string;
	accountId?: string;
	/** A token came back and no request id yet: ask again later with `resolveToken`. */
	pending: boolean;
	/** How many times tokens/{token}.json was asked. */
	tokenChecks: number;
	/** Why the last token check gave nothing (the request itself was accepted). */
	tokenCheckError?: string;
	/** What was sent, without the API key. */
	submitted: PreparedServiceRequest;
}

function defaultSleep(ms: number): Promise<void> {
	// The node passes n8n-workflow's `sleep`; this default serves plain TypeScript callers (tests).
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function pollSettings(options: PollTokenOptions | undefined): PollTokenOptions {
	if (!options) return { attempts: 0, intervalMs: 0 };
	const attempts = Number(options.attempts);
	const intervalMs = Number(options.intervalMs);
	if (!Number.isInteger(attempts) || attempts < 0 || attempts > 60) {
		throw Open311Error.input(
			'pollToken.attempts',
			`Token attempts must be a whole number from 0 to 60, not ${JSON.stringify(options.attempts)}`,
			'Il numero di tentativi per ottenere il numero della segnalazione deve essere tra 0 e 60.',
		);
	}
	if (!Number.isFinite(intervalMs) || intervalMs < 0 || intervalMs > 60_000) {
		throw Open311Error.input(
			'pollToken.intervalMs',
			`Token interval must be from 0 to 60,000 ms, not ${JSON.stringify(options.intervalMs)}`,
			"L'attesa tra i tentativi deve essere tra 0 e 60 secondi.",
		);
	}
	return { attempts, intervalMs };
}

/**
 * Creates a service request: checks the fields (`prepareServiceRequest`), optionally checks the
 * attributes against the service definition, POSTs requests.json with the api_key in the form body,
 * and for a batch answer (a token) asks tokens/{token}.json up to `pollToken.attempts` times for the
 * request id. Once the POST was accepted, failures of the token checks do not fail the call: the
 * result is `pending` with the token (and `tokenCheckError`). Throws `Open311Error` only.
 */
export async function createServiceRequest(
	transport: Open311Transport,
	config: Open311Config,
	input: ServiceRequestInput,
	options: CreateServiceRequestOptions = {},
): Promise<CreateServiceRequestResult> {
	const secrets = secretsOf(config);
	const sleep = options.sleep ?? defaultSleep;
	let poll: PollTokenOptions;
	let definition = options.definition;
	try {
		poll = pollSettings(options.pollToken);
		// Fields first, so that a wrong field never costs a request.
		prepareServiceRequest(input, { ...options, definition: undefined });
		if (options.checkDefinition && !definition) {
			try {
				definition = await getServiceDefinition(
					transport,
					config,
					typeof input.serviceCode === 'string'
						? input.serviceCode.trim()
						: String(input.serviceCode),
				);
			} catch (error) {
				const known = error instanceof Open311Error ? error : undefined;
				if (known?.kind === 'config' || known?.kind === 'auth') throw known;
				definition = undefined;
			}
		}
	} catch (error) {
		throw redactSecrets(asOpen311Error(error, 'createRequest'), secrets);
	}
	const submitted = prepareServiceRequestSafely(input, { ...options, definition }, secrets);
	const created = await call(
		transport,
		config,
		'createRequest',
		() => buildCreateServiceRequest(config, submitted),
		(response) => interpretCreateResponse(response.status, response.body),
	);

	const result: CreateServiceRequestResult = {
		...created,
		pending: created.serviceRequestId === undefined && created.token !== undefined,
		tokenChecks: 0,
		submitted,
	};
	if (!result.pending || result.token === undefined) return result;
	for (let attempt = 1; attempt <= poll.attempts; attempt++) {
		if (poll.intervalMs > 0) await sleep(poll.intervalMs);
		result.tokenChecks = attempt;
		try {
			const status = await resolveToken(transport, config, result.token);
			delete result.tokenCheckError;
			if (status.serviceRequestId !== undefined) {
				result.serviceRequestId = status.serviceRequestId;
				result.pending = false;
				return result;
			}
		} catch (error) {
			const known = asOpen311Error(error, 'getToken');
			result.tokenCheckError = known.message;
			// A token unknown right after it was given usually means "not processed yet"; other kinds
			// (auth, a broken answer) will not improve by asking again.
			if (known.kind !== 'notFound' && known.kind !== 'unavailable') break;
		}
	}
	return result;
}

function prepareServiceRequestSafely(
	input: ServiceRequestInput,
	options: PrepareOptions,
	secrets: string[],
): PreparedServiceRequest {
	try {
		return prepareServiceRequest(input, options);
	} catch (error) {
		throw redactSecrets(asOpen311Error(error, 'createRequest'), secrets);
	}
}
