/**
 * The ingress service: a node:http server in front of n8n for Meta's webhooks. Each request is
 * classified (classify.ts), its statuses and its body with messages are written in a group commit
 * (groupCommit.ts) and only then answered 200 — 503 when the store failed, so Meta delivers it again —
 * and the forwarder (forwarder.ts) takes the queued bodies to n8n. `/healthz` and `/metrics` for IT,
 * one log line a minute, and a graceful stop that finishes the writes in flight.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { DeliveryStatusUpdate } from '../shared/deliveryStatus';
import { maskPhoneNumbers } from '../whatsapp/deliveryStatuses';
import { SIGNATURE_HEADER } from '../whatsapp/signature';
import { OUTBOX_RETENTION_MS, type OutboxDepth, type OutboxLedger } from '../store/outbox';
import { classifyRequest } from './classify';
import type { IngressConfig } from './config';
import { Forwarder } from './forwarder';
import { GroupCommitter } from './groupCommit';

/** What the service needs of the store. */
export interface IngressStore {
	readonly backend: 'sqlite' | 'postgres';
	readonly outbox: OutboxLedger;
	close(): Promise<void>;
}

export interface IngressServiceOptions {
	config: IngressConfig;
	store: IngressStore;
	log?: (line: string) => void;
	/** Forward queued bodies (default true; the benchmark of statuses alone turns it off). */
	forward?: boolean;
	/**
	 * When statuses whose wamid was unknown are applied again (default after 2 s and after 15 s more):
	 * Meta's status may come before the broadcast or the reply recorded the wamid it is about.
	 */
	lateDelaysMs?: number[];
}

/** Most statuses waiting for a second look; beyond, the oldest are let go (counted). */
const MAX_LATE_STATUSES = 100_000;

interface LateBatch {
	due: number;
	round: number;
	statuses: DeliveryStatusUpdate[];
}

interface Counters {
	requests: number;
	answered: Record<string, number>;
	statuses: number;
	queued: number;
	duplicates: number;
	storeFailures: number;
	/** Statuses unknown at first and applied on a second look. */
	lateApplied: number;
	/** Statuses still unknown after the last look, or let go over the limit. */
	lateGivenUp: number;
}

/** Statuses recorded per second over the last minute, from one sample a second. */
class RateWindow {
	private readonly samples: number[] = [];
	push(total: number): void {
		this.samples.push(total);
		if (this.samples.length > 61) this.samples.shift();
	}
	perSecond(): number {
		if (this.samples.length < 2) return 0;
		return (this.samples[this.samples.length - 1] - this.samples[0]) / (this.samples.length - 1);
	}
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'tooLarge'> {
	return new Promise((resolve, reject) => {
		const declared = Number(req.headers['content-length']);
		if (Number.isFinite(declared) && declared > maxBytes) {
			// read and dropped, so the client gets its 413 instead of a broken pipe
			req.resume();
			resolve('tooLarge');
			return;
		}
		const chunks: Buffer[] = [];
		let size = 0;
		let over = false;
		req.on('data', (chunk: Buffer) => {
			if (over) return;
			size += chunk.length;
			if (size > maxBytes) {
				over = true;
				chunks.length = 0;
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(over ? 'tooLarge' : Buffer.concat(chunks, size)));
		req.on('error', reject);
	});
}

function answer(
	res: ServerResponse,
	status: number,
	body: string,
	type = 'text/plain; charset=utf-8',
): void {
	res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
	res.end(body);
}

/** Marks a response as the connection's last (while stopping). */
function lastOnConnection(res: ServerResponse): void {
	if (!res.headersSent) res.setHeader('connection', 'close');
}

export class IngressService {
	private readonly server: Server;
	private readonly committer: GroupCommitter;
	private readonly forwarder: Forwarder | null;
	private readonly counters: Counters = {
		requests: 0,
		answered: {},
		statuses: 0,
		queued: 0,
		duplicates: 0,
		storeFailures: 0,
		lateApplied: 0,
		lateGivenUp: 0,
	};
	private late: LateBatch[] = [];
	private lateHeld = 0;
	private lateBusy = false;
	private readonly rate = new RateWindow();
	private readonly timers: Array<ReturnType<typeof setInterval>> = [];
	private readonly log: (line: string) => void;
	private inFlight = 0;
	private stopping: Promise<void> | null = null;
	private lastLog = { requests: 0, statuses: 0, at: Date.now() };

	constructor(private readonly options: IngressServiceOptions) {
		const { config, store } = options;
		this.log = options.log ?? (() => undefined);
		this.committer = new GroupCommitter(
			async (statuses, entries, now) => {
				const outcome = await store.outbox.ingest(statuses, entries, now);
				this.holdLate(outcome.unmatched, 0);
				return outcome;
			},
			config.maxBatchStatuses,
			config.writers,
		);
		this.forwarder =
			options.forward === false
				? null
				: new Forwarder({
						outbox: store.outbox,
						targetUrl: config.triggerUrl,
						owner: config.instance,
						concurrency: config.concurrency,
						log: this.log,
					});
		this.server = createServer((req, res) => void this.handle(req, res));
		this.server.keepAliveTimeout = 65_000;
	}

	/** Listens; resolves with the port. */
	async start(): Promise<number> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.config.port, this.options.config.host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		this.forwarder?.start();
		const every = (ms: number, task: () => void) => {
			const timer = setInterval(task, ms);
			timer.unref();
			this.timers.push(timer);
		};
		every(1000, () => this.rate.push(this.counters.statuses));
		every(this.options.config.logEveryMs, () => void this.logLine());
		every(60 * 60_000, () => void this.prune());
		every(500, () => void this.reapplyLate());
		void this.prune();
		const port = (this.server.address() as AddressInfo).port;
		this.log(
			`ingress ${this.options.config.instance} listening on ${this.options.config.host}:${port}, store ${this.options.store.backend}, forwarding to n8n's trigger`,
		);
		return port;
	}

	/**
	 * Stops: no new connection, the requests in flight are read, written and answered, the forwards in
	 * flight recorded, then the store closes. Safe to call twice.
	 */
	stop(): Promise<void> {
		this.stopping ??= (async () => {
			for (const timer of this.timers) clearInterval(timer);
			const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
			this.server.closeIdleConnections();
			while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
			await this.committer.drain();
			// statuses waiting for their second look get it now (they are only in memory)
			while (this.lateBusy) await new Promise((resolve) => setTimeout(resolve, 10));
			await this.reapplyLate(true);
			await this.forwarder?.stop();
			// the last answers were sent with `Connection: close`; a client that keeps its socket open
			// anyway is cut after 5 s
			this.server.closeIdleConnections();
			const cut = setTimeout(() => this.server.closeAllConnections(), 5000);
			await closed;
			clearTimeout(cut);
			await this.options.store.close();
			this.log(`ingress ${this.options.config.instance} stopped`);
		})();
		return this.stopping;
	}

	private count(status: number): void {
		this.counters.answered[status] = (this.counters.answered[status] ?? 0) + 1;
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		this.inFlight += 1;
		try {
			await this.route(req, res, () => {
				if (this.stopping !== null) lastOnConnection(res);
			});
		} catch (error) {
			this.log(`ingress: request failed: ${maskPhoneNumbers(String(error))}`);
			if (!res.headersSent) answer(res, 500, 'Internal error');
			this.count(500);
		} finally {
			this.inFlight -= 1;
		}
	}

	private async route(
		req: IncomingMessage,
		res: ServerResponse,
		beforeAnswer: () => void,
	): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://ingress');
		if (req.method === 'GET' && url.pathname === '/healthz') return await this.health(res);
		if (req.method === 'GET' && url.pathname === '/metrics') return await this.metrics(res);
		this.counters.requests += 1;
		const body =
			req.method === 'POST'
				? await readBody(req, this.options.config.maxBodyBytes)
				: Buffer.alloc(0);
		if (body === 'tooLarge') {
			res.setHeader('connection', 'close');
			beforeAnswer();
			answer(res, 413, `Body is larger than the ${this.options.config.maxBodyBytes}-byte limit`);
			this.count(413);
			return;
		}
		const query: Record<string, unknown> = {};
		for (const [key, value] of url.searchParams) query[key] = value;
		const decision = classifyRequest(
			{ method: req.method ?? 'GET', query, signature: req.headers[SIGNATURE_HEADER], body },
			{
				appSecret: this.options.config.appSecret,
				verifyToken: this.options.config.verifyToken,
				maxBytes: this.options.config.maxBodyBytes,
			},
		);
		if (decision.kind === 'answer') {
			beforeAnswer();
			answer(res, decision.status, decision.body);
			this.count(decision.status);
			return;
		}
		if (decision.statuses.length === 0 && decision.queue === null) {
			beforeAnswer();
			answer(res, 200, 'OK');
			this.count(200);
			return;
		}
		try {
			const result = await this.committer.submit({
				statuses: decision.statuses,
				entry: decision.queue,
			});
			this.counters.statuses += decision.statuses.length;
			if (result.queued === true) {
				this.counters.queued += 1;
				this.forwarder?.wake();
			} else if (result.queued === false) this.counters.duplicates += 1;
		} catch (error) {
			this.counters.storeFailures += 1;
			this.log(`ingress: store unavailable, answering 503: ${maskPhoneNumbers(String(error))}`);
			beforeAnswer();
			answer(res, 503, 'The store is unavailable; deliver again');
			this.count(503);
			return;
		}
		beforeAnswer();
		answer(res, 200, 'OK');
		this.count(200);
	}

	private async depth(): Promise<OutboxDepth | null> {
		try {
			return await this.options.store.outbox.depth();
		} catch {
			return null;
		}
	}

	private async health(res: ServerResponse): Promise<void> {
		const depth = await this.depth();
		const ok = depth !== null && this.stopping === null;
		answer(
			res,
			ok ? 200 : 503,
			JSON.stringify({
				status: ok ? 'ok' : this.stopping !== null ? 'stopping' : 'store unavailable',
				instance: this.options.config.instance,
				store: this.options.store.backend,
				waiting: depth?.waiting ?? null,
			}),
			'application/json',
		);
	}

	/** Prometheus text format. */
	private async metrics(res: ServerResponse): Promise<void> {
		const depth = await this.depth();
		const f = this.forwarder?.stats;
		const lines: string[] = [];
		const metric = (name: string, type: string, help: string, values: Array<[string, number]>) => {
			lines.push(
				`# HELP whatsurp_ingress_${name} ${help}`,
				`# TYPE whatsurp_ingress_${name} ${type}`,
			);
			for (const [labels, value] of values)
				lines.push(`whatsurp_ingress_${name}${labels} ${value}`);
		};
		metric('up', 'gauge', 'The store answered the last look at the queue (1) or not (0).', [
			['', depth === null ? 0 : 1],
		]);
		metric('queue_depth', 'gauge', "Citizens' messages waiting to reach n8n.", [
			['', depth?.waiting ?? -1],
		]);
		const oldest = depth?.oldestWaitingAt
			? (Date.now() - Date.parse(depth.oldestWaitingAt)) / 1000
			: 0;
		metric('oldest_waiting_seconds', 'gauge', 'Age of the oldest waiting message.', [
			['', Math.max(0, oldest)],
		]);
		metric(
			'queue_failing',
			'gauge',
			'Waiting messages whose last forward failed, by kind.',
			(['refused', 'server', 'network'] as const).map((k) => [
				`{kind="${k}"}`,
				depth?.failing[k] ?? 0,
			]),
		);
		metric(
			'statuses_per_second',
			'gauge',
			'Delivery statuses recorded per second over the last minute.',
			[['', this.rate.perSecond()]],
		);
		metric('statuses_total', 'counter', 'Delivery statuses recorded.', [
			['', this.counters.statuses],
		]);
		metric('queued_total', 'counter', 'Bodies with messages queued.', [['', this.counters.queued]]);
		metric('duplicates_total', 'counter', 'Redeliveries of a body already queued.', [
			['', this.counters.duplicates],
		]);
		metric(
			'requests_total',
			'counter',
			'Webhook requests, by answer.',
			Object.entries(this.counters.answered).map(([status, n]) => [`{status="${status}"}`, n]),
		);
		metric('store_failures_total', 'counter', 'Requests answered 503 because the store failed.', [
			['', this.counters.storeFailures],
		]);
		metric(
			'late_statuses_applied_total',
			'counter',
			'Statuses whose wamid was unknown at first, applied on a second look.',
			[['', this.counters.lateApplied]],
		);
		metric(
			'late_statuses_given_up_total',
			'counter',
			'Statuses whose wamid stayed unknown (only counted in the tally).',
			[['', this.counters.lateGivenUp]],
		);
		metric('transactions_total', 'counter', 'Group-commit transactions.', [
			['', this.committer.stats.transactions],
		]);
		metric('forwarded_total', 'counter', 'Bodies forwarded to n8n.', [['', f?.forwarded ?? 0]]);
		metric(
			'forward_failures_total',
			'counter',
			'Failed forwards, by kind.',
			(['refused', 'server', 'network'] as const).map((k) => [
				`{kind="${k}"}`,
				f?.failures[k] ?? 0,
			]),
		);
		metric('resident_memory_bytes', 'gauge', 'Resident set size.', [
			['', process.memoryUsage().rss],
		]);
		answer(res, 200, lines.join('\n') + '\n', 'text/plain; version=0.0.4');
	}

	private async logLine(): Promise<void> {
		const depth = await this.depth();
		const now = Date.now();
		const seconds = Math.max(1, (now - this.lastLog.at) / 1000);
		const requests = this.counters.requests - this.lastLog.requests;
		const statuses = this.counters.statuses - this.lastLog.statuses;
		this.lastLog = { requests: this.counters.requests, statuses: this.counters.statuses, at: now };
		const f = this.forwarder?.stats;
		const oldest = depth?.oldestWaitingAt
			? `${Math.round((now - Date.parse(depth.oldestWaitingAt)) / 1000)} s`
			: '-';
		this.log(
			maskPhoneNumbers(
				`ingress: ${(requests / seconds).toFixed(1)} webhooks/s, ${(statuses / seconds).toFixed(1)} statuses/s; ` +
					`queued ${this.counters.queued}, forwarded ${f?.forwarded ?? 0}, waiting ${depth?.waiting ?? 'unknown (store unavailable)'} (oldest ${oldest}); ` +
					`forward failures refused ${f?.failures.refused ?? 0}, server ${f?.failures.server ?? 0}, network ${f?.failures.network ?? 0}; ` +
					`503s ${this.counters.storeFailures}; rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`,
			),
		);
	}

	private holdLate(statuses: DeliveryStatusUpdate[], round: number): void {
		const delays = this.options.lateDelaysMs ?? [2000, 15_000];
		if (statuses.length === 0) return;
		if (round >= delays.length) {
			this.counters.lateGivenUp += statuses.length;
			return;
		}
		this.late.push({ due: Date.now() + delays[round], round, statuses });
		this.lateHeld += statuses.length;
		while (this.lateHeld > MAX_LATE_STATUSES && this.late.length > 0) {
			const dropped = this.late.shift()!;
			this.lateHeld -= dropped.statuses.length;
			this.counters.lateGivenUp += dropped.statuses.length;
		}
	}

	/** Second look at statuses whose wamid was unknown: those known now move their rows forward. */
	private async reapplyLate(all = false): Promise<void> {
		if (this.lateBusy || this.late.length === 0) return;
		this.lateBusy = true;
		try {
			const now = Date.now();
			const due = this.late.filter((b) => all || b.due <= now);
			if (due.length === 0) return;
			this.late = this.late.filter((b) => !all && b.due > now);
			for (const batch of due) {
				this.lateHeld -= batch.statuses.length;
				let matched: DeliveryStatusUpdate[];
				try {
					matched = await this.options.store.outbox.reapplyStatuses(batch.statuses, new Date());
				} catch (error) {
					this.log(`ingress: cannot apply late statuses: ${maskPhoneNumbers(String(error))}`);
					this.holdLate(batch.statuses, batch.round + 1);
					continue;
				}
				this.counters.lateApplied += matched.length;
				const applied = new Set(matched);
				this.holdLate(
					batch.statuses.filter((u) => !applied.has(u)),
					batch.round + 1,
				);
			}
		} finally {
			this.lateBusy = false;
		}
	}

	private async prune(): Promise<void> {
		try {
			await this.options.store.outbox.prune(new Date(Date.now() - OUTBOX_RETENTION_MS));
		} catch (error) {
			this.log(`ingress: cannot prune forwarded rows: ${maskPhoneNumbers(String(error))}`);
		}
	}

	/** For tests and the benchmark. */
	get stats() {
		return {
			...this.counters,
			commit: this.committer.stats,
			forward: this.forwarder?.stats ?? null,
		};
	}
}
