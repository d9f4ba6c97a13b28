import type { OperationModule, Operation } from './common';
import * as downloadMedia from './downloadMedia.operation';
import * as markAsRead from './markAsRead.operation';
import * as sendButtons from './sendButtons.operation';
import * as sendList from './sendList.operation';
import * as sendMedia from './sendMedia.operation';
import * as sendTemplate from './sendTemplate.operation';
import * as sendText from './sendText.operation';

/** Dispatch table: operation value → its description and execute. */
export const operations: Record<Operation, OperationModule> = {
	sendText,
	sendTemplate,
	sendButtons,
	sendList,
	sendMedia,
	markAsRead,
	downloadMedia,
};

export type { Operation } from './common';
