/**
 * The mailbox simulator: an SMTP server (smtp-server) that accepts every mail, parses it (mailparser)
 * and keeps it in memory, and an HTTP server (node:http) with the page "Casella URP – simulatore" and
 * a JSON API. n8n's Send Email node (nodemailer) delivers operators' notifications and its "send and
 * wait for response" requests here. See README.md.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import {
	SMTPServer,
	type SMTPServerAuthentication,
	type SMTPServerAuthenticationResponse,
	type SMTPServerDataStream,
	type SMTPServerSession,
} from 'smtp-server';
import { extractLinks, formatAddresses, prepareMailHtml } from './html';
import { IFRAME_SANDBOX, isInlineImage, renderMailboxPage } from './page';
import type {
	MailAddress,
	MailAttachment,
	Mailbox,
	MailboxOptions,
	MailMessage,
	MessageDetail,
	MessageFilter,
	MessageSummary,
} from './types';

export * from './types';
export { extractLinks } from './html';

export const DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
const DEFAULT_MAX_MESSAGES = 500;
const DEFAULT_WAIT_MS = 5000;

/** CSP of a mail's HTML: nothing runs, nothing is framed; images, styles and fonts may load. */
export const MAIL_HTML_CSP = [
	"default-src 'none'",
	'img-src data: http: https:',
	"style-src 'unsafe-inline' http: https:",
	'font-src data: http: https:',
	'media-src data: http: https:',
	'form-action http: https:',
	"base-uri 'none'",
	"frame-ancestors 'self'",
	`sandbox ${IFRAME_SANDBOX}`,
].join('; ');

/** CSP of attachments and raw messages: never rendered as a page of this origin. */
const DOWNLOAD_CSP = "default-src 'none'; sandbox";

interface SmtpError extends Error {
	responseCode?: number;
}

function smtpError(code: number, message: string): SmtpError {
	return Object.assign(new Error(message), { responseCode: code });
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
	const flat: MailAddress[] = [];
	const visit = (entry: EmailAddress) => {
		if (entry.group) entry.group.forEach(visit);
		else flat.push({ name: entry.name ?? '', address: entry.address ?? '' });
	};
	for (const object of value === undefined ? [] : Array.isArray(value) ? value : [value])
		object.value.forEach(visit);
	return flat;
}

function sha256(content: Buffer): string {
	return createHash('sha256').update(content).digest('hex');
}

/** A content type safe for a response header (mails may declare anything). */
function headerContentType(value: string): string {
	return /^[\w.+-]+\/[\w.+-]+$/.test(value) ? value.toLowerCase() : 'application/octet-stream';
}

function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
	const ascii = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
	const encoded = encodeURIComponent(filename).replace(
		/['()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
	return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function matches(message: MailMessage, filter: MessageFilter | undefined): boolean {
	if (filter === undefined) return true;
	if (typeof filter === 'function') {
		try {
			return filter(message);
		} catch {
			return false;
		}
	}
	const lower = (value: string) => value.toLowerCase();
	if (filter.to !== undefined) {
		const wanted = lower(filter.to);
		const all = [
			...message.envelope.to,
			...message.to.map((a) => a.address),
			...message.cc.map((a) => a.address),
		];
		if (!all.some((address) => lower(address) === wanted)) return false;
	}
	if (filter.from !== undefined) {
		const wanted = lower(filter.from);
		const all = [message.envelope.from, ...message.from.map((a) => a.address)];
		if (!all.some((address) => lower(address) === wanted)) return false;
	}
	if (filter.subject !== undefined) {
		const ok =
			typeof filter.subject === 'string'
				? message.subject.includes(filter.subject)
				: filter.subject.test(message.subject);
		if (!ok) return false;
	}
	return true;
}

export function summarize(message: MailMessage): MessageSummary {
	const text = (message.text ?? '').replace(/\s+/g, ' ').trim();
	return {
		id: message.id,
		receivedAt: message.receivedAt,
		from: formatAddresses(message.from) || message.envelope.from,
		to: message.envelope.to,
		subject: message.subject,
		size: message.size,
		hasHtml: message.html !== null,
		hasText: message.text !== null,
		attachments: message.attachments.length,
		preview: Array.from(text).slice(0, 160).join(''),
	};
}

export function detail(message: MailMessage): MessageDetail {
	const base = `/api/messages/${encodeURIComponent(message.id)}`;
	const copy: Partial<MailMessage> = { ...message };
	delete copy.raw;
	delete copy.attachments;
	return {
		...(copy as Omit<MailMessage, 'raw' | 'attachments'>),
		attachments: message.attachments.map((attachment) => ({
			index: attachment.index,
			filename: attachment.filename,
			contentType: attachment.contentType,
			size: attachment.size,
			sha256: attachment.sha256,
			contentId: attachment.contentId,
			inline: attachment.inline,
			url: `${base}/attachments/${attachment.index}`,
		})),
		links: extractLinks(message.html),
		htmlUrl: message.html === null ? null : `${base}/html`,
		rawUrl: `${base}/raw`,
	};
}

/** Parses a raw message into what the mailbox keeps; a mail that cannot be parsed keeps its bytes. */
export async function parseMail(
	raw: Buffer,
	meta: Pick<MailMessage, 'id' | 'receivedAt' | 'envelope' | 'authUser' | 'remoteAddress'>,
): Promise<MailMessage> {
	const message: MailMessage = {
		...meta,
		size: raw.length,
		headers: [],
		messageId: null,
		subject: '',
		date: null,
		from: [],
		to: [],
		cc: [],
		replyTo: [],
		text: null,
		html: null,
		attachments: [],
		parseError: null,
		raw,
	};
	try {
		const mail = await simpleParser(raw, {
			skipHtmlToText: true,
			skipTextToHtml: true,
			skipTextLinks: true,
			skipImageLinks: true,
			keepCidLinks: true,
			checksumAlgo: false,
		});
		message.headers = (mail.headerLines ?? []).map(({ line }) => {
			const colon = line.indexOf(':');
			const name = colon < 0 ? line : line.slice(0, colon);
			const value = colon < 0 ? '' : line.slice(colon + 1);
			return { name: name.trim(), value: value.replace(/\r?\n[ \t]+/g, ' ').trim() };
		});
		message.messageId = mail.messageId ?? null;
		message.subject = mail.subject ?? '';
		// mailparser turns an unreadable Date header into "now"; the mailbox says null instead.
		const dateHeader = message.headers.find((h) => h.name.toLowerCase() === 'date');
		const date = dateHeader ? new Date(dateHeader.value) : undefined;
		message.date = date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
		message.from = addresses(mail.from);
		message.to = addresses(mail.to);
		message.cc = addresses(mail.cc);
		message.replyTo = addresses(mail.replyTo);
		message.text = mail.text ? mail.text : null;
		message.html = typeof mail.html === 'string' ? mail.html : null;
		message.attachments = mail.attachments.map(
			(attachment, index): MailAttachment => ({
				index,
				filename: attachment.filename ?? null,
				contentType: attachment.contentType || 'application/octet-stream',
				size: attachment.content.length,
				sha256: sha256(attachment.content),
				contentId: attachment.cid ?? null,
				inline: attachment.contentDisposition === 'inline',
				content: attachment.content,
			}),
		);
	} catch (error) {
		message.parseError = errorText(error);
	}
	return message;
}

class MailboxSimulator implements Mailbox {
	smtpPort = 0;
	httpPort = 0;
	readonly host: string;
	pageUrl = '';

	private origin = '';
	private readonly smtp: SMTPServer;
	private readonly http: Server;
	private readonly maxMessageBytes: number;
	private readonly maxMessages: number;
	private readonly log: (line: string) => void;
	private store: MailMessage[] = [];
	private nextId = 1;
	private waiters = new Set<{
		filter: MessageFilter;
		resolve: (message: MailMessage) => void;
		reject: (error: Error) => void;
		timer: NodeJS.Timeout;
	}>();

	constructor(private readonly options: MailboxOptions) {
		this.host = options.host ?? '127.0.0.1';
		this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
		this.maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
		this.log = options.log ?? (() => undefined);
		this.smtp = new SMTPServer({
			name: 'casella-urp.simulatore',
			banner: 'Casella URP simulator',
			logger: false,
			// No TLS: n8n's credential has secure: false and STARTTLS disabled, so AUTH goes in clear text.
			disabledCommands: ['STARTTLS'],
			allowInsecureAuth: true,
			authMethods: ['PLAIN', 'LOGIN'],
			authOptional: options.auth === undefined,
			size: this.maxMessageBytes,
			rejectOversized: true,
			disableReverseLookup: true,
			closeTimeout: 1000,
			onAuth: (auth, session, callback) => this.onAuth(auth, session, callback),
			onData: (stream, session, callback) => this.onData(stream, session, callback),
		});
		this.smtp.on('error', (error) => this.log(`mailbox SMTP error: ${errorText(error)}`));
		this.http = createServer((request, response) => {
			try {
				this.handle(request, response);
			} catch (error) {
				this.log(`mailbox HTTP error: ${error instanceof Error ? error.stack : String(error)}`);
				if (!response.headersSent) this.json(response, 500, { error: 'simulator error' });
				else response.end();
			}
		});
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.smtp.once('error', reject);
			this.smtp.listen(this.options.smtpPort ?? 0, this.host, () => {
				this.smtp.off('error', reject);
				resolve();
			});
		});
		this.smtpPort = (this.smtp.server.address() as AddressInfo).port;
		try {
			await new Promise<void>((resolve, reject) => {
				this.http.once('error', reject);
				this.http.listen(this.options.httpPort ?? 0, this.host, () => {
					this.http.off('error', reject);
					resolve();
				});
			});
		} catch (error) {
			await new Promise<void>((resolve) => this.smtp.close(() => resolve()));
			throw error;
		}
		this.httpPort = (this.http.address() as AddressInfo).port;
		this.origin = `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.httpPort}`;
		this.pageUrl = `${this.origin}/`;
	}

	// ---- SMTP ---------------------------------------------------------------------------------------

	private onAuth(
		auth: SMTPServerAuthentication,
		_session: SMTPServerSession,
		callback: (err: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
	): void {
		const user = auth.username ?? '';
		const expected = this.options.auth;
		if (expected && (user !== expected.user || auth.password !== expected.pass)) {
			this.log(`mailbox: AUTH ${auth.method} refused for "${user}"`);
			callback(smtpError(535, 'Authentication credentials invalid'));
			return;
		}
		callback(null, { user });
	}

	private onData(
		stream: SMTPServerDataStream,
		session: SMTPServerSession,
		callback: (err?: Error | null, message?: string) => void,
	): void {
		const chunks: Buffer[] = [];
		let kept = 0;
		stream.on('data', (chunk: Buffer) => {
			// An oversized message is read to its end (SMTP needs that) but not kept.
			if (kept <= this.maxMessageBytes) {
				chunks.push(chunk);
				kept += chunk.length;
			}
		});
		stream.on('error', (error) =>
			callback(smtpError(451, `Could not read the message: ${errorText(error)}`)),
		);
		stream.on('end', () => {
			if (stream.sizeExceeded) {
				callback(
					smtpError(552, `Message exceeds fixed maximum message size ${this.maxMessageBytes}`),
				);
				return;
			}
			const id = String(this.nextId++);
			parseMail(Buffer.concat(chunks), {
				id,
				receivedAt: new Date().toISOString(),
				envelope: {
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
				},
				authUser: typeof session.user === 'string' ? session.user : null,
				remoteAddress: session.remoteAddress,
			}).then(
				(message) => {
					this.add(message);
					callback(null, `Message queued as ${id}`);
				},
				(error: unknown) =>
					callback(smtpError(451, `Could not store the message: ${errorText(error)}`)),
			);
		});
	}

	private add(message: MailMessage): void {
		this.store.push(message);
		if (this.store.length > this.maxMessages)
			this.store.splice(0, this.store.length - this.maxMessages);
		this.log(
			`mailbox: mail ${message.id} "${message.subject}" to ${message.envelope.to.join(', ')}`,
		);
		for (const waiter of [...this.waiters]) {
			if (matches(message, waiter.filter)) {
				this.waiters.delete(waiter);
				clearTimeout(waiter.timer);
				waiter.resolve(message);
			}
		}
	}

	// ---- test API -----------------------------------------------------------------------------------

	messages(filter?: MessageFilter): MailMessage[] {
		return this.store.filter((message) => matches(message, filter));
	}

	waitForMessage(filter: MessageFilter, timeoutMs = DEFAULT_WAIT_MS): Promise<MailMessage> {
		const found = this.store.find((message) => matches(message, filter));
		if (found) return Promise.resolve(found);
		return new Promise<MailMessage>((resolve, reject) => {
			const waiter = {
				filter,
				resolve,
				reject,
				timer: setTimeout(() => {
					this.waiters.delete(waiter);
					const held = this.store.map((m) => `"${m.subject}" → ${m.envelope.to.join(', ')}`);
					reject(
						new Error(
							`No mail matching the filter arrived within ${timeoutMs} ms; the mailbox holds ${
								held.length === 0 ? 'no mail' : `${held.length}: ${held.join('; ')}`
							}`,
						),
					);
				}, timeoutMs),
			};
			this.waiters.add(waiter);
		});
	}

	links(message: MailMessage): string[] {
		return extractLinks(message.html);
	}

	clear(): void {
		this.store = [];
	}

	async stop(): Promise<void> {
		for (const waiter of this.waiters) {
			clearTimeout(waiter.timer);
			waiter.reject(new Error('The mailbox simulator was stopped'));
		}
		this.waiters.clear();
		await Promise.all([
			new Promise<void>((resolve) => this.smtp.close(() => resolve())),
			new Promise<void>((resolve) => {
				this.http.close(() => resolve());
				this.http.closeAllConnections();
			}),
		]);
	}

	// ---- HTTP ---------------------------------------------------------------------------------------

	private json(response: ServerResponse, status: number, body: unknown): void {
		const text = JSON.stringify(body);
		response.writeHead(status, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': Buffer.byteLength(text),
			'cache-control': 'no-store',
			'x-content-type-options': 'nosniff',
		});
		response.end(text);
	}

	private notFound(response: ServerResponse, what = 'not found'): void {
		this.json(response, 404, { error: what });
	}

	private find(id: string): MailMessage | undefined {
		return this.store.find((message) => message.id === id);
	}

	private handle(request: IncomingMessage, response: ServerResponse): void {
		const url = new URL(request.url ?? '/', 'http://mailbox.invalid');
		const method = request.method ?? 'GET';
		const segments = url.pathname
			.split('/')
			.filter((s) => s !== '')
			.map((s) => {
				try {
					return decodeURIComponent(s);
				} catch {
					return s;
				}
			});
		request.resume();

		if (segments.length === 0) {
			if (method !== 'GET' && method !== 'HEAD') return this.methodNotAllowed(response, 'GET');
			return this.page(response, url.searchParams.get('id'));
		}
		if (segments[0] !== 'api' || segments[1] !== 'messages') return this.notFound(response);
		const [, , id, part, index] = segments;

		if (id === undefined) {
			if (method === 'GET') {
				const filter = {
					to: url.searchParams.get('to') ?? undefined,
					from: url.searchParams.get('from') ?? undefined,
					subject: url.searchParams.get('subject') ?? undefined,
				};
				return this.json(response, 200, this.messages(filter).reverse().map(summarize));
			}
			if (method === 'DELETE') {
				const deleted = this.store.length;
				this.clear();
				return this.json(response, 200, { deleted });
			}
			return this.methodNotAllowed(response, 'GET, DELETE');
		}

		const message = this.find(id);
		if (!message) return this.notFound(response, `no message ${id}`);
		if (part === undefined) {
			if (method === 'GET') return this.json(response, 200, detail(message));
			if (method === 'DELETE') {
				this.store = this.store.filter((m) => m !== message);
				return this.json(response, 200, { deleted: 1 });
			}
			return this.methodNotAllowed(response, 'GET, DELETE');
		}
		if (method !== 'GET') return this.methodNotAllowed(response, 'GET');
		if (part === 'html' && index === undefined) return this.html(response, message);
		if (part === 'raw' && index === undefined)
			return this.bytes(
				response,
				message.raw,
				'message/rfc822',
				contentDisposition('attachment', `messaggio-${message.id}.eml`),
			);
		if (part === 'attachments' && index !== undefined && segments.length === 5) {
			const attachment = /^\d+$/.test(index) ? message.attachments[Number(index)] : undefined;
			if (!attachment) return this.notFound(response, `no attachment ${index}`);
			const type = headerContentType(attachment.contentType);
			const inline = url.searchParams.get('inline') === '1' && isInlineImage(type);
			return this.bytes(
				response,
				attachment.content,
				type,
				contentDisposition(
					inline ? 'inline' : 'attachment',
					attachment.filename ?? `allegato-${attachment.index + 1}`,
				),
			);
		}
		return this.notFound(response);
	}

	private methodNotAllowed(response: ServerResponse, allow: string): void {
		response.setHeader('allow', allow);
		this.json(response, 405, { error: 'method not allowed' });
	}

	private page(response: ServerResponse, selectedId: string | null): void {
		const nonce = randomBytes(16).toString('base64');
		const summaries = [...this.store].reverse().map(summarize);
		const selected = selectedId === null ? undefined : (this.find(selectedId) ?? null);
		const body = renderMailboxPage(
			{
				smtp: `${this.host}:${this.smtpPort}`,
				authUser: this.options.auth?.user ?? null,
				maxMessageBytes: this.maxMessageBytes,
			},
			summaries,
			selected,
			selectedId,
			nonce,
		);
		response.writeHead(200, {
			'content-type': 'text/html; charset=utf-8',
			'content-length': Buffer.byteLength(body),
			'cache-control': 'no-store',
			'x-content-type-options': 'nosniff',
			'referrer-policy': 'no-referrer',
			'content-security-policy': [
				"default-src 'none'",
				`script-src 'nonce-${nonce}'`,
				"style-src 'unsafe-inline'",
				"img-src 'self'",
				"frame-src 'self'",
				"connect-src 'self'",
				"form-action 'none'",
				"base-uri 'none'",
				"frame-ancestors 'none'",
			].join('; '),
		});
		response.end(body);
	}

	/** The mail's HTML as sent, cid: links pointing at the attachments, under a CSP with no scripts. */
	private html(response: ServerResponse, message: MailMessage): void {
		if (message.html === null) return this.notFound(response, `message ${message.id} has no HTML`);
		const attachments = `${this.origin}/api/messages/${encodeURIComponent(message.id)}/attachments/`;
		const body = prepareMailHtml(message.html, (cid) => {
			const attachment = message.attachments.find((a) => a.contentId === cid);
			return attachment ? `${attachments}${attachment.index}?inline=1` : undefined;
		});
		response.writeHead(200, {
			'content-type': 'text/html; charset=utf-8',
			'content-length': Buffer.byteLength(body),
			'cache-control': 'no-store',
			'x-content-type-options': 'nosniff',
			'referrer-policy': 'no-referrer',
			'content-security-policy': MAIL_HTML_CSP,
		});
		response.end(body);
	}

	private bytes(
		response: ServerResponse,
		content: Buffer,
		type: string,
		disposition: string,
	): void {
		response.writeHead(200, {
			'content-type': type,
			'content-length': content.length,
			'content-disposition': disposition,
			'cache-control': 'no-store',
			'x-content-type-options': 'nosniff',
			'content-security-policy': DOWNLOAD_CSP,
		});
		response.end(content);
	}
}

/** Starts the SMTP server and the page; both on free ports unless given. */
export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
	const mailbox = new MailboxSimulator(options);
	await mailbox.listen();
	return mailbox;
}
