import type { Metadata } from 'next';
import Link from 'next/link';
import { InstructionsView } from '@/components/instructions/instructions-view';
import { Alert } from '@/components/ui/alert';
import { cn } from '@/components/ui/cn';
import { getInstructions } from '@/lib/product/instructions/instructions';
import { TOKEN_PLACEHOLDER } from '@/lib/product/instructions/render';
import { recordInstructionsCopiedAction } from '../../actions';
import { loadCustomer } from '../load';

export const metadata: Metadata = { title: 'Install instructions' };

export default async function InstructionsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ repo?: string }> }) {
  const { slug } = await params;
  const { repo } = await searchParams;
  const { actor, customer } = await loadCustomer(slug);
  // A stale ?repo= (grant since removed) falls back to the first granted repository.
  const instructions = await getInstructions(actor, customer.id, { repositoryId: repo }).catch(() => getInstructions(actor, customer.id));
  const base = `/admin/customers/${customer.slug}/instructions`;
  const repositoryId = instructions.repository?.id ?? null;
  return (
    <div className="space-y-4">
      {instructions.repository ? (
        <Alert tone="info">
          The token appears as <code className="font-mono">{TOKEN_PLACEHOLDER}</code>. The copy with the token filled in is offered once, right after minting. Templates are edited in{' '}
          <Link href="/admin/settings" className="font-medium underline">
            settings
          </Link>
          .
        </Alert>
      ) : (
        <Alert tone="warning" title="No repository granted">
          Grant {customer.name} a repository on the overview tab; until then the instructions name a placeholder repository.
        </Alert>
      )}
      {instructions.repositories.length > 1 ? (
        <nav aria-label="Repository" className="flex flex-wrap gap-2 text-sm">
          {instructions.repositories.map((r) => (
            <Link
              key={r.id}
              href={`${base}?repo=${r.id}`}
              aria-current={r.id === repositoryId ? 'true' : undefined}
              className={cn('rounded-full border px-3 py-1 font-mono text-xs', r.id === repositoryId ? 'border-primary bg-primary-soft text-foreground' : 'border-border text-muted-foreground hover:bg-muted')}
            >
              {r.name}
            </Link>
          ))}
        </nav>
      ) : null}
      <InstructionsView
        instructions={instructions}
        downloadHref={`${base}/download${repositoryId ? `?repo=${repositoryId}` : ''}`}
        onCopied={recordInstructionsCopiedAction.bind(null, customer.id, repositoryId)}
      />
    </div>
  );
}
