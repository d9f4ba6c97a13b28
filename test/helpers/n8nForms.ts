/**
 * A headless client of n8n 2.41's forms and send-and-wait links, doing what the browser page does:
 * multipart `field-<index>` POSTs, polling `n8n-execution-status` until the next page waits, the
 * completion POST that ends the run, and approval links opened verbatim with a browser User-Agent
 * (n8n ignores approval clicks from bots and scripts).
 */

/** A full browser User-Agent: n8n answers approval links from anything else with an empty 200. */
export const BROWSER_USER_AGENT =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

function multipart(fields: Array<string | undefined>): FormData {
	const form = new FormData();
	fields.forEach((value, index) => {
		if (value !== undefined) form.append(`field-${index}`, value);
	});
	return form;
}

function basicAuth(auth?: { user: string; password: string }): Record<string, string> {
	return auth
		? { Authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` }
		: {};
}

/** POSTs page 1 of a production form; returns the signed URL of the pages that follow. */
export async function submitForm(
	baseUrl: string,
	path: string,
	fields: Array<string | undefined>,
	auth?: { user: string; password: string },
): Promise<string> {
	const response = await fetch(`${baseUrl}/form/${path}`, {
		method: 'POST',
		body: multipart(fields),
		headers: basicAuth(auth),
	});
	const text = await response.text();
	if (response.status !== 200)
		throw new Error(`form ${path} answered ${response.status}: ${text.slice(0, 300)}`);
	const { formWaitingUrl } = JSON.parse(text) as { formWaitingUrl?: string };
	if (!formWaitingUrl)
		throw new Error(`form ${path} gave no formWaitingUrl: ${text.slice(0, 300)}`);
	return formWaitingUrl;
}

/** The execution's status as the form page sees it (`form-waiting`, `running`, `waiting`, `success`…). */
export async function formStatus(waitingUrl: string): Promise<string> {
	const url = new URL(waitingUrl);
	const status = new URL(`${url.origin}${url.pathname}/n8n-execution-status${url.search}`);
	return (await (await fetch(status)).text()).trim();
}

/** Waits until the execution shows its next form page (or reaches one of `until`). */
export async function waitForFormStatus(
	waitingUrl: string,
	until: string[] = ['form-waiting'],
	timeoutMs = 30_000,
): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	while (Date.now() < deadline) {
		last = await formStatus(waitingUrl);
		if (until.includes(last)) return last;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(
		`form execution still "${last}" after ${timeoutMs} ms, expected ${until.join(' or ')}`,
	);
}

export async function getFormPage(waitingUrl: string): Promise<string> {
	const response = await fetch(waitingUrl);
	const html = await response.text();
	if (response.status !== 200)
		throw new Error(`form page answered ${response.status}: ${html.slice(0, 300)}`);
	return html;
}

/** POSTs a form page's fields (html fields count in the numbering: pass undefined for them). */
export async function postFormPage(
	waitingUrl: string,
	fields: Array<string | undefined>,
): Promise<void> {
	const response = await fetch(waitingUrl, { method: 'POST', body: multipart(fields) });
	if (response.status !== 200) {
		throw new Error(
			`form page POST answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
		);
	}
}

/** Loads the completion page and POSTs it, as the browser does: the execution then goes on. */
export async function completeForm(waitingUrl: string): Promise<string> {
	await waitForFormStatus(waitingUrl);
	const html = await getFormPage(waitingUrl);
	const response = await fetch(waitingUrl, {
		method: 'POST',
		body: '{}',
		headers: { 'Content-Type': 'text/plain' },
	});
	if (response.status !== 200) throw new Error(`form completion POST answered ${response.status}`);
	return html;
}

/**
 * Opens a send-and-wait link from a mail exactly as written, like an operator's browser. The mail
 * leaves before n8n has put the execution to wait; until it has, n8n refuses the link (401), so a
 * refusal is retried for a few seconds — as a person would click again.
 */
export async function clickMailLink(href: string, timeoutMs = 15_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const response = await fetch(href, { headers: { 'User-Agent': BROWSER_USER_AGENT } });
		const html = await response.text();
		if (response.status === 200) return html;
		if (Date.now() > deadline) {
			throw new Error(`mail link answered ${response.status}: ${html.slice(0, 300)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}
