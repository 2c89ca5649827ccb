'use client';

import { Badge } from '@/components/ui/badge';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import { RelativeTime } from '@/components/ui/relative-time';
import { formatDateTime } from '@/lib/platform/format';

type Action = (state: ActionState, formData: FormData) => Promise<ActionResult>;

export type SessionRow = { id: string; device: string; ip: string | null; method: string; createdAt: Date; lastSeenAt: Date; current: boolean };

/** The person's signed-in devices, with sign-out for one, all others, or all. */
export function SessionList({ sessions, endAction, endOthersAction, endAllAction }: { sessions: SessionRow[]; endAction: Action; endOthersAction: Action; endAllAction: Action }) {
  const others = sessions.filter((session) => !session.current).length;
  return (
    <div className="space-y-4">
      <ul className="divide-y divide-border rounded-md border border-border" aria-label="Signed-in devices">
        {sessions.map((session) => (
          <li key={session.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-2">
            <span className="min-w-0">
              <span className="flex items-center gap-2 text-sm font-medium">
                {session.device}
                {session.current ? <Badge tone="success">This device</Badge> : null}
              </span>
              <span className="block text-xs text-muted-foreground">
                {session.ip ?? 'unknown address'} · {session.method} · signed in {formatDateTime(session.createdAt)} · last seen <RelativeTime value={session.lastSeenAt} />
              </span>
            </span>
            {session.current ? null : (
              <ConfirmDialog
                title={`Sign out ${session.device}?`}
                confirmLabel="Sign out"
                action={endAction}
                fields={{ sessionId: session.id }}
                trigger={{ label: 'Sign out', variant: 'ghost', size: 'sm', className: 'shrink-0' }}
              >
                That device is signed out on its next click ({session.ip ?? 'unknown address'}, last seen <RelativeTime value={session.lastSeenAt} />).
              </ConfirmDialog>
            )}
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        {others > 0 ? (
          <ConfirmDialog
            title="Sign out every other device?"
            confirmLabel="Sign out others"
            action={endOthersAction}
            trigger={{ label: 'Sign out all other devices', variant: 'secondary', size: 'sm' }}
          >
            {others === 1 ? 'One other device is' : `${others} other devices are`} signed out on their next click. This device stays signed in.
          </ConfirmDialog>
        ) : null}
        <ConfirmDialog title="Sign out everywhere?" confirmLabel="Sign out everywhere" action={endAllAction} trigger={{ label: 'Sign out everywhere', variant: 'ghost', size: 'sm' }}>
          Every device, this one included, is signed out.
        </ConfirmDialog>
      </div>
    </div>
  );
}
