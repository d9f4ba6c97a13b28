/**
 * The only place the Segnala node talks HTTP: the core's Open311 requests go through n8n's
 * `httpRequestWithAuthentication` with the `open311Api` credential; the core's `Open311Error` becomes
 * the n8n error staff see in nodes/shared/errors.ts. The API key travels only inside the POST form body the core builds.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

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
