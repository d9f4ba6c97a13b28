/** A Cloud API simulator and the credential that points at it, for node and workflow tests. */
import { WhatsAppCloudApi } from '../../credentials/WhatsAppCloudApi.credentials';
import {
	startCloudApiSimulator,
	type CloudApiSimulator,
	type CloudApiSimulatorOptions,
} from '../../dev/simulators/cloudApi/server';
import type { TestCredentials } from './runWorkflow';

export const TEST_ACCOUNT = {
	accessToken: 'EAAG-test-token',
	appSecret: 'test-app-secret',
	verifyToken: 'test-verify-token',
	phoneNumberId: '106540352242922',
	apiVersion: 'v23.0',
};

export async function startTestSimulator(
	options: Partial<CloudApiSimulatorOptions> = {},
): Promise<CloudApiSimulator> {
	return await startCloudApiSimulator({
		accessToken: TEST_ACCOUNT.accessToken,
		appSecret: TEST_ACCOUNT.appSecret,
		phoneNumberId: TEST_ACCOUNT.phoneNumberId,
		displayPhoneNumber: '390541704704',
		statusDelaysMs: { delivered: 5, read: null },
		...options,
	});
}

/** The whatsAppCloudApi credential for a simulator (override e.g. the token to test refusals). */
export function cloudApiCredentials(
	simulator: CloudApiSimulator,
	overrides: Record<string, string> = {},
): TestCredentials {
	return {
		whatsAppCloudApi: {
			data: { ...TEST_ACCOUNT, baseUrl: simulator.baseUrl, ...overrides },
			type: new WhatsAppCloudApi(),
		},
	};
}
