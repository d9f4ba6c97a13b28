/**
 * The WhatsUrp Subscribers node over a real SQLite store: every operation from a trigger-shaped item,
 * what it outputs for the reply, and its errors. (Both backends are covered in test/unit/store.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { WhatsUrpStore } from '../../credentials/WhatsUrpStore.credentials';
import { WhatsUrpSubscribers } from '../../nodes/WhatsUrpSubscribers/WhatsUrpSubscribers.node';
import { runNode, TestNodeTypes, type TestCredentials } from '../helpers/runWorkflow';

const TYPE = 'n8n-nodes-whatsurp.whatsUrpSubscribers';
const nodeTypes = new TestNodeTypes({ [TYPE]: new WhatsUrpSubscribers() });

let folder: string;
let credentials: TestCredentials;

beforeEach(() => {
	folder = mkdtempSync(join(tmpdir(), 'whatsurp-subscribers-'));
	credentials = {
		whatsUrpStore: {
			data: { backend: 'sqlite', path: join(folder, 'store.sqlite') },
			type: new WhatsUrpStore(),
		},
	};
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

let sequence = 0;
/** An item as it leaves the WhatsUrp Command node. */
function commandItem(
	lists: string[],
	extra: IDataObject = {},
	minute = sequence++,
): INodeExecutionData {
	return {
		json: {
			event: 'message',
			messageId: `wamid.M${minute}-${Math.random()}`,
			from: { waId: '393331234567', name: 'Maria Rossi' },
			timestamp: new Date(Date.UTC(2026, 2, 3, 9, minute)).toISOString(),
			type: 'text',
			command: { action: 'subscribe', lists, unknownLists: [], raw: '' },
			...extra,
		},
	};
}

async function run(parameters: IDataObject, input: INodeExecutionData[], continueOnFail = false) {
	return await runNode(nodeTypes, TYPE, parameters as INodeParameters, input, {
		credentials,
		continueOnFail,
	});
}

async function single(parameters: IDataObject, item: INodeExecutionData): Promise<IDataObject> {
	const [output] = (await run(parameters, [item])).outputs();
	expect(output).toHaveLength(1);
	return output[0].json;
}

describe('WhatsUrp Subscribers node', () => {
	test('request → pending, keeps the input fields for the reply', async () => {
		const json = await single({ operation: 'requestSubscription' }, commandItem(['EMERGENZE']));
		expect(json).toMatchObject({
			outcome: 'pending',
			changedLists: ['EMERGENZE'],
			pendingLists: ['EMERGENZE'],
			activeLists: [],
			from: { waId: '393331234567' },
		});
		expect((json.subscriber as IDataObject).displayName).toBe('Maria Rossi');
	});

	test("lists typed by staff in Lists or the count's filter are spelt as the Command node spells them", async () => {
		const json = await single(
			{ operation: 'requestSubscription', lists: "#Pubblica Utilità', viabilità" },
			commandItem([]),
		);
		expect(json.changedLists).toEqual(['PUBBLICAUTILITA', 'VIABILITA']);
		const [counted] = (
			await run({ operation: 'count', filterList: "#pubblicautilita'", filterState: 'any' }, [
				{ json: {} },
			])
		).outputs();
		expect(counted.map((item) => item.json)).toEqual([
			{ list: 'PUBBLICAUTILITA', state: 'pending', count: 1 },
		]);
	});

	test('request → accept → unsubscribe, the whole journey', async () => {
		await single(
			{ operation: 'requestSubscription' },
			commandItem(['EMERGENZE', 'PUBBLICAUTILITA']),
		);
		const accepted = await single({ operation: 'confirmConsent' }, commandItem([]));
		expect(accepted).toMatchObject({
			outcome: 'activated',
			activeLists: ['EMERGENZE', 'PUBBLICAUTILITA'],
		});
		const again = await single({ operation: 'requestSubscription' }, commandItem(['EMERGENZE']));
		expect(again.outcome).toBe('alreadyActive');
		const off = await single({ operation: 'unsubscribe' }, commandItem(['EMERGENZE']));
		expect(off).toMatchObject({
			outcome: 'cancelled',
			changedLists: ['EMERGENZE'],
			activeLists: ['PUBBLICAUTILITA'],
		});
		const all = await single({ operation: 'unsubscribe', lists: '' }, commandItem([]));
		expect(all).toMatchObject({ outcome: 'cancelled', activeLists: [] });
		const nothing = await single({ operation: 'unsubscribe', lists: '' }, commandItem([]));
		expect(nothing.outcome).toBe('notSubscribed');
	});

	test('placeholders: {liste} is what the reply is about; earlier placeholders are kept', async () => {
		const requested = await single(
			{ operation: 'requestSubscription' },
			commandItem(['EMERGENZE', 'PUBBLICAUTILITA'], { placeholders: { pratica: 4 } }),
		);
		expect(requested.placeholders).toEqual({
			pratica: 4,
			liste: '#EMERGENZE e #PUBBLICAUTILITA',
		});
		const accepted = await single({ operation: 'confirmConsent' }, commandItem([]));
		expect(accepted.placeholders).toEqual({ liste: '#EMERGENZE e #PUBBLICAUTILITA' });
		const again = await single({ operation: 'requestSubscription' }, commandItem(['EMERGENZE']));
		expect(again).toMatchObject({
			outcome: 'alreadyActive',
			placeholders: { liste: '#EMERGENZE e #PUBBLICAUTILITA' },
		});
		const more = await single({ operation: 'requestSubscription' }, commandItem(['METEO']));
		expect(more).toMatchObject({ outcome: 'pending', placeholders: { liste: '#METEO' } });
		const off = await single({ operation: 'unsubscribe' }, commandItem(['PUBBLICAUTILITA']));
		expect(off).toMatchObject({
			outcome: 'cancelled',
			placeholders: { liste: '#PUBBLICAUTILITA' },
		});
		const nothing = await single({ operation: 'unsubscribe' }, commandItem(['PUBBLICAUTILITA']));
		expect(nothing).toMatchObject({ outcome: 'notSubscribed', placeholders: { liste: '' } });
		const meteo = await single({ operation: 'confirmConsent' }, commandItem([]));
		expect(meteo).toMatchObject({ outcome: 'activated', placeholders: { liste: '#METEO' } });
	});

	test('placeholders that are not an object are replaced, not spread', async () => {
		for (const placeholders of ['testo', ['a'], null, 7]) {
			const json = await single(
				{ operation: 'requestSubscription' },
				commandItem(['EMERGENZE'], { placeholders }),
			);
			expect(json.placeholders).toEqual({ liste: '#EMERGENZE' });
		}
	});

	test('ACCETTO without a request → nothingPending; a request older than the limit → expired', async () => {
		expect((await single({ operation: 'confirmConsent' }, commandItem([]))).outcome).toBe(
			'nothingPending',
		);
		await single({ operation: 'requestSubscription' }, commandItem(['EMERGENZE'], {}, 0));
		const late = commandItem([], { timestamp: '2026-03-20T09:00:00.000Z' });
		expect(
			(await single({ operation: 'confirmConsent', options: { pendingTtlHours: 24 } }, late))
				.outcome,
		).toBe('expired');
	});

	test('the same message delivered twice is applied once', async () => {
		const item = commandItem(['EMERGENZE']);
		await single({ operation: 'requestSubscription' }, item);
		const repeat = await single({ operation: 'requestSubscription' }, item);
		expect(repeat.changedLists).toEqual([]);
		const exported = await single({ operation: 'export' }, item);
		const requests = (exported.auditEvents as IDataObject[]).filter(
			(event) => event.action === 'request',
		);
		expect(requests).toHaveLength(1);
	});

	test('get, getMany (paged and all) and count', async () => {
		for (let i = 0; i < 7; i++) {
			await single(
				{ operation: 'import', consentAt: '2025-06-01T10:00:00+02:00' },
				commandItem(['EMERGENZE'], {
					from: { waId: `3933300000${i.toString().padStart(2, '0')}` },
				}),
			);
		}
		const got = await single({ operation: 'get', waId: '393330000003' }, { json: {} });
		expect(got).toMatchObject({ found: true, subscriber: { waId: '393330000003' } });
		const [limited] = (
			await run({ operation: 'getMany', filterList: '#emergenze', limit: 5 }, [{ json: {} }])
		).outputs();
		expect(limited).toHaveLength(5);
		const [all] = (
			await run({ operation: 'getMany', filterList: 'EMERGENZE', returnAll: true }, [{ json: {} }])
		).outputs();
		expect(all.map((item) => item.json.waId)).toHaveLength(7);
		const [counts] = (
			await run({ operation: 'count', filterState: 'any' }, [{ json: {} }])
		).outputs();
		expect(counts.map((item) => item.json)).toEqual([
			{ list: 'EMERGENZE', state: 'active', count: 7 },
		]);
	});

	test('erase removes the citizen: get finds nothing, the audit keeps an anonymous id', async () => {
		await single({ operation: 'requestSubscription' }, commandItem(['EMERGENZE']));
		const erased = await single({ operation: 'erase' }, commandItem([]));
		expect(erased.erased).toBe(true);
		expect(String(erased.anonymousId)).toMatch(/^anon:[0-9a-f]{32}$/);
		expect((await single({ operation: 'get' }, commandItem([]))).found).toBe(false);
	});

	test('an item without a citizen is refused with what to set; under Continue On Fail it carries the error', async () => {
		const noCitizen: INodeExecutionData = { json: { text: 'ciao' } };
		const failed = await run({ operation: 'requestSubscription', lists: 'EMERGENZE' }, [noCitizen]);
		expect(failed.error()?.message).toMatch(/names no citizen/);
		const [kept] = (
			await run({ operation: 'requestSubscription', lists: 'EMERGENZE' }, [noCitizen], true)
		).outputs();
		expect(kept[0].json).toMatchObject({
			text: 'ciao',
			error: expect.stringMatching(/names no citizen/),
		});
		expect(kept[0].pairedItem).toEqual({ item: 0 });
	});

	test('a request without lists and a bad message time are refused clearly', async () => {
		const noLists = await run({ operation: 'requestSubscription' }, [commandItem([])]);
		expect(noLists.error()?.message).toMatch(/No list/);
		const badTime = await run({ operation: 'requestSubscription' }, [
			commandItem(['EMERGENZE'], { timestamp: 'ieri' }),
		]);
		expect(badTime.error()?.message).toMatch(/Message Time is not a date-time/);
	});

	test('a store that cannot be opened is reported, naming the file', async () => {
		// a regular file where the folder should be
		writeFileSync(join(folder, 'not-a-folder'), 'x');
		const path = join(folder, 'not-a-folder', 'store.sqlite');
		credentials.whatsUrpStore.data = { backend: 'sqlite', path };
		const result = await run({ operation: 'get' }, [commandItem([])]);
		expect(result.error()?.message).toContain(`SQLite store (${path})`);
	});
});
