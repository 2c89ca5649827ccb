import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/platform/errors';
import { createRepository, grantRepository } from '@/lib/product/registry/repositories';
import { mintToken } from '@/lib/product/registry/tokens';
import { createMember, createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { DEFAULT_TEMPLATES } from './defaults';
import { deliverInstructions, getInstructions, renderInstructions, tokenBelongsTo } from './instructions';
import { TOKEN_PLACEHOLDER } from './render';
import { instructionSettings, loadTemplates, resetTemplate, updateInstructionSettings, updateTemplate } from './templates';

async function customerWithRepository() {
  const admin = await createStaff('staff-admin');
  const org = await prisma.organization.create({
    data: { name: 'Acme Corp', slug: uniqueSlug('acme'), contactEmail: 'ops@acme.test', namespace: 'acme-prod', productVersion: '4.2.0' },
  });
  const repository = await createRepository(admin.actor, { name: `vendor/${uniqueSlug('ent')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '4.2.0' });
  await grantRepository(admin.actor, org.id, repository.id);
  return { admin, org, repository };
}

describe('install instructions', () => {
  it('render for a customer from the current templates, token as a placeholder unless given', async () => {
    const { admin, org, repository } = await customerWithRepository();
    const rendered = await getInstructions(admin.actor, org.id);
    expect(rendered).toMatchObject({ repository: { id: repository.id }, tokenIncluded: false, filename: `install-${org.slug}.md` });
    // No chart registered for this image, so no Helm step (see below).
    expect(rendered.sections.map((s) => s.key)).toEqual(DEFAULT_TEMPLATES.map((t) => t.key).filter((key) => key !== 'helm'));
    expect(rendered.markdown).toContain(`--docker-username=${org.slug}`);
    expect(rendered.markdown).toContain(`/${repository.name}:4.2.0`);
    expect(rendered.markdown).toContain(TOKEN_PLACEHOLDER);
    for (const block of rendered.markdown.matchAll(/```yaml\n([\s\S]*?)```/g)) {
      for (const doc of parseAllDocuments(block[1]!)) expect(doc.errors).toEqual([]);
    }

    const { token } = await mintToken(admin.actor, { orgId: org.id, name: 'prod', repositoryIds: [repository.id] });
    const withToken = await renderInstructions(prisma, org.id, { token });
    expect(withToken.tokenIncluded).toBe(true);
    expect(withToken.markdown).toContain(`--docker-password=${token}`);
    expect(await tokenBelongsTo(prisma, org.id, token)).toBe(true);
    expect(await tokenBelongsTo(prisma, (await createOrg()).id, token)).toBe(false);
    await expect(renderInstructions(prisma, org.id, { token: 'hunter2' })).rejects.toThrow('not a registry token');
    await expect(renderInstructions(prisma, org.id, { repositoryId: 'not-granted' })).rejects.toThrow('has no grant');
  });

  it('are readable by the customer\'s members with instructions.view, and a 404 to strangers', async () => {
    const { org } = await customerWithRepository();
    const viewer = await createMember(org.id, 'viewer');
    const stranger = await createMember((await createOrg()).id, 'owner');
    expect((await getInstructions(viewer.actor, org.id)).customer.id).toBe(org.id);
    await expect(getInstructions(stranger.actor, org.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deliverInstructions(stranger.actor, org.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'instructions.download' } })).toBe(0);
  });

  it('never put the token in the audit log when delivered', async () => {
    const { admin, org, repository } = await customerWithRepository();
    const { token } = await mintToken(admin.actor, { orgId: org.id, name: 'prod', repositoryIds: [repository.id] });
    await deliverInstructions(admin.actor, org.id, { token, via: 'copy' });
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: 'instructions.download' } });
    expect(event.metadata).toEqual({ via: 'copy', repository: repository.name, tokenIncluded: true });
    expect(JSON.stringify({ ...event, id: String(event.id) })).not.toContain(token);
  });
});

describe('instruction templates', () => {
  // Templates are one global set; this test restores what it changes.
  it('are edited by staff-admins only, checked for unknown placeholders, audited and resettable', async () => {
    const { admin, org } = await customerWithRepository();
    const support = await createStaff('staff-support');
    const original = (await loadTemplates(prisma)).find((t) => t.key === 'docker')!;
    try {
      await expect(updateTemplate(support.actor, { key: 'docker', title: 'x', body: 'y' })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(updateTemplate(admin.actor, { key: 'docker', title: 'Smoke', body: 'docker login {{registryHost}} -u {{usernme}}' })).rejects.toThrow(
        'Unknown placeholder {{usernme}}',
      );
      await expect(updateTemplate(admin.actor, { key: 'docker', title: '', body: 'x' })).rejects.toThrow('Give the section a title.');
      await expect(updateTemplate(admin.actor, { key: 'nope' as never, title: 'x', body: 'x' })).rejects.toThrow('Unknown section');

      const saved = await updateTemplate(admin.actor, { key: 'docker', title: 'Smoke test for {{customerName}}', body: 'podman login {{registryHost}} -u {{username}}' });
      expect(saved).toMatchObject({ customized: true });
      const rendered = await getInstructions(admin.actor, org.id);
      expect(rendered.sections.find((s) => s.key === 'docker')).toMatchObject({ title: 'Smoke test for Acme Corp', body: expect.stringContaining(`-u ${org.slug}`) });
      const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'template.update', targetId: 'docker', actorLabel: admin.user.email } });
      expect(event.after).toMatchObject({ title: 'Smoke test for {{customerName}}' });

      await expect(resetTemplate(support.actor, 'docker')).rejects.toBeInstanceOf(ForbiddenError);
      await resetTemplate(admin.actor, 'docker');
      expect((await loadTemplates(prisma)).find((t) => t.key === 'docker')).toMatchObject({ customized: false, body: DEFAULT_TEMPLATES.find((t) => t.key === 'docker')!.body });
    } finally {
      if (original.customized) await updateTemplate(admin.actor, { key: 'docker', title: original.title, body: original.body });
    }
  });

  it('take the support contact from settings, which only staff-admins change', async () => {
    const { admin, org } = await customerWithRepository();
    const support = await createStaff('staff-support');
    const before = await instructionSettings();
    try {
      await expect(updateInstructionSettings(support.actor, { vendorContact: 'me' })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(updateInstructionSettings(admin.actor, { vendorContact: ' ' })).rejects.toThrow('Say who customers contact');
      await updateInstructionSettings(admin.actor, { vendorContact: 'support@vendor.test' });
      const rendered = await getInstructions(admin.actor, org.id);
      expect(rendered.markdown).toContain('support@vendor.test');
    } finally {
      await updateInstructionSettings(admin.actor, before);
    }
  });

  it('show the Helm step only when the image has a chart, naming the chart and image versions and the registry host', async () => {
    const { admin, org, repository } = await customerWithRepository();
    const without = await getInstructions(admin.actor, org.id);
    expect(without.sections.map((s) => s.key)).not.toContain('helm');
    expect(without.markdown).not.toContain('helm ');
    const chart = await createRepository(admin.actor, { name: `${repository.name}-chart`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.8.0', chartOf: repository.name });
    expect(chart).toMatchObject({ kind: 'chart', image: { id: repository.id } });
    const rendered = await getInstructions(admin.actor, org.id);
    expect(rendered.sections.map((s) => s.key)).toEqual(DEFAULT_TEMPLATES.map((t) => t.key));
    expect(rendered.markdown).toMatch(new RegExp(`helm upgrade --install \\S+ oci://[^/\\s]+/${chart.name} \\\\\n\\s+--version 1\\.8\\.0`));
    expect(rendered.markdown).toContain('tag: "4.2.0"');
    expect(rendered.markdown).not.toMatch(/latest/);
    // The chart is not granted separately: it comes with the image, and is never listed to choose from.
    expect(rendered.repositories.map((r) => r.name)).toEqual([repository.name]);
  });
});
