/**
 * Test of the `open311Api` credential: GET {baseUrl}/services.json (with jurisdiction_id when set),
 * read by the core, so that an HTML page answering 200 (a wrong address, a login page) fails the test
 * and the portal's own error text is shown. Reading needs no API key, so the key is not checked here.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { listServices } from '../core/open311/client';
import type { Open311Error } from '../core/open311/errors';
import type { Open311Transport } from '../core/open311/types';

export async function open311ApiConnection(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const transport: Open311Transport = async (request) => {
		// ICredentialTestFunctions offers only `request` (no httpRequest) in n8n 2.41.
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
		const response = (await this.helpers.request({
			method: request.method,
			uri: request.url,
			headers: request.headers,
			json: false,
			simple: false,
			resolveWithFullResponse: true,
			timeout: 15_000,
		})) as { statusCode: number; body: unknown };
		return { status: response.statusCode, body: response.body };
	};
	try {
		const services = await listServices(transport, {
			baseUrl: String(data.baseUrl ?? ''),
			jurisdictionId: String(data.jurisdictionId ?? ''),
		});
		const names = services
			.slice(0, 5)
			.map((service) => service.serviceName)
			.join(', ');
		return {
			status: 'OK',
			message: `Connected: ${services.length} services${names ? ` (${names}${services.length > 5 ? ', …' : ''})` : ''}`,
		};
	} catch (error) {
		const known = error as Open311Error;
		return { status: 'Error', message: `${known.message}. ${known.hintIt ?? ''}`.trim() };
	}
}
