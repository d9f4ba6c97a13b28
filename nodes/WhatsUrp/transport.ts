/**
 * The only place the WhatsUrp node talks HTTP: every request goes through n8n's
 * `httpRequestWithAuthentication` with the `whatsAppCloudApi` credential (Bearer token), and every
 * answer is read by the core (`interpret*`), whose MetaApiError becomes a NodeApiError in
 * nodes/shared/errors.ts.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import {
	interpretMediaInfo,
	interpretSendResponse,
	interpretSuccessResponse,
	mediaUrl,
	messagesUrl,
	type MediaInfo,
} from '../core/whatsapp/api';
import { MetaApiError } from '../core/whatsapp/errors';
import { sendRetryDelayMs } from '../core/whatsapp/retry';

export const CREDENTIAL = 'whatsAppCloudApi';

interface CloudApiSettings {
	baseUrl: string;
	apiVersion: string;
	phoneNumberId: string;
}

async function settings(context: IExecuteFunctions): Promise<CloudApiSettings> {
	const credential = await context.getCredentials(CREDENTIAL);
	return {
		baseUrl: String(credential.baseUrl ?? ''),
		apiVersion: String(credential.apiVersion ?? ''),
		phoneNumberId: String(credential.phoneNumberId ?? ''),
	};
}

interface RawAnswer {
	statusCode: number;
	body: unknown;
}

async function request(
	context: IExecuteFunctions,
	method: IHttpRequestMethods,
	url: string,
	body?: object,
	binary = false,
): Promise<RawAnswer> {
	const answer = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL, {
		method,
		url,
		...(body !== undefined ? { body: body as IDataObject, json: true } : { json: !binary }),
		...(binary ? { encoding: 'arraybuffer' as const } : {}),
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: 30_000,
	})) as { statusCode: number; body: unknown };
	return { statusCode: answer.statusCode, body: answer.body };
}

export interface SentMessage {
	messageId: string;
	waId?: string;
	messageStatus?: string;
}

/** POST /{phone-number-id}/messages: sends and read receipts share the endpoint. */
async function postToMessages(context: IExecuteFunctions, payload: object): Promise<RawAnswer> {
	const { baseUrl, apiVersion, phoneNumberId } = await settings(context);
	return await request(context, 'POST', messagesUrl(baseUrl, apiVersion, phoneNumberId), payload);
}

/** Waits `ms`, or less if the execution is cancelled. */
async function pause(context: IExecuteFunctions, ms: number): Promise<void> {
	const signal = context.getExecutionCancelSignal?.();
	if (signal?.aborted) return;
	await new Promise<void>((done) => {
		const onAbort = () => {
			clearTimeout(timer);
			done();
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			done();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

/**
 * POST /{phone-number-id}/messages; a refusal comes back as the core's MetaApiError (not thrown).
 * Throttling, the pair rate and passing failures are tried again (core `sendRetryDelayMs`): a refused
 * request was not sent, so trying again cannot send twice.
 */
export async function postMessage(
	context: IExecuteFunctions,
	payload: object,
): Promise<{ ok: true; sent: SentMessage } | { ok: false; error: MetaApiError }> {
	let answer = await postToMessages(context, payload);
	let result = interpretSendResponse(answer.statusCode, answer.body);
	for (let attempt = 1; !result.ok; attempt++) {
		const delay = sendRetryDelayMs(result.error, attempt);
		if (delay === undefined || context.getExecutionCancelSignal?.()?.aborted) return result;
		context.logger.info(
			`WhatsUrp: Cloud API error ${result.error.code ?? result.error.httpStatus} (${result.error.kind}), trying again in ${delay} ms (attempt ${attempt + 1})`,
		);
		await pause(context, delay);
		answer = await postToMessages(context, payload);
		result = interpretSendResponse(answer.statusCode, answer.body);
	}
	const sent: SentMessage = { messageId: result.messageId };
	if (result.waId !== undefined) sent.waId = result.waId;
	if (result.messageStatus !== undefined) sent.messageStatus = result.messageStatus;
	return { ok: true, sent };
}

/** POST /{phone-number-id}/messages with a `status: read` body. */
export async function postReadReceipt(
	context: IExecuteFunctions,
	payload: object,
): Promise<{ ok: true } | { ok: false; error: MetaApiError }> {
	const answer = await postToMessages(context, payload);
	return interpretSuccessResponse(answer.statusCode, answer.body);
}

/** Step 1 of a download: GET /{media-id} → a short-lived URL, type, size and SHA-256. */
export async function fetchMediaInfo(
	context: IExecuteFunctions,
	mediaId: string,
): Promise<({ ok: true } & MediaInfo) | { ok: false; error: MetaApiError }> {
	const { baseUrl, apiVersion } = await settings(context);
	const answer = await request(context, 'GET', mediaUrl(baseUrl, apiVersion, mediaId));
	return interpretMediaInfo(answer.statusCode, answer.body);
}

/** Step 2: GET the media URL, with the same Bearer token (Meta refuses it without). */
export async function fetchMediaBytes(
	context: IExecuteFunctions,
	url: string,
): Promise<{ ok: true; data: Buffer } | { ok: false; error: MetaApiError }> {
	const answer = await request(context, 'GET', url, undefined, true);
	if (answer.statusCode < 200 || answer.statusCode > 299) {
		return {
			ok: false,
			error: MetaApiError.fromResponse(answer.statusCode, toBuffer(answer.body)),
		};
	}
	return { ok: true, data: toBuffer(answer.body) };
}

function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body);
	return Buffer.alloc(0);
}
