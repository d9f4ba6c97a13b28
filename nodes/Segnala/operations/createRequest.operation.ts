import {
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { createServiceRequest, type CreateServiceRequestResult } from '../../core/open311/client';
import type { ServiceRequestInput } from '../../core/open311/types';
import type { PortalConnection } from '../transport';
import { forOperations, serviceCodeProperty } from './common';

export const description: INodeProperties[] = forOperations(
	['createRequest'],
	[
		serviceCodeProperty,
		{
			displayName: 'Description',
			name: 'description',
			type: 'string',
			typeOptions: { rows: 5 },
			default: '={{ $json.text || $json.caption || "" }}',
			placeholder: 'e.g. Buca profonda davanti al civico 12, pericolosa per le bici',
			description:
				"What the citizen reported; the default is the WhatsApp message's text or photo caption. HTML is removed; at most 4,000 characters.",
		},
		{
			displayName: 'Location',
			name: 'locationMode',
			type: 'options',
			options: [
				{
					name: 'Coordinates',
					value: 'coordinates',
					description: 'Latitude and longitude, e.g. from a location sent on WhatsApp',
				},
				{ name: 'Address', value: 'address', description: 'A street address or a place' },
				{
					name: 'Coordinates and Address',
					value: 'both',
					description: 'Both, when the citizen gave an address with the location',
				},
			],
			default: 'coordinates',
			description: 'Where the problem is; the portal needs one or the other',
		},
		{
			displayName: 'Latitude',
			name: 'latitude',
			type: 'string',
			default: '={{ $json.location?.latitude }}',
			required: true,
			placeholder: 'e.g. 44.0594',
			description: "WGS84 decimal degrees; the default is the WhatsApp location's",
			displayOptions: { show: { locationMode: ['coordinates', 'both'] } },
		},
		{
			displayName: 'Longitude',
			name: 'longitude',
			type: 'string',
			default: '={{ $json.location?.longitude }}',
			required: true,
			placeholder: 'e.g. 12.5683',
			description: "WGS84 decimal degrees; the default is the WhatsApp location's",
			displayOptions: { show: { locationMode: ['coordinates', 'both'] } },
		},
		{
			displayName: 'Address',
			name: 'address',
			type: 'string',
			default: '={{ $json.location?.address || "" }}',
			required: true,
			placeholder: 'e.g. Piazza Cavour 27, 47921 Rimini',
			description: 'From the most specific to the most general: number, street, area, town',
			displayOptions: { show: { locationMode: ['address', 'both'] } },
		},
		{
			displayName: 'Contact',
			name: 'contact',
			type: 'collection',
			placeholder: 'Add Contact Field',
			default: {},
			description: 'Who reported it, if they agree to be contacted by the office',
			options: [
				{
					displayName: 'Email',
					name: 'email',
					type: 'string',
					placeholder: 'e.g. name@email.com',
					default: '',
				},
				{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
				{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
				{
					displayName: 'Phone',
					name: 'phone',
					type: 'string',
					default: '={{ $json.from?.waId ? "+" + $json.from.waId : "" }}',
					placeholder: 'e.g. +39 333 1234567',
					description: "The default is the citizen's WhatsApp number",
				},
			],
		},
		{
			displayName: 'Attributes',
			name: 'attributes',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Attribute',
			default: {},
			description:
				"Answers to the service's extra questions (see Get Definition), e.g. tipo_guasto = spento. Repeat a code to give several values of a multi-value list.",
			options: [
				{
					displayName: 'Attribute',
					name: 'attribute',
					values: [
						{
							displayName: 'Code',
							name: 'code',
							type: 'string',
							default: '',
							placeholder: 'e.g. tipo_guasto',
						},
						{
							displayName: 'Value',
							name: 'value',
							type: 'string',
							default: '',
							placeholder: 'e.g. spento',
						},
					],
				},
			],
		},
		{
			displayName: 'Options',
			name: 'createOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Account ID',
					name: 'accountId',
					type: 'string',
					default: '',
					description: "The citizen's account on the portal, if they have one",
				},
				{
					displayName: 'Address ID',
					name: 'addressId',
					type: 'string',
					default: '',
					description: "The place's ID in the municipality's address register",
				},
				{
					displayName: 'Check Attributes First',
					name: 'checkAttributes',
					type: 'boolean',
					default: false,
					description:
						"Whether to read the service's definition first and stop with a clear message when an attribute is missing or wrong (one more request to the portal)",
				},
				{
					displayName: 'Device ID',
					name: 'deviceId',
					type: 'string',
					default: '',
					description: 'An ID of the device the report came from',
				},
				{
					displayName: 'Include Input Fields',
					name: 'includeInputFields',
					type: 'boolean',
					default: false,
					description:
						"Whether the output keeps the input item's fields, with the portal's answer added (a failure that continues keeps them too)",
				},
				{
					displayName: 'Media URL',
					name: 'mediaUrl',
					type: 'string',
					default: '',
					placeholder: 'e.g. https://www.comune.rimini.it/foto/segnalazione-123.jpg',
					description: 'A public http(s) link to a photo of the problem',
				},
				{
					displayName: 'Token Check Interval (Seconds)',
					name: 'tokenInterval',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 60, numberPrecision: 1 },
					default: 2,
					description: 'How long to wait before each check of the token',
				},
				{
					displayName: 'Token Checks',
					name: 'tokenAttempts',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 60 },
					default: 5,
					description:
						'For services that answer with a token instead of a request number: how many times to ask the portal for the number (0: do not ask; the output then has the token and pending: true)',
				},
				{
					displayName: 'Truncate Long Description',
					name: 'truncateDescription',
					type: 'boolean',
					default: false,
					description:
						'Whether to cut a description longer than 4,000 characters (ending it with …) instead of stopping',
				},
			],
		},
	],
);

interface CreateOptions {
	accountId?: string;
	addressId?: string;
	checkAttributes?: boolean;
	deviceId?: string;
	includeInputFields?: boolean;
	mediaUrl?: string;
	tokenAttempts?: number;
	tokenInterval?: number;
	truncateDescription?: boolean;
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

function readInput(context: IExecuteFunctions, itemIndex: number): ServiceRequestInput {
	const mode = context.getNodeParameter('locationMode', itemIndex, 'coordinates') as string;
	const contact = context.getNodeParameter('contact', itemIndex, {}) as Record<string, unknown>;
	const options = context.getNodeParameter('createOptions', itemIndex, {}) as CreateOptions;
	const attributes = context.getNodeParameter('attributes', itemIndex, {}) as {
		attribute?: Array<{ code?: unknown; value?: unknown }>;
	};
	const input: ServiceRequestInput = {
		serviceCode: text(context.getNodeParameter('serviceCode', itemIndex)) ?? '',
		description: text(context.getNodeParameter('description', itemIndex, '')),
		firstName: text(contact.firstName),
		lastName: text(contact.lastName),
		email: text(contact.email),
		phone: text(contact.phone),
		accountId: text(options.accountId),
		addressId: text(options.addressId),
		deviceId: text(options.deviceId),
		mediaUrl: text(options.mediaUrl),
		attributes: (attributes.attribute ?? []).map((entry) => ({
			code: String(entry.code ?? ''),
			value: text(entry.value) ?? (typeof entry.value === 'boolean' ? entry.value : undefined),
		})),
	};
	if (mode !== 'address') {
		input.lat = context.getNodeParameter('latitude', itemIndex, '') as string | number;
		input.long = context.getNodeParameter('longitude', itemIndex, '') as string | number;
	}
	if (mode !== 'coordinates') {
		input.addressString = text(context.getNodeParameter('address', itemIndex, ''));
	}
	return input;
}

/** The output: the portal's answer, and what was sent (never the API key). */
function outputOf(result: CreateServiceRequestResult): IDataObject {
	const sent = result.submitted;
	const submitted: IDataObject = { serviceCode: sent.serviceCode };
	const copy = (key: string, value: unknown) => {
		if (value !== undefined) submitted[key] = value as IDataObject[string];
	};
	copy('description', sent.description);
	if (sent.descriptionTruncated) submitted.descriptionTruncated = true;
	copy('latitude', sent.lat);
	copy('longitude', sent.long);
	copy('address', sent.addressString);
	copy('addressId', sent.addressId);
	copy('firstName', sent.firstName);
	copy('lastName', sent.lastName);
	copy('email', sent.email);
	copy('phone', sent.phone);
	copy('deviceId', sent.deviceId);
	copy('accountId', sent.accountId);
	copy('mediaUrl', sent.mediaUrl);
	submitted.attributes = { ...sent.attributes };
	return {
		serviceRequestId: result.serviceRequestId ?? null,
		...(result.token !== undefined ? { token: result.token } : {}),
		...(result.serviceNotice !== undefined ? { serviceNotice: result.serviceNotice } : {}),
		...(result.accountId !== undefined ? { accountId: result.accountId } : {}),
		pending: result.pending,
		...(result.tokenCheckError !== undefined ? { tokenCheckError: result.tokenCheckError } : {}),
		submitted,
	};
}

/** POST requests.json (and, for a token, tokens/{token}.json until the number comes). */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ config, transport }: PortalConnection,
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('createOptions', itemIndex, {}) as CreateOptions;
	const result = await createServiceRequest(transport, config, readInput(this, itemIndex), {
		truncateDescription: options.truncateDescription === true,
		checkDefinition: options.checkAttributes === true,
		pollToken: {
			attempts: Math.round(Number(options.tokenAttempts ?? 5)),
			intervalMs: Math.round(Number(options.tokenInterval ?? 2) * 1000),
		},
		sleep: async (ms) => await sleep(ms),
	});
	const json =
		options.includeInputFields === true
			? { ...this.getInputData()[itemIndex].json, ...outputOf(result) }
			: outputOf(result);
	return [{ json, pairedItem: { item: itemIndex } }];
}
