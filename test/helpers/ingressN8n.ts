/**
 * The inbound stack (test/helpers/inboundN8n.ts) with `whatsurp-ingress` in front of n8n, as a city runs
 * it: the built entry point in its own process on the same store as n8n's nodes, Meta's (the
 * simulator's) webhooks pointing at the ingress, the ingress forwarding to the trigger's production URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { TEST_ACCOUNT } from './cloudApi';
import { repo, startInboundStack, type InboundStack, type InboundStackOptions } from './inboundN8n';

export interface IngressProcess {
	url: string;
	logs(): string;
	metrics(): Promise<Record<string, number>>;
	stop(): Promise<number | null>;
}

/** Starts dist/ingress/main.js (`npm run build` first) and waits until it listens. */
export async function startIngressProcess(
	port: number,
	triggerUrl: string,
	store: InboundStackOptions['setup']['store'],
): Promise<IngressProcess> {
	const main = join(repo, 'dist/ingress/main.js');
	if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
	const storeEnv: Record<string, string> =
		store.backend === 'sqlite'
			? { WHATSURP_STORE_PATH: store.path }
			: {
					WHATSURP_STORE_BACKEND: 'postgres',
					WHATSURP_STORE_HOST: store.host,
					WHATSURP_STORE_PORT: String(store.port),
					WHATSURP_STORE_DATABASE: store.database,
					WHATSURP_STORE_USER: store.user,
					WHATSURP_STORE_SCHEMA: store.schema ?? 'whatsurp',
				};
	const child: ChildProcess = spawn(process.execPath, [main], {
		env: {
			PATH: process.env.PATH ?? '',
			WHATSURP_INGRESS_PORT: String(port),
			WHATSURP_INGRESS_HOST: '127.0.0.1',
			WHATSURP_APP_SECRET: TEST_ACCOUNT.appSecret,
			WHATSURP_VERIFY_TOKEN: TEST_ACCOUNT.verifyToken,
			WHATSURP_TRIGGER_URL: triggerUrl,
			WHATSURP_INGRESS_INSTANCE: 'e2e-ingress',
			...storeEnv,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	const url = `http://127.0.0.1:${port}/`;
	for (let waited = 0; !output.includes('listening'); waited += 50) {
		if (child.exitCode !== null || waited > 15_000) {
			child.kill('SIGKILL');
			throw new Error(`The ingress did not start:\n${output}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return {
		url,
		logs: () => output,
		async metrics() {
			const text = await (await fetch(`${url}metrics`)).text();
			const values: Record<string, number> = {};
			for (const line of text.split('\n')) {
				const match = /^whatsurp_ingress_(\S+) (\S+)$/.exec(line);
				if (match) values[match[1]] = Number(match[2]);
			}
			return values;
		},
		async stop() {
			if (child.exitCode !== null) return child.exitCode;
			child.kill('SIGTERM');
			return await exited;
		},
	};
}

export interface IngressStack {
	stack: InboundStack;
	ingress: IngressProcess;
	stop(): Promise<void>;
}

/** The inbound stack with the ingress in front: the simulator's webhooks go to the ingress. */
export async function startIngressStack(
	options: InboundStackOptions & { ingressPort: number },
): Promise<IngressStack> {
	const stack = await startInboundStack(options);
	let ingress: IngressProcess;
	try {
		ingress = await startIngressProcess(options.ingressPort, stack.webhookUrl, options.setup.store);
	} catch (error) {
		await stack.stop();
		throw error;
	}
	stack.simulator.setWebhookUrl(ingress.url);
	return {
		stack,
		ingress,
		async stop() {
			await ingress.stop();
			await stack.stop();
		},
	};
}
