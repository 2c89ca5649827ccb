import 'server-only';
import { z } from 'zod';
import type { Prisma } from '@/lib/platform/db/client';
import { DAY } from '@/lib/platform/time';

/**
 * The audit log's filters, shared by the viewer (URL search params), the
 * export endpoints and the CLI. Invalid values are dropped rather than
 * rejected in the viewer (URLs are user input); the CLI reports them.
 */

const text = z
  .string()
  .trim()
  .max(200)
  .transform((value) => value || undefined)
  .optional();

/** `YYYY-MM-DD` (a whole UTC day) or a full ISO timestamp. */
const dateBound = (end: boolean) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      if (!value) return undefined;
      const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
      const date = new Date(dayOnly ? `${value}T00:00:00.000Z` : value);
      if (Number.isNaN(date.getTime())) {
        ctx.addIssue({ code: 'custom', message: 'Use a date like 2026-01-31.' });
        return z.NEVER;
      }
      // An end date names its whole day.
      return dayOnly && end ? new Date(date.getTime() + DAY) : date;
    })
    .optional();

export const auditFilterSchema = z.object({
  /** Part of the actor's label (email, cli:user, system:name) or their user id. */
  actor: text,
  /** An exact action (`token.revoke`) or a prefix ending in a dot or star (`token.`, `token.*`). */
  action: text,
  /** A target type (`organization`), an id, or `type:id`. */
  target: text,
  from: dateBound(false),
  /** Exclusive; a bare date includes that whole day. */
  to: dateBound(true),
});

export type AuditFilters = z.output<typeof auditFilterSchema>;

/** Parses filters from search params, dropping the invalid ones (the viewer's behaviour). */
export function parseAuditFilters(params: URLSearchParams | Record<string, string | string[] | undefined>): AuditFilters {
  const get = (key: string) => {
    const value = params instanceof URLSearchParams ? params.get(key) : params[key];
    return Array.isArray(value) ? value[0] : (value ?? undefined);
  };
  const out: AuditFilters = {};
  for (const key of Object.keys(auditFilterSchema.shape) as (keyof AuditFilters)[]) {
    const parsed = auditFilterSchema.shape[key].safeParse(get(key));
    if (parsed.success && parsed.data !== undefined) (out as Record<string, unknown>)[key] = parsed.data;
  }
  return out;
}

/** The filter values as typed (for the form and for export links that carry exactly the viewer's filters); only set ones. */
export function rawAuditFilterValues(params: Record<string, string | string[] | undefined>): Partial<Record<'actor' | 'action' | 'target' | 'from' | 'to', string>> {
  const out: Partial<Record<'actor' | 'action' | 'target' | 'from' | 'to', string>> = {};
  for (const key of ['actor', 'action', 'target', 'from', 'to'] as const) {
    const value = params[key];
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    if (text) out[key] = text.slice(0, 200);
  }
  return out;
}

export function auditWhere(filters: AuditFilters, orgId?: string | null): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (orgId !== undefined) and.push({ orgId });
  if (filters.actor) {
    and.push({ OR: [{ actorLabel: { contains: filters.actor, mode: 'insensitive' } }, { actorId: filters.actor }] });
  }
  if (filters.action) {
    const prefix = filters.action.endsWith('*') ? filters.action.slice(0, -1) : filters.action.endsWith('.') ? filters.action : null;
    and.push(prefix !== null ? { action: { startsWith: prefix } } : { action: filters.action });
  }
  if (filters.target) {
    const colon = filters.target.indexOf(':');
    if (colon > 0) {
      and.push({ targetType: filters.target.slice(0, colon), targetId: filters.target.slice(colon + 1) });
    } else {
      and.push({ OR: [{ targetType: filters.target }, { targetId: filters.target }] });
    }
  }
  if (filters.from || filters.to) and.push({ occurredAt: { gte: filters.from, lt: filters.to } });
  return and.length ? { AND: and } : {};
}

export function hasAuditFilters(filters: AuditFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined);
}
