import { currentStaffActor } from '@/lib/identity/auth/session';
import { isAppError } from '@/lib/platform/errors';
import { signingKeyPem } from '@/lib/product/licensing/signing-keys';
import { routeErrorResponse } from '@/lib/platform/problem';

export const dynamic = 'force-dynamic';

/** A signing key's public half as a PEM file (staff-admin). */
export async function GET(_request: Request, { params }: { params: Promise<{ kid: string }> }) {
  try {
    const actor = await currentStaffActor('signing_keys.manage');
    const { kid } = await params;
    const key = await signingKeyPem(actor, decodeURIComponent(kid));
    return new Response(key.publicKeyPem, {
      headers: { 'content-type': 'application/x-pem-file', 'content-disposition': `attachment; filename="license-signing-${key.kid.slice(0, 16)}.pem"` },
    });
  } catch (error) {
    if (isAppError(error)) return routeErrorResponse(error, 'public key download');
    throw error;
  }
}
