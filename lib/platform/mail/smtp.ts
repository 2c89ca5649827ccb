import 'server-only';
import type { Transporter } from 'nodemailer';
import type { MailTransport } from './transport';

/**
 * SMTP through nodemailer; `url` is smtp://user:pass@host:port or smtps://… (implicit TLS).
 * nodemailer is loaded on the first send: the gateway process mails rarely
 * (quota notices) and would otherwise carry it (~4 MB) from start-up.
 */
export function smtpTransport(url: string, options: { timeoutMs?: number } = {}): MailTransport {
  const timeout = options.timeoutMs ?? 15_000;
  let transporter: Promise<Transporter> | undefined;
  return {
    name: 'smtp',
    async send(message) {
      transporter ??= import('nodemailer').then(({ default: nodemailer }) =>
        nodemailer.createTransport({ url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } as Parameters<typeof nodemailer.createTransport>[0]),
      );
      await (await transporter).sendMail({ from: message.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
  };
}
