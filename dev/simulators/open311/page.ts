/** The simulator's page at /: what arrived, for a person trying the sandbox. Plain HTML, Italian. */
import type { ReceivedOpen311Request, StoredServiceRequest } from './types';

function escape(text: unknown): string {
	return String(text ?? '')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

function cut(text: string | undefined, max: number): string {
	if (!text) return '';
	const chars = [...text];
	return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

function where(request: StoredServiceRequest): string {
	const parts: string[] = [];
	if (request.lat !== undefined && request.long !== undefined) {
		const link = `https://www.openstreetmap.org/?mlat=${request.lat}&mlon=${request.long}#map=18/${request.lat}/${request.long}`;
		parts.push(`<a href="${escape(link)}">${escape(request.lat)}, ${escape(request.long)}</a>`);
	}
	if (request.address) parts.push(escape(request.address));
	if (request.address_id) parts.push(`id ${escape(request.address_id)}`);
	return parts.join('<br>');
}

function who(request: StoredServiceRequest): string {
	const name = [request.first_name, request.last_name].filter(Boolean).join(' ');
	return [name, request.email, request.phone].filter(Boolean).map(escape).join('<br>');
}

function attributes(request: StoredServiceRequest): string {
	return Object.entries(request.attributes)
		.map(
			([code, value]) =>
				`${escape(code)}: ${escape(Array.isArray(value) ? value.join(', ') : value)}`,
		)
		.join('<br>');
}

export function renderPage(input: {
	baseUrl: string;
	requests: StoredServiceRequest[];
	received: ReceivedOpen311Request[];
	now: number;
	down: number | false;
}): string {
	const rows = [...input.requests]
		.reverse()
		.map((request) => {
			const pending = request.availableAt > input.now;
			const id = pending
				? `<em>in lavorazione</em><br><small>token ${escape(request.token)}</small>`
				: escape(request.service_request_id);
			const media = request.media_url ? `<a href="${escape(request.media_url)}">allegato</a>` : '';
			return `<tr><td>${id}</td><td>${escape(request.requested_datetime)}</td><td>${escape(request.service_name)}<br><small>${escape(request.service_code)} · ${escape(request.type)}</small></td><td>${escape(request.status)}</td><td class="text">${escape(cut(request.description, 300))}</td><td>${where(request)}</td><td>${who(request)}</td><td>${attributes(request)}</td><td>${media}</td></tr>`;
		})
		.join('\n');
	const calls = input.received
		.slice(-30)
		.reverse()
		.map(
			(call) =>
				`<tr><td>${escape(new Date(call.at).toISOString())}</td><td>${escape(call.method)}</td><td>${escape(call.path)}</td><td>${escape(call.status)}</td></tr>`,
		)
		.join('\n');
	return `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<title>Segnala – simulatore Open311</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
th, td { border: 1px solid #ccc; padding: .4rem; vertical-align: top; text-align: left; font-size: .9rem; }
th { background: #f0f4f8; }
td.text { white-space: pre-wrap; max-width: 30rem; }
.down { background: #fde8e8; border: 1px solid #e53e3e; padding: .5rem; }
</style>
</head>
<body>
<h1>Segnala – simulatore Open311</h1>
<p>API GeoReport v2 su <code>${escape(input.baseUrl)}</code> (per esempio <a href="${escape(input.baseUrl)}/services.json">services.json</a>). La pagina si aggiorna ogni 5 secondi.</p>
${input.down ? `<p class="down">Il simulatore risponde ${escape(input.down)} a ogni chiamata (guasto simulato).</p>` : ''}
<h2>Segnalazioni ricevute (${input.requests.length})</h2>
<table>
<tr><th>Numero</th><th>Ricevuta</th><th>Servizio</th><th>Stato</th><th>Descrizione</th><th>Posizione</th><th>Contatto</th><th>Attributi</th><th>Foto</th></tr>
${rows || '<tr><td colspan="9">Nessuna segnalazione finora.</td></tr>'}
</table>
<h2>Ultime chiamate all'API</h2>
<table>
<tr><th>Ora (UTC)</th><th>Metodo</th><th>Percorso</th><th>Risposta</th></tr>
${calls || '<tr><td colspan="4">Nessuna chiamata finora.</td></tr>'}
</table>
</body>
</html>
`;
}
