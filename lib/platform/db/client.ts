import { PrismaPg } from '@prisma/adapter-pg';
import { registerPoolStats } from '@/lib/platform/observability/metrics';
import { PrismaClient, type Prisma } from './generated/client';
import { createPgPool } from './sql';
import { env } from '@/lib/platform/config/env';

export { Prisma } from './generated/client';
export type * from './generated/client';

/** A Prisma client or an interactive transaction: what services accept so they compose inside one transaction. */
export type Db = PrismaClient | Prisma.TransactionClient;

function create(): PrismaClient {
  const url = env('DATABASE_URL');
  if (!url) {
    throw new Error('DATABASE_URL is not set. Start the app with `npm run demo`/`npm start`, which provide the embedded database.');
  }
  return createPrismaClient(url, env('DATABASE_POOL_SIZE'), { reportPoolStats: true });
}

/** A client on its own pool; the app uses the one from getPrisma(), tests and tools may make more. */
export function createPrismaClient(url: string, max: number, options: { reportPoolStats?: boolean; queryTimeoutMs?: number } = {}): PrismaClient {
  // Our own pool (not one the adapter hides) so /api/metrics can report its use, with the query timeouts of every pool.
  const pool = createPgPool(url, max, { queryTimeoutMs: options.queryTimeoutMs });
  if (options.reportPoolStats) {
    registerPoolStats(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }));
  }
  return new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    // Prisma's default 2 s wait for a transaction's connection fails under load (a busy pool, or a fresh
    // pool still connecting, as in every CLI run); the audit chain lock already serializes writers.
    transactionOptions: { maxWait: 10_000, timeout: 20_000 },
    // Secret columns never leave the database unless a query asks for them.
    omit: {
      user: { passwordHash: true },
      registryToken: { hash: true },
      invitation: { tokenHash: true },
      repository: { upstreamSecretEnc: true },
      signingKey: { privateKeyEnc: true },
      siemDestination: { secretEnc: true },
      userMfa: { totpSecret: true, pendingSecret: true },
    },
  });
}

type Client = ReturnType<typeof create>;
const globalForPrisma = globalThis as unknown as { __portcullisPrisma?: Client };

/** Created on first use, so importing this module (e.g. during `next build`) needs no database. */
export function getPrisma(): Client {
  globalForPrisma.__portcullisPrisma ??= create();
  return globalForPrisma.__portcullisPrisma;
}

export const prisma: Client = new Proxy({} as Client, {
  get(_target, property) {
    const client = getPrisma();
    const value = Reflect.get(client, property, client) as unknown;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(client) : value;
  },
});

export async function disconnectPrisma(): Promise<void> {
  const client = globalForPrisma.__portcullisPrisma;
  globalForPrisma.__portcullisPrisma = undefined;
  await client?.$disconnect();
}
