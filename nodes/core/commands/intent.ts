/**
 * What a message that is not a command is about: a report (segnalazione: a pothole, a broken street
 * light, abandoned waste…) or a question. Pure TypeScript, no n8n import.
 */
import { DEFAULT_REPORT_KEYWORDS } from './defaults';
import { MAX_COMMAND_TEXT_LENGTH } from './grammar';
import { foldWords } from './normalise';
import type { Intent } from './types';

export interface IntentInput {
	text?: string;
	/** Meta's message type: text, image, video, location, sticker, … */
	type?: string;
	hasLocation?: boolean;
	hasMedia?: boolean;
	/** The media's kind (`image`, `video`) or MIME type (`image/jpeg`). */
	mediaType?: string;
}

/**
 * Only the start of a very long text is searched for report keywords (WhatsApp's limit is 4,096).
 */
const MAX_SEARCHED_LENGTH = MAX_COMMAND_TEXT_LENGTH;

interface ReportKeyword {
	/** Folded words; the last one is a prefix when `prefix`. */
	words: string[];
	prefix: boolean;
}

/**
 * Folds Italian inflection at the end of a word so singular and plural, masculine and feminine
 * compare equal: the final vowel goes, then an `H` or `I` after `C`/`G` (`BUCHE` → `BUC` = `BUCA` →
 * `BUC`; `SPIAGGIA` → `SPIAGG` = `SPIAGGE`; `LAMPIONI` → `LAMPION`). Words of fewer than four
 * letters are kept whole.
 */
export function italianStem(word: string): string {
	if (word.length < 4) return word;
	let stem = /[AEIOU]$/u.test(word) ? word.slice(0, -1) : word;
	if (/[CG][HI]$/u.test(stem)) stem = stem.slice(0, -1);
	return stem;
}

function compileReportKeywords(keywords: readonly unknown[]): ReportKeyword[] {
	const compiled: ReportKeyword[] = [];
	for (const keyword of keywords) {
		if (typeof keyword !== 'string') continue;
		const trimmed = keyword.trim();
		const prefix = trimmed.endsWith('*');
		const words = foldWords(prefix ? trimmed.slice(0, -1) : trimmed);
		if (words.length > 0) compiled.push({ words, prefix });
	}
	return compiled;
}

function wordMatches(word: string, keyword: string, prefix: boolean): boolean {
	return prefix ? word.startsWith(keyword) : italianStem(word) === italianStem(keyword);
}

function containsKeyword(words: string[], keyword: ReportKeyword): boolean {
	const last = keyword.words.length - 1;
	for (let start = 0; start + last < words.length; start++) {
		let matches = true;
		for (let offset = 0; offset <= last && matches; offset++) {
			matches = wordMatches(
				words[start + offset],
				keyword.words[offset],
				keyword.prefix && offset === last,
			);
		}
		if (matches) return true;
	}
	return false;
}

/** Whether the media is a photo or a video (a sticker is an image to Meta, but never a report). */
function isPhotoOrVideo(input: IntentInput): boolean {
	if (input.type === 'sticker') return false;
	if (input.type === 'image' || input.type === 'video') return true;
	if (!input.hasMedia) return false;
	const kind = String(input.mediaType ?? '').toLowerCase();
	return (
		kind === 'image' || kind === 'video' || kind.startsWith('image/') || kind.startsWith('video/')
	);
}

/**
 * `report` when the message carries a location, a photo or a video, or its text contains a report
 * keyword (whole word with Italian endings folded, or a prefix for keywords ending in `*`); else
 * `question`. Never throws.
 */
export function classifyIntent(
	input: IntentInput,
	reportKeywords: readonly string[] = DEFAULT_REPORT_KEYWORDS,
): Intent {
	const message: IntentInput = typeof input === 'object' && input !== null ? input : {};
	if (message.hasLocation || message.type === 'location') return 'report';
	if (isPhotoOrVideo(message)) return 'report';
	if (typeof message.text !== 'string' || message.text === '') return 'question';
	const words = foldWords(message.text.slice(0, MAX_SEARCHED_LENGTH));
	if (words.length === 0) return 'question';
	const keywords = compileReportKeywords(Array.isArray(reportKeywords) ? reportKeywords : []);
	return keywords.some((keyword) => containsKeyword(words, keyword)) ? 'report' : 'question';
}
