import 'server-only';
import { escapeHtml } from '@/lib/platform/html';
import type { MailMessage } from '@/lib/platform/mail/transport';

function page(paragraphs: string[], footer: string): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;line-height:1.5">
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
<p style="color:#555;font-size:13px">${footer}</p>
</body></html>`;
}

/** The single-use link that lets the owner of the mailbox choose a new password. */
export function passwordResetMail(input: { to: string; link: string; minutes: number }): MailMessage {
  const footer = `The link works once, for ${input.minutes} minutes, and signs you out everywhere else. If you did not ask for it, ignore this email: your password stays as it is.`;
  const text = ['Someone (hopefully you) asked to reset the password of your Portcullis account.', '', 'Choose a new password:', input.link, '', footer].join('\n');
  const html = page(
    [
      'Someone (hopefully you) asked to reset the password of your Portcullis account.',
      `<a href="${escapeHtml(input.link)}" style="display:inline-block;padding:8px 16px;background:#111;color:#fff;border-radius:6px;text-decoration:none">Choose a new password</a>`,
    ],
    `Or open ${escapeHtml(input.link)}<br>${escapeHtml(footer)}`,
  );
  return { to: input.to, subject: 'Reset your Portcullis password', text, html };
}

/** The answer to a reset request for an account that signs in through its organization's SSO. */
export function passwordSsoOnlyMail(input: { to: string; signInUrl: string }): MailMessage {
  const text = [
    'Someone (hopefully you) asked to reset the password of your Portcullis account.',
    '',
    'Your account signs in with single sign-on, so it has no Portcullis password to reset. Sign in with SSO:',
    input.signInUrl,
    '',
    'If you did not ask for this, ignore this email.',
  ].join('\n');
  const html = page(
    [
      'Someone (hopefully you) asked to reset the password of your Portcullis account.',
      `Your account signs in with single sign-on, so it has no Portcullis password to reset. <a href="${escapeHtml(input.signInUrl)}">Sign in with SSO</a>.`,
    ],
    'If you did not ask for this, ignore this email.',
  );
  return { to: input.to, subject: 'Your Portcullis account uses single sign-on', text, html };
}

/** Sent after a password reset or change, so the owner learns of one they did not make. */
export function passwordChangedMail(input: { to: string; how: 'reset' | 'change'; at: Date; resetUrl: string }): MailMessage {
  const what = input.how === 'reset' ? 'was reset with a link sent to this address' : 'was changed from your account page';
  const text = [
    `The password of your Portcullis account ${what} on ${input.at.toUTCString()}.`,
    '',
    `If that was not you, reset it now and tell your administrator: ${input.resetUrl}`,
  ].join('\n');
  const html = page(
    [`The password of your Portcullis account ${escapeHtml(what)} on ${escapeHtml(input.at.toUTCString())}.`],
    `If that was not you, <a href="${escapeHtml(input.resetUrl)}">reset it now</a> and tell your administrator.`,
  );
  return { to: input.to, subject: 'Your Portcullis password was changed', text, html };
}
