/**
 * Validation of the bodies POSTed to /{Phone-Number-ID}/messages against Meta's OpenAPI spec (v23.0,
 * OpenAPI 3.1, so JSON Schema 2020-12 with Ajv2020), loaded from the YAML once per process.
 *
 * The spec is used as published except where it contradicts its own examples or Meta's documented
 * behaviour (SPEC_ADJUSTMENTS, listed in the README). Every problem of a body is reported, each with the
 * code Meta uses for it (ERROR_CODE_RULE).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import type { SchemaValidateFunction } from 'ajv/dist/types';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type JsonObject = Record<string, unknown>;

const SPEC_FILE = path.join('meta-openapi', 'business-messaging-api_v23.0.yaml');
const SCHEMA_ID = 'https://whatsurp.invalid/cloud-api-simulator/meta-v23.json';
const REF_PREFIX = '#/components/schemas/';
/** Custom keyword: a number, or a string holding one, within `{ min, max }` (whole with `integer`). */
const NUMERIC = 'x-numeric';
/** Custom keyword: exactly one of these properties (what the spec says with `oneOf` of `required`). */
const EXACTLY_ONE = 'x-exactly-one';

/** What Meta's API assumes when a body leaves these out (and template language.policy: "deterministic"). */
export const DEFAULT_MESSAGE_TYPE = 'text';
export const DEFAULT_RECIPIENT_TYPE = 'individual';

/** Template language codes: "it", "en_US", "fil". */
const LANGUAGE_CODE = '^[a-z]{2,3}(_[A-Z]{2})?$';

export const SPEC_ADJUSTMENTS = [
	'allOf branches with additionalProperties:false (TextMessage, ImageMessage, …) would forbid the ' +
		'BaseMessageProperties fields (to, messaging_product…): the flag becomes unevaluatedProperties:false.',
	'Base schemas with a discriminator (TemplateComponent, ParameterObject, ButtonParameterObject) dispatch ' +
		'to the mapped schema (if/then), so template parameters are checked too.',
	'oneOf of single-key branches (MediaObject id|link, sticker id|link, Flow flow_id|flow_name) becomes ' +
		'"exactly one of these properties"; the interactive action (a oneOf of six shapes) is checked against ' +
		'the shape of its interactive.type, so an error names the right shape instead of all six.',
	'Template button index: the pattern "^[2-6, 11-14]$" (rejects the spec\'s own examples 0 and "0") ' +
		'becomes a whole number 0-9, as a JSON number or a numeric string.',
	'Template buttons also take sub_type "flow" and parameters of type "action" (Flow and catalog ' +
		'templates, as Meta documents and the spec\'s own examples send); sub_type may be upper case ("CATALOG").',
	'location.latitude/longitude are typed string but every example sends numbers: a number or a numeric ' +
		'string, -90..90 and -180..180; both are required, as Meta documents.',
	'recipient_type, type and template language.policy are optional, with Meta\'s defaults "individual", ' +
		'"text" and "deterministic"; language.code must look like "it" or "en_US".',
	'BaseMessageProperties gains `recipient` (business-scoped user id); a body with `recipient` and no ' +
		'`to` is validated with `to` filled from it.',
	'Documented constraints the spec omits: messaging_product must be "whatsapp", text.body is required ' +
		'and at most 4096 characters, a read receipt has status "read".',
] as const;

/**
 * Which code a problem gets: 131009 ("Parameter value is not valid") for a parameter of the right JSON
 * type whose value is not allowed (not in the list, wrong format or pattern, out of range); 100 ("Invalid
 * parameter") for a missing, wrongly typed or unknown parameter, a length or a count over the limit.
 */
export const ERROR_CODE_RULE = {
	value: 131009,
	other: 100,
	valueKeywords: [
		'enum',
		'const',
		'pattern',
		'format',
		'minimum',
		'maximum',
		'exclusiveMinimum',
		'exclusiveMaximum',
		'multipleOf',
		NUMERIC,
	],
} as const;

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The spec: `options.specPath`, `META_OPENAPI_SPEC`, or the copy committed in the repository
 * (`spec/meta-openapi/`, found from here whether this runs from sources or from `.build/`).
 */
export function findSpecPath(explicit?: string): string {
	const candidate = explicit ?? process.env.META_OPENAPI_SPEC;
	if (candidate) return candidate;
	let dir = __dirname;
	for (let level = 0; level < 8; level++) {
		const file = path.join(dir, 'spec', SPEC_FILE);
		if (existsSync(file)) return file;
		dir = path.dirname(dir);
	}
	throw new Error(
		`Meta's OpenAPI spec not found (looked for spec/${SPEC_FILE} above ${__dirname})`,
	);
}

function walk(
	node: unknown,
	visit: (schema: JsonObject, parentKey: string) => void,
	key = '',
): void {
	if (Array.isArray(node)) {
		for (const item of node) walk(item, visit, key);
		return;
	}
	if (!isObject(node)) return;
	visit(node, key);
	for (const [childKey, value] of Object.entries(node)) walk(value, visit, childKey);
}

const req = (schema: JsonObject): string[] =>
	Array.isArray(schema.required) ? (schema.required as string[]) : [];

function propertiesOf(schema: unknown): JsonObject {
	return isObject(schema) && isObject(schema.properties) ? schema.properties : {};
}

/** `oneOf` whose branches each require one different key → those properties, exactly one of them. */
function exactlyOneOf(schema: JsonObject): void {
	const branches = schema.oneOf;
	if (!Array.isArray(branches) || !branches.every(isObject)) return;
	const keys = branches.map((b) => (req(b).length === 1 && !b.$ref ? req(b)[0] : undefined));
	if (keys.some((k) => k === undefined) || new Set(keys).size !== keys.length) return;
	schema.properties = Object.assign(
		{},
		propertiesOf(schema),
		...branches.map((b) => propertiesOf(b)),
	) as JsonObject;
	if (branches.every((b) => b.additionalProperties === false)) schema.additionalProperties = false;
	if (branches.some((b) => b.type === 'object')) schema.type = 'object';
	schema[EXACTLY_ONE] = keys;
	delete schema.oneOf;
}

/** The interactive action: one shape per interactive.type instead of a oneOf of all of them. */
function actionByInteractiveType(schemas: JsonObject): void {
	const action = schemas.ActionObject as JsonObject;
	const branches = (action.oneOf ?? []) as JsonObject[];
	const find = (label: string, test: (b: JsonObject) => boolean): JsonObject => {
		const branch = branches.find(test);
		if (!branch) throw new Error(`ActionObject has no ${label} shape: the spec changed`);
		return branch;
	};
	const named = (name: string) => (b: JsonObject) =>
		((propertiesOf(b).name as JsonObject | undefined)?.enum as unknown[] | undefined)?.includes(
			name,
		) === true;
	const products = find('product', (b) => req(b).includes('catalog_id'));
	const shapes: Record<string, JsonObject> = {
		button: find('button', (b) => req(b).includes('buttons')),
		list: find('list', (b) => req(b).includes('sections') && req(b).includes('button')),
		product: products,
		product_list: products,
		catalog_message: find('catalog_message', named('catalog_message')),
		flow: find('flow', named('flow')),
		call_permission_request: find('call_permission_request', named('call_permission_request')),
	};
	delete action.oneOf;
	const interactive = schemas.InteractiveObject as JsonObject;
	interactive.allOf = Object.entries(shapes).map(([type, shape]) => ({
		if: { properties: { type: { const: type } }, required: ['type'] },
		then: { properties: { action: shape } },
	}));
}

/** Template buttons of Flow and catalog templates: sub_type "flow", a parameter of type "action". */
function templateButtonActions(schemas: JsonObject): void {
	walk(schemas, (schema) => {
		const values = schema.enum;
		if (!Array.isArray(values) || !values.includes('quick_reply')) return;
		const lower = [...new Set([...(values as string[]), 'flow'])];
		schema.enum = [...lower, ...lower.map((v) => v.toUpperCase())];
	});
	const base = schemas.ButtonParameterObject as {
		properties: { type: { enum: string[] } };
		discriminator: { mapping: Record<string, string> };
	};
	base.properties.type.enum.push('action');
	base.discriminator.mapping.action = `${REF_PREFIX}ButtonActionParameter`;
	schemas.ButtonActionParameter = {
		allOf: [
			{ $ref: `${REF_PREFIX}ButtonParameterObject` },
			{
				type: 'object',
				required: ['action'],
				properties: {
					type: { enum: ['action'] },
					action: {
						type: 'object',
						properties: {
							thumbnail_product_retailer_id: { type: 'string' },
							flow_token: { type: 'string' },
							flow_action_data: { type: 'object' },
						},
					},
				},
			},
		],
	};
}

function adjust(schemas: JsonObject): void {
	walk(schemas, (schema) => {
		if (schema.pattern === '^[2-6, 11-14]$') {
			delete schema.pattern;
			schema.type = ['number', 'string'];
			schema[NUMERIC] = { min: 0, max: 9, integer: true };
		}
		if (!Array.isArray(schema.allOf)) return;
		const closed = schema.allOf.filter((b) => isObject(b) && b.additionalProperties === false);
		for (const branch of closed) delete (branch as JsonObject).additionalProperties;
		if (closed.length > 0) schema.unevaluatedProperties = false;
	});
	actionByInteractiveType(schemas);
	walk(schemas, exactlyOneOf);
	templateButtonActions(schemas);
	// Discriminated base schemas: references outside the mapped schemas' own allOf go to a dispatcher.
	for (const [name, schema] of Object.entries(schemas)) {
		if (!isObject(schema) || !isObject(schema.discriminator) || schema.oneOf) continue;
		const { propertyName, mapping } = schema.discriminator as {
			propertyName: string;
			mapping?: Record<string, string>;
		};
		if (!mapping) continue;
		const baseRef = REF_PREFIX + name;
		walk(schemas, (node, parentKey) => {
			if (node.$ref === baseRef && parentKey !== 'allOf') node.$ref = `${baseRef}__dispatch`;
		});
		schemas[`${name}__dispatch`] = {
			allOf: [
				{ $ref: baseRef },
				...Object.entries(mapping).map(([value, ref]) => ({
					if: { properties: { [propertyName]: { const: value } }, required: [propertyName] },
					then: { $ref: ref },
				})),
			],
		};
	}
	const base = schemas.BaseMessageProperties as { properties: JsonObject; required: string[] };
	base.properties.recipient = { type: 'string', minLength: 1 };
	base.properties.messaging_product = { type: 'string', enum: ['whatsapp'] };
	base.required = base.required.filter((key) => key !== 'recipient_type' && key !== 'type');
	const text = (schemas.TextMessage as { allOf: JsonObject[] }).allOf[1] as {
		properties: { text: JsonObject };
	};
	text.properties.text.required = ['body'];
	(text.properties.text.properties as JsonObject).body = {
		type: 'string',
		minLength: 1,
		maxLength: 4096,
	};
	const location = propertiesOf((schemas.LocationMessage as { allOf: JsonObject[] }).allOf[1])
		.location as { properties: JsonObject; required?: string[] };
	location.required = ['latitude', 'longitude'];
	for (const [key, limit] of [
		['latitude', 90],
		['longitude', 180],
	] as const) {
		location.properties[key] = {
			type: ['number', 'string'],
			[NUMERIC]: { min: -limit, max: limit },
		};
	}
	const language = schemas.LanguageObject as {
		properties: { code: JsonObject };
		required: string[];
	};
	language.required = ['code'];
	language.properties.code.pattern = LANGUAGE_CODE;
	const markRead = schemas.MarkMessageRequestPayload as { properties: JsonObject };
	markRead.properties.status = { type: 'string', enum: ['read'] };
}

interface NumericLimits {
	min: number;
	max: number;
	integer?: boolean;
}

const NUMERIC_TEXT = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

/** Why `data` is not a number within `limits`, or undefined when it is. */
function numericProblem(limits: NumericLimits, data: number | string): string | undefined {
	const value = typeof data === 'string' && !NUMERIC_TEXT.test(data) ? NaN : Number(data);
	const fits =
		Number.isFinite(value) &&
		value >= limits.min &&
		value <= limits.max &&
		(!limits.integer || Number.isInteger(value));
	if (fits) return undefined;
	const what = limits.integer ? 'a whole number' : 'a number';
	const got = typeof data === 'string' ? JSON.stringify(data.slice(0, 40)) : String(data);
	return `must be ${what} from ${limits.min} to ${limits.max}, or a string holding one (got ${got})`;
}

const checkNumeric: SchemaValidateFunction = (limits: NumericLimits, data: number | string) => {
	const problem = numericProblem(limits, data);
	checkNumeric.errors =
		problem === undefined ? [] : [{ keyword: NUMERIC, message: problem, params: {} }];
	return problem === undefined;
};

const checkExactlyOne: SchemaValidateFunction = (keys: string[], data: JsonObject) => {
	const present = keys.filter((key) => Object.hasOwn(data, key));
	const message =
		present.length === 0
			? `must have one of the properties: ${keys.join(', ')}`
			: `must have only one of the properties: ${keys.join(', ')} (got ${present.join(', ')})`;
	checkExactlyOne.errors =
		present.length === 1 ? [] : [{ keyword: EXACTLY_ONE, message, params: {} }];
	return present.length === 1;
};

function isHttpUrl(value: string): boolean {
	if (/\s/.test(value)) return false;
	try {
		const { protocol } = new URL(value);
		return protocol === 'http:' || protocol === 'https:';
	} catch {
		return false;
	}
}

/** One problem of a body. */
export interface ValidationIssue {
	/** 100 or 131009, see ERROR_CODE_RULE */
	code: number;
	/** JSON pointer of the parameter, e.g. "/location/latitude" */
	path: string;
	/** "<json pointer> <what is wrong>" */
	text: string;
}

export interface ValidationResult {
	valid: boolean;
	/** Every problem, in the order found (the body's fields, then the message type's object). */
	issues: ValidationIssue[];
	/** The issues' texts */
	errors: string[];
}

export interface MessageValidator {
	/** The `type` values the spec's `Message` discriminator maps. */
	messageTypes: string[];
	validateMessage(body: unknown): ValidationResult;
	validateMarkRead(body: unknown): ValidationResult;
}

const SUMMARY_KEYWORDS = new Set(['oneOf', 'if', 'anyOf', 'allOf']);
const VALUE_KEYWORDS: ReadonlySet<string> = new Set(ERROR_CODE_RULE.valueKeywords);

function issueOf(error: ErrorObject): ValidationIssue {
	const where = error.instancePath || '/';
	const params = error.params as Record<string, unknown>;
	let name: unknown;
	let extra = '';
	if (error.keyword === 'unevaluatedProperties' || error.keyword === 'additionalProperties') {
		name = Object.values(params)[0];
		extra = `: ${String(name)}`;
	} else if (error.keyword === 'required') {
		name = params.missingProperty;
	} else if (error.keyword === 'enum') {
		extra = `: ${(params.allowedValues as unknown[]).join(', ')}`;
	}
	return {
		code: VALUE_KEYWORDS.has(error.keyword) ? ERROR_CODE_RULE.value : ERROR_CODE_RULE.other,
		path: name === undefined ? where : `${error.instancePath}/${String(name)}`,
		text: `${where} ${error.message ?? error.keyword}${extra}`,
	};
}

function result(issues: ValidationIssue[]): ValidationResult {
	const unique = issues.filter((issue, i) => issues.findIndex((o) => o.text === issue.text) === i);
	return { valid: unique.length === 0, issues: unique, errors: unique.map((i) => i.text) };
}

/** Every concrete problem; the summaries of if/then dispatches only repeat the problem inside. */
function describe(errors: ErrorObject[] | null | undefined): ValidationIssue[] {
	const all = errors ?? [];
	const concrete = all.filter((e) => !SUMMARY_KEYWORDS.has(e.keyword));
	return (concrete.length > 0 ? concrete : all).map(issueOf);
}

let cached: { specPath: string; validator: MessageValidator } | undefined;

/** Builds (once per spec path and process) the validators; loading the 1 MB YAML takes ~1 s. */
export function loadMessageValidator(specPath?: string): MessageValidator {
	const file = findSpecPath(specPath);
	if (cached?.specPath === file) return cached.validator;
	const document = parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 }) as JsonObject;
	const schemas = (document.components as JsonObject).schemas as JsonObject;
	const message = schemas.Message as { discriminator: { mapping: Record<string, string> } };
	const mapping = Object.fromEntries(
		Object.entries(message.discriminator.mapping).map(([t, ref]) => [
			t,
			ref.slice(REF_PREFIX.length),
		]),
	);
	adjust(schemas);
	const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
	addFormats(ajv);
	ajv.addFormat('url', isHttpUrl);
	ajv.addKeyword({
		keyword: NUMERIC,
		type: ['number', 'string'],
		schemaType: 'object',
		errors: true,
		validate: checkNumeric,
	});
	ajv.addKeyword({
		keyword: EXACTLY_ONE,
		type: 'object',
		schemaType: 'array',
		errors: true,
		validate: checkExactlyOne,
	});
	ajv.addSchema({ $id: SCHEMA_ID, components: { schemas } });
	const compiled = new Map<string, ValidateFunction>();
	const get = (name: string): ValidateFunction => {
		let validate = compiled.get(name);
		if (!validate) {
			validate = ajv.getSchema(SCHEMA_ID + REF_PREFIX + name);
			if (!validate) throw new Error(`Schema ${name} missing from ${file}`);
			compiled.set(name, validate);
		}
		return validate;
	};
	const run = (name: string, body: unknown): ValidationIssue[] => {
		const validate = get(name);
		return validate(body) ? [] : describe(validate.errors);
	};
	const validator: MessageValidator = {
		messageTypes: Object.keys(mapping),
		validateMessage(body) {
			if (!isObject(body))
				return result([{ code: 100, path: '/', text: '/ must be a JSON object' }]);
			const withTo =
				body.to === undefined && typeof body.recipient === 'string'
					? { ...body, to: body.recipient }
					: body;
			const type = body.type ?? DEFAULT_MESSAGE_TYPE;
			// A `type` that is not a string fails the common fields' schema (100).
			if (typeof type !== 'string') return result(run('BaseMessageProperties', withTo));
			// own keys only: "constructor" or "__proto__" is an unknown type, not a schema name
			if (Object.hasOwn(mapping, type)) return result(run(mapping[type], withTo));
			return result([
				...run('BaseMessageProperties', withTo),
				{
					code: ERROR_CODE_RULE.value,
					path: '/type',
					text: `/type must be one of: ${Object.keys(mapping).join(', ')} (got ${JSON.stringify(type.slice(0, 40))})`,
				},
			]);
		},
		validateMarkRead(body) {
			if (!isObject(body))
				return result([{ code: 100, path: '/', text: '/ must be a JSON object' }]);
			return result(run('MarkMessageRequestPayload', body));
		},
	};
	cached = { specPath: file, validator };
	return validator;
}
