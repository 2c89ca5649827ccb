import { publishedJwks } from '@/lib/product/licensing/signing-keys';

export const dynamic = 'force-dynamic';

/** The public keys that verify licenses (active and rotated-but-not-retired), as a JWK Set. */
export async function GET() {
  return Response.json(await publishedJwks(), {
    headers: { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*', 'content-type': 'application/jwk-set+json' },
  });
}
