import type { NextRequest } from 'next/server';
import { getJackson } from '@/lib/identity/sso/jackson';

/** The service provider's SAML metadata, for customers to load into their IdP (`?download=1` saves a file). */
export async function GET(request: NextRequest) {
  const jackson = await getJackson();
  const xml = await jackson.spConfig.toXMLMetadata();
  const headers: Record<string, string> = { 'content-type': 'application/xml; charset=utf-8', 'cache-control': 'public, max-age=300' };
  if (request.nextUrl.searchParams.has('download')) headers['content-disposition'] = 'attachment; filename="portcullis-sp-metadata.xml"';
  return new Response(xml, { headers });
}
