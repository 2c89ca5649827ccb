import 'server-only';
import { registryHost } from '@/lib/platform/config/public-url';
import { prisma } from '@/lib/platform/db/client';
import { renderInstructions } from '@/lib/product/instructions/instructions';

/** What the one-time reveal dialog shows after minting or rotating: never stored, never logged. */
export type MintedToken = { id: string; name: string; token: string; username: string; dockerLogin: string; instructions: string };

export async function tokenReveal(orgId: string, record: { id: string; name: string }, token: string): Promise<MintedToken> {
  const rendered = await renderInstructions(prisma, orgId, { token });
  const username = rendered.customer.slug;
  return {
    id: record.id,
    name: record.name,
    token,
    username,
    dockerLogin: `echo '${token}' | docker login ${registryHost()} --username ${username} --password-stdin`,
    instructions: rendered.markdown,
  };
}
