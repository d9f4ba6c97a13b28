/**
 * The one mapping from what the core throws to the n8n error URP staff see, one function per core error
 * family. Language: the message is English (n8n's own messages, logs); the description, shown under it
 * in the editor and as `errorHint` under Continue On Fail, tells staff in Italian what to do.
 *
 * - WhatsApp Cloud API refusals (MetaApiError) → NodeApiError with Meta's code and the Italian hint;
 * - Open311 portal answers (Open311Error) → NodeApiError; its bad fields or settings → NodeOperationError;
 * - store errors (StoreInputError, StoreError) → NodeOperationError;
 * - broadcast ledger refusals (BroadcastError) → NodeOperationError with the ledger's Italian hint;
 * - a list that does not exist (UnknownListError) → NodeOperationError naming the lists that do;
 * - validation of parameters and input (calendar, commands, messages, credential, conversation) →
 *   NodeOperationError naming the parameter at fault;
 * - anything else → NodeOperationError with its message.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

import { BroadcastError } from '../core/broadcast';
import { CalendarConfigError, CalendarInputError } from '../core/calendar';
import { CommandConfigError } from '../core/commands';
import { ConversationInputError } from '../core/conversation/inbound';
import { FiguresInputError } from '../core/figures/period';
import { Open311Error } from '../core/open311/errors';
import { UnknownListError } from '../core/lists';
import { StoreError, StoreInputError } from '../core/store';
import { ApiConfigError } from '../core/whatsapp/api';
import { MetaApiError } from '../core/whatsapp/errors';
import { MessageValidationError } from '../core/whatsapp/messages';

export type NodeError = NodeApiError | NodeOperationError;

/** Anything with the node at hand: IExecuteFunctions, ILoadOptionsFunctions, … */
export interface NodeContext {
	getNode(): INode;
}

export interface ErrorMappingOptions {
	itemIndex?: number;
	/** The editor's name of the parameter a validation error's `field` points at. */
	parameterLabel?: (field: string) => string;
}

/** Longest text kept from a value thrown that is not an Error. */
const MAX_FOREIGN_TEXT = 500;

/** Meta's code of the NodeApiError made from a MetaApiError (NodeApiError keeps only the HTTP one). */
const codeOfNodeError = new WeakMap<object, string | number>();

/** Whatever was thrown, as the n8n error staff see: what is wrong and how to fix it. */
export function toNodeError(
	context: NodeContext,
	error: unknown,
	options: ErrorMappingOptions = {},
): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const node = context.getNode();
	const { itemIndex } = options;
	if (error instanceof MetaApiError) return fromMetaApiError(node, error, itemIndex);
	if (error instanceof Open311Error) return fromOpen311Error(node, error, itemIndex);
	if (error instanceof StoreInputError || error instanceof StoreError) {
		return fromStoreError(node, error, itemIndex);
	}
	if (error instanceof BroadcastError) return fromBroadcastError(node, error, itemIndex);
	if (error instanceof UnknownListError) {
		return new NodeOperationError(node, error.message, { description: error.hintIt, itemIndex });
	}
	const validation = fromValidationError(node, error, options);
	if (validation) return validation;
	return new NodeOperationError(node, asError(error), { itemIndex });
}

/** A Cloud API refusal: Meta's code and details, and the Italian hint for staff. */
export function fromMetaApiError(
	node: INode,
	error: MetaApiError,
	itemIndex?: number,
): NodeApiError {
	const response: JsonObject = {
		code: error.code ?? null,
		subcode: error.subcode ?? null,
		type: error.type ?? null,
		title: error.title ?? null,
		details: error.details ?? null,
		fbtraceId: error.fbtraceId ?? null,
		kind: error.kind,
	};
	const nodeError = new NodeApiError(node, response, {
		message: error.message,
		description: [error.hintIt, error.fbtraceId ? `fbtrace_id: ${error.fbtraceId}` : '']
			.filter(Boolean)
			.join(' '),
		httpCode: String(error.httpStatus),
		itemIndex,
	});
	codeOfNodeError.set(nodeError, error.code ?? error.httpStatus);
	return nodeError;
}

/**
 * The portal's answers as NodeApiError with its HTTP status and error entries; bad fields or settings,
 * caught before sending, as NodeOperationError. Both with the Italian hint.
 */
export function fromOpen311Error(node: INode, error: Open311Error, itemIndex?: number): NodeError {
	if (error.kind === 'input' || error.kind === 'config') {
		const where =
			error.kind === 'config' && error.field
				? ` (campo «${error.field}» della credenziale)`
				: error.field
					? ` (${error.field})`
					: '';
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: `${error.hintIt}${where}`,
		});
	}
	const response: JsonObject = {
		kind: error.kind,
		httpStatus: error.httpStatus,
		portalErrors: error.errors.map((entry) => ({
			code: entry.code ?? null,
			description: entry.description,
		})),
		retryable: error.retryable,
	};
	return new NodeApiError(node, response, {
		message: error.message,
		description: error.hintIt,
		...(error.httpStatus > 0 ? { httpCode: String(error.httpStatus) } : {}),
		itemIndex,
	});
}

/** What staff can do about a value the store refused, by the field at fault. */
export function storeInputHint(field: string): string {
	if (field === 'state')
		return 'Una pratica va solo avanti: ricevuta → instradata → risposta o registrata → chiusa; una pratica chiusa resta chiusa.';
	if (field === 'caseId')
		return 'Impostare «Case ID» al numero con cui la pratica è stata aperta (caseId di Open Case o Add Part to Report).';
	if (field.startsWith('citizen'))
		return "from.waId / from.userId dell'elemento devono essere gli identificativi dati dal WhatsUrp Trigger.";
	return `Controllare il valore dato per «${field}».`;
}

/** The store refused a value, or could not be reached or written. */
export function fromStoreError(
	node: INode,
	error: StoreInputError | StoreError,
	itemIndex?: number,
): NodeOperationError {
	if (error instanceof StoreInputError) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: storeInputHint(error.field),
		});
	}
	// n8n replaces a message naming a system error (EEXIST, ECONNREFUSED, …) by its plain words: the
	// description keeps the store's own (backend, host or file).
	return new NodeOperationError(node, `The WhatsUrp store failed: ${error.message}`, {
		itemIndex,
		description: `${error.message}. Controllare la credenziale «WhatsUrp Store» e che il database sia raggiungibile; non è stato modificato nulla.`,
	});
}

/** The broadcast ledger refused to start or find a broadcast. */
export function fromBroadcastError(
	node: INode,
	error: BroadcastError,
	itemIndex?: number,
): NodeOperationError {
	return new NodeOperationError(node, error.message, { itemIndex, description: error.hintIt });
}

/**
 * A parameter or the input item is not valid (calendar, commands, message, credential, conversation):
 * NodeOperationError naming what to fix; undefined for other errors.
 */
export function fromValidationError(
	node: INode,
	error: unknown,
	options: ErrorMappingOptions = {},
): NodeOperationError | undefined {
	const { itemIndex } = options;
	if (
		error instanceof CalendarConfigError ||
		error instanceof CalendarInputError ||
		error instanceof CommandConfigError ||
		error instanceof FiguresInputError
	) {
		const label = options.parameterLabel?.(error.field) ?? error.field;
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: `Controllare il parametro «${label}» (${error.field}).`,
		});
	}
	if (error instanceof MessageValidationError) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: `${error.hintIt} (${error.field})`,
		});
	}
	if (error instanceof ApiConfigError) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: `Controllare il campo «${error.field}» della credenziale «WhatsApp Cloud API».`,
		});
	}
	if (error instanceof ConversationInputError) {
		return new NodeOperationError(node, error.message, { itemIndex, description: error.hint });
	}
	if (error instanceof RangeError) {
		return new NodeOperationError(node, error.message, { itemIndex });
	}
	return undefined;
}

/** A code for the Continue On Fail item: Meta's, the portal's HTTP status, the ledger's, the store's. */
export function errorCodeOf(error: unknown): string | number | undefined {
	if (typeof error === 'object' && error !== null && codeOfNodeError.has(error)) {
		return codeOfNodeError.get(error);
	}
	if (error instanceof MetaApiError) return error.code ?? error.httpStatus;
	if (error instanceof Open311Error) return error.httpStatus > 0 ? error.httpStatus : undefined;
	if (error instanceof BroadcastError) return error.code;
	if (error instanceof StoreError) return error.code;
	if (error instanceof NodeApiError) return error.httpCode ?? undefined;
	return undefined;
}

const detailsOfError = new WeakMap<object, IDataObject>();

/** Fields a failed item carries under Continue On Fail besides `error` (a stopped broadcast's counts). */
export function withDetails<E extends Error>(error: E, details: IDataObject): E {
	detailsOfError.set(error, details);
	return error;
}

export function detailsOf(error: unknown): IDataObject | undefined {
	return typeof error === 'object' && error !== null ? detailsOfError.get(error) : undefined;
}

/** A thrown value as an Error: strings and other values become a short, safe text. */
function asError(error: unknown): Error {
	if (error instanceof Error) {
		if (typeof error.message === 'string') return error;
		return new Error(safeText(error.message));
	}
	return new Error(safeText(error));
}

function safeText(value: unknown): string {
	let text: string;
	try {
		if (typeof value === 'string') text = value;
		else if (value === undefined || value === null) text = `Unknown error (${String(value)})`;
		else if (typeof value === 'object') {
			const message = (value as { message?: unknown }).message;
			text = typeof message === 'string' ? message : `Unknown error (${typeof value})`;
		} else text = String(value);
	} catch {
		text = 'Unknown error';
	}
	if (text.trim() === '') text = 'Unknown error';
	return text.length > MAX_FOREIGN_TEXT ? `${text.slice(0, MAX_FOREIGN_TEXT - 1)}…` : text;
}
