/**
 * Validation of the bodies POSTed to /{Phone-Number-ID}/messages against Meta's OpenAPI spec (v23.0,
 * OpenAPI 3.1, so JSON Schema 2020-12 with Ajv2020), loaded from the YAML once per process.
 *
 * The spec is used as published except where it contradicts itself or Meta's documented behaviour
 * (SPEC_ADJUSTMENTS, listed in the README): where the spec is stricter than Meta's prose (e.g.
 * `recipient_type`, `language.policy` required) the simulator stays strict, because a body that passes
 * the spec also passes the real API.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type JsonObject = Record<string, unknown>;

const SPEC_FILE = path.join('meta-openapi', 'business-messaging-api_v23.0.yaml');
const SCHEMA_ID = 'https://whatsurp.invalid/cloud-api-simulator/meta-v23.json';
const REF_PREFIX = '#/components/schemas/';

export const SPEC_ADJUSTMENTS = [
	'allOf branches with additionalProperties:false (TextMessage, ImageMessage, …) would forbid the ' +
		'BaseMessageProperties fields (to, messaging_product…): the flag becomes unevaluatedProperties:false.',
	'Base schemas with a discriminator (TemplateComponent, ParameterObject, ButtonParameterObject) dispatch ' +
		'to the mapped schema (if/then), so template parameters are checked too.',
	'Template button index pattern "^[2-6, 11-14]$" (rejects the spec\'s own example "0") becomes "^[0-9]$".',
	'BaseMessageProperties gains `recipient` (business-scoped user id); a body with `recipient` and no ' +
		'`to` is validated with `to` filled from it.',
	'Documented constraints the spec omits: messaging_product must be "whatsapp", text.body is required ' +
		'and at most 4096 characters, a read receipt has status "read".',
] as const;

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

function adjust(schemas: JsonObject): void {
	walk(schemas, (schema) => {
		if (schema.pattern === '^[2-6, 11-14]$') schema.pattern = '^[0-9]$';
		if (!Array.isArray(schema.allOf)) return;
		const closed = schema.allOf.filter((b) => isObject(b) && b.additionalProperties === false);
		for (const branch of closed) delete (branch as JsonObject).additionalProperties;
		if (closed.length > 0) schema.unevaluatedProperties = false;
	});
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
	const base = schemas.BaseMessageProperties as { properties: JsonObject };
	base.properties.recipient = { type: 'string', minLength: 1 };
	base.properties.messaging_product = { type: 'string', enum: ['whatsapp'] };
	const text = (schemas.TextMessage as { allOf: JsonObject[] }).allOf[1] as {
		properties: { text: JsonObject };
	};
	text.properties.text.required = ['body'];
	(text.properties.text.properties as JsonObject).body = {
		type: 'string',
		minLength: 1,
		maxLength: 4096,
	};
	const markRead = schemas.MarkMessageRequestPayload as { properties: JsonObject };
	markRead.properties.status = { type: 'string', enum: ['read'] };
}

function isHttpUrl(value: string): boolean {
	if (/\s/.test(value)) return false;
	try {
		const { protocol } = new URL(value);
		return protocol === 'http:' || protocol === 'https:';
	} catch {
		return false;
	}
}

export interface ValidationResult {
	valid: boolean;
	/** One line per problem: "<json pointer> <what is wrong>" */
	errors: string[];
}

export interface MessageValidator {
	/** The `type` values the spec's `Message` discriminator maps. */
	messageTypes: string[];
	validateMessage(body: unknown): ValidationResult;
	validateMarkRead(body: unknown): ValidationResult;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
	const all = errors ?? [];
	// Keep the most specific errors: those at the deepest instance path, without the oneOf/if summaries.
	const concrete = all.filter((e) => !['oneOf', 'if', 'anyOf', 'allOf'].includes(e.keyword));
	const pool = concrete.length > 0 ? concrete : all;
	const depth = Math.max(...pool.map((e) => e.instancePath.split('/').length));
	const lines = pool
		.filter((e) => e.instancePath.split('/').length === depth)
		.map((e) => {
			const extra =
				e.keyword === 'unevaluatedProperties' || e.keyword === 'additionalProperties'
					? `: ${String(Object.values(e.params)[0])}`
					: e.keyword === 'enum'
						? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
						: '';
			return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
		});
	return [...new Set(lines)];
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
	const run = (name: string, body: unknown): ValidationResult => {
		const validate = get(name);
		return validate(body)
			? { valid: true, errors: [] }
			: { valid: false, errors: describe(validate.errors) };
	};
	const validator: MessageValidator = {
		messageTypes: Object.keys(mapping),
		validateMessage(body) {
			if (!isObject(body)) return { valid: false, errors: ['/ must be a JSON object'] };
			const type = body.type;
			const schemaName = typeof type === 'string' ? mapping[type] : undefined;
			if (schemaName === undefined) {
				return {
					valid: false,
					errors: [
						`/type must be one of: ${Object.keys(mapping).join(', ')} (got ${JSON.stringify(type)})`,
					],
				};
			}
			const withTo =
				body.to === undefined && typeof body.recipient === 'string'
					? { ...body, to: body.recipient }
					: body;
			return run(schemaName, withTo);
		},
		validateMarkRead(body) {
			return run('MarkMessageRequestPayload', body);
		},
	};
	cached = { specPath: file, validator };
	return validator;
}
