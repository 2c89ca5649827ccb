import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { disconnectPrisma, prisma } from '@/lib/platform/db/client';
import { createScratchDatabase, type ScratchDatabase } from '@/dev/testing/scratch-db';
import { DEMO_CUSTOMERS, seedDemo } from './demo';

// The demo IdP needs Jackson; the story checked here does not.
vi.mock('@/lib/identity/sso/demo-idp', () => ({ DEMO_SSO_ORG: { slug: 'initech', domain: 'initech.test' }, seedDemoSso: async () => {} }));

// The seed writes fixed slugs (globex, …), so it gets a database of its own.
let scratch: ScratchDatabase;
let sharedUrl: string | undefined;
beforeAll(async () => {
  scratch = await createScratchDatabase();
  sharedUrl = process.env.DATABASE_URL;
  await disconnectPrisma();
  process.env.DATABASE_URL = scratch.url;
  await seedDemo();
}, 120_000);
afterAll(async () => {
  await disconnectPrisma();
  process.env.DATABASE_URL = sharedUrl;
  await scratch?.drop();
});

describe('the demo data tells one story', () => {
  it('every pull comes from a token of the pulling customer, valid and in scope when it succeeded', async () => {
    const events = await prisma.pullEvent.findMany({ select: { orgId: true, tokenId: true, repository: true, outcome: true, reason: true, occurredAt: true } });
    expect(events.length).toBeGreaterThan(0);
    const tokens = new Map((await prisma.registryToken.findMany({ include: { scopes: { include: { repository: { select: { name: true } } } } } })).map((t) => [t.id, t]));
    for (const event of events) {
      const token = tokens.get(event.tokenId ?? '');
      expect(token, `a ${event.outcome} pull without its token`).toBeDefined();
      expect(token!.orgId).toBe(event.orgId);
      expect(token!.createdAt.getTime()).toBeLessThanOrEqual(event.occurredAt.getTime());
      if (event.outcome === 'success') {
        expect(token!.expiresAt.getTime()).toBeGreaterThan(event.occurredAt.getTime());
        expect(token!.revokedAt).toBeNull();
        expect(token!.scopes.map((s) => s.repository.name)).toContain(event.repository);
      }
      if (event.reason === 'token expired') expect(token!.expiresAt.getTime()).toBeLessThanOrEqual(event.occurredAt.getTime());
    }
    // The gateway records each token's last use.
    for (const token of tokens.values()) {
      const used = events.filter((e) => e.tokenId === token.id && e.outcome !== 'unauthorized').map((e) => e.occurredAt.getTime());
      expect(token.lastUsedAt?.getTime() ?? null).toBe(used.length ? Math.max(...used) : null);
    }
  });

  it("Globex, the story's enterprise customer, has pulls and the token they came from", async () => {
    const globex = await prisma.organization.findUniqueOrThrow({ where: { slug: 'globex' }, include: { tokens: true } });
    expect(globex.tokens.length).toBeGreaterThan(0);
    expect(await prisma.pullEvent.count({ where: { orgId: globex.id, outcome: 'success' } })).toBeGreaterThan(0);
  });

  it('a customer pulls only with a repository grant, and one that pulled has tokens and the checklist ticks to show for it', async () => {
    for (const customer of DEMO_CUSTOMERS) {
      const org = await prisma.organization.findUniqueOrThrow({
        where: { slug: customer.slug },
        include: { repositoryGrants: { include: { repository: { select: { name: true } } } }, tokens: true, checklist: true },
      });
      const pulls = await prisma.pullEvent.findMany({ where: { orgId: org.id, outcome: 'success' }, select: { repository: true } });
      const granted = org.repositoryGrants.map((g) => g.repository.name);
      for (const pull of pulls) expect(granted, `${customer.slug} pulled ${pull.repository}`).toContain(pull.repository);
      const done = org.checklist.filter((i) => i.doneAt).map((i) => i.key);
      if (pulls.length > 0) {
        expect(org.tokens.length, `${customer.slug} pulled with no token`).toBeGreaterThan(0);
        expect(done).toEqual(expect.arrayContaining(['access_granted', 'first_pull']));
      } else {
        expect(done).not.toContain('first_pull');
      }
      if (granted.length === 0) {
        expect(org.tokens).toEqual([]);
        expect(await prisma.pullEvent.count({ where: { orgId: org.id } }), `${customer.slug} has no grant but pull events`).toBe(0);
      }
      // The rollup agrees with the events.
      const rolled = await prisma.pullDaily.aggregate({ where: { orgId: org.id }, _sum: { pulls: true } });
      expect(rolled._sum.pulls ?? 0).toBe(await prisma.pullEvent.count({ where: { orgId: org.id, outcome: 'success', counted: true } }));
    }
  });
});
