import type { INodeProperties } from 'n8n-workflow';

export const whatsUrpTriggerProperties: INodeProperties[] = [
	{
		displayName:
			"Register this trigger in Meta's dashboard (WhatsApp → Configuration → Webhook): paste the <b>Production URL</b> shown above as Callback URL and the credential's <b>Verify Token</b>, then subscribe to the <b>messages</b> field. Publish the workflow first: Meta checks the URL at once.",
		name: 'registrationNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Updates',
		name: 'updates',
		type: 'options',
		options: [
			{
				name: 'Messages and Statuses',
				value: 'both',
				description: "Citizens' messages and the delivery statuses of what the URP sent",
			},
			{ name: 'Messages', value: 'messages', description: "Only citizens' messages" },
			{
				name: 'Statuses',
				value: 'statuses',
				description: 'Only delivery statuses (sent, delivered, read, failed)',
			},
		],
		default: 'both',
		description: 'Which updates start the workflow; each message and each status becomes one item',
	},
	{
		displayName: 'Ignore Redeliveries',
		name: 'deduplication',
		type: 'options',
		options: [
			{
				name: 'Using the WhatsUrp Store',
				value: 'store',
				description:
					'Remembers each message in the store for 8 days: works with several n8n processes (queue mode)',
			},
			{
				name: 'In Memory',
				value: 'memory',
				description:
					'Remembers the last 50,000 updates in this n8n process only; forgotten on restart',
			},
			{ name: 'Off', value: 'off', description: 'Every delivery starts the workflow' },
		],
		default: 'store',
		description:
			'Meta delivers the same update again when it thinks it was not received (for up to 7 days); a redelivered message starts no second execution',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Ignore Echoes',
				name: 'dropEchoes',
				type: 'boolean',
				default: true,
				description:
					'Whether to drop the copies of messages that the URP itself sent from the WhatsApp Business app (message echoes)',
			},
		],
	},
];
