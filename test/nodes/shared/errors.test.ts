/** nodes/shared/errors.ts: one mapping per core error family, and what anything else thrown becomes. */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { BroadcastError } from '../../../nodes/core/broadcast';
import { CalendarConfigError, CalendarInputError } from '../../../nodes/core/calendar';
import { CommandConfigError } from '../../../nodes/core/commands';
import { ConversationInputError } from '../../../nodes/core/conversation/inbound';
import { Open311Error } from '../../../nodes/core/open311/errors';
import { StoreError, StoreInputError } from '../../../nodes/core/store';
import { ApiConfigError } from '../../../nodes/core/whatsapp/api';
import { MetaApiError } from '../../../nodes/core/whatsapp/errors';
import { MessageValidationError } from '../../../nodes/core/whatsapp/messages';
import { errorCodeOf, storeInputHint, toNodeError } from '../../../nodes/shared/errors';
import { fakeContext } from './fakeContext';

const context = fakeContext([]);
const label = (field: string) => (field === 'schedule.monday' ? 'Weekly Schedule' : 'Lists');

type Expected = {
	type: typeof NodeApiError | typeof NodeOperationError;
	message: RegExp;
	description?: RegExp;
	code?: string | number;
};

describe('toNodeError: one mapping per core error family', () => {
	test.each<[string, unknown, Expected]>([
		[
			'Cloud API: outside the window (131047)',
			MetaApiError.fromResponse(400, {
				error: { code: 131047, message: 'Re-engagement message', fbtrace_id: 'Axyz' },
			}),
			{
				type: NodeApiError,
				message: /131047/,
				description: /24 ore.*fbtrace_id: Axyz/s,
				code: 131047,
			},
		],
		[
			'Cloud API: expired token (190)',
			MetaApiError.fromResponse(401, { error: { code: 190, message: 'Session has expired' } }),
			{
				type: NodeApiError,
				message: /190/,
				description: /credenziale «WhatsApp Cloud API»/,
				code: 190,
			},
		],
		[
			'Cloud API: an HTML page instead of JSON',
			MetaApiError.fromResponse(502, '<html><body>Bad Gateway</body></html>'),
			{ type: NodeApiError, message: /502|Bad Gateway/, description: /temporaneo/, code: 502 },
		],
		[
			'Open311: the portal refused the request (400)',
			new Open311Error({
				kind: 'rejected',
				httpStatus: 400,
				errors: [{ code: 400, description: 'attribute tipo_guasto is required' }],
				operation: 'createRequest',
			}),
			{
				type: NodeApiError,
				message: /tipo_guasto/,
				description: /NON è stata registrata/,
				code: 400,
			},
		],
		[
			'Open311: a bad credential field',
			new Open311Error({ kind: 'config', field: 'baseUrl', message: 'The base URL is not a URL' }),
			{
				type: NodeOperationError,
				message: /base URL/,
				description: /campo «baseUrl» della credenziale/,
			},
		],
		[
			'Open311: a missing location',
			new Open311Error({ kind: 'input', field: 'location', message: 'A location is required' }),
			{ type: NodeOperationError, message: /location is required/, description: /\(location\)$/ },
		],
		[
			'store: a refused value',
			new StoreInputError('state', 'closed cannot go back to routed'),
			{ type: NodeOperationError, message: /^state: closed/, description: /va solo avanti/ },
		],
		[
			// n8n puts its plain words for a system error in the message: the description keeps the store's
			'store: unreachable',
			new StoreError('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
			{
				type: NodeOperationError,
				message: /refused the connection/,
				description:
					/^connect ECONNREFUSED 127\.0\.0\.1:5432\. Controllare la credenziale «WhatsUrp Store».*non è stato modificato nulla\.$/,
				code: 'ECONNREFUSED',
			},
		],
		[
			'broadcast ledger: busy',
			new BroadcastError('BUSY', 'Broadcast "a" is running elsewhere', 'Invio già in corso.'),
			{
				type: NodeOperationError,
				message: /running elsewhere/,
				description: /^Invio già in corso\.$/,
				code: 'BUSY',
			},
		],
		[
			'calendar: a bad setting, named by its parameter',
			new CalendarConfigError('schedule.monday', 'Monday: 25:00 is not a time'),
			{
				type: NodeOperationError,
				message: /25:00/,
				description: /^Controllare il parametro «Weekly Schedule» \(schedule\.monday\)\.$/,
			},
		],
		[
			'calendar: an instant that is not a date',
			new CalendarInputError('instant', 'not a date-time'),
			{ type: NodeOperationError, message: /not a date/, description: /«Lists» \(instant\)/ },
		],
		[
			'commands: a bad grammar setting',
			new CommandConfigError('lists[0].name', 'The list name is empty'),
			{
				type: NodeOperationError,
				message: /list name is empty/,
				description: /«Lists» \(lists\[0\]\.name\)/,
			},
		],
		[
			'message: too long a text',
			new MessageValidationError('text.body', 'Text over 4096', 'Il testo supera 4096 caratteri'),
			{
				type: NodeOperationError,
				message: /4096/,
				description: /^Il testo supera 4096 caratteri \(text\.body\)$/,
			},
		],
		[
			'credential: a bad API version',
			new ApiConfigError('apiVersion', 'The API version must look like v21.0'),
			{
				type: NodeOperationError,
				message: /v21\.0/,
				description: /campo «apiVersion» della credenziale «WhatsApp Cloud API»/,
			},
		],
		[
			'conversation: the item names no citizen',
			new ConversationInputError(
				'from',
				'The item names no citizen',
				'The input item needs from.waId',
			),
			{ type: NodeOperationError, message: /names no citizen/, description: /from\.waId/ },
		],
		[
			'a RangeError (a rate out of range)',
			new RangeError('rate must be 1 to 1000'),
			{ type: NodeOperationError, message: /rate must be/ },
		],
		[
			'any other Error',
			new TypeError('x is not a function'),
			{ type: NodeOperationError, message: /x is not a function/ },
		],
	])('%s', (_, thrown, expected) => {
		const error = toNodeError(context, thrown, { itemIndex: 3, parameterLabel: label });
		expect(error).toBeInstanceOf(expected.type);
		expect(error.message).toMatch(expected.message);
		if (expected.description) expect(error.description).toMatch(expected.description);
		else expect(error.description ?? '').not.toMatch(/\S/);
		expect(error.context.itemIndex).toBe(3);
		expect(errorCodeOf(thrown) ?? errorCodeOf(error)).toBe(expected.code);
	});

	test('a store failure that names no system error keeps its words in the message', () => {
		expect(toNodeError(context, new StoreError('disk full')).message).toBe(
			'The WhatsUrp store failed: disk full',
		);
	});

	test('an n8n error already made is returned as it is', () => {
		for (const made of [
			new NodeOperationError(context.getNode(), 'made'),
			new NodeApiError(context.getNode(), { code: 1 }, { message: 'made' }),
		]) {
			expect(toNodeError(context, made)).toBe(made);
		}
	});

	test('without a parameter label the field names the parameter', () => {
		const error = toNodeError(context, new CommandConfigError('subscribeKeyword', 'empty'));
		expect(error.description).toBe(
			'Controllare il parametro «subscribeKeyword» (subscribeKeyword).',
		);
	});
});

describe('toNodeError: malformed and hostile values thrown', () => {
	const longText = 'x'.repeat(10_000);
	const hostile = {
		get message(): string {
			throw new Error('a getter that throws');
		},
	};
	const faked = { name: 'MetaApiError', hintIt: 'finto', code: 190, kind: 'auth' };
	const badMessage = Object.assign(new Error('ok'), { message: 42 });
	test.each<[string, unknown, RegExp]>([
		['a string', 'plain words', /^plain words$/],
		['an empty string', '', /^Unknown error$/],
		['undefined', undefined, /^Unknown error \(undefined\)$/],
		['null', null, /^Unknown error \(null\)$/],
		['a number', 42, /^42$/],
		['a symbol', Symbol('s'), /^Symbol\(s\)$/],
		['an object with a message', { message: 'from an object' }, /^from an object$/],
		['an object whose message getter throws', hostile, /^Unknown error$/],
		['a plain object dressed as a Cloud API error', faked, /^Unknown error \(object\)$/],
		['an Error whose message is not a string', badMessage, /^42$/],
		['a very long string, cut', longText, /^x{499}…$/],
	])('%s → NodeOperationError with a short, safe message', (_, thrown, message) => {
		const error = toNodeError(context, thrown, { itemIndex: 0 });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		expect(error.description ?? '').not.toMatch(/finto/);
		expect(errorCodeOf(thrown)).toBeUndefined();
	});

	test('a circular object is described without recursing', () => {
		const circular: Record<string, unknown> = {};
		circular.self = circular;
		expect(toNodeError(context, circular).message).toBe('Unknown error (object)');
	});
});

describe('storeInputHint: Italian, by the field at fault', () => {
	test.each<[string, RegExp]>([
		['state', /va solo avanti/],
		['caseId', /Case ID/],
		['citizen.waId', /from\.waId/],
		['lists', /^Controllare il valore dato per «lists»\.$/],
		['<script>', /«<script>»/],
	])('%s', (field, hint) => {
		expect(storeInputHint(field)).toMatch(hint);
	});
});
