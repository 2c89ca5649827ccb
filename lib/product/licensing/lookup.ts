import 'server-only';
import { prisma } from '@/lib/platform/db/client';
import { NotFoundError, ValidationError } from '@/lib/platform/errors';

/** A customer named by slug or exact name (CLI arguments, the staff issue form). No permission check: callers' services check. */
export async function findCustomer(ref: string) {
  const trimmed = ref.trim();
  const bySlug = await prisma.organization.findUnique({ where: { slug: trimmed.toLowerCase() }, select: { id: true, name: true, slug: true } });
  if (bySlug) return bySlug;
  const byName = await prisma.organization.findMany({ where: { name: trimmed }, select: { id: true, name: true, slug: true }, take: 2 });
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw ValidationError.field('customer', `Several customers are called "${trimmed}"; use the slug.`);
  throw new NotFoundError(`No customer with slug or name "${trimmed}".`);
}
