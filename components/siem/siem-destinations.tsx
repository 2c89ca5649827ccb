import { Radio } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { SimpleTable } from '@/components/ui/simple-table';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import { formatDateTime, formatRelative } from '@/lib/platform/format';
import { RotateSecretButton, type SecretResult } from './siem-forms';

type Action<T = undefined> = (state: ActionState<T>, formData: FormData) => Promise<ActionResult<T>>;

export interface DestinationView {
  id: string;
  url: string;
  enabled: boolean;
  createdAt: Date;
  pending: number;
  delivered: number;
  dead: number;
}

export interface DeliveryView {
  id: string;
  auditEventId: bigint;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  nextAttemptAt: Date;
  destination: { url: string };
  org?: { slug: string; name: string } | null;
}

export function DestinationList({
  slug,
  destinations,
  actions,
}: {
  slug: string;
  destinations: DestinationView[];
  actions: { update: Action<SecretResult>; remove: Action; redeliver: Action };
}) {
  if (destinations.length === 0) {
    return <EmptyState icon={Radio} title="No destinations yet" description="Add your SIEM's HTTPS endpoint to receive every audit event as it happens." />;
  }
  return (
    <ul className="divide-y divide-border">
      {destinations.map((destination) => (
        <li key={destination.id} className="flex flex-col gap-3 py-4 first:pt-0 last:pb-0 lg:flex-row lg:items-center lg:justify-between">
          <div className="min-w-0 space-y-1">
            <div className="flex items-center gap-2">
              <Badge tone={destination.enabled ? 'success' : 'warning'} dot>
                {destination.enabled ? 'Streaming' : 'Paused'}
              </Badge>
              <span className="truncate font-mono text-sm" title={destination.url}>
                {destination.url}
              </span>
            </div>
            <p className="text-sm text-muted-foreground tabular-nums">
              {destination.delivered.toLocaleString('en-US')} delivered · {destination.pending.toLocaleString('en-US')} pending ·{' '}
              <span className={destination.dead ? 'font-medium text-danger-strong' : undefined}>{destination.dead.toLocaleString('en-US')} failed</span> · added{' '}
              {formatRelative(destination.createdAt)}
            </p>
          </div>
          <div className="flex flex-wrap gap-2">
            {destination.dead > 0 ? (
              <ConfirmDialog
                title={`Redeliver ${destination.dead} failed deliveries?`}
                confirmLabel="Redeliver"
                tone="primary"
                trigger={{ label: `Redeliver ${destination.dead} failed`, variant: 'secondary', size: 'sm' }}
                action={actions.redeliver}
                fields={{ slug, destinationId: destination.id }}
              >
                They go back in the queue with their original idempotency keys, so a receiver that already has one can ignore it.
              </ConfirmDialog>
            ) : null}
            <ConfirmDialog
              title={destination.enabled ? 'Pause streaming?' : 'Resume streaming?'}
              confirmLabel={destination.enabled ? 'Pause' : 'Resume'}
              tone="primary"
              trigger={{ label: destination.enabled ? 'Pause' : 'Resume', variant: 'secondary', size: 'sm' }}
              action={actions.update}
              fields={{ slug, id: destination.id, enabled: destination.enabled ? 'false' : 'true' }}
            >
              {destination.enabled
                ? 'Events are held while paused and delivered when you resume; nothing is dropped.'
                : 'Events recorded while paused will be delivered, oldest first.'}
            </ConfirmDialog>
            <RotateSecretButton slug={slug} id={destination.id} url={destination.url} action={actions.update} />
            <ConfirmDialog
              title="Remove this destination?"
              confirmLabel="Remove"
              trigger={{ label: 'Remove', variant: 'ghost', size: 'sm', className: 'text-danger-strong' }}
              action={actions.remove}
              fields={{ slug, id: destination.id }}
            >
              Deliveries to {destination.url} stop, and its queue and failed deliveries are deleted.
            </ConfirmDialog>
          </div>
        </li>
      ))}
    </ul>
  );
}

export function DeadLetters({ deliveries, redeliver, slugOf }: { deliveries: DeliveryView[]; redeliver: Action; slugOf: (delivery: DeliveryView) => string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Failed deliveries</CardTitle>
      </CardHeader>
      <CardContent>
        {deliveries.length === 0 ? (
          <EmptyState title="No failed deliveries" description="Deliveries that still fail after every retry appear here for redelivery." />
        ) : (
          <SimpleTable
            caption="Failed deliveries"
            empty="No failed deliveries"
            rows={deliveries}
            rowKey={(delivery) => delivery.id}
            columns={[
              { header: 'Event', className: 'font-mono text-xs', cell: (delivery) => `#${delivery.auditEventId.toString()}` },
              ...(deliveries.some((delivery) => delivery.org !== undefined) ? [{ header: 'Customer', cell: (delivery: DeliveryView) => delivery.org?.name ?? '—' }] : []),
              {
                header: 'Destination',
                cell: (delivery) => (
                  <span className="block max-w-64 truncate font-mono text-xs" title={delivery.destination.url}>
                    {delivery.destination.url}
                  </span>
                ),
              },
              { header: 'Attempts', className: 'tabular-nums', cell: (delivery) => delivery.attempts },
              { header: 'Last error', className: 'text-danger-strong', cell: (delivery) => delivery.lastError ?? '—' },
              {
                header: 'Gave up',
                className: 'text-muted-foreground',
                cell: (delivery) => <span title={formatDateTime(delivery.nextAttemptAt)}>{formatRelative(delivery.nextAttemptAt)}</span>,
              },
              {
                header: 'Actions',
                hideHeader: true,
                align: 'right',
                cell: (delivery) => (
                  <ConfirmDialog
                    title={`Redeliver event #${delivery.auditEventId.toString()}?`}
                    confirmLabel="Redeliver"
                    tone="primary"
                    trigger={{ label: 'Redeliver', variant: 'secondary', size: 'sm' }}
                    action={redeliver}
                    fields={{ slug: slugOf(delivery), deliveryId: delivery.id }}
                  >
                    It is sent again with the same idempotency key ({delivery.id}).
                  </ConfirmDialog>
                ),
              },
            ]}
          />
        )}
      </CardContent>
    </Card>
  );
}
