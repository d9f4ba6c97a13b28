/**
 * The list-command grammar: which whole WhatsApp messages are commands (subscribe, unsubscribe,
 * accept the policy) and which lists they name. Pure TypeScript, no n8n import.
 *
 * A message is a command only as a whole: the keyword must open it, and after the keyword come only
 * list names (subscribe/unsubscribe) or nothing (accept, opt-out synonyms). Emoji and punctuation
 * decorate and are ignored; spelling is folded (see normalise.ts).
 */
import { DEFAULT_COMMAND_CONFIG } from './defaults';
import { listKey } from '../lists';
import { compactKey, tokenise, type Token } from './normalise';
import type { CommandAction, CommandConfig, ListDefinition, ParsedCommand } from './types';

/** WhatsApp's limit for a text message; longer input is `other` without being read. */
export const MAX_COMMAND_TEXT_LENGTH = 4096;

/** Words between list names that join them: `#EMERGENZE e #PUBBLICAUTILITA`. */
export const LIST_CONNECTORS: readonly string[] = ['E', 'ED', 'AND'];

/** Words that name every list: `ISCRIZIONE OFF TUTTE`. */
export const ALL_LISTS_WORDS: readonly string[] = ['TUTTE', 'TUTTI', 'TUTTO'];

/** Longest word taken as an unknown list name; anything longer is not a list name but text. */
export const MAX_LIST_NAME_LENGTH = 40;

/**
 * A setting of the grammar is invalid; `field` names it (`subscribeKeyword`,
 * `lists[1].aliases[0]`).
 */
export class CommandConfigError extends Error {
	readonly field: string;

	constructor(field: string, message: string) {
		super(message);
		this.name = 'CommandConfigError';
		this.field = field;
	}
}

type CommandActionNotOther = Exclude<CommandAction, 'other'>;

interface CompiledKeyword {
	key: string;
	action: CommandActionNotOther;
	/** Whether list names may follow (subscribe, unsubscribe); accept and opt-out take none. */
	takesLists: boolean;
}

interface CompiledGrammar {
	/** Longest key first, so a keyword that extends another wins. */
	keywords: CompiledKeyword[];
	/** Folded name or alias → index of the list. */
	listKeys: Map<string, number>;
	maxListKeyLength: number;
	listNames: string[];
}

const compiledGrammars = new WeakMap<CommandConfig, CompiledGrammar>();

function show(value: unknown): string {
	if (typeof value === 'string')
		return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
	if (value === null || value === undefined) return String(value);
	return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}

/** A keyword or name as its folded key; throws when it is not a string or folds to nothing. */
function keyOf(value: unknown, field: string, what: string): string {
	if (typeof value !== 'string') {
		throw new CommandConfigError(field, `${what} must be text, got ${show(value)}`);
	}
	const key = compactKey(value);
	if (key === '') {
		throw new CommandConfigError(
			field,
			value.trim() === ''
				? `${what} is empty; enter a word`
				: `${what} ${show(value)} has no letters or digits; enter a word`,
		);
	}
	return key;
}

function arrayOf(value: unknown, field: string, what: string): unknown[] {
	if (!Array.isArray(value))
		throw new CommandConfigError(field, `${what} must be a list, got ${show(value)}`);
	return value;
}

function compileKeywords(config: CommandConfig): CompiledKeyword[] {
	const keywords: Array<CompiledKeyword & { shown: string }> = [];
	const add = (value: unknown, field: string, what: string, action: CommandActionNotOther) => {
		const key = keyOf(value, field, what);
		const clash = keywords.find((keyword) => keyword.key === key);
		if (clash && clash.action !== action) {
			throw new CommandConfigError(
				field,
				`${what} ${show(value)} is the same word as ${clash.shown}; a message cannot mean both, choose different words`,
			);
		}
		const takesLists = field === 'subscribeKeyword' || field === 'unsubscribeKeyword';
		keywords.push({ key, action, takesLists, shown: `the ${fieldName(field)} ${show(value)}` });
	};

	add(config.subscribeKeyword, 'subscribeKeyword', 'The subscribe keyword', 'subscribe');
	add(config.unsubscribeKeyword, 'unsubscribeKeyword', 'The unsubscribe keyword', 'unsubscribe');
	const accept = arrayOf(config.acceptKeywords, 'acceptKeywords', 'The accept keywords');
	if (accept.length === 0) {
		throw new CommandConfigError(
			'acceptKeywords',
			'No accept keyword is set; enter at least one, e.g. ACCETTO',
		);
	}
	accept.forEach((word, index) =>
		add(word, `acceptKeywords[${index}]`, `Accept keyword ${index + 1}`, 'acceptPolicy'),
	);
	arrayOf(config.optOutSynonyms, 'optOutSynonyms', 'The opt-out synonyms').forEach((word, index) =>
		add(word, `optOutSynonyms[${index}]`, `Opt-out synonym ${index + 1}`, 'unsubscribe'),
	);
	// An opt-out synonym equal to the unsubscribe keyword is harmless; keep the keyword's entry (it
	// takes lists).
	const unique = keywords.filter(
		(keyword, index) => keywords.findIndex((other) => other.key === keyword.key) === index,
	);
	return unique
		.map(({ key, action, takesLists }) => ({ key, action, takesLists }))
		.sort((a, b) => b.key.length - a.key.length);
}

function fieldName(field: string): string {
	if (field.startsWith('subscribe')) return 'subscribe keyword';
	if (field.startsWith('unsubscribe')) return 'unsubscribe keyword';
	if (field.startsWith('accept')) return 'accept keyword';
	return 'opt-out synonym';
}

const RESERVED_LIST_KEYS = new Set([...LIST_CONNECTORS, ...ALL_LISTS_WORDS]);
const FORBIDDEN_IN_LIST_NAME = /[#,;/&+|]/u;

function compileLists(
	config: CommandConfig,
): Pick<CompiledGrammar, 'listKeys' | 'maxListKeyLength' | 'listNames'> {
	const lists = arrayOf(config.lists, 'lists', 'The lists');
	if (lists.length === 0) {
		throw new CommandConfigError('lists', 'No list is set; add at least one, e.g. EMERGENZE');
	}
	const listKeys = new Map<string, number>();
	const listNames: string[] = [];
	const claim = (value: unknown, field: string, what: string, listIndex: number) => {
		const key = keyOf(value, field, what);
		if (FORBIDDEN_IN_LIST_NAME.test(value as string)) {
			throw new CommandConfigError(
				field,
				`${what} ${show(value)} contains one of # , ; / & + |, which separate lists in a message; leave them out`,
			);
		}
		if (RESERVED_LIST_KEYS.has(key)) {
			throw new CommandConfigError(
				field,
				`${what} ${show(value)} is a word that joins or means all lists (${[...RESERVED_LIST_KEYS].join(', ')}); choose another`,
			);
		}
		const owner = listKeys.get(key);
		if (owner !== undefined && owner !== listIndex) {
			throw new CommandConfigError(
				field,
				`${what} ${show(value)} already names the list ${show(listNames[owner])}; a spelling can belong to one list only`,
			);
		}
		listKeys.set(key, listIndex);
	};
	lists.forEach((entry, index) => {
		if (typeof entry !== 'object' || entry === null) {
			throw new CommandConfigError(
				`lists[${index}]`,
				`List ${index + 1} must be an object with a name, got ${show(entry)}`,
			);
		}
		const list = entry as Partial<ListDefinition>;
		const field = `lists[${index}]`;
		claim(list.name, `${field}.name`, `The name of list ${index + 1}`, index);
		// The canonical name (core/lists): what the Subscribers node stores and Broadcast resolves.
		listNames.push(listKey(list.name));
		arrayOf(list.aliases ?? [], `${field}.aliases`, `The aliases of list ${index + 1}`).forEach(
			(alias, aliasIndex) =>
				claim(
					alias,
					`${field}.aliases[${aliasIndex}]`,
					`Alias ${aliasIndex + 1} of list ${show(listNames[index])}`,
					index,
				),
		);
		if (list.display !== undefined && typeof list.display !== 'string') {
			throw new CommandConfigError(
				`${field}.display`,
				`The display name of list ${index + 1} must be text, got ${show(list.display)}`,
			);
		}
	});
	const maxListKeyLength = Math.max(...[...listKeys.keys()].map((key) => key.length));
	return { listKeys, maxListKeyLength, listNames };
}

function compile(config: CommandConfig): CompiledGrammar {
	if (typeof config !== 'object' || config === null) {
		throw new CommandConfigError(
			'config',
			`The command configuration must be an object, got ${show(config)}`,
		);
	}
	const cached = compiledGrammars.get(config);
	if (cached) return cached;
	const compiled: CompiledGrammar = { keywords: compileKeywords(config), ...compileLists(config) };
	const reportKeywords = arrayOf(config.reportKeywords, 'reportKeywords', 'The report keywords');
	reportKeywords.forEach((word, index) => {
		const field = `reportKeywords[${index}]`;
		keyOf(
			typeof word === 'string' ? word.replace(/\*$/u, '') : word,
			field,
			`Report keyword ${index + 1}`,
		);
		if ((word as string).slice(0, -1).includes('*')) {
			throw new CommandConfigError(
				field,
				`Report keyword ${index + 1} ${show(word)} has a * before its end; * may only end a word, e.g. segnal*`,
			);
		}
	});
	compiledGrammars.set(config, compiled);
	return compiled;
}

/**
 * Checks a configuration as staff set it; throws CommandConfigError naming the field at fault:
 * empty or wordless keywords, the same word for two meanings (subscribe = unsubscribe, `STOP` both
 * accept and opt-out), no accept keyword, no list, duplicate list names, an alias naming two lists,
 * list names with `#` or separators or equal to a connector word, report keywords with a `*`
 * inside.
 */
export function validateCommandConfig(config: CommandConfig): void {
	compile(config);
}

/** How replies name a list: its display name, else `#` + name. */
export function displayList(list: ListDefinition): string {
	const display = typeof list.display === 'string' ? list.display.trim() : '';
	return display !== '' ? display : `#${list.name.trim().replace(/^#+/u, '')}`;
}

/**
 * The valid lists in Italian, for replies: `#EMERGENZE e #PUBBLICAUTILITA'`; three or more:
 * `#EMERGENZE, #METEO e #PUBBLICAUTILITA'`.
 */
export function describeLists(config: CommandConfig = DEFAULT_COMMAND_CONFIG): string {
	const names = (Array.isArray(config?.lists) ? config.lists : []).map(displayList);
	if (names.length <= 1) return names.join('');
	return `${names.slice(0, -1).join(', ')} e ${names[names.length - 1]}`;
}

const other = (raw: string): ParsedCommand => ({
	action: 'other',
	lists: [],
	unknownLists: [],
	raw,
});

/**
 * Index just after the keyword when the message opens with it, else -1. Between its words any
 * spacing or none (`ISCRIZIONEON`), and list separators (`Sì, accetto`); a `#` is never part of a
 * keyword.
 */
function matchKeyword(tokens: Token[], key: string): number {
	let read = '';
	for (let index = 0; index < tokens.length; index++) {
		const token = tokens[index];
		if (token.kind === 'separator' && read !== '') continue;
		if (token.kind !== 'word') return -1;
		read += token.key;
		if (read === key) return index + 1;
		if (!key.startsWith(read)) return -1;
	}
	return -1;
}

/**
 * Longest run of words from `start` that spells a list; [list index, index after the run] or null.
 */
function matchList(
	tokens: Token[],
	start: number,
	grammar: CompiledGrammar,
): [number, number] | null {
	let read = '';
	let found: [number, number] | null = null;
	for (let index = start; index < tokens.length; index++) {
		const token = tokens[index];
		if (token.kind !== 'word') break;
		read += token.key;
		if (read.length > grammar.maxListKeyLength) break;
		const list = grammar.listKeys.get(read);
		if (list !== undefined) found = [list, index + 1];
	}
	return found;
}

/**
 * Reads the list part after subscribe/unsubscribe. Items are separated by `#`, `, ; / & + |` and
 * the words E, ED, AND; each word run is matched against list names and aliases, longest first. A
 * word that names no list is an unknown list, but two unknown words in a row are a sentence, not a
 * list: null (other).
 */
function readLists(
	tokens: Token[],
	start: number,
	grammar: CompiledGrammar,
	raw: string,
): ParsedCommand | null {
	const named = new Set<number>();
	const unknownLists: string[] = [];
	let all = false;
	let unknownRun = 0;
	for (let index = start; index < tokens.length; ) {
		const token = tokens[index];
		if (token.kind !== 'word') {
			unknownRun = 0;
			index++;
			continue;
		}
		const match = matchList(tokens, index, grammar);
		if (match) {
			named.add(match[0]);
			unknownRun = 0;
			index = match[1];
			continue;
		}
		index++;
		if (LIST_CONNECTORS.includes(token.key)) {
			unknownRun = 0;
		} else if (ALL_LISTS_WORDS.includes(token.key)) {
			all = true;
			unknownRun = 0;
		} else {
			unknownRun++;
			if (unknownRun > 1 || token.key.length > MAX_LIST_NAME_LENGTH) return null;
			if (!unknownLists.includes(token.typed)) unknownLists.push(token.typed);
		}
	}
	const everyList = all || (named.size === 0 && unknownLists.length === 0);
	const lists = grammar.listNames.filter((_, index) => everyList || named.has(index));
	return { action: 'other', lists, unknownLists, raw };
}

/**
 * Reads one WhatsApp message (or button id) as a command. Whole message only; never throws on the
 * text (non-strings are `other` with raw ''); throws CommandConfigError when the configuration is
 * invalid.
 */
export function parseCommand(
	text: string,
	config: CommandConfig = DEFAULT_COMMAND_CONFIG,
): ParsedCommand {
	const grammar = compile(config);
	const raw = typeof text === 'string' ? text : '';
	if (raw.length > MAX_COMMAND_TEXT_LENGTH) return other(raw);
	const tokens = tokenise(raw);
	for (const keyword of grammar.keywords) {
		const end = matchKeyword(tokens, keyword.key);
		if (end < 0) continue;
		if (!keyword.takesLists) {
			// Accept and opt-out: nothing may follow but punctuation and emoji.
			if (tokens.slice(end).some((token) => token.kind === 'word')) return other(raw);
			return {
				action: keyword.action,
				lists: keyword.action === 'unsubscribe' ? [...grammar.listNames] : [],
				unknownLists: [],
				raw,
			};
		}
		const lists = readLists(tokens, end, grammar, raw);
		return lists ? { ...lists, action: keyword.action } : other(raw);
	}
	return other(raw);
}
