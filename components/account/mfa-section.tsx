'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { CopyButton } from '@/components/ui/copy-button';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import { formatDateTime } from '@/lib/platform/format';

type Action<T = undefined> = (state: ActionState<T>, formData: FormData) => Promise<ActionResult<T>>;
type EnrolmentStart = { secret: string; uri: string; qrCode: string };
type RecoveryCodes = { recoveryCodes: string[] };

export type MfaSectionStatus = {
  enrolled: boolean;
  enabledAt: Date | null;
  recoveryCodesLeft: number;
  /** Why it is required: staff, or the organizations that require it. */
  requiredBy: { staff: boolean; orgs: string[] };
};

/** The codes, shown once, with a copy button. */
function RecoveryCodeList({ codes }: { codes: string[] }) {
  return (
    <Alert tone="warning" title="Save your recovery codes now">
      <p>Each code signs you in once if you lose your authenticator. They are not shown again.</p>
      <ul aria-label="Recovery codes" className="my-3 grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <CopyButton value={codes.join('\n')} label="Copy recovery codes" showText size="sm" />
    </Alert>
  );
}

/**
 * Two-factor authentication on /account: turn it on (password, then the QR
 * code and secret, then a first code), new recovery codes, and turning it
 * off (password and a code) when nothing requires it.
 */
export function MfaSection({
  status,
  beginAction,
  confirmAction,
  regenerateAction,
  disableAction,
}: {
  status: MfaSectionStatus;
  beginAction: Action<EnrolmentStart>;
  confirmAction: Action<RecoveryCodes>;
  regenerateAction: Action<RecoveryCodes>;
  disableAction: Action;
}) {
  const [begun, begin, beginning] = useActionState(beginAction, null);
  const [confirmed, confirm, confirming] = useActionState(confirmAction, null);
  const [regenerated, regenerate, regenerating] = useActionState(regenerateAction, null);
  const [disabled, disable, disabling] = useActionState(disableAction, null);
  const codes = (confirmed?.ok ? confirmed.data.recoveryCodes : null) ?? (regenerated?.ok ? regenerated.data.recoveryCodes : null);
  const required = status.requiredBy.staff || status.requiredBy.orgs.length > 0;
  const requiredText = status.requiredBy.staff
    ? 'Vendor staff must use two-factor authentication.'
    : `Required by ${status.requiredBy.orgs.join(', ')}.`;

  if (status.enrolled) {
    return (
      <div className="space-y-4">
        {codes ? <RecoveryCodeList codes={codes} /> : null}
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <Badge tone="success">On</Badge>
          Authenticator app since {status.enabledAt ? formatDateTime(status.enabledAt) : '—'} · {status.recoveryCodesLeft} of 10 recovery codes left
        </p>
        <Form action={regenerate} state={regenerated} toastOnSuccess={false} className="max-w-sm space-y-3" aria-label="New recovery codes">
          <TextField name="password" label="Password" type="password" autoComplete="current-password" required state={regenerated} hint="New recovery codes replace the old ones." />
          <SubmitButton pending={regenerating} variant="secondary">
            Make new recovery codes
          </SubmitButton>
        </Form>
        {required ? (
          <p className="text-sm text-muted-foreground">{requiredText} It cannot be turned off.</p>
        ) : (
          <Form action={disable} state={disabled} className="max-w-sm space-y-3 border-t border-border pt-4" aria-label="Turn off two-factor authentication">
            <TextField name="password" label="Password" type="password" autoComplete="current-password" required state={disabled} />
            <TextField name="code" label="Code from your app, or a recovery code" autoComplete="one-time-code" required state={disabled} />
            <SubmitButton pending={disabling} variant="danger">
              Turn off two-factor authentication
            </SubmitButton>
          </Form>
        )}
      </div>
    );
  }

  if (codes) return <RecoveryCodeList codes={codes} />;

  return (
    <div className="space-y-4">
      {required ? <Alert tone="warning">{requiredText} Set it up to continue.</Alert> : null}
      {begun?.ok ? (
        <div className="space-y-4">
          <p className="text-sm">Scan this QR code with an authenticator app (1Password, Google Authenticator, Authy, …), or type the key by hand.</p>
          {/* A data: URL: the page CSP's img-src allows data:, and nothing leaves the server. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={begun.data.qrCode} alt="QR code for your authenticator app" width={200} height={200} className="rounded-md border border-border bg-white" />
          <div className="space-y-1">
            <p className="text-sm font-medium" id="mfa-secret-label">
              Setup key
            </p>
            <p className="flex items-center gap-2">
              <code aria-labelledby="mfa-secret-label" data-testid="mfa-secret" className="rounded bg-muted px-2 py-1 font-mono text-sm break-all">
                {begun.data.secret}
              </code>
              <CopyButton value={begun.data.secret} label="Copy setup key" size="sm" />
            </p>
            <p className="text-xs text-muted-foreground">Time-based, 6 digits, every 30 seconds (SHA-1).</p>
          </div>
          <Form action={confirm} state={confirmed} toastOnSuccess={false} className="max-w-sm space-y-3" aria-label="Confirm your authenticator">
            <TextField name="code" label="Code from your app" autoComplete="one-time-code" inputMode="numeric" required state={confirmed} />
            <SubmitButton pending={confirming}>Turn on</SubmitButton>
          </Form>
        </div>
      ) : (
        <Form action={begin} state={begun} toastOnSuccess={false} className="max-w-sm space-y-3" aria-label="Set up two-factor authentication">
          <TextField name="password" label="Password" type="password" autoComplete="current-password" required state={begun} hint="Confirm it is you to set up an authenticator app." />
          <SubmitButton pending={beginning}>Set up two-factor authentication</SubmitButton>
        </Form>
      )}
    </div>
  );
}
