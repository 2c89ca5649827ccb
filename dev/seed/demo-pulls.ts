import { prisma, type Prisma } from '@/lib/platform/db/client';
import { rebuildPullDaily } from '@/lib/product/stats/rollup';
import { markOnboardingItem } from '@/lib/identity/onboarding/items';
import { DAY } from '@/lib/platform/time';

/**
 * Four weeks of plausible pull history for the demo customers, so the
 * statistics pages have something to show: Globex upgrades from 4.1.3 to
 * 4.2.0 half way, Initech stays on 4.1.3 and has a stale token in a CI job,
 * Umbrella Health never pulls. Written as events plus their rollup.
 */
/** The demo repository seeded in dev/seed/demo.ts. */
export const DEMO_REPOSITORY = 'vendor/product-enterprise';

export async function seedDemoPulls(now = new Date()): Promise<number> {
  const orgs = await prisma.organization.findMany({ where: { slug: { in: ['globex', 'initech'] } }, select: { id: true, slug: true } });
  const bySlug = new Map(orgs.map((o) => [o.slug, o.id]));
  const events: Prisma.PullEventCreateManyInput[] = [];
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let daysAgo = 27; daysAgo >= 0; daysAgo--) {
    const day = new Date(now.getTime() - daysAgo * DAY);
    const at = (hour: number) => new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour, Math.floor(random() * 60)));
    const push = (slug: string, reference: string, hour: number, outcome = 'success', reason: string | null = null, repository = DEMO_REPOSITORY) => {
      const orgId = bySlug.get(slug);
      if (!orgId) return;
      const occurredAt = at(hour);
      if (occurredAt > now) return;
      events.push({
        occurredAt,
        orgId,
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
    if (daysAgo < 6) push('initech', '4.1.3', 3, 'unauthorized', 'token expired');
    if (daysAgo === 2) push('initech', 'latest', 11, 'denied', 'repository not in token scope', 'vendor/product-enterprise-debug');
  }
  if (events.length === 0) return 0;
  await prisma.$transaction(async (tx) => {
    await tx.pullEvent.createMany({ data: events });
    for (const orgId of new Set(events.filter((e) => e.outcome === 'success').map((e) => e.orgId!))) await markOnboardingItem(tx, orgId, 'first_pull', 'gateway');
  });
  await rebuildPullDaily(new Date(now.getTime() - 28 * DAY), new Date(now.getTime() + DAY));
  return events.length;
}
