import type { Metadata } from 'next';
import { Check, Minus } from 'lucide-react';
import { DowngradeNotice } from '@/components/features/downgrade-notice';
import { UpgradeGate } from '@/components/features/upgrade-gate';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { PageHeader } from '@/components/ui/page-header';
import { SimpleTable } from '@/components/ui/simple-table';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { prisma } from '@/lib/platform/db/client';
import { getFeatureDecision } from '@/lib/plans/license';
import { ORG_PERMISSION_LABELS, ORG_PERMISSIONS, type OrgPermission } from '@/lib/identity/rbac/permissions';
import { listRoles, permissionGroups } from '@/lib/identity/roles/roles';
import { TeamTabs } from '../team-tabs';
import { deleteRoleAction } from './actions';
import { RoleEditorButton, type PermissionGroup } from './roles-client';

export const metadata: Metadata = { title: 'Roles' };

export default async function RolesPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const { actor, access } = await requirePortalPage(slug, 'members.view');
  const org = access.org;
  const rbac = await getFeatureDecision(prisma, org.id, 'rbac');
  // Below the tier, custom roles are frozen: shown, deletable when unused, not created or edited.
  const canManage = access.permissions.includes('roles.manage');
  const canEdit = canManage && (rbac.allowed || access.viaStaff);
  const [roles, members, teams] = await Promise.all([
    listRoles(actor, org.id),
    prisma.membership.count({ where: { orgId: org.id } }),
    prisma.team.count({ where: { orgId: org.id } }),
  ]);
  const groups: PermissionGroup[] = permissionGroups().map((group) => ({
    resource: group.resource,
    permissions: group.permissions.map((permission) => ({ ...permission, held: access.viaStaff || access.permissions.includes(permission.key) })),
  }));
  const columns = [
    ...roles.builtin.map((role) => ({ key: role.key, label: role.label, permissions: role.permissions as readonly string[], custom: false })),
    ...roles.custom.map((role) => ({ key: role.id, label: role.name, permissions: role.permissions as readonly string[], custom: true })),
  ];

  return (
    <>
      <PageHeader
        title="Team"
        description="Built-in roles are fixed. Custom roles grant exactly the permissions you choose, checked on the server for every action."
        actions={canEdit ? <RoleEditorButton orgId={org.id} groups={groups} trigger={{ label: 'New role' }} /> : null}
      />
      <TeamTabs slug={org.slug} active="roles" counts={{ members, teams, roles: columns.length }} />
      <DowngradeNotice orgId={org.id} features={['rbac']} />
      {rbac.allowed ? null : (
        <UpgradeGate feature="rbac" org={org} decision={rbac} className="mb-6">
          {null}
        </UpgradeGate>
      )}

      {roles.custom.length > 0 ? (
        <div className="mb-6 grid gap-4 lg:grid-cols-2">
          {roles.custom.map((role) => (
            <Card key={role.id} aria-label={`Role ${role.name}`}>
              <CardHeader className="flex flex-row items-start justify-between gap-3">
                <div className="min-w-0">
                  <CardTitle className="flex items-center gap-2">
                    {role.name} <Badge tone="warning">Custom</Badge>
                  </CardTitle>
                  <CardDescription>
                    {role.description ? `${role.description} · ` : ''}
                    {role.members} member{role.members === 1 ? '' : 's'}
                  </CardDescription>
                </div>
                {canManage ? (
                  <div className="flex shrink-0 gap-1">
                    {canEdit ? (
                      <RoleEditorButton orgId={org.id} groups={groups} role={role} trigger={{ label: 'Edit', variant: 'ghost', size: 'sm', 'aria-label': `Edit role ${role.name}` }} />
                    ) : null}
                    <ConfirmDialog
                      title={`Delete ${role.name}?`}
                      confirmLabel="Delete role"
                      action={deleteRoleAction}
                      fields={{ orgId: org.id, roleId: role.id }}
                      trigger={{ label: 'Delete', variant: 'ghost', size: 'sm' }}
                    >
                      Only a role nobody holds can be deleted. Pending invitations with this role are withdrawn.
                    </ConfirmDialog>
                  </div>
                ) : null}
              </CardHeader>
              <CardContent>
                <ul className="flex flex-wrap gap-1.5" aria-label={`Permissions of ${role.name}`}>
                  {role.permissions.map((permission) => (
                    <li key={permission}>
                      <Badge title={ORG_PERMISSION_LABELS[permission]}>
                        <code className="text-[11px]">{permission}</code>
                      </Badge>
                    </li>
                  ))}
                </ul>
              </CardContent>
            </Card>
          ))}
        </div>
      ) : null}

      <Card>
        <CardHeader>
          <CardTitle>What each role may do</CardTitle>
        </CardHeader>
        <CardContent>
          <SimpleTable
            caption="Permissions by role"
            empty="No permissions"
            rows={ORG_PERMISSIONS}
            rowKey={(permission) => permission}
            columns={[
              {
                header: 'Permission',
                rowHeader: true,
                cell: (permission) => (
                  <>
                    {ORG_PERMISSION_LABELS[permission]} <code className="ml-1 text-xs text-muted-foreground">{permission}</code>
                  </>
                ),
              },
              ...columns.map((column) => ({
                header: column.label,
                align: 'center' as const,
                cell: (permission: OrgPermission) =>
                  column.permissions.includes(permission) ? (
                    <Check className="mx-auto size-4 text-success" aria-label="yes" />
                  ) : (
                    <Minus className="mx-auto size-4 text-muted-foreground/50" aria-label="no" />
                  ),
              })),
            ]}
          />
        </CardContent>
      </Card>
    </>
  );
}
