/** listNamesFromText: the "Lists" field of the Subscribers node, as staff or an expression fill it. */
import { listNamesFromText } from '../../../nodes/core/store';

test.each([
	['EMERGENZE,PUBBLICAUTILITA', ['EMERGENZE', 'PUBBLICAUTILITA']],
	['#emergenze, #PubblicaUtilita', ['EMERGENZE', 'PUBBLICAUTILITA']],
	['##EMERGENZE', ['EMERGENZE']],
	['# EMERGENZE', ['EMERGENZE']],
	['EMERGENZE,emergenze,#EMERGENZE', ['EMERGENZE']],
	[' , ,', []],
	['', []],
	['#', []],
])('%p → %p', (text, expected) => {
	expect(listNamesFromText(text)).toEqual(expected);
});
