/** nodes/shared/runner.ts: the per-item loop, pairing, routing, and the one Continue On Fail shape. */
import { NodeOperationError, type IDataObject, type INodeExecutionData } from 'n8n-workflow';

import { StoreError } from '../../../nodes/core/store';
import { MetaApiError } from '../../../nodes/core/whatsapp/errors';
import { toNodeError, withDetails } from '../../../nodes/shared/errors';
import { routed, runForAllItems, runPerItem, type ItemResult } from '../../../nodes/shared/runner';
import { fakeContext } from './fakeContext';

const binary = { data: { data: 'AAAA', mimeType: 'image/jpeg' } };
const input: INodeExecutionData[] = [
	{ json: { n: 0, text: 'ciao' } },
	{ json: { n: 1 }, binary },
	{ json: { n: 2 } },
];

describe('runPerItem: what each item gives', () => {
	test.each<[string, (index: number) => ItemResult, INodeExecutionData[][]]>([
		[
			'one item per input, paired by the runner',
			(index) => ({ json: { out: index } }),
			[[0, 1, 2].map((index) => ({ json: { out: index }, pairedItem: { item: index } }))],
		],
		[
			'several items per input, all paired with it',
			(index) => [{ json: { a: index } }, { json: { b: index } }],
			[
				[0, 1, 2].flatMap((index) => [
					{ json: { a: index }, pairedItem: { item: index } },
					{ json: { b: index }, pairedItem: { item: index } },
				]),
			],
		],
		[
			'no item for an input',
			(index) => (index === 1 ? [] : { json: { out: index } }),
			[
				[
					{ json: { out: 0 }, pairedItem: { item: 0 } },
					{ json: { out: 2 }, pairedItem: { item: 2 } },
				],
			],
		],
		[
			'a pairing the operation set is kept',
			(index) => ({ json: {}, pairedItem: { item: index, input: 0 } }),
			[[0, 1, 2].map((index) => ({ json: {}, pairedItem: { item: index, input: 0 } }))],
		],
	])('%s', async (_, run, expected) => {
		const outputs = await runPerItem(fakeContext(input), async (index) => run(index));
		expect(outputs).toEqual(expected);
	});

	test('routed items go to their output', async () => {
		const outputs = await runPerItem(
			fakeContext(input),
			async (index, item) => routed(index % 2, { json: { ...item.json } }),
			{ outputs: 3 },
		);
		expect(outputs.map((output) => output.map((item) => item.json.n))).toEqual([[0, 2], [1], []]);
	});
});

describe('runPerItem: failures', () => {
	const failing = (thrown: unknown) => async (index: number) => {
		if (index === 1) throw thrown;
		return { json: { ok: index } };
	};

	test('without Continue On Fail the first failure stops the node, mapped and with its item index', async () => {
		const run = runPerItem(fakeContext(input), failing(new StoreError('disk full')));
		await expect(run).rejects.toBeInstanceOf(NodeOperationError);
		await expect(run).rejects.toMatchObject({
			message: 'The WhatsUrp store failed: disk full',
			context: { itemIndex: 1 },
		});
	});

	test.each<[string, unknown, IDataObject]>([
		[
			'a Cloud API refusal: Meta’s code and the Italian hint',
			MetaApiError.fromResponse(400, { error: { code: 131026, message: 'Message undeliverable' } }),
			{ error: expect.stringMatching(/131026/), errorHint: expect.any(String), errorCode: 131026 },
		],
		[
			'a store failure: the store’s code',
			new StoreError('connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
			{
				error: expect.stringMatching(/refused the connection/),
				errorHint: expect.stringMatching(/^connect ECONNREFUSED\. .*credenziale «WhatsUrp Store»/),
				errorCode: 'ECONNREFUSED',
			},
		],
		['an unexpected error: its message only', new Error('boom'), { error: 'boom' }],
		['a thrown string', 'just words', { error: 'just words' }],
		['a thrown null', null, { error: 'Unknown error (null)' }],
		[
			'an error carrying details: they join the item',
			withDetails(
				new NodeOperationError(fakeContext([]).getNode(), 'stopped', { description: 'Fermato.' }),
				{
					sent: 5,
					remaining: 10,
				},
			),
			{ error: 'stopped', errorHint: 'Fermato.', sent: 5, remaining: 10 },
		],
		[
			'details cannot replace error or errorHint',
			withDetails(new Error('real'), { error: 'fake', errorHint: 'fake' }),
			{ error: 'real' },
		],
	])('under Continue On Fail, %s', async (_, thrown, fields) => {
		const outputs = await runPerItem(fakeContext(input, true), failing(thrown));
		expect(outputs).toHaveLength(1);
		const [first, failed, last] = outputs[0];
		expect(first).toEqual({ json: { ok: 0 }, pairedItem: { item: 0 } });
		expect(last).toEqual({ json: { ok: 2 }, pairedItem: { item: 2 } });
		// the one shape: the input's json and files, then error, errorHint?, errorCode?
		expect(failed).toEqual({ json: { n: 1, ...fields }, binary, pairedItem: { item: 1 } });
		expect(
			Object.keys(failed.json)
				.filter((key) => key.startsWith('error'))
				.sort(),
		).toEqual(
			Object.keys(fields)
				.filter((key) => key.startsWith('error'))
				.sort(),
		);
	});

	test('an input field named error is replaced by the failure, not kept', async () => {
		const outputs = await runPerItem(
			fakeContext([{ json: { error: 'old', errorHint: 'old', errorCode: 1 } }], true),
			async () => {
				throw new Error('new');
			},
		);
		expect(outputs[0][0].json).toEqual({ error: 'new' });
	});

	test('a failed item goes to the error output of a routing node', async () => {
		const outputs = await runPerItem(fakeContext(input, true), failing(new Error('x')), {
			outputs: 4,
			errorOutput: 3,
		});
		expect(outputs.map((output) => output.length)).toEqual([2, 0, 0, 1]);
		expect(outputs[3][0]).toMatchObject({ json: { n: 1, error: 'x' }, pairedItem: { item: 1 } });
	});

	test('the parameter label names the parameter of a validation error', async () => {
		const { CommandConfigError } = await import('../../../nodes/core/commands');
		const outputs = await runPerItem(
			fakeContext([{ json: {} }], true),
			async () => {
				throw new CommandConfigError('subscribeKeyword', 'The subscribe keyword is empty');
			},
			{ parameterLabel: () => 'Subscribe Keyword' },
		);
		expect(outputs[0][0].json.errorHint).toBe(
			'Controllare il parametro «Subscribe Keyword» (subscribeKeyword).',
		);
	});
});

describe('runForAllItems: one item for all', () => {
	const pairedItem = [{ item: 0 }, { item: 1 }, { item: 2 }];

	test('the result paired with every input item', async () => {
		expect(await runForAllItems(fakeContext(input), async () => ({ recorded: 3 }))).toEqual([
			[{ json: { recorded: 3 }, pairedItem }],
		]);
	});

	test('a failure: thrown mapped, or under Continue On Fail one item in the same shape', async () => {
		const fail = async () => {
			throw new StoreError('disk full');
		};
		await expect(runForAllItems(fakeContext(input), fail)).rejects.toEqual(
			toNodeError(fakeContext([]), new StoreError('disk full')),
		);
		expect(await runForAllItems(fakeContext(input, true), fail)).toEqual([
			[
				{
					json: {
						error: 'The WhatsUrp store failed: disk full',
						errorHint: expect.stringMatching(/non è stato modificato nulla/),
					},
					pairedItem,
				},
			],
		]);
	});
});
