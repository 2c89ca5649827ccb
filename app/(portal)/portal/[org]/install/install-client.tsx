'use client';

import { RotateTokenDialog } from '@/components/customers/token-dialogs';
import { InstructionsView } from '@/components/instructions/instructions-view';
import type { RenderedInstructions } from '@/lib/product/instructions/instructions';
import { instructionsCopiedAction, rotateOwnTokenAction } from './actions';

function recordCopy(orgId: string, repositoryId: string | null) {
  const form = new FormData();
  form.set('orgId', orgId);
  if (repositoryId) form.set('repositoryId', repositoryId);
  void instructionsCopiedAction(null, form);
}

export function PortalInstructions({ orgId, instructions, downloadHref }: { orgId: string; instructions: RenderedInstructions; downloadHref?: string }) {
  return <InstructionsView instructions={instructions} downloadHref={downloadHref} onCopied={() => recordCopy(orgId, instructions.repository?.id ?? null)} />;
}

export function PortalRotateToken({ orgId, slug, token, canCopyInstructions }: { orgId: string; slug: string; token: { id: string; name: string; prefix: string }; canCopyInstructions: boolean }) {
  return <RotateTokenDialog token={token} slug={slug} action={rotateOwnTokenAction} onInstructionsCopied={() => (canCopyInstructions ? recordCopy(orgId, null) : undefined)} />;
}
