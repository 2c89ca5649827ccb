import { escapeHtml } from '@/lib/html';
import type { MailMessage } from '@/lib/mail/transport';

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
