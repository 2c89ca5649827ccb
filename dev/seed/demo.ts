import { recordAudit } from '@/lib/identity/audit/record';
import { systemActor, type Actor } from '@/lib/identity/auth/actor';
import { storeConfirmedTotp } from '@/lib/identity/auth/mfa';
import { hashPassword } from '@/lib/identity/auth/password';
import { prisma, type Db } from '@/lib/platform/db/client';
import { seedDemoPulls } from '@/dev/seed/demo-pulls';
import { DEMO_SSO_ORG, seedDemoSso } from '@/lib/identity/sso/demo-idp';
import { setFeatureOverride } from '@/lib/product/features/flags';
import { initialTier } from '@/lib/product/billing/staff';
import { issueLicenseTx } from '@/lib/product/licensing/issue';
import { DAY } from '@/lib/platform/time';

/**
 * Demo data for `npm run demo` (and the e2e suite): staff in each role and a
 * few customers, one with a password owner so the portal can be tried. Runs
 * once per database; later runs leave the data as the user changed it.
 */
export const DEMO_PASSWORD = 'portcullis-demo';

/**
 * Staff must use two-factor authentication, so the demo's staff have it, with
 * this published key: add it to an authenticator app, or `oathtool --totp -b KEY`.
 * A demo secret, never for a real account.
 */
export const DEMO_TOTP_SECRET = 'PORTCULLISDEMOSECRETKEYFORSTAFF2';

export const DEMO_STAFF = [
  { email: 'admin@portcullis.test', name: 'Ada Admin', staffRole: 'staff-admin' },
  { email: 'support@portcullis.test', name: 'Sam Support', staffRole: 'staff-support' },
  { email: 'billing@portcullis.test', name: 'Bea Billing', staffRole: 'staff-billing' },
] as const;

export const DEMO_CUSTOMERS = [
  { name: 'Globex', slug: 'globex', tier: 'enterprise', contactEmail: 'platform@globex.test', namespace: 'globex-prod', kubernetesVersion: '1.31', productVersion: '4.2.0', expiresInDays: 300 },
  { name: 'Initech', slug: 'initech', tier: 'team', contactEmail: 'it@initech.test', namespace: 'initech', kubernetesVersion: '1.30', productVersion: '4.1.3', expiresInDays: 25 },
  { name: 'Umbrella Health', slug: 'umbrella-health', tier: 'community', contactEmail: 'ops@umbrella.test', namespace: 'umbrella', kubernetesVersion: '1.29', productVersion: '4.0.0', expiresInDays: 6 },
  // A Community customer whose owner can try upgrading through Checkout (billing demo and e2e).
  { name: 'Hooli', slug: 'hooli', tier: 'community', contactEmail: 'billing@hooli.test', namespace: 'hooli', kubernetesVersion: '1.31', productVersion: '4.2.0', expiresInDays: 120 },
] as const;

export const DEMO_CUSTOMER_USERS = [
  { email: 'owner@globex.test', name: 'Grace Owner', org: 'globex', role: 'owner' },
  { email: 'viewer@globex.test', name: 'Victor Viewer', org: 'globex', role: 'viewer' },
  { email: 'owner@hooli.test', name: 'Gavin Owner', org: 'hooli', role: 'owner' },
  // Umbrella Health is on Community with all 3 seats taken: quota warnings and UpgradeGates to try.
  { email: 'owner@umbrella.test', name: 'Uma Owner', org: 'umbrella-health', role: 'owner' },
  { email: 'dev@umbrella.test', name: 'Dev Umbrella', org: 'umbrella-health', role: 'editor' },
  { email: 'qa@umbrella.test', name: 'Quinn QA', org: 'umbrella-health', role: 'viewer' },
] as const;

/** A repository the demo customers may pull (issue 3); the upstream is a placeholder until a gateway upstream is configured. */
export const DEMO_REPOSITORY = {
  name: 'vendor/product-enterprise',
  description: 'The enterprise edition image',
  upstreamUrl: 'https://ghcr.io',
  upstreamRepository: 'vendor-inc/product-enterprise',
  defaultTag: '4.2.0',
  granted: ['globex', 'initech'],
  // Its Helm chart, pulled by whoever may pull the image.
  chart: { name: 'vendor/charts/product-enterprise', upstreamRepository: 'vendor-inc/charts/product-enterprise', defaultTag: '1.8.0' },
} as const;

const SEED_MARKER = 'demo.seeded';
const MFA_SEED_MARKER = 'demo.staff-mfa';

export async function seedDemo(): Promise<{ seeded: boolean }> {
  if (await prisma.setting.findUnique({ where: { key: SEED_MARKER } })) {
    await seedDemoStaffMfa();
    return { seeded: false };
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const actor = systemActor('seed');

  await prisma.$transaction(
    async (tx) => {
      for (const staff of DEMO_STAFF) {
        await tx.user.upsert({ where: { email: staff.email }, update: {}, create: { ...staff, passwordHash } });
      }
      for (const customer of DEMO_CUSTOMERS) {
        const { expiresInDays, ...fields } = customer;
        // The rule staff creation follows: a paid starting tier is a manual tier, so a
        // `portcullis billing sync` against the demo's Stripe stand-in keeps it.
        const created = { ...fields, ...initialTier(actor, fields.tier), licenseExpiresAt: new Date(Date.now() + expiresInDays * DAY) };
        const org = await tx.organization.upsert({ where: { slug: customer.slug }, update: {}, create: created });
        await recordAudit(tx, actor, { action: 'customer.create', target: { type: 'organization', id: org.id }, orgId: org.id, after: created });
      }
      for (const person of DEMO_CUSTOMER_USERS) {
        const user = await tx.user.upsert({
          where: { email: person.email },
          update: {},
          create: { email: person.email, name: person.name, passwordHash },
        });
        const org = await tx.organization.findUniqueOrThrow({ where: { slug: person.org } });
        await tx.membership.upsert({
          where: { userId_orgId: { userId: user.id, orgId: org.id } },
          update: {},
          create: { userId: user.id, orgId: org.id, role: person.role },
        });
      }
      {
        const { granted, chart, ...fields } = DEMO_REPOSITORY;
        const repository = await tx.repository.upsert({ where: { name: fields.name }, update: {}, create: fields });
        await tx.repository.upsert({ where: { name: chart.name }, update: {}, create: { ...chart, upstreamUrl: fields.upstreamUrl, kind: 'chart', imageId: repository.id, description: 'The enterprise Helm chart' } });
        for (const slug of granted) {
          const org = await tx.organization.findUniqueOrThrow({ where: { slug } });
          await tx.repositoryGrant.upsert({ where: { orgId_repositoryId: { orgId: org.id, repositoryId: repository.id } }, update: {}, create: { orgId: org.id, repositoryId: repository.id } });
          await tx.onboardingItem.upsert({
            where: { orgId_key: { orgId: org.id, key: 'info_collected' } },
            update: {},
            create: { orgId: org.id, key: 'info_collected', doneAt: new Date(), doneBy: DEMO_STAFF[1].email },
          });
        }
      }
      // A license for each customer (this also creates the first signing key).
      for (const customer of DEMO_CUSTOMERS) {
        const org = await tx.organization.findUniqueOrThrow({ where: { slug: customer.slug } });
        await issueLicenseTx(tx, actor, { orgId: org.id });
      }
      await seedDemoPeople(tx, actor);
      await tx.setting.create({ data: { key: SEED_MARKER, value: { at: new Date().toISOString() } } });
    },
    { timeout: 60_000 },
  );
  await seedDemoPulls();
  // Initech is on Team and pilots single sign-on (an Enterprise feature) through a staff override, so its demo IdP works.
  const initech = await prisma.organization.findUniqueOrThrow({ where: { slug: DEMO_SSO_ORG.slug }, select: { id: true } });
  await setFeatureOverride(actor, { orgId: initech.id, featureKey: 'sso', enabled: true, reason: 'SSO pilot on the Team plan' });
  await seedDemoSso();
  await seedDemoStaffMfa();
  return { seeded: true };
}

/**
 * The demo staff get MFA with DEMO_TOTP_SECRET, once per database (demo
 * databases made before staff MFA get it on their next start); a staff
 * member who has since changed or reset theirs keeps what they did.
 */
async function seedDemoStaffMfa() {
  if (await prisma.setting.findUnique({ where: { key: MFA_SEED_MARKER } })) return;
  const actor = systemActor('seed');
  await prisma.$transaction(async (tx) => {
    for (const staff of DEMO_STAFF) {
      const user = await tx.user.findUnique({ where: { email: staff.email }, select: { id: true, mfa: { select: { enabledAt: true } } } });
      if (!user || user.mfa?.enabledAt) continue;
      await storeConfirmedTotp(tx, user.id, DEMO_TOTP_SECRET);
      await recordAudit(tx, actor, { action: 'mfa.enroll', target: { type: 'user', id: user.id }, metadata: { factor: 'totp', demo: true } });
    }
    await tx.setting.create({ data: { key: MFA_SEED_MARKER, value: { at: new Date().toISOString() } } });
  });
}

/** Globex gets a custom role and a team, so the portal's team pages have something to show. */
async function seedDemoPeople(tx: Db, actor: Actor) {
  const org = await tx.organization.findUniqueOrThrow({ where: { slug: 'globex' } });
  const role = await tx.role.create({
    data: { orgId: org.id, name: 'QA Engineer', description: 'Reads instructions and licenses; no tokens.', permissions: ['org.view', 'instructions.view', 'instructions.download', 'licenses.view'] },
  });
  await recordAudit(tx, actor, { action: 'role.create', target: { type: 'role', id: role.id }, orgId: org.id, after: role });
  const owner = await tx.membership.findFirstOrThrow({ where: { orgId: org.id, role: 'owner' } });
  const team = await tx.team.create({ data: { orgId: org.id, name: 'Platform', description: 'Runs the production clusters.' } });
  await tx.teamMember.create({ data: { teamId: team.id, membershipId: owner.id } });
  await recordAudit(tx, actor, { action: 'team.create', target: { type: 'team', id: team.id }, orgId: org.id, after: team });
}
