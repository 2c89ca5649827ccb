import { currentActor } from '@/lib/auth/session';
import { prisma } from '@/lib/db/client';
import { isAppError, NotFoundError } from '@/lib/errors';
import { deliverInstructions } from '@/lib/instructions/instructions';
import { log } from '@/lib/log';

/** The org's install instructions as a Markdown file (instructions.download; audited). */
export async function GET(request: Request, { params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  try {
    const actor = await currentActor();
    const org = await prisma.organization.findUnique({ where: { slug: decodeURIComponent(slug) }, select: { id: true } });
    if (!org) throw new NotFoundError('Organization not found');
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
    log.error({ err: error }, 'portal instructions download failed');
    return new Response('Something went wrong on our side.', { status: 500 });
  }
}
