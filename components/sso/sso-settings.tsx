'use client';

import { CircleCheck, Download, FlaskConical, Globe, KeyRound, Pencil, Plus, Trash2, Users } from 'lucide-react';
import { useActionState, useState } from 'react';
import { CheckboxField, Form, SelectField, SubmitButton, TextAreaField, TextField } from '@/components/forms';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { CopyButton } from '@/components/ui/copy-button';
import { FormDialog } from '@/components/forms/form-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import {
  addDomainAction,
  approveDomainAction,
  createOidcConnectionAction,
  createSamlConnectionAction,
  deleteConnectionAction,
  removeDomainAction,
  removeGroupRoleAction,
  setGroupRoleAction,
  updateConnectionAction,
  updatePolicyAction,
  verifyDomainAction,
} from '@/lib/identity/sso/actions';
import type { SsoSettingsData } from '@/lib/identity/sso/settings';

// SSO never makes anyone an owner (lib/identity/sso/policy.ts): owners are made by hand, by an owner.
const ROLE_OPTIONS = [
  { value: 'viewer', label: 'Viewer' },
  { value: 'editor', label: 'Editor' },
  { value: 'admin', label: 'Admin' },
];
const ROLE_LABELS: Record<string, string> = { viewer: 'Viewer', editor: 'Editor', admin: 'Admin', owner: 'Owner' };

type Connection = SsoSettingsData['connections'][number];
const CUSTOMER_ACTIONS = { saml: createSamlConnectionAction, oidc: createOidcConnectionAction, update: updateConnectionAction };

function formatValidTo(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString().slice(0, 10);
}

export function CopyRow({ label, value, href }: { label: string; value: string; href?: string }) {
  return (
    <div className="grid gap-1 sm:grid-cols-[12rem_1fr_auto] sm:items-center sm:gap-3">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="min-w-0 truncate font-mono text-[13px]" title={value}>
        {href ? (
          <a href={href} className="underline-offset-4 hover:underline">
            {value}
          </a>
        ) : (
          value
        )}
      </dd>
      <dd>
        <CopyButton value={value} label={`Copy ${label}`} size="icon-sm" />
      </dd>
    </div>
  );
}

type ConnectionFormAction = typeof createSamlConnectionAction;

/** The actions a connection form posts to, and the hidden fields that say whose connection it is. */
export interface ConnectionDialogTarget {
  actions: { saml: ConnectionFormAction; oidc: ConnectionFormAction; update: ConnectionFormAction };
  hidden: Record<string, string>;
}

/** An SSO connection in a form: a customer's (below) or the vendor's staff connection (components/settings/staff-sign-in.tsx). */
export interface ConnectionDialogConnection {
  id: string;
  name: string;
  idp: { discoveryUrl?: string; clientId?: string } | null;
}

export function ConnectionDialog({
  target,
  protocol,
  connection,
  open,
  onOpenChange,
}: {
  target: ConnectionDialogTarget;
  protocol: 'saml' | 'oidc';
  connection?: ConnectionDialogConnection;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const editing = !!connection;
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      size="lg"
      title={`${editing ? 'Edit' : 'Add'} ${protocol === 'saml' ? 'SAML' : 'OIDC'} connection`}
      description={
        protocol === 'saml'
          ? 'Paste your identity provider’s metadata XML, or give the URL it is published at.'
          : 'Register Portcullis as a web application in your identity provider, then enter its discovery URL and client credentials.'
      }
      action={connection ? target.actions.update : protocol === 'saml' ? target.actions.saml : target.actions.oidc}
      fields={{ ...target.hidden, ...(connection ? { id: connection.id } : {}) }}
      values={{ name: connection?.name, discoveryUrl: connection?.idp?.discoveryUrl, clientId: connection?.idp?.clientId }}
      submitLabel={editing ? 'Save connection' : 'Add connection'}
    >
      <TextField name="name" label="Name" required placeholder={protocol === 'saml' ? 'Okta' : 'Azure AD'} data-autofocus />
      {protocol === 'saml' ? (
        <>
          <TextField name="metadataUrl" label="Metadata URL" type="url" placeholder="https://idp.example.com/app/metadata" hint={editing ? 'Leave both empty to keep the current metadata.' : 'Either this or the XML below.'} />
          <TextAreaField name="metadataXml" label="Metadata XML" rows={6} inputClassName="font-mono text-xs" placeholder='<md:EntityDescriptor entityID="…">…' />
        </>
      ) : (
        <>
          <TextField name="discoveryUrl" label="Discovery URL" type="url" required placeholder="https://idp.example.com/.well-known/openid-configuration" />
          <TextField name="clientId" label="Client ID" required autoComplete="off" />
          <TextField name="clientSecret" label="Client secret" type="password" required={!editing} autoComplete="new-password" hint={editing ? 'Leave empty to keep the stored secret.' : 'Stored encrypted; never shown again.'} />
        </>
      )}
    </FormDialog>
  );
}

function ConnectionsCard({ data, settingsPath }: { data: SsoSettingsData; settingsPath: string }) {
  const [dialog, setDialog] = useState<{ protocol: 'saml' | 'oidc'; connection?: Connection } | null>(null);
  const canManage = data.staff.canManageConnections;
  return (
    <Card>
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-3">
        <div>
          <CardTitle>Connections</CardTitle>
          <CardDescription>
            Identity providers your people sign in with. You can have several.
            {canManage ? null : ' Only owners can add, edit or remove them, since an identity provider can sign in as anyone in your organization.'}
          </CardDescription>
        </div>
        {canManage ? (
          <div className="flex gap-2">
            <Button variant="secondary" size="sm" onClick={() => setDialog({ protocol: 'saml' })}>
              <Plus aria-hidden="true" /> Add SAML
            </Button>
            <Button variant="secondary" size="sm" onClick={() => setDialog({ protocol: 'oidc' })}>
              <Plus aria-hidden="true" /> Add OIDC
            </Button>
          </div>
        ) : null}
      </CardHeader>
      <CardContent>
        {data.testResult ? (
          <Alert tone="success" title="Test sign-in succeeded" className="mb-4">
            The identity provider vouched for <strong>{data.testResult.email}</strong>
            {data.testResult.name ? ` (${data.testResult.name})` : ''}, subject <code className="font-mono">{data.testResult.subject}</code>
            {data.testResult.groups.length ? `, groups: ${data.testResult.groups.join(', ')}` : ', no groups'}. Nobody was signed in.
          </Alert>
        ) : null}
        {data.connections.length === 0 ? (
          <EmptyState icon={KeyRound} title="No connections yet" description="Add your SAML or OIDC identity provider to let your people sign in with it." />
        ) : (
          <ul className="divide-y divide-border" aria-label="SSO connections">
            {data.connections.map((connection) => (
              <li key={connection.id} className="flex flex-wrap items-center gap-3 py-3 first:pt-0 last:pb-0">
                <div className="min-w-0 flex-1">
                  <p className="flex items-center gap-2 font-medium">
                    {connection.name} <Badge tone="info">{connection.protocol.toUpperCase()}</Badge>
                    {connection.idp ? null : <Badge tone="danger">settings missing</Badge>}
                  </p>
                  <p className="truncate text-[13px] text-muted-foreground">
                    {connection.protocol === 'saml' ? connection.idp?.entityId : connection.idp?.discoveryUrl}
                    {connection.idp?.certificateValidTo ? ` · certificate valid to ${formatValidTo(connection.idp.certificateValidTo)}` : ''}
                  </p>
                </div>
                <div className="flex gap-2">
                  <a
                    href={`/api/sso/start?mode=test&connection=${encodeURIComponent(connection.id)}&next=${encodeURIComponent(settingsPath)}`}
                    className={buttonVariants({ variant: 'secondary', size: 'sm' })}
                  >
                    <FlaskConical aria-hidden="true" /> Test
                  </a>
                  {canManage ? (
                    <>
                      <Button variant="secondary" size="sm" onClick={() => setDialog({ protocol: connection.protocol, connection })} aria-label={`Edit ${connection.name}`}>
                        <Pencil aria-hidden="true" /> Edit
                      </Button>
                      <ConfirmDialog
                        title={`Remove ${connection.name}?`}
                        confirmLabel="Remove connection"
                        action={deleteConnectionAction}
                        fields={{ orgId: data.org.id, id: connection.id }}
                        trigger={{ label: <><Trash2 aria-hidden="true" /> Remove</>, variant: 'secondary', size: 'sm' }}
                      >
                        People who sign in through this identity provider will no longer be able to. Existing sessions end within the day.
                      </ConfirmDialog>
                    </>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
      {dialog ? <ConnectionDialog target={{ actions: CUSTOMER_ACTIONS, hidden: { orgId: data.org.id } }} protocol={dialog.protocol} connection={dialog.connection} open onOpenChange={(open) => !open && setDialog(null)} /> : null}
    </Card>
  );
}

function AddDomainForm({ orgId }: { orgId: string }) {
  const [state, action, pending] = useActionState(addDomainAction, null);
  return (
    <Form action={action} state={state} inline hideError>
      <input type="hidden" name="orgId" value={orgId} />
      <TextField name="domain" label="Add a domain" placeholder="example.com" className="min-w-60 flex-1" required />
      <SubmitButton pending={pending} variant="secondary">
        Add domain
      </SubmitButton>
    </Form>
  );
}

function DomainAction({ label, action, orgId, id, variant = 'secondary' }: { label: string; action: typeof verifyDomainAction; orgId: string; id: string; variant?: 'secondary' | 'primary' }) {
  const [state, dispatch, pending] = useActionState(action, null);
  return (
    <form action={dispatch} className="inline">
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="id" value={id} />
      <SubmitButton pending={pending} variant={variant} size="sm">
        {label}
      </SubmitButton>
      {state && !state.ok ? (
        <p role="alert" className="mt-1 max-w-md text-[13px] text-danger-strong">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}

function DomainsCard({ data }: { data: SsoSettingsData }) {
  const canManage = data.staff.canManage;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Domains</CardTitle>
        <CardDescription>
          Email domains your organization owns. Once verified, people entering an address there are sent to your identity provider, and SSO can be required for them.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {data.domains.length === 0 ? (
          <EmptyState icon={Globe} title="No domains yet" description="Add the domain of your work email addresses, then verify it with a DNS record." />
        ) : (
          <ul className="divide-y divide-border" aria-label="Domains">
            {data.domains.map((domain) => (
              <li key={domain.id} className="space-y-2 py-3 first:pt-0">
                <div className="flex flex-wrap items-center gap-3">
                  <p className="flex-1 font-medium">{domain.domain}</p>
                  {domain.verifiedAt ? (
                    <Badge tone="success" dot>
                      {domain.verifiedBy === 'dns' ? 'Verified by DNS' : 'Approved by vendor'}
                    </Badge>
                  ) : (
                    <Badge tone="warning" dot>
                      Pending verification
                    </Badge>
                  )}
                  {!domain.verifiedAt && canManage ? <DomainAction label="Check DNS" action={verifyDomainAction} orgId={data.org.id} id={domain.id} /> : null}
                  {!domain.verifiedAt && data.staff.canApprove ? <DomainAction label="Approve" action={approveDomainAction} orgId={data.org.id} id={domain.id} variant="primary" /> : null}
                  {canManage ? (
                    <ConfirmDialog
                      title={`Remove ${domain.domain}?`}
                      confirmLabel="Remove domain"
                      action={removeDomainAction}
                      fields={{ orgId: data.org.id, id: domain.id }}
                      trigger={{ label: <Trash2 aria-label={`Remove ${domain.domain}`} />, variant: 'ghost', size: 'icon-sm' }}
                    >
                      Addresses at {domain.domain} will no longer be routed to your identity provider, and SSO will no longer be required for them.
                    </ConfirmDialog>
                  ) : null}
                </div>
                {!domain.verifiedAt ? (
                  <div className="rounded-md border border-border bg-subtle p-3 text-sm">
                    <p className="mb-2 text-muted-foreground">Publish this TXT record, then check DNS (or ask your vendor contact to approve the domain):</p>
                    <dl className="space-y-2">
                      <CopyRow label="Name" value={domain.txtName} />
                      <CopyRow label="Value" value={domain.txtValue} />
                    </dl>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canManage ? <AddDomainForm orgId={data.org.id} /> : null}
      </CardContent>
    </Card>
  );
}

function PolicyCard({ data }: { data: SsoSettingsData }) {
  const [state, action, pending] = useActionState(updatePolicyAction, null);
  const verified = data.domains.filter((d) => d.verifiedAt).map((d) => d.domain);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Sign-in policy</CardTitle>
        <CardDescription>What people get when they first sign in with SSO, and whether passwords are still allowed.</CardDescription>
      </CardHeader>
      <CardContent>
        <Form action={action} state={state} values={{ defaultRole: data.policy.defaultRole, ssoRequired: data.policy.ssoRequired ? 'true' : undefined }} className="space-y-4">
          <input type="hidden" name="orgId" value={data.org.id} />
          <SelectField name="defaultRole" label="Default role for new SSO users" options={ROLE_OPTIONS} className="max-w-xs" hint="Unless a group mapping below gives them another role." />
          <CheckboxField
            name="ssoRequired"
            value="true"
            defaultChecked={data.policy.ssoRequired}
            label="Require SSO"
            hint={verified.length ? `Password sign-in is refused for addresses at ${verified.join(', ')}.` : 'Needs a connection and a verified domain.'}
          />
          {data.staff.canManage ? <SubmitButton pending={pending}>Save policy</SubmitButton> : null}
        </Form>
      </CardContent>
    </Card>
  );
}

function GroupRolesCard({ data }: { data: SsoSettingsData }) {
  const [state, action, pending] = useActionState(setGroupRoleAction, null);
  const roleOptions = [...ROLE_OPTIONS, ...data.customRoles.map((r) => ({ value: `custom:${r.id}`, label: r.name }))];
  const label = (g: SsoSettingsData['policy']['groupRoles'][number]) => g.customRoleName ?? ROLE_LABELS[g.role] ?? g.role;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Group → role mapping</CardTitle>
        <CardDescription>Optional. When the identity provider sends groups, a member of a mapped group gets that role (the highest one wins) at every sign-in.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {data.policy.groupRoles.length === 0 ? (
          <EmptyState icon={Users} title="No group mappings" description="Everyone gets the default role." />
        ) : (
          <ul className="divide-y divide-border" aria-label="Group mappings">
            {data.policy.groupRoles.map((g) => (
              <li key={g.id} className="flex items-center gap-3 py-2">
                <code className="flex-1 font-mono text-[13px]">{g.groupName}</code>
                <Badge>{label(g)}</Badge>
                {data.staff.canManage ? (
                  <ConfirmDialog
                    title={`Remove the mapping for ${g.groupName}?`}
                    confirmLabel="Remove mapping"
                    action={removeGroupRoleAction}
                    fields={{ orgId: data.org.id, id: g.id }}
                    trigger={{ label: <Trash2 aria-label={`Remove mapping for ${g.groupName}`} />, variant: 'ghost', size: 'icon-sm' }}
                  >
                    Members of this group keep their current role until it is changed.
                  </ConfirmDialog>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {data.staff.canManage ? (
          <Form action={action} state={state} inline hideError>
            <input type="hidden" name="orgId" value={data.org.id} />
            <TextField name="groupName" label="IdP group" placeholder="platform-admins" className="min-w-48 flex-1" required />
            <SelectField name="role" label="Role" options={roleOptions} className="w-44" />
            <SubmitButton pending={pending} variant="secondary">
              Map group
            </SubmitButton>
          </Form>
        ) : null}
      </CardContent>
    </Card>
  );
}

export function SsoSettings({ data, settingsPath }: { data: SsoSettingsData; settingsPath: string }) {
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-3">
          <div>
            <CardTitle>Service provider details</CardTitle>
            <CardDescription>Enter these in your identity provider when you register Portcullis.</CardDescription>
          </div>
          <a href="/api/sso/saml/metadata?download=1" className={buttonVariants({ variant: 'secondary', size: 'sm' })} download>
            <Download aria-hidden="true" /> Download SAML metadata
          </a>
        </CardHeader>
        <CardContent>
          <dl className="space-y-3">
            <CopyRow label="SP entity ID (audience)" value={data.sp.entityId} />
            <CopyRow label="ACS URL (SAML)" value={data.sp.acsUrl} />
            <CopyRow label="Metadata URL" value={data.sp.metadataUrl} href={data.sp.metadataUrl} />
            <CopyRow label="Redirect URI (OIDC)" value={data.sp.oidcRedirectUrl} />
          </dl>
          <p className="mt-4 flex items-center gap-2 text-[13px] text-muted-foreground">
            <CircleCheck className="size-4 text-success" aria-hidden="true" /> Responses must be signed. IdP-initiated sign-in is supported.
          </p>
        </CardContent>
      </Card>
      <ConnectionsCard data={data} settingsPath={settingsPath} />
      <DomainsCard data={data} />
      <PolicyCard data={data} />
      <GroupRolesCard data={data} />
    </div>
  );
}
