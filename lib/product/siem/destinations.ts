import 'server-only';
import { z } from 'zod';
import type { Actor } from '@/lib/identity/auth/actor';
import { recordAudit } from '@/lib/identity/audit/record';
import { generateSecret } from '@/lib/platform/crypto/keyed-hash';
import { seal } from '@/lib/platform/crypto/secret-box';
import { prisma } from '@/lib/platform/db/client';
import { NotFoundError, ValidationError } from '@/lib/platform/errors';
import { requirePortalFeature } from '@/lib/plans/portal-gate';
import { OutboundError, resolveOutboundHost } from '@/lib/platform/net/outbound';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { secretContext } from './delivery';

export const MAX_DESTINATIONS_PER_ORG = 5;

const url = z
  .string()
  .trim()
  .max(2000, 'Use a shorter URL.')
  .pipe(z.url({ protocol: /^https?$/, message: 'Enter an http(s) URL, e.g. https://siem.example.com/hooks/portcullis.' }))
  .refine((value) => !new URL(value).username && !new URL(value).password, 'Put credentials in the signing secret, not in the URL.');

export const siemDestinationSchema = z.object({
  url,
  /** Blank: a strong secret is generated and shown once. */
  secret: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((value) => value || undefined)
    .refine((value) => value === undefined || value.length >= 24, 'Use at least 24 characters, or leave it blank to generate one.'),
});

export const siemDestinationUpdateSchema = z.object({
  url: url.optional(),
  enabled: z.boolean().optional(),
  rotateSecret: z.boolean().optional(),
});

/** A destination inside the vendor's network is refused when it is saved, not only when delivery is attempted. */
async function assertPublicDestination(url: string | undefined) {
  if (!url) return;
  try {
    await resolveOutboundHost(new URL(url).hostname);
  } catch (error) {
    // Not resolvable yet is fine (DNS may come later); only a private or reserved address is bad input.
    if (error instanceof OutboundError && error.reason === 'forbidden_address') throw ValidationError.field('url', error.message);
  }
}

/** Changing streaming needs the permission and, for customers, a tier with audit streaming. */
async function access(actor: Actor, slug: string) {
  const result = await authorizeOrg(prisma, actor, { slug }, { org: 'siem.manage', staff: 'customers.update' });
  await requirePortalFeature(prisma, result, 'audit_streaming');
  return result;
}

async function readAccess(actor: Actor, slug: string) {
  return authorizeOrg(prisma, actor, { slug }, { org: 'siem.manage', staff: 'audit.view' });
}

/** Adds a destination; it receives events from now on. Returns the secret once. */
export async function createSiemDestination(actor: Actor, slug: string, input: z.input<typeof siemDestinationSchema>) {
  const { org } = await access(actor, slug);
  const data = siemDestinationSchema.parse(input);
  await assertPublicDestination(data.url);
  const secret = data.secret ?? generateSecret('siem_', 32);
  return prisma.$transaction(async (tx) => {
    if ((await tx.siemDestination.count({ where: { orgId: org.id } })) >= MAX_DESTINATIONS_PER_ORG) {
      throw ValidationError.field('url', `At most ${MAX_DESTINATIONS_PER_ORG} destinations per organization.`);
    }
    const id = crypto.randomUUID();
    // Streams what happens after its own creation (recorded first, so its id is the starting cursor).
    const created = await recordAudit(tx, actor, {
      action: 'siem.destination.create',
      target: { type: 'siem_destination', id },
      orgId: org.id,
      after: { url: data.url, enabled: true },
    });
    const destination = await tx.siemDestination.create({
      data: { id, orgId: org.id, url: data.url, secretEnc: seal(secret, secretContext(id)), cursor: created.id },
    });
    return { destination, secret };
  });
}

export async function updateSiemDestination(actor: Actor, slug: string, id: string, input: z.input<typeof siemDestinationUpdateSchema>) {
  const { org } = await access(actor, slug);
  const data = siemDestinationUpdateSchema.parse(input);
  await assertPublicDestination(data.url);
  return prisma.$transaction(async (tx) => {
    const before = await tx.siemDestination.findFirst({ where: { id, orgId: org.id } });
    if (!before) throw new NotFoundError('Destination not found');
    const secret = data.rotateSecret ? generateSecret('siem_', 32) : null;
    const destination = await tx.siemDestination.update({
      where: { id },
      data: { url: data.url, enabled: data.enabled, ...(secret ? { secretEnc: seal(secret, secretContext(id)) } : {}) },
    });
    await recordAudit(tx, actor, {
      action: 'siem.destination.update',
      target: { type: 'siem_destination', id },
      orgId: org.id,
      before: { url: before.url, enabled: before.enabled },
      after: { url: destination.url, enabled: destination.enabled },
      metadata: secret ? { secretRotated: true } : undefined,
    });
    return { destination, secret };
  });
}

/** Removing stays allowed below the tier (a paused destination can be cleaned up). */
export async function deleteSiemDestination(actor: Actor, slug: string, id: string) {
  const { org } = await authorizeOrg(prisma, actor, { slug }, { org: 'siem.manage', staff: 'customers.update' });
  await prisma.$transaction(async (tx) => {
    const before = await tx.siemDestination.findFirst({ where: { id, orgId: org.id } });
    if (!before) throw new NotFoundError('Destination not found');
    await tx.siemDestination.delete({ where: { id } });
    await recordAudit(tx, actor, { action: 'siem.destination.delete', target: { type: 'siem_destination', id }, orgId: org.id, before: { url: before.url, enabled: before.enabled } });
  });
}

/** The org's destinations with delivery counts by status. */
export async function listSiemDestinations(actor: Actor, slug: string) {
  const { org } = await readAccess(actor, slug);
  const destinations = await prisma.siemDestination.findMany({ where: { orgId: org.id }, orderBy: { createdAt: 'asc' } });
  const counts = await prisma.siemDelivery.groupBy({ by: ['destinationId', 'status'], where: { destinationId: { in: destinations.map((d) => d.id) } }, _count: true });
  return {
    destinations: destinations.map((destination) => {
      const of = (status: string) => counts.find((row) => row.destinationId === destination.id && row.status === status)?._count ?? 0;
      return { ...destination, pending: of('pending'), delivered: of('delivered'), dead: of('dead') };
    }),
  };
}

/** Dead letters (or any status) of one org, newest first. */
export async function listSiemDeliveries(actor: Actor, slug: string, options: { status?: 'pending' | 'delivered' | 'dead'; take?: number } = {}) {
  const { org } = await readAccess(actor, slug);
  return prisma.siemDelivery.findMany({
    where: { destination: { orgId: org.id }, status: options.status },
    orderBy: [{ createdAt: 'desc' }, { auditEventId: 'desc' }],
    take: options.take ?? 100,
    include: { destination: { select: { url: true } } },
  });
}

/**
 * Puts dead deliveries back in the queue (one, or all of a destination's),
 * attempts reset. The receiver sees the same idempotency key as before.
 */
export async function redeliverSiem(actor: Actor, slug: string, target: { deliveryId: string } | { destinationId: string }) {
  const { org } = await access(actor, slug);
  return prisma.$transaction(async (tx) => {
    const where =
      'deliveryId' in target
        ? { id: target.deliveryId, status: 'dead', destination: { orgId: org.id } }
        : { destinationId: target.destinationId, status: 'dead', destination: { orgId: org.id } };
    const dead = await tx.siemDelivery.findMany({ where, select: { id: true } });
    if (dead.length === 0) {
      if ('deliveryId' in target) throw new NotFoundError('No such dead delivery');
      return { requeued: 0 };
    }
    const { count } = await tx.siemDelivery.updateMany({
      where: { id: { in: dead.map((row) => row.id) } },
      data: { status: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null },
    });
    await recordAudit(tx, actor, {
      action: 'siem.redeliver',
      target: 'deliveryId' in target ? { type: 'siem_delivery', id: target.deliveryId } : { type: 'siem_destination', id: target.destinationId },
      orgId: org.id,
      metadata: { requeued: count },
    });
    return { requeued: count };
  });
}

/** Staff overview: every destination with its customer and delivery counts. */
export async function listAllSiemDestinations(actor: Actor) {
  assertStaffPermission(actor, 'audit.view');
  const destinations = await prisma.siemDestination.findMany({ orderBy: { createdAt: 'desc' }, include: { org: { select: { slug: true, name: true } } }, take: 500 });
  const counts = await prisma.siemDelivery.groupBy({ by: ['destinationId', 'status'], _count: true });
  return destinations.map((destination) => {
    const of = (status: string) => counts.find((row) => row.destinationId === destination.id && row.status === status)?._count ?? 0;
    return { ...destination, pending: of('pending'), delivered: of('delivered'), dead: of('dead') };
  });
}

/** Staff dead-letter view across customers, newest first. */
export async function listAllDeadSiemDeliveries(actor: Actor, take = 100) {
  assertStaffPermission(actor, 'audit.view');
  const rows = await prisma.siemDelivery.findMany({
    where: { status: 'dead' },
    orderBy: [{ nextAttemptAt: 'desc' }],
    take,
    include: { destination: { select: { url: true, org: { select: { slug: true, name: true } } } } },
  });
  return rows.map((row) => ({ ...row, org: row.destination.org }));
}
