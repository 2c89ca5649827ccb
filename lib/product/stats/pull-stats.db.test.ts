import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { PullEventWriter } from '@/lib/product/gateway/pull-log';
import { rebuildPullDaily } from './rollup';
import { runCli } from '@/dev/testing/cli';
import { createMember, createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { getPullStats } from './pull-stats';

// Events on days in 2001 so that other tests' pulls (today) never mix in.
const at = (day: number, hh: number, mm = 0, ss = 0) => new Date(Date.UTC(2001, 2, day, hh, mm, ss));
const RANGE = { from: '2001-03-01', to: '2001-03-31' };

async function seed() {
  const repository = `${uniqueSlug('stats')}/app`;
  const a = await createOrg();
  const b = await createOrg();
  const silent = await createOrg();
  const writer = new PullEventWriter(prisma, { flushIntervalMs: 3_600_000 });
  const base = { orgId: a.id, tokenId: `tok-${a.id}`, repository, clientIp: '192.0.2.1', userAgent: 'docker/27' };
  const d1 = 'sha256:' + '1'.repeat(64);
  const d2 = 'sha256:' + '2'.repeat(64);
  // docker: HEAD then GET of the same tag is one pull.
  writer.record({ ...base, reference: 'v1', method: 'HEAD', outcome: 'success', digest: d1, occurredAt: at(10, 9) });
  writer.record({ ...base, reference: 'v1', method: 'GET', outcome: 'success', digest: d1, occurredAt: at(10, 9, 0, 1) });
  // The platform manifest of that pull, by digest, right after: still one pull.
  writer.record({ ...base, reference: d2, method: 'GET', outcome: 'success', digest: d2, occurredAt: at(10, 9, 0, 2) });
  // Pulled again later: a second pull.
  writer.record({ ...base, reference: 'v1', method: 'GET', outcome: 'success', digest: d1, occurredAt: at(10, 15) });
  // Upgrade on another day.
  writer.record({ ...base, reference: 'v2', method: 'GET', outcome: 'success', digest: d2, occurredAt: at(12, 8) });
  writer.record({ ...base, reference: 'v2', method: 'GET', outcome: 'unauthorized', reason: 'token revoked', occurredAt: at(12, 9) });
  writer.record({ ...base, orgId: b.id, tokenId: `tok-${b.id}`, reference: 'v1', method: 'GET', outcome: 'success', digest: d1, occurredAt: at(11, 8) });
  writer.record({ ...base, orgId: b.id, tokenId: `tok-${b.id}`, reference: 'v1', method: 'GET', outcome: 'denied', reason: 'repository not in token scope', occurredAt: at(11, 9) });
  writer.record({ ...base, orgId: null, tokenId: null, username: 'nobody', reference: 'v1', method: 'GET', outcome: 'rate_limited', reason: 'too many failed logins', occurredAt: at(11, 10) });
  writer.record({ ...base, reference: 'nope', method: 'GET', outcome: 'not_found', occurredAt: at(12, 10) });
  await writer.close();
  return { repository, a, b, silent };
}

describe('pull statistics', () => {
  it('counts de-duplicated pulls per day, customer, image and tag from the rollup', async () => {
    const { repository, a, b, silent } = await seed();
    const { actor } = await createStaff('staff-billing');
    const forA = await getPullStats(actor, { ...RANGE, orgId: a.id });
    expect(forA.org).toMatchObject({ id: a.id });
    expect(forA.totals).toMatchObject({ pulls: 3, successfulRequests: 5, denials: 1, errors: 1 });
    expect(forA.series.find((d) => d.day === '2001-03-10')).toEqual({ day: '2001-03-10', pulls: 2, denials: 0 });
    expect(forA.series.find((d) => d.day === '2001-03-12')).toEqual({ day: '2001-03-12', pulls: 1, denials: 1 });
    expect(forA.series).toHaveLength(31);
    expect(forA.topTags).toEqual([
      { repository, reference: 'v1', pulls: 2, customers: 1 },
      { repository, reference: 'v2', pulls: 1, customers: 1 },
    ]);
    expect(forA.adoption.map((r) => r.reference)).toEqual(['v2', 'v1']);
    expect(forA.recentDenials).toHaveLength(1);
    expect(forA.recentDenials[0]).toMatchObject({ reason: 'token revoked', orgName: a.name });
    // Its own counted pulls, newest first; never another customer's.
    expect(forA.recentPulls.map((p) => [p.reference, p.occurredAt.toISOString()])).toEqual([
      ['v2', at(12, 8).toISOString()],
      ['v1', at(10, 15).toISOString()],
      ['v1', at(10, 9, 0, 0).toISOString()],
    ]);
    expect(forA.recentPulls.every((p) => p.repository === repository)).toBe(true);
    expect((await getPullStats(actor, { ...RANGE, orgId: b.id })).recentPulls.map((p) => p.reference)).toEqual(['v1']);

    const all = await getPullStats(actor, { ...RANGE, limit: 500 });
    const mine = all.customers.filter((c) => [a.id, b.id].includes(c.orgId));
    expect(mine.map((c) => [c.orgId, c.pulls, c.denials])).toEqual([
      [a.id, 3, 1],
      [b.id, 1, 1],
    ]);
    expect(all.topImages.find((i) => i.repository === repository)).toEqual({ repository, pulls: 4, customers: 2 });
    expect(all.recentPulls).toEqual([]);
    expect(all.recentDenials.filter((d) => d.repository === repository).map((d) => d.outcome)).toEqual(['unauthorized', 'rate_limited', 'denied']);
    const neverIds = (await getPullStats(actor, { ...RANGE, limit: 500 })).neverPulled.map((o) => o.orgId);
    expect(neverIds).toContain(silent.id);
    expect(neverIds).not.toContain(a.id);
  });

  it('keeps the incremental rollup equal to a rebuild from the events', async () => {
    const { repository } = await seed();
    const snapshot = () =>
      prisma.pullDaily.findMany({ where: { repository }, orderBy: [{ day: 'asc' }, { orgId: 'asc' }, { reference: 'asc' }, { outcome: 'asc' }] });
    const incremental = await snapshot();
    await rebuildPullDaily(new Date(RANGE.from), new Date('2001-04-01'));
    expect(await snapshot()).toEqual(incremental);
  });

  it('lets a customer\'s members with pulls.view see their own numbers only', async () => {
    const { a, b } = await seed();
    const { actor: viewer } = await createMember(a.id, 'viewer');
    expect((await getPullStats(viewer, { ...RANGE, orgId: a.id })).totals.pulls).toBe(3);
    await expect(getPullStats(viewer, { ...RANGE, orgId: b.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(getPullStats(viewer, RANGE)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses bad ranges with a clear error', async () => {
    const { actor } = await createStaff('staff-support');
    await expect(getPullStats(actor, { from: '2001-03-10', to: '2001-03-01' })).rejects.toThrow(ValidationError);
    await expect(getPullStats(actor, { from: '2000-01-01', to: '2001-03-01' })).rejects.toThrow(/at most 366 days/);
    await expect(getPullStats(actor, { from: '10/03/2001' })).rejects.toThrow(/2026-01-31/);
  });

  it('prints the same numbers from `portcullis stats`', async () => {
    const { a } = await seed();
    const json = await runCli(['stats', a.slug, '--from', RANGE.from, '--to', RANGE.to, '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { totals: { pulls: number; denials: number } };
    expect(parsed.totals).toMatchObject({ pulls: 3, denials: 1 });
    const text = await runCli(['stats', a.slug, '--from', RANGE.from, '--to', RANGE.to]);
    expect(text.stdout).toMatch(/Pulls:\s+3/);
    expect(text.stdout).toMatch(/v2 \(1\), v1 \(2\)/);
    const unknown = await runCli(['stats', 'no-such-customer']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No customer with slug "no-such-customer"/);
    const badDays = await runCli(['stats', '--days', 'x']);
    expect(badDays.code).toBe(1);
  });
});
