/**
 * The mailbox simulator as a sandbox service: started before n8n on fixed ports, it gives n8n the
 * "Casella URP (SMTP)" credential (n8n's `smtp` type) pointing at itself, so the Send Email nodes of
 * the workflows deliver operators' notifications and approval requests to the page "Casella URP –
 * simulatore". The password is the sandbox's own throwaway value.
 */
import type { CredentialSpec } from '../../n8n/launcher';
import { startMailbox, type Mailbox } from './server';

export const SANDBOX_SMTP = {
	user: 'urp',
	password: 'sandbox-smtp-password',
	host: '127.0.0.1',
};

export const DEFAULT_SMTP_PORT = 5725;
export const DEFAULT_MAILBOX_PAGE_PORT = 5726;

export const MAILBOX_CREDENTIAL_NAME = 'Casella URP (SMTP)';

export interface MailboxSandboxService {
	name: string;
	start(): Promise<{ lines: string[]; credentials: CredentialSpec[] }>;
	stop(): Promise<void>;
}

/**
 * The credential's fields are those of n8n's `smtp` credential type (user, password, host, port,
 * secure, disableStartTls; hostName is optional and left out, so nodemailer names the client itself).
 */
export function mailboxCredential(smtpPort: number): CredentialSpec {
	return {
		name: MAILBOX_CREDENTIAL_NAME,
		type: 'smtp',
		data: {
			user: SANDBOX_SMTP.user,
			password: SANDBOX_SMTP.password,
			host: SANDBOX_SMTP.host,
			port: smtpPort,
			secure: false,
			disableStartTls: true,
		},
	};
}

export function mailboxSandboxService(
	smtpPort = DEFAULT_SMTP_PORT,
	pagePort = DEFAULT_MAILBOX_PAGE_PORT,
): MailboxSandboxService {
	let mailbox: Mailbox | undefined;
	return {
		name: 'the mailbox simulator',
		async start() {
			mailbox = await startMailbox({
				smtpPort,
				httpPort: pagePort,
				host: SANDBOX_SMTP.host,
				auth: { user: SANDBOX_SMTP.user, pass: SANDBOX_SMTP.password },
			});
			return {
				lines: [
					`Mail:      operators' mails at ${mailbox.pageUrl} (SMTP ${SANDBOX_SMTP.host}:${mailbox.smtpPort}, credential "${MAILBOX_CREDENTIAL_NAME}")`,
				],
				credentials: [mailboxCredential(mailbox.smtpPort)],
			};
		},
		async stop() {
			await mailbox?.stop();
			mailbox = undefined;
		},
	};
}
