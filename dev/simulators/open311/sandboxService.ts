/**
 * The Open311 simulator as a sandbox service: started before n8n on a fixed port, it gives n8n the
 * "Segnala Rimini" credential (type open311Api) pointing at itself. The API key is the sandbox's own
 * throwaway value, never the portal's.
 */
import type { CredentialSpec } from '../../n8n/launcher';
import { startOpen311Simulator, type Open311Simulator } from './server';

export const SANDBOX_OPEN311 = {
	/** A throwaway key that only the local simulator accepts. */
	apiKey: 'sandbox-segnala-dummy-key',
	jurisdictionId: 'comune.rimini.it',
	credentialName: 'Segnala Rimini',
};

export const DEFAULT_OPEN311_PORT = 5700;

export interface Open311SandboxService {
	name: string;
	start(): Promise<{ lines: string[]; credentials: CredentialSpec[] }>;
	stop(): Promise<void>;
}

export function open311SandboxService(port = DEFAULT_OPEN311_PORT): Open311SandboxService {
	let simulator: Open311Simulator | undefined;
	return {
		name: 'the Open311 (Segnala) simulator',
		async start() {
			simulator = await startOpen311Simulator({
				port,
				apiKey: SANDBOX_OPEN311.apiKey,
				jurisdictionId: SANDBOX_OPEN311.jurisdictionId,
				tokenDelayMs: 3000,
			});
			return {
				lines: [
					`Segnala:   reports arrive at ${simulator.pageUrl} (Open311 simulator at ${simulator.baseUrl})`,
				],
				credentials: [
					{
						name: SANDBOX_OPEN311.credentialName,
						type: 'open311Api',
						data: {
							baseUrl: simulator.baseUrl,
							apiKey: SANDBOX_OPEN311.apiKey,
							jurisdictionId: SANDBOX_OPEN311.jurisdictionId,
						},
					},
				],
			};
		},
		async stop() {
			await simulator?.stop();
		},
	};
}
