/**
 * Text folding for the command grammar: turns what a citizen typed (or pasted from another app)
 * into words that compare equal however they were spelled. Pure TypeScript, linear in the text's
 * length, no backtracking regular expressions over the whole message.
 *
 * Folding, in order:
 * 1. `´` (U+00B4) becomes `'` first: NFKC would otherwise turn it into a space and an accent.
 * 2. NFKC: fullwidth letters (`ＩＳＣＲＩＺＩＯＮＥ`), "fancy text" letters (𝐀, Ⓐ), ligatures, `…` → `...`.
 * 3. Invisible characters are removed (not turned into spaces): zero-width space/joiners, BOM,
 *    word joiner, soft hyphen, LTR/RTL marks and embeddings (every Unicode "format" character),
 *    variation selectors, the keycap mark. `ISCRI\u200BZIONE` is `ISCRIZIONE`.
 * 4. Emoji (pictographs, skin tones, flags) become spaces: they decorate, they never spell a word.
 * 5. Words are runs of letters, digits, combining marks and apostrophes; whitespace (NBSP included)
 *    and any other punctuation or symbol separate words; `#` and the list separators `, ; / & + |`
 *    are kept as tokens for the list part of a command.
 * 6. Each word is upper-cased, decomposed (NFD) and stripped of accents (`À` → `A`), stripped of
 *    apostrophes (`'` `’` `‘` `´` `` ` `` `ʼ` …: `PUBBLICAUTILITA'` = `PUBBLICAUTILITA`), and
 *    Cyrillic and Greek capitals that look like Latin ones are mapped to Latin (see CONFUSABLES).
 */

/** Apostrophes and look-alikes; removed from words. */
const APOSTROPHES =
	/['`\u00B4\u02B9\u02BB\u02BC\u02BD\u02CA\u02CB\u2018\u2019\u201B\u2032\u2035\uFF07\uFF40]/gu;
const APOSTROPHE =
	/^['`\u00B4\u02B9\u02BB\u02BC\u02BD\u02CA\u02CB\u2018\u2019\u201B\u2032\u2035\uFF07\uFF40]$/u;

/**
 * Unicode format characters (Cf: ZWSP, ZWNJ, ZWJ, BOM, LRM/RLM, bidi controls, soft hyphen, tags),
 * variation selectors, keycap.
 */
const INVISIBLE = /[\p{Cf}\uFE00-\uFE0F\u20E3\u{E0100}-\u{E01EF}]/gu;

/** Emoji: pictographs (also ©, ™, ‼), skin-tone modifiers, regional-indicator letters of flags. */
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u{1F1E6}-\u{1F1FF}]/gu;

const COMBINING_MARKS = /\p{M}/gu;
const WORD_CHARACTER = /^[\p{L}\p{N}\p{M}]$/u;

/** Characters that separate the lists a command names (besides `#` and the connector words). */
export const LIST_SEPARATORS = ',;/&+|';

/**
 * Cyrillic and Greek capitals that look like Latin capitals. Citizens paste texts from other apps
 * and keyboards (a Russian or Ukrainian keyboard layout, a Greek one, an autocorrect), and
 * `ISCRIZIОNE` with a Cyrillic `О` looks right to them and to staff; without this table it would
 * silently be `Other`. Lower-case look-alikes are covered because words are upper-cased before the
 * lookup (`о` → `О` → `O`). Deliberately small: letters that look alike in capitals in common
 * fonts, nothing more.
 */
export const CONFUSABLES: Readonly<Record<string, string>> = {
	// Cyrillic
	'\u0410': 'A', // А
	'\u0412': 'B', // В
	'\u0415': 'E', // Е
	'\u0405': 'S', // Ѕ
	'\u0406': 'I', // І
	'\u0408': 'J', // Ј
	'\u041A': 'K', // К
	'\u041C': 'M', // М
	'\u041D': 'H', // Н
	'\u041E': 'O', // О
	'\u0420': 'P', // Р
	'\u0421': 'C', // С
	'\u0422': 'T', // Т
	'\u0423': 'Y', // У
	'\u0425': 'X', // Х
	'\u04C0': 'I', // Ӏ (palochka)
	'\u051A': 'Q', // Ԛ
	'\u051C': 'W', // Ԝ
	// Greek
	'\u0391': 'A', // Α
	'\u0392': 'B', // Β
	'\u0395': 'E', // Ε
	'\u0396': 'Z', // Ζ
	'\u0397': 'H', // Η
	'\u0399': 'I', // Ι
	'\u039A': 'K', // Κ
	'\u039C': 'M', // Μ
	'\u039D': 'N', // Ν
	'\u039F': 'O', // Ο
	'\u03A1': 'P', // Ρ
	'\u03A4': 'T', // Τ
	'\u03A5': 'Y', // Υ
	'\u03A7': 'X', // Χ
};

export type Token =
	| {
			kind: 'word';
			/** As typed (after NFKC and removal of invisibles). */ typed: string;
			/** Folded. */ key: string;
	  }
	| { kind: 'hash' }
	| { kind: 'separator' };

/** Steps 1–4: the text as typed, minus what never carries meaning. Case and accents are kept. */
export function prepareText(text: string): string {
	return text
		.replace(/\u00B4/gu, "'")
		.normalize('NFKC')
		.replace(INVISIBLE, '')
		.replace(EMOJI, ' ');
}

/** Step 6 for one word: upper case, no accents, no apostrophes, confusables mapped to Latin. */
export function foldWord(word: string): string {
	const plain = word
		.toUpperCase()
		.normalize('NFD')
		.replace(COMBINING_MARKS, '')
		.replace(APOSTROPHES, '');
	let folded = '';
	for (const character of plain) folded += CONFUSABLES[character] ?? character;
	return folded;
}

/**
 * Splits a text into words, `#` and list separators (steps 1–6). Never throws; non-strings give [].
 */
export function tokenise(text: unknown): Token[] {
	if (typeof text !== 'string' || text === '') return [];
	const tokens: Token[] = [];
	let word = '';
	const endWord = () => {
		if (word === '') return;
		const key = foldWord(word);
		if (key !== '') tokens.push({ kind: 'word', typed: word, key });
		word = '';
	};
	for (const character of prepareText(text)) {
		if (WORD_CHARACTER.test(character) || APOSTROPHE.test(character)) {
			word += character;
			continue;
		}
		endWord();
		if (character === '#') tokens.push({ kind: 'hash' });
		else if (LIST_SEPARATORS.includes(character)) tokens.push({ kind: 'separator' });
		// Whitespace and any other punctuation or symbol only end the word.
	}
	endWord();
	return tokens;
}

/** The folded words of a text, without `#` and separators. */
export function foldWords(text: unknown): string[] {
	const words: string[] = [];
	for (const token of tokenise(text)) if (token.kind === 'word') words.push(token.key);
	return words;
}

/** The folded words joined by one space: `  iscrizione\u00A0On  ` → `ISCRIZIONE ON`. */
export function foldText(text: unknown): string {
	return foldWords(text).join(' ');
}

/**
 * The folded words joined without spaces: how keywords, list names and aliases are compared, so
 * `PUBBLICA UTILITÀ`, `pubblica-utilita` and `PUBBLICAUTILITA'` are one key.
 */
export function compactKey(text: unknown): string {
	return foldWords(text).join('');
}
