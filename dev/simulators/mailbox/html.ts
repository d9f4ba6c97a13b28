/**
 * Small HTML helpers for hostile input: escaping for the page, and reading the links of a mail's HTML
 * without a DOM (a tokenizer good enough for mail bodies, not a full HTML5 parser).
 */
import type { MailAddress } from './types';

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
	'`': '&#96;',
};

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
	return String(value ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

const NAMED_ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: '\u00a0',
	sol: '/',
	colon: ':',
	quest: '?',
	equals: '=',
	num: '#',
	percnt: '%',
	period: '.',
	comma: ',',
	Tab: '\t',
	NewLine: '\n',
};

function codePoint(value: number): string {
	if (
		!Number.isFinite(value) ||
		value <= 0 ||
		value > 0x10ffff ||
		(value >= 0xd800 && value <= 0xdfff)
	)
		return '\ufffd';
	return String.fromCodePoint(value);
}

/** Decodes character references (&amp; &#38; &#x26;, and the common named ones); others stay. */
export function decodeEntities(value: string): string {
	return value.replace(
		/&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z]{2,8}));/g,
		(all, dec, hex, name) => {
			if (dec !== undefined) return codePoint(Number.parseInt(dec as string, 10));
			if (hex !== undefined) return codePoint(Number.parseInt(hex as string, 16));
			return NAMED_ENTITIES[name as string] ?? all;
		},
	);
}

const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

/** Attributes of a start tag's inside (after the tag name), first occurrence wins as in browsers. */
function attributes(inside: string): Map<string, string> {
	const found = new Map<string, string>();
	for (const match of inside.matchAll(ATTRIBUTE)) {
		const name = match[1].toLowerCase();
		if (!found.has(name)) found.set(name, match[2] ?? match[3] ?? match[4] ?? '');
	}
	return found;
}

/**
 * The href of every <a> and <area> of the HTML, in document order, entities decoded and surrounding
 * whitespace removed (as a browser does). Comments, scripts and styles are skipped.
 */
export function extractLinks(html: string | null | undefined): string[] {
	if (!html) return [];
	const visible = html
		.replace(/<!--[\s\S]*?(?:-->|$)/g, '')
		.replace(/<(script|style|textarea|title)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, '');
	const links: string[] = [];
	for (const tag of visible.matchAll(/<(a|area)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>/gi)) {
		const href = attributes(tag[2]).get('href');
		if (href !== undefined) links.push(decodeEntities(href).trim());
	}
	return links;
}

/**
 * The mail's HTML as the mailbox serves it: `cid:` references resolved (to the attachments' URLs) and
 * a `<base target="_blank">` first in the head, so that a link without a target (n8n's buttons have
 * one) opens n8n in a new tab instead of inside the sandboxed iframe, where its pages could not run.
 */
export function prepareMailHtml(
	html: string,
	resolveCid: (cid: string) => string | undefined,
): string {
	const resolved = html.replace(/\bcid:([^'"\s>)]+)/gi, (all, cid: string) => {
		let wanted = cid;
		try {
			wanted = decodeURIComponent(cid);
		} catch {
			// keep it as written
		}
		return resolveCid(wanted) ?? all;
	});
	const base = '<base target="_blank">';
	for (const opening of [/<head(?=[\s>])[^>]*>/i, /<html(?=[\s>])[^>]*>/i, /<!doctype[^>]*>/i]) {
		const match = opening.exec(resolved);
		if (match) {
			const at = match.index + match[0].length;
			return `${resolved.slice(0, at)}${base}${resolved.slice(at)}`;
		}
	}
	return base + resolved;
}

/** Whether a link may be rendered clickable on the page (http, https or mailto). */
export function isSafeLink(href: string): boolean {
	// Browsers ignore control characters and spaces around and inside the scheme ("java\tscript:").
	const compact = Array.from(href)
		.filter((c) => c.charCodeAt(0) > 0x20)
		.join('');
	return /^(https?:\/\/|mailto:)/i.test(compact);
}

/** "Nome <indirizzo>" (or just the address) for each address, comma separated. */
export function formatAddresses(addresses: MailAddress[]): string {
	return addresses
		.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address))
		.filter((a) => a !== '')
		.join(', ');
}

/** Cuts long text (huge subjects) for lists; the page shows the whole text in the detail. */
export function shorten(value: string, max: number): string {
	const chars = Array.from(value);
	return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}
