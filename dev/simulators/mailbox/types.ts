/**
 * Public types of the mailbox simulator: what it keeps of every mail and what startMailbox returns.
 */

export interface MailboxOptions {
	/** SMTP port; 0 (default) picks a free one. */
	smtpPort?: number;
	/** Port of the page and the JSON API; 0 (default) picks a free one. */
	httpPort?: number;
	/** Interface both servers listen on (default 127.0.0.1). */
	host?: string;
	/**
	 * With it, AUTH (PLAIN or LOGIN) is required and must match; without it, AUTH is optional and any
	 * user name and password are accepted.
	 */
	auth?: { user: string; pass: string };
	/** Largest message accepted, in bytes (default 25 MB): bigger ones are answered with SMTP 552. */
	maxMessageBytes?: number;
	/** How many mails are kept (default 500); the oldest go first. */
	maxMessages?: number;
	/** Diagnostic lines (default: none). */
	log?: (line: string) => void;
}

export interface MailAddress {
	name: string;
	address: string;
}

export interface MailHeader {
	/** As written in the mail (case kept). */
	name: string;
	/** Unfolded, not decoded (encoded words stay as they are). */
	value: string;
}

export interface MailAttachment {
	index: number;
	filename: string | null;
	contentType: string;
	size: number;
	/** Hex SHA-256 of the decoded bytes. */
	sha256: string;
	/** Content-ID without angle brackets, for parts the HTML shows with cid: links. */
	contentId: string | null;
	/** Content-Disposition: inline (rather than attachment). */
	inline: boolean;
	content: Buffer;
}

export interface MailMessage {
	/** "1", "2"… in arrival order (never reused, also after clear()). */
	id: string;
	/** ISO date when the mail was accepted. */
	receivedAt: string;
	/** SMTP envelope: MAIL FROM ('' for the null sender) and every RCPT TO. */
	envelope: { from: string; to: string[] };
	/** User name given with AUTH, if any. */
	authUser: string | null;
	remoteAddress: string;
	/** Size of the raw message in bytes. */
	size: number;
	headers: MailHeader[];
	messageId: string | null;
	subject: string;
	/** The Date header as an ISO date (null when missing or unreadable). */
	date: string | null;
	from: MailAddress[];
	to: MailAddress[];
	cc: MailAddress[];
	replyTo: MailAddress[];
	/** The text/plain part as sent (no text is made from the HTML). */
	text: string | null;
	html: string | null;
	attachments: MailAttachment[];
	/** Why the mail could not be parsed (it is still kept, with its raw bytes). */
	parseError: string | null;
	/** The message as received after DATA. */
	raw: Buffer;
}

export interface MessageSummary {
	id: string;
	receivedAt: string;
	/** Display form of the From header, or the envelope sender. */
	from: string;
	/** Envelope recipients. */
	to: string[];
	subject: string;
	size: number;
	hasHtml: boolean;
	hasText: boolean;
	attachments: number;
	/** The first 160 characters of the text part. */
	preview: string;
}

/** GET /api/messages/:id: the message without raw bytes and attachment contents. */
export interface MessageDetail extends Omit<MailMessage, 'raw' | 'attachments'> {
	attachments: Array<Omit<MailAttachment, 'content'> & { url: string }>;
	/** hrefs of the HTML part (see Mailbox.links). */
	links: string[];
	htmlUrl: string | null;
	rawUrl: string;
}

/** Either an object filter (every given field must match) or a predicate. */
export type MessageFilter =
	| {
			/** An address among the envelope recipients or the To/Cc headers (case-insensitive). */
			to?: string;
			/** The envelope sender or a From address (case-insensitive). */
			from?: string;
			/** Substring of the subject, or a pattern. */
			subject?: string | RegExp;
	  }
	| ((message: MailMessage) => boolean);

export interface Mailbox {
	smtpPort: number;
	httpPort: number;
	host: string;
	/** http://host:httpPort/ */
	pageUrl: string;
	/** Mails in arrival order (oldest first), optionally filtered. */
	messages(filter?: MessageFilter): MailMessage[];
	/**
	 * The first mail (already there or still to come) that matches; rejects after timeoutMs (default
	 * 5000) with an error that lists what the box holds.
	 */
	waitForMessage(predicate: MessageFilter, timeoutMs?: number): Promise<MailMessage>;
	/** The href of every link (a, area) of the HTML part, entities decoded, in document order. */
	links(message: MailMessage): string[];
	clear(): void;
	stop(): Promise<void>;
}
