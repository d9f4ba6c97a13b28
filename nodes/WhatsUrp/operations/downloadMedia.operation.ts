import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { checkMediaDownload, fileNameForMedia } from '../../core/whatsapp/api';
import { fetchMediaBytes, fetchMediaInfo, toNodeApiError } from '../transport';
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
				"The photo, video, audio or document the citizen sent; the default is the trigger's media",
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the output binary field to put the file in',
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const mediaId = String(this.getNodeParameter('downloadMediaId', itemIndex) ?? '').trim();
	if (mediaId === '') {
		throw new NodeOperationError(this.getNode(), 'The item has no media to download', {
			itemIndex,
			description:
				'Media ID is empty: download only messages of type image, video, audio, document or sticker.',
		});
	}
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex) as string;

	const info = await fetchMediaInfo(this, mediaId);
	if (!info.ok) throw toNodeApiError(this, info.error, itemIndex);
	const bytes = await fetchMediaBytes(this, info.url);
	if (!bytes.ok) throw toNodeApiError(this, bytes.error, itemIndex);
	const check = checkMediaDownload(info, bytes.data);
	if (!check.ok) {
		throw new NodeOperationError(this.getNode(), check.message, {
			itemIndex,
			description: check.hintIt,
		});
	}

	const input = this.getInputData()[itemIndex]?.json as
		| { media?: { filename?: unknown } }
		| undefined;
	const declaredName =
		typeof input?.media?.filename === 'string' ? input.media.filename : undefined;
	const fileName = fileNameForMedia(info.mimeType, mediaId, declaredName);
	const binary = await this.helpers.prepareBinaryData(bytes.data, fileName, info.mimeType);
	return {
		json: {
			operation: 'downloadMedia',
			mediaId,
			mimeType: info.mimeType ?? null,
			fileName,
			fileSize: check.size,
			sha256: check.sha256,
		},
		binary: { [binaryPropertyName]: binary },
		pairedItem: { item: itemIndex },
	};
}
