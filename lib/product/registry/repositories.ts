import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { NAME_PATTERN, TAG_PATTERN } from '@/lib/product/gateway/routes';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { announceRegistryChange } from './credentials';
import { sealUpstreamSecret } from './upstream-credential';
import { describeRule, parseVersionRule, type RuleInput, type VersionRule } from './version-rule';

/**
 * The repositories the gateway serves (a name customers pull, mapped to an
 * upstream registry and repository with a credential held server-side), and
 * the repository grants that let a customer pull them.
 */

export const repositoryNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter the repository name customers pull, e.g. acme/product-enterprise.')
  .max(255, 'Use at most 255 characters.')
  .regex(NAME_PATTERN, 'Use lowercase letters, digits, ".", "_" or "-", with "/" between parts (e.g. acme/product-enterprise).');

const upstreamUrlSchema = z
  .string()
  .trim()
  .min(1, 'Enter the upstream registry URL, e.g. https://ghcr.io.')
  .max(500, 'Use at most 500 characters.')
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Enter a full URL such as https://ghcr.io.' });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') ctx.addIssue({ code: 'custom', message: 'Use an http:// or https:// URL.' });
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'Put credentials in the upstream user and password fields, not in the URL.' });
    if (url.search || url.hash) ctx.addIssue({ code: 'custom', message: 'The URL cannot have a query or fragment.' });
  })
  .transform((value) => value.replace(/\/+$/, ''));

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .optional()
    .transform((value) => (value ? value : undefined));

export const createRepositorySchema = z.object({
  name: repositoryNameSchema,
  description: optionalText(500),
  upstreamUrl: upstreamUrlSchema,
  /** Defaults to the name. */
  upstreamRepository: repositoryNameSchema.optional().or(z.literal('').transform(() => undefined)),
  upstreamUsername: optionalText(200),
  /** Sealed at once; never returned or logged. */
  upstreamSecret: z.string().max(4096, 'The upstream secret is too long.').optional().transform((value) => (value ? value : undefined)),
  redirectMode: z.enum(['follow', 'passthrough']).default('follow'),
  /** The version install instructions name: an image tag, or a chart's version. */
  defaultTag: z
    .string()
    .trim()
    .min(1, 'Enter the version customers should install, e.g. 4.2.0.')
    .regex(TAG_PATTERN, 'Use a valid tag (letters, digits, ".", "_", "-").')
    .refine((tag) => tag !== 'latest', { message: 'Pin a version customers should install (e.g. 4.2.0): "latest" changes under them.' }),
  /** Makes this repository the Helm chart of that image (name or id): whoever may pull the image may pull the chart. */
  chartOf: z
    .string()
    .trim()
    .max(255)
    .optional()
    .transform((value) => (value ? value : undefined)),
});
export type CreateRepositoryInput = z.input<typeof createRepositorySchema>;

const clearableText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .nullable()
    .transform((value) => (value ? value : null))
    .optional();

/** Edits: a field left out is unchanged; an emptied optional text field is cleared. */
export const updateRepositorySchema = createRepositorySchema
  .omit({ name: true, upstreamSecret: true, chartOf: true })
  .partial()
  .extend({
    description: clearableText(500),
    upstreamUsername: clearableText(200),
    clearUpstreamSecret: z.preprocess((value) => value === true || value === 'true' || value === 'on', z.boolean()).optional(),
    /** A new secret replaces the stored one; omitted keeps it. */
    upstreamSecret: z.string().max(4096, 'The upstream secret is too long.').optional().transform((value) => (value ? value : undefined)),
  });
export type UpdateRepositoryInput = z.input<typeof updateRepositorySchema>;

const repositorySelect = {
  id: true,
  name: true,
  description: true,
  upstreamUrl: true,
  upstreamRepository: true,
  upstreamUsername: true,
  redirectMode: true,
  defaultTag: true,
  kind: true,
  image: { select: { id: true, name: true } },
  chart: { select: { id: true, name: true, defaultTag: true } },
  createdAt: true,
  updatedAt: true,
} as const;

/** Helm requires a chart's version to be semantic (1.8.0, 2.0.0-rc.1). */
const CHART_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Who can pull an image can pull its chart, so the gateway's cached scopes of those customers change with it. */
async function announceImageCustomers(tx: Db, imageId: string) {
  const granted = await tx.repositoryGrant.findMany({ where: { repositoryId: imageId }, select: { orgId: true } });
  for (const { orgId } of granted) await announceRegistryChange(tx, { kind: 'org', orgId });
}

/** What may be shown and audited about a repository: never the sealed secret, only whether there is one. */
export type RepositoryView = Awaited<ReturnType<typeof loadView>>;

async function loadView(db: Db, id: string) {
  const row = await db.repository.findUnique({ where: { id }, select: { ...repositorySelect, upstreamSecretEnc: true } });
  if (!row) throw new NotFoundError('Repository not found');
  const { upstreamSecretEnc, ...rest } = row;
  return { ...rest, hasUpstreamSecret: upstreamSecretEnc !== null };
}

export async function createRepository(actor: Actor, input: CreateRepositoryInput) {
  assertStaffPermission(actor, 'repositories.manage');
  const data = createRepositorySchema.parse(input);
  return prisma.$transaction(async (tx) => {
    if (await tx.repository.findUnique({ where: { name: data.name }, select: { id: true } })) {
      throw new ConflictError(`A repository named ${data.name} already exists.`, 'name');
    }
    const { upstreamSecret, chartOf, ...fields } = data;
    let image: { id: string; name: string } | null = null;
    if (chartOf) {
      const found = await tx.repository.findFirst({ where: { OR: [{ name: chartOf.toLowerCase() }, { id: chartOf }] }, select: { id: true, name: true, kind: true, chart: { select: { name: true } } } });
      if (!found) throw ValidationError.field('chartOf', `No image repository named ${chartOf}.`);
      if (found.kind !== 'image') throw ValidationError.field('chartOf', `${found.name} is itself a chart; name the image the chart deploys.`);
      if (found.chart) throw ValidationError.field('chartOf', `${found.name} already has a chart (${found.chart.name}); delete that one first.`);
      if (!CHART_VERSION.test(fields.defaultTag)) throw ValidationError.field('defaultTag', 'A chart version is semantic, e.g. 1.8.0 (Helm refuses anything else).');
      image = found;
    }
    const created = await tx.repository.create({
      data: { ...fields, upstreamRepository: fields.upstreamRepository ?? fields.name, ...(image ? { kind: 'chart', imageId: image.id } : {}) },
      select: { id: true },
    });
    if (image) await announceImageCustomers(tx, image.id);
    // The envelope is bound to the row id, so the row exists first.
    if (upstreamSecret) {
      await tx.repository.update({ where: { id: created.id }, data: { upstreamSecretEnc: sealUpstreamSecret(created.id, upstreamSecret) } });
    }
    const view = await loadView(tx, created.id);
    await recordAudit(tx, actor, { action: 'repository.create', target: { type: 'repository', id: view.id }, after: view });
    return view;
  });
}

export async function updateRepository(actor: Actor, repositoryId: string, input: UpdateRepositoryInput) {
  assertStaffPermission(actor, 'repositories.manage');
  const data = updateRepositorySchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const before = await loadView(tx, repositoryId);
    const { upstreamSecret, clearUpstreamSecret, ...fields } = data;
    if (before.kind === 'chart' && fields.defaultTag !== undefined && !CHART_VERSION.test(fields.defaultTag)) {
      throw ValidationError.field('defaultTag', 'A chart version is semantic, e.g. 1.8.0 (Helm refuses anything else).');
    }
    const secretChange =
      upstreamSecret !== undefined
        ? { upstreamSecretEnc: sealUpstreamSecret(repositoryId, upstreamSecret) }
        : clearUpstreamSecret
          ? { upstreamSecretEnc: null }
          : {};
    await tx.repository.update({ where: { id: repositoryId }, data: { ...fields, ...secretChange } });
    await announceRegistryChange(tx, { kind: 'repository', repositoryId });
    const after = await loadView(tx, repositoryId);
    await recordAudit(tx, actor, {
      action: 'repository.update',
      target: { type: 'repository', id: repositoryId },
      before,
      after,
      // Keys naming secrets are dropped from audit snapshots, so this one says "login".
      metadata: upstreamSecret !== undefined ? { upstreamLogin: 'replaced' } : clearUpstreamSecret ? { upstreamLogin: 'removed' } : undefined,
    });
    return after;
  });
}

export async function deleteRepository(actor: Actor, repositoryId: string) {
  assertStaffPermission(actor, 'repositories.manage');
  return prisma.$transaction(async (tx) => {
    const before = await loadView(tx, repositoryId);
    // A chart's customers are its image's; deleting an image deletes its chart too (the foreign key cascades).
    const granted = await tx.repositoryGrant.findMany({ where: { repositoryId: before.image?.id ?? repositoryId }, select: { orgId: true } });
    await tx.repository.delete({ where: { id: repositoryId } });
    for (const { orgId } of granted) await announceRegistryChange(tx, { kind: 'org', orgId });
    await recordAudit(tx, actor, {
      action: 'repository.delete',
      target: { type: 'repository', id: repositoryId },
      before,
      metadata: { grantedCustomers: granted.length },
    });
    return before;
  });
}

export async function listRepositories(actor: Actor) {
  assertStaffPermission(actor, 'repositories.view');
  const rows = await prisma.repository.findMany({
    orderBy: { name: 'asc' },
    select: { ...repositorySelect, upstreamSecretEnc: true, _count: { select: { repositoryGrants: true } } },
  });
  return rows.map(({ upstreamSecretEnc, _count, ...rest }) => ({ ...rest, hasUpstreamSecret: upstreamSecretEnc !== null, customers: _count.repositoryGrants }));
}

export async function getRepository(actor: Actor, repositoryId: string) {
  assertStaffPermission(actor, 'repositories.view');
  return loadView(prisma, repositoryId);
}

/** A repository by exact name or id (the CLI and forms take either). */
export async function resolveRepository(db: Db, nameOrId: string) {
  const value = nameOrId.trim();
  const row = await db.repository.findFirst({ where: { OR: [{ name: value.toLowerCase() }, { id: value }] }, select: { id: true, name: true } });
  if (!row) throw new NotFoundError(`No repository named ${value}.`);
  return row;
}

// ───────────────────────────── repository grants ─────────────────────────────────

/**
 * Lets a customer pull a repository (tokens may then be scoped to it). With
 * `versions`, also sets which versions (see setVersionRule), in the same
 * transaction; without, an existing limit stays.
 */
export async function grantRepository(actor: Actor, orgId: string, repositoryId: string, versions?: RuleInput) {
  const rule = versions ? checkedRule(versions) : undefined;
  return prisma.$transaction(async (tx) => {
    const { org } = await authorizeOrg(tx, actor, { id: orgId }, { staff: 'grants.manage' });
    const repository = await tx.repository.findUnique({ where: { id: repositoryId }, select: { id: true, name: true, image: { select: { name: true } } } });
    if (!repository) throw new NotFoundError('Repository not found');
    if (repository.image) throw ValidationError.field('repositoryId', `${repository.name} is the Helm chart of ${repository.image.name}: grant the image and the chart comes with it.`);
    const existing = await tx.repositoryGrant.findUnique({ where: { orgId_repositoryId: { orgId: org.id, repositoryId } } });
    const key = { orgId_repositoryId: { orgId: org.id, repositoryId } };
    let created = false;
    if (existing?.source === 'plan') {
      // Granted by hand now: a later tier change leaves it alone.
      await tx.repositoryGrant.update({ where: key, data: { source: 'manual' } });
      await recordAudit(tx, actor, { action: 'entitlement.create', target: { type: 'repository', id: repository.id }, orgId: org.id, before: { source: 'plan' }, after: { repository: repository.name, source: 'manual' } });
    } else if (!existing) {
      await tx.repositoryGrant.create({ data: { orgId: org.id, repositoryId, source: 'manual', ...rule } });
      await announceRegistryChange(tx, { kind: 'org', orgId: org.id });
      await recordAudit(tx, actor, {
        action: 'entitlement.create',
        target: { type: 'repository', id: repository.id },
        orgId: org.id,
        after: { repository: repository.name, ...(rule ? { versions: describeRule(rule) } : {}) },
      });
      created = true;
    }
    const versionsChanged = existing && rule ? await changeVersionRule(tx, actor, org.id, { id: repository.id, name: repository.name }, existing, rule) : false;
    const versionsNow: VersionRule = rule ?? { channel: existing?.channel ?? null, versionRange: existing?.versionRange ?? null };
    return { org, repository, created, versions: versionsNow, versionsChanged };
  });
}

function checkedRule(input: RuleInput): VersionRule {
  const parsed = parseVersionRule(input);
  if (!parsed.ok) throw ValidationError.field(parsed.field, parsed.message);
  return parsed.rule;
}

async function changeVersionRule(tx: Db, actor: Actor, orgId: string, repository: { id: string; name: string }, existing: VersionRule, rule: VersionRule): Promise<boolean> {
  if (existing.channel === rule.channel && existing.versionRange === rule.versionRange) return false;
  await tx.repositoryGrant.update({ where: { orgId_repositoryId: { orgId, repositoryId: repository.id } }, data: rule });
  await announceRegistryChange(tx, { kind: 'org', orgId });
  await recordAudit(tx, actor, {
    action: 'entitlement.update',
    target: { type: 'repository', id: repository.id },
    orgId,
    before: { repository: repository.name, versions: describeRule(existing) },
    after: { repository: repository.name, versions: describeRule(rule) },
  });
  return true;
}

/** Takes a repository away; tokens scoped to it stop reaching it at once (verification joins repository grants). */
export async function removeRepositoryGrant(actor: Actor, orgId: string, repositoryId: string) {
  return prisma.$transaction(async (tx) => {
    const { org } = await authorizeOrg(tx, actor, { id: orgId }, { staff: 'grants.manage' });
    const existing = await tx.repositoryGrant.findUnique({
      where: { orgId_repositoryId: { orgId: org.id, repositoryId } },
      include: { repository: { select: { name: true } } },
    });
    if (!existing) throw new NotFoundError(`${org.name} has no grant for that repository.`);
    await tx.repositoryGrant.delete({ where: { orgId_repositoryId: { orgId: org.id, repositoryId } } });
    await announceRegistryChange(tx, { kind: 'org', orgId: org.id });
    await recordAudit(tx, actor, {
      action: 'entitlement.delete',
      target: { type: 'repository', id: repositoryId },
      orgId: org.id,
      before: { repository: existing.repository.name },
    });
    return { org, repository: { id: repositoryId, name: existing.repository.name } };
  });
}

/**
 * Limits which versions of a granted repository the customer may pull (a
 * channel of tag patterns and/or a semver range; both empty: all versions).
 * The gateway applies it at once; its chart follows only the license's fallback.
 */
export async function setVersionRule(actor: Actor, orgId: string, repositoryId: string, input: RuleInput) {
  const rule = checkedRule(input);
  return prisma.$transaction(async (tx) => {
    const { org } = await authorizeOrg(tx, actor, { id: orgId }, { staff: 'grants.manage' });
    const existing = await tx.repositoryGrant.findUnique({
      where: { orgId_repositoryId: { orgId: org.id, repositoryId } },
      select: { channel: true, versionRange: true, repository: { select: { name: true } } },
    });
    if (!existing) throw new NotFoundError(`${org.name} has no grant for that repository: grant it first.`);
    const repository = { id: repositoryId, name: existing.repository.name };
    const changed = await changeVersionRule(tx, actor, org.id, repository, existing, rule);
    return { org, repository, rule, changed };
  });
}

export async function listRepositoryGrants(actor: Actor, orgId: string) {
  await authorizeOrg(prisma, actor, { id: orgId }, { staff: 'customers.view', org: 'instructions.view' });
  const rows = await prisma.repositoryGrant.findMany({
    where: { orgId },
    orderBy: { repository: { name: 'asc' } },
    select: {
      createdAt: true,
      source: true,
      channel: true,
      versionRange: true,
      repository: { select: { id: true, name: true, description: true, defaultTag: true, chart: { select: { name: true, defaultTag: true } } } },
    },
  });
  return rows.map((row) => {
    const versions: VersionRule = { channel: row.channel, versionRange: row.versionRange };
    return { ...row.repository, grantedAt: row.createdAt, source: row.source === 'plan' ? ('plan' as const) : ('manual' as const), versions, versionsText: describeRule(versions) };
  });
}
