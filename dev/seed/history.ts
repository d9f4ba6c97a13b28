/**
 * A year of made-up but plausible history in a WhatsUrp store, so the sandbox's dashboard has something
 * to show on first open: a few thousand citizens joining (and some leaving, one in a hundred erased) the
 * lists EMERGENZE and PUBBLICAUTILITA, an alert most weeks with WhatsApp's answers (accepted, delivered,
 * read, failed by code), questions and reports arriving mostly in office hours (Rimini's calendar),
 * answered or registered, and some still waiting at the end.
 *
 * Everything goes through the store's public methods (subscriptions, the broadcast ledger's begin, scan,
 * step and finish as the broadcast engine calls them, delivery statuses, cases), in the order of time,
 * so what is recorded is what the nodes would have recorded. Deterministic: one seeded PRNG, times from
 * `now` backwards; the same options give the same store. A store that has any subscription is left as
 * it is (it has a history of its own).
 */
import { DateTime } from 'luxon';

import { evaluateOfficeHours, RIMINI_CALENDAR } from '../../nodes/core/calendar';
import { messageHash } from '../../nodes/core/broadcast/engine';
import type { DeliveryOutcome } from '../../nodes/core/store/broadcastTypes';
import type { CaseRoute } from '../../nodes/core/conversation/types';
import type { CitizenIdentity, SubscriptionStore } from '../../nodes/core/store';

export interface SeedOptions {
	/** The history ends here (default: now). */
	now?: Date;
	/** How many days it covers, back from `now` (default 365). */
	days?: number;
	/** Citizens who ever subscribed (default 3000); about 70 % joined before the history's first day. */
	citizens?: number;
	/** Questions and reports per day on a working day, on average (default 6 and 4). */
	questionsPerDay?: number;
	reportsPerDay?: number;
	/** The PRNG's seed (default 2026). */
	seed?: number;
	/** Progress lines (default: none). */
	log?: (line: string) => void;
}

export interface SeedResult {
	seeded: boolean;
	/** Why nothing was written. */
	skipped?: string;
	citizens: number;
	/** Active subscriptions per list at the end. */
	active: Record<string, number>;
	/** Subscription requests never confirmed. */
	pendingNeverConfirmed: number;
	unsubscribed: number;
	erased: number;
	broadcasts: number;
	/** Recipients the broadcasts claimed; of them accepted (sent), failed, then delivered and read. */
	recipients: number;
	/** Recipients found no longer subscribed when their turn came (not messaged). */
	unsubscribedMidway: number;
	accepted: number;
	failed: number;
	delivered: number;
	read: number;
	questions: number;
	answered: number;
	answeredAsTemplate: number;
	unanswered: number;
	/** Questions still with the operators at the end. */
	openQuestions: number;
	reports: number;
	registered: number;
	toMailbox: number;
	/** Of those, not closed by the URP yet at the end. */
	mailboxWaiting: number;
	/** Reports received and routed nowhere at the end. */
	notRouted: number;
	outOfHours: number;
	milliseconds: number;
}

export const SEED_LISTS = ['EMERGENZE', 'PUBBLICAUTILITA'] as const;
const ZONE = 'Europe/Rome';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const POLICY = 'privacy-2024';
const SERVICES = ['buche', 'rifiuti', 'illuminazione', 'verde', 'segnaletica', 'animali'];
const SERVICE_WEIGHTS = [30, 28, 14, 12, 10, 6];
/** WhatsApp's codes a failed alert message most often gets, by weight. */
const FAILURE_CODES = [131026, 131049, 131047, 131000];
const FAILURE_WEIGHTS = [60, 25, 10, 5];
const PAGE = 500;

/** Mulberry32: small, fast, and the same numbers for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Random = () => number;

function pick<T>(random: Random, values: readonly T[], weights: readonly number[]): T {
	const total = weights.reduce((sum, w) => sum + w, 0);
	let at = random() * total;
	for (let i = 0; i < values.length; i++) {
		at -= weights[i];
		if (at < 0) return values[i];
	}
	return values[values.length - 1];
}

/** A Poisson count with mean `mean` (Knuth's method; the means here are small). */
function poisson(random: Random, mean: number): number {
	const limit = Math.exp(-mean);
	let k = 0;
	let p = random();
	while (p > limit) {
		k++;
		p *= random();
	}
	return k;
}

/** An event of the history, run in the order of time (then of insertion). */
interface HistoryEvent {
	at: number;
	order: number;
	run: () => Promise<void>;
}

const citizenOf = (index: number): CitizenIdentity => ({
	waId: `39300${String(index).padStart(7, '0')}`,
});

/** When a message arrives: mostly in office hours on working days, some in the evening or at night. */
function arrival(random: Random, day: DateTime): number {
	const roll = random();
	const hour =
		roll < 0.62
			? 9 + random() * (day.weekday === 2 || day.weekday === 4 ? 8 : 4)
			: roll < 0.9
				? 13 + random() * 9
				: random() * 9;
	return day.plus({ minutes: Math.floor(hour * 60) }).toMillis();
}

/**
 * Seeds the history into `store` (see the file comment). Returns what it wrote, or `seeded: false` with
 * the reason when the store already has subscriptions.
 */
export async function seedHistory(
	store: SubscriptionStore,
	options: SeedOptions = {},
): Promise<SeedResult> {
	const started = Date.now();
	const now = options.now ?? new Date();
	const days = options.days ?? 365;
	const citizens = options.citizens ?? 3000;
	const log = options.log ?? (() => undefined);
	const random = seededRandom(options.seed ?? 2026);
	const result: SeedResult = {
		seeded: false,
		citizens: 0,
		active: {},
		pendingNeverConfirmed: 0,
		unsubscribed: 0,
		erased: 0,
		broadcasts: 0,
		recipients: 0,
		unsubscribedMidway: 0,
		accepted: 0,
		failed: 0,
		delivered: 0,
		read: 0,
		questions: 0,
		answered: 0,
		answeredAsTemplate: 0,
		unanswered: 0,
		openQuestions: 0,
		reports: 0,
		registered: 0,
		toMailbox: 0,
		mailboxWaiting: 0,
		notRouted: 0,
		outOfHours: 0,
		milliseconds: 0,
	};
	if ((await store.count({})).length > 0) {
		return {
			...result,
			skipped: 'the store already has subscriptions',
			milliseconds: Date.now() - started,
		};
	}

	const end = now.getTime();
	const first = DateTime.fromMillis(end, { zone: ZONE }).minus({ days }).startOf('day');
	const start = first.toMillis();
	const events: HistoryEvent[] = [];
	const at = (time: number, run: () => Promise<void>) =>
		events.push({ at: time, order: events.length, run });
	let message = 0;
	const ctx = (time: number) => ({
		at: new Date(time),
		channel: 'whatsapp',
		messageId: `wamid.seed.${++message}`,
	});

	// Citizens: when they asked, which lists, whether they confirmed, left, came back or were erased.
	for (let index = 0; index < citizens; index++) {
		const who = citizenOf(index);
		const before = random() < 0.7;
		const joined = before
			? start - Math.floor(random() * 2 * 365 * DAY) - HOUR
			: start + Math.floor(random() ** 1.3 * (end - start - HOUR));
		const lists =
			random() < 0.55 ? [...SEED_LISTS] : random() < 0.85 ? ['EMERGENZE'] : ['PUBBLICAUTILITA'];
		result.citizens++;
		at(joined, async () => {
			await store.requestSubscription(who, lists, { ...ctx(joined), policyVersion: POLICY });
		});
		if (random() < 0.05) {
			result.pendingNeverConfirmed++;
			continue;
		}
		const consent = joined + Math.floor(2 * MINUTE + random() * 20 * MINUTE);
		at(consent, async () => {
			await store.confirmConsent(who, ctx(consent));
		});
		const fate = random();
		const leaveAt = consent + Math.floor(random() * (end - consent));
		if (leaveAt <= start || leaveAt >= end) continue;
		if (fate < 0.08) {
			const which: string[] | 'all' = lists.length > 1 && random() < 0.5 ? [lists[1]] : 'all';
			result.unsubscribed++;
			at(leaveAt, async () => {
				await store.unsubscribe(who, which, ctx(leaveAt));
			});
			if (random() < 0.15) {
				// came back a while later
				const back = leaveAt + Math.floor(random() * (end - leaveAt));
				if (back < end - 10 * MINUTE) {
					at(back, async () => {
						await store.requestSubscription(who, lists, { ...ctx(back), policyVersion: POLICY });
					});
					const again = back + 5 * MINUTE;
					at(again, async () => {
						await store.confirmConsent(who, ctx(again));
					});
				}
			}
		} else if (fate < 0.09) {
			result.erased++;
			at(leaveAt, async () => {
				await store.erase(who, ctx(leaveAt));
			});
		}
	}

	// Alerts: EMERGENZE most weeks on Tuesday at 10, PUBBLICAUTILITA every fourth week on Thursday at 11.
	let week = 0;
	for (
		let monday = first.startOf('week');
		monday.toMillis() < end;
		monday = monday.plus({ weeks: 1 })
	) {
		week++;
		const plan: Array<[string, DateTime]> = [];
		if (random() < 0.85) plan.push(['EMERGENZE', monday.plus({ days: 1, hours: 10 })]);
		if (week % 4 === 0) plan.push(['PUBBLICAUTILITA', monday.plus({ days: 3, hours: 11 })]);
		for (const [list, when] of plan) {
			const time = when.toMillis();
			if (time < start || time > end - HOUR) continue;
			const id = `storico-${list.toLowerCase()}-${when.toISODate()}`;
			const broadcastRandom = seededRandom(Math.floor(random() * 2 ** 32));
			at(time, () => sendBroadcast(store, result, id, list, time, broadcastRandom));
		}
	}

	// Questions and reports, day by day.
	for (let day = first; day.toMillis() < end; day = day.plus({ days: 1 })) {
		const quiet = day.weekday === 7 ? 0.25 : 1;
		const questions = poisson(random, (options.questionsPerDay ?? 6) * quiet);
		const reports = poisson(random, (options.reportsPerDay ?? 4) * quiet);
		for (let q = 0; q < questions; q++) {
			const time = arrival(random, day);
			if (time >= end) continue;
			planQuestion(
				store,
				result,
				at,
				random,
				time,
				end,
				citizenOf(Math.floor(random() * citizens)),
				ctx,
			);
		}
		for (let r = 0; r < reports; r++) {
			const time = arrival(random, day);
			if (time >= end) continue;
			planReport(
				store,
				result,
				at,
				random,
				time,
				end,
				citizenOf(Math.floor(random() * citizens)),
				ctx,
			);
		}
	}

	events.sort((a, b) => a.at - b.at || a.order - b.order);
	log(`Seeding ${events.length} events of ${days} days of history…`);
	let done = 0;
	for (const event of events) {
		await event.run();
		if (++done % 5000 === 0) log(`  ${done} / ${events.length}`);
	}
	for (const row of await store.count({ state: 'active' })) result.active[row.list] = row.count;
	return { ...result, seeded: true, milliseconds: Date.now() - started };
}

/** One alert as the broadcast engine records it: begin, pages of recipients claimed and answered, finish, statuses. */
async function sendBroadcast(
	store: SubscriptionStore,
	result: SeedResult,
	id: string,
	list: string,
	time: number,
	random: Random,
): Promise<void> {
	const message = {
		type: 'template',
		template: 'avviso_comune',
		language: 'it',
		body: [`Avviso ${id}`],
	};
	const begun = await store.broadcasts.begin({
		id,
		list,
		messageHash: messageHash(message),
		message,
		now: new Date(time),
	});
	const createdAt = begun.record.createdAt;
	let clock = time;
	let afterKey = '';
	let outcomes: DeliveryOutcome[] = [];
	const sent: string[] = [];
	for (;;) {
		// The ledger finds who left the list during an alert by the subscription's updated_at, which is
		// the real clock of the write, not the history's time: every citizen who ever left would look as
		// if they left during every later alert. The history has nobody leaving during an alert, so the
		// scan looks for active subscribers only (a `createdAt` after any write).
		const page = await store.broadcasts.scan({
			id,
			list,
			createdAt: '9999-12-31T00:00:00.000Z',
			afterKey,
			limit: PAGE,
		});
		clock += Math.max(1000, (page.length / 80) * 1000); // Meta's 80 messages a second
		const step = await store.broadcasts.step({
			id,
			runToken: begun.runToken,
			list,
			createdAt,
			now: new Date(clock),
			outcomes,
			claim: page,
			heartbeat: true,
		});
		result.unsubscribedMidway += step.unsubscribed.length;
		outcomes = step.claimed.map((candidate): DeliveryOutcome => {
			result.recipients++;
			if (random() < 0.025) {
				result.failed++;
				return {
					key: candidate.key,
					state: 'failed',
					errorCode: pick(random, FAILURE_CODES, FAILURE_WEIGHTS),
					attempts: 1,
				};
			}
			result.accepted++;
			const wamid = `wamid.seed.${id}.${sent.length}`;
			sent.push(wamid);
			return { key: candidate.key, state: 'sent', wamid, attempts: 1 };
		});
		if (page.length < PAGE) break;
		afterKey = page[page.length - 1].key;
	}
	if (outcomes.length > 0) {
		await store.broadcasts.step({
			id,
			runToken: begun.runToken,
			list,
			createdAt,
			now: new Date(clock),
			outcomes,
			claim: [],
			heartbeat: true,
		});
	}
	await store.broadcasts.finish({
		id,
		runToken: begun.runToken,
		state: 'completed',
		reason: null,
		now: new Date(clock),
	});
	result.broadcasts++;
	// Meta's statuses: most delivered within minutes, many read, a few failing after acceptance
	const updates = sent.flatMap((wamid) => {
		const roll = random();
		if (roll < 0.005) {
			result.failed++;
			return [{ wamid, status: 'failed', errorCode: 131026 }];
		}
		if (roll < 0.04) return [];
		result.delivered++;
		if (random() < 0.72) {
			result.read++;
			return [
				{ wamid, status: 'delivered' },
				{ wamid, status: 'read' },
			];
		}
		return [{ wamid, status: 'delivered' }];
	});
	for (let from = 0; from < updates.length; from += 1000) {
		await store.recordDeliveryStatuses(
			updates.slice(from, from + 1000),
			new Date(clock + 5 * MINUTE),
		);
	}
}

type Schedule = (time: number, run: () => Promise<void>) => void;
type Context = (time: number) => { at: Date; channel: string; messageId: string };

/** When the office next opens after `time` (Rimini's calendar); `time` itself when it is open. */
function officeTime(time: number): { open: boolean; next: number } {
	const verdict = evaluateOfficeHours(RIMINI_CALENDAR, new Date(time));
	return {
		open: verdict.open,
		next: verdict.open || verdict.nextOpening === null ? time : Date.parse(verdict.nextOpening),
	};
}

function planQuestion(
	store: SubscriptionStore,
	result: SeedResult,
	at: Schedule,
	random: Random,
	time: number,
	end: number,
	citizen: CitizenIdentity,
	ctx: Context,
): void {
	const office = officeTime(time);
	result.questions++;
	if (!office.open) result.outOfHours++;
	let caseId = 0;
	at(time, async () => {
		const opened = await store.conversations.openCase({
			citizen,
			kind: 'question',
			messageId: ctx(time).messageId,
			at: new Date(time),
			outOfHours: !office.open,
			route: 'operators',
		});
		caseId = opened.record.id;
	});
	// operators answer in office hours: a median of about an hour and a half after they see it
	const answerAt = office.next + Math.floor(-Math.log(1 - random()) * 130 * MINUTE);
	if (random() < 0.03) {
		const closeAt = time + 3 * DAY;
		if (closeAt < end) {
			result.unanswered++;
			at(closeAt, async () => {
				await store.conversations.updateCase(caseId, {
					state: 'closed',
					closedReason: 'unanswered',
					at: new Date(closeAt),
				});
			});
		} else result.openQuestions++;
		return;
	}
	// in the last two days one question in four is still with the operators, forgotten or hard
	if (answerAt >= end || (end - time < 2 * DAY && random() < 0.25)) {
		result.openQuestions++;
		return;
	}
	const template = answerAt - time > DAY;
	result.answered++;
	if (template) result.answeredAsTemplate++;
	at(answerAt, async () => {
		await store.conversations.updateCase(caseId, {
			state: 'answered',
			answeredHow: template ? 'template' : 'text',
			replyWamid: `wamid.seed.reply.${caseId}`,
			at: new Date(answerAt),
		});
	});
}

function planReport(
	store: SubscriptionStore,
	result: SeedResult,
	at: Schedule,
	random: Random,
	time: number,
	end: number,
	citizen: CitizenIdentity,
	ctx: Context,
): void {
	const office = officeTime(time);
	result.reports++;
	if (!office.open) result.outOfHours++;
	const recent = end - time < 2 * DAY;
	// a few of the last two days' reports wait to be routed; 7 % went to the mailbox (portal down)
	const route: CaseRoute | null =
		recent && random() < 0.15 ? null : random() < 0.07 ? 'urp_mailbox' : 'segnala';
	const service = pick(random, SERVICES, SERVICE_WEIGHTS);
	let caseId = 0;
	at(time, async () => {
		const opened = await store.conversations.openCase({
			citizen,
			kind: 'report',
			messageId: ctx(time).messageId,
			at: new Date(time),
			outOfHours: !office.open,
			...(route === null ? {} : { route }),
		});
		caseId = opened.record.id;
	});
	if (route === null) {
		result.notRouted++;
		return;
	}
	if (route === 'urp_mailbox') {
		// the portal was down: the URP registers it by hand and closes the case within a few days
		result.toMailbox++;
		const closeAt = office.next + Math.floor(random() * 4 * DAY);
		if (closeAt >= end) {
			result.mailboxWaiting++;
			return;
		}
		at(closeAt, async () => {
			await store.conversations.updateCase(caseId, {
				state: 'closed',
				closedReason: 'registered_by_hand',
				at: new Date(closeAt),
			});
		});
		return;
	}
	result.registered++;
	const registeredAt = time + Math.floor(5_000 + random() * 60_000);
	at(registeredAt, async () => {
		await store.conversations.updateCase(caseId, {
			state: 'registered',
			portalService: service,
			portalRequestId: `RN-${String(caseId).padStart(6, '0')}`,
			at: new Date(registeredAt),
		});
	});
}
