/**
 * A fake of an Open311 GeoReport v2 portal (the city's "Segnala") on a real HTTP server (node:http),
 * for tests and the sandbox: the API under /open311/v2 (JSON only) and a page at / listing what
 * arrived. It follows the spec, not our client: it imports nothing from nodes/. See README.md.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLarge, readBody } from '../readBody';

import { renderPage } from './page';
import { RIMINI_SERVICES } from './services';
import type {
	InjectedError,
	Open311Simulator,
	Open311SimulatorOptions,
	ReceivedOpen311Request,
	SimulatedAttribute,
	SimulatedService,
	StoredServiceRequest,
} from './types';

export * from './types';
export { RIMINI_SERVICES } from './services';

const DAY_MS = 86_400_000;
const MAX_RESULTS = 1000;
const MAX_RANGE_DAYS = 90;
const MAX_DESCRIPTION = 4000;
/** W3C date-time as the spec asks: seconds optional, timezone required. */
const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

type ErrorEntry = { code: number; description: string };

class Answer {
	constructor(
		readonly status: number,
		readonly body: unknown,
		readonly headers: Record<string, string> = {},
	) {}
}

function errors(status: number, ...descriptions: string[]): Answer {
	return new Answer(
		status,
		descriptions.map((description): ErrorEntry => ({ code: status, description })),
	);
}

function w3c(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function codePoints(text: string): number {
	return [...text].length;
}

function isNumeric(text: string): boolean {
	return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text.trim());
}

function isHttpUrl(text: string): boolean {
	try {
		const url = new URL(text);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
	} catch {
		return false;
	}
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HTML_TAG = /<\/?[a-z][^<>]*>/i;

interface ParsedForm {
	fields: Map<string, string>;
	attributes: Map<string, { values: string[]; list: boolean }>;
	problems: string[];
}

/** Form fields; `attribute[code]` and `attribute[code][]` collected apart. */
function parseForm(text: string): ParsedForm {
	const parsed: ParsedForm = { fields: new Map(), attributes: new Map(), problems: [] };
	for (const [name, value] of new URLSearchParams(text)) {
		const attribute = /^attribute\[([^[\]]+)\](\[\])?$/.exec(name);
		if (attribute) {
			const [, code, list] = attribute;
			const entry = parsed.attributes.get(code) ?? { values: [], list: !!list };
			if (entry.list !== !!list) {
				parsed.problems.push(
					`attribute ${code} was given both as attribute[${code}] and attribute[${code}][]`,
				);
			} else if (!list && entry.values.length > 0) {
				parsed.problems.push(
					`attribute[${code}] was given more than once; use attribute[${code}][] for several values`,
				);
			}
			entry.values.push(value);
			parsed.attributes.set(code, entry);
		} else if (name.startsWith('attribute')) {
			parsed.problems.push(
				`${name} is not a valid attribute field (attribute[code] or attribute[code][])`,
			);
		} else if (parsed.fields.has(name)) {
			parsed.problems.push(`${name} was given more than once`);
		} else {
			parsed.fields.set(name, value);
		}
	}
	return parsed;
}

class Simulator implements Open311Simulator {
	baseUrl = '';
	pageUrl = '';
	port = 0;
	readonly received: ReceivedOpen311Request[] = [];

	private readonly server: Server;
	private readonly now: () => number;
	private readonly log: (line: string) => void;
	private readonly basePath: string;
	private readonly services: SimulatedService[];
	private stored: StoredServiceRequest[] = [];
	private injected: Array<InjectedError & { left: number }> = [];
	private down: number | false = false;
	private nextId = 1;

	constructor(private readonly options: Open311SimulatorOptions) {
		this.now = options.now ?? Date.now;
		this.log = options.log ?? (() => undefined);
		this.basePath = `/${(options.basePath ?? '/open311/v2').replace(/^\/+|\/+$/g, '')}`;
		this.services = (options.services ?? RIMINI_SERVICES).map((service) => ({ ...service }));
		this.server = createServer((request, response) => {
			this.handle(request, response).catch((error: unknown) => {
				this.log(`open311 simulator: ${error instanceof Error ? error.stack : String(error)}`);
				if (!response.headersSent) this.send(response, errors(500, 'simulator failure'));
				else response.end();
			});
		});
	}

	async listen(): Promise<void> {
		const host = this.options.host ?? '127.0.0.1';
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, host, () => resolve());
		});
		this.port = (this.server.address() as AddressInfo).port;
		const origin = `http://${host}:${this.port}`;
		this.baseUrl = `${origin}${this.basePath}`;
		this.pageUrl = `${origin}/`;
	}

	// ---- test API -----------------------------------------------------------------------------------

	requests(): StoredServiceRequest[] {
		return this.stored.map((request) => structuredClone(request));
	}

	setDown(status: number | false): void {
		this.down = status === false ? false : status;
	}

	injectError(error: InjectedError): void {
		this.injected.push({ ...error, left: error.times ?? 1 });
	}

	clearInjectedErrors(): void {
		this.injected = [];
	}

	closeRequest(serviceRequestId: string, statusNotes?: string): void {
		const request = this.stored.find((entry) => entry.service_request_id === serviceRequestId);
		if (!request) throw new Error(`No request ${serviceRequestId}`);
		request.status = 'closed';
		request.status_notes = statusNotes;
		request.updated_datetime = w3c(this.now());
	}

	reset(): void {
		this.stored = [];
		this.received.length = 0;
		this.injected = [];
		this.down = false;
		this.nextId = 1;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	// ---- HTTP ---------------------------------------------------------------------------------------

	private send(response: ServerResponse, answer: Answer): void {
		const isText = typeof answer.body === 'string';
		const text = isText ? (answer.body as string) : JSON.stringify(answer.body);
		const contentType =
			answer.headers['content-type'] ??
			(isText
				? text.trimStart().startsWith('<')
					? 'text/html; charset=utf-8'
					: 'text/plain; charset=utf-8'
				: 'application/json; charset=utf-8');
		response.writeHead(answer.status, {
			...answer.headers,
			'content-type': contentType,
			'content-length': Buffer.byteLength(text),
		});
		response.end(text);
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://simulator.invalid');
		const method = request.method ?? 'GET';
		if (url.pathname === '/' && (method === 'GET' || method === 'HEAD')) {
			const html = renderPage({
				baseUrl: this.baseUrl,
				requests: this.stored,
				received: this.received,
				now: this.now(),
				down: this.down,
			});
			this.send(response, new Answer(200, html, { 'content-type': 'text/html; charset=utf-8' }));
			return;
		}
		if (url.pathname !== this.basePath && !url.pathname.startsWith(`${this.basePath}/`)) {
			this.send(response, errors(404, `${url.pathname} is not an Open311 resource`));
			return;
		}
		const path = url.pathname.slice(this.basePath.length).replace(/^\/+/, '');
		const query = Object.fromEntries(url.searchParams);
		const record: ReceivedOpen311Request = {
			at: this.now(),
			method,
			path,
			query,
			apiKey: 'notRequired',
			status: 0,
		};
		this.received.push(record);

		let raw: Buffer;
		try {
			raw = await readBody(request, this.options.maxBodyBytes ?? 1024 * 1024);
		} catch (error) {
			if (!(error instanceof BodyTooLarge)) throw error;
			record.status = 413;
			const answer = errors(413, 'The request body is too large');
			this.send(response, new Answer(413, answer.body, { connection: 'close' }));
			return;
		}

		const answer = this.answer(method, path, url.searchParams, request, raw, record);
		record.status = answer.status;
		this.send(response, answer);
	}

	private answer(
		method: string,
		path: string,
		query: URLSearchParams,
		request: IncomingMessage,
		raw: Buffer,
		record: ReceivedOpen311Request,
	): Answer {
		if (this.down !== false) {
			return new Answer(
				this.down,
				`<html><head><title>${this.down} Service Unavailable</title></head><body><h1>${this.down} Service Temporarily Unavailable</h1><hr><address>nginx</address></body></html>`,
			);
		}
		const injected = this.injected.find(
			(entry) =>
				entry.left > 0 &&
				(entry.method === undefined || entry.method === method) &&
				(entry.path === undefined ||
					(typeof entry.path === 'string' ? entry.path === path : entry.path.test(path))),
		);
		if (injected) {
			injected.left--;
			this.injected = this.injected.filter((entry) => entry.left > 0);
			const body = injected.body ?? [
				{ code: injected.status, description: 'Injected failure of the simulator' },
			];
			return new Answer(
				injected.status,
				body,
				injected.contentType ? { 'content-type': injected.contentType } : {},
			);
		}

		const match = /^(.*)\.([A-Za-z0-9]+)$/.exec(path);
		if (!match) return errors(404, `${path || '/'} is not an Open311 resource (add .json)`);
		const [, resource, format] = match;
		const route = this.route(resource);
		if (!route) return errors(404, `${path} is not an Open311 resource`);
		if (format.toLowerCase() !== 'json') {
			return errors(
				400,
				`Format ${format} is not supported: this endpoint answers JSON only (use ${resource}.json)`,
			);
		}
		if (!route.methods.includes(method)) {
			return new Answer(405, [{ code: 405, description: `${method} is not allowed on ${path}` }], {
				allow: route.methods.join(', '),
			});
		}

		if (method === 'POST') return this.createRequest(request, raw, query, record);

		const jurisdiction = this.checkJurisdiction(query.get('jurisdiction_id'));
		if (jurisdiction) return jurisdiction;
		switch (route.name) {
			case 'services':
				return new Answer(
					200,
					this.services.map((service) => this.publicService(service)),
				);
			case 'service':
				return this.serviceDefinition(route.id);
			case 'requests':
				return this.listRequests(query);
			case 'request':
				return this.getRequest(route.id);
			case 'token':
				return this.getToken(route.id);
		}
	}

	private route(
		resource: string,
	):
		| { name: 'services' | 'requests'; methods: string[]; id: string }
		| { name: 'service' | 'request' | 'token'; methods: string[]; id: string }
		| undefined {
		if (resource === 'services') return { name: 'services', methods: ['GET'], id: '' };
		if (resource === 'requests') return { name: 'requests', methods: ['GET', 'POST'], id: '' };
		const single = /^(services|requests|tokens)\/([^/]+)$/.exec(resource);
		if (!single) return undefined;
		let id: string;
		try {
			id = decodeURIComponent(single[2]);
		} catch {
			return undefined;
		}
		const name =
			single[1] === 'services' ? 'service' : single[1] === 'requests' ? 'request' : 'token';
		return { name, methods: ['GET'], id };
	}

	private checkJurisdiction(given: string | null | undefined): Answer | undefined {
		const expected = this.options.jurisdictionId;
		if (!expected) return undefined;
		if (given === null || given === undefined || given.trim() === '') {
			return errors(400, 'jurisdiction_id was not provided');
		}
		if (given.trim() !== expected) return errors(404, `jurisdiction_id ${given} was not found`);
		return undefined;
	}

	// ---- services -----------------------------------------------------------------------------------

	private publicService(service: SimulatedService): Record<string, unknown> {
		return {
			service_code: service.service_code,
			service_name: service.service_name,
			description: service.description ?? null,
			metadata: (service.attributes ?? []).length > 0,
			type: service.type,
			keywords: service.keywords ?? null,
			group: service.group ?? null,
		};
	}

	private serviceDefinition(code: string): Answer {
		const service = this.services.find((entry) => entry.service_code === code);
		if (!service) return errors(404, `service_code ${code} was not found`);
		return new Answer(200, {
			service_code: service.service_code,
			attributes: (service.attributes ?? []).map((attribute) => ({
				variable: attribute.variable ?? true,
				code: attribute.code,
				datatype: attribute.datatype,
				required: attribute.required,
				datatype_description: attribute.datatype_description ?? null,
				order: attribute.order,
				description: attribute.description,
				...(attribute.values ? { values: attribute.values } : {}),
			})),
		});
	}

	// ---- POST requests.json -------------------------------------------------------------------------

	private createRequest(
		request: IncomingMessage,
		raw: Buffer,
		query: URLSearchParams,
		record: ReceivedOpen311Request,
	): Answer {
		const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
		if (!contentType.startsWith('application/x-www-form-urlencoded')) {
			record.apiKey = 'missing';
			return errors(
				400,
				'POST requests.json takes a form: Content-Type: application/x-www-form-urlencoded; charset=utf-8',
			);
		}
		const form = parseForm(raw.toString('utf8'));
		record.form = Object.fromEntries([
			...[...form.fields].filter(([name]) => name !== 'api_key'),
			...[...form.attributes].map(([code, entry]): [string, string | string[]] => [
				`attribute[${code}]${entry.list ? '[]' : ''}`,
				entry.list ? entry.values : entry.values[0],
			]),
		]);

		const apiKey = form.fields.get('api_key') ?? query.get('api_key') ?? '';
		if (apiKey === '') {
			record.apiKey = 'missing';
			return errors(403, "api_key was not provided -- can't proceed with create_request.");
		}
		if (apiKey !== this.options.apiKey) {
			record.apiKey = 'invalid';
			return errors(403, "Invalid api_key received -- can't proceed with create_request.");
		}
		record.apiKey = 'valid';

		const jurisdictionId = form.fields.get('jurisdiction_id') ?? query.get('jurisdiction_id');
		const jurisdiction = this.checkJurisdiction(jurisdictionId);
		if (jurisdiction) return jurisdiction;

		const code = (form.fields.get('service_code') ?? '').trim();
		if (code === '') return errors(400, 'service_code was not provided');
		const service = this.services.find((entry) => entry.service_code === code);
		if (!service) return errors(404, `service_code ${code} was not found`);

		const problems = [
			...form.problems,
			...this.checkFields(form),
			...this.checkAttributes(service, form),
		];
		if (problems.length > 0) return errors(400, ...problems);

		return this.store(service, form, jurisdictionId ?? undefined);
	}

	private checkFields(form: ParsedForm): string[] {
		const problems: string[] = [];
		const field = (name: string) => {
			const value = form.fields.get(name);
			return value === undefined || value.trim() === '' ? undefined : value.trim();
		};
		const lat = field('lat');
		const long = field('long');
		const address = field('address_string');
		const addressId = field('address_id');
		if (
			lat === undefined &&
			long === undefined &&
			address === undefined &&
			addressId === undefined
		) {
			problems.push('A location is required: lat and long, address_string or address_id');
		}
		if ((lat === undefined) !== (long === undefined)) {
			problems.push('lat and long must be sent together');
		}
		if (lat !== undefined && (!isNumeric(lat) || Math.abs(Number(lat)) > 90)) {
			problems.push(`lat ${lat} is not a latitude in WGS84 degrees (-90…90)`);
		}
		if (long !== undefined && (!isNumeric(long) || Math.abs(Number(long)) > 180)) {
			problems.push(`long ${long} is not a longitude in WGS84 degrees (-180…180)`);
		}
		const description = form.fields.get('description');
		if (description !== undefined) {
			if (codePoints(description) > MAX_DESCRIPTION) {
				problems.push(
					`description has ${codePoints(description)} characters; it is limited to 4,000 characters`,
				);
			}
			if (HTML_TAG.test(description)) {
				problems.push('description may contain line breaks, but not html or code');
			}
		}
		const email = field('email');
		if (email !== undefined && !EMAIL.test(email)) problems.push(`email ${email} is not valid`);
		const mediaUrl = field('media_url');
		if (mediaUrl !== undefined && !isHttpUrl(mediaUrl)) {
			problems.push(`media_url ${mediaUrl} is not an absolute http(s) URL`);
		}
		return problems;
	}

	private checkAttributes(service: SimulatedService, form: ParsedForm): string[] {
		const problems: string[] = [];
		const attributes = new Map<string, SimulatedAttribute>(
			(service.attributes ?? []).map((attribute) => [attribute.code, attribute]),
		);
		for (const [code, given] of form.attributes) {
			const attribute = attributes.get(code);
			if (!attribute || attribute.variable === false) {
				problems.push(`attribute ${code} is not defined for service_code ${service.service_code}`);
				continue;
			}
			const values = given.values.map((value) => value.trim()).filter((value) => value !== '');
			const keys = new Set((attribute.values ?? []).map((option) => option.key));
			switch (attribute.datatype) {
				case 'singlevaluelist':
					if (given.list && values.length > 1) {
						problems.push(`attribute ${code} is a singlevaluelist: one value only`);
					}
					for (const value of values) {
						if (!keys.has(value))
							problems.push(`attribute ${code}: ${value} is not one of its values`);
					}
					break;
				case 'multivaluelist':
					for (const value of values) {
						if (!keys.has(value))
							problems.push(`attribute ${code}: ${value} is not one of its values`);
					}
					break;
				case 'number':
					for (const value of values) {
						if (!isNumeric(value)) problems.push(`attribute ${code} must be a number`);
					}
					break;
				case 'datetime':
					for (const value of values) {
						if (!W3C_DATETIME.test(value) && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
							problems.push(`attribute ${code} must be an ISO 8601 date`);
						}
					}
					break;
				case 'string':
					for (const value of values) {
						if (/[\r\n]/.test(value))
							problems.push(`attribute ${code} is a string without line breaks`);
					}
					break;
				default:
					break;
			}
		}
		for (const attribute of service.attributes ?? []) {
			if (attribute.variable === false || !attribute.required) continue;
			const given = form.attributes.get(attribute.code);
			if (!given || given.values.every((value) => value.trim() === '')) {
				problems.push(
					`attribute ${attribute.code} is required for service_code ${service.service_code}`,
				);
			}
		}
		return problems;
	}

	private store(service: SimulatedService, form: ParsedForm, jurisdictionId?: string): Answer {
		const now = this.now();
		const field = (name: string) => {
			const value = form.fields.get(name);
			return value === undefined || value.trim() === '' ? undefined : value.trim();
		};
		const lat = field('lat');
		const long = field('long');
		const id = String(2026000 + this.nextId++);
		const stored: StoredServiceRequest = {
			service_request_id: id,
			service_code: service.service_code,
			service_name: service.service_name,
			type: service.type,
			status: 'open',
			description: form.fields.get('description')?.trim() || undefined,
			agency_responsible: service.agency_responsible,
			service_notice: service.service_notice,
			requested_datetime: w3c(now),
			updated_datetime: w3c(now),
			...(service.expected_days !== undefined
				? { expected_datetime: w3c(now + service.expected_days * DAY_MS) }
				: {}),
			address: field('address_string'),
			address_id: field('address_id'),
			lat: lat !== undefined ? Number(lat) : undefined,
			long: long !== undefined ? Number(long) : undefined,
			media_url: field('media_url'),
			email: field('email'),
			first_name: field('first_name'),
			last_name: field('last_name'),
			phone: field('phone'),
			device_id: field('device_id'),
			account_id: field('account_id'),
			jurisdiction_id: jurisdictionId,
			attributes: Object.fromEntries(
				[...form.attributes].map(([code, entry]) => [
					code,
					entry.list ? entry.values : entry.values[0],
				]),
			),
			createdAt: now,
			availableAt: service.type === 'batch' ? now + (this.options.tokenDelayMs ?? 2000) : now,
		};
		for (const key of Object.keys(stored) as Array<keyof StoredServiceRequest>) {
			if (stored[key] === undefined) delete stored[key];
		}
		this.stored.push(stored);
		this.log(`open311 simulator: ${service.type} request ${id} for ${service.service_code}`);
		const notice = service.service_notice ?? null;
		switch (service.type) {
			case 'batch':
				stored.token = randomUUID();
				return new Answer(200, [{ token: stored.token, service_notice: notice }]);
			case 'blackbox':
				return new Answer(200, [{ service_notice: notice }]);
			default:
				return new Answer(200, [
					{ service_request_id: id, service_notice: notice, account_id: stored.account_id ?? null },
				]);
		}
	}

	// ---- GET requests -------------------------------------------------------------------------------

	/** Requests a GET can see (batch ones once processed), the latest created first. */
	private visible(): StoredServiceRequest[] {
		const now = this.now();
		return this.stored.filter((request) => request.availableAt <= now).reverse();
	}

	private publicRequest(request: StoredServiceRequest): Record<string, unknown> {
		return {
			service_request_id: request.service_request_id,
			status: request.status,
			status_notes: request.status_notes ?? null,
			service_name: request.service_name,
			service_code: request.service_code,
			description: request.description ?? null,
			agency_responsible: request.agency_responsible ?? null,
			service_notice: request.service_notice ?? null,
			requested_datetime: request.requested_datetime,
			updated_datetime: request.updated_datetime,
			expected_datetime: request.expected_datetime ?? null,
			address: request.address ?? null,
			address_id: request.address_id ?? null,
			zipcode: null,
			lat: request.lat ?? null,
			long: request.long ?? null,
			media_url: request.media_url ?? null,
		};
	}

	private getRequest(id: string): Answer {
		const request = this.visible().find((entry) => entry.service_request_id === id);
		if (!request) return errors(404, `service_request_id ${id} was not found`);
		return new Answer(200, [this.publicRequest(request)]);
	}

	private getToken(token: string): Answer {
		const request = this.stored.find((entry) => entry.token !== undefined && entry.token === token);
		if (!request) return errors(404, `token ${token} was not found`);
		if (request.availableAt > this.now()) return new Answer(200, [{ token }]);
		return new Answer(200, [{ service_request_id: request.service_request_id, token }]);
	}

	private listRequests(query: URLSearchParams): Answer {
		const list = (name: string) =>
			(query.get(name) ?? '')
				.split(',')
				.map((part) => part.trim())
				.filter((part) => part !== '');
		const newestFirst = (a: StoredServiceRequest, b: StoredServiceRequest) =>
			b.createdAt - a.createdAt;

		const ids = list('service_request_id');
		if (ids.length > 0) {
			// "This overrides all other arguments."
			const found = this.visible()
				.filter((request) => ids.includes(request.service_request_id))
				.sort(newestFirst)
				.slice(0, MAX_RESULTS);
			return new Answer(
				200,
				found.map((request) => this.publicRequest(request)),
			);
		}

		const problems: string[] = [];
		const statuses = list('status');
		for (const status of statuses) {
			if (status !== 'open' && status !== 'closed') {
				problems.push(`status ${status} is not one of open, closed`);
			}
		}
		const date = (name: string): number | undefined => {
			const value = query.get(name);
			if (value === null || value.trim() === '') return undefined;
			if (!W3C_DATETIME.test(value.trim()) || Number.isNaN(Date.parse(value.trim()))) {
				problems.push(`${name} must be a w3 date-time with timezone, e.g. 2010-01-01T00:00:00Z`);
				return undefined;
			}
			return Date.parse(value.trim());
		};
		let start = date('start_date');
		let end = date('end_date');
		if (start !== undefined && end !== undefined) {
			if (end < start) problems.push('end_date is before start_date');
			else if (end - start > MAX_RANGE_DAYS * DAY_MS) {
				problems.push(`start_date and end_date may not span more than ${MAX_RANGE_DAYS} days`);
			}
		}
		if (problems.length > 0) return errors(400, ...problems);
		const now = this.now();
		if (start === undefined && end === undefined) {
			end = now;
			start = now - MAX_RANGE_DAYS * DAY_MS;
		} else if (start === undefined) start = (end as number) - MAX_RANGE_DAYS * DAY_MS;
		else if (end === undefined) end = start + MAX_RANGE_DAYS * DAY_MS;
		const codes = list('service_code');
		const found = this.visible()
			.filter(
				(request) => request.createdAt >= (start as number) && request.createdAt <= (end as number),
			)
			.filter((request) => codes.length === 0 || codes.includes(request.service_code))
			.filter((request) => statuses.length === 0 || statuses.includes(request.status))
			.sort(newestFirst)
			.slice(0, MAX_RESULTS);
		return new Answer(
			200,
			found.map((request) => this.publicRequest(request)),
		);
	}
}

/** Starts a simulator on `options.port` (0 = a free port); `stop()` closes it. */
export async function startOpen311Simulator(
	options: Open311SimulatorOptions,
): Promise<Open311Simulator> {
	const simulator = new Simulator(options);
	await simulator.listen();
	options.log?.(`Open311 simulator on ${simulator.baseUrl} (page: ${simulator.pageUrl})`);
	return simulator;
}
