import {
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { checkMediaDownload, fileNameForMedia } from '../../core/whatsapp/api';
import { fetchMediaBytes, fetchMediaInfo } from '../transport';
import { toNodeError, type NodeError } from '../../shared/errors';
import { forOperations } from './common';

export const description: INodeProperties[] = forOperations(
	['downloadMedia'],
	[
		{
			displayName: 'Media ID',
			name: 'downloadMediaId',
			type: 'string',
			default: '={{ $json.media?.id }}',
			required: true,
			description:
				"The photo, video, audio or document the citizen sent; the default is the trigger's media. Several files: IDs separated by commas, or a list (e.g. a report's photos): each one is downloaded into the output field with _1, _2, … appended, and one that fails is listed in downloadErrors instead of stopping the others.",
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the output binary field to put the file in',
		},
		{
			displayName: 'Options',
			name: 'downloadOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Include Input Fields',
					name: 'includeInputFields',
					type: 'boolean',
					default: false,
					description:
						"Whether the output keeps the input item's fields, with the download's added (attachments: the output fields, comma-separated; downloadErrors)",
				},
			],
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const raw = this.getNodeParameter('downloadMediaId', itemIndex) as unknown;
	const list = mediaIdList(raw);
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
	const options = this.getNodeParameter('downloadOptions', itemIndex, {}) as {
		includeInputFields?: boolean;
	};
	const input = (this.getInputData()[itemIndex]?.json ?? {}) as IDataObject;
	const keep = options.includeInputFields === true ? input : {};
	if (list.kind === 'single') {
		if (list.ids.length === 0) {
			throw new NodeOperationError(this.getNode(), 'The item has no media to download', {
				itemIndex,
				description:
					'«Media ID» è vuoto: si scaricano solo i messaggi di tipo image, video, audio, document o sticker.',
			});
		}
		const declared = (input as { media?: { filename?: unknown } }).media?.filename;
		const file = await downloadOne(
			this,
			itemIndex,
			list.ids[0],
			typeof declared === 'string' ? declared : undefined,
		);
		if (!file.ok) throw file.error;
		return {
			json: { ...keep, operation: 'downloadMedia', ...file.json, attachments: binaryPropertyName },
			binary: { [binaryPropertyName]: file.binary },
			pairedItem: { item: itemIndex },
		};
	}
	// Several files: each its own field; one that fails is reported, the others still arrive.
	const binary: Record<string, IBinaryData> = {};
	const files: IDataObject[] = [];
	const downloadErrors: string[] = [];
	for (const [index, entry] of list.ids.entries()) {
		const file = await downloadOne(this, itemIndex, entry, list.filenames[index]);
		if (!file.ok) {
			downloadErrors.push(`${entry}: ${file.error.message}`);
			continue;
		}
		const field = `${binaryPropertyName}_${files.length + 1}`;
		binary[field] = file.binary;
		files.push({ ...file.json, field });
	}
	return {
		json: {
			...keep,
			operation: 'downloadMedia',
			files,
			attachments: Object.keys(binary).join(','),
			downloadErrors,
		},
		...(files.length > 0 ? { binary } : {}),
		pairedItem: { item: itemIndex },
	};
}

/**
 * The IDs to download: one (a string without commas, the usual case), or several (a comma-separated
 * string, a list of IDs, or a list of media objects with an `id` and maybe a `filename`).
 */
function mediaIdList(raw: unknown): {
	kind: 'single' | 'several';
	ids: string[];
	filenames: Array<string | undefined>;
} {
	if (Array.isArray(raw)) {
		const ids: string[] = [];
		const filenames: Array<string | undefined> = [];
		for (const entry of raw) {
			const object = entry !== null && typeof entry === 'object' ? (entry as IDataObject) : null;
			const id = String(object ? (object.id ?? '') : (entry ?? '')).trim();
			if (id === '') continue;
			ids.push(id);
			filenames.push(
				object && typeof object.filename === 'string' && object.filename !== ''
					? object.filename
					: undefined,
			);
		}
		return { kind: 'several', ids, filenames };
	}
	const text = String(raw ?? '').trim();
	if (!text.includes(',')) return { kind: 'single', ids: text === '' ? [] : [text], filenames: [] };
	const ids = text
		.split(',')
		.map((id) => id.trim())
		.filter((id) => id !== '');
	return { kind: 'several', ids, filenames: ids.map(() => undefined) };
}

async function downloadOne(
	context: IExecuteFunctions,
	itemIndex: number,
	mediaId: string,
	declaredName: string | undefined,
): Promise<{ ok: true; json: IDataObject; binary: IBinaryData } | { ok: false; error: NodeError }> {
	const info = await fetchMediaInfo(context, mediaId);
	if (!info.ok) return { ok: false, error: toNodeError(context, info.error, { itemIndex }) };
	const bytes = await fetchMediaBytes(context, info.url);
	if (!bytes.ok) return { ok: false, error: toNodeError(context, bytes.error, { itemIndex }) };
	const check = checkMediaDownload(info, bytes.data);
	if (!check.ok) {
		return {
			ok: false,
			error: new NodeOperationError(context.getNode(), check.message, {
				itemIndex,
				description: check.hintIt,
			}),
		};
	}
	const fileName = fileNameForMedia(info.mimeType, mediaId, declaredName);
	const binary = await context.helpers.prepareBinaryData(bytes.data, fileName, info.mimeType);
	return {
		ok: true,
		binary,
		json: {
			mediaId,
			mimeType: info.mimeType ?? null,
			fileName,
			fileSize: check.size,
			sha256: check.sha256,
		},
	};
}
