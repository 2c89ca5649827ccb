import { createHash } from 'node:crypto';
import { cliActor, type Actor } from '@/lib/identity/auth/actor';
import { issueMailboxProof } from '@/lib/identity/auth/mailbox-proof';
import { prisma } from '@/lib/platform/db/client';
import { issueLicense } from '@/lib/product/licensing/issue';
import { createInvitation } from '@/lib/identity/members/invitations';
import { mintToken } from '@/lib/product/registry/tokens';
import { startCheckout } from '@/lib/product/billing/checkout';
import { createSamlConnection } from '@/lib/identity/sso/connections';
import { addDomain } from '@/lib/identity/sso/domains';
import { setGroupRole } from '@/lib/identity/sso/policy';
import { newTestIdp } from '@/dev/testing/sso/test-idp';
import { createMember, createOrg, createUser, uniqueSlug, userActor } from '@/dev/testing/factories';

/**
 * A populated organization for the tenant-isolation sweep: a member in each
 * built-in role, a member to act upon, a team, a custom role nobody holds,
 * open invitations (one for an existing account, one for a newcomer, whose
 * mailed code it keeps), an
 * granted repository, a registry token and a license.
 */
/** Optional parts, made only for the cases that need them (each costs a few hundred ms). */
export type WorldExtra = 'sso' | 'billing';

function samlIdpMetadata(): string {
  return newTestIdp('sweep IdP').metadata();
}

/** SSO settings: a SAML connection (through the embedded Jackson), a domain and a group mapping, plus spare inputs. */
async function createSsoParts(orgId: string) {
  const staff = cliActor('sweep');
  const connection = await createSamlConnection(staff, orgId, { name: 'Corporate IdP', metadataXml: samlIdpMetadata() });
  const domain = await addDomain(staff, orgId, { domain: `${uniqueSlug('corp')}.test` });
  const groupRole = await setGroupRole(staff, orgId, { groupName: 'engineering', role: 'viewer' });
  return { connectionId: connection.id, domainId: domain.id, groupRoleId: groupRole.id, spareMetadata: samlIdpMetadata(), spareDomain: `${uniqueSlug('spare')}.test` };
}

export async function createWorld(label: string, extras: readonly WorldExtra[] = []) {
  const org = await createOrg({ tier: 'enterprise', name: `Sweep ${label}` });
  const owner = await createMember(org.id, 'owner');
  const admin = await createMember(org.id, 'admin');
  const editor = await createMember(org.id, 'editor');
  const viewer = await createMember(org.id, 'viewer');
  const target = await createMember(org.id, 'viewer');
  const team = await prisma.team.create({ data: { orgId: org.id, name: `Team ${label}` } });
  await prisma.teamMember.create({ data: { teamId: team.id, membershipId: target.membership.id } });
  const role = await prisma.role.create({ data: { orgId: org.id, name: `Role ${label}`, permissions: ['org.view', 'licenses.view'] } });
  const invitee = await createUser({ email: `${uniqueSlug('invitee')}@example.test` });
  const invitation = await createInvitation(owner.actor, { orgId: org.id, email: invitee.email, role: 'viewer' });
  const newcomerEmail = `${uniqueSlug('newcomer')}@example.test`;
  const newcomerInvitation = await createInvitation(owner.actor, { orgId: org.id, email: newcomerEmail, role: 'viewer' });
  // The code the newcomer would read in their mailbox.
  const newcomerCode = await issueMailboxProof(
    { purpose: 'invitation', subjectId: newcomerInvitation.invitation.id, email: newcomerEmail, format: 'code', ttlMinutes: 15, ip: null },
    async () => {},
  );
  const staff = cliActor('sweep');
  const repository = await prisma.repository.create({ data: { name: `sweep/${uniqueSlug('repo')}`, upstreamUrl: 'https://registry.example.test', upstreamRepository: 'vendor/product' } });
  await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repository.id } });
  const token = await mintToken(staff, { orgId: org.id, name: 'production', repositoryIds: [repository.id] });
  const license = await issueLicense(staff, { orgId: org.id });
  const sso = extras.includes('sso') ? await createSsoParts(org.id) : null;
  // A Stripe customer (through the test stand-in), so the billing portal has something to open.
  if (extras.includes('billing')) await startCheckout(owner.actor, { org: org.slug, tier: 'enterprise', interval: 'month' });
  return {
    label,
    sso,
    repository,
    token: { id: token.record.id },
    license: { id: license.license.id },
    org,
    owner,
    admin,
    editor,
    viewer,
    target,
    team,
    role,
    invitee: { user: invitee, actor: userActor(invitee) },
    invitation: { id: invitation.invitation.id, token: invitation.link.split('/invite/')[1]! },
    newcomer: { email: newcomerEmail, invitationId: newcomerInvitation.invitation.id, token: newcomerInvitation.link.split('/invite/')[1]!, code: newcomerCode.secret },
  };
}
export type World = Awaited<ReturnType<typeof createWorld>>;

export const BUILTIN_MEMBER_KEYS = ['owner', 'admin', 'editor', 'viewer'] as const;

export function memberActor(world: World, role: (typeof BUILTIN_MEMBER_KEYS)[number]): Actor {
  return world[role].actor;
}

type TableInfo = { table_name: string; column_name: string };

/**
 * Everything stored about an org, as a digest: every row of every table
 * with an org_id column (found in the catalog, so new tables are included),
 * the org row itself, team memberships, and the accounts of its people and
 * invitees. Equal digests before and after a call mean the call changed nothing.
 */
export async function orgDigest(world: World): Promise<string> {
  const tables = await prisma.$queryRaw<TableInfo[]>`
    SELECT table_name::text, column_name::text FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name = 'org_id' ORDER BY table_name`;
  const parts: unknown[] = [];
  for (const { table_name } of tables) {
    if (!/^[a-z_]+$/.test(table_name)) continue;
    parts.push(table_name, await prisma.$queryRawUnsafe(`SELECT * FROM "${table_name}" WHERE org_id = $1 ORDER BY 1, 2`, world.org.id));
  }
  parts.push('organizations', await prisma.$queryRaw`SELECT * FROM organizations WHERE id = ${world.org.id}`);
  parts.push(
    'team_members',
    await prisma.$queryRaw`SELECT tm.* FROM team_members tm JOIN teams t ON t.id = tm.team_id WHERE t.org_id = ${world.org.id} ORDER BY 1, 2`,
  );
  const emails = [world.owner, world.admin, world.editor, world.viewer, world.target].map((m) => m.user.email).concat(world.invitee.user.email, world.newcomer.email);
  parts.push('users', await prisma.$queryRaw`SELECT * FROM users WHERE email = ANY(${emails}) ORDER BY email`);
  const json = JSON.stringify(parts, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  return createHash('sha256').update(json).digest('hex');
}
