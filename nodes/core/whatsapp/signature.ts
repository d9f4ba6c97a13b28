/**
 * Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with
 * the app secret>`. Meta signs the bytes it sends (JSON with non-ASCII escaped as \uXXXX), so the check
 * must run on the raw request body, never on JSON re-serialised after parsing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The HTTP header Meta puts the signature in (lower case, as Node exposes headers). */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_PATTERN = /^sha256=([0-9a-f]{64})$/i;

/** Why a signature was refused. */
export type SignatureFailure = 'missing' | 'malformed' | 'mismatch' | 'noSecret';

/** Result of {@link verifySignature}. */
export type SignatureCheck = { valid: true } | { valid: false; reason: SignatureFailure };

/** `'sha256=' + hex HMAC-SHA256(appSecret, rawBody)`, the value Meta sends in `X-Hub-Signature-256`. */
export function computeSignature(rawBody: Buffer | string, appSecret: string): string {
	return 'sha256=' + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

function pickHeader(header: unknown): string | undefined {
	// A repeated header may reach us as an array: the first value counts.
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string') return undefined;
	const trimmed = value.trim();
	return trimmed === '' ? undefined : trimmed;
}

/**
 * Checks `X-Hub-Signature-256` against the raw body with a timing-safe comparison. Never throws:
 * `noSecret` when no app secret is configured, `missing` without a header, `malformed` when it is not
 * `sha256=` followed by 64 hex digits (prefix and digits are case-insensitive), `mismatch` otherwise.
 */
export function verifySignature(
	rawBody: Buffer,
	header: string | string[] | undefined,
	appSecret: string,
): SignatureCheck {
	if (typeof appSecret !== 'string' || appSecret === '')
		return { valid: false, reason: 'noSecret' };
	const value = pickHeader(header);
	if (value === undefined) return { valid: false, reason: 'missing' };
	const match = SIGNATURE_PATTERN.exec(value);
	if (!match) return { valid: false, reason: 'malformed' };
	if (!Buffer.isBuffer(rawBody) && typeof rawBody !== 'string') {
		return { valid: false, reason: 'mismatch' };
	}
	const received = Buffer.from(match[1].toLowerCase(), 'hex');
	const expected = createHmac('sha256', appSecret).update(rawBody).digest();
	if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
		return { valid: false, reason: 'mismatch' };
	}
	return { valid: true };
}
