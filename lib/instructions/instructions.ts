import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import { registryHost } from '@/lib/config/public-url';
import { keyedHash } from '@/lib/crypto/keyed-hash';
import { prisma, type Db } from '@/lib/db/client';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { markOnboardingItem } from '@/lib/onboarding/items';
import { isWellFormedToken } from '@/lib/registry/token-format';
import { authorizeOrg } from '@/lib/rbac/authorize';
import { instructionValues, renderTemplate, toMarkdown, TOKEN_PLACEHOLDER, type RenderedSection } from './render';
import { instructionSettings, loadTemplates } from './templates';

export type RenderInstructionsOptions = {
  /** A token just minted, to fill in; otherwise a placeholder is shown. Never stored. */
  token?: string | null;
  /** Which entitled repository to write the instructions for; default: the first entitled one by name. */
  repositoryId?: string | null;
};

export type RenderedInstructions = {
  customer: { id: string; name: string; slug: string };
  repository: { id: string; name: string } | null;
  /** Repositories the customer may pull, to choose from. */
  repositories: { id: string; name: string }[];
  tokenIncluded: boolean;
  sections: RenderedSection[];
  markdown: string;
  /** For downloads: install-<slug>.md */
  filename: string;
};

/**
 * A customer's install instructions from the current templates. Reads only;
 * the caller has authorized the reader (getInstructions does, and so must
 * any other caller such as the customer portal).
 */
export async function renderInstructions(db: Db, orgId: string, options: RenderInstructionsOptions = {}): Promise<RenderedInstructions> {
  if (options.token && !isWellFormedToken(options.token)) throw ValidationError.field('token', 'That is not a registry token (they start with pcr_).');
  const org = await db.organization.findUnique({ where: { id: orgId } });
  if (!org) throw new NotFoundError('Organization not found');
  const [entitled, templates, settings] = await Promise.all([
    db.entitlement.findMany({
      where: { orgId },
      orderBy: { repository: { name: 'asc' } },
      select: { repository: { select: { id: true, name: true, defaultTag: true, chart: { select: { name: true, defaultTag: true } } } } },
    }),
    loadTemplates(db),
    instructionSettings(db),
  ]);
  const repositories = entitled.map((row) => row.repository);
  const repository = options.repositoryId ? repositories.find((r) => r.id === options.repositoryId) : repositories[0];
  if (options.repositoryId && !repository) throw ValidationError.field('repositoryId', `${org.name} is not entitled to that repository.`);

  const values = instructionValues({
    customer: org,
    repository: repository ?? null,
    registryHost: registryHost(),
    token: options.token,
    vendorContact: settings.vendorContact,
  });
  // The Helm step only where the customer can pull a chart: the image's own, which comes with it.
  const sections = templates.filter((template) => template.key !== 'helm' || repository?.chart).map((template) => ({ key: template.key, title: renderTemplate(template.title, values), body: renderTemplate(template.body, values) }));
  const intro = options.token
    ? `For ${org.name}. These instructions contain your registry token: keep them private.`
    : `For ${org.name}. Replace \`${TOKEN_PLACEHOLDER}\` with the registry token you were given.`;
  return {
    customer: { id: org.id, name: org.name, slug: org.slug },
    repository: repository ? { id: repository.id, name: repository.name } : null,
    repositories: repositories.map(({ id, name }) => ({ id, name })),
    tokenIncluded: !!options.token,
    sections,
    markdown: toMarkdown(`Install ${repository?.name ?? 'the enterprise edition'}`, intro, sections),
    filename: `install-${org.slug}.md`,
  };
}

/** For viewing (staff, or a member allowed to view instructions). */
export async function getInstructions(actor: Actor, orgId: string, options: RenderInstructionsOptions = {}) {
  await authorizeOrg(prisma, actor, { id: orgId }, { staff: 'customers.view', org: 'instructions.view' });
  return renderInstructions(prisma, orgId, options);
}

/**
 * For handing over (download, copy, CLI print): audited, and ticks
 * "instructions delivered". The token itself is never written anywhere.
 */
export async function deliverInstructions(actor: Actor, orgId: string, options: RenderInstructionsOptions & { via?: 'download' | 'copy' | 'cli' } = {}) {
  return prisma.$transaction(async (tx) => {
    const { org } = await authorizeOrg(tx, actor, { id: orgId }, { staff: 'customers.view', org: 'instructions.download' });
    const rendered = await renderInstructions(tx, org.id, options);
    await recordAudit(tx, actor, {
      action: 'instructions.download',
      target: { type: 'organization', id: org.id },
      orgId: org.id,
      metadata: { via: options.via ?? 'download', repository: rendered.repository?.name ?? null, tokenIncluded: rendered.tokenIncluded },
    });
    await markOnboardingItem(tx, org.id, 'instructions_delivered', actor);
    return rendered;
  });
}

/** True when `token` is one of this customer's tokens (any state): lets the CLI refuse to print someone else's token into instructions. */
export async function tokenBelongsTo(db: Db, orgId: string, token: string): Promise<boolean> {
  if (!isWellFormedToken(token)) return false;
  const row = await db.registryToken.findUnique({ where: { hash: keyedHash(token) }, select: { orgId: true } });
  return row?.orgId === orgId;
}
