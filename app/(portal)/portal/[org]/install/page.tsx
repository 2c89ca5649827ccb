import type { Metadata } from 'next';
import Link from 'next/link';
import { TokenStatusBadge } from '@/components/customers/badges';
import { TokenRevealHost } from '@/components/customers/token-dialogs';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { formatDate, formatRelative } from '@/lib/platform/format';
import { getInstructions } from '@/lib/product/instructions/instructions';
import { instructionSettings } from '@/lib/product/instructions/templates';
import { listTokens, tokenStatus, type TokenStatus } from '@/lib/product/registry/tokens';
import { PortalInstructions, PortalRotateToken } from './install-client';

export const metadata: Metadata = { title: 'Install' };

/** Token statuses in the customer's words; the tones are the staff page's. */
const TOKEN_LABELS: Record<TokenStatus, string> = {
  active: 'Active',
  expiring: 'Expires within 30 days',
  expiring_soon: 'Expires within 7 days',
  expired: 'Expired',
  revoked: 'Revoked',
  rotating: 'Being replaced',
};

export default async function InstallPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ repo?: string }> }) {
  const { org: slug } = await params;
  const { repo } = await searchParams;
  const { actor, access } = await requirePortalPage(slug, 'instructions.view');
  const org = access.org;
  const can = (permission: (typeof access.permissions)[number]) => access.permissions.includes(permission);
  const base = `/portal/${encodeURIComponent(org.slug)}`;
  const [instructions, tokens] = await Promise.all([
    getInstructions(actor, org.id, { repositoryId: repo && /^[\w-]{1,64}$/.test(repo) ? repo : null }).catch(() => getInstructions(actor, org.id)),
    can('tokens.view') ? listTokens(actor, org.id) : null,
  ]);
  const now = new Date();
  const visibleTokens = tokens?.filter((token) => !token.revokedAt && token.expiresAt > now) ?? null;
  const downloadHref = `${base}/install/download${instructions.repository ? `?repo=${encodeURIComponent(instructions.repository.id)}` : ''}`;

  if (instructions.repositories.length === 0) {
    // Not a dead end: say what happens next and who makes it happen.
    const { vendorContact } = await instructionSettings();
    const email = /^[^\s@]+@[^\s@]+$/.test(vendorContact) ? vendorContact : null;
    return (
      <>
        <PageHeader title="Install" description="Pull the enterprise images with your registry token, then install with Helm or plain manifests." />
        <Card>
          <CardHeader>
            <CardTitle>Nothing to install yet</CardTitle>
            <CardDescription>{org.name} has not been given access to the enterprise images yet. That is the vendor&apos;s step; here is what happens next.</CardDescription>
          </CardHeader>
          <CardContent>
            <ol className="list-decimal space-y-2 pl-5 text-sm">
              <li>
                Ask{' '}
                {email ? (
                  <a className="font-medium underline" href={`mailto:${email}?subject=${encodeURIComponent(`Enterprise image access for ${org.name}`)}`}>
                    {email}
                  </a>
                ) : (
                  vendorContact
                )}{' '}
                to grant {org.name} the enterprise image. Nothing is needed from you but the request.
              </li>
              <li>This page then shows your install instructions, and a registry token for your cluster (or your vendor sends you one).</li>
              <li>
                Meanwhile, invite the people who will install it on the{' '}
                <Link className="font-medium underline" href={`${base}/team`}>
                  Team
                </Link>{' '}
                page, and check what your plan includes on{' '}
                <Link className="font-medium underline" href={`${base}/usage`}>
                  Plan &amp; usage
                </Link>
                .
              </li>
            </ol>
          </CardContent>
        </Card>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Install"
        description={`Pull the enterprise images with registry username ${org.slug} and your registry token, then install with Helm or plain manifests.`}
      />
      {instructions.repositories.length > 1 ? (
        <nav aria-label="Repositories" className="mb-4 flex flex-wrap gap-2">
          {instructions.repositories.map((repository) => (
            <Link
              key={repository.id}
              href={`${base}/install?repo=${encodeURIComponent(repository.id)}`}
              aria-current={repository.id === instructions.repository?.id ? 'page' : undefined}
              className="rounded-full border border-border px-3 py-1 font-mono text-[13px] aria-[current=page]:border-primary aria-[current=page]:bg-accent-soft"
            >
              {repository.name}
            </Link>
          ))}
        </nav>
      ) : null}

      {visibleTokens ? (
        <TokenRevealHost>
          <Card id="tokens" className="mb-6 scroll-mt-6">
            <CardHeader>
              <CardTitle>Registry tokens</CardTitle>
              <CardDescription>
                Each token is shown once, when it is made. {can('tokens.rotate') ? 'Rotating mints a successor and keeps the old token working for the overlap you choose.' : 'Your role cannot rotate tokens.'}
              </CardDescription>
            </CardHeader>
            <CardContent>
              {visibleTokens.length === 0 ? (
                <p className="text-sm text-muted-foreground">No active token. Ask your vendor contact for one.</p>
              ) : (
                <ul className="divide-y divide-border" aria-label="Registry tokens">
                  {visibleTokens.map((token) => {
                    const status = tokenStatus(token, { hasSuccessor: token.successorId !== null, now });
                    return (
                      <li key={token.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                        <div className="min-w-0">
                          <div className="flex flex-wrap items-center gap-2 font-medium">
                            {token.name} <code className="font-mono text-xs text-muted-foreground">{token.prefix}…</code>
                            <TokenStatusBadge status={status} labels={TOKEN_LABELS} dot={false} />
                          </div>
                          <div className="text-xs text-muted-foreground">
                            {token.repositories.map((r) => r.name).join(', ')} · expires {formatDate(token.expiresAt)} · last used {formatRelative(token.lastUsedAt)}
                            {token.lastUsedIp ? ` from ${token.lastUsedIp}` : ''}
                          </div>
                        </div>
                        {can('tokens.rotate') && token.successorId === null ? (
                          <PortalRotateToken orgId={org.id} slug={org.slug} token={token} canCopyInstructions={can('instructions.download')} />
                        ) : null}
                      </li>
                    );
                  })}
                </ul>
              )}
            </CardContent>
          </Card>
        </TokenRevealHost>
      ) : null}

      {instructions.repositories.length > 0 ? (
        <PortalInstructions orgId={org.id} instructions={instructions} downloadHref={can('instructions.download') ? downloadHref : undefined} />
      ) : null}
    </>
  );
}
