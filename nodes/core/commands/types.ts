/** Shapes of the list-command grammar (whatsUrpCommand). Pure types. */

export type CommandAction = 'subscribe' | 'unsubscribe' | 'acceptPolicy' | 'other';

/** One alert list as staff configure it: canonical name plus accepted spellings. */
export interface ListDefinition {
	/** Canonical name, as stored and shown: `EMERGENZE`, `PUBBLICAUTILITA`. */
	name: string;
	/** Other spellings a citizen may type (`PUBBLICA UTILITA`, `PUBBLICAUTILITÀ`, …). */
	aliases: string[];
	/** How replies name the list (`#PUBBLICAUTILITA'`); `#` + name when absent. */
	display?: string;
}

export interface CommandConfig {
	subscribeKeyword: string;
	unsubscribeKeyword: string;
	/** Words (and button ids) that accept the policy: `ACCETTO`, `accept_policy`. */
	acceptKeywords: string[];
	/** Whole-message synonyms of the unsubscribe keyword (`STOP`, `CANCELLAMI`); empty when disabled. */
	optOutSynonyms: string[];
	lists: ListDefinition[];
	/** Italian words that make an `other` message a report (`buca`, `lampione`, …). */
	reportKeywords: string[];
}

export interface ParsedCommand {
	action: CommandAction;
	/** Canonical names of the lists the command names; every list when the command names none. */
	lists: string[];
	/** What the citizen typed after `#` (or as a list) that matches no list, as typed (trimmed). */
	unknownLists: string[];
	/** The text the grammar read, unchanged. */
	raw: string;
}

export type Intent = 'report' | 'question';
