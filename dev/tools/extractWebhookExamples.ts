/**
 * Regenerates test/fixtures/webhooks/*.json from the examples of `POST /whatsapp/webhooks` in Meta's
 * OpenAPI spec: one file per example, named after the example's title ("Text Message with Context
 * (Product Inquiry)" → text-message-with-context-product-inquiry.json). Hand-written fixtures live in
 * test/fixtures/webhooks/custom/ and are never touched.
 *
 * Run from the repository root: `npx node dev/tools/extractWebhookExamples.ts [spec.yaml] [outDir]`
 * (Node 24 runs the TypeScript directly; its MODULE_TYPELESS_PACKAGE_JSON warning is harmless).
 * Self-contained on purpose: no relative imports.
 */
import { readFileSync, readdirSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Where the spec sits relative to the repository root (Meta's file, committed unchanged). */
export const DEFAULT_SPEC_PATH = 'spec/meta-openapi/business-messaging-api_v23.0.yaml';
/** Where the fixtures go. */
export const DEFAULT_OUT_DIR = 'test/fixtures/webhooks';
/** The webhook operation in the spec. */
export const WEBHOOK_PATH = '/whatsapp/webhooks';

/** One example of the webhook operation. */
export interface WebhookExample {
	/** The example's key in the spec, e.g. "Text Message". */
	title: string;
	/** File name derived from the title, e.g. "text-message.json". */
	file: string;
	/** The example's `value`: a whole webhook body. */
	payload: unknown;
}

/** "Text Message with Context (Product Inquiry)" → "text-message-with-context-product-inquiry". */
export function slugify(title: string): string {
	return title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

function child(value: unknown, key: string): unknown {
	if (typeof value !== 'object' || value === null) return undefined;
	return Object.prototype.hasOwnProperty.call(value, key)
		? (value as Record<string, unknown>)[key]
		: undefined;
}

/** The examples of `POST /whatsapp/webhooks`, in the spec's order. Throws when they are not found. */
export function extractWebhookExamples(specYaml: string): WebhookExample[] {
	const spec: unknown = parse(specYaml, { maxAliasCount: -1 });
	const examples = child(
		child(
			child(
				child(child(child(child(spec, 'paths'), WEBHOOK_PATH), 'post'), 'requestBody'),
				'content',
			),
			'application/json',
		),
		'examples',
	);
	if (typeof examples !== 'object' || examples === null) {
		throw new Error(`No examples under ${WEBHOOK_PATH} post requestBody application/json`);
	}
	const seen = new Set<string>();
	return Object.entries(examples).map(([title, example]) => {
		const file = `${slugify(title)}.json`;
		if (seen.has(file)) throw new Error(`Two examples map to ${file}`);
		seen.add(file);
		return { title, file, payload: child(example, 'value') };
	});
}

/** The text of a fixture file: tab-indented JSON and a final newline. */
export function fixtureText(payload: unknown): string {
	return JSON.stringify(payload, null, '\t') + '\n';
}

function main(args: string[]): void {
	const specPath = args[0] ?? DEFAULT_SPEC_PATH;
	const outDir = args[1] ?? DEFAULT_OUT_DIR;
	const examples = extractWebhookExamples(readFileSync(specPath, 'utf8'));
	mkdirSync(outDir, { recursive: true });
	const wanted = new Set(examples.map((example) => example.file));
	for (const name of readdirSync(outDir)) {
		if (name.endsWith('.json') && !wanted.has(name)) unlinkSync(join(outDir, name));
	}
	for (const example of examples) {
		writeFileSync(join(outDir, example.file), fixtureText(example.payload));
	}
	console.log(`${examples.length} webhook examples written to ${outDir}:`);
	for (const example of examples) console.log(`  ${example.file}  ← "${example.title}"`);
}

// Runs only when started as a script (works both as ESM under Node's type stripping and as compiled CJS).
if (/extractWebhookExamples\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
	main(process.argv.slice(2));
}
