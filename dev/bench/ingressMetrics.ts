/** The ingress's `GET /metrics` (Prometheus text) as name → value, labels kept in the name; for the benchmarks. */
import { request } from 'node:http';

export async function readIngressMetrics(port: number): Promise<Record<string, number>> {
	const text = await new Promise<string>((resolve, reject) => {
		request(`http://127.0.0.1:${port}/metrics`, (res) => {
			let data = '';
			res.on('data', (c: Buffer) => (data += c.toString()));
			res.on('end', () => resolve(data));
		})
			.on('error', reject)
			.end();
	});
	const values: Record<string, number> = {};
	for (const line of text.split('\n')) {
		const match = /^whatsurp_ingress_(\S+) (\S+)$/.exec(line);
		if (match) values[match[1]] = Number(match[2]);
	}
	return values;
}
