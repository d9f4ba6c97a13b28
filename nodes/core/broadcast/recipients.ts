/**
 * Who a broadcast run sends to next: the subscribers read from the ledger a page at a time, in key
 * order, and the recipients waiting to be tried again. Due retries go before the rest.
 */
import type { BroadcastLedger } from '../store/broadcastLedger';
import type { Candidate } from '../store/broadcastTypes';

/** The broadcast whose subscribers are read. */
export interface RecipientScope {
	id: string;
	list: string;
	/** the broadcast's creation: who left the list after it is read too, to be recorded as unsubscribed */
	createdAt: string;
}

export class RecipientQueue {
	/** read from the ledger, not claimed yet */
	private waiting: Candidate[] = [];
	/** the last key read: the next page starts after it */
	private readAfter = '';
	/** the last page was short: the list holds nobody more */
	private readAll = false;
	/** to be tried again at `dueAt`, in the order they were scheduled */
	private readonly retries: Array<{ candidate: Candidate; dueAt: number }> = [];

	constructor(
		private readonly ledger: Pick<BroadcastLedger, 'scan'>,
		private readonly scope: RecipientScope,
		private readonly pageSize: number,
	) {}

	/** Reads the next page of subscribers when fewer than a page are waiting; true when it read one. */
	async readAhead(): Promise<boolean> {
		if (this.readAll || this.waiting.length >= this.pageSize) return false;
		const page = await this.ledger.scan({
			...this.scope,
			afterKey: this.readAfter,
			limit: this.pageSize,
		});
		if (page.length > 0) this.readAfter = page[page.length - 1].key;
		this.readAll = page.length < this.pageSize;
		this.waiting = this.waiting.length === 0 ? page : this.waiting.concat(page);
		return true;
	}

	/** Up to `budget` recipients to send now: the retries due at `now` first, then those waiting. */
	take(now: number, budget: number): Candidate[] {
		const ready: Candidate[] = [];
		for (let i = 0; i < this.retries.length && ready.length < budget; ) {
			if (this.retries[i].dueAt <= now) {
				ready.push(this.retries[i].candidate);
				this.retries.splice(i, 1);
			} else i += 1;
		}
		while (ready.length < budget && this.waiting.length > 0) ready.push(this.waiting.shift()!);
		return ready;
	}

	retryAt(candidate: Candidate, dueAt: number): void {
		this.retries.push({ candidate, dueAt });
	}

	/** When the earliest retry is due; Infinity when none is scheduled. */
	nextRetryAt(): number {
		let next = Number.POSITIVE_INFINITY;
		for (const retry of this.retries) next = Math.min(next, retry.dueAt);
		return next;
	}

	/** Subscribers read and not taken yet (retries aside). */
	get hasWaiting(): boolean {
		return this.waiting.length > 0;
	}

	/** Everyone read and taken, and no retry scheduled. */
	get exhausted(): boolean {
		return this.waiting.length === 0 && this.readAll && this.retries.length === 0;
	}
}
