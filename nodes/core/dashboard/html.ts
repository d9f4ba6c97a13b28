/** Text into HTML and SVG: every value the page or the email shows goes through `escapeHtml`. */

const ENTITIES: Readonly<Record<string, string>> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
};

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/gu;

/** `&`, `<`, `>` and both quotes as entities: safe in element content and in quoted attributes. */
export function escapeHtml(value: unknown): string {
	const text = value === null || value === undefined ? '' : String(value);
	// control characters other than tab and new lines have no place in a page (and break XML/SVG)
	return text.replace(/[&<>"']/gu, (c) => ENTITIES[c]).replace(CONTROL, '');
}
