/**
 * Group commit: the writes of many requests go to the store in one transaction. A request's write
 * waits while a transaction is in flight; when it ends, everything that waited goes in the next one
 * (up to `maxStatuses` statuses per transaction). Each request is answered after its own transaction
 * committed — never before — and a failed transaction fails every request in it (each answers 503 and
 * Meta delivers it again).
 */
import type { DeliveryStatusUpdate } from '../shared/deliveryStatus';
import type { IngestOutcome, OutboxEntry } from '../store/outbox';

/** What the committer writes with: the store's outbox `ingest` (one transaction). */
export type IngestFunction = (
	statuses: DeliveryStatusUpdate[],
	entries: OutboxEntry[],
	now: Date,
) => Promise<IngestOutcome>;

export interface GroupWrite {
	statuses: DeliveryStatusUpdate[];
	entry: OutboxEntry | null;
}

/** What became of one request's write. */
export interface GroupWriteResult {
	/** Whether its body was queued (false: a redelivery already queued; null: no body). */
	queued: boolean | null;
	/** Requests in the same transaction (itself included). */
	batchRequests: number;
}

interface Pending {
	write: GroupWrite;
	resolve: (result: GroupWriteResult) => void;
	reject: (error: unknown) => void;
}

export interface GroupCommitStats {
	transactions: number;
	requests: number;
	statuses: number;
	entries: number;
	failedTransactions: number;
	largestBatch: number;
}

export class GroupCommitter {
	private waiting: Pending[] = [];
	private inFlight = 0;
	private scheduled = false;
	private readonly idle: Array<() => void> = [];
	readonly stats: GroupCommitStats = {
		transactions: 0,
		requests: 0,
		statuses: 0,
		entries: 0,
		failedTransactions: 0,
		largestBatch: 0,
	};

	/**
	 * @param ingest the store's one-transaction write
	 * @param maxStatuses most statuses per transaction (a request is never split)
	 * @param parallel transactions at once (1 on SQLite, which has one writer; a few on PostgreSQL)
	 */
	constructor(
		private readonly ingest: IngestFunction,
		private readonly maxStatuses = 5000,
		private readonly parallel = 1,
		private readonly now: () => Date = () => new Date(),
	) {}

	/** Resolves once the write is committed; rejects when its transaction failed. */
	submit(write: GroupWrite): Promise<GroupWriteResult> {
		return new Promise((resolve, reject) => {
			this.waiting.push({ write, resolve, reject });
			// after the requests already read in this turn of the event loop, so they share the transaction
			if (!this.scheduled) {
				this.scheduled = true;
				setImmediate(() => {
					this.scheduled = false;
					this.pump();
				});
			}
		});
	}

	/** Writes waiting or in flight. */
	get pending(): number {
		return this.waiting.length + this.inFlight;
	}

	/** Resolves when nothing waits and no transaction is in flight (for a graceful shutdown). */
	async drain(): Promise<void> {
		if (this.waiting.length === 0 && this.inFlight === 0) return;
		await new Promise<void>((resolve) => this.idle.push(resolve));
	}

	private pump(): void {
		while (this.inFlight < this.parallel && this.waiting.length > 0) {
			const batch: Pending[] = [];
			let statuses = 0;
			while (this.waiting.length > 0) {
				const next = this.waiting[0];
				if (batch.length > 0 && statuses + next.write.statuses.length > this.maxStatuses) break;
				batch.push(this.waiting.shift()!);
				statuses += next.write.statuses.length;
			}
			this.inFlight += 1;
			void this.commit(batch).finally(() => {
				this.inFlight -= 1;
				if (this.waiting.length > 0) this.pump();
				else if (this.inFlight === 0) this.idle.splice(0).forEach((resolve) => resolve());
			});
		}
	}

	private async commit(batch: Pending[]): Promise<void> {
		const statuses = batch.flatMap((p) => p.write.statuses);
		const entries: OutboxEntry[] = [];
		const slot: number[] = [];
		for (const pending of batch) {
			if (pending.write.entry === null) {
				slot.push(-1);
				continue;
			}
			// two requests of one batch may carry the same body (a quick redelivery): queue it once
			const same = entries.findIndex((e) => e.wamid === pending.write.entry!.wamid);
			if (same >= 0) {
				slot.push(-2 - same);
				continue;
			}
			slot.push(entries.length);
			entries.push(pending.write.entry);
		}
		let outcome: IngestOutcome;
		try {
			outcome = await this.ingest(statuses, entries, this.now());
		} catch (error) {
			this.stats.failedTransactions += 1;
			for (const pending of batch) pending.reject(error);
			return;
		}
		this.stats.transactions += 1;
		this.stats.requests += batch.length;
		this.stats.statuses += statuses.length;
		this.stats.entries += entries.length;
		this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
		batch.forEach((pending, index) => {
			const at = slot[index];
			const queued = at === -1 ? null : at >= 0 ? outcome.queued[at] === true : false;
			pending.resolve({ queued, batchRequests: batch.length });
		});
	}
}
