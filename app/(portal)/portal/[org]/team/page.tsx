import type { Metadata } from 'next';
import { DataTable, type DataTableColumn } from '@/components/data-table';
import { UpgradeButton } from '@/components/billing/upgrade-button';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { PageHeader } from '@/components/ui/page-header';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { prisma } from '@/lib/platform/db/client';
import { formatDate, formatRelative } from '@/lib/platform/format';
import { listInvitations } from '@/lib/identity/members/invitations';
import { listMembers, MEMBER_SORTS, type Member } from '@/lib/identity/members/members';
import { seatStatus } from '@/lib/identity/members/seats';
import { granterOf } from '@/lib/identity/rbac/authorize';
import { coversRole } from '@/lib/identity/rbac/grants';
import { BUILTIN_ROLE_KEYS } from '@/lib/identity/rbac/permissions';
import { nextTier } from '@/lib/plans/tiers';
import { assignableRoles } from '@/lib/identity/roles/roles';
import { parseTableQuery, type SearchParamsInput } from '@/lib/platform/table/query';
import { ResendInvitationButton } from '@/components/customers/customer-people';
import { leaveOrgAction, removeMemberAction, resendInvitationAction, revokeInvitationAction } from './actions';
import { ChangeRoleButton, InviteMemberButton } from './members-client';
import { TeamTabs } from './team-tabs';

export const metadata: Metadata = { title: 'Team' };

const ROLE_TONES: Record<string, 'accent' | 'info' | 'neutral' | 'success'> = { owner: 'accent', admin: 'info', editor: 'success', viewer: 'neutral' };

export default async function TeamPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<SearchParamsInput> }) {
  const { org: slug } = await params;
  const { actor, user, access } = await requirePortalPage(slug, 'members.view');
  const org = access.org;
  const query = parseTableQuery(await searchParams, {
    sortable: MEMBER_SORTS,
    defaultSort: 'name',
    filters: { role: [...BUILTIN_ROLE_KEYS, 'custom'] },
  });
  const granter = granterOf(access);
  const canManage = access.permissions.includes('members.manage');
  const canInvite = access.permissions.includes('members.invite');
  const [{ rows, total }, invitations, seats, roles, teamCount, roleCount] = await Promise.all([
    listMembers(actor, org.id, query),
    listInvitations(actor, org.id),
    seatStatus(prisma, org.id),
    assignableRoles(prisma, org.id, granter),
    prisma.team.count({ where: { orgId: org.id } }),
    prisma.role.count({ where: { orgId: org.id } }),
  ]);
  const roleOptions = roles.map(({ value, label, disabled }) => ({ value, label, disabled }));
  const seatsFull = seats.limit !== null && seats.used >= seats.limit;
  const isMember = access.membershipId !== null;

  const columns: DataTableColumn<Member>[] = [
    {
      id: 'name',
      header: 'Member',
      cell: ({ row }) => (
        <div className="min-w-0">
          <div className="flex items-center gap-2 font-medium">
            {row.original.name ?? row.original.email}
            {row.original.userId === user.id ? <Badge>You</Badge> : null}
          </div>
          {row.original.name ? <div className="text-xs text-muted-foreground">{row.original.email}</div> : null}
        </div>
      ),
    },
    {
      id: 'role',
      header: 'Role',
      cell: ({ row }) => <Badge tone={ROLE_TONES[row.original.role] ?? 'warning'}>{row.original.roleLabel}</Badge>,
    },
    {
      id: 'teams',
      header: 'Teams',
      enableSorting: false,
      meta: { wrap: true },
      cell: ({ row }) => (row.original.teams.length ? row.original.teams.map((team) => team.name).join(', ') : <span className="text-muted-foreground">—</span>),
    },
    { id: 'joined', header: 'Joined', sortDescFirst: true, cell: ({ row }) => formatDate(row.original.joinedAt) },
    { id: 'lastLogin', header: 'Last sign-in', enableSorting: false, cell: ({ row }) => formatRelative(row.original.lastLoginAt) },
    {
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      enableSorting: false,
      meta: { align: 'right' },
      cell: ({ row }) => {
        const member = row.original;
        const self = member.userId === user.id;
        if (!canManage || self || !coversRole(granter, { role: member.role, permissions: member.permissions })) return null;
        const name = member.name ?? member.email;
        return (
          <div className="flex justify-end gap-2">
            <ChangeRoleButton orgId={org.id} membershipId={member.id} name={name} roleRef={member.roleRef} roles={roleOptions} />
            <ConfirmDialog
              title={`Remove ${name}?`}
              confirmLabel="Remove member"
              action={removeMemberAction}
              fields={{ orgId: org.id, membershipId: member.id }}
              trigger={{ label: 'Remove', variant: 'ghost', size: 'sm' }}
            >
              {name} loses access to {org.name} at once and leaves all its teams. You can invite them again later.
            </ConfirmDialog>
          </div>
        );
      },
    },
  ];

  return (
    <>
      <PageHeader
        title="Team"
        description={
          seats.limit !== null
            ? `${seats.used} of ${seats.limit} seats used on the ${org.tier} plan (members and pending invitations).`
            : 'The people of your organization, their roles and teams.'
        }
        actions={
          canInvite ? (
            <InviteMemberButton
              orgId={org.id}
              roles={roleOptions}
              disabledReason={seatsFull ? `All ${seats.limit} seats of the ${org.tier} plan are taken. Remove a member or revoke an invitation, or upgrade.` : null}
            />
          ) : null
        }
      />
      {seats.limit !== null && seats.level !== 'ok' ? (
        <Alert
          tone={seats.level === 'exceeded' ? 'danger' : 'warning'}
          title={seats.level === 'exceeded' ? 'All seats are taken' : 'Seats are running out'}
          className="mb-6"
          action={nextTier(org.tier) ? <UpgradeButton org={org} tier={nextTier(org.tier)!} subject={`More seats for ${org.slug}`} /> : null}
        >
          {seats.used} of {seats.limit} seats of the {org.tier} plan are used by members and pending invitations.{' '}
          {seats.level === 'exceeded' ? 'Remove a member or withdraw an invitation to invite someone else, or upgrade for more seats.' : 'Upgrade for more seats before you run out.'}
        </Alert>
      ) : null}
      <TeamTabs slug={org.slug} active="members" counts={{ members: seats.members, teams: teamCount, roles: BUILTIN_ROLE_KEYS.length + roleCount }} />
      <DataTable
        columns={columns}
        rows={rows}
        total={total}
        query={query}
        itemLabel="members"
        caption="Members"
        searchPlaceholder="Search by name or email"
        getRowId={(row) => row.id}
        filters={[
          {
            id: 'role',
            label: 'Role',
            options: [
              { value: 'owner', label: 'Owner' },
              { value: 'admin', label: 'Admin' },
              { value: 'editor', label: 'Editor' },
              { value: 'viewer', label: 'Viewer' },
              { value: 'custom', label: 'Custom roles' },
            ],
          },
        ]}
      />

      {invitations.length > 0 ? (
        <Card className="mt-6">
          <CardHeader>
            <CardTitle>Pending invitations</CardTitle>
            <CardDescription>Each link works once, for the invited address only.</CardDescription>
          </CardHeader>
          <CardContent>
            <ul className="divide-y divide-border" aria-label="Pending invitations">
              {invitations.map((invitation) => (
                <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                  <div className="min-w-0">
                    <div className="flex items-center gap-2 font-medium">
                      {invitation.email}
                      <Badge tone={ROLE_TONES[invitation.roleRef] ?? 'warning'}>{invitation.roleLabel}</Badge>
                      {invitation.status === 'expired' ? <Badge tone="danger">Expired</Badge> : null}
                    </div>
                    <div className="text-xs text-muted-foreground">
                      {invitation.invitedBy ? `Invited by ${invitation.invitedBy} · ` : ''}
                      {invitation.status === 'expired' ? `expired ${formatRelative(invitation.expiresAt)}` : `expires ${formatRelative(invitation.expiresAt)}`}
                    </div>
                  </div>
                  {canInvite ? (
                    <div className="flex gap-2">
                      <ResendInvitationButton orgId={org.id} invitationId={invitation.id} email={invitation.email} action={resendInvitationAction} />
                      <ConfirmDialog
                        title={`Withdraw the invitation for ${invitation.email}?`}
                        confirmLabel="Withdraw"
                        action={revokeInvitationAction}
                        fields={{ orgId: org.id, invitationId: invitation.id }}
                        trigger={{ label: 'Withdraw', variant: 'ghost', size: 'sm' }}
                      >
                        The link stops working at once.
                      </ConfirmDialog>
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}

      {isMember ? (
        <Card className="mt-6">
          <CardHeader>
            <CardTitle>Leave {org.name}</CardTitle>
            <CardDescription>You lose access to its portal at once. An owner can leave only after making someone else an owner.</CardDescription>
          </CardHeader>
          <CardContent>
            <ConfirmDialog
              title={`Leave ${org.name}?`}
              confirmLabel="Leave organization"
              action={leaveOrgAction}
              fields={{ orgId: org.id }}
              trigger={{ label: 'Leave organization', variant: 'secondary' }}
            >
              You will need a new invitation to come back.
            </ConfirmDialog>
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}
