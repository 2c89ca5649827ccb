import type { Metadata } from 'next';
import { Users } from 'lucide-react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { prisma } from '@/lib/platform/db/client';
import { BUILTIN_ROLE_KEYS } from '@/lib/identity/rbac/permissions';
import { listTeams } from '@/lib/identity/teams/teams';
import { TeamTabs } from '../team-tabs';
import { deleteTeamAction, removeTeamMemberAction } from './actions';
import { AddTeamMemberButton, CreateTeamButton, EditTeamButton } from './teams-client';

export const metadata: Metadata = { title: 'Teams' };

export default async function TeamsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const { actor, access } = await requirePortalPage(slug, 'members.view');
  const org = access.org;
  const canManage = access.permissions.includes('teams.manage');
  const [teams, members, roleCount] = await Promise.all([
    listTeams(actor, org.id),
    prisma.membership.findMany({ where: { orgId: org.id }, select: { id: true, user: { select: { email: true, name: true } } }, orderBy: { user: { email: 'asc' } } }),
    prisma.role.count({ where: { orgId: org.id } }),
  ]);

  return (
    <>
      <PageHeader title="Team" description="Teams are named groups of your members." actions={canManage ? <CreateTeamButton orgId={org.id} /> : null} />
      <TeamTabs slug={org.slug} active="teams" counts={{ members: members.length, teams: teams.length, roles: BUILTIN_ROLE_KEYS.length + roleCount }} />
      {teams.length === 0 ? (
        <Card>
          <CardContent className="py-10">
            <EmptyState icon={Users} title="No teams yet" description={canManage ? 'Create a team to group members, e.g. "Platform" or "QA".' : 'An administrator can create teams.'} />
          </CardContent>
        </Card>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {teams.map((team) => {
            const inTeam = new Set(team.members.map((member) => member.membershipId));
            const candidates = members.filter((member) => !inTeam.has(member.id)).map((member) => ({ value: member.id, label: member.user.name ? `${member.user.name} (${member.user.email})` : member.user.email }));
            return (
              <Card key={team.id} aria-label={`Team ${team.name}`}>
                <CardHeader className="flex flex-row items-start justify-between gap-3">
                  <div className="min-w-0">
                    <CardTitle>{team.name}</CardTitle>
                    {team.description ? <CardDescription>{team.description}</CardDescription> : null}
                  </div>
                  {canManage ? (
                    <div className="flex shrink-0 gap-1">
                      <EditTeamButton orgId={org.id} team={team} />
                      <ConfirmDialog
                        title={`Delete ${team.name}?`}
                        confirmLabel="Delete team"
                        action={deleteTeamAction}
                        fields={{ orgId: org.id, teamId: team.id }}
                        trigger={{ label: 'Delete', variant: 'ghost', size: 'sm' }}
                      >
                        The team goes away; its {team.members.length} member{team.members.length === 1 ? '' : 's'} stay in {org.name}.
                      </ConfirmDialog>
                    </div>
                  ) : null}
                </CardHeader>
                <CardContent className="space-y-3">
                  {team.members.length === 0 ? (
                    <p className="text-sm text-muted-foreground">No members yet.</p>
                  ) : (
                    <ul className="divide-y divide-border rounded-md border border-border">
                      {team.members.map((member) => (
                        <li key={member.membershipId} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
                          <span className="min-w-0 truncate">
                            {member.name ?? member.email}
                            {member.name ? <span className="ml-2 text-xs text-muted-foreground">{member.email}</span> : null}
                          </span>
                          {canManage ? (
                            <ConfirmDialog
                              title={`Remove ${member.name ?? member.email} from ${team.name}?`}
                              confirmLabel="Remove from team"
                              action={removeTeamMemberAction}
                              fields={{ orgId: org.id, teamId: team.id, membershipId: member.membershipId }}
                              trigger={{ label: 'Remove', variant: 'ghost', size: 'sm' }}
                            >
                              They stay a member of {org.name}.
                            </ConfirmDialog>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  )}
                  {canManage && candidates.length > 0 ? <AddTeamMemberButton orgId={org.id} team={team} candidates={candidates} /> : null}
                </CardContent>
              </Card>
            );
          })}
        </div>
      )}
    </>
  );
}
