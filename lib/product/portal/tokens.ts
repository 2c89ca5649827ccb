import 'server-only';
import { z } from 'zod';
import type { Actor } from '@/lib/identity/auth/actor';
import { tokenReveal } from '@/lib/product/customers/token-reveal';
import { prisma } from '@/lib/platform/db/client';
import { NotFoundError } from '@/lib/platform/errors';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';
import { rotateToken } from '@/lib/product/registry/tokens';

export const rotateOwnTokenSchema = z.object({
  /** The org the page is for (the shared rotate dialog posts the slug). */
  slug: z.string().min(1),
  tokenId: z.string().min(1),
  overlapHours: z.coerce.number().min(0, 'The overlap cannot be negative.').max(24 * 7, 'Keep the overlap within 7 days.').default(24),
});

/**
 * A customer rotates one of their own org's registry tokens (tokens.rotate).
 * The token must belong to the org the page is for: an id from another org
 * is not found, even when the actor belongs to that org too.
 */
export async function rotateOwnToken(actor: Actor, input: z.input<typeof rotateOwnTokenSchema>) {
  const data = rotateOwnTokenSchema.parse(input);
  const { org } = await authorizeOrg(prisma, actor, { slug: data.slug }, { org: 'tokens.rotate', staff: 'tokens.rotate' });
  const token = await prisma.registryToken.findFirst({ where: { id: data.tokenId, orgId: org.id }, select: { id: true } });
  if (!token) throw new NotFoundError('Token not found');
  const { token: secret, record } = await rotateToken(actor, { tokenId: token.id, overlapHours: data.overlapHours });
  return tokenReveal(record.orgId, record, secret);
}
