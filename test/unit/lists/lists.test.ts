/** core/lists: one spelling of a list for every node and the store; which list a broadcast reaches. */
import { parseCommand } from '../../../nodes/core/commands';
import {
	italianListOfLists,
	listKey,
	listKeys,
	needsApproval,
	resolveBroadcastList,
	UnknownListError,
} from '../../../nodes/core/lists';
import { listNamesFromText } from '../../../nodes/core/store';

describe('listKey: every spelling of a list is one name', () => {
	test.each([
		['EMERGENZE', 'EMERGENZE'],
		['emergenze', 'EMERGENZE'],
		['#EMERGENZE', 'EMERGENZE'],
		['##emergenze', 'EMERGENZE'],
		['  # Emergenze  ', 'EMERGENZE'],
		["PUBBLICAUTILITA'", 'PUBBLICAUTILITA'],
		["#PUBBLICAUTILITA'", 'PUBBLICAUTILITA'],
		['PUBBLICAUTILITÀ', 'PUBBLICAUTILITA'],
		['pubblica utilità', 'PUBBLICAUTILITA'],
		['Pubblica-Utilita’', 'PUBBLICAUTILITA'],
		['#Viabilità', 'VIABILITA'],
		['VIABILITA\u200B', 'VIABILITA'],
		['ＥＭＥＲＧＥＮＺＥ', 'EMERGENZE'],
		['\u0415MERGENZE', 'EMERGENZE'], // Cyrillic Е
		['🚨 EMERGENZE 🚨', 'EMERGENZE'],
		['', ''],
		['   ', ''],
		['#', ''],
		["'''", ''],
		['🚨', ''],
	])('%p → %p', (text, key) => {
		expect(listKey(text)).toBe(key);
	});

	test.each([[null], [undefined], [42], [{}], [['EMERGENZE']], ['E'.repeat(10_000)]])(
		'hostile input %#: no list, no throw',
		(value) => {
			expect(listKey(value)).toBe('');
		},
	);

	test('the Command node names the lists with the same keys', () => {
		const config = {
			subscribeKeyword: 'ISCRIZIONE ON',
			unsubscribeKeyword: 'ISCRIZIONE OFF',
			acceptKeywords: ['ACCETTO'],
			optOutSynonyms: [],
			reportKeywords: [],
			lists: [
				{ name: "PubblicaUtilità'", aliases: [] },
				{ name: 'Viabilità', aliases: ['TRAFFICO'] },
			],
		};
		expect(parseCommand('ISCRIZIONE ON #traffico', config).lists).toEqual(['VIABILITA']);
		expect(parseCommand('ISCRIZIONE ON', config).lists).toEqual(['PUBBLICAUTILITA', 'VIABILITA']);
	});

	test("the Subscribers node's Lists field gives the same keys", () => {
		expect(listNamesFromText("#emergenze, PUBBLICAUTILITA', pubblica utilità")).toEqual([
			'EMERGENZE',
			'PUBBLICAUTILITA',
		]);
	});
});

describe('listKeys: a text field of lists', () => {
	test.each([
		["EMERGENZE, PUBBLICAUTILITA'", ['EMERGENZE', 'PUBBLICAUTILITA']],
		['#emergenze; #viabilità\n#EMERGENZE', ['EMERGENZE', 'VIABILITA']],
		[' , ;', []],
		['', []],
		[undefined, []],
		[42, []],
	])('%p → %p', (text, keys) => {
		expect(listKeys(text)).toEqual(keys);
	});
});

describe('resolveBroadcastList: the list trap', () => {
	const known = { subscribed: ['EMERGENZE', 'PUBBLICAUTILITA'], defined: [] };

	test.each([
		["PUBBLICAUTILITA'", 'PUBBLICAUTILITA'],
		["#PUBBLICAUTILITA'", 'PUBBLICAUTILITA'],
		['pubblica utilità', 'PUBBLICAUTILITA'],
		['#emergenze', 'EMERGENZE'],
	])('%p reaches %p', (requested, list) => {
		expect(resolveBroadcastList(requested, known)).toBe(list);
	});

	test("rows of an older spelling (PUBBLICAUTILITA') are still reached; the canonical one wins", () => {
		expect(
			resolveBroadcastList('pubblica utilità', { subscribed: ["PUBBLICAUTILITA'"], defined: [] }),
		).toBe("PUBBLICAUTILITA'");
		expect(
			resolveBroadcastList('pubblica utilità', {
				subscribed: ["PUBBLICAUTILITA'", 'PUBBLICAUTILITA'],
				defined: [],
			}),
		).toBe('PUBBLICAUTILITA');
	});

	test('a defined list nobody has subscribed to yet is accepted', () => {
		expect(
			resolveBroadcastList('#VIABILITA', { subscribed: [], defined: ['EMERGENZE', 'Viabilità'] }),
		).toBe('VIABILITA');
	});

	test.each([['VIABILTA'], ['EMERGENZA'], [''], ['#'], [null], [42]])(
		'%p is refused, naming the lists that exist',
		(requested) => {
			let error: unknown;
			try {
				resolveBroadcastList(requested, { ...known, defined: ['VIABILITA'] });
			} catch (caught) {
				error = caught;
			}
			expect(error).toBeInstanceOf(UnknownListError);
			const unknown = error as UnknownListError;
			expect(unknown.existing).toEqual(['EMERGENZE', 'PUBBLICAUTILITA', 'VIABILITA']);
			expect(unknown.message).toContain('EMERGENZE, PUBBLICAUTILITA, VIABILITA');
			expect(unknown.hintIt).toContain(
				'Le liste esistenti sono #EMERGENZE, #PUBBLICAUTILITA e #VIABILITA.',
			);
		},
	);

	test('no list at all: says so', () => {
		expect(() => resolveBroadcastList('EMERGENZE', { subscribed: [], defined: [] })).toThrow(
			/no list is defined/,
		);
	});

	test('a very long name is cut in the message', () => {
		expect(() => resolveBroadcastList('X'.repeat(200), known)).toThrow(/X{57}\.\.\."/);
	});
});

describe('needsApproval', () => {
	test.each([
		['EMERGENZE', 'EMERGENZE', true],
		['EMERGENZE', '#emergenze', true],
		['VIABILITA', 'EMERGENZE, #Viabilità', true],
		['PUBBLICAUTILITA', 'EMERGENZE', false],
		['EMERGENZE', '', false],
		['', 'EMERGENZE', false],
		['EMERGENZE', undefined, false],
	])('%p with %p → %p', (list, approval, expected) => {
		expect(needsApproval(list, approval)).toBe(expected);
	});
});

test('italianListOfLists', () => {
	expect(italianListOfLists([])).toBe('nessuna');
	expect(italianListOfLists(['A'])).toBe('#A');
	expect(italianListOfLists(['A', 'B'])).toBe('#A e #B');
	expect(italianListOfLists(['A', 'B', 'C'])).toBe('#A, #B e #C');
});
