/**
 * The `placeholders` the WhatsUrp nodes add to an item for the replies after them (`{pratica}`,
 * `{liste}`, …), and the filling of staff's texts from an item. What a node adds goes on top of what
 * earlier nodes put in `placeholders`; messagePlaceholders reads them back (they win over the message's).
 */
import type { ParsedCommand } from '../commands/types';
import type { CommandOperation, CommandSummary } from '../shared/commandOutcome';
import { ConversationInputError, isTimeZone } from './inbound';
import {
	fillPlaceholders,
	listsForText,
	messagePlaceholders,
	positionText,
	type MessageContext,
	type PlaceholderValue,
} from './placeholders';
import type { AssembledReport } from './types';

export type Placeholders = Record<string, PlaceholderValue>;

/** `{nome}, {mittente}, …`: the placeholders every message gives (messagePlaceholders), for the editor. */
export const MESSAGE_PLACEHOLDER_LIST = Object.keys(messagePlaceholders({}))
	.map((name) => `{${name}}`)
	.join(', ');

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `{ ...earlier, ...added }`: the item's `placeholders` (kept as they are when an object; ignored
 * when anything else) with this node's on top.
 */
export function withPlaceholders(earlier: unknown, added: Placeholders): Record<string, unknown> {
	return { ...(isRecord(earlier) ? earlier : {}), ...added };
}

/**
 * A report's placeholders: {pratica} the case number, {servizio} the portal service, {descrizione}
 * what goes to the portal, {foto} how many photos, {posizione} coordinates and map link, {luogo} the
 * place the position named.
 */
export function reportPlaceholders(caseId: number, report: AssembledReport): Placeholders {
	return {
		pratica: caseId,
		servizio: report.service,
		descrizione: report.description,
		foto: report.photos.length,
		posizione: positionText(report.latitude, report.longitude),
		luogo: report.place,
	};
}

/**
 * The lists a subscription command's reply is about: a request → the lists waiting for the policy
 * (the active ones when every list named was already active); consent, unsubscribe and import → the
 * lists the command changed.
 */
export function subscriptionReplyLists(
	operation: CommandOperation,
	summary: Pick<CommandSummary, 'outcome' | 'activeLists' | 'pendingLists' | 'changedLists'>,
): string[] {
	if (operation === 'requestSubscription') {
		return summary.outcome === 'alreadyActive' ? summary.activeLists : summary.pendingLists;
	}
	return summary.changedLists;
}

/** {liste}: the lists the subscription command's reply is about, `#EMERGENZE e #PUBBLICAUTILITA`. */
export function subscriptionPlaceholders(
	operation: CommandOperation,
	summary: Pick<CommandSummary, 'outcome' | 'activeLists' | 'pendingLists' | 'changedLists'>,
): Placeholders {
	return { liste: listsForText(subscriptionReplyLists(operation, summary)) };
}

/**
 * The command node's placeholders: {liste} the lists the citizen named that do not exist (`#A, #B`),
 * {liste_disponibili} the valid lists as replies name them.
 */
export function commandPlaceholders(
	command: Pick<ParsedCommand, 'unknownLists'>,
	validLists: string,
): Placeholders {
	return {
		liste: listsForText(command.unknownLists, ', '),
		liste_disponibili: validLists,
	};
}

/** Fills `{placeholders}` of a text from an item: the message's and the item's own `placeholders`. */
export function fillForItem(template: string, item: unknown, timeZone = 'Europe/Rome'): string {
	return fillPlaceholders(
		template,
		messagePlaceholders((isRecord(item) ? item : {}) as MessageContext, timeZone),
	);
}

/** One row of "Fill Texts": the output field and its template. */
export interface TextRow {
	name?: unknown;
	template?: unknown;
	/**
	 * The text is the message of n8n's Send and Wait email, which n8n puts into HTML: the values are
	 * escaped for it (see {@link escapeForSendAndWait}), the template not.
	 */
	html?: unknown;
}

/** `&`, `<`, `>` and quotes as HTML entities, so a citizen's words cannot become markup. */
export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

/**
 * A value for the message of n8n's Send and Wait email. n8n 2.41 first DECODES the entities of that
 * message (its helper named escapeHtml turns `&lt;` back into `<`), then puts it into the email's HTML
 * as it is. So the value is escaped twice: n8n's decoding removes one layer, the HTML keeps the other,
 * and `<script>` reaches the operator as text.
 */
export function escapeForSendAndWait(text: string): string {
	return escapeHtml(escapeHtml(text));
}

/** Output field names that would change the item's prototype instead of adding a field. */
const FORBIDDEN_FIELDS = new Set(['__proto__']);

/**
 * Each row's template filled from the item, as [field, text] in the rows' order. Every template sees
 * the same values (the item as it came in). ConversationInputError for a row without a field name
 * and for an unknown time zone.
 */
export function fillTexts(
	rows: readonly TextRow[],
	item: unknown,
	timeZone = 'Europe/Rome',
): Array<[string, string]> {
	if (!isTimeZone(timeZone)) {
		throw new ConversationInputError(
			'timezone',
			`Unknown time zone "${String(timeZone)}"`,
			"Imposta «Time Zone» con un fuso orario IANA, per esempio Europe/Rome.",
		);
	}
	const values = messagePlaceholders((isRecord(item) ? item : {}) as MessageContext, timeZone);
	return rows.map((row, index) => {
		const name = typeof row.name === 'string' ? row.name.trim() : '';
		if (name === '' || FORBIDDEN_FIELDS.has(name)) {
			throw new ConversationInputError(
				'texts',
				`Text ${index + 1} has ${name === '' ? 'no' : 'an unusable'} output field name`,
				"Dai a ogni riga di «Texts» il nome del campo da scrivere, per esempio replyText.",
			);
		}
		const template =
			typeof row.template === 'string' || typeof row.template === 'number'
				? String(row.template)
				: '';
		if (row.html !== true) return [name, fillPlaceholders(template, values)];
		const escaped = Object.fromEntries(
			Object.entries(values).map(([key, value]) => [key, escapeForSendAndWait(value)]),
		);
		return [name, fillPlaceholders(template, escaped)];
	});
}
