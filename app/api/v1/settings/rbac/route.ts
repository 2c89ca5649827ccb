import { rbacSettingsResponse } from '@/lib/product/licensing/online';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  return rbacSettingsResponse(request);
}
