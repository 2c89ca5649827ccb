import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordAudit } from '@/lib/identity/audit/record';
import { systemActor } from '@/lib/identity/auth/actor';
import { keyedHash } from '@/lib/platform/crypto/keyed-hash';
import { prisma } from '@/lib/platform/db/client';
import { RateLimitedError, ValidationError } from '@/lib/platform/errors';
import { uniqueSlug } from '@/dev/testing/factories';
import { checkMailboxCode, checkMailboxLink, issueMailboxProof, PROOF_SEND_LIMITS, useMailboxProof, type MailboxProofPurpose } from './mailbox-proof';

const mailbox = () => `${uniqueSlug('mailbox')}@example.test`;
const issue = (input: { purpose?: MailboxProofPurpose; subjectId?: string; email: string; format: 'code' | 'link'; ttlMinutes?: number; ip?: string | null }, now?: Date) =>
  issueMailboxProof(
    { purpose: input.purpose ?? 'password_reset', subjectId: input.subjectId ?? randomUUID(), ttlMinutes: 30, ip: null, ...input },
    (tx, proof) => recordAudit(tx, systemActor('mailbox-proof test'), { action: 'test.mailbox_proof', target: { type: 'mailbox_proof', id: proof.id } }),
    now,
  );

describe('mailbox proofs', () => {
  it('a link token finds its proof once, only for its purpose, only until it expires', async () => {
    const email = mailbox();
    const subjectId = randomUUID();
    const { secret, id } = await issue({ email, subjectId, format: 'link' });
    expect(secret).toMatch(/^pcm_[0-9A-Za-z]{43}$/);
    const stored = await prisma.mailboxProof.findUniqueOrThrow({ where: { id } });
    expect(stored.secretHash).toBe(keyedHash(secret));
    expect(JSON.stringify(stored)).not.toContain(secret);
    // The audit event is written with the proof, and names it without its secret.
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'test.mailbox_proof', targetId: id } });
    expect(JSON.stringify({ ...event, id: null })).not.toContain(secret);

    expect(await checkMailboxLink({ purpose: 'email_change', token: secret })).toBeNull();
    expect(await checkMailboxLink({ purpose: 'password_reset', token: `${secret.slice(0, -1)}x` })).toBeNull();
    expect(await checkMailboxLink({ purpose: 'password_reset', token: secret }, new Date(Date.now() + 31 * 60_000))).toBeNull();
    const proof = await checkMailboxLink({ purpose: 'password_reset', token: secret });
    expect(proof).toEqual({ id, subjectId, email });

    // Two requests with the same link act once.
    const uses = await Promise.allSettled([0, 1].map(() => prisma.$transaction((tx) => useMailboxProof(tx, proof!))));
    expect(uses.filter((u) => u.status === 'fulfilled')).toHaveLength(1);
    expect(await checkMailboxLink({ purpose: 'password_reset', token: secret })).toBeNull();
  });

  it('a code is bound to its purpose, subject and address; a newer one ends the older', async () => {
    const email = mailbox();
    const subjectId = randomUUID();
    const first = await issue({ purpose: 'invitation', email, subjectId, format: 'code' });
    expect(first.secret).toMatch(/^\d{8}$/);
    await expect(checkMailboxCode({ purpose: 'invitation', subjectId: randomUUID(), email, code: first.secret })).rejects.toBeInstanceOf(ValidationError);
    await expect(checkMailboxCode({ purpose: 'invitation', subjectId, email: mailbox(), code: first.secret })).rejects.toBeInstanceOf(ValidationError);
    await expect(checkMailboxCode({ purpose: 'email_change', subjectId, email, code: first.secret })).rejects.toBeInstanceOf(ValidationError);
    await expect(checkMailboxCode({ purpose: 'invitation', subjectId, email, code: 'abc' })).rejects.toThrow(/Enter the code/);

    const second = await issue({ purpose: 'invitation', email: email.toUpperCase(), subjectId, format: 'code' });
    await expect(checkMailboxCode({ purpose: 'invitation', subjectId, email, code: first.secret })).rejects.toThrow(/not right/);
    const checked = await checkMailboxCode({ purpose: 'invitation', subjectId, email, code: second.secret });
    expect(checked.id).toBe(second.id);
    await prisma.$transaction((tx) => useMailboxProof(tx, checked));
    await expect(checkMailboxCode({ purpose: 'invitation', subjectId, email, code: second.secret })).rejects.toThrow(/expired/);
  });

  it('an expired code is refused', async () => {
    const email = mailbox();
    const subjectId = randomUUID();
    const past = new Date(Date.now() - 16 * 60_000);
    const { secret } = await issue({ purpose: 'invitation', email, subjectId, format: 'code', ttlMinutes: 15 }, past);
    await expect(checkMailboxCode({ purpose: 'invitation', subjectId, email, code: secret })).rejects.toThrow(/expired/);
  });

  it('limits sending per address and per client, and a refused send stores nothing', async () => {
    const email = mailbox();
    for (let i = 0; i < PROOF_SEND_LIMITS.perMailbox; i++) await issue({ email, format: 'link' });
    await expect(issue({ email, format: 'link' })).rejects.toBeInstanceOf(RateLimitedError);
    expect(await prisma.mailboxProof.count({ where: { email } })).toBe(PROOF_SEND_LIMITS.perMailbox);

    const ip = `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250)).join('.')}`;
    const sends = await Promise.allSettled(Array.from({ length: PROOF_SEND_LIMITS.perClient + 5 }, () => issue({ email: mailbox(), format: 'code', ip })));
    expect(sends.filter((s) => s.status === 'fulfilled')).toHaveLength(PROOF_SEND_LIMITS.perClient);
    expect(sends.filter((s) => s.status === 'rejected').every((s) => s.reason instanceof RateLimitedError)).toBe(true);
  });
});
