import 'server-only';
import type { Db } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError } from '@/lib/platform/errors';

/**
 * A customer named the way staff name them on the command line: its slug, or
 * its exact name. A name shared by several customers is refused rather than
 * guessed (as a conflict on `field` when a form asks). No permission check:
 * callers authorize what they do with it.
 */
export async function resolveCustomer(db: Db, slugOrName: string, options: { field?: string } = {}) {
  const value = slugOrName.trim();
  if (!value) throw new NotFoundError('Name a customer by its slug or exact name.');
  const bySlug = await db.organization.findUnique({ where: { slug: value.toLowerCase() } });
  if (bySlug) return bySlug;
  const byName = await db.organization.findMany({ where: { name: value }, take: 2 });
  if (byName.length > 1) throw new ConflictError(`Several customers are named "${value}"; use the slug instead.`, options.field);
  if (byName[0]) return byName[0];
  throw new NotFoundError(`No customer with the slug or name "${value}".`);
}
