import type { Metadata } from 'next';
import { KeyRound } from 'lucide-react';
import { notFound } from 'next/navigation';
import { ExpiryDate, TokenStatusBadge } from '@/components/customers/badges';
import { MintTokenDialog, RotateTokenDialog, TokenRevealHost } from '@/components/customers/token-dialogs';
import { DataTable, type DataTableColumn } from '@/components/data-table';
import { Alert } from '@/components/ui/alert';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { prisma } from '@/lib/platform/db/client';
import { formatDate, formatDateTime, formatRelative } from '@/lib/platform/format';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { listRepositoryGrants } from '@/lib/product/registry/repositories';
import { DEFAULT_TOKEN_DAYS, listTokens, maxTokenDays, tokenStatus } from '@/lib/product/registry/tokens';
import { parseTableQuery } from '@/lib/platform/table/query';
import { mintTokenAction, recordInstructionsCopiedAction, revokeAllTokensAction, revokeTokenAction, rotateTokenAction } from '../../actions';
import { loadCustomer } from '../load';

export const metadata: Metadata = { title: 'Tokens' };

type TokenRow = Awaited<ReturnType<typeof listTokens>>[number] & { status: ReturnType<typeof tokenStatus> };

export default async function TokensPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await params;
  const { actor, customer } = await loadCustomer(slug);
  if (!hasStaffPermission(actor, 'tokens.view')) notFound();
  const now = new Date();
  const [tokens, granted, maxDays] = await Promise.all([listTokens(actor, customer.id), listRepositoryGrants(actor, customer.id), maxTokenDays(prisma)]);
  const query = parseTableQuery(await searchParams, { sortable: [] as const, defaultPageSize: 25 });
  const rows: TokenRow[] = tokens.map((token) => ({ ...token, status: tokenStatus(token, { hasSuccessor: !!token.successorId, now }) }));
  const canRotate = hasStaffPermission(actor, 'tokens.rotate');
  const canRevoke = hasStaffPermission(actor, 'tokens.revoke');
  const live = rows.filter((row) => row.status !== 'revoked' && row.status !== 'expired');
  const copied = recordInstructionsCopiedAction.bind(null, customer.id, null);

  const columns: DataTableColumn<TokenRow>[] = [
    {
      id: 'name',
      header: 'Token',
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span className="font-medium">{row.original.name}</span>
          <code className="font-mono text-xs text-muted-foreground">{row.original.prefix}…</code>
        </span>
      ),
    },
    {
      id: 'scopes',
      header: 'Repositories',
      cell: ({ row }) => (
        <span className="flex flex-col font-mono text-xs">
          {row.original.repositories.length ? row.original.repositories.map((r) => <span key={r.id}>{r.name}</span>) : '—'}
        </span>
      ),
    },
    { id: 'status', header: 'Status', cell: ({ row }) => <TokenStatusBadge status={row.original.status} /> },
    {
      id: 'expiresAt',
      header: 'Expires',
      cell: ({ row }) =>
        row.original.revokedAt ? <span className="text-muted-foreground">revoked {formatDate(row.original.revokedAt)}</span> : <ExpiryDate value={row.original.expiresAt} now={now} />,
    },
    {
      id: 'lastUsedAt',
      header: 'Last used',
      cell: ({ row }) =>
        row.original.lastUsedAt ? (
          <span className="flex flex-col" title={formatDateTime(row.original.lastUsedAt)}>
            <span>{formatRelative(row.original.lastUsedAt, now)}</span>
            <span className="font-mono text-xs text-muted-foreground">{row.original.lastUsedIp ?? ''}</span>
          </span>
        ) : (
          <span className="text-muted-foreground">never</span>
        ),
    },
    {
      id: 'createdAt',
      header: 'Created',
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span>{formatDate(row.original.createdAt)}</span>
          <span className="text-xs text-muted-foreground">{row.original.createdBy ?? ''}</span>
        </span>
      ),
    },
    {
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      meta: { align: 'right' },
      cell: ({ row }) => {
        const token = row.original;
        if (token.status === 'revoked' || token.status === 'expired') return null;
        return (
          <span className="inline-flex items-center gap-1">
            {canRotate && token.status !== 'rotating' ? (
              <RotateTokenDialog token={{ id: token.id, name: token.name, prefix: token.prefix }} slug={customer.slug} action={rotateTokenAction} onInstructionsCopied={copied} />
            ) : null}
            {canRevoke ? (
              <ConfirmDialog
                title={`Revoke "${token.name}"?`}
                confirmLabel="Revoke token"
                action={revokeTokenAction}
                fields={{ tokenId: token.id, slug: customer.slug }}
                trigger={{ label: 'Revoke', variant: 'ghost', size: 'sm', className: 'text-danger-strong' }}
              >
                Pulls with <code className="font-mono">{token.prefix}…</code> stop within a second. This cannot be undone.
              </ConfirmDialog>
            ) : null}
          </span>
        );
      },
    },
  ];

  const disabledReason =
    customer.status !== 'active'
      ? `${customer.name} is ${customer.status}.`
      : granted.length === 0
        ? 'Grant a repository on the overview first.'
        : !hasStaffPermission(actor, 'tokens.create')
          ? 'Your role cannot mint tokens.'
          : null;
  const actions = (
    <>
      {hasStaffPermission(actor, 'tokens.revoke_all') && live.length > 0 ? (
        <ConfirmDialog
          title={`Revoke all of ${customer.name}'s tokens?`}
          confirmLabel={`Revoke ${live.length} token${live.length === 1 ? '' : 's'}`}
          confirmationText={customer.slug}
          action={revokeAllTokensAction}
          fields={{ orgId: customer.id, slug: customer.slug }}
          trigger={{ label: 'Revoke all', variant: 'secondary' }}
        >
          Every pull by {customer.name} stops within a second, until you mint a new token.
        </ConfirmDialog>
      ) : null}
      <MintTokenDialog
        org={{ id: customer.id, slug: customer.slug, name: customer.name }}
        repositories={granted}
        maxDays={maxDays}
        defaultDays={Math.min(DEFAULT_TOKEN_DAYS, maxDays)}
        action={mintTokenAction}
        onInstructionsCopied={copied}
        disabledReason={disabledReason}
      />
    </>
  );

  return (
    <TokenRevealHost>
      <div className="space-y-4">
        {granted.length === 0 && customer.status === 'active' ? (
          <Alert tone="info" title="No repositories granted yet">
            Tokens are scoped to the repositories granted to a customer. Grant one on the overview tab, then mint a token here.
          </Alert>
        ) : null}
        <DataTable
          columns={columns}
          rows={rows.slice(query.skip, query.skip + query.take)}
          total={rows.length}
          query={query}
          searchable={false}
          getRowId={(row) => row.id}
          itemLabel="tokens"
          caption={`${customer.name}'s registry tokens`}
          actions={actions}
          empty={
            <EmptyState
              icon={KeyRound}
              title="No tokens yet"
              description={`Mint one to give ${customer.name} pull access. Their registry username is ${customer.slug}.`}
            />
          }
        />
      </div>
    </TokenRevealHost>
  );
}
