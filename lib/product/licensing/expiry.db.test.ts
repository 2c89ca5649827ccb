import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { DAY } from '@/lib/platform/time';
import { createOrg, createStaff } from '@/dev/testing/factories';
import { expiringLicenses, expiringSoon } from './expiry';
import { issueLicense } from './issue';

const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

describe('expiring licenses', () => {
  it('lists licenses that run out in the window, soonest first, without renewed customers or deactivated ones', async () => {
    const { actor } = await createStaff('staff-admin');
    const soon = await createOrg({ tier: 'team' });
    const later = await createOrg({ tier: 'team' });
    const renewed = await createOrg({ tier: 'team' });
    const gone = await createOrg({ tier: 'team' });
    const { license: soonLicense } = await issueLicense(actor, { orgId: soon.id, expiresAt: day(5) });
    const { license: laterLicense } = await issueLicense(actor, { orgId: later.id, expiresAt: day(20) });
    await issueLicense(actor, { orgId: renewed.id, expiresAt: day(10) });
    await issueLicense(actor, { orgId: renewed.id, expiresAt: day(300) });
    await issueLicense(actor, { orgId: gone.id, expiresAt: day(10) });
    await prisma.organization.update({ where: { id: gone.id }, data: { status: 'deactivated' } });

    const ours = new Set([soon.id, later.id, renewed.id, gone.id]);
    const listed = (await expiringLicenses(prisma, 30)).filter((row) => ours.has(row.org.id));
    expect(listed.map((row) => row.id)).toEqual([soonLicense.id, laterLicense.id]);
    expect(listed[0]).toMatchObject({ org: { slug: soon.slug }, tier: 'team' });
    expect(listed[0]!.daysLeft).toBeGreaterThanOrEqual(4);

    const page = await expiringSoon(actor, 30);
    expect(page.licenses.filter((row) => ours.has(row.org.id)).map((row) => row.id)).toEqual([soonLicense.id, laterLicense.id]);
  });
});
