import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/platform/errors';
import { createMember, createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { createRepository, deleteRepository, grantRepository, getRepository, listRepositoryGrants, listRepositories, resolveRepository, setVersionRule, removeRepositoryGrant, updateRepository } from './repositories';
import { verifyRegistryCredentials } from './credentials';
import { mintToken } from './tokens';
import { openUpstreamSecret } from './upstream-credential';

const SECRET = 'ghp_upstreamSecretThatMustNeverShow123';

describe('registering repositories', () => {
  it('registers a Helm chart for an image: semantic version, one per image, never granted on its own', async () => {
    const { actor } = await createStaff('staff-admin');
    const image = await createRepository(actor, { name: `vendor/${uniqueSlug('img')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '4.2.0' });
    const before = await prisma.repository.count();
    await expect(createRepository(actor, { name: `vendor/${uniqueSlug('x')}`, upstreamUrl: 'https://ghcr.io', defaultTag: 'latest' })).rejects.toThrow('Pin a version');
    await expect(createRepository(actor, { name: `vendor/${uniqueSlug('c')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.8.0', chartOf: 'vendor/nope' })).rejects.toThrow('No image repository named vendor/nope');
    await expect(createRepository(actor, { name: `vendor/${uniqueSlug('c')}`, upstreamUrl: 'https://ghcr.io', defaultTag: 'stable', chartOf: image.name })).rejects.toThrow('A chart version is semantic');
    expect(await prisma.repository.count()).toBe(before);

    const chart = await createRepository(actor, { name: `${image.name}/chart`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.8.0', chartOf: image.name });
    expect(chart).toMatchObject({ kind: 'chart', image: { id: image.id, name: image.name }, chart: null });
    expect(await getRepository(actor, image.id)).toMatchObject({ kind: 'image', chart: { id: chart.id, defaultTag: '1.8.0' } });
    await expect(createRepository(actor, { name: `vendor/${uniqueSlug('c2')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.9.0', chartOf: image.id })).rejects.toThrow('already has a chart');
    await expect(createRepository(actor, { name: `vendor/${uniqueSlug('c3')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.9.0', chartOf: chart.name })).rejects.toThrow('is itself a chart');
    await expect(updateRepository(actor, chart.id, { defaultTag: 'edge' })).rejects.toThrow('A chart version is semantic');

    const org = await createOrg();
    await expect(grantRepository(actor, org.id, chart.id)).rejects.toThrow('grant the image and the chart comes with it');
    await grantRepository(actor, org.id, image.id);
    const { token } = await mintToken(actor, { orgId: org.id, name: 'helm', repositoryIds: [image.id] });
    const verified = await verifyRegistryCredentials(prisma, org.slug, token);
    expect(verified.ok && verified.token.repositories).toEqual([image.name, chart.name].sort());
    // Deleting the image takes its chart with it.
    await deleteRepository(actor, image.id);
    expect(await prisma.repository.findUnique({ where: { id: chart.id } })).toBeNull();
  });

  it('seals the upstream credential, never shows it, and audits without it', async () => {
    const { actor } = await createStaff('staff-admin');
    const name = `vendor/${uniqueSlug('product')}`;
    const repository = await createRepository(actor, {
      name,
      upstreamUrl: 'https://ghcr.io/',
      upstreamRepository: 'vendor-inc/product-enterprise',
      upstreamUsername: 'vendor-bot',
      upstreamSecret: SECRET,
      defaultTag: '4.2.0',
    });
    expect(repository).toMatchObject({ name, upstreamUrl: 'https://ghcr.io', upstreamUsername: 'vendor-bot', hasUpstreamSecret: true, defaultTag: '4.2.0', kind: 'image', chart: null });
    expect(JSON.stringify(repository)).not.toContain(SECRET);

    const stored = await prisma.repository.findUniqueOrThrow({ where: { id: repository.id }, omit: { upstreamSecretEnc: false } });
    expect(stored.upstreamSecretEnc).not.toContain(SECRET);
    expect(openUpstreamSecret(repository.id, stored.upstreamSecretEnc!)).toBe(SECRET);

    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'repository.create', targetId: repository.id } });
    expect(JSON.stringify(audit.after)).not.toContain(SECRET);
    expect(JSON.stringify(audit.after)).not.toContain(stored.upstreamSecretEnc!);
    expect((await listRepositories(actor)).find((r) => r.id === repository.id)).toMatchObject({ hasUpstreamSecret: true, customers: 0 });
    expect(JSON.stringify(await listRepositories(actor))).not.toContain(stored.upstreamSecretEnc!);
    expect(await resolveRepository(prisma, name.toUpperCase())).toEqual({ id: repository.id, name });

    // Replacing keeps it sealed; leaving it out keeps the old one.
    await updateRepository(actor, repository.id, { description: 'The enterprise image' });
    const kept = await prisma.repository.findUniqueOrThrow({ where: { id: repository.id }, omit: { upstreamSecretEnc: false } });
    expect(openUpstreamSecret(repository.id, kept.upstreamSecretEnc!)).toBe(SECRET);
    await updateRepository(actor, repository.id, { upstreamSecret: 'rotated-secret' });
    const rotated = await prisma.repository.findUniqueOrThrow({ where: { id: repository.id }, omit: { upstreamSecretEnc: false } });
    expect(openUpstreamSecret(repository.id, rotated.upstreamSecretEnc!)).toBe('rotated-secret');
    const update = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'repository.update', targetId: repository.id }, orderBy: { id: 'desc' } });
    expect(update.metadata).toEqual({ upstreamLogin: 'replaced' });
    expect(JSON.stringify({ ...update, id: String(update.id) })).not.toContain('rotated-secret');
  });

  it('refuses bad input and writes nothing', async () => {
    const { actor } = await createStaff('staff-admin');
    const existing = await createRepository(actor, { name: `vendor/${uniqueSlug('dup')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' });
    await expect(createRepository(actor, { name: existing.name, upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' })).rejects.toThrow(`A repository named ${existing.name} already exists.`);
    await expect(createRepository(actor, { name: 'Vendor/Product', upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' })).rejects.toThrow('Use lowercase letters');
    await expect(createRepository(actor, { name: '', upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' })).rejects.toThrow('Enter the repository name');
    await expect(createRepository(actor, { name: 'vendor/x', upstreamUrl: 'ghcr.io', defaultTag: '1.0.0' })).rejects.toThrow('Enter a full URL');
    await expect(createRepository(actor, { name: 'vendor/x', upstreamUrl: 'ftp://ghcr.io', defaultTag: '1.0.0' })).rejects.toThrow('Use an http:// or https:// URL.');
    await expect(createRepository(actor, { name: 'vendor/x', upstreamUrl: 'https://bot:pw@ghcr.io', defaultTag: '1.0.0' })).rejects.toThrow('not in the URL');
    expect(await prisma.auditEvent.count({ where: { actorLabel: actor.label, action: 'repository.create' } })).toBe(1);
    expect(await prisma.repository.count({ where: { name: 'vendor/x' } })).toBe(0);
  });

  it('lets only staff-admin register repositories or change upstream credentials', async () => {
    const admin = await createStaff('staff-admin');
    const support = await createStaff('staff-support');
    const repository = await createRepository(admin.actor, { name: `vendor/${uniqueSlug('perm')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' });
    await expect(createRepository(support.actor, { name: `vendor/${uniqueSlug('x')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateRepository(support.actor, repository.id, { upstreamSecret: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await listRepositories(support.actor)).some((r) => r.id === repository.id)).toBe(true);
  });
});

describe('repository grants', () => {
  it('grant and ungrant are audited, idempotent and narrow tokens at once', async () => {
    const admin = await createStaff('staff-admin');
    const support = await createStaff('staff-support');
    const org = await createOrg();
    const repository = await createRepository(admin.actor, { name: `vendor/${uniqueSlug('ent')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' });

    await expect(mintToken(support.actor, { orgId: org.id, name: 'x', repositoryIds: [repository.id] })).rejects.toThrow('may not pull');
    expect(await grantRepository(support.actor, org.id, repository.id)).toMatchObject({ created: true });
    expect(await grantRepository(support.actor, org.id, repository.id)).toMatchObject({ created: false });
    expect(await prisma.auditEvent.count({ where: { action: 'entitlement.create', orgId: org.id } })).toBe(1);
    expect(await listRepositoryGrants(support.actor, org.id)).toEqual([expect.objectContaining({ id: repository.id, name: repository.name })]);

    const { token } = await mintToken(support.actor, { orgId: org.id, name: 'x', repositoryIds: [repository.id] });
    expect(await verifyRegistryCredentials(prisma, org.slug, token)).toMatchObject({ ok: true, token: { repositories: [repository.name] } });
    await removeRepositoryGrant(support.actor, org.id, repository.id);
    expect(await verifyRegistryCredentials(prisma, org.slug, token)).toMatchObject({ ok: true, token: { repositories: [] } });
    await expect(removeRepositoryGrant(support.actor, org.id, repository.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await prisma.auditEvent.count({ where: { action: 'entitlement.delete', orgId: org.id } })).toBe(1);
  });

  it('limits versions: validated before anything is written, audited, carried to the gateway, and only by staff who manage repository grants', async () => {
    const { actor } = await createStaff('staff-admin');
    const { actor: billing } = await createStaff('staff-billing');
    const image = await createRepository(actor, { name: `vendor/${uniqueSlug('ver')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '2.0.0' });
    const org = await createOrg();
    const audits = () => prisma.auditEvent.count({ where: { orgId: org.id } });

    // Bad input: a clear error naming the field, and neither the grant nor an audit event.
    await expect(grantRepository(actor, org.id, image.id, { versionRange: 'the newest' })).rejects.toMatchObject({ fieldErrors: { versionRange: [expect.stringContaining('not a semver range')] } });
    expect(await prisma.repositoryGrant.count({ where: { orgId: org.id } })).toBe(0);
    expect(await audits()).toBe(0);

    const created = await grantRepository(actor, org.id, image.id, { channel: 'stable, *-lts' });
    expect(created).toMatchObject({ created: true, versions: { channel: 'stable, *-lts', versionRange: null } });
    expect(await listRepositoryGrants(actor, org.id)).toEqual([expect.objectContaining({ name: image.name, versionsText: 'channel stable, *-lts' })]);
    const { token } = await mintToken(actor, { orgId: org.id, name: 'v', repositoryIds: [image.id] });
    const verified = await verifyRegistryCredentials(prisma, org.slug, token);
    expect(verified.ok && verified.token.versionRules).toEqual({ [image.name]: { channel: 'stable, *-lts', versionRange: null } });

    await expect(setVersionRule(actor, org.id, image.id, { channel: 'a b' })).rejects.toMatchObject({ fieldErrors: { channel: [expect.stringContaining('not a tag pattern')] } });
    await expect(setVersionRule(billing, org.id, image.id, { versionRange: '^2' })).rejects.toBeInstanceOf(ForbiddenError);
    const before = await audits();
    expect(await setVersionRule(actor, org.id, image.id, { versionRange: '^2' })).toMatchObject({ changed: true, rule: { channel: null, versionRange: '^2' } });
    expect(await setVersionRule(actor, org.id, image.id, { versionRange: '^2' })).toMatchObject({ changed: false });
    expect(await audits()).toBe(before + 1);
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: 'entitlement.update' } });
    expect(event).toMatchObject({ before: { repository: image.name, versions: 'channel stable, *-lts' }, after: { repository: image.name, versions: 'versions ^2' } });
    const again = await verifyRegistryCredentials(prisma, org.slug, token);
    expect(again.ok && again.token.versionRules).toEqual({ [image.name]: { channel: null, versionRange: '^2' } });

    // Back to every version: the gateway sees no rule at all.
    await setVersionRule(actor, org.id, image.id, {});
    const open = await verifyRegistryCredentials(prisma, org.slug, token);
    expect(open.ok && open.token.versionRules).toEqual({});
  });

  it('is for staff only; customers and unknown ids get nothing', async () => {
    const admin = await createStaff('staff-admin');
    const billing = await createStaff('staff-billing');
    const org = await createOrg();
    const owner = await createMember(org.id, 'owner');
    const repository = await createRepository(admin.actor, { name: `vendor/${uniqueSlug('own')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' });
    await expect(grantRepository(billing.actor, org.id, repository.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(grantRepository(owner.actor, org.id, repository.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(grantRepository(admin.actor, org.id, 'no-such-repository')).rejects.toBeInstanceOf(NotFoundError);
    await expect(grantRepository(admin.actor, 'no-such-org', repository.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(resolveRepository(prisma, 'vendor/does-not-exist')).rejects.toThrow('No repository named vendor/does-not-exist.');
    expect(await prisma.repositoryGrant.count({ where: { repositoryId: repository.id } })).toBe(0);
  });
});
