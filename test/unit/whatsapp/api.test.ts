/** URLs, send answers, media info and the media-download steps. */
import { createHash } from 'node:crypto';
import {
	ApiConfigError,
	checkMediaDownload,
	DEFAULT_GRAPH_API_VERSION,
	DEFAULT_GRAPH_BASE_URL,
	extensionForMimeType,
	fileNameForMedia,
	interpretMediaInfo,
	interpretSendResponse,
	interpretSuccessResponse,
	mediaUrl,
	messagesUrl,
	parseApiBody,
	phoneNumberUrl,
} from '../../../nodes/core/whatsapp/api';
import { MetaApiError } from '../../../nodes/core/whatsapp/errors';

describe('URLs', () => {
	test.each<[string, string, string, string]>([
		[
			'https://graph.facebook.com',
			'v23.0',
			'123456789012345',
			'https://graph.facebook.com/v23.0/123456789012345/messages',
		],
		['https://graph.facebook.com///', 'v23.0', '1', 'https://graph.facebook.com/v23.0/1/messages'],
		[
			' http://127.0.0.1:4010/graph/ ',
			'v21.0',
			'1',
			'http://127.0.0.1:4010/graph/v21.0/1/messages',
		],
		[
			'https://graph.facebook.com',
			'v23.0',
			'a/b?c#d',
			'https://graph.facebook.com/v23.0/a%2Fb%3Fc%23d/messages',
		],
		[
			'https://graph.facebook.com',
			' v23.0 ',
			' 42 ',
			'https://graph.facebook.com/v23.0/42/messages',
		],
	])('messagesUrl(%j, %j, %j)', (base, version, id, expected) => {
		expect(messagesUrl(base, version, id)).toBe(expected);
	});

	test('defaults', () => {
		expect(messagesUrl(DEFAULT_GRAPH_BASE_URL, DEFAULT_GRAPH_API_VERSION, '42')).toBe(
			'https://graph.facebook.com/v23.0/42/messages',
		);
	});

	test('mediaUrl and phoneNumberUrl', () => {
		expect(mediaUrl('https://graph.facebook.com/', 'v23.0', '2621233374848975')).toBe(
			'https://graph.facebook.com/v23.0/2621233374848975',
		);
		expect(mediaUrl('https://graph.facebook.com', 'v23.0', '../me')).toBe(
			'https://graph.facebook.com/v23.0/..%2Fme',
		);
		expect(phoneNumberUrl('https://graph.facebook.com', 'v23.0', '106540352242922')).toBe(
			'https://graph.facebook.com/v23.0/106540352242922',
		);
	});

	test.each<[string, () => string, string]>([
		['version without v', () => messagesUrl(DEFAULT_GRAPH_BASE_URL, '23.0', '1'), 'apiVersion'],
		['version without minor', () => messagesUrl(DEFAULT_GRAPH_BASE_URL, 'v23', '1'), 'apiVersion'],
		['version with path', () => messagesUrl(DEFAULT_GRAPH_BASE_URL, 'v23.0/x', '1'), 'apiVersion'],
		['empty base', () => messagesUrl('', 'v23.0', '1'), 'baseUrl'],
		['relative base', () => messagesUrl('graph.facebook.com', 'v23.0', '1'), 'baseUrl'],
		['ftp base', () => messagesUrl('ftp://graph.facebook.com', 'v23.0', '1'), 'baseUrl'],
		[
			'base with query',
			() => messagesUrl('https://graph.facebook.com?x=1', 'v23.0', '1'),
			'baseUrl',
		],
		[
			'empty phone number id',
			() => messagesUrl(DEFAULT_GRAPH_BASE_URL, 'v23.0', ''),
			'phoneNumberId',
		],
		[
			'dot-dot phone number id',
			() => phoneNumberUrl(DEFAULT_GRAPH_BASE_URL, 'v23.0', '..'),
			'phoneNumberId',
		],
		['empty media id', () => mediaUrl(DEFAULT_GRAPH_BASE_URL, 'v23.0', ' '), 'mediaId'],
	])('%s is refused', (_name, build, field) => {
		expect(build).toThrow(ApiConfigError);
		try {
			build();
		} catch (error) {
			expect((error as ApiConfigError).field).toBe(field);
		}
	});
});

describe('interpretSendResponse', () => {
	const success = {
		messaging_product: 'whatsapp',
		contacts: [{ input: '+39 333 1234567', wa_id: '393331234567' }],
		messages: [{ id: 'wamid.HBgLMzkzMzMxMjM0NTY3FQIAERgSQjk2NzQ3NDQxQ0VCNzUwNENFAA==' }],
	};

	test.each<[string, unknown]>([
		['object', success],
		['JSON text', JSON.stringify(success)],
		['Buffer', Buffer.from(JSON.stringify(success))],
	])('success as %s', (_name, body) => {
		expect(interpretSendResponse(200, body)).toEqual({
			ok: true,
			messageId: 'wamid.HBgLMzkzMzMxMjM0NTY3FQIAERgSQjk2NzQ3NDQxQ0VCNzUwNENFAA==',
			waId: '393331234567',
			input: '+39 333 1234567',
		});
	});

	test("Meta's spec example (trailing space in wa_id) and message_status", () => {
		expect(
			interpretSendResponse(200, {
				contacts: [{ input: '48XXXXXXXXX', wa_id: '48XXXXXXXXX ' }],
				messages: [{ id: 'wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww', message_status: 'accepted' }],
				messaging_product: 'whatsapp',
			}),
		).toEqual({
			ok: true,
			messageId: 'wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww',
			waId: '48XXXXXXXXX',
			input: '48XXXXXXXXX',
			messageStatus: 'accepted',
		});
	});

	test('BSUID recipient: no contacts', () => {
		expect(
			interpretSendResponse(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.X' }] }),
		).toEqual({
			ok: true,
			messageId: 'wamid.X',
		});
	});

	test('Meta error envelope', () => {
		const result = interpretSendResponse(400, {
			error: {
				message: '(#131026) Message Undeliverable',
				type: 'OAuthException',
				code: 131026,
				error_data: { messaging_product: 'whatsapp', details: 'Message Undeliverable.' },
				fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
			},
		});
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.error).toBeInstanceOf(MetaApiError);
		expect(result.error).toMatchObject({
			code: 131026,
			kind: 'recipient',
			retryable: false,
			fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
		});
		expect(result.error.message).toBe(
			'WhatsApp API error 131026 (Message Undeliverable): Message Undeliverable.',
		);
	});

	test.each<[string, number, unknown, string, boolean]>([
		[
			'error envelope with HTTP 200',
			200,
			{ error: { message: '(#131056) Pair rate', code: 131056 } },
			'pairRate',
			true,
		],
		['HTML 502', 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'retryable', true],
		['503 without body', 503, undefined, 'retryable', true],
		['200 with empty body', 200, '', 'unknown', false],
		['200 with HTML', 200, '<html>ok</html>', 'unknown', false],
		['200 without messages', 200, { messaging_product: 'whatsapp' }, 'unknown', false],
		['200 with empty messages', 200, { messages: [] }, 'unknown', false],
		['200 with blank id', 200, { messages: [{ id: ' ' }] }, 'unknown', false],
		['200 with numeric id', 200, { messages: [{ id: 12 }] }, 'unknown', false],
		['200 with an array', 200, [], 'unknown', false],
		['status 0 (no answer)', 0, undefined, 'unknown', false],
	])('%s', (_name, status, body, kind, retryable) => {
		const result = interpretSendResponse(status, body);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.error).toMatchObject({ kind, retryable });
		expect(result.error.hintIt.length).toBeGreaterThan(20);
	});

	test('200 without id says so and is not retried', () => {
		const result = interpretSendResponse(200, { messages: [] });
		expect(result.ok === false && result.error.message).toBe(
			'WhatsApp API answered HTTP 200 without a message id (messages[0].id)',
		);
	});

	test('never throws', () => {
		const circular: Record<string, unknown> = {};
		circular.self = circular;
		for (const body of [circular, 42, true, Symbol('x'), () => 1, new Date(0)]) {
			expect(() => interpretSendResponse(500, body)).not.toThrow();
			expect(() => interpretSendResponse(200, body)).not.toThrow();
		}
	});
});

describe('interpretSuccessResponse', () => {
	test.each<[number, unknown, boolean]>([
		[200, { success: true }, true],
		[200, '{"success":true}', true],
		[200, { success: false }, false],
		[200, {}, false],
		[400, { error: { code: 100, message: 'Invalid parameter' } }, false],
	])('%i %j → ok %s', (status, body, ok) => {
		expect(interpretSuccessResponse(status, body).ok).toBe(ok);
	});
});

describe('interpretMediaInfo', () => {
	test("Meta's example, file_size as string", () => {
		expect(
			interpretMediaInfo(200, {
				file_size: '303833',
				id: '2621233374848975',
				messaging_product: 'whatsapp',
				mime_type: 'image/jpeg',
				sha256: 'c0ffee',
				url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=2621233374848975&ext=1',
			}),
		).toEqual({
			ok: true,
			url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=2621233374848975&ext=1',
			mimeType: 'image/jpeg',
			sha256: 'c0ffee',
			fileSize: 303833,
			id: '2621233374848975',
		});
	});

	test('file_size as number, mime type with parameters kept, no sha256', () => {
		expect(
			interpretMediaInfo(
				200,
				JSON.stringify({
					id: '9',
					url: 'https://x.test/m',
					mime_type: 'audio/ogg; codecs=opus',
					file_size: 1024,
				}),
			),
		).toEqual({
			ok: true,
			id: '9',
			url: 'https://x.test/m',
			mimeType: 'audio/ogg; codecs=opus',
			fileSize: 1024,
		});
	});

	test('missing mime type defaults to octet-stream; bad size ignored', () => {
		expect(interpretMediaInfo(200, { id: '9', url: 'https://x.test/m', file_size: '-3' })).toEqual({
			ok: true,
			id: '9',
			url: 'https://x.test/m',
			mimeType: 'application/octet-stream',
		});
	});

	test.each<[string, number, unknown, string]>([
		[
			'no url',
			200,
			{ id: '1', mime_type: 'image/jpeg' },
			'WhatsApp media info (HTTP 200) has no url',
		],
		[
			'placeholder url',
			200,
			{ id: '1', url: '<URL>' },
			'WhatsApp media info (HTTP 200) has a url that is not http(s)',
		],
		[
			'file url',
			200,
			{ id: '1', url: 'file:///etc/passwd' },
			'WhatsApp media info (HTTP 200) has a url that is not http(s)',
		],
		['no id', 200, { url: 'https://x.test/m' }, 'WhatsApp media info (HTTP 200) has no id'],
		['not JSON', 200, 'oops', 'WhatsApp media info (HTTP 200) is not a JSON object'],
		[
			'expired media',
			404,
			{
				error: {
					message: '(#100) Invalid parameter',
					code: 100,
					error_subcode: 33,
					type: 'GraphMethodException',
				},
			},
			'WhatsApp API error 100 (Invalid parameter)',
		],
	])('%s', (_name, status, body, message) => {
		const result = interpretMediaInfo(status, body);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error.message).toBe(message);
	});
});

describe('fileNameForMedia', () => {
	test.each<[string | undefined, string, string | undefined, string]>([
		['image/jpeg', '2621233374848975', undefined, '2621233374848975.jpg'],
		['audio/ogg; codecs=opus', '77', undefined, '77.ogg'],
		['IMAGE/PNG', '1', undefined, '1.png'],
		['application/pdf', '5', 'Segnalazione buca.pdf', 'Segnalazione buca.pdf'],
		['application/pdf', '5', '../../etc/passwd', 'passwd'],
		['application/pdf', '5', 'C:\\Users\\a\\modulo.pdf', 'modulo.pdf'],
		['application/pdf', '5', '.hidden', 'hidden'],
		['application/pdf', '5', 'a\u0000b\nc.pdf', 'a_b_c.pdf'],
		['application/pdf', '5', 'x<y>:z|?.pdf', 'x_y__z__.pdf'],
		['application/pdf', '5', '', '5.pdf'],
		['application/pdf', '5', '..', '5.pdf'],
		['application/x-unknown', '5', undefined, '5.bin'],
		[undefined, '5', undefined, '5.bin'],
		['image/webp', '../7', undefined, '7.webp'],
		['image/webp', '', undefined, 'media.webp'],
	])('%s, %s, %j → %s', (mime, id, filename, expected) => {
		expect(fileNameForMedia(mime, id, filename)).toBe(expected);
	});

	test('long names are cut keeping the extension', () => {
		const name = fileNameForMedia('application/pdf', '5', `${'n'.repeat(500)}.pdf`);
		expect(name.length).toBe(200);
		expect(name.endsWith('n.pdf')).toBe(true);
	});

	test.each([
		['video/mp4', 'mp4'],
		['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'],
		['text/plain; charset=utf-8', 'txt'],
		['', 'bin'],
	])('extension of %j is %s', (mime, extension) => {
		expect(extensionForMimeType(mime)).toBe(extension);
	});
});

describe('checkMediaDownload', () => {
	const data = Buffer.from('contenuto del file');
	const sha256 = createHash('sha256').update(data).digest('hex');

	test('matching size and hash', () => {
		expect(checkMediaDownload({ sha256, fileSize: data.length }, data)).toEqual({
			ok: true,
			sha256,
			size: data.length,
		});
	});

	test('uppercase hex and base64 hashes are accepted', () => {
		expect(checkMediaDownload({ sha256: sha256.toUpperCase() }, data).ok).toBe(true);
		expect(
			checkMediaDownload({ sha256: Buffer.from(sha256, 'hex').toString('base64') }, data).ok,
		).toBe(true);
	});

	test('nothing announced: only non-empty', () => {
		expect(checkMediaDownload({}, data).ok).toBe(true);
	});

	test.each<[string, { sha256?: string; fileSize?: number }, Buffer, string]>([
		['empty', {}, Buffer.alloc(0), 'empty'],
		['short', { fileSize: 999 }, data, 'size'],
		['tampered', { sha256: sha256.replace(/^./, sha256[0] === '0' ? '1' : '0') }, data, 'sha256'],
	])('%s download is refused', (_name, info, bytes, reason) => {
		const result = checkMediaDownload(info, bytes);
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.reason).toBe(reason);
			expect(result.hintIt).toMatch(/allegato/);
		}
	});
});

test('parseApiBody is exported from api too', () => {
	expect(parseApiBody('{"a":1}')).toEqual({ a: 1 });
});
