import { currentActor } from '@/lib/identity/auth/session';
import { prisma } from '@/lib/platform/db/client';
import { NotFoundError } from '@/lib/platform/errors';
import { deliverInstructions } from '@/lib/product/instructions/instructions';
import { routeErrorResponse } from '@/lib/platform/problem';
import { instructionsFileResponse } from '@/lib/product/instructions/markdown-response';

/** The org's install instructions as a Markdown file (instructions.download; audited). */
export async function GET(request: Request, { params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  try {
    const actor = await currentActor();
    const org = await prisma.organization.findUnique({ where: { slug: decodeURIComponent(slug) }, select: { id: true } });
    if (!org) throw new NotFoundError('Organization not found');
    const repositoryId = new URL(request.url).searchParams.get('repo');
    return instructionsFileResponse(await deliverInstructions(actor, org.id, { repositoryId, via: 'download' }));
  } catch (error) {
    return routeErrorResponse(error, 'portal instructions download');
  }
}
