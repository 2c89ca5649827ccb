'use client';

import { Badge } from '@/components/ui/badge';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import { RelativeTime } from '@/components/ui/relative-time';

type Action = (state: ActionState, formData: FormData) => Promise<ActionResult>;

export type StaffAccount = { id: string; email: string; name: string | null; roleLabel: string; lastLoginAt: Date | null; disabledAt: Date | null; mfaEnabledAt: Date | null };

/** Vendor staff accounts with deactivate (sessions end at once) and reactivate, for staff admins. */
export function StaffAccounts({
  accounts,
  selfId,
  deactivateAction,
  reactivateAction,
  resetMfaAction,
}: {
  accounts: StaffAccount[];
  selfId: string;
  deactivateAction: Action;
  reactivateAction: Action;
  resetMfaAction: Action;
}) {
  return (
    <ul className="divide-y divide-border rounded-md border border-border" aria-label="Staff accounts">
      {accounts.map((account) => (
        <li key={account.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-2">
          <span className="min-w-0">
            <span className="block truncate text-sm font-medium">{account.name ?? account.email}</span>
            <span className="block truncate text-xs text-muted-foreground">
              {account.email} · {account.roleLabel} · {account.lastLoginAt ? (
                <>
                  signed in <RelativeTime value={account.lastLoginAt} />
                </>
              ) : (
                'never signed in'
              )}
            </span>
          </span>
          <span className="flex items-center gap-2">
            {account.disabledAt ? <Badge tone="neutral">Deactivated</Badge> : null}
            {account.mfaEnabledAt ? <Badge tone="success">MFA</Badge> : <Badge tone="warning">No MFA</Badge>}
            {account.mfaEnabledAt && account.id !== selfId ? (
              <ConfirmDialog
                title={`Reset two-factor authentication of ${account.email}?`}
                confirmLabel="Reset MFA"
                action={resetMfaAction}
                fields={{ email: account.email }}
                trigger={{ label: 'Reset MFA', variant: 'ghost', size: 'sm' }}
              >
                Their authenticator and recovery codes stop working and they are signed out everywhere. They set up a new authenticator at their next sign-in.
              </ConfirmDialog>
            ) : null}
            {account.id === selfId ? (
              <Badge tone="info">You</Badge>
            ) : account.disabledAt ? (
              <ConfirmDialog
                title={`Reactivate ${account.email}?`}
                confirmLabel="Reactivate"
                tone="primary"
                action={reactivateAction}
                fields={{ email: account.email }}
                trigger={{ label: 'Reactivate', variant: 'secondary', size: 'sm' }}
              >
                They can sign in again with their password.
              </ConfirmDialog>
            ) : (
              <ConfirmDialog
                title={`Deactivate ${account.email}?`}
                confirmLabel="Deactivate"
                action={deactivateAction}
                fields={{ email: account.email }}
                trigger={{ label: 'Deactivate', variant: 'ghost', size: 'sm' }}
              >
                They are signed out everywhere at once and cannot sign in until a staff admin reactivates them.
              </ConfirmDialog>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
