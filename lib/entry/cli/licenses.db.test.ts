import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { publishedJwks } from '@/lib/product/licensing/signing-keys';
import { runCli } from '@/dev/testing/cli';
import { createOrg, uniqueSlug } from '@/dev/testing/factories';

async function tmpFile(name: string, content: string) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'portcullis-cli-'));
  const file = path.join(dir, name);
  await fs.writeFile(file, content);
  return file;
}

describe('portcullis licenses', () => {
  it('issues a license (alone on the last line) that a JOSE library verifies, lists, verifies and revokes it', async () => {
    const name = `Cli Corp ${uniqueSlug('n')}`; // unique: `list NAME` must find exactly one
    const org = await createOrg({ tier: 'team', name });
    const issued = await runCli(['licenses', 'issue', org.slug, '--tier', 'enterprise', '--expires', '2031-01-31', '--feature', 'webhooks', '--limit', 'seats=12', '--limit', 'nodes=unlimited']);
    expect(issued).toMatchObject({ code: 0, stderr: '' });
    expect(issued.stdout).toContain('Issued enterprise license');
    const token = issued.lastLine;
    const { payload } = await jwtVerify(token, createLocalJWKSet(await publishedJwks()), { algorithms: ['EdDSA'] });
    expect(payload).toMatchObject({ tier: 'enterprise', limits: { seats: 12, nodes: null }, customer_name: name, exp: Date.UTC(2031, 0, 31, 23, 59, 59) / 1000 });
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'license.issue', orgId: org.id } });
    expect(event.actorLabel).toMatch(/^cli:/);

    // By exact name too.
    expect((await runCli(['licenses', 'list', name, '--json'])).code).toBe(0);
    const list = JSON.parse((await runCli(['licenses', 'list', org.slug, '--json'])).stdout);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ tier: 'enterprise', status: 'active', jti: payload.jti });
    expect((await runCli(['licenses', 'list', org.slug])).stdout).toMatch(/ID\s+CUSTOMER\s+TIER\s+STATUS/);

    const file = await tmpFile('license.jwt', `${token}\n`);
    const verified = await runCli(['licenses', 'verify', file]);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(/^VALID: \d+ days left/);

    // Offline against a JWKS file, and against the wrong keys.
    const jwksFile = await tmpFile('jwks.json', JSON.stringify(await publishedJwks()));
    expect((await runCli(['licenses', 'verify', file, '--jwks', jwksFile])).code).toBe(0);
    const otherKeys = await tmpFile('other.json', JSON.stringify({ keys: [] }));
    const wrong = await runCli(['licenses', 'verify', file, '--jwks', otherKeys]);
    expect(wrong).toMatchObject({ code: 1, stderr: 'portcullis: The license does not verify (unknown_kid).\n' });
    expect(wrong.stdout).toMatch(/^INVALID \(unknown_kid\)/);

    expect((await runCli(['licenses', 'revoke', String(payload.jti)])).code).toBe(2); // --reason is required
    const revoked = await runCli(['licenses', 'revoke', String(payload.jti), '--reason', 'contract ended']);
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.stdout).toContain('contract ended');
    const after = await runCli(['licenses', 'verify', file]);
    expect(after).toMatchObject({ code: 1, stderr: 'portcullis: The license has been revoked.\n' });
    expect(after.stdout).toContain('REVOKED: revoked on');
  });

  it('re-issues a license', async () => {
    const org = await createOrg({ tier: 'community' });
    const first = await runCli(['licenses', 'issue', org.slug]);
    const id = JSON.parse((await runCli(['licenses', 'list', org.slug, '--json'])).stdout)[0].id;
    const again = await runCli(['licenses', 'reissue', id, '--tier', 'team', '--reason', 'upgrade']);
    expect(again.code).toBe(0);
    expect(again.lastLine).not.toBe(first.lastLine);
    const rows = JSON.parse((await runCli(['licenses', 'list', org.slug, '--json'])).stdout);
    expect(rows.map((r: { status: string }) => r.status).sort()).toEqual(['active', 'superseded']);
  });

  it('explains bad input in one line and writes nothing', async () => {
    const org = await createOrg();
    const cases: [string[], RegExp][] = [
      [['licenses', 'issue', 'no-such-customer-x'], /^portcullis: No customer with the slug or name "no-such-customer-x"\.\n$/],
      [['licenses', 'issue', org.slug, '--expires', '2001-01-01'], /^portcullis: The expiry must be in the future\.\n$/],
      [['licenses', 'issue', org.slug, '--tier', 'gold'], /^portcullis: tier: Choose community, team or enterprise\.\n$/],
      [['licenses', 'list', '--status', 'bogus'], /^portcullis: Use one of active, expiring, expired, revoked\.\n$/],
      [['licenses', 'issue', org.slug, '--limit', 'seats'], /^portcullis: Write limits as key=value/],
      [['licenses', 'issue', org.slug, '--limit', 'planets=3'], /^portcullis: limits: Unknown limit planets/],
      [['licenses', 'issue', org.slug, '--feature', 'warp_drive'], /^portcullis: Unknown feature: warp_drive\.\n$/],
      [['licenses', 'revoke', 'nope', '--reason', 'x y z'], /^portcullis: No license with id or jti nope\.\n$/],
      [['licenses', 'verify', '/does/not/exist'], /^portcullis: Cannot read \/does\/not\/exist\.\n$/],
    ];
    for (const [argv, stderr] of cases) {
      const result = await runCli(argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stderr).toMatch(stderr);
    }
    expect(await prisma.licenseKey.count({ where: { orgId: org.id } })).toBe(0);
  });
});

describe('portcullis licenses: values the services do not know', () => {
  it('refuses --tier platinum on re-issue and a manual tier platinum, in one line, exit 1, changing nothing', async () => {
    const org = await createOrg({ tier: 'team' });
    const issued = await runCli(['licenses', 'issue', org.slug]);
    expect(issued.code).toBe(0);
    const before = await prisma.licenseKey.findMany({ where: { orgId: org.id }, orderBy: { id: 'asc' } });

    const reissue = await runCli(['licenses', 'reissue', before[0]!.id, '--tier', 'platinum']);
    expect(reissue).toMatchObject({ code: 1, stderr: 'portcullis: tier: Choose community, team or enterprise.\n' });
    const manual = await runCli(['billing', 'manual-tier', org.slug, 'platinum', '--reason', 'invoiced deal #1']);
    expect(manual.code).toBe(1);
    expect(manual.stderr).toMatch(/^portcullis: tier: [^\n]+\n$/);

    expect(await prisma.licenseKey.findMany({ where: { orgId: org.id }, orderBy: { id: 'asc' } })).toEqual(before);
    expect(await prisma.organization.findUniqueOrThrow({ where: { id: org.id }, select: { tier: true, manualTier: true } })).toEqual({ tier: 'team', manualTier: null });
  });
});

describe('portcullis keys', () => {
  it('lists, rotates and prints the JWKS', async () => {
    await runCli(['licenses', 'issue', (await createOrg()).slug]); // makes sure a key exists
    const before = JSON.parse((await runCli(['keys', 'list', '--json'])).stdout) as { kid: string; status: string }[];
    expect(before.some((k) => k.status === 'active')).toBe(true);
    expect(JSON.stringify(before)).not.toMatch(/PRIVATE|v1\./);
    const rotated = await runCli(['keys', 'rotate']);
    expect(rotated.code).toBe(0);
    const kid = /New signing key (\S+) is active/.exec(rotated.stdout)![1]!;
    const after = JSON.parse((await runCli(['keys', 'list', '--json'])).stdout) as { kid: string; status: string }[];
    expect(after.find((k) => k.kid === kid)?.status).toBe('active');
    const jwks = JSON.parse((await runCli(['keys', 'jwks'])).stdout);
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(kid);
    expect((await runCli(['keys', 'list'])).stdout).toMatch(/KID\s+STATUS/);
    const retireActive = await runCli(['keys', 'retire', kid]);
    expect(retireActive).toMatchObject({ code: 1, stderr: 'portcullis: This key signs new licenses; rotate first, then retire it.\n' });
  });
});
