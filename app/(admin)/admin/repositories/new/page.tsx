import type { Metadata } from 'next';
import { RepositoryForm } from '@/components/repositories/repository-form';
import { Card, CardContent } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { listRepositories } from '@/lib/product/registry/repositories';
import { createRepositoryAction } from '../actions';

export const metadata: Metadata = { title: 'Register repository' };

export default async function NewRepositoryPage() {
  const { actor } = await requireStaffPage('/admin/repositories/new', 'repositories.manage');
  const images = (await listRepositories(actor)).filter((r) => r.kind === 'image' && !r.chart).map((r) => r.name);
  return (
    <div className="max-w-3xl">
      <PageHeader
        title="Register a repository"
        description="Customers pull it by this name from the Portcullis registry; the gateway fetches it upstream with the credential you give here."
        breadcrumbs={[{ label: 'Repositories', href: '/admin/repositories' }, { label: 'Register' }]}
      />
      <Card>
        <CardContent className="pt-5 sm:pt-6">
          <RepositoryForm action={createRepositoryAction} mode="create" values={{ redirectMode: 'follow' }} images={images} />
        </CardContent>
      </Card>
    </div>
  );
}
