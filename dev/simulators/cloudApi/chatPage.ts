/**
 * The chat page (GET / and /chat): a person plays a citizen. Self-contained (no CDN); it polls
 * GET /_sim/conversations/:id every second and sends through POST /_sim/citizen-sends.
 * The UI is in Italian; every business text is inserted with textContent (never as HTML).
 */

export interface ChatPageInfo {
	displayPhoneNumber: string;
	verifiedName: string;
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#ece5dd;color:#111}
header{background:#075e54;color:#fff;padding:10px 16px}
header h1{font-size:18px;margin:0}
header small{opacity:.8}
#who{display:flex;gap:8px;flex-wrap:wrap;padding:8px 16px;background:#f7f7f7;border-bottom:1px solid #ddd}
#who label{font-size:13px;display:flex;flex-direction:column}
#log{height:calc(100vh - 230px);overflow-y:auto;padding:12px 16px}
.msg{max-width:70%;margin:6px 0;padding:8px 10px;border-radius:8px;white-space:pre-wrap;box-shadow:0 1px 1px #0002}
.in{background:#dcf8c6;margin-left:auto}
.out{background:#fff}
.meta{font-size:11px;color:#667;margin-top:4px}
.btns{display:flex;flex-wrap:wrap;gap:4px;margin-top:6px}
.btns button{background:#fff;border:1px solid #34b7f1;color:#0a7cad;border-radius:14px;padding:4px 10px;cursor:pointer}
.head{font-weight:600}.foot{font-size:12px;color:#555}
form{display:flex;gap:6px;padding:8px 16px;background:#f0f0f0;align-items:center;flex-wrap:wrap}
form input[type=text]{flex:1;min-width:200px;padding:8px}
#err{color:#b00;padding:0 16px;font-size:13px}
`;

const SCRIPT = `
const $ = (id) => document.getElementById(id);
let lastJson = '';
function identity() {
	const number = $('number').value.replace(/\\D/g, '');
	const from = { name: $('name').value || undefined };
	if ($('username').value) {
		from.username = $('username').value;
		from.userId = 'IT.' + (number || '0');
	} else from.waId = number;
	return from;
}
function citizenId() {
	const from = identity();
	return from.waId || from.userId;
}
async function post(input) {
	$('err').textContent = '';
	const answer = await fetch('/_sim/citizen-sends', {
		method: 'POST', headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ from: identity(), ...input }),
	});
	const result = await answer.json();
	if (!answer.ok) $('err').textContent = result.error;
	else if (result.status !== 200) $('err').textContent = 'Webhook: risposta ' + result.status + ' (URL webhook configurato?)';
	refresh();
}
function el(tag, cls, text) {
	const node = document.createElement(tag);
	if (cls) node.className = cls;
	if (text !== undefined) node.textContent = text;
	return node;
}
function button(label, onClick) {
	const b = el('button', '', label);
	b.type = 'button';
	b.onclick = onClick;
	return b;
}
function renderOut(m, box) {
	const p = m.payload;
	const type = m.type; // the payload's type, or "text" when the business left it out
	if (type === 'text') box.append(el('div', '', p.text.body));
	else if (type === 'template') {
		const t = p.template;
		box.append(el('div', 'head', 'Modello «' + t.name + '» (' + t.language.code + ')'));
		const btns = el('div', 'btns');
		for (const c of t.components || []) {
			const params = (c.parameters || []).map((x, i) => '{{' + (i + 1) + '}} = ' + (x.text ?? x.payload ?? JSON.stringify(x[x.type])));
			if (c.type === 'button') {
				for (const x of c.parameters || []) {
					if (x.type === 'payload') btns.append(button(x.payload, () => post({ type: 'button', button: { payload: x.payload, text: x.payload }, context: { messageId: m.id } })));
				}
			} else if (params.length) box.append(el('div', '', c.type + ': ' + params.join(', ')));
		}
		box.append(btns);
	} else if (type === 'interactive') {
		const i = p.interactive;
		if (i.header && i.header.text) box.append(el('div', 'head', i.header.text));
		if (i.body) box.append(el('div', '', i.body.text));
		if (i.footer) box.append(el('div', 'foot', i.footer.text));
		const btns = el('div', 'btns');
		for (const b of (i.action && i.action.buttons) || []) {
			btns.append(button(b.reply.title, () => post({ type: 'interactive', reply: { kind: 'button_reply', id: b.reply.id, title: b.reply.title }, context: { messageId: m.id } })));
		}
		for (const s of (i.action && i.action.sections) || []) {
			if (s.title) btns.append(el('div', 'foot', s.title));
			for (const r of s.rows || []) {
				btns.append(button(r.title, () => post({ type: 'interactive', reply: { kind: 'list_reply', id: r.id, title: r.title, description: r.description }, context: { messageId: m.id } })));
			}
		}
		if (i.action && i.action.button) box.append(el('div', 'foot', '☰ ' + i.action.button));
		box.append(btns);
	} else if (type === 'location') {
		box.append(el('div', '', '📍 ' + (p.location.name || '') + ' ' + p.location.latitude + ', ' + p.location.longitude));
	} else if (type === 'reaction') box.append(el('div', '', 'Reazione ' + p.reaction.emoji));
	else if (p[type] && (p[type].link || p[type].id)) {
		const media = p[type];
		box.append(el('div', '', '[' + type + '] ' + (media.link || 'id ' + media.id)));
		if (media.caption) box.append(el('div', '', media.caption));
	} else box.append(el('div', '', JSON.stringify(p)));
}
function renderIn(m, box) {
	const p = m.payload;
	const text = p.text ? p.text.body
		: p.interactive ? '↪ ' + (p.interactive[p.interactive.type] || {}).title
		: p.button ? '↪ ' + p.button.text
		: p.location ? '📍 ' + p.location.latitude + ', ' + p.location.longitude
		: p.image ? '📷 foto' + (p.image.caption ? ': ' + p.image.caption : '')
		: '[' + p.type + ']';
	box.append(el('div', '', text));
}
const LABELS = { accepted: 'accettato', sent: '✓ inviato', delivered: '✓✓ consegnato', read: '✓✓ letto', failed: '⚠ non consegnato' };
async function refresh() {
	const id = citizenId();
	if (!id) return;
	const answer = await fetch('/_sim/conversations/' + encodeURIComponent(id));
	const data = await answer.json();
	const json = JSON.stringify(data.messages);
	if (json === lastJson) return;
	lastJson = json;
	const log = $('log');
	log.replaceChildren();
	for (const m of data.messages) {
		const box = el('div', 'msg ' + m.direction);
		if (m.direction === 'out') renderOut(m, box); else renderIn(m, box);
		const when = new Date(m.at).toLocaleTimeString('it-IT');
		box.append(el('div', 'meta', when + (m.status ? ' · ' + (LABELS[m.status] || m.status) : '')));
		log.append(box);
	}
	log.scrollTop = log.scrollHeight;
}
$('send').onsubmit = (event) => {
	event.preventDefault();
	const text = $('text').value.trim();
	if (!text) return;
	$('text').value = '';
	post({ type: 'text', text });
};
$('where').onclick = () => post({ type: 'location', location: { latitude: 44.0593, longitude: 12.5681, name: 'Piazza Cavour', address: 'Piazza Cavour, Rimini' } });
$('photo').onchange = () => {
	const file = $('photo').files[0];
	if (!file) return;
	const reader = new FileReader();
	reader.onload = () => {
		const contentBase64 = String(reader.result).split(',')[1];
		post({ type: 'image', media: { mimeType: file.type || 'image/jpeg', caption: $('text').value || undefined, contentBase64 } });
		$('photo').value = '';
	};
	reader.readAsDataURL(file);
};
for (const id of ['number', 'username']) $(id).onchange = () => { lastJson = ''; refresh(); };
setInterval(refresh, 1000);
refresh();
`;

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderChatPage(info: ChatPageInfo): string {
	return `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simulatore WhatsApp — Cittadino</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Simulatore WhatsApp — Cittadino</h1>
<small>Chat con ${escapeHtml(info.verifiedName)} (+${escapeHtml(info.displayPhoneNumber)})</small></header>
<div id="who">
<label>Numero del cittadino<input id="number" value="393331234567"></label>
<label>Nome<input id="name" value="Maria Rossi"></label>
<label>Username (facoltativo: nasconde il numero)<input id="username" placeholder="es. maria.rimini"></label>
</div>
<div id="log"></div>
<div id="err"></div>
<form id="send">
<input id="text" type="text" placeholder="Scrivi un messaggio" autocomplete="off">
<button type="submit">Invia</button>
<button type="button" id="where">Invia posizione</button>
<label>Foto <input id="photo" type="file" accept="image/*"></label>
</form>
<script>${SCRIPT}</script>
</body>
</html>`;
}
