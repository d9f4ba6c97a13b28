/**
 * Chromium driven by playwright-core, for the browser test. No browser is downloaded at test time:
 * - WHATSURP_CHROMIUM, when set, names the binary;
 * - otherwise Debian's /usr/bin/chromium (package `chromium`) when it is installed;
 * - otherwise the headless Chromium that ships inside the npm package @sparticuz/chromium (a
 *   devDependency): its brotli-compressed binary and fonts are unpacked once into the project's cache
 *   folder, so `npm install && npm test` needs nothing from apt.
 * It runs headless, without GPU or sandbox (tests run as root in a container) and without any of
 * Chromium's own network traffic (the machine is offline). Playwright gives each launch a fresh
 * temporary profile (user-data-dir) and deletes it on close.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

import { cacheRoot } from '../../dev/n8n/install';

/** Where Debian's package `chromium` installs the browser. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface ChromiumBinary {
	path: string;
	/** Where it comes from, for the test's messages. */
	source: 'WHATSURP_CHROMIUM' | 'debian' | 'npm';
	/** Environment the binary needs (the packaged one's font configuration). */
	env: Record<string, string>;
	/**
	 * Whether a colour emoji font is there (the packaged Chromium brings none; it uses the machine's, if
	 * any): without one the README's screenshots are not taken.
	 */
	hasEmojiFont: boolean;
}

const repo = join(__dirname, '../..');

function packagedVersion(): string {
	const manifest = join(repo, 'node_modules/@sparticuz/chromium/package.json');
	if (!existsSync(manifest))
		throw new Error(
			`No Chromium: ${DEBIAN_CHROMIUM} is absent and the devDependency @sparticuz/chromium is not installed. ` +
				'Run `npm install` (it ships a headless Chromium), or set WHATSURP_CHROMIUM to a Chromium binary.',
		);
	return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * Unpacks @sparticuz/chromium into <cache>/chromium/<version> once. The package unpacks into the
 * temporary folder it is given (TMPDIR); a private one is renamed into place when complete, so that two
 * test processes never use a half-written binary.
 */
function unpackPackagedChromium(): ChromiumBinary {
	const folder = join(cacheRoot(), 'chromium', packagedVersion());
	const binary = join(folder, 'chromium');
	if (!existsSync(binary)) {
		const partial = `${folder}.partial-${process.pid}`;
		rmSync(partial, { recursive: true, force: true });
		mkdirSync(partial, { recursive: true });
		// the package is an ES module: a child Node unpacks it (jest's module system loads CommonJS)
		execFileSync(
			process.execPath,
			[
				'--input-type=module',
				'-e',
				"const { default: Chromium } = await import('@sparticuz/chromium'); process.stdout.write(await Chromium.executablePath());",
			],
			{ cwd: repo, env: { ...process.env, TMPDIR: partial }, stdio: ['ignore', 'pipe', 'inherit'] },
		);
		// its font configuration names Lambda's folders; ours names where the fonts are, and the machine's
		writeFileSync(
			join(partial, 'fonts', 'fonts.conf'),
			'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n' +
				`  <dir>${join(folder, 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n` +
				`  <cachedir>${join(folder, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
		);
		try {
			renameSync(partial, folder);
		} catch (error) {
			// another process finished first: use its copy
			rmSync(partial, { recursive: true, force: true });
			if (!existsSync(binary)) throw error;
		}
	}
	return {
		path: binary,
		source: 'npm',
		env: { FONTCONFIG_PATH: join(folder, 'fonts') },
		hasEmojiFont: existsSync('/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf'),
	};
}

let resolved: ChromiumBinary | undefined;

/** The Chromium the browser test uses (see the file's comment); throws saying what to do when there is none. */
export function resolveChromium(): ChromiumBinary {
	if (resolved) return resolved;
	const fromEnv = process.env.WHATSURP_CHROMIUM;
	if (fromEnv) {
		if (!existsSync(fromEnv))
			throw new Error(`WHATSURP_CHROMIUM names ${fromEnv}, which does not exist`);
		resolved = { path: fromEnv, source: 'WHATSURP_CHROMIUM', env: {}, hasEmojiFont: true };
	} else if (existsSync(DEBIAN_CHROMIUM)) {
		resolved = {
			path: DEBIAN_CHROMIUM,
			source: 'debian',
			env: {},
			hasEmojiFont: existsSync('/usr/share/fonts/truetype/noto'),
		};
	} else {
		resolved = unpackPackagedChromium();
	}
	return resolved;
}

export async function launchChromium(): Promise<Browser> {
	const binary = resolveChromium();
	return await chromium.launch({
		executablePath: binary.path,
		headless: true,
		args: CHROMIUM_ARGS,
		env: { ...process.env, ...binary.env } as Record<string, string>,
		timeout: 120_000,
	});
}

/** Signs in to the n8n editor with the owner's e-mail and password, as a person does on /signin. */
export async function signInToN8n(
	page: Page,
	baseUrl: string,
	owner: { email: string; password: string },
): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	await page.locator('#emailOrLdapLoginId').fill(owner.email);
	await page.locator('#password').fill(owner.password);
	await page.locator('[data-test-id="form-submit-button"]').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}
