import { currentActor } from '@/lib/identity/auth/session';
import { NotFoundError } from '@/lib/platform/errors';
import { routeErrorResponse } from '@/lib/platform/problem';
import { getLicense, licenseToken } from '@/lib/product/licensing/read';

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
    return routeErrorResponse(error, 'portal license download');
  }
}
