/** Small text checks every area needs (ids typed by staff, texts from Meta). */

/** C0/C1 control characters and line/paragraph separators. */
export function isControlCharacter(codePoint: number): boolean {
	return (
		codePoint <= 0x1f ||
		(codePoint >= 0x7f && codePoint <= 0x9f) ||
		codePoint === 0x2028 ||
		codePoint === 0x2029
	);
}

/**
 * A WhatsApp id fit for logs: country code (first 2 digits) and last 4 kept, the rest starred —
 * `393331234567` → `39******4567`. Ids of 6 characters or fewer are starred entirely.
 */
export function maskWaId(waId: string | null | undefined): string {
	const text = typeof waId === 'string' ? waId.trim() : '';
	if (text.length <= 6) return '*'.repeat(text.length);
	return `${text.slice(0, 2)}${'*'.repeat(text.length - 6)}${text.slice(-4)}`;
}
