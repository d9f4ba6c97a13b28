/**
 * Alert lists as one concept: how every node and the store spell a list's name, which lists a
 * broadcast may go to, and which lists need a second person's approval. Pure TypeScript, no n8n
 * import.
 *
 * A list's canonical name (its key) is its name folded exactly as the command grammar folds what a
 * citizen types (core/shared/normalise.ts): upper case, no accents, no apostrophes, no `#`, no
 * spaces or punctuation between words, Cyrillic and Greek look-alikes mapped to Latin. So
 * `#PUBBLICAUTILITA'`, `pubblica utilità` and `PUBBLICAUTILITA` are the list `PUBBLICAUTILITA`, the
 * name the Command node gives the Subscribers node and the store keys subscriptions by.
 */
import { compactKey } from '../shared/normalise';

/** Longer text is not a list name (the store's limit); its key is ''. */
export const MAX_LIST_TEXT_LENGTH = 256;

/** The canonical name of a list; '' when the text names none (blank, only symbols, not text). */
export function listKey(name: unknown): string {
	if (typeof name !== 'string' || name.length > MAX_LIST_TEXT_LENGTH) return '';
	return compactKey(name);
}

/**
 * Lists as staff or an expression write them in one text field, separated by commas, semicolons or
 * new lines (`#EMERGENZE, PUBBLICAUTILITA'`) → canonical names, in order, without repeats or blanks.
 */
export function listKeys(text: unknown): string[] {
	if (typeof text !== 'string') return [];
	const keys = text.split(/[,;\n\r]/u).map(listKey);
	return [...new Set(keys.filter((key) => key !== ''))];
}

/** How texts for staff and citizens name a list: `#EMERGENZE`. */
export function hashtag(list: string): string {
	return `#${list}`;
}

/** The names in Italian: `#EMERGENZE e #PUBBLICAUTILITA`, `#A, #B e #C`; `nessuna` when empty. */
export function italianListOfLists(lists: readonly string[]): string {
	const names = lists.map(hashtag);
	if (names.length === 0) return 'nessuna';
	if (names.length === 1) return names[0];
	return `${names.slice(0, -1).join(', ')} e ${names[names.length - 1]}`;
}

/**
 * A broadcast names a list that does not exist: no subscription row has ever named it and it is not
 * among the lists the workflow defines. `existing` are the lists that do, sorted; `hintIt` says so
 * to staff in Italian.
 */
export class UnknownListError extends Error {
	readonly requested: string;
	readonly existing: string[];
	readonly hintIt: string;

	constructor(requested: string, existing: string[]) {
		const shown = requested.length > 60 ? `${requested.slice(0, 57)}...` : requested;
		super(
			existing.length === 0
				? `No list "${shown}": nobody is subscribed to it and no list is defined`
				: `No list "${shown}": nobody is subscribed to it and it is not defined; the lists are ${existing.join(', ')}`,
		);
		this.name = 'UnknownListError';
		this.requested = requested;
		this.existing = existing;
		this.hintIt =
			existing.length === 0
				? `La lista «${shown}» non esiste: nessuno è iscritto e nessuna lista è definita. Aggiungere la lista come descritto nel README («Adding a list»).`
				: `La lista «${shown}» non esiste: nessuno è iscritto e non è tra le liste definite. Le liste esistenti sono ${italianListOfLists(existing)}.`;
	}
}

/**
 * The list a broadcast goes to, resolved as the Command node resolves what a citizen types: the
 * requested name's key, if a subscription row names that key (`subscribed`, as the store holds
 * them) or the workflow defines it (`defined`, any spelling). Otherwise UnknownListError naming the
 * lists that exist: a broadcast to a misspelt list would silently reach nobody.
 */
export function resolveBroadcastList(
	requested: unknown,
	known: { subscribed: readonly string[]; defined: readonly string[] },
): string {
	const key = listKey(requested);
	const existing = new Set<string>();
	for (const list of [...known.subscribed, ...known.defined]) {
		const one = listKey(list);
		if (one !== '') existing.add(one);
	}
	if (key !== '' && existing.has(key)) {
		// Rows written before lists had one spelling may hold another one (`PUBBLICAUTILITA'`): the
		// broadcast goes to the rows' spelling when no row holds the canonical name.
		if (known.subscribed.includes(key)) return key;
		return known.subscribed.find((list) => listKey(list) === key) ?? key;
	}
	throw new UnknownListError(
		typeof requested === 'string' ? requested.trim() : String(requested),
		[...existing].sort(),
	);
}

/** Whether a list needs a second person's approval: one of `approvalLists` (any spelling). */
export function needsApproval(list: unknown, approvalLists: unknown): boolean {
	const key = listKey(list);
	return key !== '' && listKeys(approvalLists).includes(key);
}
