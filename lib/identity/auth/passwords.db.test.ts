import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keyedHash } from '@/lib/platform/crypto/keyed-hash';
import { prisma } from '@/lib/platform/db/client';
import { RateLimitedError, UnauthorizedError, ValidationError } from '@/lib/platform/errors';
import { setMailTransport } from '@/lib/platform/mail/send';
import { smtpTransport } from '@/lib/platform/mail/smtp';
import type { MailTransport } from '@/lib/platform/mail/transport';
import { cliActor, type Actor } from './actor';
import { PROOF_SEND_LIMITS } from './mailbox-proof';
import { hashPassword, verifyPassword } from './password';
import { changePassword, PASSWORD_CHANGE_ATTEMPTS, PASSWORD_RESET_LINK_MINUTES, previewPasswordReset, requestPasswordReset, resetPassword } from './passwords';
import { loadSession } from './sessions';
import { signInWithPassword } from './sign-in';
import { createOrg, createUser, uniqueSlug, userActor } from '@/dev/testing/factories';
import { startMailSink, type MailSink } from '@/dev/testing/mail-sink';

// Mail goes through the real SMTP transport to a real SMTP server started here.
let sink: MailSink;
beforeAll(async () => {
  sink = await startMailSink();
});
beforeEach(() => {
  setMailTransport(smtpTransport(sink.url));
});
afterAll(async () => {
  setMailTransport(undefined);
  await sink.close();
});

const OLD = 'my old passphrase here';
const NEW = 'a brand new passphrase';
let oldHash: string;
beforeAll(async () => {
  oldHash = await hashPassword(OLD);
});

/** A client address of this run only: budgets outlive a run on a reused database. */
const client = () => ({ ip: `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`, userAgent: 'vitest' });
const address = (domain = 'example.test') => `${uniqueSlug('person')}@${domain}`;
const signIn = async (email: string, password = OLD) => {
  const result = await signInWithPassword({ email, password, ...client() });
  return result.ok === true ? result.sessionId : null;
};
const mailTo = (to: string, subject: RegExp) => sink.waitFor((mail) => mail.to.includes(to) && subject.test(mail.subject));
const linkIn = (text: string) => /\/reset-password\/(pcm_[0-9A-Za-z]{43})/.exec(text)?.[1];
const requests = (email: string) => prisma.auditEvent.findMany({ where: { action: 'auth.password_reset_request', actorLabel: email }, orderBy: { id: 'asc' } });

describe('password reset', () => {
  it('mails a single-use link; using it sets an acceptable password and ends every session', async () => {
    const user = await createUser({ email: address(), passwordHash: oldHash, staffRole: 'staff-support' });
    const sessions = [await signIn(user.email), await signIn(user.email)];

    expect(await requestPasswordReset({ email: user.email.toUpperCase() }, client())).toBeUndefined();
    const mail = await mailTo(user.email, /^Reset your Portcullis password$/);
    const token = linkIn(mail.text)!;
    expect(mail.text).toContain(`for ${PASSWORD_RESET_LINK_MINUTES} minutes`);
    const proof = await prisma.mailboxProof.findFirstOrThrow({ where: { purpose: 'password_reset', subjectId: user.id } });
    expect(proof.secretHash).toBe(keyedHash(token));
    expect(proof.expiresAt.getTime() - proof.createdAt.getTime()).toBeCloseTo(30 * 60_000, -4);
    const [requested] = await requests(user.email);
    expect(requested).toMatchObject({ actorId: null, targetId: user.id, metadata: { outcome: 'link_sent', mailboxProofId: proof.id } });
    expect(JSON.stringify({ ...requested, id: null })).not.toContain(token);
    expect(await previewPasswordReset(token)).toEqual({ email: user.email });

    // The password rule applies, says why, and does not spend the link.
    await expect(resetPassword({ token, password: 'password1234' })).rejects.toThrow(/too close to a commonly used password/);
    await expect(resetPassword({ token, password: user.email })).rejects.toThrow(/cannot be your email address/);
    const racers = await Promise.allSettled([resetPassword({ token, password: NEW }, client()), resetPassword({ token, password: NEW }, client())]);
    expect(racers.filter((r) => r.status === 'fulfilled')).toHaveLength(1);

    const stored = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword(NEW, stored.passwordHash!)).toBe(true);
    for (const id of sessions) expect(await loadSession(prisma, id!)).toBeNull();
    expect(await signIn(user.email, OLD)).toBeNull();
    expect(await signIn(user.email, NEW)).not.toBeNull();
    const done = await prisma.auditEvent.findMany({ where: { targetId: user.id, action: { in: ['auth.password_reset', 'auth.session_end'] } }, orderBy: { id: 'asc' } });
    expect(done.map((e) => [e.action, e.actorId])).toEqual([
      ['auth.password_reset', user.id],
      ['auth.session_end', user.id],
    ]);
    expect(done[1]!.metadata).toEqual({ reason: 'password_reset', sessionIds: expect.arrayContaining(sessions) });

    // Once only; and the owner hears of it.
    await expect(resetPassword({ token, password: 'another fine passphrase' })).rejects.toThrow('This reset link has expired or was already used.');
    expect(await previewPasswordReset(token)).toBeNull();
    await mailTo(user.email, /^Your Portcullis password was changed$/);
  });

  it('a link works for 30 minutes, for the address it was sent to, and a newer link ends the older', async () => {
    const user = await createUser({ email: address(), passwordHash: oldHash });
    await requestPasswordReset({ email: user.email }, client());
    const first = linkIn((await mailTo(user.email, /^Reset/)).text)!;
    await expect(resetPassword({ token: first, password: NEW }, {}, new Date(Date.now() + 31 * 60_000))).rejects.toThrow(/expired/);

    sink.messages.length = 0;
    await requestPasswordReset({ email: user.email }, client());
    const second = linkIn((await mailTo(user.email, /^Reset/)).text)!;
    expect(second).not.toBe(first);
    expect(await previewPasswordReset(first)).toBeNull();

    // A link to an address the account no longer has is void.
    await prisma.user.update({ where: { id: user.id }, data: { email: address() } });
    await expect(resetPassword({ token: second, password: NEW })).rejects.toThrow(/expired or was already used/);
    await expect(resetPassword({ token: 'pcm_not-a-token', password: NEW })).rejects.toBeInstanceOf(ValidationError);
  });

  it('answers the same, spends the same budgets and writes the same event for every address; SSO accounts get no link', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const domain = `${uniqueSlug('corp')}.test`;
    await prisma.orgDomain.create({ data: { orgId: org.id, domain, verificationToken: 'x', verifiedAt: new Date() } });
    await prisma.organization.update({ where: { id: org.id }, data: { ssoRequired: true } });
    const cases = {
      no_account: address(),
      sso_only: (await createUser({ email: address(), passwordHash: null })).email,
      sso_domain: (await createUser({ email: address(domain), passwordHash: oldHash })).email,
      disabled: (await prisma.user.update({ where: { id: (await createUser({ email: address(), passwordHash: oldHash })).id }, data: { disabledAt: new Date() } })).email,
      link_sent: (await createUser({ email: address(), passwordHash: oldHash })).email,
    };
    for (const [outcome, email] of Object.entries(cases)) {
      for (let i = 0; i < PROOF_SEND_LIMITS.perMailbox; i++) expect(await requestPasswordReset({ email }, client()), outcome).toBeUndefined();
      const refused = await requestPasswordReset({ email }, client()).catch((error: unknown) => error);
      expect(refused, outcome).toBeInstanceOf(RateLimitedError);
      expect((refused as Error).message, outcome).toMatch(/^Too many emails were requested\. Try again in \d+ minutes\.$/);
      const events = await requests(email);
      expect(events, outcome).toHaveLength(PROOF_SEND_LIMITS.perMailbox);
      expect((events[0]!.metadata as { outcome: string }).outcome, outcome).toBe(outcome === 'sso_domain' ? 'sso_only' : outcome);
    }
    expect(await prisma.mailboxProof.count({ where: { purpose: 'password_reset', email: { in: Object.values(cases) } } })).toBe(PROOF_SEND_LIMITS.perMailbox);
    // Accounts that sign in with SSO are told so, in their own mailbox; nothing goes to an address without an account.
    const sso = await mailTo(cases.sso_only, /single sign-on/);
    expect(linkIn(sso.text)).toBeUndefined();
    await mailTo(cases.sso_domain, /single sign-on/);
    await mailTo(cases.link_sent, /^Reset/);
    expect(sink.messages.some((mail) => mail.to.includes(cases.no_account) || mail.to.includes(cases.disabled))).toBe(false);
  });

  it('a link is refused once the account signs in with SSO only', async () => {
    const user = await createUser({ email: address(), passwordHash: oldHash });
    await requestPasswordReset({ email: user.email }, client());
    const token = linkIn((await mailTo(user.email, /^Reset/)).text)!;
    await prisma.user.update({ where: { id: user.id }, data: { passwordHash: null } });
    await expect(resetPassword({ token, password: NEW })).rejects.toThrow('Your account signs in with single sign-on and has no password to reset.');
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } })).passwordHash).toBeNull();
  });

  it('answers before the mail is delivered, so a slow mail server does not tell real accounts apart', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const delivered: string[] = [];
    const slow: MailTransport = {
      name: 'slow',
      async send(message) {
        await gate;
        delivered.push(message.to);
      },
    };
    setMailTransport(slow);
    const user = await createUser({ email: address(), passwordHash: oldHash });
    await requestPasswordReset({ email: user.email }, client());
    expect(delivered).toEqual([]);
    release();
    await expect.poll(() => delivered).toEqual([user.email]);
  });
});

describe('password change', () => {
  async function signedIn() {
    const user = await createUser({ email: address(), passwordHash: oldHash });
    const here = (await signIn(user.email))!;
    const elsewhere = (await signIn(user.email))!;
    const actor: Actor = { ...userActor(user), sessionId: here };
    return { user, here, elsewhere, actor };
  }

  it('needs the current password, applies the rule, and ends every other session', async () => {
    const { user, here, elsewhere, actor } = await signedIn();
    await expect(changePassword(actor, { currentPassword: 'not my password', newPassword: NEW })).rejects.toThrow('That is not your current password.');
    await expect(changePassword(actor, { currentPassword: OLD, newPassword: '123456789012' })).rejects.toThrow(/most common passwords/);
    await expect(changePassword(actor, { currentPassword: OLD, newPassword: OLD })).rejects.toThrow(/different from your current one/);
    expect(await loadSession(prisma, elsewhere)).not.toBeNull();

    await changePassword(actor, { currentPassword: OLD, newPassword: NEW });
    expect(await loadSession(prisma, here)).not.toBeNull();
    expect(await loadSession(prisma, elsewhere)).toBeNull();
    expect(await signIn(user.email, NEW)).not.toBeNull();
    const events = await prisma.auditEvent.findMany({ where: { targetId: user.id, action: { in: ['auth.password_change', 'auth.session_end'] } }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['auth.password_change', 'auth.session_end']);
    expect(events[1]!.metadata).toEqual({ reason: 'password_change', sessionIds: [elsewhere] });
    await mailTo(user.email, /^Your Portcullis password was changed$/);
  });

  it(`allows ${PASSWORD_CHANGE_ATTEMPTS} wrong current passwords per 15 minutes, counted before they are checked`, async () => {
    const { actor } = await signedIn();
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => changePassword(actor, { currentPassword: `guess number ${i}`, newPassword: NEW })));
    const reasons = results.map((r) => (r.status === 'rejected' ? (r.reason as Error).constructor.name : 'fulfilled'));
    expect(reasons.filter((r) => r === 'ValidationError')).toHaveLength(PASSWORD_CHANGE_ATTEMPTS);
    expect(reasons.filter((r) => r === 'RateLimitedError')).toHaveLength(12 - PASSWORD_CHANGE_ATTEMPTS);
    await expect(changePassword(actor, { currentPassword: OLD, newPassword: NEW })).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('is refused for SSO accounts and without a signed-in user', async () => {
    const sso = await createUser({ email: address(), passwordHash: null });
    await expect(changePassword(userActor(sso), { currentPassword: 'anything', newPassword: NEW })).rejects.toThrow(/single sign-on/);
    await expect(changePassword(cliActor(), { currentPassword: OLD, newPassword: NEW })).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
