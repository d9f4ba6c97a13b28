/**
 * Texts staff edit are plain text with `{placeholders}`: `Sei già iscritto a {liste}.` This fills them.
 * No expression language, nothing evaluated: a placeholder is a name of letters, digits and `_` between
 * braces; a known name is replaced by its value, an unknown one is left as written (so a typo shows in the
 * message instead of vanishing), and a value is never scanned again (a citizen's `{numero}` stays text).
 */

export type PlaceholderValue = string | number | boolean | null | undefined;
export type PlaceholderValues = Readonly<Record<string, PlaceholderValue>>;

const NAME = /^[\p{L}\p{N}_]{1,64}$/u;

/** The placeholders a text uses, in order of first use. */
export function placeholdersIn(template: string): string[] {
	const names: string[] = [];
	for (const match of template.matchAll(/\{([^{}\s]{1,64})\}/gu)) {
		if (NAME.test(match[1]) && !names.includes(match[1])) names.push(match[1]);
	}
	return names;
}

/** Replaces each `{name}` whose name is an own key of `values`; null/undefined become ''. */
export function fillPlaceholders(template: string, values: PlaceholderValues): string {
	return String(template ?? '').replace(/\{([^{}\s]{1,64})\}/gu, (whole, name: string) => {
		if (!NAME.test(name) || !Object.hasOwn(values, name)) return whole;
		const value = values[name];
		return value === null || value === undefined ? '' : String(value);
	});
}

/** `#EMERGENZE e #PUBBLICAUTILITA'`: list names as a citizen reads them. */
export function listsForText(lists: readonly string[], joiner = ' e '): string {
	return lists.map((list) => `#${list}`).join(joiner);
}
