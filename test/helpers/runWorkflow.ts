/**
 * Runs nodes in-process with n8n-core's own WorkflowExecute, so parameters, expressions,
 * continueOnFail and outputs behave as in n8n. Credentials come from a test map (no database) and are
 * applied the way the credential class declares (its generic `authenticate` headers/query).
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	Workflow,
	type IConnections,
	type IDataObject,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

export class TestNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType>();

	constructor(nodes: Record<string, INodeType>) {
		for (const [name, node] of Object.entries(nodes)) this.types.set(name, node);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.getByNameAndVersion(nodeType);
	}

	getByNameAndVersion(nodeType: string): INodeType {
		const node = this.types.get(nodeType);
		if (!node) throw new Error(`Unknown node type in test: ${nodeType}`);
		return node;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/** Credentials by type: their decrypted data, and the class whose `authenticate` applies them. */
export type TestCredentials = Record<
	string,
	{ data: ICredentialDataDecryptedObject; type: ICredentialType }
>;

/** `=Bearer {{$credentials.accessToken}}` → `Bearer <token>` (the only expression form our credentials use). */
function resolveCredentialTemplate(
	template: unknown,
	data: ICredentialDataDecryptedObject,
): unknown {
	if (typeof template !== 'string' || !template.startsWith('=')) return template;
	return template
		.slice(1)
		.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) => String(data[key] ?? ''));
}

/** The part of n8n's credentials helper that node execution uses, over an in-memory map. */
function testCredentialsHelper(credentials: TestCredentials) {
	return {
		getParentTypes: () => [],
		// n8n checks that the node declares the credential; our nodes do, and a wrong one fails on lookup
		isCredentialUsableByNode: (type: string) => type in credentials,
		async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
			const entry = credentials[type];
			if (!entry) throw new Error(`No test credential of type ${type}`);
			return { ...entry.data };
		},
		async authenticate(
			data: ICredentialDataDecryptedObject,
			type: string,
			requestOptions: IHttpRequestOptions,
		): Promise<IHttpRequestOptions> {
			const authenticate = credentials[type]?.type.authenticate;
			if (!authenticate || typeof authenticate === 'function' || authenticate.type !== 'generic') {
				return requestOptions;
			}
			const headers = { ...(requestOptions.headers ?? {}) };
			for (const [name, value] of Object.entries(authenticate.properties.headers ?? {})) {
				headers[name] = resolveCredentialTemplate(value, data) as string;
			}
			return { ...requestOptions, headers };
		},
		async preAuthentication() {
			return undefined;
		},
		async updateCredentials() {
			return undefined;
		},
		async getCredentials() {
			throw new Error('not needed in tests');
		},
		getCredentialsProperties: () => [],
	};
}

type TaskError = Error & { description?: string; context?: IDataObject };

export interface WorkflowRun {
	run: IRun;
	/** Output arrays of a node's first run: one array per output. */
	outputsOf(nodeName: string): INodeExecutionData[][];
	/** The error a node stopped with, if it did. */
	errorOf(nodeName: string): TaskError | undefined;
}

export async function runWorkflow(
	nodeTypes: INodeTypes,
	nodes: INode[],
	connections: IConnections,
	input: INodeExecutionData[],
	credentials: TestCredentials = {},
): Promise<WorkflowRun> {
	const workflowData: IWorkflowBase = {
		id: 'test',
		name: 'test',
		active: false,
		isArchived: false,
		nodes,
		connections,
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as unknown as IWorkflowBase;
	const workflow = new Workflow({ id: 'test', nodes, connections, nodeTypes, active: false });

	const hooks = new ExecutionLifecycleHooks('manual', '1', workflowData);
	let resolveFinished: (run: IRun) => void = () => undefined;
	const finished = new Promise<IRun>((resolve) => (resolveFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => resolveFinished(fullRunData));

	const additionalData = {
		hooks,
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		restartExecutionId: undefined,
		variables: {},
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		restApiUrl: 'http://127.0.0.1:5678/rest',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		userId: 'test-user',
		credentialsHelper: testCredentialsHelper(credentials),
	} as unknown as IWorkflowExecuteAdditionalData;

	const startNode = workflow.getStartNode();
	if (!startNode) throw new Error('The test workflow has no start node');
	const runExecutionData: IRunExecutionData = {
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: startNode, data: { main: [input] }, source: null }],
		},
	} as unknown as IRunExecutionData;

	const workflowExecute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	await workflowExecute.processRunExecutionData(workflow);
	const run = await finished;

	return {
		run,
		outputsOf(nodeName) {
			const taskData = run.data.resultData.runData[nodeName]?.[0];
			if (!taskData) throw new Error(`Node "${nodeName}" did not run`);
			if (taskData.error) throw taskData.error;
			return (taskData.data?.main ?? []).map((items: INodeExecutionData[] | null) => items ?? []);
		},
		errorOf(nodeName) {
			return run.data.resultData.runData[nodeName]?.[0]?.error as TaskError | undefined;
		},
	};
}

/** Runs one node alone on the given items. */
export async function runNode(
	nodeTypes: INodeTypes,
	type: string,
	parameters: INode['parameters'],
	input: INodeExecutionData[],
	options: { continueOnFail?: boolean; credentials?: TestCredentials } = {},
): Promise<
	WorkflowRun & { outputs(): INodeExecutionData[][]; error(): ReturnType<WorkflowRun['errorOf']> }
> {
	const node: INode = {
		id: 'node-under-test',
		name: 'Node Under Test',
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		...(options.credentials
			? {
					credentials: Object.fromEntries(
						Object.keys(options.credentials).map((type) => [
							type,
							{ id: `test-${type}`, name: `Test ${type}` },
						]),
					),
				}
			: {}),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const result = await runWorkflow(nodeTypes, [node], {}, input, options.credentials);
	return {
		...result,
		outputs: () => result.outputsOf(node.name),
		error: () => result.errorOf(node.name),
	};
}
