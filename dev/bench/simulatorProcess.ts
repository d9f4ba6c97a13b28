/**
 * The Cloud API simulator in a process of its own, so a benchmark measures n8n and not the simulator
 * sharing its event loop. Options come as JSON in argv[2]; it prints `READY <baseUrl>` and runs until
 * SIGTERM or its stdin closes.
 */
import {
	startCloudApiSimulator,
	type CloudApiSimulatorOptions,
} from '../simulators/cloudApi/server';

async function main(): Promise<void> {
	const options = JSON.parse(process.argv[2] ?? '{}') as CloudApiSimulatorOptions;
	const simulator = await startCloudApiSimulator(options);
	process.stdout.write(`READY ${simulator.baseUrl}\n`);
	const stop = () => {
		void simulator.stop().finally(() => process.exit(0));
	};
	process.on('SIGTERM', stop);
	process.stdin.on('end', stop);
	process.stdin.resume();
}

void main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
