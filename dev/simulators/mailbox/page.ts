/**
 * The mailbox page (GET /, GET /?id=…), in Italian: the list of mails, newest first, and the selected
 * mail. Rendered on the server with every value from a mail escaped; the only script (with a nonce,
 * under a CSP that allows nothing else) polls GET /api/messages every 2 s and rebuilds the list with
 * textContent. The mail's HTML is shown in a sandboxed iframe from GET /api/messages/:id/html, where
 * no script runs, but links (n8n's "Approva"/"Rispondi" buttons) open in a new tab.
 */
import { escapeHtml, extractLinks, formatAddresses, isSafeLink, shorten } from './html';
import type { MailMessage, MessageSummary } from './types';

export interface PageInfo {
	smtp: string;
	authUser: string | null;
	maxMessageBytes: number;
}

/** What the iframe may do: open links in a new tab (escaping the sandbox), submit forms, navigate the top page on a click. */
export const IFRAME_SANDBOX =
	'allow-popups allow-popups-to-escape-sandbox allow-forms allow-top-navigation-by-user-activation';

const SUBJECT_IN_LIST = 160;

const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;color:#1d2430;background:#f4f6f9}
header{background:#1f4e79;color:#fff;padding:10px 16px;display:flex;align-items:center;gap:16px;flex-wrap:wrap}
header h1{font-size:18px;margin:0}
header small{opacity:.85}
header button{margin-left:auto;background:#fff;color:#1f4e79;border:0;border-radius:4px;padding:6px 12px;cursor:pointer}
main{display:flex;height:calc(100vh - 48px)}
nav{width:360px;min-width:260px;overflow-y:auto;border-right:1px solid #d5dbe3;background:#fff}
nav ul{list-style:none;margin:0;padding:0}
nav li a{display:block;padding:8px 12px;border-bottom:1px solid #eef1f5;color:inherit;text-decoration:none;overflow-wrap:anywhere}
nav li a:hover{background:#eef4fb}
nav li.sel a{background:#dce9f7}
.from{font-weight:600;font-size:13px}
.subj{font-size:14px}
.when,.prev{font-size:12px;color:#5b6675}
.empty{padding:16px;color:#5b6675}
section{flex:1;overflow-y:auto;padding:16px 20px}
h2{font-size:18px;margin:0 0 12px;overflow-wrap:anywhere}
h3{font-size:15px;margin:20px 0 8px}
table.hdr{border-collapse:collapse;font-size:13px;width:100%}
table.hdr th{text-align:left;vertical-align:top;padding:3px 10px 3px 0;color:#5b6675;font-weight:500;white-space:nowrap}
table.hdr td{padding:3px 0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #d5dbe3;padding:10px;font-size:13px}
iframe{width:100%;height:60vh;border:1px solid #d5dbe3;background:#fff;resize:vertical}
ul.att{padding-left:18px}
ul.att li{margin:6px 0;overflow-wrap:anywhere}
ul.att img{display:block;max-width:360px;max-height:280px;margin-top:4px;border:1px solid #d5dbe3}
.mono{font-family:ui-monospace,monospace;font-size:12px;color:#5b6675}
.warn{color:#a33}
`;

/** Client code: polls the summaries and rebuilds the list; every value is set with textContent. */
const SCRIPT = `
const list = document.getElementById('elenco');
const count = document.getElementById('conteggio');
const selected = new URLSearchParams(location.search).get('id');
let last = null;
function when(iso) {
	return new Date(iso).toLocaleString('it-IT', { timeZone: 'Europe/Rome' });
}
function cut(text, max) {
	const chars = Array.from(text);
	return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}
function line(cls, text, tag) {
	const div = document.createElement(tag || 'div');
	div.className = cls;
	div.textContent = text;
	return div;
}
function render(messages) {
	count.textContent = messages.length === 1 ? '1 messaggio' : messages.length + ' messaggi';
	list.replaceChildren();
	if (messages.length === 0) {
		const li = line('empty', 'Nessun messaggio: la casella è vuota.', 'li');
		list.append(li);
		return;
	}
	for (const m of messages) {
		const li = document.createElement('li');
		if (m.id === selected) li.className = 'sel';
		const a = document.createElement('a');
		a.href = '/?id=' + encodeURIComponent(m.id);
		a.append(
			line('from', m.from || '(mittente sconosciuto)'),
			line('subj', cut(m.subject || '(senza oggetto)', ${SUBJECT_IN_LIST}) + (m.attachments ? ' 📎' + m.attachments : '')),
			line('when', when(m.receivedAt) + ' → ' + m.to.join(', ')),
		);
		if (m.preview) a.append(line('prev', m.preview));
		li.append(a);
		list.append(li);
	}
}
async function poll() {
	try {
		const answer = await fetch('/api/messages', { cache: 'no-store' });
		const text = await answer.text();
		if (answer.ok && text !== last) {
			last = text;
			render(JSON.parse(text));
		}
	} catch (error) {
		// the simulator is stopping or restarting: try again at the next tick
	}
}
document.getElementById('svuota').addEventListener('click', async () => {
	if (!confirm('Eliminare tutti i messaggi della casella?')) return;
	await fetch('/api/messages', { method: 'DELETE' });
	location.href = '/';
});
setInterval(poll, 2000);
poll();
`;

function when(iso: string): string {
	return new Date(iso).toLocaleString('it-IT', { timeZone: 'Europe/Rome' });
}

function formatSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} byte`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace('.', ',')} kB`;
	return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

/** Image types a browser shows in <img> without running anything (no SVG). */
export function isInlineImage(contentType: string): boolean {
	return /^image\/(png|jpe?g|gif|webp|bmp|avif)$/i.test(contentType);
}

function renderListItem(summary: MessageSummary, selectedId: string | null): string {
	const attachments = summary.attachments ? ` 📎${summary.attachments}` : '';
	return `<li${summary.id === selectedId ? ' class="sel"' : ''}><a href="/?id=${encodeURIComponent(summary.id)}">
<div class="from">${escapeHtml(summary.from || '(mittente sconosciuto)')}</div>
<div class="subj">${escapeHtml(shorten(summary.subject || '(senza oggetto)', SUBJECT_IN_LIST) + attachments)}</div>
<div class="when">${escapeHtml(`${when(summary.receivedAt)} → ${summary.to.join(', ')}`)}</div>
${summary.preview ? `<div class="prev">${escapeHtml(summary.preview)}</div>` : ''}</a></li>`;
}

function row(label: string, value: string | null | undefined): string {
	if (value === null || value === undefined || value === '') return '';
	return `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
}

function renderDetail(message: MailMessage): string {
	const base = `/api/messages/${encodeURIComponent(message.id)}`;
	const parts: string[] = [];
	parts.push(`<h2>${escapeHtml(message.subject || '(senza oggetto)')}</h2>`);
	parts.push(
		`<table class="hdr">${[
			row('Da', formatAddresses(message.from)),
			row('A', formatAddresses(message.to)),
			row('Cc', formatAddresses(message.cc)),
			row('Rispondi a', formatAddresses(message.replyTo)),
			row('Data', message.date ? when(message.date) : null),
			row('Ricevuto', when(message.receivedAt)),
			row(
				'Busta SMTP',
				`MAIL FROM <${message.envelope.from}> → RCPT TO ${message.envelope.to.map((a) => `<${a}>`).join(', ')}`,
			),
			row('Utente SMTP', message.authUser),
			row('Message-ID', message.messageId),
			row('Dimensione', formatSize(message.size)),
		].join('')}</table>`,
	);
	if (message.parseError)
		parts.push(`<p class="warn">Messaggio non leggibile: ${escapeHtml(message.parseError)}</p>`);
	parts.push(
		`<details><summary>Tutte le intestazioni</summary><pre>${escapeHtml(
			message.headers.map((h) => `${h.name}: ${h.value}`).join('\n'),
		)}</pre></details>`,
	);
	parts.push(`<p><a href="${base}/raw">Scarica il messaggio originale (.eml)</a></p>`);

	if (message.html !== null) {
		parts.push(
			`<h3>Messaggio HTML</h3>
<iframe title="Corpo HTML del messaggio" src="${base}/html" sandbox="${IFRAME_SANDBOX}" referrerpolicy="no-referrer"></iframe>
<p><a href="${base}/html" target="_blank" rel="noopener noreferrer">Apri l'HTML in una nuova scheda</a></p>`,
		);
		const links = extractLinks(message.html);
		if (links.length > 0)
			parts.push(
				`<h3>Collegamenti</h3><ul>${links
					.map((href) =>
						isSafeLink(href)
							? `<li><a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(href)}</a></li>`
							: `<li><span class="mono">${escapeHtml(href)}</span> (non cliccabile)</li>`,
					)
					.join('')}</ul>`,
			);
	}
	parts.push('<h3>Testo</h3>');
	parts.push(
		message.text !== null
			? `<pre>${escapeHtml(message.text)}</pre>`
			: '<p class="empty">Il messaggio non ha una parte di solo testo.</p>',
	);

	if (message.attachments.length > 0) {
		parts.push('<h3>Allegati</h3><ul class="att">');
		for (const attachment of message.attachments) {
			const url = `${base}/attachments/${attachment.index}`;
			const name = attachment.filename ?? `allegato-${attachment.index + 1}`;
			parts.push(
				`<li><a href="${url}" download>${escapeHtml(name)}</a> — ${escapeHtml(attachment.contentType)}, ${formatSize(attachment.size)}${attachment.inline ? ', in linea' : ''}
<div class="mono">sha256 ${escapeHtml(attachment.sha256)}</div>${
					isInlineImage(attachment.contentType)
						? `<img src="${url}?inline=1" alt="${escapeHtml(name)}" loading="lazy">`
						: ''
				}</li>`,
			);
		}
		parts.push('</ul>');
	}
	return parts.join('\n');
}

/** The whole page; `selected` is the mail asked for with ?id= (undefined when none was asked). */
export function renderMailboxPage(
	info: PageInfo,
	summaries: MessageSummary[],
	selected: MailMessage | null | undefined,
	selectedId: string | null,
	nonce: string,
): string {
	const count = summaries.length === 1 ? '1 messaggio' : `${summaries.length} messaggi`;
	const list =
		summaries.length === 0
			? '<li class="empty">Nessun messaggio: la casella è vuota.</li>'
			: summaries.map((s) => renderListItem(s, selectedId)).join('\n');
	let detail: string;
	if (selected) detail = renderDetail(selected);
	else if (selectedId !== null)
		detail = `<p class="empty">Il messaggio ${escapeHtml(selectedId)} non c'è più (casella svuotata?).</p>`;
	else
		detail =
			'<p class="empty">Seleziona un messaggio dall\'elenco. Le notifiche e le richieste di approvazione inviate da n8n arrivano qui.</p>';
	const auth = info.authUser
		? `utente ${escapeHtml(info.authUser)}`
		: 'qualunque utente e password';
	return `<!DOCTYPE html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Casella URP – simulatore</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Casella URP – simulatore</h1>
<small>SMTP ${escapeHtml(info.smtp)} (${auth}, massimo ${formatSize(info.maxMessageBytes)}) · <span id="conteggio">${count}</span></small>
<button type="button" id="svuota">Svuota casella</button>
</header>
<main>
<nav><ul id="elenco">${list}</ul></nav>
<section id="dettaglio">${detail}</section>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}
