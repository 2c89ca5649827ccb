import { currentActor } from '@/lib/auth/session';
import { isAppError, NotFoundError } from '@/lib/errors';
import { getLicense, licenseToken } from '@/lib/licensing/licenses';
import { log } from '@/lib/log';

/** One of the org's licenses as a .jwt file (licenses.download; audited). */
export async function GET(_request: Request, { params }: { params: Promise<{ org: string; licenseId: string }> }) {
  const { org: slug, licenseId } = await params;
  try {
    const actor = await currentActor();
    // The license must belong to the org in the path, not merely to some org the caller can see.
    const license = await getLicense(actor, licenseId);
    if (license.org.slug !== decodeURIComponent(slug)) throw new NotFoundError('License not found');
    const { token, filename } = await licenseToken(actor, license.id);
    return new Response(`${token}\n`, {
      headers: {
        'Content-Type': 'application/jwt',
        'Content-Disposition': `attachment; filename="${filename}"`,
        'Cache-Control': 'no-store',
      },
    });
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: error.status });
    log.error({ err: error }, 'portal license download failed');
    return new Response('Something went wrong on our side.', { status: 500 });
  }
}
