/**
 * What each Cloud API answer means for a broadcast (decideAnswer): Meta's real answers and error
 * envelopes (HTTP status + body, as the transport hands them over: JSON text) and hostile ones.
 * Sources: Meta's error-code reference for the Cloud API, the Graph API's access-token errors.
 */
import { decideAnswer, type AnswerAction, type SendAnswer } from '../../../nodes/core/broadcast';

const WAMID = 'wamid.HBgMMzkzMzMxMjM0NTY3FQIAERgSQzVGRjg3RDlGQjE0RTNBQzQ4AA==';

/** Meta's Graph error envelope. */
function metaError(
	code: number,
	message: string,
	extra: { subcode?: number; details?: string; type?: string } = {},
): string {
	return JSON.stringify({
		error: {
			message,
			type: extra.type ?? 'OAuthException',
			code,
			...(extra.subcode === undefined ? {} : { error_subcode: extra.subcode }),
			...(extra.details === undefined
				? {}
				: { error_data: { messaging_product: 'whatsapp', details: extra.details } }),
			fbtrace_id: 'AazVv1YrWJ3rkUtgDdF2WXZ',
		},
	});
}

const SUCCESS = JSON.stringify({
	messaging_product: 'whatsapp',
	contacts: [{ input: '+39 333 123 4567', wa_id: '393331234567' }],
	messages: [{ id: WAMID, message_status: 'accepted' }],
});

const HTML_503 =
	'<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>';

type Expected =
	| { action: 'sent'; wamid: string }
	| { action: 'throttle'; code: number | null }
	| { action: 'pairWait'; code: number }
	| { action: 'backoff'; code: number | null }
	| { action: 'abort'; code: number | null; hint: RegExp; message?: RegExp }
	| { action: 'failed'; code: number | null; invalidRequest: boolean };

const TABLE: Array<[string, SendAnswer | undefined, Expected]> = [
	[
		'200 success (template, message_status accepted)',
		{ status: 200, body: SUCCESS },
		{ action: 'sent', wamid: WAMID },
	],
	[
		'200 success as a parsed object, text message (no message_status)',
		{
			status: 200,
			body: {
				messaging_product: 'whatsapp',
				contacts: [{ input: '393331234567', wa_id: '393331234567' }],
				messages: [{ id: WAMID }],
			},
		},
		{ action: 'sent', wamid: WAMID },
	],
	[
		'200 success as a Buffer',
		{ status: 200, body: Buffer.from(SUCCESS) },
		{ action: 'sent', wamid: WAMID },
	],
	['201 success', { status: 201, body: SUCCESS }, { action: 'sent', wamid: WAMID }],
	[
		'400 / 130429 throughput',
		{
			status: 400,
			body: metaError(130429, '(#130429) Rate limit hit', {
				subcode: 2494055,
				details: 'Cloud API message throughput has been reached.',
			}),
		},
		{ action: 'throttle', code: 130429 },
	],
	['429 without a body', { status: 429, body: '' }, { action: 'throttle', code: null }],
	[
		'400 / 4 application request limit',
		{ status: 400, body: metaError(4, '(#4) Application request limit reached') },
		{ action: 'throttle', code: 4 },
	],
	[
		'400 / 80007 WABA rate limit',
		{ status: 400, body: metaError(80007, '(#80007) Rate limit issues') },
		{ action: 'throttle', code: 80007 },
	],
	[
		'400 / 131056 pair rate',
		{
			status: 400,
			body: metaError(
				131056,
				'(#131056) (Business Account, Consumer Account) pair rate limit hit',
				{
					details:
						'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
				},
			),
		},
		{ action: 'pairWait', code: 131056 },
	],
	[
		'400 / 131056 with the code as a string',
		{ status: 400, body: JSON.stringify({ error: { message: 'pair rate', code: '131056' } }) },
		{ action: 'pairWait', code: 131056 },
	],
	['500 without a body', { status: 500, body: '' }, { action: 'backoff', code: null }],
	['502 without a body', { status: 502, body: undefined }, { action: 'backoff', code: null }],
	[
		'500 / 131000 something went wrong',
		{
			status: 500,
			body: metaError(131000, '(#131000) Something went wrong', {
				details: 'Message failed to send due to an unknown error.',
			}),
		},
		{ action: 'backoff', code: 131000 },
	],
	['503 HTML page of a proxy', { status: 503, body: HTML_503 }, { action: 'backoff', code: null }],
	[
		'503 / 131016 service unavailable',
		{
			status: 503,
			body: metaError(131016, '(#131016) Service unavailable', {
				details: 'A service is temporarily unavailable.',
			}),
		},
		{ action: 'backoff', code: 131016 },
	],
	[
		'500 / 131016 (status as the error table lists it)',
		{ status: 500, body: metaError(131016, '(#131016) Service unavailable') },
		{ action: 'backoff', code: 131016 },
	],
	[
		'503 / 2 API service',
		{
			status: 503,
			body: metaError(2, 'An unexpected error has occurred. Please retry your request later.'),
		},
		{ action: 'backoff', code: 2 },
	],
	[
		'200 carrying an error envelope 131000',
		{ status: 200, body: metaError(131000, '(#131000) Something went wrong') },
		{ action: 'backoff', code: 131000 },
	],
	[
		'502 with an unknown code',
		{ status: 502, body: metaError(987654, 'Bad gateway') },
		{ action: 'backoff', code: 987654 },
	],
	[
		'401 / 190 expired token',
		{
			status: 401,
			body: metaError(
				190,
				'Error validating access token: Session has expired on Tuesday, 01-Apr-25 10:00:00 PDT. The current time is Tuesday, 01-Apr-25 10:05:00 PDT.',
				{ subcode: 463 },
			),
		},
		{ action: 'abort', code: 190, hint: /token/i, message: /190.*Session has expired/ },
	],
	[
		'401 / 190 invalid token (simulator shape)',
		{ status: 401, body: metaError(190, 'Invalid OAuth access token - Cannot parse access token') },
		{ action: 'abort', code: 190, hint: /credenziale/ },
	],
	[
		'401 without a body',
		{ status: 401, body: '' },
		{ action: 'abort', code: null, hint: /token/i },
	],
	[
		'400 / 368 temporarily blocked',
		{
			status: 400,
			body: metaError(368, '(#368) Temporarily blocked for policies violations', {
				details: 'The account is temporarily blocked for policy violations.',
			}),
		},
		{ action: 'abort', code: 368, hint: /bloccato/ },
	],
	[
		'400 / 131031 account locked',
		{
			status: 400,
			body: metaError(131031, '(#131031) Business Account locked', {
				details: 'Account has been locked.',
			}),
		},
		{ action: 'abort', code: 131031, hint: /bloccato/ },
	],
	[
		'400 / 131048 spam rate limit',
		{
			status: 400,
			body: metaError(131048, '(#131048) Spam rate limit hit', {
				details:
					'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
			}),
		},
		{ action: 'abort', code: 131048, hint: /segnalati|qualità/ },
	],
	[
		'403 / 10 permission denied',
		{
			status: 403,
			body: metaError(10, '(#10) Application does not have permission for this action'),
		},
		{ action: 'abort', code: 10, hint: /permessi/ },
	],
	[
		'400 / 131026 undeliverable',
		{
			status: 400,
			body: metaError(131026, '(#131026) Message Undeliverable', {
				details: 'Message Undeliverable.',
			}),
		},
		{ action: 'failed', code: 131026, invalidRequest: false },
	],
	[
		'400 / 131049 ecosystem engagement',
		{
			status: 400,
			body: metaError(
				131049,
				'(#131049) This message was not delivered to maintain healthy ecosystem engagement.',
			),
		},
		{ action: 'failed', code: 131049, invalidRequest: false },
	],
	[
		'400 / 131050 stopped marketing messages',
		{
			status: 400,
			body: metaError(
				131050,
				'(#131050) Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
			),
		},
		{ action: 'failed', code: 131050, invalidRequest: false },
	],
	[
		'400 / 131047 re-engagement (outside the 24 h window)',
		{
			status: 400,
			body: metaError(131047, '(#131047) Re-engagement message', {
				details:
					'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
			}),
		},
		{ action: 'failed', code: 131047, invalidRequest: false },
	],
	[
		'400 / 132001 template does not exist',
		{
			status: 400,
			body: metaError(132001, '(#132001) Template name does not exist in the translation', {
				details: 'template name (avviso_emergenza) does not exist in it',
			}),
		},
		{ action: 'failed', code: 132001, invalidRequest: true },
	],
	[
		'400 / 100 invalid parameter',
		{
			status: 400,
			body: metaError(100, '(#100) Invalid parameter', { details: 'Parameter value is not valid' }),
		},
		{ action: 'failed', code: 100, invalidRequest: true },
	],
	[
		'400 / 132000 parameter count mismatch',
		{
			status: 400,
			body: metaError(
				132000,
				'(#132000) Number of parameters does not match the expected number of params',
			),
		},
		{ action: 'failed', code: 132000, invalidRequest: true },
	],
	[
		'400 with an unknown code',
		{ status: 400, body: metaError(999999, '(#999999) Something new') },
		{ action: 'failed', code: 999999, invalidRequest: false },
	],
	// hostile or broken answers
	['network error (no answer)', undefined, { action: 'backoff', code: null }],
	[
		'huge non-JSON 500 body',
		{ status: 500, body: 'x'.repeat(1_000_000) },
		{ action: 'backoff', code: null },
	],
	[
		'huge non-JSON 200 body',
		{ status: 200, body: '<'.repeat(1_000_000) },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'huge JSON cut by the transport (64 KB)',
		{ status: 200, body: SUCCESS.slice(0, 40) + ' '.repeat(65_000) },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'200 non-JSON "OK"',
		{ status: 200, body: 'OK' },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'200 empty body',
		{ status: 200, body: '' },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'400 {"error":"x"}',
		{ status: 400, body: '{"error":"x"}' },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'200 {"error":"x"}',
		{ status: 200, body: { error: 'x' } },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	['500 {"error":"x"}', { status: 500, body: { error: 'x' } }, { action: 'backoff', code: null }],
	[
		'200 without messages[0].id',
		{
			status: 200,
			body: {
				messaging_product: 'whatsapp',
				contacts: [{ input: '393331234567', wa_id: '393331234567' }],
				messages: [],
			},
		},
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'200 with messages[0].id empty',
		{ status: 200, body: { messages: [{ id: '   ' }] } },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'200 with messages[0].id a number',
		{ status: 200, body: { messages: [{ id: 12345 }] } },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'200 with messages an object',
		{ status: 200, body: { messages: { id: WAMID } } },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'200 JSON array',
		{ status: 200, body: '[1,2,3]' },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'200 JSON null',
		{ status: 200, body: 'null' },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'400 JSON number',
		{ status: 400, body: 42 },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'400 error with a non-numeric code',
		{ status: 400, body: { error: { message: 'x', code: 'DROP TABLE' } } },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'status not a number',
		{ status: Number.NaN, body: SUCCESS },
		{ action: 'failed', code: null, invalidRequest: false },
	],
	[
		'status 302 redirect page',
		{ status: 302, body: '<a href="https://evil.example">moved</a>' },
		{ action: 'failed', code: null, invalidRequest: false },
	],
];

describe('decideAnswer', () => {
	test.each(TABLE)('%s', (_name, answer, expected) => {
		const decision: AnswerAction = decideAnswer(answer);
		const { hint, message, ...fields } = expected as Expected & { hint?: RegExp; message?: RegExp };
		expect(decision).toMatchObject(fields);
		if (decision.action === 'abort') {
			expect(decision.hintIt).toMatch(hint!);
			if (message) expect(decision.message).toMatch(message);
			expect(decision.message.length).toBeGreaterThan(0);
		}
	});

	test('every Meta code the issue names lands on its action', () => {
		const actionOf = (code: number, status = 400) =>
			decideAnswer({ status, body: metaError(code, `(#${code}) x`) }).action;
		expect([190, 368, 131031, 131048].map((c) => actionOf(c))).toEqual([
			'abort',
			'abort',
			'abort',
			'abort',
		]);
		expect([131026, 131049, 131050, 131047].map((c) => actionOf(c))).toEqual([
			'failed',
			'failed',
			'failed',
			'failed',
		]);
		expect([131000, 131016].map((c) => actionOf(c, 500))).toEqual(['backoff', 'backoff']);
		expect(actionOf(130429)).toBe('throttle');
		expect(actionOf(131056)).toBe('pairWait');
	});

	test('a hostile error message is cut to one line of printable text', () => {
		const evil = `(#190) token\n\u001b[31mFAKE LOG LINE\r\n${'A'.repeat(100_000)}`;
		const decision = decideAnswer({ status: 401, body: metaError(190, evil) });
		expect(decision.action).toBe('abort');
		if (decision.action !== 'abort') return;
		expect(
			[...decision.message].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
		).toBe(false);
		expect(decision.message.length).toBeLessThanOrEqual(1000);
	});

	test('a body that cannot be serialised (circular) does not throw', () => {
		const circular: Record<string, unknown> = { messages: [] };
		circular.self = circular;
		expect(decideAnswer({ status: 400, body: circular })).toMatchObject({
			action: 'failed',
			code: null,
		});
		expect(decideAnswer({ status: 200, body: circular })).toMatchObject({
			action: 'failed',
			code: null,
		});
		expect(decideAnswer({ status: 503, body: circular })).toMatchObject({
			action: 'backoff',
			code: null,
		});
	});
});
