import { currentActor } from '@/lib/auth/session';
import { resolveCustomer } from '@/lib/customers/resolve-customer';
import { prisma } from '@/lib/db/client';
import { isAppError } from '@/lib/errors';
import { deliverInstructions } from '@/lib/instructions/instructions';
import { log } from '@/lib/log';

/** The instructions as a Markdown file; downloading hands them over (audited, ticks the checklist). */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  try {
    const actor = await currentActor();
    if (!actor.staffRole) return new Response('Not found', { status: 404 });
    const org = await resolveCustomer(prisma, decodeURIComponent(slug));
    const repositoryId = new URL(request.url).searchParams.get('repo');
    const rendered = await deliverInstructions(actor, org.id, { repositoryId, via: 'download' });
    return new Response(rendered.markdown, {
      headers: {
        'Content-Type': 'text/markdown; charset=utf-8',
        'Content-Disposition': `attachment; filename="${rendered.filename}"`,
        'Cache-Control': 'no-store',
      },
    });
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: error.status });
    log.error({ err: error }, 'instructions download failed');
    return new Response('Something went wrong on our side.', { status: 500 });
  }
}
