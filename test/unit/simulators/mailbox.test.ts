/**
 * The mailbox simulator over real SMTP (nodemailer, as n8n's Send Email node uses it) and real HTTP:
 * what it keeps of a mail, AUTH, the size limit, links of n8n's approval mails, the JSON API, the page
 * with hostile mails, and the sandbox credential.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type Mail from 'nodemailer/lib/mailer';
import { extractLinks, prepareMailHtml } from '../../../dev/simulators/mailbox/html';
import {
	mailboxSandboxService,
	MAILBOX_CREDENTIAL_NAME,
} from '../../../dev/simulators/mailbox/sandboxService';
import {
	MAIL_HTML_CSP,
	startMailbox,
	type Mailbox,
	type MessageDetail,
	type MessageSummary,
} from '../../../dev/simulators/mailbox/server';

const SENDER = 'urp@comune.rimini.it';
const OPERATOR = 'operatore.urp@comune.rimini.it';

/** A PNG signature followed by every byte value, so any transfer-encoding slip shows. */
const PHOTO = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
	randomBytes(4096),
]);

function sha256(content: Buffer): string {
	return createHash('sha256').update(content).digest('hex');
}

/** Sends one mail the way n8n's Send Email node does (plain SMTP, no STARTTLS). */
async function send(
	mailbox: Mailbox,
	message: Mail.Options,
	transport: Partial<SMTPTransport.Options> = {},
): Promise<SMTPTransport.SentMessageInfo> {
	const transporter = createTransport({
		host: mailbox.host,
		port: mailbox.smtpPort,
		secure: false,
		ignoreTLS: true,
		...transport,
	});
	try {
		return await transporter.sendMail({ from: SENDER, to: OPERATOR, ...message });
	} finally {
		transporter.close();
	}
}

async function get(mailbox: Mailbox, path: string) {
	const answer = await fetch(new URL(path, mailbox.pageUrl));
	const body = Buffer.from(await answer.arrayBuffer());
	return { status: answer.status, headers: answer.headers, body, text: body.toString('utf8') };
}

async function getJson<T>(mailbox: Mailbox, path: string): Promise<{ status: number; json: T }> {
	const { status, text } = await get(mailbox, path);
	return { status, json: JSON.parse(text) as T };
}

describe('mailbox simulator', () => {
	let mailbox: Mailbox;

	beforeAll(async () => {
		mailbox = await startMailbox();
	});
	afterAll(() => mailbox.stop());
	beforeEach(() => mailbox.clear());

	describe('SMTP', () => {
		it('keeps a plain text mail with its envelope and headers', async () => {
			const info = await send(mailbox, {
				subject: 'Nuova segnalazione',
				text: 'Buca in via Flaminia 12.\nFoto allegata dal cittadino.',
				headers: { 'X-Urp-Case': 'RN-2026-0042' },
			});
			expect(info.accepted).toEqual([OPERATOR]);
			const [message] = mailbox.messages();
			expect(message).toMatchObject({
				id: expect.stringMatching(/^\d+$/),
				envelope: { from: SENDER, to: [OPERATOR] },
				authUser: null,
				subject: 'Nuova segnalazione',
				text: 'Buca in via Flaminia 12.\nFoto allegata dal cittadino.\n',
				html: null,
				attachments: [],
				from: [{ name: '', address: SENDER }],
				to: [{ name: '', address: OPERATOR }],
				parseError: null,
				messageId: info.messageId,
			});
			expect(Math.abs(Date.parse(message.date!) - Date.now())).toBeLessThan(60_000);
			expect(message.size).toBe(message.raw.length);
			expect(message.headers).toContainEqual({ name: 'X-Urp-Case', value: 'RN-2026-0042' });
			expect(message.raw.toString('utf8')).toContain('Buca in via Flaminia 12.');
		});

		it('keeps HTML and an attachment byte for byte (sha256)', async () => {
			await send(mailbox, {
				subject: 'Segnalazione con foto',
				text: 'Vedi la foto.',
				html: '<p>Vedi la <b>foto</b>.</p>',
				attachments: [{ filename: 'buca.png', content: PHOTO, contentType: 'image/png' }],
			});
			const [message] = mailbox.messages();
			expect(message.html).toBe('<p>Vedi la <b>foto</b>.</p>');
			expect(message.text).toBe('Vedi la foto.');
			expect(message.attachments).toHaveLength(1);
			const [photo] = message.attachments;
			expect(photo).toMatchObject({
				index: 0,
				filename: 'buca.png',
				contentType: 'image/png',
				size: PHOTO.length,
				sha256: sha256(PHOTO),
				inline: false,
			});
			expect(photo.content.equals(PHOTO)).toBe(true);

			const download = await get(mailbox, `/api/messages/${message.id}/attachments/0`);
			expect(download.status).toBe(200);
			expect(download.headers.get('content-type')).toBe('image/png');
			expect(download.headers.get('content-disposition')).toMatch(
				/^attachment; filename="buca.png"/,
			);
			expect(download.body.equals(PHOTO)).toBe(true);
			const inline = await get(mailbox, `/api/messages/${message.id}/attachments/0?inline=1`);
			expect(inline.headers.get('content-disposition')).toMatch(/^inline;/);
		});

		it('decodes a UTF-8 Italian subject, names and text', async () => {
			const subject = 'Segnalazione – via dell’Università';
			await send(mailbox, {
				from: { name: 'Ufficio Relazioni col Pubblico – Città di Rimini', address: SENDER },
				subject,
				text: 'Perché la strada è già chiusa? 🚧',
			});
			const [message] = mailbox.messages();
			expect(message.subject).toBe(subject);
			expect(message.from).toEqual([
				{ name: 'Ufficio Relazioni col Pubblico – Città di Rimini', address: SENDER },
			]);
			expect(message.text?.trimEnd()).toBe('Perché la strada è già chiusa? 🚧');
			const { json } = await getJson<MessageSummary[]>(mailbox, '/api/messages');
			expect(json[0].subject).toBe(subject);
			const page = await get(mailbox, `/?id=${message.id}`);
			expect(page.text).toContain(subject);
		});

		it('delivers to several recipients (to, cc, bcc) as one mail', async () => {
			const bcc = 'archivio@comune.rimini.it';
			await send(mailbox, {
				to: [OPERATOR, 'Dirigente URP <dirigente.urp@comune.rimini.it>'],
				cc: 'protocollo@comune.rimini.it',
				bcc,
				subject: 'Più destinatari',
				text: 'Per conoscenza.',
			});
			const messages = mailbox.messages();
			expect(messages).toHaveLength(1);
			const [message] = messages;
			expect(message.envelope.to).toEqual([
				OPERATOR,
				'dirigente.urp@comune.rimini.it',
				'protocollo@comune.rimini.it',
				bcc,
			]);
			expect(message.to).toEqual([
				{ name: '', address: OPERATOR },
				{ name: 'Dirigente URP', address: 'dirigente.urp@comune.rimini.it' },
			]);
			expect(message.cc).toEqual([{ name: '', address: 'protocollo@comune.rimini.it' }]);
			expect(message.headers.some((h) => h.name.toLowerCase() === 'bcc')).toBe(false);
			expect(mailbox.messages({ to: bcc })).toEqual([message]);
			expect(mailbox.messages({ to: 'PROTOCOLLO@comune.rimini.it' })).toEqual([message]);
			expect(mailbox.messages({ to: 'nessuno@comune.rimini.it' })).toEqual([]);
		});

		it('accepts any credentials, or none, when no AUTH is configured', async () => {
			await send(mailbox, { subject: 'senza auth', text: '.' });
			await send(
				mailbox,
				{ subject: 'con auth', text: '.' },
				{ auth: { user: 'chiunque', pass: 'x' } },
			);
			expect(mailbox.messages().map((m) => [m.subject, m.authUser])).toEqual([
				['senza auth', null],
				['con auth', 'chiunque'],
			]);
		});

		it('rejects a mail over the size limit with 552 and keeps nothing', async () => {
			const small = await startMailbox({ maxMessageBytes: 64 * 1024 });
			try {
				await expect(
					send(small, {
						subject: 'Troppo grande',
						text: 'Allegato enorme',
						attachments: [{ filename: 'enorme.bin', content: randomBytes(100 * 1024) }],
					}),
				).rejects.toMatchObject({ responseCode: 552 });
				expect(small.messages()).toEqual([]);
				await send(small, { subject: 'Piccolo', text: 'ok' });
				expect(small.messages().map((m) => m.subject)).toEqual(['Piccolo']);
			} finally {
				await small.stop();
			}
		});

		it('keeps a mail with bad encodings instead of failing', async () => {
			const raw = Buffer.concat([
				Buffer.from(
					[
						`From: ${SENDER}`,
						`To: ${OPERATOR}`,
						'Subject: =?x-bogus?B?!!!notbase64?= e =?UTF-8?Q?caff=C3=A8?=',
						'Date: not a date',
						'MIME-Version: 1.0',
						'Content-Type: text/plain; charset=x-nonexistent',
						'Content-Transfer-Encoding: 8bit',
						'',
						'Byte non validi: ',
					].join('\r\n'),
					'latin1',
				),
				Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0d, 0x0a]),
			]);
			await send(mailbox, { envelope: { from: SENDER, to: [OPERATOR] }, raw });
			const [message] = mailbox.messages();
			expect(message.parseError).toBeNull();
			expect(message.subject).toContain('caffè');
			expect(message.date).toBeNull();
			expect(message.text).toContain('Byte non validi');
			expect((await get(mailbox, `/?id=${message.id}`)).status).toBe(200);
			expect((await get(mailbox, `/api/messages/${message.id}`)).status).toBe(200);
		});
	});

	describe('AUTH configured', () => {
		let guarded: Mailbox;
		beforeAll(async () => {
			guarded = await startMailbox({ auth: { user: 'urp', pass: 'segreta' } });
		});
		afterAll(() => guarded.stop());

		it.each(['PLAIN', 'LOGIN'])('accepts the configured user with AUTH %s', async (method) => {
			guarded.clear();
			await send(
				guarded,
				{ subject: `AUTH ${method}`, text: '.' },
				{ auth: { user: 'urp', pass: 'segreta' }, authMethod: method },
			);
			expect(guarded.messages().map((m) => [m.subject, m.authUser])).toEqual([
				[`AUTH ${method}`, 'urp'],
			]);
		});

		it('answers 535 to a wrong password and 530 to a mail without AUTH', async () => {
			guarded.clear();
			await expect(
				send(guarded, { subject: 'x', text: '.' }, { auth: { user: 'urp', pass: 'sbagliata' } }),
			).rejects.toMatchObject({ responseCode: 535 });
			await expect(send(guarded, { subject: 'x', text: '.' })).rejects.toMatchObject({
				responseCode: 530,
			});
			expect(guarded.messages()).toEqual([]);
		});
	});

	describe('links and waiting', () => {
		it("extracts the hrefs of n8n's approval buttons, entities decoded", async () => {
			const base = 'http://127.0.0.1:5678/webhook-waiting/42';
			await send(mailbox, {
				subject: 'Approvazione richiesta',
				html: `<p style="white-space: pre-line;">Approvare la risposta al cittadino?</p>
<!-- <a href="http://commento.invalid/">no</a> -->
<a href="${base}?approved=true&amp;signature=abc%3D" target="_blank" style="display:inline-block">Approva</a>
<a href='${base}?approved=false&#38;signature=abc%3D' target="_blank">Rifiuta</a>
<A TITLE="x href=http://finto.invalid" HREF=https://n8n.io/?utm_source=n8n-internal&amp;utm_medium=send-and-wait
	target="_blank">Automated with n8n</A>
<a name="ancora">senza href</a><area href=" mailto:urp@comune.rimini.it ">`,
			});
			const [message] = mailbox.messages();
			expect(mailbox.links(message)).toEqual([
				`${base}?approved=true&signature=abc%3D`,
				`${base}?approved=false&signature=abc%3D`,
				'https://n8n.io/?utm_source=n8n-internal&utm_medium=send-and-wait',
				'mailto:urp@comune.rimini.it',
			]);
			const { json } = await getJson<MessageDetail>(mailbox, `/api/messages/${message.id}`);
			expect(json.links).toEqual(mailbox.links(message));
		});

		it('extractLinks ignores scripts and decodes numeric references', () => {
			expect(
				extractLinks(
					'<script>var a = "<a href=\'http://no.invalid\'>";</script><a href="http&#x3A;//si.invalid/?a=1&#38;b=2">x</a>',
				),
			).toEqual(['http://si.invalid/?a=1&b=2']);
			expect(extractLinks(null)).toEqual([]);
		});

		it('serves the HTML with links opening in a new tab and cid: images resolved', () => {
			const resolve = (cid: string) => (cid === 'foto@urp' ? '/foto' : undefined);
			expect(
				prepareMailHtml(
					'<!DOCTYPE html>\n<html lang=\'en\'>\n<head>\n<meta charset="UTF-8"></head><body><img src="cid:foto@urp"><img src=\'cid:altro\'></body></html>',
					resolve,
				),
			).toBe(
				'<!DOCTYPE html>\n<html lang=\'en\'>\n<head><base target="_blank">\n<meta charset="UTF-8"></head><body><img src="/foto"><img src=\'cid:altro\'></body></html>',
			);
			expect(prepareMailHtml('<header>x</header>', resolve)).toBe(
				'<base target="_blank"><header>x</header>',
			);
			expect(prepareMailHtml('<!doctype html><p>x</p>', resolve)).toBe(
				'<!doctype html><base target="_blank"><p>x</p>',
			);
		});

		it('waitForMessage resolves with a mail that arrives later, or one already there', async () => {
			const waiting = mailbox.waitForMessage((m) => m.subject === 'In arrivo', 5000);
			await send(mailbox, { subject: 'In arrivo', text: '.' });
			const message = await waiting;
			expect(message.subject).toBe('In arrivo');
			await expect(mailbox.waitForMessage({ subject: /arrivo/ }, 10)).resolves.toBe(message);
		});

		it('waitForMessage rejects after the timeout, listing what the box holds', async () => {
			await send(mailbox, { subject: 'Altro', text: '.' });
			const started = Date.now();
			await expect(mailbox.waitForMessage({ subject: 'Mai arrivato' }, 150)).rejects.toThrow(
				/No mail matching the filter arrived within 150 ms; the mailbox holds 1: "Altro" → operatore/,
			);
			expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		});
	});

	describe('JSON API', () => {
		it('lists summaries newest first, filters, details without content, deletes', async () => {
			await send(mailbox, { subject: 'Primo', text: 'uno' });
			await send(mailbox, {
				subject: 'Secondo',
				to: 'altro@comune.rimini.it',
				html: '<p>due</p><img src="cid:foto@urp">',
				text: 'due',
				attachments: [
					{ filename: 'foto.png', content: PHOTO, contentType: 'image/png', cid: 'foto@urp' },
				],
			});
			const list = await getJson<MessageSummary[]>(mailbox, '/api/messages');
			expect(list.status).toBe(200);
			expect(list.json.map((m) => m.subject)).toEqual(['Secondo', 'Primo']);
			expect(list.json[0]).toEqual({
				id: expect.any(String),
				receivedAt: expect.any(String),
				from: SENDER,
				to: ['altro@comune.rimini.it'],
				subject: 'Secondo',
				size: expect.any(Number),
				hasHtml: true,
				hasText: true,
				attachments: 1,
				preview: 'due',
			});
			const filtered = await getJson<MessageSummary[]>(mailbox, `/api/messages?to=${OPERATOR}`);
			expect(filtered.json.map((m) => m.subject)).toEqual(['Primo']);

			const id = list.json[0].id;
			const { status, json } = await getJson<MessageDetail & { raw?: unknown }>(
				mailbox,
				`/api/messages/${id}`,
			);
			expect(status).toBe(200);
			expect(json.raw).toBeUndefined();
			expect(json.attachments).toEqual([
				{
					index: 0,
					filename: 'foto.png',
					contentType: 'image/png',
					size: PHOTO.length,
					sha256: sha256(PHOTO),
					contentId: 'foto@urp',
					inline: true,
					url: `/api/messages/${id}/attachments/0`,
				},
			]);
			expect(json.htmlUrl).toBe(`/api/messages/${id}/html`);

			const html = await get(mailbox, json.htmlUrl!);
			expect(html.status).toBe(200);
			expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
			expect(html.headers.get('content-security-policy')).toBe(MAIL_HTML_CSP);
			expect(html.text.startsWith('<base target="_blank"><p>due</p>')).toBe(true);
			expect(html.text).toContain(
				`<img src="${mailbox.pageUrl}api/messages/${id}/attachments/0?inline=1">`,
			);

			const raw = await get(mailbox, json.rawUrl);
			expect(raw.headers.get('content-type')).toBe('message/rfc822');
			expect(raw.text).toContain('Subject: Secondo');

			const primo = list.json[1].id;
			expect((await get(mailbox, `/api/messages/${primo}/html`)).status).toBe(404);
			expect((await get(mailbox, '/api/messages/9999')).status).toBe(404);
			expect((await get(mailbox, `/api/messages/${id}/attachments/1`)).status).toBe(404);
			expect((await get(mailbox, `/api/messages/${id}/attachments/x`)).status).toBe(404);
			expect((await get(mailbox, '/altro')).status).toBe(404);

			const deleted = await fetch(new URL('/api/messages', mailbox.pageUrl), { method: 'DELETE' });
			expect(await deleted.json()).toEqual({ deleted: 2 });
			expect(mailbox.messages()).toEqual([]);
			expect((await getJson<MessageSummary[]>(mailbox, '/api/messages')).json).toEqual([]);
		});

		it('serves the HTML under a CSP that allows no script, sandboxed', () => {
			const directives = MAIL_HTML_CSP.split('; ');
			expect(directives).toContain("default-src 'none'");
			expect(directives.some((d) => d.startsWith('script-src'))).toBe(false);
			expect(directives).toContain(
				'sandbox allow-popups allow-popups-to-escape-sandbox allow-forms allow-top-navigation-by-user-activation',
			);
		});
	});

	describe('page', () => {
		it('shows the empty box in Italian, with one script allowed by its nonce', async () => {
			const page = await get(mailbox, '/');
			expect(page.status).toBe(200);
			expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
			expect(page.text).toContain('<title>Casella URP – simulatore</title>');
			expect(page.text).toContain('Nessun messaggio: la casella è vuota.');
			expect(page.text).toContain("fetch('/api/messages'");
			expect(page.text).toContain('setInterval(poll, 2000)');
			const nonce = /script-src 'nonce-([^']+)'/.exec(
				page.headers.get('content-security-policy')!,
			)![1];
			expect(page.text.match(/<script/g)).toHaveLength(1);
			expect(page.text).toContain(`<script nonce="${nonce}">`);
		});

		it('lists mails newest first and opens one with its HTML in a sandboxed iframe', async () => {
			await send(mailbox, { subject: 'Vecchio', text: 'a' });
			await send(mailbox, {
				subject: 'Nuovo',
				html: '<a href="http://127.0.0.1:5678/webhook-waiting/7?approved=true">Approva</a>',
				attachments: [{ filename: 'buca.png', content: PHOTO, contentType: 'image/png' }],
			});
			const [old, latest] = mailbox.messages();
			const page = await get(mailbox, `/?id=${latest.id}`);
			expect(page.text.indexOf('Nuovo')).toBeLessThan(page.text.indexOf('Vecchio'));
			expect(page.text).toContain(
				`<iframe title="Corpo HTML del messaggio" src="/api/messages/${latest.id}/html" sandbox="allow-popups allow-popups-to-escape-sandbox allow-forms allow-top-navigation-by-user-activation"`,
			);
			expect(page.text).toContain(`<img src="/api/messages/${latest.id}/attachments/0?inline=1"`);
			expect(page.text).toContain(
				`href="/api/messages/${latest.id}/attachments/0" download>buca.png</a>`,
			);
			expect(page.text).toContain('href="http://127.0.0.1:5678/webhook-waiting/7?approved=true"');
			expect(page.text).toContain(`<li class="sel"><a href="/?id=${latest.id}">`);
			expect(page.text).not.toContain(`<li class="sel"><a href="/?id=${old.id}">`);
			const gone = await get(mailbox, '/?id=9999');
			expect(gone.text).toContain("Il messaggio 9999 non c'è più");
		});

		it('escapes everything a hostile mail carries', async () => {
			await send(mailbox, {
				from: { name: '<img src=x onerror=alert(1)>', address: 'evil@example.org' },
				to: OPERATOR,
				subject: '<script>alert("oggetto")</script>',
				text: '</pre><script>alert(4)</script>',
				html: '<script>alert(1)</script><a href="javascript:alert(2)">clic</a><a href=" JaVa\tScRiPt:alert(3)">x</a><a href="http://ok.invalid/?a=1&amp;b=<b>">ok</a>',
				headers: { 'X-Evil': '<svg onload=alert(7)>' },
				attachments: [
					{
						filename: '"><svg onload=alert(5)>.html',
						content: '<script>alert(6)</script>',
						contentType: 'text/html',
					},
				],
			});
			await send(mailbox, { subject: 'A'.repeat(100_000), text: 'oggetto enorme' });
			const [evil, huge] = mailbox.messages();

			for (const path of ['/', `/?id=${evil.id}`, `/?id=${huge.id}`]) {
				const page = await get(mailbox, path);
				expect(page.status).toBe(200);
				expect(page.text.match(/<script/gi)).toHaveLength(1);
				expect(page.text).not.toMatch(/<img src=x|<svg|<\/pre><script|href="\s*java/i);
				expect(page.text).toContain('&lt;script&gt;alert(&quot;oggetto&quot;)&lt;/script&gt;');
			}
			const detail = (await get(mailbox, `/?id=${evil.id}`)).text;
			expect(detail).toContain('&lt;img src=x onerror=alert(1)&gt; &lt;evil@example.org&gt;');
			expect(detail).toContain('&lt;/pre&gt;&lt;script&gt;alert(4)&lt;/script&gt;');
			expect(detail).toContain('&lt;svg onload=alert(7)&gt;');
			expect(detail).toContain('javascript:alert(2)</span> (non cliccabile)');
			expect(detail).toContain('href="http://ok.invalid/?a=1&amp;b=&lt;b&gt;"');

			// The list cuts the huge subject; the detail shows it whole.
			const list = (await get(mailbox, '/')).text;
			expect(list).toContain(`${'A'.repeat(159)}…`);
			expect(list).not.toContain('A'.repeat(161));
			expect((await get(mailbox, `/?id=${huge.id}`)).text).toContain('A'.repeat(100_000));

			// The attachment is a download, never a page of the simulator's origin.
			const attachment = await get(mailbox, `/api/messages/${evil.id}/attachments/0?inline=1`);
			expect(attachment.headers.get('content-type')).toBe('text/html');
			expect(attachment.headers.get('content-disposition')).toMatch(
				/^attachment; filename="_><svg onload=alert\(5\)>.html"; filename\*=UTF-8''%22%3E%3Csvg%20onload%3Dalert%285%29%3E.html$/,
			);
			expect(attachment.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
			expect(attachment.headers.get('x-content-type-options')).toBe('nosniff');
		});
	});

	describe('stop', () => {
		it('frees both ports and rejects pending waits', async () => {
			const first = await startMailbox();
			const waiting = first.waitForMessage({ subject: 'mai' }, 60_000);
			await fetch(first.pageUrl); // a kept-alive HTTP connection must not hold the port
			await first.stop();
			await expect(waiting).rejects.toThrow('The mailbox simulator was stopped');
			const again = await startMailbox({ smtpPort: first.smtpPort, httpPort: first.httpPort });
			try {
				await send(again, { subject: 'Di nuovo', text: '.' });
				expect(again.messages().map((m) => m.subject)).toEqual(['Di nuovo']);
			} finally {
				await again.stop();
			}
		});
	});

	describe('sandbox service', () => {
		it("gives n8n an smtp credential with n8n's field names that delivers to the box", async () => {
			const service = mailboxSandboxService(0, 0);
			const { lines, credentials } = await service.start();
			try {
				expect(credentials).toHaveLength(1);
				const [credential] = credentials;
				expect(credential.name).toBe(MAILBOX_CREDENTIAL_NAME);
				expect(credential.type).toBe('smtp');
				expect(Object.keys(credential.data).sort()).toEqual(
					['disableStartTls', 'host', 'password', 'port', 'secure', 'user'].sort(),
				);
				expect(credential.data).toMatchObject({
					user: 'urp',
					password: 'sandbox-smtp-password',
					host: '127.0.0.1',
					secure: false,
					disableStartTls: true,
				});
				const pageUrl = /at (http:\S+)/.exec(lines[0])![1];
				// The transport n8n's Send Email node builds from the credential.
				const data = credential.data as {
					user: string;
					password: string;
					host: string;
					port: number;
					secure: boolean;
					disableStartTls: boolean;
				};
				const transporter = createTransport({
					host: data.host,
					port: data.port,
					secure: data.secure,
					ignoreTLS: data.disableStartTls,
					auth: { user: data.user, pass: data.password },
				});
				await transporter.sendMail({
					from: SENDER,
					to: OPERATOR,
					subject: 'Dal sandbox',
					text: 'ciao',
				});
				transporter.close();
				const summaries = (await (
					await fetch(new URL('/api/messages', pageUrl))
				).json()) as MessageSummary[];
				expect(summaries.map((m) => m.subject)).toEqual(['Dal sandbox']);
			} finally {
				await service.stop();
			}
		});
	});
});
