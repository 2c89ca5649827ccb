import 'server-only';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { registryHost } from '@/lib/platform/config/public-url';
import { keyedHash } from '@/lib/platform/crypto/keyed-hash';
import { prisma, type Db } from '@/lib/platform/db/client';
import { NotFoundError, ValidationError } from '@/lib/platform/errors';
import { markOnboardingItem } from '@/lib/identity/onboarding/items';
import { isWellFormedToken } from '@/lib/product/registry/token-format';
import { allowedVersions, licenseExpired, type AllowedVersions } from '@/lib/product/registry/versions';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';
import { instructionValues, renderTemplate, toMarkdown, TOKEN_PLACEHOLDER, type RenderedSection } from './render';
import { instructionSettings, loadTemplates } from './templates';

export type RenderInstructionsOptions = {
  /** A token just minted, to fill in; otherwise a placeholder is shown. Never stored. */
  token?: string | null;
  /** Which granted repository to write the instructions for; default: the first granted one by name. */
  repositoryId?: string | null;
};

export type RenderedInstructions = {
  customer: { id: string; name: string; slug: string };
  repository: { id: string; name: string } | null;
  /** Repositories the customer may pull, to choose from. */
  repositories: { id: string; name: string }[];
  /** Which versions of the chosen repository the customer may run (version limits, perpetual fallback). */
  versions: Pick<AllowedVersions, 'text' | 'tag' | 'expiredAt'> | null;
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
  const [granted, templates, settings] = await Promise.all([
    db.repositoryGrant.findMany({
      where: { orgId },
      orderBy: { repository: { name: 'asc' } },
      select: {
        channel: true,
        versionRange: true,
        repository: { select: { id: true, name: true, defaultTag: true, chart: { select: { id: true, name: true, defaultTag: true } } } },
      },
    }),
    loadTemplates(db),
    instructionSettings(db),
  ]);
  const repositories = granted.map((row) => row.repository);
  const chosen = options.repositoryId ? granted.find((row) => row.repository.id === options.repositoryId) : granted[0];
  const repository = chosen?.repository;
  if (options.repositoryId && !repository) throw ValidationError.field('repositoryId', `${org.name} has no grant for that repository.`);

  // Name a version the customer may pull: the default, unless a version limit or an expired license rules it out.
  const expiredAt = licenseExpired(org.licenseExpiresAt);
  const versions = chosen ? await allowedVersions(db, chosen.repository, { channel: chosen.channel, versionRange: chosen.versionRange }, expiredAt) : null;
  const chart = repository?.chart ? { ...repository.chart, defaultTag: (await allowedVersions(db, repository.chart, null, expiredAt)).tag ?? 'VERSION' } : null;
  const values = instructionValues({
    customer: org,
    repository: repository ? { ...repository, defaultTag: versions?.tag ?? 'VERSION', chart } : null,
    registryHost: registryHost(),
    token: options.token,
    vendorContact: settings.vendorContact,
  });
  // The Helm step only where the customer can pull a chart: the image's own, which comes with it.
  const sections: RenderedSection[] = templates.filter((template) => template.key !== 'helm' || repository?.chart).map((template) => ({ key: template.key, title: renderTemplate(template.title, values), body: renderTemplate(template.body, values) }));
  if (versions && (versions.expiredAt || versions.text !== 'all versions')) sections.unshift(versionsSection(repository!.name, versions));
  const intro = options.token
    ? `For ${org.name}. These instructions contain your registry token: keep them private.`
    : `For ${org.name}. Replace \`${TOKEN_PLACEHOLDER}\` with the registry token you were given.`;
  return {
    customer: { id: org.id, name: org.name, slug: org.slug },
    repository: repository ? { id: repository.id, name: repository.name } : null,
    repositories: repositories.map(({ id, name }) => ({ id, name })),
    versions: versions ? { text: versions.text, tag: versions.tag, expiredAt: versions.expiredAt } : null,
    tokenIncluded: !!options.token,
    sections,
    markdown: toMarkdown(`Install ${repository?.name ?? 'the enterprise edition'}`, intro, sections),
    filename: `install-${org.slug}.md`,
  };
}

/** Said before the steps when the customer may not run every version. */
function versionsSection(repository: string, versions: AllowedVersions): RenderedSection {
  const lines = [`Your subscription lets you pull ${repository}: ${versions.text}. The registry refuses other versions, by tag and by digest.`];
  if (versions.expiredAt) {
    lines.push(
      `Your license expired on ${versions.expiredAt.toISOString().slice(0, 10)}. The versions published before then stay available (perpetual fallback); renew your subscription to pull newer ones.`,
    );
  }
  lines.push(versions.tag ? `These instructions install \`${versions.tag}\`.` : 'No version you may pull has been published yet: ask your vendor which to install, and use it where these instructions say `VERSION`.');
  return { key: 'versions', title: 'Versions you may run', body: lines.join('\n\n') };
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
