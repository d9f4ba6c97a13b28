import { type CommandConfig, type ListDefinition } from '../core/commands';

/**
 * The node's parameters as n8n hands them over (comma-separated words; fixedCollections are
 * optional objects).
 */
export interface CommandParameters {
	subscribeKeyword: string;
	unsubscribeKeyword: string;
	acceptKeywords: string;
	optOut: boolean;
	optOutSynonyms: string;
	lists: { list?: Array<{ name?: string; aliases?: string; display?: string }> };
	reportKeywords: string;
}

/** `ACCETTO, accept_policy` → ['ACCETTO', 'accept_policy']; blanks dropped. */
export function splitWords(value: unknown): string[] {
	if (typeof value !== 'string') return [];
	return value
		.split(',')
		.map((word) => word.trim())
		.filter((word) => word !== '');
}

/** Staff naturally type list names as hashtags: `#EMERGENZE` is the list `EMERGENZE`. */
function listWord(value: unknown): string {
	return String(value ?? '')
		.trim()
		.replace(/^#+/u, '')
		.trim();
}

function toLists(lists: CommandParameters['lists']['list'] = []): ListDefinition[] {
	return lists.map((list) => {
		const result: ListDefinition = {
			name: listWord(list.name),
			aliases: splitWords(list.aliases).map(listWord),
		};
		const display = String(list.display ?? '').trim();
		if (display !== '') result.display = display;
		return result;
	});
}

/**
 * Maps the node's parameters to the grammar's configuration. Folding, matching and validation are
 * the grammar's (nodes/core/commands).
 */
export function toCommandConfig(parameters: CommandParameters): CommandConfig {
	return {
		subscribeKeyword: String(parameters.subscribeKeyword ?? ''),
		unsubscribeKeyword: String(parameters.unsubscribeKeyword ?? ''),
		acceptKeywords: splitWords(parameters.acceptKeywords),
		optOutSynonyms: parameters.optOut === false ? [] : splitWords(parameters.optOutSynonyms),
		lists: toLists(parameters.lists?.list),
		reportKeywords: splitWords(parameters.reportKeywords),
	};
}

/** Which parameter a grammar error points at, in the words of the editor. */
export function parameterLabel(field: string): string {
	if (field.startsWith('subscribeKeyword')) return 'Subscribe Keyword';
	if (field.startsWith('unsubscribeKeyword')) return 'Unsubscribe Keyword';
	if (field.startsWith('acceptKeywords')) return 'Accept Keywords';
	if (field.startsWith('optOutSynonyms')) return 'Opt-Out Words';
	if (field.startsWith('lists')) return 'Lists';
	if (field.startsWith('reportKeywords')) return 'Report Keywords';
	return 'Lists';
}
