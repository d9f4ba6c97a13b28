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
		displayName: 'Delivery Statuses',
		name: 'deliveryStatuses',
		type: 'options',
		options: [
			{
				name: 'Record in the Store (No Execution)',
				value: 'record',
				description:
					'The trigger writes them to the WhatsUrp store itself (broadcast reports, case replies, daily tally) and starts nothing; if the store is unreachable it answers 500 and Meta delivers them again',
			},
			{
				name: 'Start the Workflow',
				value: 'start',
				description: 'Each status becomes an item, like a message: one execution per webhook',
			},
			{
				name: 'Ignore',
				value: 'ignore',
				description: 'Accepted and dropped: nothing recorded, nothing started',
			},
		],
		default: 'record',
		description:
			"What to do with Meta's delivery statuses (sent, delivered, read, failed) of every message the URP sends: an alert to 4,000 subscribers brings some 12,000. Citizens' messages always start the workflow, one item each.",
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
			'Meta delivers the same update again when it thinks it was not received (for up to 7 days); a redelivered message starts no second execution. Recorded statuses need no check: recording them again changes nothing.',
	},
	{
		// The store credential is required whatever the settings (n8n cannot show a credential on "this
		// OR that"; see WhatsUrpTrigger.node.ts): say when it goes unused.
		displayName:
			'With these settings the trigger does not use the <b>WhatsUrp Store</b> credential: any store credential will do.',
		name: 'storeUnusedNotice',
		type: 'notice',
		default: '',
		displayOptions: {
			show: { deduplication: ['memory', 'off'], deliveryStatuses: ['start', 'ignore'] },
		},
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
