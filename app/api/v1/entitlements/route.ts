import { entitlementsResponse } from '@/lib/product/licensing/online';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  return entitlementsResponse(request);
}
