import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * An Open311 GeoReport v2 endpoint: the city's reporting portal (Segnala). GeoReport v2 sends the
 * api_key inside the form body of POST requests.json, which n8n's generic `authenticate` cannot add
 * to a form-encoded text body; so there is no `authenticate` here: the Segnala node reads the key and
 * puts it into the body itself (never into the URL, the output or the logs). Reading the portal needs
 * no key, so the test below only checks that services.json answers; the Segnala node's own test
 * (`testedBy`) also checks that the answer is Open311 JSON and shows the portal's message.
 */
export class Open311Api implements ICredentialType {
	name = 'open311Api';

	displayName = 'Open311 API';

	icon: Icon = { light: 'file:open311Api.svg', dark: 'file:open311Api.dark.svg' };

	documentationUrl = 'https://wiki.open311.org/GeoReport_v2/';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://segnala.comune.rimini.it/open311/v2',
			description:
				"The portal's GeoReport v2 endpoint: the address to which services.json and requests.json are appended",
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The key the portal's administrator gave the URP; needed to create requests (sent in the request body, as GeoReport v2 requires)",
		},
		{
			displayName: 'Jurisdiction ID',
			name: 'jurisdictionId',
			type: 'string',
			default: '',
			placeholder: 'e.g. comune.rimini.it',
			description:
				'Only for a portal that serves several municipalities: the ID of ours, usually its website domain without www. Leave empty otherwise.',
		},
	];

	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: '={{ $credentials.baseUrl.trim().replace(/\\/+$/, "") + "/services.json" + ($credentials.jurisdictionId ? "?jurisdiction_id=" + encodeURIComponent($credentials.jurisdictionId.trim()) : "") }}',
			headers: { Accept: 'application/json' },
		},
	};
}
