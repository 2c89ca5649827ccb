import { systemActor } from '@/lib/identity/auth/actor';
import { prisma, type Prisma } from '@/lib/platform/db/client';
import { mintToken } from '@/lib/product/registry/tokens';
import { rebuildPullDaily } from '@/lib/product/stats/rollup';
import { markOnboardingItem } from '@/lib/identity/onboarding/items';
import { DAY } from '@/lib/platform/time';

/**
 * Four weeks of plausible pull history for the demo customers, so the
 * statistics pages have something to show: Globex upgrades from 4.1.3 to
 * 4.2.0 half way, Initech stays on 4.1.3 and has a stale token in a CI job,
 * Umbrella Health and Hooli (no repository grant) never pull. Every pull
 * comes from a token the customer has (minted before the history starts, so
 * the Tokens tabs, the checklist and the statistics tell one story). Written
 * as tokens, events and their rollup.
 */
/** The demo repository seeded in dev/seed/demo.ts. */
export const DEMO_REPOSITORY = 'vendor/product-enterprise';

/** The tokens the history's pulls present; Initech's CI job keeps using one that expired 6 days ago. */
export const DEMO_TOKENS = [
  { key: 'globex', org: 'globex', name: 'production cluster', mintedDaysAgo: 30 },
  { key: 'initech', org: 'initech', name: 'production cluster', mintedDaysAgo: 30 },
  { key: 'initech-ci', org: 'initech', name: 'ci runner', mintedDaysAgo: 40, expiresInDays: 34 },
] as const;
type DemoTokenKey = (typeof DEMO_TOKENS)[number]['key'];

async function mintDemoTokens(now: Date): Promise<Map<DemoTokenKey, { id: string; orgId: string }>> {
  const actor = systemActor('seed');
  const repository = await prisma.repository.findUniqueOrThrow({ where: { name: DEMO_REPOSITORY }, select: { id: true } });
  const tokens = new Map<DemoTokenKey, { id: string; orgId: string }>();
  for (const token of DEMO_TOKENS) {
    const org = await prisma.organization.findUnique({ where: { slug: token.org }, select: { id: true } });
    if (!org) continue;
    const mintedAt = new Date(now.getTime() - token.mintedDaysAgo * DAY);
    const expiresInDays = 'expiresInDays' in token ? token.expiresInDays : undefined;
    const { record } = await mintToken(actor, { orgId: org.id, name: token.name, repositoryIds: [repository.id], expiresInDays }, mintedAt);
    await prisma.registryToken.update({ where: { id: record.id }, data: { createdAt: mintedAt } });
    tokens.set(token.key, { id: record.id, orgId: org.id });
  }
  return tokens;
}

export async function seedDemoPulls(now = new Date()): Promise<number> {
  const tokens = await mintDemoTokens(now);
  const events: Prisma.PullEventCreateManyInput[] = [];
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let daysAgo = 27; daysAgo >= 0; daysAgo--) {
    const day = new Date(now.getTime() - daysAgo * DAY);
    const at = (hour: number) => new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour, Math.floor(random() * 60)));
    const push = (key: DemoTokenKey, reference: string, hour: number, outcome = 'success', reason: string | null = null, repository = DEMO_REPOSITORY) => {
      const token = tokens.get(key);
      if (!token) return;
      const slug = DEMO_TOKENS.find((t) => t.key === key)!.org;
      const occurredAt = at(hour);
      if (occurredAt > now) return;
      events.push({
        occurredAt,
        orgId: token.orgId,
        tokenId: token.id,
        username: slug,
        repository,
        reference,
        digest: outcome === 'success' ? `sha256:${Buffer.from(reference).toString('hex').padEnd(64, '0')}` : null,
        method: 'GET',
        outcome,
        reason,
        counted: outcome === 'success',
        clientIp: slug === 'globex' ? '198.51.100.20' : '203.0.113.44',
        userAgent: 'containerd/1.7.24',
      });
    };
    const globexTag = daysAgo > 13 ? '4.1.3' : '4.2.0';
    for (let i = 0, n = 2 + Math.floor(random() * 5); i < n; i++) push('globex', globexTag, 6 + i * 2);
    if (daysAgo % 3 === 0) push('globex', '4.2.0-rc.1', 15);
    for (let i = 0, n = Math.floor(random() * 3); i < n; i++) push('initech', '4.1.3', 9 + i * 3);
    // The CI job pulls nightly with its own token, which expired 6 days ago; nobody has updated the job.
    if (daysAgo < 6) push('initech-ci', '4.1.3', 3, 'unauthorized', 'token expired');
    else if (daysAgo > 6) push('initech-ci', '4.1.3', 3);
    if (daysAgo === 2) push('initech', 'latest', 11, 'denied', 'repository not in token scope', 'vendor/product-enterprise-debug');
  }
  if (events.length === 0) return 0;
  await prisma.$transaction(async (tx) => {
    await tx.pullEvent.createMany({ data: events });
    // What the gateway's pull log keeps: each token's last use.
    for (const token of tokens.values()) {
      const used = events.filter((e) => e.tokenId === token.id && e.outcome !== 'unauthorized');
      const last = used.reduce<(typeof used)[number] | undefined>((latest, e) => (!latest || e.occurredAt! > latest.occurredAt! ? e : latest), undefined);
      if (last) await tx.registryToken.update({ where: { id: token.id }, data: { lastUsedAt: last.occurredAt, lastUsedIp: last.clientIp } });
    }
    for (const orgId of new Set(events.filter((e) => e.outcome === 'success').map((e) => e.orgId!))) await markOnboardingItem(tx, orgId, 'first_pull', 'gateway');
  });
  await rebuildPullDaily(new Date(now.getTime() - 28 * DAY), new Date(now.getTime() + DAY));
  return events.length;
}
