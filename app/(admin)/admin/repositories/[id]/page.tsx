import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RepositoryForm } from '@/components/repositories/repository-form';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { isAppError } from '@/lib/platform/errors';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { getRepository } from '@/lib/product/registry/repositories';
import { deleteRepositoryAction, updateRepositoryAction } from '../actions';

export const metadata: Metadata = { title: 'Repository' };

export default async function RepositoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor } = await requireStaffPage(`/admin/repositories/${id}`, 'repositories.view');
  const repository = await getRepository(actor, id).catch((error: unknown) => {
    if (isAppError(error) && error.status === 404) notFound();
    throw error;
  });
  const canManage = hasStaffPermission(actor, 'repositories.manage');
  return (
    <div className="max-w-3xl space-y-6">
      <PageHeader
        title={<span className="font-mono">{repository.name}</span>}
        description={
          repository.image
            ? `The Helm chart of ${repository.image.name}: customers granted the image can pull it.`
            : repository.chart
              ? `Its Helm chart is ${repository.chart.name} (version ${repository.chart.defaultTag}).${repository.description ? ` ${repository.description}` : ''}`
              : (repository.description ?? undefined)
        }
        breadcrumbs={[{ label: 'Repositories', href: '/admin/repositories' }, { label: repository.name }]}
      />
      <Card>
        <CardContent className="pt-5 sm:pt-6">
          <RepositoryForm
            action={updateRepositoryAction}
            mode="edit"
            readOnly={!canManage}
            hidden={{ repositoryId: repository.id }}
            hasUpstreamSecret={repository.hasUpstreamSecret}
            values={{
              description: repository.description,
              upstreamUrl: repository.upstreamUrl,
              upstreamRepository: repository.upstreamRepository,
              upstreamUsername: repository.upstreamUsername,
              defaultTag: repository.defaultTag,
              redirectMode: repository.redirectMode,
            }}
          />
        </CardContent>
      </Card>
      {canManage ? (
        <Card className="border-danger-border">
          <CardHeader>
            <CardTitle>Delete repository</CardTitle>
            <CardDescription>Removes it from every customer&apos;s repository grants and token scopes; pulls of it stop at once.</CardDescription>
          </CardHeader>
          <CardContent>
            <ConfirmDialog
              title={`Delete ${repository.name}?`}
              confirmLabel="Delete repository"
              confirmationText={repository.name}
              action={deleteRepositoryAction}
              fields={{ repositoryId: repository.id }}
              trigger={{ label: 'Delete repository' }}
            >
              This cannot be undone.
            </ConfirmDialog>
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
