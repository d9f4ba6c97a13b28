/**
 * Payload builders: every valid body is checked against Meta's OpenAPI spec (through
 * test/helpers/metaSchema), every limit at the limit and one past it, emoji counted as WhatsApp does.
 */
import {
	buildButtonsMessage,
	buildListMessage,
	buildMarkAsRead,
	buildMediaMessage,
	buildTemplateMessage,
	buildTextMessage,
	countCharacters,
	MessageValidationError,
	normalizeWaId,
	recipientFields,
	type ButtonsMessageOptions,
	type ListMessageOptions,
	type ListSection,
	type MediaKind,
	type MediaMessageOptions,
	type RecipientInput,
	type TemplateMessageOptions,
	parseRecipient,
} from '../../../nodes/core/whatsapp/messages';
import { validateOutgoingMessage } from '../../helpers/metaSchema';

const TO = '393331234567';
const THUMBS_UP = '👍'; // one code point, two UTF-16 units

function expectSpecValid(body: unknown): void {
	const check = validateOutgoingMessage(body);
	expect(check.errors).toEqual([]);
	expect(check.valid).toBe(true);
}

function validationError(build: () => unknown): MessageValidationError {
	try {
		build();
	} catch (error) {
		expect(error).toBeInstanceOf(MessageValidationError);
		return error as MessageValidationError;
	}
	throw new Error('expected a MessageValidationError');
}

/** Untyped input, as a node would pass from user-edited JSON. */
function loose<T>(value: unknown): T {
	return value as T;
}

describe('countCharacters', () => {
	test.each([
		['', 0],
		['ciao', 4],
		[THUMBS_UP, 1],
		['👍🏽', 2], // emoji + skin-tone modifier
		['🇮🇹', 2], // flag: two regional indicators
		['è', 1],
	])('%j has %i code points', (text, expected) => {
		expect(countCharacters(text)).toBe(expected);
	});
});

describe('recipients', () => {
	test.each<[RecipientInput, Record<string, string>]>([
		['393331234567', { to: '393331234567' }],
		['+39 333 123-4567', { to: '393331234567' }],
		['+39 333-123 45 67', { to: '393331234567' }],
		['12345678', { to: '12345678' }],
		['123456789012345', { to: '123456789012345' }],
		[{ waId: '+393331234567' }, { to: '393331234567' }],
		[{ waId: '393331234567', userId: 'IT.1502576394655843' }, { to: '393331234567' }],
		[{ waId: '', userId: 'IT.1502576394655843' }, { recipient: 'IT.1502576394655843' }],
		[{ userId: 'IT.1502576394655843' }, { recipient: 'IT.1502576394655843' }],
	])('%j → %j', (input, expected) => {
		expect(recipientFields(input)).toEqual(expected);
	});

	test.each<[string, unknown, string, RegExp]>([
		['7 digits', '1234567', 'to.waId', /has 7 digits; a WhatsApp number has 8 to 15/],
		['16 digits', '1234567890123456', 'to.waId', /has 16 digits/],
		['letters', '+39 333 abc', 'to.waId', /must contain only digits/],
		['dots', '39.333.1234567', 'to.waId', /must contain only digits/],
		['00 prefix', '00393331234567', 'to.waId', /country code .* not with 0 or 00/],
		['local number', '0541704111', 'to.waId', /country code/],
		['empty string', '', 'to.waId', /must not be empty/],
		['blank', '   ', 'to.waId', /must not be empty/],
		['a number', 393331234567, 'to', /must be an object, got number 393331234567/],
		['waId as number', { waId: 393331234567 }, 'to.waId', /must be a string, got number/],
		['null', null, 'to', /must be an object, got null/],
		['neither', {}, 'to', /needs a phone number \(waId\) or a business-scoped user id \(userId\)/],
		['userId with space', { userId: 'IT 150' }, 'to.userId', /must not contain spaces/],
		['userId number', { userId: 150 }, 'to.userId', /must be a string/],
	])('%s is refused', (_name, input, field, message) => {
		const error = validationError(() => buildTextMessage(loose(input), { body: 'x' }));
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
		expect(error.hintIt.length).toBeGreaterThan(10);
	});

	test('Italian hint for a number with 00', () => {
		expect(validationError(() => normalizeWaId('0039 333 1234567')).hintIt).toBe(
			'Il numero del destinatario ("0039 333 1234567") deve iniziare con il prefisso internazionale senza 00 (per l\'Italia 39, es. 393331234567).',
		);
	});

	test.each([
		['IT.1502576394655843', { userId: 'IT.1502576394655843' }],
		['  US.ENT.11815799212886844830 ', { userId: 'US.ENT.11815799212886844830' }],
		['393331234567', { waId: '393331234567' }],
		['+39 333 123 4567', { waId: '+39 333 123 4567' }],
		['it.150', { waId: 'it.150' }],
		['IT.', { waId: 'IT.' }],
		[393331234567, { waId: '393331234567' }],
		[undefined, { waId: '' }],
	])('parseRecipient(%p) → %p', (value, expected) => {
		expect(parseRecipient(value)).toEqual(expected);
	});

	test('a BSUID-only recipient gets `recipient` and no `to`', () => {
		const body = buildTextMessage({ userId: 'IT.1502576394655843' }, { body: 'Buongiorno' });
		expect(body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			recipient: 'IT.1502576394655843',
			type: 'text',
			text: { body: 'Buongiorno' },
		});
		expect('to' in body).toBe(false);
	});
});

describe('buildTextMessage', () => {
	test.each<[string, Parameters<typeof buildTextMessage>[1], Record<string, unknown>]>([
		[
			'plain',
			{ body: 'Buongiorno, come possiamo aiutarla?' },
			{ body: 'Buongiorno, come possiamo aiutarla?' },
		],
		[
			'preview',
			{ body: 'https://www.comune.rimini.it', previewUrl: true },
			{ body: 'https://www.comune.rimini.it', preview_url: true },
		],
		['preview off', { body: 'x', previewUrl: false }, { body: 'x', preview_url: false }],
		['4096 characters', { body: 'a'.repeat(4096) }, { body: 'a'.repeat(4096) }],
		[
			'4096 emoji (8192 UTF-16 units)',
			{ body: THUMBS_UP.repeat(4096) },
			{ body: THUMBS_UP.repeat(4096) },
		],
		[
			'HTML verbatim',
			{ body: '<script>alert(1)</script> & <b>' },
			{ body: '<script>alert(1)</script> & <b>' },
		],
		[
			'spaces and new lines kept',
			{ body: '  Orari:\n\tlun 9-13  ' },
			{ body: '  Orari:\n\tlun 9-13  ' },
		],
		['markdown kept', { body: '*grassetto* _corsivo_' }, { body: '*grassetto* _corsivo_' }],
	])('%s', (_name, options, text) => {
		const body = buildTextMessage(TO, options);
		expect(body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: TO,
			type: 'text',
			text,
		});
		expectSpecValid(body);
	});

	test('replyTo becomes context.message_id', () => {
		const body = buildTextMessage(TO, {
			body: 'Sì',
			replyTo: 'wamid.HBgLMzkzMzMxMjM0NTY3FQIAEhgg',
		});
		expect(body.context).toEqual({ message_id: 'wamid.HBgLMzkzMzMxMjM0NTY3FQIAEhgg' });
		expectSpecValid(body);
	});

	test.each<[string, unknown, string, string]>([
		[
			'4097 characters',
			{ body: 'a'.repeat(4097) },
			'body',
			'is 4097 characters; WhatsApp allows at most 4096',
		],
		[
			'4097 emoji',
			{ body: THUMBS_UP.repeat(4097) },
			'body',
			'is 4097 characters; WhatsApp allows at most 4096',
		],
		['empty', { body: '' }, 'body', 'Text body must not be empty'],
		['blank', { body: ' \n ' }, 'body', 'Text body must not be empty'],
		['missing', {}, 'body', 'Text body is required'],
		['number', { body: 42 }, 'body', 'Text body must be a string, got number 42'],
		['NUL byte', { body: 'ciao\u0000' }, 'body', 'contains a NUL character'],
		[
			'previewUrl string',
			{ body: 'x', previewUrl: 'yes' },
			'previewUrl',
			'must be true or false, got "yes"',
		],
		[
			'replyTo with spaces',
			{ body: 'x', replyTo: ' wamid.1' },
			'replyTo',
			'must not start or end with spaces',
		],
		['options not an object', 'ciao', 'options', 'must be an object, got "ciao"'],
	])('%s is refused', (_name, options, field, message) => {
		const error = validationError(() => buildTextMessage(TO, loose(options)));
		expect(error.field).toBe(field);
		expect(error.message).toContain(message);
	});

	test('Italian hint of a too long text', () => {
		const error = validationError(() => buildTextMessage(TO, { body: 'a'.repeat(4097) }));
		expect(error.hintIt).toMatch(
			/^Il testo del messaggio \(".*\.\.\."\) ha 4097 caratteri: WhatsApp ne consente al massimo 4096\.$/,
		);
	});
});

describe('buildTemplateMessage', () => {
	const base = {
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		to: TO,
		type: 'template',
	};

	test('name and language only', () => {
		const body = buildTemplateMessage(TO, { name: 'hello_world', language: 'it' });
		expect(body).toEqual({
			...base,
			template: { name: 'hello_world', language: { policy: 'deterministic', code: 'it' } },
		});
		expectSpecValid(body);
	});

	test('header, body and button parameters', () => {
		const body = buildTemplateMessage(TO, {
			name: 'avviso_allerta_meteo',
			language: 'it_IT',
			headerParameters: ['Allerta arancione'],
			bodyParameters: ['Rimini', 'martedì 4 novembre', '    quattro spazi ok'],
			buttonParameters: [
				{ index: 0, subType: 'quick_reply', value: 'STOP_ALLERTE' },
				{ index: 1, subType: 'url', value: 'allerta/2025-11-04' },
			],
		});
		expect(body.template).toEqual({
			name: 'avviso_allerta_meteo',
			language: { policy: 'deterministic', code: 'it_IT' },
			components: [
				{ type: 'header', parameters: [{ type: 'text', text: 'Allerta arancione' }] },
				{
					type: 'body',
					parameters: [
						{ type: 'text', text: 'Rimini' },
						{ type: 'text', text: 'martedì 4 novembre' },
						{ type: 'text', text: '    quattro spazi ok' },
					],
				},
				{
					type: 'button',
					sub_type: 'quick_reply',
					index: '0',
					parameters: [{ type: 'payload', payload: 'STOP_ALLERTE' }],
				},
				{
					type: 'button',
					sub_type: 'url',
					index: '1',
					parameters: [{ type: 'text', text: 'allerta/2025-11-04' }],
				},
			],
		});
		expectSpecValid(body);
	});

	test.each(['image', 'document', 'video'] as const)('%s header', (kind) => {
		const link = `https://www.comune.rimini.it/allegati/avviso.${kind === 'image' ? 'jpg' : kind === 'document' ? 'pdf' : 'mp4'}`;
		const body = buildTemplateMessage(TO, {
			name: 'avviso',
			language: 'it',
			headerParameters: [{ type: kind, link }],
		});
		expect(body.template.components).toEqual([
			{ type: 'header', parameters: [{ type: kind, [kind]: { link } }] },
		]);
		expectSpecValid(body);
	});

	test('empty parameter arrays add no components', () => {
		const body = buildTemplateMessage(TO, {
			name: 'x',
			language: 'en_US',
			bodyParameters: [],
			headerParameters: [],
		});
		expect(body.template.components).toBeUndefined();
		expectSpecValid(body);
	});

	test('512-character name', () => {
		expectSpecValid(buildTemplateMessage(TO, { name: 'a'.repeat(512), language: 'it' }));
	});

	const valid: TemplateMessageOptions = { name: 'avviso', language: 'it' };
	test.each<[string, unknown, string, string]>([
		[
			'uppercase name',
			{ ...valid, name: 'Avviso' },
			'name',
			'may contain only lowercase letters, digits and underscores',
		],
		['dash in name', { ...valid, name: 'avviso-meteo' }, 'name', 'may contain only lowercase'],
		[
			'513-character name',
			{ ...valid, name: 'a'.repeat(513) },
			'name',
			'is 513 characters; WhatsApp allows at most 512',
		],
		['empty name', { ...valid, name: '' }, 'name', 'must not be empty'],
		[
			'language it-IT',
			{ ...valid, language: 'it-IT' },
			'language',
			'must be a language code like "it" or "it_IT"',
		],
		['language IT', { ...valid, language: 'IT' }, 'language', 'must be a language code'],
		['language it_it', { ...valid, language: 'it_it' }, 'language', 'must be a language code'],
		[
			'body parameter with new line',
			{ ...valid, bodyParameters: ['Via\nRoma'] },
			'bodyParameters[0]',
			'must not contain new lines, tabs or more than 4 consecutive spaces',
		],
		[
			'body parameter with tab',
			{ ...valid, bodyParameters: ['a', 'b\tc'] },
			'bodyParameters[1]',
			'must not contain new lines',
		],
		[
			'body parameter with 5 spaces',
			{ ...valid, bodyParameters: ['a     b'] },
			'bodyParameters[0]',
			'more than 4 consecutive spaces',
		],
		[
			'empty body parameter',
			{ ...valid, bodyParameters: [''] },
			'bodyParameters[0]',
			'Body parameter 1 must not be empty',
		],
		[
			'numeric body parameter',
			{ ...valid, bodyParameters: [3] },
			'bodyParameters[0]',
			'must be a string, got number 3',
		],
		[
			'body parameters not an array',
			{ ...valid, bodyParameters: 'Rimini' },
			'bodyParameters',
			'must be an array',
		],
		[
			'two header parameters',
			{ ...valid, headerParameters: ['a', 'b'] },
			'headerParameters',
			'has 2 items; WhatsApp allows at most 1',
		],
		[
			'audio header',
			{ ...valid, headerParameters: [{ type: 'audio', link: 'https://x.it/a.ogg' }] },
			'headerParameters[0].type',
			'must be "image", "document" or "video"',
		],
		[
			'ftp header link',
			{ ...valid, headerParameters: [{ type: 'image', link: 'ftp://x.it/a.jpg' }] },
			'headerParameters[0].link',
			'is not an absolute http(s) URL',
		],
		[
			'button index 10',
			{ ...valid, buttonParameters: [{ index: 10, subType: 'url', value: 'x' }] },
			'buttonParameters[0].index',
			'must be an integer from 0 to 9, got number 10',
		],
		[
			'button index -1',
			{ ...valid, buttonParameters: [{ index: -1, subType: 'url', value: 'x' }] },
			'buttonParameters[0].index',
			'from 0 to 9',
		],
		[
			'button index "0"',
			{ ...valid, buttonParameters: [{ index: '0', subType: 'url', value: 'x' }] },
			'buttonParameters[0].index',
			'got "0"',
		],
		[
			'button index twice',
			{
				...valid,
				buttonParameters: [
					{ index: 0, subType: 'url', value: 'x' },
					{ index: 0, subType: 'quick_reply', value: 'y' },
				],
			},
			'buttonParameters[1].index',
			'index 0 is used twice',
		],
		[
			'button subType call',
			{ ...valid, buttonParameters: [{ index: 0, subType: 'call', value: 'x' }] },
			'buttonParameters[0].subType',
			'must be "quick_reply" or "url"',
		],
		[
			'empty button value',
			{ ...valid, buttonParameters: [{ index: 0, subType: 'url', value: '' }] },
			'buttonParameters[0].value',
			'must not be empty',
		],
	])('%s is refused', (_name, options, field, message) => {
		const error = validationError(() => buildTemplateMessage(TO, loose(options)));
		expect(error.field).toBe(field);
		expect(error.message).toContain(message);
	});
});

function buttonsOptions(overrides: Partial<ButtonsMessageOptions> = {}): ButtonsMessageOptions {
	return {
		body: 'Vuole ricevere le allerte meteo?',
		buttons: [
			{ id: 'si', title: 'Sì' },
			{ id: 'no', title: 'No' },
		],
		...overrides,
	};
}

describe('buildButtonsMessage', () => {
	test('two buttons with header and footer', () => {
		const body = buildButtonsMessage(
			TO,
			buttonsOptions({ header: 'Allerte', footer: 'Comune di Rimini' }),
		);
		expect(body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: TO,
			type: 'interactive',
			interactive: {
				type: 'button',
				header: { type: 'text', text: 'Allerte' },
				body: { text: 'Vuole ricevere le allerte meteo?' },
				footer: { text: 'Comune di Rimini' },
				action: {
					buttons: [
						{ type: 'reply', reply: { id: 'si', title: 'Sì' } },
						{ type: 'reply', reply: { id: 'no', title: 'No' } },
					],
				},
			},
		});
		expectSpecValid(body);
	});

	test.each<[string, Partial<ButtonsMessageOptions>]>([
		['one button', { buttons: [{ id: 'ok', title: 'OK' }] }],
		[
			'three buttons',
			{
				buttons: [
					{ id: 'a', title: 'A' },
					{ id: 'b', title: 'B' },
					{ id: 'c', title: 'C' },
				],
			},
		],
		['20-character title', { buttons: [{ id: 'a', title: 'Accetto regolamento!' }] }],
		['20 emoji title', { buttons: [{ id: 'a', title: THUMBS_UP.repeat(20) }] }],
		['256-character id', { buttons: [{ id: 'i'.repeat(256), title: 'A' }] }],
		['1024-character body', { body: 'b'.repeat(1024) }],
		['60-character header and footer', { header: 'h'.repeat(60), footer: 'f'.repeat(60) }],
		['empty header and footer are omitted', { header: '', footer: '' }],
		['reply', { replyTo: 'wamid.ABC' }],
	])('%s', (_name, overrides) => {
		const body = buildButtonsMessage(TO, buttonsOptions(overrides));
		expectSpecValid(body);
		if (overrides.header === '') expect(body.interactive.header).toBeUndefined();
		if (overrides.footer === '') expect(body.interactive.footer).toBeUndefined();
	});

	test.each<[string, unknown, string, string]>([
		[
			'title of 21 characters',
			{
				buttons: [
					{ id: 'a', title: 'OK' },
					{ id: 'b', title: 'Accetto il regolamento' },
				],
			},
			'buttons[1].title',
			'Button 2 title "Accetto il regolamento" is 22 characters; WhatsApp allows at most 20',
		],
		[
			'21 emoji title',
			{ buttons: [{ id: 'a', title: THUMBS_UP.repeat(21) }] },
			'buttons[0].title',
			'is 21 characters; WhatsApp allows at most 20',
		],
		['no buttons', { buttons: [] }, 'buttons', 'Buttons must have at least 1 item(s), got 0'],
		[
			'four buttons',
			{ buttons: ['a', 'b', 'c', 'd'].map((id) => ({ id, title: id })) },
			'buttons',
			'Buttons has 4 items; WhatsApp allows at most 3',
		],
		['buttons not an array', { buttons: { id: 'a', title: 'A' } }, 'buttons', 'must be an array'],
		[
			'empty title',
			{ buttons: [{ id: 'a', title: '' }] },
			'buttons[0].title',
			'Button 1 title must not be empty',
		],
		[
			'numeric title',
			{ buttons: [{ id: 'a', title: 1 }] },
			'buttons[0].title',
			'must be a string, got number 1',
		],
		[
			'257-character id',
			{ buttons: [{ id: 'i'.repeat(257), title: 'A' }] },
			'buttons[0].id',
			'is 257 characters; WhatsApp allows at most 256',
		],
		[
			'id with trailing space',
			{ buttons: [{ id: 'a ', title: 'A' }] },
			'buttons[0].id',
			'must not start or end with spaces',
		],
		[
			'duplicate id',
			{
				buttons: [
					{ id: 'a', title: 'A' },
					{ id: 'a', title: 'B' },
				],
			},
			'buttons[1].id',
			'"a" is already used by button 1; ids must be unique',
		],
		[
			'duplicate title',
			{
				buttons: [
					{ id: 'a', title: 'A' },
					{ id: 'b', title: 'A' },
				],
			},
			'buttons[1].title',
			'titles must be unique',
		],
		[
			'1025-character body',
			{ body: 'b'.repeat(1025) },
			'body',
			'is 1025 characters; WhatsApp allows at most 1024',
		],
		[
			'61-character header',
			{ header: 'h'.repeat(61) },
			'header',
			'is 61 characters; WhatsApp allows at most 60',
		],
		[
			'61-character footer',
			{ footer: 'f'.repeat(61) },
			'footer',
			'is 61 characters; WhatsApp allows at most 60',
		],
		['blank header', { header: '  ' }, 'header', 'must not be empty'],
		[
			'NUL in title',
			{ buttons: [{ id: 'a', title: 'A\u0000' }] },
			'buttons[0].title',
			'NUL character',
		],
		[
			'button is a string',
			{ buttons: ['Sì'] },
			'buttons[0]',
			'Button 1 must be an object, got "Sì"',
		],
	])('%s is refused', (_name, overrides, field, message) => {
		const error = validationError(() =>
			buildButtonsMessage(TO, loose({ ...buttonsOptions(), ...(overrides as object) })),
		);
		expect(error.field).toBe(field);
		expect(error.message).toContain(message);
	});

	test('exact message and hint for a 21-character title', () => {
		const error = validationError(() =>
			buildButtonsMessage(
				TO,
				buttonsOptions({
					buttons: [
						{ id: 'a', title: 'OK' },
						{ id: 'b', title: 'Accetto il regolament' },
					],
				}),
			),
		);
		expect(error.message).toBe(
			'Button 2 title "Accetto il regolament" is 21 characters; WhatsApp allows at most 20',
		);
		expect(error.hintIt).toBe(
			'Il titolo del pulsante 2 ("Accetto il regolament") ha 21 caratteri: WhatsApp ne consente al massimo 20.',
		);
	});
});

function rows(count: number, prefix = 'r'): ListSection['rows'] {
	return Array.from({ length: count }, (_, i) => ({
		id: `${prefix}${i + 1}`,
		title: `Voce ${i + 1}`,
	}));
}

function listOptions(overrides: Partial<ListMessageOptions> = {}): ListMessageOptions {
	return {
		body: 'Di quale ufficio ha bisogno?',
		buttonText: 'Scegli',
		sections: [{ rows: rows(2) }],
		...overrides,
	};
}

describe('buildListMessage', () => {
	test('one section without title', () => {
		const body = buildListMessage(TO, listOptions({ footer: 'URP Rimini' }));
		expect(body.interactive).toEqual({
			type: 'list',
			body: { text: 'Di quale ufficio ha bisogno?' },
			footer: { text: 'URP Rimini' },
			action: {
				button: 'Scegli',
				sections: [
					{
						rows: [
							{ id: 'r1', title: 'Voce 1' },
							{ id: 'r2', title: 'Voce 2' },
						],
					},
				],
			},
		});
		expectSpecValid(body);
	});

	test.each<[string, Partial<ListMessageOptions>]>([
		[
			'two titled sections',
			{
				sections: [
					{ title: 'Anagrafe', rows: rows(2, 'a') },
					{ title: 'Tributi', rows: rows(3, 't') },
				],
			},
		],
		['10 rows in one section', { sections: [{ rows: rows(10) }] }],
		[
			'10 sections of one row',
			{
				sections: Array.from({ length: 10 }, (_, s) => ({
					title: `Sezione ${s + 1}`,
					rows: rows(1, `s${s}-`),
				})),
			},
		],
		[
			'limits',
			{
				buttonText: 'b'.repeat(20),
				header: 'h'.repeat(60),
				sections: [
					{
						title: 's'.repeat(24),
						rows: [{ id: 'i'.repeat(200), title: 't'.repeat(24), description: 'd'.repeat(72) }],
					},
				],
			},
		],
		[
			'emoji at limits',
			{
				buttonText: THUMBS_UP.repeat(20),
				sections: [
					{ rows: [{ id: 'x', title: THUMBS_UP.repeat(24), description: THUMBS_UP.repeat(72) }] },
				],
			},
		],
		[
			'description kept, empty description omitted',
			{
				sections: [
					{
						rows: [
							{ id: 'a', title: 'A', description: 'Via Rosaspina 7' },
							{ id: 'b', title: 'B', description: '' },
						],
					},
				],
			},
		],
	])('%s', (_name, overrides) => {
		const body = buildListMessage(TO, listOptions(overrides));
		expectSpecValid(body);
		const totalRows = body.interactive.action.sections.reduce((n, s) => n + s.rows.length, 0);
		expect(totalRows).toBeLessThanOrEqual(10);
	});

	test('an empty description is omitted', () => {
		const body = buildListMessage(
			TO,
			listOptions({ sections: [{ rows: [{ id: 'b', title: 'B', description: '' }] }] }),
		);
		expect(body.interactive.action.sections[0].rows[0]).toEqual({ id: 'b', title: 'B' });
	});

	test.each<[string, Partial<ListMessageOptions> | Record<string, unknown>, string, string]>([
		[
			'11 rows over two sections',
			{
				sections: [
					{ title: 'A', rows: rows(6, 'a') },
					{ title: 'B', rows: rows(5, 'b') },
				],
			},
			'sections',
			'Sections have more than 10 rows in total',
		],
		[
			'11 rows in one section',
			{ sections: [{ rows: rows(11) }] },
			'sections[0].rows',
			'has 11 items; WhatsApp allows at most 10',
		],
		[
			'11 sections',
			{
				sections: Array.from({ length: 11 }, (_, s) => ({
					title: `S${s}`,
					rows: rows(1, `s${s}-`),
				})),
			},
			'sections',
			'has 11 items; WhatsApp allows at most 10',
		],
		['no sections', { sections: [] }, 'sections', 'at least 1'],
		[
			'section without rows',
			{ sections: [{ rows: [] }] },
			'sections[0].rows',
			'Section 1 rows must have at least 1 item(s), got 0',
		],
		[
			'second section without title',
			{ sections: [{ title: 'A', rows: rows(1, 'a') }, { rows: rows(1, 'b') }] },
			'sections[1].title',
			'Section 2 title is required when the list has more than one section',
		],
		[
			'25-character section title',
			{ sections: [{ title: 's'.repeat(25), rows: rows(1) }] },
			'sections[0].title',
			'is 25 characters; WhatsApp allows at most 24',
		],
		[
			'25-character row title',
			{ sections: [{ rows: [{ id: 'a', title: 't'.repeat(25) }] }] },
			'sections[0].rows[0].title',
			'Section 1 row 1 title "ttttttttttttttttttttttttt" is 25 characters; WhatsApp allows at most 24',
		],
		[
			'73-character description',
			{ sections: [{ rows: [{ id: 'a', title: 'A', description: 'd'.repeat(73) }] }] },
			'sections[0].rows[0].description',
			'is 73 characters; WhatsApp allows at most 72',
		],
		[
			'201-character row id',
			{ sections: [{ rows: [{ id: 'i'.repeat(201), title: 'A' }] }] },
			'sections[0].rows[0].id',
			'is 201 characters; WhatsApp allows at most 200',
		],
		[
			'duplicate row id across sections',
			{
				sections: [
					{ title: 'A', rows: [{ id: 'x', title: 'A' }] },
					{ title: 'B', rows: [{ id: 'x', title: 'B' }] },
				],
			},
			'sections[1].rows[0].id',
			'"x" is already used by section 1 row 1; row ids must be unique',
		],
		[
			'21-character button',
			{ buttonText: 'b'.repeat(21) },
			'buttonText',
			'List button text "bbbbbbbbbbbbbbbbbbbbb" is 21 characters; WhatsApp allows at most 20',
		],
		['empty button', { buttonText: '' }, 'buttonText', 'must not be empty'],
		[
			'numeric row id',
			{ sections: [{ rows: [{ id: 1, title: 'A' }] }] },
			'sections[0].rows[0].id',
			'must be a string, got number 1',
		],
		['1025-character body', { body: 'b'.repeat(1025) }, 'body', 'is 1025 characters'],
	])('%s is refused', (_name, overrides, field, message) => {
		const error = validationError(() =>
			buildListMessage(TO, loose({ ...listOptions(), ...overrides })),
		);
		expect(error.field).toBe(field);
		expect(error.message).toContain(message);
	});

	test('Italian hint for a missing section title', () => {
		const error = validationError(() =>
			buildListMessage(
				TO,
				listOptions({ sections: [{ title: 'A', rows: rows(1, 'a') }, { rows: rows(1, 'b') }] }),
			),
		);
		expect(error.hintIt).toBe(
			'Il titolo della sezione 2 è obbligatorio quando la lista ha più di una sezione.',
		);
	});
});

describe('buildMediaMessage', () => {
	test.each<[MediaKind, MediaMessageOptions, Record<string, string>]>([
		[
			'image',
			{ link: 'https://www.comune.rimini.it/foto.jpg', caption: 'Lavori in via Garibaldi' },
			{ link: 'https://www.comune.rimini.it/foto.jpg', caption: 'Lavori in via Garibaldi' },
		],
		['image', { id: '1234567890' }, { id: '1234567890' }],
		[
			'document',
			{
				link: 'http://example.org/modulo.pdf',
				filename: 'Modulo residenza.pdf',
				caption: 'Il modulo',
			},
			{
				link: 'http://example.org/modulo.pdf',
				filename: 'Modulo residenza.pdf',
				caption: 'Il modulo',
			},
		],
		['video', { id: '42', caption: 'c'.repeat(1024) }, { id: '42', caption: 'c'.repeat(1024) }],
		[
			'audio',
			{ link: 'https://example.org/avviso.ogg' },
			{ link: 'https://example.org/avviso.ogg' },
		],
		[
			'image',
			{ link: 'https://example.org/a.jpg', caption: '' },
			{ link: 'https://example.org/a.jpg' },
		],
	])('%s, case %#', (kind, options, media) => {
		const body = buildMediaMessage(TO, kind, options);
		expect(body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: TO,
			type: kind,
			[kind]: media,
		});
		expectSpecValid(body);
	});

	test.each<[string, MediaKind, unknown, string, string]>([
		[
			'both link and id',
			'image',
			{ link: 'https://x.it/a.jpg', id: '1' },
			'id',
			'exactly one of link or id, got both',
		],
		['neither', 'image', { caption: 'x' }, 'link', 'exactly one of link or id, got neither'],
		[
			'ftp link',
			'document',
			{ link: 'ftp://x.it/a.pdf' },
			'link',
			'is not an absolute http(s) URL',
		],
		['relative link', 'image', { link: '/foto.jpg' }, 'link', 'is not an absolute http(s) URL'],
		[
			'javascript link',
			'image',
			{ link: 'javascript:alert(1)' },
			'link',
			'is not an absolute http(s) URL',
		],
		[
			'link with spaces',
			'image',
			{ link: 'https://x.it/a b.jpg' },
			'link',
			'is not an absolute http(s) URL',
		],
		['numeric id', 'image', { id: 123 }, 'id', 'must be a string, got number 123'],
		[
			'audio caption',
			'audio',
			{ id: '1', caption: 'x' },
			'caption',
			'Caption is not supported for audio messages',
		],
		[
			'image filename',
			'image',
			{ id: '1', filename: 'a.jpg' },
			'filename',
			'only supported for documents',
		],
		[
			'1025-character caption',
			'image',
			{ id: '1', caption: 'c'.repeat(1025) },
			'caption',
			'is 1025 characters; WhatsApp allows at most 1024',
		],
		[
			'sticker',
			loose<MediaKind>('sticker'),
			{ id: '1' },
			'kind',
			'Media kind must be one of image, document, video, audio, got "sticker"',
		],
	])('%s is refused', (_name, kind, options, field, message) => {
		const error = validationError(() => buildMediaMessage(TO, kind, loose(options)));
		expect(error.field).toBe(field);
		expect(error.message).toContain(message);
	});
});

describe('buildMarkAsRead', () => {
	test('read receipt', () => {
		const body = buildMarkAsRead('wamid.HBgLMzkz');
		expect(body).toEqual({
			messaging_product: 'whatsapp',
			status: 'read',
			message_id: 'wamid.HBgLMzkz',
		});
		expectSpecValid(body);
	});

	test('read receipt with typing indicator', () => {
		const body = buildMarkAsRead('wamid.HBgLMzkz', { typingIndicator: true });
		expect(body).toEqual({
			messaging_product: 'whatsapp',
			status: 'read',
			message_id: 'wamid.HBgLMzkz',
			typing_indicator: { type: 'text' },
		});
		expectSpecValid(body);
	});

	test('typingIndicator false adds nothing', () => {
		expect(buildMarkAsRead('w', { typingIndicator: false })).toEqual({
			messaging_product: 'whatsapp',
			status: 'read',
			message_id: 'w',
		});
	});

	test.each<[string, unknown, unknown, string]>([
		['empty id', '', {}, 'messageId'],
		['numeric id', 7, {}, 'messageId'],
		['typingIndicator string', 'w', { typingIndicator: 'yes' }, 'typingIndicator'],
	])('%s is refused', (_name, id, options, field) => {
		expect(validationError(() => buildMarkAsRead(loose(id), loose(options))).field).toBe(field);
	});
});
