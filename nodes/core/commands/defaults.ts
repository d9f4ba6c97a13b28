/** Rimini's defaults for the command grammar: the keywords and lists the URP publishes. */
import type { CommandConfig, ListDefinition } from './types';

/** Freezes a default so no caller changes it for the others (the grammar caches per config object). */
function frozen<T extends object>(value: T): T {
	return Object.freeze(value);
}

export const DEFAULT_SUBSCRIBE_KEYWORD = 'ISCRIZIONE ON';
export const DEFAULT_UNSUBSCRIBE_KEYWORD = 'ISCRIZIONE OFF';
/** `accept_policy` is the id of the "Accetto" reply button the workflow sends with the policy. */
export const DEFAULT_ACCEPT_KEYWORDS: readonly string[] = frozen(['ACCETTO', 'accept_policy']);
export const DEFAULT_OPT_OUT_SYNONYMS: readonly string[] = frozen(['STOP', 'CANCELLAMI']);

export const DEFAULT_LISTS: readonly ListDefinition[] = frozen([
	frozen({ name: 'EMERGENZE', aliases: frozen(['EMERGENZA']), display: '#EMERGENZE' }),
	frozen({
		name: 'PUBBLICAUTILITA',
		aliases: frozen([
			'PUBBLICA UTILITA',
			'PUBBLICA UTILITÀ',
			"PUBBLICAUTILITA'",
			'PUBBLICAUTILITÀ',
			'UTILITA',
		]),
		display: "#PUBBLICAUTILITA'",
	}),
]);

/**
 * Words that make a non-command message a report (segnalazione) rather than a question. A word
 * matches whole, with Italian endings folded (`buca` matches `buche` and `buco`, `lampione` matches
 * `lampioni`, `rotto` matches `rotta`); a trailing `*` makes it a prefix (`segnal*` matches
 * `segnalazione`, `segnalare`, `segnalo`). Plain prefixes are not the default because they misfire:
 * `rotta` would catch `rottamazione` (a tax question), `alber` would catch `albergo`.
 */
export const DEFAULT_REPORT_KEYWORDS: readonly string[] = frozen([
	'buca',
	'voragine',
	'asfalto',
	'dissesto',
	'marciapiede',
	'tombino',
	'fogna',
	'allag*',
	'perdita',
	'lampione',
	'illuminazione',
	'semaforo',
	'segnal*',
	'rifiuti',
	'spazzatura',
	'immondizia',
	'cassonetto',
	'abbandon*',
	'discarica',
	'albero',
	'ramo',
	'graffiti',
	'vandal*',
	'degrado',
	'guasto',
	'rotto',
	'danneggiat*',
	'pericol*',
	'croll*',
	'amianto',
	'siringa',
]);

/** The grammar's configuration with Rimini's defaults; frozen throughout, copy it to change it. */
export const DEFAULT_COMMAND_CONFIG: Readonly<CommandConfig> = frozen({
	subscribeKeyword: DEFAULT_SUBSCRIBE_KEYWORD,
	unsubscribeKeyword: DEFAULT_UNSUBSCRIBE_KEYWORD,
	acceptKeywords: frozen([...DEFAULT_ACCEPT_KEYWORDS]),
	optOutSynonyms: frozen([...DEFAULT_OPT_OUT_SYNONYMS]),
	lists: frozen([...DEFAULT_LISTS]) as ListDefinition[],
	reportKeywords: frozen([...DEFAULT_REPORT_KEYWORDS]),
});
