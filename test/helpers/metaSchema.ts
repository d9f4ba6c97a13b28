/**
 * Validates outgoing Cloud API request bodies against Meta's own OpenAPI specification (v23.0).
 * For tests only: the shipped code never loads the YAML.
 *
 * The spec is OpenAPI 3.1 (JSON Schema 2020-12), so it is compiled with Ajv2020. Used as published,
 * it rejects every real message (see SPEC_PATCHES); `validateOutgoingMessage` therefore validates
 * against a patched copy, and `{ raw: true }` keeps the published text to show the quirks in tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** Where the spec lives: `META_OPENAPI_SPEC`, else the copy committed in the repository. */
export const META_SPEC_PATH =
	process.env.META_OPENAPI_SPEC ??
	path.resolve(__dirname, '../../spec/meta-openapi/business-messaging-api_v23.0.yaml');

const SCHEMA_ID = 'https://whatsurp.invalid/meta-openapi-v23.json';
const REF_PREFIX = '#/components/schemas/';

type JsonObject = Record<string, unknown>;

/** What the patched validator changes in Meta's text, and why (documented, asserted in schema.test). */
export const SPEC_PATCHES = [
	'allOf + additionalProperties:false: TextMessage, ImageMessage, InteractiveMessage, … combine ' +
		'BaseMessageProperties with a branch that says additionalProperties:false, which (JSON Schema ' +
		'semantics) forbids messaging_product, recipient_type, to and context. The branch flag becomes ' +
		'unevaluatedProperties:false on the allOf, so unknown properties are still rejected.',
	'Discriminators on base schemas (TemplateComponent, ParameterObject, ButtonParameterObject) are ' +
		'expanded into if/then dispatches, so template components and parameters are validated against ' +
		'HeaderComponent, TextParameter, ButtonPayloadParameter, … instead of only the loose base.',
	'Template button index pattern "^[2-6, 11-14]$" is a character class that rejects "0", "7"–"9" ' +
		'(Meta\'s own example uses index 0); it becomes "^[0-9]$" as the description says (0-9).',
] as const;

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function loadSchemas(): JsonObject {
	const document = parse(readFileSync(META_SPEC_PATH, 'utf8'), { maxAliasCount: -1 }) as JsonObject;
	const components = document.components as JsonObject;
	return components.schemas as JsonObject;
}

/** Visits every schema object in a tree (objects only, arrays traversed). */
function walk(node: unknown, visit: (schema: JsonObject) => void): void {
	if (Array.isArray(node)) {
		for (const item of node) walk(item, visit);
		return;
	}
	if (!isObject(node)) return;
	visit(node);
	for (const value of Object.values(node)) walk(value, visit);
}

/** Patch 1: allOf branches with additionalProperties:false → unevaluatedProperties:false on the allOf. */
function liftAdditionalProperties(schemas: JsonObject): void {
	walk(schemas, (schema) => {
		if (!Array.isArray(schema.allOf)) return;
		let lifted = false;
		for (const branch of schema.allOf) {
			if (isObject(branch) && branch.additionalProperties === false) {
				delete branch.additionalProperties;
				lifted = true;
			}
		}
		if (lifted) schema.unevaluatedProperties = false;
	});
}

/** Patch 2: references to a base schema with a discriminator mapping go through a dispatch schema. */
function expandBaseDiscriminators(schemas: JsonObject): void {
	for (const [name, schema] of Object.entries(schemas)) {
		if (!isObject(schema) || !isObject(schema.discriminator) || Array.isArray(schema.oneOf))
			continue;
		const { propertyName, mapping } = schema.discriminator as {
			propertyName: string;
			mapping?: Record<string, string>;
		};
		if (!mapping) continue;
		const baseRef = `${REF_PREFIX}${name}`;
		const dispatchName = `${name}__dispatch`;
		// The mapped schemas extend the base through allOf: those references must stay on the base.
		const extensions = new Set(Object.values(mapping).map((ref) => ref.slice(REF_PREFIX.length)));
		for (const [otherName, other] of Object.entries(schemas)) {
			const keep = new Set<JsonObject>();
			if (extensions.has(otherName) && isObject(other) && Array.isArray(other.allOf)) {
				for (const branch of other.allOf) if (isObject(branch)) keep.add(branch);
			}
			walk(other, (node) => {
				if (node.$ref === baseRef && !keep.has(node)) node.$ref = `${REF_PREFIX}${dispatchName}`;
			});
		}
		schemas[dispatchName] = {
			allOf: [
				{ $ref: baseRef },
				...Object.entries(mapping).map(([value, ref]) => ({
					if: { properties: { [propertyName]: { const: value } }, required: [propertyName] },
					then: { $ref: ref },
				})),
			],
		};
	}
}

/** Patch 3: the button index pattern. */
function fixButtonIndexPattern(schemas: JsonObject): void {
	walk(schemas, (schema) => {
		if (schema.pattern === '^[2-6, 11-14]$') schema.pattern = '^[0-9]$';
	});
}

/** `format: url` is not a JSON Schema format: an absolute http(s) URL. */
function isHttpUrl(value: string): boolean {
	if (/\s/.test(value)) return false;
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

interface Validators {
	schemas: JsonObject;
	get(name: string): ValidateFunction;
}

function buildValidators(raw: boolean): Validators {
	const schemas = loadSchemas();
	if (!raw) {
		liftAdditionalProperties(schemas);
		expandBaseDiscriminators(schemas);
		fixButtonIndexPattern(schemas);
	}
	const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
	addFormats(ajv);
	ajv.addFormat('url', isHttpUrl);
	ajv.addSchema({ $id: SCHEMA_ID, components: { schemas } });
	const cache = new Map<string, ValidateFunction>();
	return {
		schemas,
		get(name) {
			let validate = cache.get(name);
			if (!validate) {
				validate = ajv.getSchema(`${SCHEMA_ID}${REF_PREFIX}${name}`);
				if (!validate) throw new Error(`Schema ${name} not found in ${META_SPEC_PATH}`);
				cache.set(name, validate);
			}
			return validate;
		},
	};
}

const validatorSets = new Map<boolean, Validators>();

function validators(raw: boolean): Validators {
	let set = validatorSets.get(raw);
	if (!set) {
		set = buildValidators(raw);
		validatorSets.set(raw, set);
	}
	return set;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
	// "must match \"then\" schema" only repeats the error found inside the dispatched schema.
	const lines = (errors ?? [])
		.filter((error) => error.keyword !== 'if')
		.map((error) => {
			const where = error.instancePath || '/';
			const extra =
				error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties'
					? ` (${String(Object.values(error.params)[0])})`
					: error.keyword === 'enum'
						? ` (${JSON.stringify(error.params.allowedValues)})`
						: '';
			return `${where} ${error.message ?? error.keyword}${extra}`;
		});
	return [...new Set(lines)];
}

export interface SchemaCheck {
	valid: boolean;
	errors: string[];
}

export interface ValidateOptions {
	/** Validate against Meta's text as published (no SPEC_PATCHES). */
	raw?: boolean;
}

/** Validates `body` against one named schema of `components.schemas`. */
export function validateAgainst(
	schemaName: string,
	body: unknown,
	options: ValidateOptions = {},
): SchemaCheck {
	const validate = validators(options.raw === true).get(schemaName);
	const valid = validate(body) === true;
	return { valid, errors: valid ? [] : formatErrors(validate.errors) };
}

/** The `type` → schema mapping of `Message`'s discriminator. */
export function messageTypeMapping(options: ValidateOptions = {}): Record<string, string> {
	const message = validators(options.raw === true).schemas.Message as JsonObject;
	const mapping = (message.discriminator as { mapping: Record<string, string> }).mapping;
	return Object.fromEntries(
		Object.entries(mapping).map(([type, ref]) => [type, ref.slice(REF_PREFIX.length)]),
	);
}

/**
 * Validates a body POSTed to /{Phone-Number-ID}/messages: a read receipt (`status` without `type`)
 * against `MarkMessageRequestPayload`, anything else against `Message`. Errors of a failed `Message`
 * come from the branch its `type` selects (Ajv ignores OpenAPI's discriminator), so they stay short.
 */
export function validateOutgoingMessage(body: unknown, options: ValidateOptions = {}): SchemaCheck {
	if (isObject(body) && body.type === undefined && body.status !== undefined) {
		return validateAgainst('MarkMessageRequestPayload', body, options);
	}
	const whole = validateAgainst('Message', body, options);
	if (whole.valid) return whole;
	const type = isObject(body) ? body.type : undefined;
	const branch = typeof type === 'string' ? messageTypeMapping(options)[type] : undefined;
	if (branch === undefined) {
		const allowed = Object.keys(messageTypeMapping(options)).join(', ');
		return {
			valid: false,
			errors: [`/type must be one of the message types (${allowed}), got ${JSON.stringify(type)}`],
		};
	}
	const focused = validateAgainst(branch, body, options);
	return { valid: false, errors: focused.errors.length > 0 ? focused.errors : whole.errors };
}
