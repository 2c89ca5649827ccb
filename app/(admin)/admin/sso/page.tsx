import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
import { SimpleTable } from '@/components/ui/simple-table';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { ssoOverview } from '@/lib/identity/sso/overview';

export const metadata: Metadata = { title: 'SSO' };

export default async function AdminSsoPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const { q } = await searchParams;
  const { actor } = await requireStaffPage('/admin/sso');
  const orgs = await ssoOverview(actor, { query: q });
  return (
    <>
      <PageHeader title="Single sign-on" description="Customers’ SSO connections and domains. Open one to fix its setup or approve a domain." />
      <form className="mb-4 flex max-w-md gap-2" role="search">
        <Input name="q" defaultValue={q} placeholder="Find a customer by name, slug or domain" aria-label="Find a customer" />
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>
      {orgs.length === 0 ? (
        <EmptyState title={q ? 'No customer matches' : 'No customer uses SSO yet'} description={q ? 'Try another name, slug or domain.' : 'Search for a customer to set up SSO for them.'} />
      ) : (
        <Card>
          <CardContent className="pt-1">
            <SimpleTable
              caption="Customers' single sign-on"
              empty="No customer uses SSO yet"
              rows={orgs}
              rowKey={(org) => org.id}
              columns={[
                {
                  header: 'Customer',
                  cell: (org) => (
                    <>
                      <Link href={`/admin/sso/${encodeURIComponent(org.slug)}`} className="font-medium text-primary-strong underline-offset-4 hover:underline">
                        {org.name}
                      </Link>
                      <span className="ml-2 font-mono text-xs text-muted-foreground">{org.slug}</span>
                    </>
                  ),
                },
                { header: 'Connections', cell: (org) => (org.saml + org.oidc === 0 ? '—' : [org.saml ? `${org.saml} SAML` : null, org.oidc ? `${org.oidc} OIDC` : null].filter(Boolean).join(', ')) },
                {
                  header: 'Domains',
                  className: 'space-x-1',
                  cell: (org) => (
                    <>
                      {org.verified.map((d) => (
                        <Badge key={d} tone="success">
                          {d}
                        </Badge>
                      ))}
                      {org.pending.map((d) => (
                        <Badge key={d} tone="warning" title="Pending verification">
                          {d} · pending
                        </Badge>
                      ))}
                      {org.verified.length + org.pending.length === 0 ? '—' : null}
                    </>
                  ),
                },
                { header: 'SSO required', cell: (org) => (org.ssoRequired ? <Badge tone="info">Required</Badge> : 'No') },
              ]}
            />
          </CardContent>
        </Card>
      )}
    </>
  );
}
