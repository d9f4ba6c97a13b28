/**
 * The credentials the workflows in workflows/ name, pointing at the simulators: one definition for the
 * end-to-end tests and the benchmarks. Local test values only, no secret.
 */
import type { CredentialSpec } from './launcher';

/** "Casella URP (SMTP)": n8n's SMTP credential for the mailbox simulator (plain SMTP, no login). */
export function mailboxCredential(smtpPort: number): CredentialSpec {
	return {
		name: 'Casella URP (SMTP)',
		type: 'smtp',
		data: {
			user: '',
			password: '',
			host: '127.0.0.1',
			port: smtpPort,
			secure: false,
			disableStartTls: true,
			hostName: '',
		},
	};
}

/** The four credentials workflows/inbound.json names. */
export function inboundCredentials(options: {
	/** The whatsAppCloudApi credential's data (the simulator's account and base URL). */
	whatsApp: Record<string, unknown>;
	/** The open311Api credential's data. */
	open311: Record<string, unknown>;
	smtpPort: number;
	/** The whatsUrpStore credential's data (SQLite or PostgreSQL). */
	store: Record<string, unknown>;
}): CredentialSpec[] {
	return [
		{ name: 'WhatsApp URP', type: 'whatsAppCloudApi', data: options.whatsApp },
		{ name: 'Archivio iscrizioni', type: 'whatsUrpStore', data: options.store },
		{ name: 'Segnala Rimini', type: 'open311Api', data: options.open311 },
		mailboxCredential(options.smtpPort),
	];
}
