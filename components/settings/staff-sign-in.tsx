'use client';

import { KeyRound, Pencil, Plus, Trash2, Users } from 'lucide-react';
import { useActionState, useState } from 'react';
import { CheckboxField, Form, SelectField, SubmitButton, TextField } from '@/components/forms';
import { ConnectionDialog, CopyRow, type ConnectionDialogTarget } from '@/components/sso/sso-settings';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import type { StaffSignInSettings } from '@/lib/identity/sso/staff/connection';

type Action = (state: ActionState, formData: FormData) => Promise<ActionResult>;

export interface StaffSignInActions {
  connection: ConnectionDialogTarget['actions'];
  remove: Action;
  setRequired: Action;
  setBreakGlass: Action;
  setGroupRole: Action;
  removeGroupRole: Action;
}

const STAFF_ROLE_OPTIONS = [
  { value: 'staff-support', label: 'Support' },
  { value: 'staff-billing', label: 'Billing' },
  { value: 'staff-admin', label: 'Staff admin (needs confirmation)' },
];

function ConnectionSection({ data, actions }: { data: StaffSignInSettings; actions: StaffSignInActions }) {
  const [dialog, setDialog] = useState<'saml' | 'oidc' | 'edit' | null>(null);
  const connection = data.connection;
  const editable = !data.fromEnv;
  return (
    <section aria-labelledby="staff-connection-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 id="staff-connection-heading" className="text-sm font-semibold">
          Company identity provider
        </h3>
        {editable && !connection ? (
          <div className="flex gap-2">
            <Button variant="secondary" size="sm" onClick={() => setDialog('saml')}>
              <Plus aria-hidden="true" /> Add SAML
            </Button>
            <Button variant="secondary" size="sm" onClick={() => setDialog('oidc')}>
              <Plus aria-hidden="true" /> Add OIDC
            </Button>
          </div>
        ) : null}
      </div>
      {data.fromEnv ? (
        <Alert tone="info">Configured by environment variables (STAFF_SSO_*): read-only here. Change the variables where the server is deployed.</Alert>
      ) : null}
      {data.envProblem ? <Alert tone="danger" title="The STAFF_SSO_* configuration is not valid">{data.envProblem}</Alert> : null}
      {connection ? (
        <div className="flex flex-wrap items-center gap-3 rounded-md border border-border px-3 py-2">
          <div className="min-w-0 flex-1">
            <p className="flex items-center gap-2 font-medium">
              {connection.name} <Badge tone="info">{connection.protocol.toUpperCase()}</Badge>
              {connection.source === 'env' ? <Badge>environment</Badge> : null}
              {connection.idp ? null : <Badge tone="danger">settings missing</Badge>}
            </p>
            <p className="truncate text-[13px] text-muted-foreground">
              {connection.protocol === 'saml' ? connection.idp?.entityId : connection.idp?.discoveryUrl}
              {' · '}
              {connection.lastSignInAt ? `last staff sign-in ${new Date(connection.lastSignInAt).toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'nobody has signed in through it yet'}
            </p>
          </div>
          {editable ? (
            <div className="flex gap-2">
              <Button variant="secondary" size="sm" onClick={() => setDialog('edit')} aria-label={`Edit ${connection.name}`}>
                <Pencil aria-hidden="true" /> Edit
              </Button>
              <ConfirmDialog
                title={`Remove ${connection.name}?`}
                confirmLabel="Remove connection"
                action={actions.remove}
                fields={{}}
                trigger={{ label: <><Trash2 aria-hidden="true" /> Remove</>, variant: 'secondary', size: 'sm' }}
              >
                Staff will no longer sign in through this identity provider, and &ldquo;SSO required for staff&rdquo; is turned off so they can use their passwords.
              </ConfirmDialog>
            </div>
          ) : null}
        </div>
      ) : (
        <EmptyState icon={KeyRound} title="No staff connection" description="Add your company’s SAML or OIDC identity provider to let staff sign in with it." />
      )}
      {dialog ? (
        <ConnectionDialog
          target={{ actions: actions.connection, hidden: {} }}
          protocol={dialog === 'edit' ? connection!.protocol : dialog}
          connection={dialog === 'edit' ? connection! : undefined}
          open
          onOpenChange={(open) => !open && setDialog(null)}
        />
      ) : null}
    </section>
  );
}

function RequirementSection({ data, actions }: { data: StaffSignInSettings; actions: StaffSignInActions }) {
  const [state, action, pending] = useActionState(actions.setRequired, null);
  const [glassState, glassAction, glassPending] = useActionState(actions.setBreakGlass, null);
  return (
    <section aria-labelledby="staff-required-heading" className="space-y-3">
      <h3 id="staff-required-heading" className="text-sm font-semibold">
        SSO required for staff
      </h3>
      <p className="text-sm text-muted-foreground">
        {data.required
          ? 'On: staff password sign-in is refused, except for the break-glass admin below.'
          : 'Off: staff may sign in with their password or the company SSO.'}
      </p>
      <Form action={action} state={state} className="flex flex-wrap items-center gap-2">
        <input type="hidden" name="required" value={data.required ? 'false' : 'true'} />
        <SubmitButton pending={pending} variant={data.required ? 'secondary' : 'primary'}>
          {data.required ? 'Allow staff passwords again' : 'Require SSO for staff'}
        </SubmitButton>
      </Form>
      <Form action={glassAction} state={glassState} values={{ email: data.breakGlass?.email ?? '' }} inline>
        <SelectField
          name="email"
          label="Break-glass admin"
          options={[{ value: '', label: 'Nobody' }, ...data.admins.map((email) => ({ value: email, label: email }))]}
          className="min-w-64"
          hint="The one staff admin who keeps password (and MFA) sign-in while SSO is required, for when the IdP is down."
        />
        <SubmitButton pending={glassPending} variant="secondary">
          Save break-glass admin
        </SubmitButton>
      </Form>
      {data.required && !data.breakGlass ? (
        <Alert tone="warning">
          No break-glass admin: if the identity provider fails, only an operator with database access can let staff in (`portcullis staff sso-required off`).
        </Alert>
      ) : null}
    </section>
  );
}

function GroupsSection({ data, actions }: { data: StaffSignInSettings; actions: StaffSignInActions }) {
  const [state, action, pending] = useActionState(actions.setGroupRole, null);
  return (
    <section aria-labelledby="staff-groups-heading" className="space-y-3">
      <h3 id="staff-groups-heading" className="text-sm font-semibold">
        Group → staff role
      </h3>
      <p className="text-sm text-muted-foreground">
        Optional. Someone without a staff account signs in only when one of their IdP groups is mapped here; they get that role. Staff admin only with explicit confirmation. Never a customer&apos;s account.
      </p>
      {data.groupRoles.length === 0 ? (
        <EmptyState icon={Users} title="No group mappings" description="Only people with a staff account sign in through the company SSO." />
      ) : (
        <ul className="divide-y divide-border" aria-label="Staff group mappings">
          {data.groupRoles.map((g) => (
            <li key={g.id} className="flex items-center gap-3 py-2">
              <code className="flex-1 font-mono text-[13px]">{g.groupName}</code>
              <Badge tone={g.staffRole === 'staff-admin' ? 'warning' : 'neutral'}>{g.staffRole}</Badge>
              <ConfirmDialog
                title={`Remove the mapping for ${g.groupName}?`}
                confirmLabel="Remove mapping"
                action={actions.removeGroupRole}
                fields={{ id: g.id }}
                trigger={{ label: <Trash2 aria-label={`Remove mapping for ${g.groupName}`} />, variant: 'ghost', size: 'icon-sm' }}
              >
                Staff accounts already created keep their role.
              </ConfirmDialog>
            </li>
          ))}
        </ul>
      )}
      <Form action={action} state={state} inline>
        <TextField name="groupName" label="IdP group" placeholder="vendor-support" className="min-w-48 flex-1" required />
        <SelectField name="staffRole" label="Staff role" options={STAFF_ROLE_OPTIONS} className="w-60" />
        <CheckboxField name="allowAdmin" value="true" label="Yes, this group makes people staff admins" />
        <SubmitButton pending={pending} variant="secondary">
          Map group
        </SubmitButton>
      </Form>
    </section>
  );
}

/** The "Staff sign-in" section of /admin/settings (staff-admins only). */
export function StaffSignIn({ data, sp, actions }: { data: StaffSignInSettings; sp: { entityId: string; acsUrl: string; oidcRedirectUrl: string }; actions: StaffSignInActions }) {
  return (
    <div className="space-y-6">
      <dl className="space-y-2">
        <CopyRow label="SP entity ID (audience)" value={sp.entityId} />
        <CopyRow label="ACS URL (SAML)" value={sp.acsUrl} />
        <CopyRow label="Redirect URI (OIDC)" value={sp.oidcRedirectUrl} />
      </dl>
      <ConnectionSection data={data} actions={actions} />
      <RequirementSection data={data} actions={actions} />
      <GroupsSection data={data} actions={actions} />
    </div>
  );
}
