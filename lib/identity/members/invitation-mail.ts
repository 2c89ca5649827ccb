import 'server-only';
import { escapeHtml } from '@/lib/platform/html';
import type { MailMessage } from '@/lib/platform/mail/transport';

export function invitationMail(input: { to: string; orgName: string; inviter: string; roleLabel: string; link: string; expiresAt: Date }): MailMessage {
  const expires = input.expiresAt.toUTCString();
  const text = [
    `${input.inviter} invited you to join ${input.orgName} on Portcullis as ${input.roleLabel}.`,
    '',
    'Accept the invitation:',
    input.link,
    '',
    `The link works once and expires on ${expires}. If you did not expect this invitation, ignore this email.`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;line-height:1.5">
<p>${escapeHtml(input.inviter)} invited you to join <strong>${escapeHtml(input.orgName)}</strong> on Portcullis as <strong>${escapeHtml(input.roleLabel)}</strong>.</p>
<p><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:8px 16px;background:#111;color:#fff;border-radius:6px;text-decoration:none">Accept the invitation</a></p>
<p style="color:#555;font-size:13px">Or open ${escapeHtml(input.link)}<br>The link works once and expires on ${escapeHtml(expires)}. If you did not expect this invitation, ignore this email.</p>
</body></html>`;
  return { to: input.to, subject: `You are invited to ${input.orgName} on Portcullis`, text, html };
}

/** The code someone new types on the invitation page to prove they read the invited mailbox. */
export function invitationCodeMail(input: { to: string; orgName: string; code: string; expiresAt: Date }): MailMessage {
  const minutes = Math.max(1, Math.round((input.expiresAt.getTime() - Date.now()) / 60_000));
  const text = [
    `Your code to create your Portcullis account and join ${input.orgName}:`,
    '',
    `    ${input.code}`,
    '',
    `Type it on the invitation page. It works once and expires in ${minutes} minutes.`,
    'Nobody from Portcullis or your team will ask you for it. If you did not ask for a code, ignore this email: no account is created without it.',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;line-height:1.5">
<p>Your code to create your Portcullis account and join <strong>${escapeHtml(input.orgName)}</strong>:</p>
<p style="font-size:24px;font-weight:600;letter-spacing:4px;font-family:ui-monospace,monospace">${escapeHtml(input.code)}</p>
<p style="color:#555;font-size:13px">Type it on the invitation page. It works once and expires in ${minutes} minutes.<br>Nobody from Portcullis or your team will ask you for it. If you did not ask for a code, ignore this email: no account is created without it.</p>
</body></html>`;
  return { to: input.to, subject: `Your code to join ${input.orgName} on Portcullis`, text, html };
}
