#!/usr/bin/env node
/**
 * `whatsurp-ingress`: the ingress as a process. Configured by environment variables only
 * (core/ingress/config.ts); stops gracefully on SIGTERM and SIGINT, finishing the writes in flight.
 * Exit codes: 0 stopped, 2 bad configuration, 1 the store or the port could not be opened.
 */
import { IngressConfigError, ingressConfigFromEnv } from '../nodes/core/ingress/config';
import { IngressService } from '../nodes/core/ingress/service';
import { openStore } from '../nodes/core/store';
import { describeStoreLocation } from '../nodes/core/store/fromCredential';

function log(line: string): void {
	process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function main(): Promise<number> {
	let config;
	try {
		config = ingressConfigFromEnv(process.env);
	} catch (error) {
		process.stderr.write(
			`${error instanceof IngressConfigError ? error.message : String(error)}\n`,
		);
		return 2;
	}
	let store;
	try {
		store = await openStore(config.store);
	} catch (error) {
		process.stderr.write(
			`The ingress cannot open the store (${describeStoreLocation(config.store)}): ${error instanceof Error ? error.message : String(error)}\n`,
		);
		return 1;
	}
	const service = new IngressService({ config, store, log });
	try {
		await service.start();
	} catch (error) {
		process.stderr.write(
			`The ingress cannot listen on ${config.host}:${config.port}: ${error instanceof Error ? error.message : String(error)}\n`,
		);
		await store.close();
		return 1;
	}
	await new Promise<void>((resolve) => {
		const stop = (signal: string) => {
			log(`ingress: ${signal} received, finishing the writes in flight`);
			resolve();
		};
		process.once('SIGTERM', () => stop('SIGTERM'));
		process.once('SIGINT', () => stop('SIGINT'));
	});
	await service.stop();
	return 0;
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		process.stderr.write(
			`The ingress failed: ${error instanceof Error ? error.stack : String(error)}\n`,
		);
		process.exitCode = 1;
	},
);
