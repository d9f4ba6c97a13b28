/** List-command grammar of WhatsUrp (whatsUrpCommand): pure TypeScript, no n8n imports. */
export type { CommandAction, CommandConfig, Intent, ListDefinition, ParsedCommand } from './types';
export {
	DEFAULT_ACCEPT_KEYWORDS,
	DEFAULT_COMMAND_CONFIG,
	DEFAULT_LISTS,
	DEFAULT_OPT_OUT_SYNONYMS,
	DEFAULT_REPORT_KEYWORDS,
	DEFAULT_SUBSCRIBE_KEYWORD,
	DEFAULT_UNSUBSCRIBE_KEYWORD,
} from './defaults';
export {
	ALL_LISTS_WORDS,
	CommandConfigError,
	describeLists,
	displayList,
	LIST_CONNECTORS,
	MAX_COMMAND_TEXT_LENGTH,
	MAX_LIST_NAME_LENGTH,
	parseCommand,
	validateCommandConfig,
} from './grammar';
export { classifyIntent, italianStem, type IntentInput } from './intent';
export {
	compactKey,
	CONFUSABLES,
	foldText,
	foldWord,
	foldWords,
	LIST_SEPARATORS,
	prepareText,
	tokenise,
	type Token,
} from './normalise';
