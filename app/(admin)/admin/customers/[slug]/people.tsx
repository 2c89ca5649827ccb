import { InviteButton, ResendInvitationButton } from '@/components/customers/customer-people';
import { Badge, type Tone } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { formatRelative } from '@/lib/platform/format';
import { listInvitationHistory, type InvitationStatus } from '@/lib/identity/members/invitations';
import { listMembers } from '@/lib/identity/members/members';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { ORG_PERMISSIONS } from '@/lib/identity/rbac/permissions';
import { assignableRoles } from '@/lib/identity/roles/roles';
import { cancelOwnerInvitationAction, deactivateUserAction, inviteOwnerAction, reactivateUserAction, resendOwnerInvitationAction } from '../actions';

const STATUS: Record<InvitationStatus, { label: string; tone: Tone }> = {
  pending: { label: 'Pending', tone: 'info' },
  accepted: { label: 'Accepted', tone: 'success' },
  expired: { label: 'Expired', tone: 'warning' },
  revoked: { label: 'Cancelled', tone: 'neutral' },
};

/** The customer's people as staff see them: invitations (the first owner's among them) and members. */
export async function CustomerPeople({ actor, customer }: { actor: Actor; customer: { id: string; name: string; status: string } }) {
  const canInvite = hasStaffPermission(actor, 'customers.update') && customer.status === 'active';
  const canDeactivate = hasStaffPermission(actor, 'customers.deactivate');
  const [invitations, members, roles] = await Promise.all([
    listInvitationHistory(actor, customer.id),
    listMembers(actor, customer.id, { q: '', sort: 'role', dir: 'asc', skip: 0, take: 100 }),
    assignableRoles(prisma, customer.id, { role: 'staff', permissions: ORG_PERMISSIONS, staff: true }),
  ]);
  const owners = members.rows.filter((member) => member.role === 'owner').length;
  return (
    <>
      <Card>
        <CardHeader className="flex-row items-start justify-between gap-4">
          <div className="space-y-1">
            <CardTitle>Owners &amp; invitations</CardTitle>
            <CardDescription>
              {owners === 0 ? `${customer.name} has no owner yet: invite the first one.` : `${owners} owner${owners === 1 ? '' : 's'}. Owners invite the rest of their team from the portal.`}
            </CardDescription>
          </div>
          {canInvite ? (
            <InviteButton
              orgId={customer.id}
              roles={roles.map(({ value, label, disabled }) => ({ value, label, disabled }))}
              action={inviteOwnerAction}
              title={`Invite someone to ${customer.name}`}
              description="They get an email with a link to join. The first owner can then invite the rest of their team from the portal."
              trigger={{ label: 'Invite owner', size: 'sm' }}
              defaultRole="owner"
            />
          ) : null}
        </CardHeader>
        <CardContent>
          {invitations.length === 0 ? (
            <p className="text-sm text-muted-foreground">No invitations yet.</p>
          ) : (
            <ul className="divide-y divide-border" aria-label="Invitations">
              {invitations.map((invitation) => {
                const open = invitation.status === 'pending' || invitation.status === 'expired';
                return (
                  <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                    <div className="min-w-0">
                      <div className="flex flex-wrap items-center gap-2 font-medium">
                        {invitation.email}
                        <Badge tone="accent">{invitation.roleLabel}</Badge>
                        <Badge tone={STATUS[invitation.status].tone}>{STATUS[invitation.status].label}</Badge>
                      </div>
                      <div className="text-xs text-muted-foreground">
                        {invitation.invitedBy ? `Invited by ${invitation.invitedBy} · ` : ''}
                        {invitation.status === 'pending' ? `expires ${formatRelative(invitation.expiresAt)}` : `sent ${formatRelative(invitation.createdAt)}`}
                      </div>
                    </div>
                    {canInvite && open ? (
                      <div className="flex gap-2">
                        <ResendInvitationButton orgId={customer.id} invitationId={invitation.id} email={invitation.email} action={resendOwnerInvitationAction} />
                        <ConfirmDialog
                          title={`Cancel the invitation for ${invitation.email}?`}
                          confirmLabel="Cancel invitation"
                          action={cancelOwnerInvitationAction}
                          fields={{ orgId: customer.id, invitationId: invitation.id }}
                          trigger={{ label: 'Cancel', variant: 'ghost', size: 'sm' }}
                        >
                          The link stops working at once. This is audited.
                        </ConfirmDialog>
                      </div>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Members</CardTitle>
          <CardDescription>
            {members.total === 0 ? 'Nobody has joined yet.' : `${members.total} member${members.total === 1 ? '' : 's'}. A deactivated person cannot sign in anywhere until reactivated.`}
          </CardDescription>
        </CardHeader>
        {members.total > 0 ? (
          <CardContent>
            <ul className="divide-y divide-border" aria-label="Members">
              {members.rows.map((member) => (
                <li key={member.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                  <div className="min-w-0">
                    <div className="flex flex-wrap items-center gap-2 font-medium">
                      {member.name ?? member.email}
                      <Badge tone={member.role === 'owner' ? 'accent' : 'neutral'}>{member.roleLabel}</Badge>
                      {member.deactivated ? <Badge tone="danger">Deactivated</Badge> : null}
                    </div>
                    <div className="text-xs text-muted-foreground">
                      {member.name ? `${member.email} · ` : ''}last sign-in {formatRelative(member.lastLoginAt)}
                    </div>
                  </div>
                  {canDeactivate ? (
                    member.deactivated ? (
                      <ConfirmDialog
                        title={`Reactivate ${member.email}?`}
                        confirmLabel="Reactivate"
                        tone="primary"
                        action={reactivateUserAction}
                        fields={{ orgId: customer.id, userId: member.userId }}
                        trigger={{ label: 'Reactivate', variant: 'secondary', size: 'sm' }}
                      >
                        They can sign in again, with the memberships they had.
                      </ConfirmDialog>
                    ) : (
                      <ConfirmDialog
                        title={`Deactivate ${member.email}?`}
                        confirmLabel="Deactivate"
                        action={deactivateUserAction}
                        fields={{ orgId: customer.id, userId: member.userId }}
                        trigger={{ label: 'Deactivate', variant: 'ghost', size: 'sm' }}
                      >
                        They are signed out everywhere at once and cannot sign in to any organization until reactivated. This is audited.
                      </ConfirmDialog>
                    )
                  ) : null}
                </li>
              ))}
            </ul>
          </CardContent>
        ) : null}
      </Card>
    </>
  );
}
