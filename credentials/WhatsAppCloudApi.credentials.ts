import type { IAuthenticateGeneric, Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * WhatsApp Cloud API (Meta): the URP's business number. The access token goes out as a Bearer header
 * through n8n's credential mechanism; the app secret checks the signature of Meta's webhooks and the
 * verify token answers Meta's subscription handshake (both used by the WhatsUrp Trigger).
 */
export class WhatsAppCloudApi implements ICredentialType {
	name = 'whatsAppCloudApi';

	displayName = 'WhatsApp Cloud API';

	icon: Icon = { light: 'file:whatsAppCloudApi.svg', dark: 'file:whatsAppCloudApi.dark.svg' };

	documentationUrl = 'https://developers.facebook.com/docs/whatsapp/cloud-api/get-started';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"A System User's permanent access token with the whatsapp_business_messaging permission (Meta Business Settings → System Users)",
		},
		{
			displayName: 'Phone Number ID',
			name: 'phoneNumberId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 106540352242922',
			description:
				"The ID of the URP's WhatsApp number (WhatsApp → API Setup), not the number itself",
		},
		{
			displayName: 'WhatsApp Business Account ID',
			name: 'businessAccountId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 102290129340398',
			description: 'Optional: the WhatsApp Business Account (WABA) that owns the number',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The Meta app's secret (App Settings → Basic). The trigger uses it to check that each webhook really comes from Meta.",
		},
		{
			displayName: 'Verify Token',
			name: 'verifyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"A secret of your choice: paste the same value in Meta's dashboard (WhatsApp → Configuration → Webhook) when you register the trigger's URL",
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: 'v23.0',
			placeholder: 'e.g. v23.0',
			description: 'Graph API version used in every request',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://graph.facebook.com',
			description:
				"Meta's Graph API. Change it only to point at a test double such as the sandbox's Cloud API simulator.",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	// No declarative `test`: n8n would show only "Unauthorized". The WhatsUrp nodes test this credential
	// (`testedBy`) and show Meta's own message, e.g. "Error validating access token: Session has expired".
}
