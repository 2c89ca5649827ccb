import { signedRevocationList } from '@/lib/product/licensing/revocations';

export const dynamic = 'force-dynamic';

/**
 * The signed revocation list: a compact JWS (typ revocation-list+jwt) over
 * the revoked license ids and its issue time. `?format=json` shows the
 * decoded claims beside it for people; products fetch the default.
 */
export async function GET(request: Request) {
  const { jws, claims } = await signedRevocationList();
  const headers = { 'cache-control': 'public, max-age=60', 'access-control-allow-origin': '*' };
  if (new URL(request.url).searchParams.get('format') === 'json') return Response.json({ jws, claims }, { headers });
  return new Response(jws, { headers: { ...headers, 'content-type': 'application/jwt' } });
}
