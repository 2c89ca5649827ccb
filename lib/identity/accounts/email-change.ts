import 'server-only';
import { z } from 'zod';
import { emailField } from '@/lib/platform/form-fields';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { checkMailboxCode, issueMailboxProof, useMailboxProof } from '@/lib/identity/auth/mailbox-proof';
import { canChangePassword } from '@/lib/identity/auth/passwords';
import { ssoRequiredFor } from '@/lib/identity/auth/sign-in';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, ValidationError } from '@/lib/platform/errors';
import { sendMail } from '@/lib/platform/mail/send';
import { emailChangedMail, emailChangeCodeMail } from './mail';
import { confirmItIsThem, ownAccount } from './reauth';

/**
 * Changing one's own email address on /account. The current password first
 * (a stolen session alone cannot move the account to another mailbox), then
 * a code mailed to the NEW address (lib/identity/auth/mailbox-proof.ts, purpose
 * 'email_change', bound to the account and that address); the address
 * changes only when the code is typed back, and the old address is told.
 * Accounts without a password (SSO only) cannot: their IdP owns the address.
 */

export const EMAIL_CHANGE_CODE_MINUTES = 15;

const newEmailField = emailField('Enter the new address.');

export const requestEmailChangeSchema = z.object({
  newEmail: newEmailField,
  password: z.string().min(1, 'Enter your current password.').max(1024),
});

export const confirmEmailChangeSchema = z.object({
  newEmail: newEmailField,
  code: z.string().trim().min(1, 'Enter the code we emailed to the new address.').max(32),
});

const SSO_ONLY = 'You sign in with single sign-on, so your organization\'s identity provider owns your email address. Ask your administrator to change it there.';

async function assertAvailable(newEmail: string, current: string, staff: boolean) {
  if (newEmail === current) throw ValidationError.field('newEmail', 'That is already your address.');
  const taken = await prisma.user.findUnique({ where: { email: newEmail }, select: { id: true } });
  if (taken) throw new ConflictError(`${newEmail} is already used by another Portcullis account. Choose another address.`, 'newEmail');
  if (!staff && (await ssoRequiredFor(newEmail))) {
    throw ValidationError.field('newEmail', `${newEmail.split('@')[1]} signs in with single sign-on; a password account cannot move there.`);
  }
}

/** Checks the password and the new address, then mails a code to the new address (never shown here). */
export async function requestEmailChange(actor: Actor, input: z.input<typeof requestEmailChangeSchema>, now = new Date()) {
  const user = await ownAccount(actor);
  if (!(await canChangePassword(actor))) throw new ValidationError(SSO_ONLY);
  const data = requestEmailChangeSchema.parse(input);
  if (data.newEmail === user.email) throw ValidationError.field('newEmail', 'That is already your address.');
  // The password first: only the account's owner learns whether an address is taken.
  await confirmItIsThem(actor, user, { password: data.password });
  await assertAvailable(data.newEmail, user.email, !!user.staffRole);
  const proof = await issueMailboxProof(
    { purpose: 'email_change', subjectId: user.id, email: data.newEmail, format: 'code', ttlMinutes: EMAIL_CHANGE_CODE_MINUTES, ip: actor.ip ?? null },
    (tx, issued) =>
      recordAudit(tx, actor, {
        action: 'account.email_change_request',
        target: { type: 'user', id: user.id },
        metadata: { from: user.email, to: data.newEmail, mailboxProofId: issued.id, expiresAt: issued.expiresAt },
      }),
    now,
  );
  const { sent } = await sendMail(emailChangeCodeMail({ to: data.newEmail, from: user.email, code: proof.secret, minutes: EMAIL_CHANGE_CODE_MINUTES }));
  return { newEmail: data.newEmail, expiresAt: proof.expiresAt, mailed: sent };
}

/** With the code from the new mailbox, the address changes; the old address gets a note. */
export async function confirmEmailChange(actor: Actor, input: z.input<typeof confirmEmailChangeSchema>, now = new Date()) {
  const user = await ownAccount(actor);
  if (!(await canChangePassword(actor))) throw new ValidationError(SSO_ONLY);
  const data = confirmEmailChangeSchema.parse(input);
  await assertAvailable(data.newEmail, user.email, !!user.staffRole);
  const proof = await checkMailboxCode({ purpose: 'email_change', subjectId: user.id, email: data.newEmail, code: data.code }, now);
  await prisma.$transaction(async (tx) => {
    await useMailboxProof(tx, proof, now);
    // Conditional on the address just read, and the unique index decides a race for the new one.
    const taken = await tx.user.findUnique({ where: { email: data.newEmail }, select: { id: true } });
    if (taken) throw new ConflictError(`${data.newEmail} is already used by another Portcullis account. Choose another address.`, 'newEmail');
    const changed = await tx.user.updateMany({ where: { id: user.id, email: user.email }, data: { email: data.newEmail } });
    if (changed.count !== 1) throw new ConflictError('Your address was just changed elsewhere. Reload the page.');
    await recordAudit(tx, { ...actor, label: data.newEmail }, {
      action: 'account.email_change',
      target: { type: 'user', id: user.id },
      before: { email: user.email },
      after: { email: data.newEmail },
      metadata: { mailboxProofId: proof.id },
    });
  });
  await sendMail(emailChangedMail({ to: user.email, newEmail: data.newEmail, at: now }));
  return { email: data.newEmail };
}
