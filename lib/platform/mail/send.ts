import 'server-only';
import { publicUrl } from '@/lib/platform/config/public-url';
import { log } from '@/lib/platform/log';
import { smtpTransport } from './smtp';
import { consoleTransport, type MailMessage, type MailTransport } from './transport';
import { env, type EnvSource } from '@/lib/platform/config/env';

const globalForMail = globalThis as unknown as { __portcullisMail?: MailTransport };

/** MAIL_TRANSPORT=smtp|console; smtp is chosen by default when SMTP_URL is set. */
export function transportFromEnv(source?: EnvSource): MailTransport {
  const smtpUrl = env('SMTP_URL', source);
  const kind = env('MAIL_TRANSPORT', source) ?? (smtpUrl ? 'smtp' : 'console');
  if (kind === 'console') return consoleTransport();
  if (!smtpUrl) throw new Error('MAIL_TRANSPORT=smtp needs SMTP_URL (smtp://user:password@host:587 or smtps://host:465).');
  return smtpTransport(smtpUrl);
}

export function mailTransport(): MailTransport {
  if (!globalForMail.__portcullisMail) {
    globalForMail.__portcullisMail = transportFromEnv();
    if (globalForMail.__portcullisMail.name === 'console' && env('NODE_ENV') === 'production' && env('DATABASE_URL')) {
      log.warn('mail goes to the console (stdout), invitation links and sign-up codes included: set MAIL_TRANSPORT=smtp and SMTP_URL to send real email');
    }
  }
  return globalForMail.__portcullisMail;
}

/** For tests (a memory transport) and for the server to pick once at start-up. */
export function setMailTransport(transport: MailTransport | undefined): void {
  globalForMail.__portcullisMail = transport;
}

export function mailFrom(source?: EnvSource): string {
  return env('MAIL_FROM', source) ?? `Portcullis <no-reply@${new URL(publicUrl()).hostname}>`;
}

/**
 * Sends one message. Mail is sent after the change it announces has
 * committed; a failure is logged (without the body, which may hold a link
 * that works as a credential) and reported to the caller, never thrown.
 */
export async function sendMail(message: MailMessage): Promise<{ sent: boolean }> {
  const transport = mailTransport();
  try {
    await transport.send({ ...message, from: mailFrom() });
    return { sent: true };
  } catch (error) {
    log.error({ err: error instanceof Error ? { message: error.message, name: error.name } : String(error), transport: transport.name, subject: message.subject }, 'sending mail failed');
    return { sent: false };
  }
}
