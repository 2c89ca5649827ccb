'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogBody } from '@/components/ui/dialog';

export interface AuditDetailsEvent {
  id: string;
  action: string;
  /** What people read (lib/identity/audit/labels.ts); staff see the code in the description. */
  label: string;
  occurredAt: string;
  actorLabel: string;
  target: string;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  hash: string;
  before: unknown;
  after: unknown;
  metadata: unknown;
}

function Json({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  return (
    <div>
      <div className="mb-1 text-xs font-medium text-muted-foreground">{label}</div>
      <pre className="max-h-72 overflow-auto rounded-md border border-border bg-subtle p-3 font-mono text-xs whitespace-pre-wrap">{JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}

/** One event's full record: who, what, where, before and after, and its chain hash. */
export function AuditDetails({ event, showCode = false }: { event: AuditDetailsEvent; showCode?: boolean }) {
  const [open, setOpen] = useState(false);
  const rows: [string, string | null][] = [
    ['Event', `#${event.id}`],
    ['Time (UTC)', event.occurredAt],
    ['Actor', event.actorLabel],
    ['Target', event.target],
    ['IP address', event.ip],
    ['User agent', event.userAgent],
    ['Request id', event.requestId],
    ['Hash', event.hash],
  ];
  return (
    <>
      <Button variant="link" size="sm" onClick={() => setOpen(true)}>
        Details<span className="sr-only"> of event {event.id}</span>
      </Button>
      {/* Rendered inside a right-aligned table cell: reset the alignment it would inherit. */}
      <Dialog open={open} onOpenChange={setOpen} title={event.label} description={showCode ? `Audit event #${event.id}: ${event.action}` : `Audit event #${event.id}`} size="lg" className="text-left">
        <DialogBody>
          <dl className="grid grid-cols-[7.5rem_1fr] gap-x-3 gap-y-1.5 text-sm">
            {rows.map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="text-muted-foreground">{label}</dt>
                <dd className="font-mono text-xs leading-5 break-all">{value ?? '—'}</dd>
              </div>
            ))}
          </dl>
          <Json label="Before" value={event.before} />
          <Json label="After" value={event.after} />
          <Json label="Details" value={event.metadata} />
        </DialogBody>
      </Dialog>
    </>
  );
}
