/** Meta error classification and MetaApiError: every code of the table, unknown codes, hostile bodies. */
import {
	CLASSIFIED_META_ERROR_CODES,
	classifyMetaError,
	MAX_ERROR_MESSAGE_LENGTH,
	MetaApiError,
	parseApiBody,
	type MetaErrorKind,
} from '../../../nodes/core/whatsapp/errors';

const TABLE: Array<[number, MetaErrorKind, boolean]> = [
	[130429, 'throttle', true],
	[4, 'throttle', true],
	[80007, 'throttle', true],
	[131056, 'pairRate', true],
	[131047, 'outsideWindow', false],
	[1, 'retryable', true],
	[2, 'retryable', true],
	[131000, 'retryable', true],
	[131016, 'retryable', true],
	[133004, 'retryable', true],
	[190, 'fatal', false],
	[368, 'fatal', false],
	[131031, 'fatal', false],
	[131048, 'fatal', false],
	[10, 'fatal', false],
	[200, 'fatal', false],
	[131005, 'fatal', false],
	[131042, 'fatal', false],
	[131026, 'recipient', false],
	[131049, 'recipient', false],
	[131050, 'recipient', false],
	[131051, 'recipient', false],
	[131052, 'recipient', false],
	[131053, 'recipient', false],
	[131021, 'recipient', false],
	[470, 'recipient', false],
	[100, 'invalidRequest', false],
	[131008, 'invalidRequest', false],
	[131009, 'invalidRequest', false],
	[132000, 'invalidRequest', false],
	[132001, 'invalidRequest', false],
	[132005, 'invalidRequest', false],
	[132007, 'invalidRequest', false],
	[132012, 'invalidRequest', false],
	[132015, 'invalidRequest', false],
	[132016, 'invalidRequest', false],
	[132018, 'invalidRequest', false],
	[135000, 'invalidRequest', false],
];

describe('classifyMetaError', () => {
	test('the table covers exactly the classified codes', () => {
		expect(TABLE.map(([code]) => code).sort((a, b) => a - b)).toEqual(
			[...CLASSIFIED_META_ERROR_CODES].sort((a, b) => a - b),
		);
	});

	test.each(TABLE)('%i → %s (retryable %s)', (code, kind, retryable) => {
		for (const status of [400, 500, undefined]) {
			const result = classifyMetaError(code, status);
			expect(result.kind).toBe(kind);
			expect(result.retryable).toBe(retryable);
			expect(result.hintIt.length).toBeGreaterThan(40);
		}
	});

	test.each<[number, RegExp]>([
		[131047, /più di 24 ore .* solo con un modello approvato \(template\)/],
		[131026, /non essere su WhatsApp, usare una versione di WhatsApp troppo vecchia/],
		[131056, /Troppi messaggi in poco tempo allo stesso cittadino/],
		[130429, /limitando gli invii .* rallentare/],
		[100, /parametro del messaggio è errato o mancante/],
		[132000, /numero di parametri .* \{\{1\}\}/],
		[132001, /non esiste in questa lingua o non è ancora approvato/],
		[132005, /troppo lungo/],
		[132007, /regole di formattazione/],
		[132012, /formato previsto dal modello/],
		[132015, /in pausa/],
		[132016, /disattivato/],
		[132018, /a capo, tabulazioni o più di 4 spazi/],
		[131008, /Manca un parametro obbligatorio/],
		[131009, /valore del messaggio non è valido/],
	])('Italian hint for %i', (code, hint) => {
		expect(classifyMetaError(code).hintIt).toMatch(hint);
	});

	test('190 asks to update the n8n credential', () => {
		expect(classifyMetaError(190, 401).hintIt).toBe(
			'Il token di accesso di WhatsApp non è valido o è scaduto: aggiornare la credenziale «WhatsApp Cloud API» in n8n.',
		);
	});

	test('every template error points at the template', () => {
		for (const code of [132000, 132001, 132007, 132012, 132015, 132016]) {
			expect(classifyMetaError(code).hintIt).toContain('Modelli di messaggio');
		}
	});

	test('hints differ between kinds', () => {
		const hints = new Set(TABLE.map(([code]) => classifyMetaError(code).hintIt));
		expect(hints.size).toBeGreaterThan(30);
	});

	test.each<[number | undefined, number | undefined, MetaErrorKind, boolean]>([
		[undefined, 500, 'retryable', true],
		[undefined, 502, 'retryable', true],
		[undefined, 503, 'retryable', true],
		[undefined, 429, 'throttle', true],
		[undefined, 401, 'fatal', false],
		[undefined, 400, 'unknown', false],
		[undefined, undefined, 'unknown', false],
		[999999, 400, 'unknown', false],
		[999999, 500, 'unknown', true],
		[131999, 503, 'unknown', true],
		[0, 200, 'unknown', false],
	])('code %s, HTTP %s → %s (retryable %s)', (code, status, kind, retryable) => {
		const result = classifyMetaError(code, status);
		expect(result).toMatchObject({ kind, retryable });
		expect(result.hintIt).toMatch(/WhatsApp/);
	});
});

describe('MetaApiError.fromResponse', () => {
	const reEngagement = {
		error: {
			message: '(#131047) Re-engagement message',
			type: 'OAuthException',
			code: 131047,
			error_subcode: 2494010,
			error_data: {
				messaging_product: 'whatsapp',
				details:
					'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
			},
			fbtrace_id: 'AbCdEfGhIjK',
		},
	};

	test.each<[string, unknown]>([
		['object', reEngagement],
		['JSON text', JSON.stringify(reEngagement)],
		['Buffer', Buffer.from(JSON.stringify(reEngagement))],
		['JSON text with BOM and new lines', `\uFEFF\n${JSON.stringify(reEngagement, null, 2)}\n`],
	])('Meta envelope as %s', (_name, body) => {
		const error = MetaApiError.fromResponse(400, body);
		expect(error).toBeInstanceOf(MetaApiError);
		expect(error).toBeInstanceOf(Error);
		expect(error).toMatchObject({
			name: 'MetaApiError',
			httpStatus: 400,
			code: 131047,
			subcode: 2494010,
			type: 'OAuthException',
			title: 'Re-engagement message',
			details:
				'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
			fbtraceId: 'AbCdEfGhIjK',
			kind: 'outsideWindow',
			retryable: false,
		});
		expect(error.message).toBe(
			'WhatsApp API error 131047 (Re-engagement message): Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
		);
		expect(error.hintIt).toMatch(/24 ore/);
	});

	test('token error without details', () => {
		const error = MetaApiError.fromResponse(401, {
			error: {
				message:
					'Error validating access token: Session has expired on Tuesday, 04-Nov-25 10:00:00 PST.',
				type: 'OAuthException',
				code: 190,
				error_subcode: 463,
				fbtrace_id: 'A1',
			},
		});
		expect(error.message).toBe(
			'WhatsApp API error 190 (Error validating access token: Session has expired on Tuesday, 04-Nov-25 10:00:00 PST.)',
		);
		expect(error).toMatchObject({
			code: 190,
			subcode: 463,
			kind: 'fatal',
			retryable: false,
			details: undefined,
		});
	});

	test('throttling with code as a string', () => {
		const error = MetaApiError.fromResponse(429, {
			error: { message: '(#130429) Rate limit hit', code: '130429' },
		});
		expect(error).toMatchObject({
			code: 130429,
			title: 'Rate limit hit',
			kind: 'throttle',
			retryable: true,
		});
	});

	test('error_user_title and error_user_msg are used when present', () => {
		const error = MetaApiError.fromResponse(400, {
			error: {
				message: 'Invalid parameter',
				code: 100,
				error_user_title: 'Numero non valido',
				error_user_msg: 'Il numero non esiste',
			},
		});
		expect(error.message).toBe('WhatsApp API error 100 (Numero non valido): Il numero non esiste');
		expect(error.kind).toBe('invalidRequest');
	});

	test.each<[string, number, unknown, string, MetaErrorKind, boolean]>([
		[
			'5xx without body',
			503,
			undefined,
			'WhatsApp API error: HTTP 503 Service Unavailable with no error details',
			'retryable',
			true,
		],
		[
			'5xx with empty text',
			500,
			'',
			'WhatsApp API error: HTTP 500 Internal Server Error with no error details',
			'retryable',
			true,
		],
		[
			'5xx with blank Buffer',
			504,
			Buffer.from('  \n'),
			'WhatsApp API error: HTTP 504 Gateway Timeout with no error details',
			'retryable',
			true,
		],
		[
			'HTML 502 page',
			502,
			'<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
			'WhatsApp API error: HTTP 502 Bad Gateway (non-JSON response: "502 Bad Gateway 502 Bad Gateway nginx")',
			'retryable',
			true,
		],
		[
			'JSON without envelope',
			400,
			{ foo: 'bar' },
			'WhatsApp API error: HTTP 400 Bad Request (non-JSON response: "{"foo":"bar"}")',
			'unknown',
			false,
		],
		[
			'error is a string',
			400,
			{ error: 'boom' },
			'WhatsApp API error: HTTP 400 Bad Request (non-JSON response: "{"error":"boom"}")',
			'unknown',
			false,
		],
		[
			'envelope without code',
			418,
			{ error: { message: 'teapot' } },
			'WhatsApp API error: HTTP 418: teapot',
			'unknown',
			false,
		],
		[
			'unknown code',
			400,
			{ error: { message: '(#999) Strange', code: 999 } },
			'WhatsApp API error 999 (Strange)',
			'unknown',
			false,
		],
		[
			'plain text 429',
			429,
			'Too many requests',
			'WhatsApp API error: HTTP 429 Too Many Requests (non-JSON response: "Too many requests")',
			'throttle',
			true,
		],
	])('%s', (_name, status, body, message, kind, retryable) => {
		const error = MetaApiError.fromResponse(status, body);
		expect(error.message).toBe(message);
		expect(error).toMatchObject({ httpStatus: status, kind, retryable });
	});

	test('huge hostile message is cut to at most 1000 characters, one line', () => {
		const huge = `${'A'.repeat(50_000)}\u0000\r\n<script>x</script>`;
		const error = MetaApiError.fromResponse(400, {
			error: {
				message: huge,
				code: 100,
				error_data: { details: `${'\n'.repeat(10)}${'B'.repeat(100_000)}` },
			},
		});
		expect([...error.message].length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
		expect(error.message.startsWith('WhatsApp API error 100 (AAAA')).toBe(true);
		expect([...error.message].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
		expect(error.title!.length).toBeLessThanOrEqual(500);
		expect(error.details!.length).toBeLessThanOrEqual(500);
	});

	test('huge HTML body is cut too', () => {
		const error = MetaApiError.fromResponse(502, `<html>${'<p>x</p>'.repeat(100_000)}</html>`);
		expect(error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
		expect(error.kind).toBe('retryable');
	});

	test('odd field types are ignored, not trusted', () => {
		const error = MetaApiError.fromResponse(400, {
			error: {
				message: 42,
				code: 'abc',
				error_subcode: {},
				type: ['x'],
				fbtrace_id: null,
				error_data: 'nope',
			},
		});
		expect(error).toMatchObject({
			code: undefined,
			subcode: undefined,
			type: undefined,
			fbtraceId: undefined,
			details: undefined,
		});
		expect(error.message).toBe('WhatsApp API error: HTTP 400 Bad Request with no error details');
	});

	test('a circular object does not throw', () => {
		const body: Record<string, unknown> = {};
		body.self = body;
		expect(MetaApiError.fromResponse(500, body).message).toBe(
			'WhatsApp API error: HTTP 500 Internal Server Error (non-JSON response: "[unserializable body]")',
		);
	});
});

describe('parseApiBody', () => {
	test.each<[string, unknown, unknown]>([
		['object', { a: 1 }, { a: 1 }],
		['JSON text', '{"a":1}', { a: 1 }],
		['Buffer', Buffer.from('[1,2]'), [1, 2]],
		['Uint8Array', new TextEncoder().encode('{"ok":true}'), { ok: true }],
		['HTML', ' <html>x</html> ', '<html>x</html>'],
		['empty', '', undefined],
		['undefined', undefined, undefined],
		['null', null, undefined],
		['truncated JSON', '{"a":', '{"a":'],
	])('%s', (_name, raw, expected) => {
		expect(parseApiBody(raw)).toEqual(expected);
	});
});
