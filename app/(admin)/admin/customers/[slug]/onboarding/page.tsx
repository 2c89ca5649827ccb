import type { Metadata } from 'next';
import { CircleCheck, Circle, Zap } from 'lucide-react';
import { ChecklistToggle } from '@/components/customers/checklist-toggle';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { formatDateTime } from '@/lib/platform/format';
import { getChecklist } from '@/lib/identity/onboarding/checklist';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { setChecklistItemAction } from '../../actions';
import { loadCustomer } from '../load';

export const metadata: Metadata = { title: 'Onboarding' };

export default async function OnboardingPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { actor, customer } = await loadCustomer(slug);
  const checklist = await getChecklist(actor, customer.id);
  const canUpdate = hasStaffPermission(actor, 'checklist.update');
  const done = checklist.filter((item) => item.doneAt).length;
  return (
    <Card className="max-w-3xl">
      <CardHeader>
        <CardTitle>Onboarding checklist</CardTitle>
        <CardDescription>
          {done} of {checklist.length} done. Steps marked <Zap className="inline size-3.5 align-[-2px]" aria-label="automatic" /> tick themselves when the system sees them happen.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <ol className="divide-y divide-border">
          {checklist.map((item) => {
            const Icon = item.doneAt ? CircleCheck : Circle;
            return (
              <li key={item.key} className="flex items-start gap-3 py-3">
                <Icon className={item.doneAt ? 'mt-0.5 size-5 shrink-0 text-success' : 'mt-0.5 size-5 shrink-0 text-muted-foreground'} aria-hidden="true" />
                <div className="min-w-0 flex-1">
                  <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
                    {item.label}
                    {item.auto ? (
                      <Badge tone="info">
                        <Zap className="size-3" aria-hidden="true" />
                        automatic
                      </Badge>
                    ) : null}
                    <span className="sr-only">{item.doneAt ? '(done)' : '(not done)'}</span>
                  </p>
                  <p className="text-[13px] text-muted-foreground">
                    {item.doneAt ? (
                      <>
                        Done {formatDateTime(item.doneAt)} by <span className="text-foreground">{item.doneBy === 'system' ? `the system (${item.auto})` : item.doneBy}</span>
                      </>
                    ) : (
                      item.hint
                    )}
                  </p>
                </div>
                {canUpdate ? (
                  <ChecklistToggle orgId={customer.id} slug={customer.slug} itemKey={item.key} label={item.label} done={!!item.doneAt} action={setChecklistItemAction} />
                ) : null}
              </li>
            );
          })}
        </ol>
      </CardContent>
    </Card>
  );
}
