/**
 * The Cloud API simulator as a sandbox service: started before n8n on a fixed port, it gives n8n the
 * "WhatsApp URP" credential pointing at itself and, once the workflows are published, sends the
 * citizens' messages from its chat page to the WhatsUrp Trigger of the sandbox.
 * The token and secrets are the sandbox's own throwaway values, never Meta's.
 */
import type { CredentialSpec, WebhookEndpoint } from '../../n8n/launcher';
import {
	startCloudApiSimulator,
	type CloudApiSimulator,
	type CloudApiSimulatorOptions,
} from './server';

export const SANDBOX_CLOUD_API = {
	accessToken: 'sandbox-access-token',
	appSecret: 'sandbox-app-secret',
	verifyToken: 'sandbox-verify-token',
	phoneNumberId: '100000000000001',
	displayPhoneNumber: '390541704704',
	apiVersion: 'v23.0',
};

export const DEFAULT_SIMULATOR_PORT = 5699;

/** The sandbox's simulated number and account, as Meta would redeliver (3 retries). */
export function sandboxSimulatorOptions(port: number): CloudApiSimulatorOptions {
	return {
		port,
		accessToken: SANDBOX_CLOUD_API.accessToken,
		appSecret: SANDBOX_CLOUD_API.appSecret,
		phoneNumberId: SANDBOX_CLOUD_API.phoneNumberId,
		displayPhoneNumber: SANDBOX_CLOUD_API.displayPhoneNumber,
		verifiedName: 'URP Comune di Rimini (sandbox)',
		webhookRetry: { attempts: 3, backoffMs: 2000 },
	};
}

/** "WhatsApp URP": the whatsAppCloudApi credential for the sandbox's account on a simulator. */
export function sandboxWhatsAppCredential(simulatorBaseUrl: string): CredentialSpec {
	return {
		name: 'WhatsApp URP',
		type: 'whatsAppCloudApi',
		data: {
			accessToken: SANDBOX_CLOUD_API.accessToken,
			phoneNumberId: SANDBOX_CLOUD_API.phoneNumberId,
			businessAccountId: '',
			appSecret: SANDBOX_CLOUD_API.appSecret,
			verifyToken: SANDBOX_CLOUD_API.verifyToken,
			apiVersion: SANDBOX_CLOUD_API.apiVersion,
			baseUrl: simulatorBaseUrl,
		},
	};
}

export interface CloudApiSandboxService {
	name: string;
	start(): Promise<{ lines: string[]; credentials: CredentialSpec[] }>;
	/** Points the simulator's webhooks at the published WhatsUrp Trigger (if any). */
	connect(baseUrl: string, endpoints: WebhookEndpoint[]): string[];
	stop(): Promise<void>;
}

export function cloudApiSandboxService(port = DEFAULT_SIMULATOR_PORT): CloudApiSandboxService {
	let simulator: CloudApiSimulator | undefined;
	return {
		name: 'the WhatsApp Cloud API simulator',
		async start() {
			simulator = await startCloudApiSimulator(sandboxSimulatorOptions(port));
			return {
				lines: [
					`WhatsApp:  chat as a citizen at ${simulator.chatUrl} (Cloud API simulator at ${simulator.baseUrl})`,
				],
				credentials: [sandboxWhatsAppCredential(simulator.baseUrl)],
			};
		},
		connect(baseUrl, endpoints) {
			const trigger = endpoints.find(
				(endpoint) =>
					endpoint.nodeType === 'n8n-nodes-whatsurp.whatsUrpTrigger' && endpoint.method === 'POST',
			);
			if (!simulator) return [];
			if (!trigger)
				return [
					'WhatsApp:  no published workflow has a WhatsUrp Trigger, so the chat page reaches nothing',
				];
			const url = `${baseUrl}/webhook/${trigger.path}`;
			simulator.setWebhookUrl(url);
			return [`WhatsApp:  citizens' messages go to ${url} (node "${trigger.nodeName}")`];
		},
		async stop() {
			await simulator?.stop();
		},
	};
}
