import { currentStaffActor } from '@/lib/identity/auth/session';
import { isAppError } from '@/lib/platform/errors';
import { licenseToken } from '@/lib/product/licensing/read';
import { routeErrorResponse } from '@/lib/platform/problem';

export const dynamic = 'force-dynamic';

/** The license as a file (staff; the customer portal has its own route over the same service). Audited. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const actor = await currentStaffActor('licenses.view');
    const { id } = await params;
    const { token, filename } = await licenseToken(actor, id);
    return new Response(`${token}\n`, {
      headers: { 'content-type': 'application/jwt', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' },
    });
  } catch (error) {
    if (isAppError(error)) return routeErrorResponse(error, 'license download');
    throw error;
  }
}
