import { exportOwnData } from '@/lib/identity/accounts/export';
import { currentActor } from '@/lib/identity/auth/session';
import { isAppError } from '@/lib/platform/errors';
import { problemResponse } from '@/lib/platform/problem';

export const dynamic = 'force-dynamic';

/** GET /account/export — the signed-in person's own data as a JSON download (lib/identity/accounts/export.ts). */
export async function GET() {
  try {
    const data = await exportOwnData(await currentActor());
    return new Response(JSON.stringify(data, null, 2), {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="portcullis-account-${data.exportedAt.slice(0, 10)}.json"`,
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    if (isAppError(error) && error.status === 401) return problemResponse(401, 'Sign in to continue.');
    throw error;
  }
}
