import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every module in lib/ is server code and says so with `import 'server-only'`
 * (a client component importing one fails the build), except these, each
 * with its reason. A new module either imports server-only or joins this list.
 */
const SHARED: Record<string, string> = {
  'lib/identity/sso/actions.ts': "server actions: 'use server' already keeps them on the server",
  'lib/product/billing/actions.ts': "server actions: 'use server' already keeps them on the server",
  'lib/plans/tiers.ts': 'tier names and ranks, shown by client components',
  'lib/platform/format.ts': 'date and number formatting, used by client components',
  'lib/platform/table/query.ts': "DataTable's URL state, parsed on both sides",
  'lib/platform/time.ts': 'duration constants, used by client components',
  'lib/product/billing/money.ts': 'price formatting, used by client components',
  'lib/product/customers/slug.ts': "the slug rule, previewed by the new-customer form as the name is typed",
};
/** Imported by the Playwright process (e2e/ and its dev/ helpers prepare databases and sign-ins), where server-only would throw. */
const E2E_PROCESS = [
  'lib/identity/sso/idp/certificate.ts',
  'lib/identity/sso/idp/saml-idp.ts',
  'lib/identity/sso/jackson-store.ts',
  'lib/identity/sso/jackson.ts',
  'lib/identity/sso/post-form.ts',
  'lib/platform/config/env.ts',
  'lib/platform/config/public-url.ts',
  'lib/platform/config/secrets.ts',
  'lib/platform/db/client.ts',
  'lib/platform/db/connect.ts',
  'lib/platform/db/embedded.ts',
  'lib/platform/db/sql.ts',
  'lib/platform/html.ts',
  'lib/platform/log.ts',
  'lib/platform/observability/metrics.ts',
  'lib/product/registry/token-format.ts',
];

function modules(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : modules(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$|\.d\.ts$/.test(entry.name) ? [full] : [];
  });
}

describe('server-only', () => {
  it('guards every lib module except the listed ones', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const unguarded = modules(path.join(root, 'lib'))
      .map((file) => path.relative(root, file).split(path.sep).join('/'))
      .filter((file) => !fs.readFileSync(path.join(root, file), 'utf8').includes("import 'server-only'"));
    expect(unguarded.sort()).toEqual([...Object.keys(SHARED), ...E2E_PROCESS].sort());
  });
});
