import {
	CommandConfigError,
	DEFAULT_COMMAND_CONFIG,
	parseCommand,
	validateCommandConfig,
	type CommandConfig,
} from '../../../nodes/core/commands';

const base = (): CommandConfig =>
	JSON.parse(JSON.stringify(DEFAULT_COMMAND_CONFIG)) as CommandConfig;

describe('validateCommandConfig', () => {
	test('the defaults are valid', () => {
		expect(() => validateCommandConfig(DEFAULT_COMMAND_CONFIG)).not.toThrow();
		expect(() => validateCommandConfig(base())).not.toThrow();
	});

	test.each<[string, (config: CommandConfig) => void, string, RegExp]>([
		['an empty subscribe keyword', (c) => (c.subscribeKeyword = ''), 'subscribeKeyword', /empty/],
		[
			'a blank unsubscribe keyword',
			(c) => (c.unsubscribeKeyword = '   '),
			'unsubscribeKeyword',
			/empty/,
		],
		[
			'a keyword of punctuation only',
			(c) => (c.subscribeKeyword = '!!! 👍'),
			'subscribeKeyword',
			/no letters/,
		],
		[
			'a keyword that is not text',
			(c) => (c.subscribeKeyword = 42 as unknown as string),
			'subscribeKeyword',
			/must be text/,
		],
		[
			'subscribe = unsubscribe',
			(c) => (c.unsubscribeKeyword = 'iscrizione on'),
			'unsubscribeKeyword',
			/same word/,
		],
		[
			'subscribe = unsubscribe once folded',
			(c) => (c.unsubscribeKeyword = 'ÌSCRIZIONEON'),
			'unsubscribeKeyword',
			/subscribe keyword/,
		],
		['no accept keyword', (c) => (c.acceptKeywords = []), 'acceptKeywords', /at least one/],
		[
			'accept keywords not a list',
			(c) => (c.acceptKeywords = 'ACCETTO' as unknown as string[]),
			'acceptKeywords',
			/must be a list/,
		],
		[
			'an empty accept keyword',
			(c) => (c.acceptKeywords = ['ACCETTO', '']),
			'acceptKeywords[1]',
			/empty/,
		],
		[
			'an accept keyword that is also an opt-out word',
			(c) => (c.optOutSynonyms = ['STOP', 'accetto']),
			'optOutSynonyms[1]',
			/ACCETTO|accept keyword/,
		],
		[
			'an opt-out word equal to the subscribe keyword',
			(c) => (c.optOutSynonyms = ['iscrizione on']),
			'optOutSynonyms[0]',
			/subscribe keyword/,
		],
		['an empty opt-out word', (c) => (c.optOutSynonyms = [' ']), 'optOutSynonyms[0]', /empty/],
		['no list', (c) => (c.lists = []), 'lists', /at least one/],
		['a list without name', (c) => (c.lists[0].name = ''), 'lists[0].name', /empty/],
		[
			'a list that is not an object',
			(c) => (c.lists = ['EMERGENZE' as unknown as CommandConfig['lists'][0]]),
			'lists[0]',
			/object/,
		],
		[
			'two lists with one name',
			(c) => (c.lists[1].name = 'emergenze'),
			'lists[1].name',
			/EMERGENZE/,
		],
		[
			'an alias naming another list',
			(c) => c.lists[1].aliases.push('EMERGENZA'),
			'lists[1].aliases[5]',
			/already names the list "EMERGENZE"/,
		],
		[
			'a later list named like an earlier alias once folded',
			(c) => (c.lists[0].aliases = ['Pubblica Utilità']),
			'lists[1].name',
			/already names the list "EMERGENZE"/,
		],
		['an empty alias', (c) => (c.lists[0].aliases = ['']), 'lists[0].aliases[0]', /empty/],
		[
			'aliases not a list',
			(c) => (c.lists[0].aliases = 'EMERGENZA' as unknown as string[]),
			'lists[0].aliases',
			/must be a list/,
		],
		['a list name with #', (c) => (c.lists[0].name = '#EMERGENZE'), 'lists[0].name', /#/],
		[
			'an alias with a comma',
			(c) => (c.lists[0].aliases = ['A, B']),
			'lists[0].aliases[0]',
			/separate lists/,
		],
		[
			'a list named like a connector',
			(c) => (c.lists[0].aliases = ['E']),
			'lists[0].aliases[0]',
			/joins/,
		],
		['a list named TUTTE', (c) => (c.lists[0].name = 'tutte'), 'lists[0].name', /all lists/],
		[
			'a display name that is not text',
			(c) => (c.lists[0].display = 1 as unknown as string),
			'lists[0].display',
			/must be text/,
		],
		[
			'report keywords not a list',
			(c) => (c.reportKeywords = 'buca' as unknown as string[]),
			'reportKeywords',
			/must be a list/,
		],
		[
			'an empty report keyword',
			(c) => (c.reportKeywords = ['buca', '']),
			'reportKeywords[1]',
			/empty/,
		],
		['a lone * as report keyword', (c) => (c.reportKeywords = ['*']), 'reportKeywords[0]', /empty/],
		[
			'a * inside a report keyword',
			(c) => (c.reportKeywords = ['se*gnala']),
			'reportKeywords[0]',
			/\* may only end/,
		],
	])('%s → CommandConfigError on %s', (_label, change, field, message) => {
		const config = base();
		change(config);
		let caught: unknown;
		try {
			validateCommandConfig(config);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(CommandConfigError);
		expect((caught as CommandConfigError).field).toBe(field);
		expect((caught as CommandConfigError).message).toMatch(message);
		expect((caught as CommandConfigError).name).toBe('CommandConfigError');
	});

	test('a configuration that is not an object', () => {
		expect(() => validateCommandConfig(null as unknown as CommandConfig)).toThrow(
			CommandConfigError,
		);
	});

	test('harmless repetitions are allowed', () => {
		const config = base();
		config.acceptKeywords = ['ACCETTO', 'accetto', 'Accettò'];
		config.optOutSynonyms = ['STOP', 'stop', 'ISCRIZIONE OFF'];
		config.lists[0].aliases = ['EMERGENZA', 'emergenza', 'EMERGENZE'];
		config.reportKeywords = [];
		expect(() => validateCommandConfig(config)).not.toThrow();
	});

	test('parseCommand refuses an invalid configuration with the same error', () => {
		const config = base();
		config.subscribeKeyword = '';
		expect(() => parseCommand('ISCRIZIONE ON', config)).toThrow(CommandConfigError);
	});
});
