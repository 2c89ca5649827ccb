/**
 * The slug rule, without `server-only`: the new-customer form previews the
 * slug the service will derive with the very same function.
 */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
export const MAX_SLUG_LENGTH = 40;

/** "Acme Corp." → "acme-corp": the default slug, which is also the registry username. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/g, '');
}

/** The slug field's placeholder while a name is typed: the slug left empty gives (the example before anything usable is typed). */
export function slugPreview(name: string, example = 'acme-corp'): string {
  const slug = slugify(name);
  return slug.length >= 2 ? slug : example;
}
