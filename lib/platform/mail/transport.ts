import 'server-only';
/**
 * Outgoing mail behind one small interface. Transports:
 *  - `console` (the default in development and the demo): prints each message
 *    to stdout, so a developer can follow an invitation link without a mail
 *    server. It prints secrets such as invitation links and codes: never use it in a
 *    real installation (a warning is logged when production uses it).
 *  - `smtp` (production): nodemailer over SMTP_URL (smtp:// or smtps://, with
 *    credentials in the URL if the relay needs them).
 *  - `memory`: keeps messages in an array, for tests.
 */

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface OutgoingMail extends MailMessage {
  from: string;
}

export interface MailTransport {
  readonly name: string;
  send(message: OutgoingMail): Promise<void>;
}

export function consoleTransport(write: (chunk: string) => void = (chunk) => process.stdout.write(chunk)): MailTransport {
  return {
    name: 'console',
    async send(message) {
      const rule = '─'.repeat(72);
      write(
        [
          rule,
          'MAIL (console transport: set MAIL_TRANSPORT=smtp and SMTP_URL to send real email)',
          `From: ${message.from}`,
          `To: ${message.to}`,
          `Subject: ${message.subject}`,
          '',
          message.text,
          rule,
          '',
        ].join('\n'),
      );
    },
  };
}

export interface MemoryTransport extends MailTransport {
  readonly sent: OutgoingMail[];
}

export function memoryTransport(): MemoryTransport {
  const sent: OutgoingMail[] = [];
  return {
    name: 'memory',
    sent,
    async send(message) {
      sent.push(message);
    },
  };
}
