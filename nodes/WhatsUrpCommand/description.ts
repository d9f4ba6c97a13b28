import type { INodeProperties } from 'n8n-workflow';

/**
 * The editor's defaults are Rimini's (DEFAULT_COMMAND_CONFIG in nodes/core/commands/defaults.ts),
 * so an imported workflow works as is. They are literals because n8n's lint wants literal defaults;
 * test/nodes/whatsUrpCommand.node.test.ts pins them to DEFAULT_COMMAND_CONFIG.
 */
export const whatsUrpCommandProperties: INodeProperties[] = [
	{
		displayName:
			'Only a whole message is a command: <b>ISCRIZIONE ON #EMERGENZE</b> goes to Subscribe, "vorrei fare ISCRIZIONE ON" goes to Other. Case, spaces, accents, apostrophes, emoji and final punctuation do not matter. Items gain a <b>command</b> field; items in Other also gain <b>intent</b> (report or question).',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Message Text',
		name: 'text',
		type: 'string',
		default: '={{ $json.text ?? "" }}',
		placeholder: 'e.g. ISCRIZIONE ON #EMERGENZE',
		description:
			"The citizen's words. For the WhatsUrp Trigger's items this is the text of the message, or the title of a pressed button or list row.",
	},
	{
		displayName: 'Button Reply ID',
		name: 'replyId',
		type: 'string',
		default: '={{ $json.reply?.id ?? "" }}',
		placeholder: 'e.g. accept_policy',
		description:
			'The ID of a pressed reply button or list row, read before the text: when it is a command (e.g. the "Accetto" button\'s ID accept_policy) it decides, otherwise the text does. Leave empty to read the text only.',
	},
	{
		displayName: 'Subscribe Keyword',
		name: 'subscribeKeyword',
		type: 'string',
		default: 'ISCRIZIONE ON',
		placeholder: 'e.g. ISCRIZIONE ON',
		description:
			'Opens a subscription; list names may follow (ISCRIZIONE ON #EMERGENZE), none means every list',
	},
	{
		displayName: 'Unsubscribe Keyword',
		name: 'unsubscribeKeyword',
		type: 'string',
		default: 'ISCRIZIONE OFF',
		placeholder: 'e.g. ISCRIZIONE OFF',
		description:
			"Leaves lists; list names may follow (ISCRIZIONE OFF #PUBBLICAUTILITA'), none means every list",
	},
	{
		displayName: 'Accept Keywords',
		name: 'acceptKeywords',
		type: 'string',
		default: 'ACCETTO, accept_policy',
		placeholder: 'e.g. ACCETTO, accept_policy',
		description:
			'Comma-separated words (and button IDs) that accept the service policy, each as the whole message. Add e.g. ACCETTO LE CONDIZIONI to accept that sentence too.',
	},
	{
		displayName: 'Accept Opt-Out Words',
		name: 'optOut',
		type: 'boolean',
		default: true,
		description:
			'Whether a message made only of an opt-out word (e.g. STOP) unsubscribes the citizen from every list',
	},
	{
		displayName: 'Opt-Out Words',
		name: 'optOutSynonyms',
		type: 'string',
		default: 'STOP, CANCELLAMI',
		placeholder: 'e.g. STOP, CANCELLAMI',
		description:
			'Comma-separated words that, as the whole message, unsubscribe from every list. "Stop!" does, "stop ai messaggi per favore" does not.',
		displayOptions: { show: { optOut: [true] } },
	},
	{
		displayName: 'Lists',
		name: 'lists',
		type: 'fixedCollection',
		placeholder: 'Add List',
		typeOptions: { multipleValues: true, sortable: true },
		default: {
			list: [
				{ name: 'EMERGENZE', aliases: 'EMERGENZA', display: '#EMERGENZE' },
				{
					name: 'PUBBLICAUTILITA',
					aliases: "PUBBLICA UTILITA, PUBBLICA UTILITÀ, PUBBLICAUTILITA', PUBBLICAUTILITÀ, UTILITA",
					display: "#PUBBLICAUTILITA'",
				},
			],
		},
		description:
			'The alert lists citizens can join. Names and aliases are compared without case, spaces, accents or apostrophes.',
		options: [
			{
				displayName: 'List',
				name: 'list',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. EMERGENZE',
						description: 'Canonical name, as the subscriber store keeps it',
					},
					{
						displayName: 'Aliases',
						name: 'aliases',
						type: 'string',
						default: '',
						placeholder: 'e.g. EMERGENZA, ALLERTA',
						description: 'Comma-separated other spellings citizens may type',
					},
					{
						displayName: 'Display Name',
						name: 'display',
						type: 'string',
						default: '',
						placeholder: "e.g. #PUBBLICAUTILITA'",
						description:
							'How replies name the list (in command.validLists). Leave empty for # followed by the name.',
					},
				],
			},
		],
	},
	{
		displayName: 'Report Keywords',
		name: 'reportKeywords',
		type: 'string',
		default:
			'buca, voragine, asfalto, dissesto, marciapiede, tombino, fogna, allag*, perdita, lampione, illuminazione, semaforo, segnal*, rifiuti, spazzatura, immondizia, cassonetto, abbandon*, discarica, albero, ramo, graffiti, vandal*, degrado, guasto, rotto, danneggiat*, pericol*, croll*, amianto, siringa',
		description:
			'Comma-separated words that make a message in Other a report rather than a question. A word matches with any Italian ending (buca: buche; lampione: lampioni); end it with * to match the start of words (segnal*: segnalazione, segnalare). A location, photo or video is always a report.',
	},
];
