import type { Metadata } from 'next';
import { InstructionSettingsForm, MaxTokenDaysForm, TemplateForm } from '@/components/settings/settings-forms';
import { ResetMfaForm } from '@/components/settings/reset-mfa-form';
import { StaffAccounts } from '@/components/settings/staff-accounts';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { prisma } from '@/lib/platform/db/client';
import { formatDateTime } from '@/lib/platform/format';
import { PLACEHOLDERS } from '@/lib/product/instructions/render';
import { instructionSettings, listTemplates } from '@/lib/product/instructions/templates';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { STAFF_ROLES, type StaffRole } from '@/lib/identity/rbac/permissions';
import { maxTokenDays } from '@/lib/product/registry/tokens';
import { listStaffUsers } from '@/lib/identity/staff/staff-users';
import { StaffSignIn } from '@/components/settings/staff-sign-in';
import { acsUrl, oidcRedirectUrl, spEntityId } from '@/lib/identity/sso/jackson';
import { loadStaffSignInSettings } from '@/lib/identity/sso/staff/connection';
import {
  createStaffOidcConnectionAction,
  createStaffSamlConnectionAction,
  deactivateStaffAction,
  deleteStaffConnectionAction,
  removeStaffGroupRoleAction,
  setBreakGlassAction,
  setStaffGroupRoleAction,
  setStaffSsoRequiredAction,
  updateStaffConnectionAction,
  reactivateStaffAction,
  resetMfaAction,
  resetTemplateAction,
  setMaxTokenDaysAction,
  updateInstructionSettingsAction,
  updateTemplateAction,
} from './actions';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const { actor, user } = await requireStaffPage('/admin/settings');
  const canStaff = hasStaffPermission(actor, 'staff.manage');
  const [templates, settings, maxDays, staff] = await Promise.all([
    listTemplates(actor),
    instructionSettings(prisma),
    maxTokenDays(prisma),
    canStaff ? listStaffUsers(actor) : Promise.resolve([]),
  ]);
  const staffSignIn = canStaff ? await loadStaffSignInSettings(actor) : null;
  const canTemplates = hasStaffPermission(actor, 'templates.manage');
  const canSettings = hasStaffPermission(actor, 'settings.manage');
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader title="Settings" description="Registry token limits and the install instructions every customer receives." />
      {!canTemplates ? <Alert tone="info">Only staff admins change these settings; you can read them.</Alert> : null}
      <Card>
        <CardHeader>
          <CardTitle>Registry tokens</CardTitle>
        </CardHeader>
        <CardContent>
          <MaxTokenDaysForm action={setMaxTokenDaysAction} maxDays={maxDays} readOnly={!canSettings} />
        </CardContent>
      </Card>
      {canStaff ? (
        <Card>
          <CardHeader>
            <CardTitle>Staff accounts</CardTitle>
            <CardDescription>
              Deactivating someone signs them out everywhere at once. Create accounts with `portcullis staff create`; staff set up two-factor authentication at their first sign-in.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <StaffAccounts
              accounts={staff.map((member) => ({ ...member, roleLabel: STAFF_ROLES[member.staffRole as StaffRole]?.label ?? member.staffRole ?? '' }))}
              selfId={user.id}
              deactivateAction={deactivateStaffAction}
              reactivateAction={reactivateStaffAction}
              resetMfaAction={resetMfaAction}
            />
            <div className="mt-6 border-t border-border pt-4">
              <ResetMfaForm action={resetMfaAction} />
              <p className="mt-2 text-xs text-muted-foreground">For anyone, staff or a customer&apos;s member, who lost their authenticator and recovery codes. Confirm who they are first.</p>
            </div>
          </CardContent>
        </Card>
      ) : null}
      {staffSignIn ? (
        <Card>
          <CardHeader>
            <CardTitle>Staff sign-in</CardTitle>
            <CardDescription>Let staff sign in through the company&apos;s identity provider (SAML or OIDC), and require it. Register Portcullis in the IdP with these details.</CardDescription>
          </CardHeader>
          <CardContent>
            <StaffSignIn
              data={staffSignIn}
              sp={{ entityId: spEntityId(), acsUrl: acsUrl(), oidcRedirectUrl: oidcRedirectUrl() }}
              actions={{
                connection: { saml: createStaffSamlConnectionAction, oidc: createStaffOidcConnectionAction, update: updateStaffConnectionAction },
                remove: deleteStaffConnectionAction,
                setRequired: setStaffSsoRequiredAction,
                setBreakGlass: setBreakGlassAction,
                setGroupRole: setStaffGroupRoleAction,
                removeGroupRole: removeStaffGroupRoleAction,
              }}
            />
          </CardContent>
        </Card>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>Install instructions</CardTitle>
          <CardDescription>Values shared by every customer&apos;s instructions.</CardDescription>
        </CardHeader>
        <CardContent>
          <InstructionSettingsForm action={updateInstructionSettingsAction} values={settings} readOnly={!canTemplates} />
        </CardContent>
      </Card>
      <section aria-labelledby="templates-heading" className="space-y-4">
        <div>
          <h2 id="templates-heading" className="text-base font-semibold">
            Instruction templates
          </h2>
          <p className="text-sm text-muted-foreground">Each section of a customer&apos;s install instructions. Placeholders in double braces are filled per customer:</p>
          <dl className="mt-3 grid gap-x-6 gap-y-1 text-[13px] sm:grid-cols-2">
            {Object.entries(PLACEHOLDERS).map(([name, description]) => (
              <div key={name} className="flex gap-2">
                <dt>
                  <code className="font-mono text-foreground">{`{{${name}}}`}</code>
                </dt>
                <dd className="text-muted-foreground">{description}</dd>
              </div>
            ))}
          </dl>
        </div>
        {templates.map((template, index) => (
          <Card key={template.key}>
            <CardHeader className="flex-row items-start justify-between gap-4">
              <div className="space-y-1">
                <CardTitle as="h3">
                  <span className="mr-2 text-muted-foreground tabular-nums">{index + 1}.</span>
                  {template.title}
                </CardTitle>
                <CardDescription>{template.customized ? `Edited ${formatDateTime(template.updatedAt)}` : 'Default text'}</CardDescription>
              </div>
              {template.customized ? <Badge tone="info">Customized</Badge> : null}
            </CardHeader>
            <CardContent>
              <TemplateForm action={updateTemplateAction} resetAction={resetTemplateAction} template={template} readOnly={!canTemplates} />
            </CardContent>
          </Card>
        ))}
      </section>
    </div>
  );
}
