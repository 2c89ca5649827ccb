import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGateway, GATEWAY_ENV } from './build-gateway.mjs';

const root = path.resolve(import.meta.dirname, '..');

describe('npm run gateway', () => {
  it('runs with the environment the tests and the benchmark give the gateway', () => {
    const script = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.gateway!;
    expect(Object.keys(GATEWAY_ENV).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(GATEWAY_ENV)) expect(script).toContain(`${name}=${value} node .build/gateway.mjs`);
  });

  it('bundles the gateway into one module with only packages left to resolve', async () => {
    const bundle = await buildGateway();
    const source = fs.readFileSync(bundle, 'utf8');
    expect(source).toContain('Portcullis registry gateway listening on');
    expect(source).not.toMatch(/from ["']@\//);
    expect(source).not.toMatch(/from ["']\.{1,2}\//);
    // Raw SQL through pg only (lib/platform/db/sql.ts): Prisma's query compiler would cost ~50 MB per replica.
    expect(source).toMatch(/from ["']pg["']/);
    expect(source).not.toMatch(/["']@prisma\/|lib\/platform\/db\/generated/);
    // SMTP is loaded on the first quota mail, not at start-up (lib/platform/mail/smtp.ts).
    expect(source).not.toMatch(/from ["']nodemailer["']/);
  });
});
