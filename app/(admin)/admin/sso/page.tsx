import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
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
          <CardContent className="overflow-x-auto p-0">
            <table className="w-full text-sm">
              <thead className="border-b border-border text-left text-muted-foreground">
                <tr>
                  <th className="px-4 py-2 font-medium">Customer</th>
                  <th className="px-4 py-2 font-medium">Connections</th>
                  <th className="px-4 py-2 font-medium">Domains</th>
                  <th className="px-4 py-2 font-medium">SSO required</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-border">
                {orgs.map((org) => (
                  <tr key={org.id}>
                    <td className="px-4 py-3">
                      <Link href={`/admin/sso/${encodeURIComponent(org.slug)}`} className="font-medium text-primary-strong underline-offset-4 hover:underline">
                        {org.name}
                      </Link>
                      <span className="ml-2 font-mono text-xs text-muted-foreground">{org.slug}</span>
                    </td>
                    <td className="px-4 py-3 tabular-nums">
                      {org.saml + org.oidc === 0 ? '—' : [org.saml ? `${org.saml} SAML` : null, org.oidc ? `${org.oidc} OIDC` : null].filter(Boolean).join(', ')}
                    </td>
                    <td className="space-x-1 px-4 py-3">
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
                    </td>
                    <td className="px-4 py-3">{org.ssoRequired ? <Badge tone="info">Required</Badge> : 'No'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </CardContent>
        </Card>
      )}
    </>
  );
}
