/**
 * Debian's Chromium driven by playwright-core, for the browser test: no browser is downloaded, the
 * machine's /usr/bin/chromium (Debian package `chromium`) is launched headless, without GPU or sandbox
 * (tests run as root in a container) and without any of Chromium's own network traffic (the machine is
 * offline). Playwright gives each launch a fresh temporary profile (user-data-dir) and deletes it on close.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Debian's package `chromium` installs the browser; WHATSURP_CHROMIUM overrides it. */
export const CHROMIUM_PATH = process.env.WHATSURP_CHROMIUM ?? '/usr/bin/chromium';

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

/** Throws (the test fails, it is never skipped) when Chromium is not installed. */
export function assertChromiumInstalled(): void {
	if (!existsSync(CHROMIUM_PATH)) {
		throw new Error(
			`The browser test needs Chromium at ${CHROMIUM_PATH}, which does not exist. Install Debian's package: ` +
				`"apt-get install -y chromium" (.ci/run does it), or set WHATSURP_CHROMIUM to a Chromium binary.`,
		);
	}
}

export async function launchChromium(): Promise<Browser> {
	assertChromiumInstalled();
	return await chromium.launch({
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: CHROMIUM_ARGS,
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
