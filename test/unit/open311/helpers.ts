/** Shared by the Open311 tests: a transport over fetch (as a script or test would use the client). */
import type { Open311Transport } from '../../../nodes/core/open311/types';

export const fetchTransport: Open311Transport = async (request) => {
	const response = await fetch(request.url, {
		method: request.method,
		headers: request.headers,
		body: request.body,
	});
	return { status: response.status, body: await response.text() };
};

/** A transport that answers from a script and records what it was asked. */
export function scriptedTransport(
	answers: Array<{ status: number; body: unknown } | Error>,
): Open311Transport & { calls: Parameters<Open311Transport>[0][] } {
	const calls: Parameters<Open311Transport>[0][] = [];
	const transport = (async (request) => {
		calls.push(request);
		const next = answers.shift();
		if (next === undefined) throw new Error('no scripted answer left');
		if (next instanceof Error) throw next;
		return next;
	}) as Open311Transport & { calls: Parameters<Open311Transport>[0][] };
	transport.calls = calls;
	return transport;
}

export const RIMINI = { lat: 44.0594, long: 12.5683 };
