/** A TCP proxy a test can cut and restore: the store's database "goes down" without touching it. */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
	private server: Server | null = null;
	private readonly sockets = new Set<Socket>();

	constructor(
		readonly port: number,
		private readonly target: { host: string; port: number },
	) {}

	async start(): Promise<void> {
		const server = createServer((client) => {
			const upstream = connect(this.target.port, this.target.host);
			for (const s of [client, upstream]) {
				this.sockets.add(s);
				s.on('close', () => this.sockets.delete(s));
				s.on('error', () => undefined);
			}
			client.pipe(upstream).pipe(client);
		});
		await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
		this.server = server;
	}

	/** Drops every connection and stops listening. */
	async cut(): Promise<void> {
		for (const s of this.sockets) s.destroy();
		this.sockets.clear();
		const server = this.server;
		this.server = null;
		if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
	}
}
