import { DEFAULT_SEND_RETRY, sendRetryDelayMs } from '../../../nodes/core/whatsapp/retry';
import { classifyMetaError } from '../../../nodes/core/whatsapp/errors';

const half = () => 0.5;

describe('sendRetryDelayMs', () => {
	test.each([
		{
			label: 'throughput (130429), first refusal',
			code: 130429,
			http: 429,
			attempt: 1,
			delay: 750,
		},
		{ label: 'throughput, third refusal', code: 130429, http: 429, attempt: 3, delay: 3000 },
		{ label: 'passing failure 131000', code: 131000, http: 500, attempt: 1, delay: 750 },
		{ label: 'a 503 without a Meta code', code: undefined, http: 503, attempt: 2, delay: 1500 },
		{
			label: 'pair rate (131056): Meta’s 6 s and jitter',
			code: 131056,
			http: 400,
			attempt: 1,
			delay: 6500,
		},
		{
			label: 'attempts spent',
			code: 130429,
			http: 429,
			attempt: DEFAULT_SEND_RETRY.attempts,
			delay: undefined,
		},
		{
			label: 'outside the 24-hour window (131047): final',
			code: 131047,
			http: 400,
			attempt: 1,
			delay: undefined,
		},
		{ label: 'token expired (190): final', code: 190, http: 401, attempt: 1, delay: undefined },
		{
			label: 'undeliverable (131026): final',
			code: 131026,
			http: 400,
			attempt: 1,
			delay: undefined,
		},
		{
			label: 'a 400 without a Meta code: final',
			code: undefined,
			http: 400,
			attempt: 1,
			delay: undefined,
		},
	])('$label → $delay', ({ code, http, attempt, delay }) => {
		expect(sendRetryDelayMs(classifyMetaError(code, http), attempt, DEFAULT_SEND_RETRY, half)).toBe(
			delay,
		);
	});

	test('back-off grows and is capped', () => {
		const error = classifyMetaError(130429, 429);
		const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) =>
			sendRetryDelayMs(error, attempt, { ...DEFAULT_SEND_RETRY, attempts: 10 }, () => 1),
		);
		expect(ceilings).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
	});
});
