/** What the simulators' HTTP servers share: reading a request body up to a size limit. */
import type { IncomingMessage } from 'node:http';

/** The body was larger than the limit (the server answers 413). */
export class BodyTooLarge extends Error {}

/** The request's body, or BodyTooLarge once it passes `limit` bytes (the rest is drained). */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) {
				request.removeAllListeners('data');
				request.resume();
				reject(new BodyTooLarge());
			} else chunks.push(chunk);
		});
		request.on('end', () => resolve(Buffer.concat(chunks)));
		request.on('error', reject);
	});
}
