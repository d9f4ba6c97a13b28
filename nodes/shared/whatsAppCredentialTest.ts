/**
 * Test of the `whatsAppCloudApi` credential: GET {baseUrl}/{apiVersion}/{phoneNumberId}, showing Meta's
 * own message when it refuses (n8n's declarative test would show only the HTTP status text).
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { phoneNumberUrl } from '../core/whatsapp/api';
import { MetaApiError } from '../core/whatsapp/errors';

export async function whatsAppCloudApiConnection(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	let url: string;
	try {
		url = phoneNumberUrl(
			String(data.baseUrl ?? ''),
			String(data.apiVersion ?? ''),
			String(data.phoneNumberId ?? ''),
		);
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
	try {
		// ICredentialTestFunctions offers only `request` (no httpRequest) in n8n 2.41.
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
		const response = (await this.helpers.request({
			method: 'GET',
			uri: `${url}?fields=id,display_phone_number,verified_name`,
			headers: { Authorization: `Bearer ${String(data.accessToken ?? '')}` },
			json: true,
			simple: false,
			resolveWithFullResponse: true,
			timeout: 15_000,
		})) as { statusCode: number; body: unknown };
		if (response.statusCode >= 200 && response.statusCode < 300) {
			const body = (response.body ?? {}) as {
				display_phone_number?: string;
				verified_name?: string;
			};
			const number = [body.display_phone_number, body.verified_name].filter(Boolean).join(', ');
			return { status: 'OK', message: number ? `Connected to ${number}` : 'Connected' };
		}
		const error = MetaApiError.fromResponse(response.statusCode, response.body);
		return { status: 'Error', message: `${error.message}. ${error.hintIt}` };
	} catch (error) {
		return { status: 'Error', message: `Cannot reach ${url}: ${(error as Error).message}` };
	}
}
