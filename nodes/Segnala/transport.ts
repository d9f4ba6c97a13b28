/**
 * The only place the Segnala node talks HTTP: the core's Open311 requests go through n8n's
 * `httpRequestWithAuthentication` with the `open311Api` credential, and the core's `Open311Error`
 * becomes the n8n error staff see. The API key travels only inside the POST form body the core builds.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { Open311Error } from '../core/open311/errors';
import type { Open311Config, Open311Transport } from '../core/open311/types';

export const CREDENTIAL = 'open311Api';

export interface PortalConnection {
	config: Open311Config;
	transport: Open311Transport;
}

/** The credential's settings and a transport over n8n's HTTP helper (statuses are not thrown). */
export async function portalConnection(
	context: IExecuteFunctions | ILoadOptionsFunctions,
): Promise<PortalConnection> {
	const credential = await context.getCredentials(CREDENTIAL);
	const config: Open311Config = {
		baseUrl: String(credential.baseUrl ?? ''),
		apiKey: String(credential.apiKey ?? ''),
		jurisdictionId: String(credential.jurisdictionId ?? ''),
	};
	const transport: Open311Transport = async (request) => {
		const answer = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL, {
			method: request.method,
			url: request.url,
			headers: request.headers,
			...(request.body !== undefined ? { body: request.body } : {}),
			// The core reads the body itself (JSON, an HTML page, nothing…).
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 30_000,
		})) as { statusCode: number; body: unknown };
		return { status: answer.statusCode, body: answer.body };
	};
	return { config, transport };
}

/**
 * What staff see: bad fields or settings as NodeOperationError, the portal's answers as NodeApiError
 * with its HTTP status and error entries, both with the Italian hint as description.
 */
export function toNodeError(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!(error instanceof Open311Error)) {
		return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
	if (error.kind === 'input' || error.kind === 'config') {
		const where =
			error.kind === 'config' && error.field
				? ` (campo «${error.field}» della credenziale)`
				: error.field
					? ` (${error.field})`
					: '';
		return new NodeOperationError(context.getNode(), error.message, {
			itemIndex,
			description: `${error.hintIt}${where}`,
		});
	}
	const response: JsonObject = {
		kind: error.kind,
		httpStatus: error.httpStatus,
		portalErrors: error.errors.map((entry) => ({
			code: entry.code ?? null,
			description: entry.description,
		})),
		retryable: error.retryable,
	};
	return new NodeApiError(context.getNode(), response, {
		message: error.message,
		description: error.hintIt,
		...(error.httpStatus > 0 ? { httpCode: String(error.httpStatus) } : {}),
		itemIndex,
	});
}
