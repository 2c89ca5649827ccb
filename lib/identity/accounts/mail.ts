import 'server-only';
import { escapeHtml } from '@/lib/platform/html';
import type { MailMessage } from '@/lib/platform/mail/transport';

function page(paragraphs: string[], footer: string): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;line-height:1.5">
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
<p style="color:#555;font-size:13px">${footer}</p>
</body></html>`;
}

/** The code that proves the new address's mailbox, sent to the new address only. */
export function emailChangeCodeMail(input: { to: string; from: string; code: string; minutes: number }): MailMessage {
  const footer = `The code works once, for ${input.minutes} minutes. If you did not ask for this, ignore this email: nothing changes.`;
  const text = [
    `Someone signed in as ${input.from} on Portcullis asked to change that account's email address to this one.`,
    '',
    'Type this code on your account page to confirm:',
    '',
    `    ${input.code}`,
    '',
    footer,
  ].join('\n');
  const html = page(
    [
      `Someone signed in as ${escapeHtml(input.from)} on Portcullis asked to change that account's email address to this one.`,
      `Type this code on your account page to confirm: <strong style="font-size:20px;letter-spacing:2px">${escapeHtml(input.code)}</strong>`,
    ],
    escapeHtml(footer),
  );
  return { to: input.to, subject: 'Confirm your new Portcullis email address', text, html };
}

/** Sent to the old address once the change is made, so its owner learns of one they did not make. */
export function emailChangedMail(input: { to: string; newEmail: string; at: Date }): MailMessage {
  const text = [
    `The email address of your Portcullis account was changed from ${input.to} to ${input.newEmail} on ${input.at.toUTCString()}.`,
    '',
    'If that was not you, tell your administrator at once: whoever made the change signs in with the new address.',
  ].join('\n');
  const html = page(
    [`The email address of your Portcullis account was changed from ${escapeHtml(input.to)} to ${escapeHtml(input.newEmail)} on ${escapeHtml(input.at.toUTCString())}.`],
    'If that was not you, tell your administrator at once: whoever made the change signs in with the new address.',
  );
  return { to: input.to, subject: 'Your Portcullis email address was changed', text, html };
}
