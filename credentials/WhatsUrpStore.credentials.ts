import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Where WhatsUrp keeps subscribers, consents, the audit trail and the webhook redelivery guard:
 * a SQLite file next to n8n's own data (single instance), or PostgreSQL (queue mode: every n8n process
 * must see the same data). The tables are created on first use. Tested by the nodes that use it
 * (open + a query), since n8n's declarative test can only make HTTP requests.
 */
// A database, not an API: n8n's own database credentials (Postgres, MySQL) carry no "Api" suffix either,
// and the type name `whatsUrpStore` is what every workflow's credential reference names (changing it
// would orphan the credentials IT created).
// eslint-disable-next-line n8n-nodes-base/cred-class-name-unsuffixed
export class WhatsUrpStore implements ICredentialType {
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-name-unsuffixed
	name = 'whatsUrpStore';

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'WhatsUrp Store';

	icon: Icon = { light: 'file:whatsUrpStore.svg', dark: 'file:whatsUrpStore.dark.svg' };

	documentationUrl = 'https://github.com/whatsurp/n8n-nodes-whatsurp#whatsurp-store-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Database',
			name: 'backend',
			type: 'options',
			options: [
				{
					name: 'SQLite (Single n8n)',
					value: 'sqlite',
					description: 'A file on the n8n server; for one n8n process',
				},
				{
					name: 'PostgreSQL (Queue Mode)',
					value: 'postgres',
					description: 'Shared by the main process, the workers and the webhook processors',
				},
			],
			default: 'sqlite',
		},
		{
			displayName: 'File',
			name: 'path',
			type: 'string',
			default: '',
			placeholder: 'e.g. /var/lib/n8n/whatsurp.sqlite',
			description:
				"Path of the SQLite file. Empty: whatsurp.sqlite in n8n's user folder (~/.n8n). A relative path is taken inside that folder.",
			displayOptions: { show: { backend: ['sqlite'] } },
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 5432,
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Database Name',
			name: 'database',
			type: 'string',
			default: 'n8n',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: 'postgres',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Schema',
			name: 'schema',
			type: 'string',
			default: 'whatsurp',
			description:
				"Schema holding WhatsUrp's tables, created when missing; keep it apart from n8n's own tables",
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'boolean',
			default: false,
			description: 'Whether to connect with TLS',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Verify Server Certificate',
			name: 'sslVerify',
			type: 'boolean',
			default: true,
			description:
				'Whether to refuse a server whose certificate cannot be verified (turn off only for a self-signed certificate you trust)',
			displayOptions: { show: { backend: ['postgres'], ssl: [true] } },
		},
	];
}
