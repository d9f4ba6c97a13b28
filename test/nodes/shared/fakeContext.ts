import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

export const NODE: INode = {
	id: 'node-1',
	name: 'WhatsUrp Test',
	type: 'n8n-nodes-whatsurp.test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** The part of IExecuteFunctions the runner and the error mapping use. */
export function fakeContext(
	items: INodeExecutionData[],
	continueOnFail = false,
): IExecuteFunctions {
	return {
		getInputData: () => items,
		continueOnFail: () => continueOnFail,
		getNode: () => NODE,
	} as unknown as IExecuteFunctions;
}
