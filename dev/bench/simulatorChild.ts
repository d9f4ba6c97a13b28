/**
 * Starts the Cloud API simulator in a child process (dev/bench/simulatorProcess.ts), so a benchmark
 * measures n8n and not the simulator sharing its event loop; and stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { nodeBinary, repoRoot } from '../n8n/install';
import type { CloudApiSimulatorOptions } from '../simulators/cloudApi/types';

export interface SimulatorChild {
	baseUrl: string;
	child: ChildProcess;
}

export async function startSimulatorChild(
	options: CloudApiSimulatorOptions,
): Promise<SimulatorChild> {
	const script = join(repoRoot(), '.build/dev/bench/simulatorProcess.js');
	const child = spawn(nodeBinary(), [script, JSON.stringify(options)], {
		stdio: ['pipe', 'pipe', 'inherit'],
	});
	const lines = createInterface({ input: child.stdout! });
	const baseUrl = await new Promise<string>((resolve, reject) => {
		lines.on('line', (line) => {
			if (line.startsWith('READY ')) resolve(line.slice(6).trim());
		});
		child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
	});
	return { baseUrl, child };
}

export async function stopSimulatorChild(simulator: SimulatorChild): Promise<void> {
	if (simulator.child.exitCode !== null) return;
	const exited = new Promise((resolve) => simulator.child.once('exit', resolve));
	simulator.child.kill('SIGTERM');
	await exited;
}
