import type { Metadata } from 'next';
import { ScrollText } from 'lucide-react';
import { LinkButton } from '@/components/ui/button';
import { RelativeTime } from '@/components/ui/relative-time';
import { Card, CardContent } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { auditActionLabel } from '@/lib/identity/audit/labels';
import { ONBOARDING_ITEMS } from '@/lib/identity/onboarding/items';
import { listCustomerActivity, type ActivityEvent } from '@/lib/product/customers/activity';
import { loadCustomer } from '../load';

export const metadata: Metadata = { title: 'Activity' };

/** How the recorded codes in an event's metadata read (`sso_jit`, `link_required`); free text (a staff reason) is shown as written. */
const CODE_WORDS: Record<string, string> = {
  sso_jit: 'single sign-on (first sign-in)',
  sso_group_mapping: 'an SSO group mapping',
  staff_sso_group: 'a staff SSO group',
  link_required: 'the account must be linked first',
};
function words(value: unknown): string {
  const text = String(value);
  return CODE_WORDS[text] ?? (/^[a-z]+(?:_[a-z]+)+$/.test(text) ? text.replaceAll('_', ' ') : text);
}

function summary(event: ActivityEvent): string | null {
  const pick = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null);
  const after = pick(event.after);
  const before = pick(event.before);
  const metadata = pick(event.metadata);
  if (event.action === 'customer.update' && after) {
    return Object.keys(after)
      .map((key) => `${key}: ${String(before?.[key] ?? '—')} → ${String(after[key] ?? '—')}`)
      .join('; ');
  }
  if (after?.name && event.action.startsWith('token.')) return `"${String(after.name)}" ${after.prefix ? `(${String(after.prefix)}…)` : ''}`;
  if (after?.repository) return String(after.repository);
  if (before?.repository) return String(before.repository);
  if (after?.key) return ONBOARDING_ITEMS.find((item) => item.key === after.key)?.label ?? String(after.key);
  if (metadata?.reason) return `reason: ${words(metadata.reason)}`;
  if (metadata?.via) return `via ${words(metadata.via)}${metadata.tokenIncluded ? ', with token' : ''}`;
  return null;
}

export default async function ActivityPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ before?: string }> }) {
  const { slug } = await params;
  const { before } = await searchParams;
  const { actor, customer } = await loadCustomer(slug);
  const cursor = before && /^\d+$/.test(before) ? BigInt(before) : undefined;
  const { events, nextBefore } = await listCustomerActivity(actor, customer.id, { before: cursor });
  return (
    <Card>
      <CardContent className="pt-2">
        {events.length === 0 ? (
          <EmptyState icon={ScrollText} title="No activity yet" />
        ) : (
          <ol className="divide-y divide-border" aria-label="Audit events">
            {events.map((event) => {
              const detail = summary(event);
              return (
                <li key={event.id.toString()} className="grid gap-1 py-3 text-sm sm:grid-cols-[14rem_1fr_auto] sm:items-baseline sm:gap-4">
                  <span className="min-w-0">
                    <span className="block font-medium">{auditActionLabel(event.action)}</span>
                    <code className="block font-mono text-xs text-muted-foreground">{event.action}</code>
                  </span>
                  <span className="min-w-0">
                    <span className="text-foreground">{event.actorLabel}</span>
                    {detail ? <span className="block truncate text-muted-foreground">{detail}</span> : null}
                  </span>
                  <RelativeTime value={event.occurredAt} className="text-muted-foreground tabular-nums" />
                </li>
              );
            })}
          </ol>
        )}
        {nextBefore ? (
          <div className="flex justify-center border-t border-border pt-4">
            <LinkButton href={`/admin/customers/${customer.slug}/activity?before=${nextBefore}`} variant="secondary" size="sm">
              Older events
            </LinkButton>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
