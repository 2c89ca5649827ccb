import { currentStaffActor } from '@/lib/identity/auth/session';
import { resolveCustomer } from '@/lib/product/customers/resolve-customer';
import { prisma } from '@/lib/platform/db/client';
import { deliverInstructions } from '@/lib/product/instructions/instructions';
import { routeErrorResponse } from '@/lib/platform/problem';
import { instructionsFileResponse } from '@/lib/product/instructions/markdown-response';

/** The instructions as a Markdown file; downloading hands them over (audited, ticks the checklist). */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  try {
    const actor = await currentStaffActor('customers.view');
    const org = await resolveCustomer(prisma, decodeURIComponent(slug));
    const repositoryId = new URL(request.url).searchParams.get('repo');
    return instructionsFileResponse(await deliverInstructions(actor, org.id, { repositoryId, via: 'download' }));
  } catch (error) {
    return routeErrorResponse(error, 'instructions download');
  }
}
