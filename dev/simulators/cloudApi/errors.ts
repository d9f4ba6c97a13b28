/**
 * Graph API error answers as the Cloud API gives them: the envelope
 * `{ error: { message, type, code, error_subcode?, error_data: { messaging_product, details }, fbtrace_id } }`
 * and the HTTP status Meta's error-code table lists for each code.
 * Sources: https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/
 * and https://developers.facebook.com/docs/facebook-login/access-tokens/debugging-and-error-handling
 */
import { randomBytes } from 'node:crypto';

interface CatalogueEntry {
	title: string;
	details: string;
	httpStatus: number;
}

/** The codes the simulator produces, with Meta's title, a `details` text and the HTTP status. */
export const ERROR_CATALOGUE: Readonly<Record<number, CatalogueEntry>> = {
	1: {
		title: 'API Unknown',
		details: 'Invalid request or possible server error.',
		httpStatus: 400,
	},
	2: {
		title: 'API Service',
		details: 'Temporary due to downtime or due to being overloaded.',
		httpStatus: 503,
	},
	100: { title: 'Invalid parameter', details: 'Invalid parameter.', httpStatus: 400 },
	190: { title: 'Access token has expired', details: 'Invalid access token.', httpStatus: 401 },
	130429: {
		title: 'Rate limit hit',
		details: 'Cloud API message throughput has been reached.',
		httpStatus: 400,
	},
	131000: {
		title: 'Something went wrong',
		details: 'Message failed to send due to an unknown error.',
		httpStatus: 500,
	},
	131009: {
		title: 'Parameter value is not valid',
		details: 'One or more parameter values are invalid.',
		httpStatus: 400,
	},
	131016: {
		title: 'Service unavailable',
		details: 'A service is temporarily unavailable.',
		httpStatus: 503,
	},
	131026: { title: 'Message undeliverable', details: 'Message Undeliverable.', httpStatus: 400 },
	131047: {
		title: 'Re-engagement message',
		details:
			'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
		httpStatus: 400,
	},
	131048: {
		title: 'Spam rate limit hit',
		details:
			'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
		httpStatus: 400,
	},
	131056: {
		title: '(Business Account, Consumer Account) pair rate limit hit',
		details:
			'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
		httpStatus: 400,
	},
	131062: {
		title: 'Business-scoped User ID recipients are not supported for this message',
		details: 'Business-scoped User ID recipients are not supported for this message.',
		httpStatus: 400,
	},
};

/** Codes that Meta reports in a `failed` status webhook after a 200, not in the API answer. */
export const ASYNC_BY_DEFAULT: ReadonlySet<number> = new Set([131026, 131049, 130472, 131050]);

export interface GraphErrorBody {
	error: {
		message: string;
		type: string;
		code: number;
		error_subcode?: number;
		error_data?: { messaging_product: 'whatsapp'; details: string };
		fbtrace_id: string;
	};
}

export interface GraphErrorAnswer {
	status: number;
	body: GraphErrorBody;
}

export function fbTraceId(): string {
	return 'A' + randomBytes(9).toString('base64url');
}

export interface GraphErrorOptions {
	message?: string;
	details?: string;
	subcode?: number;
	httpStatus?: number;
	type?: string;
}

/** A WhatsApp error (`(#code) title` + error_data.details) as the messages endpoint answers it. */
export function whatsAppError(code: number, options: GraphErrorOptions = {}): GraphErrorAnswer {
	const entry = ERROR_CATALOGUE[code];
	const title = entry?.title ?? 'Error';
	return {
		status: options.httpStatus ?? entry?.httpStatus ?? 400,
		body: {
			error: {
				message: options.message ?? `(#${code}) ${title}`,
				type: options.type ?? 'OAuthException',
				code,
				...(options.subcode === undefined ? {} : { error_subcode: options.subcode }),
				error_data: {
					messaging_product: 'whatsapp',
					details: options.details ?? entry?.details ?? title,
				},
				fbtrace_id: fbTraceId(),
			},
		},
	};
}

/** Wrong or missing access token: HTTP 401, code 190, no error_data. */
export function invalidTokenError(): GraphErrorAnswer {
	return {
		status: 401,
		body: {
			error: {
				message: 'Invalid OAuth access token - Cannot parse access token',
				type: 'OAuthException',
				code: 190,
				fbtrace_id: fbTraceId(),
			},
		},
	};
}

/** A Graph id that does not exist (or is not reachable with this token): code 100, subcode 33. */
export function unknownObjectError(method: 'get' | 'post', id: string): GraphErrorAnswer {
	return {
		status: 400,
		body: {
			error: {
				message:
					`Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to ` +
					'missing permissions, or does not support this operation. Please read the Graph API ' +
					'documentation at https://developers.facebook.com/docs/graph-api',
				type: 'GraphMethodException',
				code: 100,
				error_subcode: 33,
				fbtrace_id: fbTraceId(),
			},
		},
	};
}

/** A Graph path the simulator does not know (unknown edge or segment). */
export function unknownPathError(path: string): GraphErrorAnswer {
	return {
		status: 400,
		body: {
			error: {
				message: `Unknown path components: ${path}`,
				type: 'OAuthException',
				code: 100,
				fbtrace_id: fbTraceId(),
			},
		},
	};
}

/** The `errors[]` item of a `failed` status webhook. */
export function statusError(code: number, message?: string): Record<string, unknown> {
	const entry = ERROR_CATALOGUE[code];
	const title = message ?? entry?.title ?? 'Error';
	return {
		code,
		title,
		message: title,
		error_data: { details: entry?.details ?? title },
		href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
	};
}
