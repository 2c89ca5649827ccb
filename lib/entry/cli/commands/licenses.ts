import 'server-only';
import fs from 'node:fs/promises';
import { z } from 'zod';
import { createLicenseVerifier, type Jwks } from '@/kit/license-verifier';
import { prisma } from '@/lib/platform/db/client';
import { AppError, ValidationError } from '@/lib/platform/errors';
import { resolveCustomer } from '@/lib/product/customers/resolve-customer';
import { DEFAULT_AUDIENCE, licenseAudience } from '@/lib/product/licensing/audience';
import { issueLicense, issueLicenseSchema, reissueLicense, reissueLicenseSchema } from '@/lib/product/licensing/issue';
import { findLicenseId, LICENSE_FILTERS, listLicenses } from '@/lib/product/licensing/read';
import { revokeLicense } from '@/lib/product/licensing/revoke';
import { LICENSE_STATUS_LABELS } from '@/lib/product/licensing/status';
import { listSigningKeys, publishedJwks, retireSigningKey, rotateSigningKey } from '@/lib/product/licensing/signing-keys';
import { cliContext } from '../context';
import type { RegisterCommand } from '.';

const collect = (value: string, previous: string[]) => [...previous, value];

const licenseStatusOption = z.enum(LICENSE_FILTERS.status, { error: `Use one of ${LICENSE_FILTERS.status.join(', ')}.` }).optional();

/** `--limit seats=10 --limit nodes=unlimited` → { seats: '10', nodes: 'unlimited' }. */
function parseLimits(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([a-z_]+)=(.+)$/.exec(pair.trim());
    if (!match) throw ValidationError.field('limits', `Write limits as key=value, e.g. --limit seats=10 (got "${pair}").`);
    out[match[1]!] = match[2]!;
  }
  return out;
}

export const registerLicenses: RegisterCommand = (program, kit) => {
  const licenses = program.command('licenses').description('license keys for customers\' self-hosted products');

  licenses
    .command('issue')
    .description('issue a license; prints it alone on the last line')
    .argument('<customer>', 'slug or exact name')
    .option('--tier <tier>', 'community | team | enterprise (default: the customer\'s tier)')
    .option('--expires <YYYY-MM-DD>', 'expiry date (default: the customer\'s license expiry, or one year)')
    .option('--feature <feature>', 'an extra feature beyond the tier\'s (repeatable)', collect, [])
    .option('--limit <key=value>', 'a limit: seats, nodes, pulls_per_month, api_calls_per_month; a number or "unlimited" (repeatable)', collect, [])
    .option('--grace-days <n>', 'days the product keeps working after expiry (default 14)')
    .action(async (customer: string, options: { tier?: string; expires?: string; feature: string[]; limit: string[]; graceDays?: string }) => {
      const { actor } = await cliContext();
      const org = await resolveCustomer(prisma, customer);
      const input = issueLicenseSchema.parse({
        orgId: org.id,
        tier: options.tier,
        expiresAt: options.expires,
        features: options.feature,
        limits: parseLimits(options.limit),
        graceDays: options.graceDays,
      });
      const { license, token } = await issueLicense(actor, input);
      const out = kit.output(false);
      out.print(`Issued ${license.tier} license ${license.jti} for ${org.name}, valid until ${license.expiresAt.toISOString().slice(0, 10)} (+${license.graceDays} days grace), signed by ${license.kid}`);
      out.print(`Features: ${license.features.join(', ') || '(none)'}`);
      out.print(`Limits: ${Object.entries(license.limits).map(([k, v]) => `${k}=${v ?? 'unlimited'}`).join(', ')}`);
      out.print(token);
    });

  licenses
    .command('list')
    .description('list licenses, newest first')
    .argument('[customer]', 'slug or exact name')
    .option('--status <status>', 'active | expiring | expired | revoked')
    .option('--json', 'machine-readable output')
    .action(async (customer: string | undefined, options: { status?: string; json?: boolean }) => {
      const { actor } = await cliContext();
      const org = customer ? await resolveCustomer(prisma, customer) : null;
      const status = licenseStatusOption.parse(options.status);
      const { rows } = await listLicenses(actor, { orgId: org?.id, status, take: 1000 });
      const out = kit.output(!!options.json);
      if (out.json) {
        out.data(rows.map(({ claims: _claims, ...row }) => row));
        return;
      }
      out.table(
        rows.map((row) => ({ id: row.id, jti: row.jti, customer: row.org.slug, tier: row.tier, status: LICENSE_STATUS_LABELS[row.status], expires: row.expiresAt, kid: row.kid.slice(0, 12) })),
        [
          { key: 'id', label: 'Id' },
          { key: 'customer', label: 'Customer' },
          { key: 'tier', label: 'Tier' },
          { key: 'status', label: 'Status' },
          { key: 'expires', label: 'Expires' },
          { key: 'jti', label: 'Jti' },
          { key: 'kid', label: 'Key' },
        ],
      );
    });

  licenses
    .command('revoke')
    .description('revoke a license (it appears in the signed revocation list)')
    .argument('<id>', 'license id or jti')
    .requiredOption('--reason <reason>', 'why, e.g. "contract ended"')
    .action(async (ref: string, options: { reason: string }) => {
      const { actor } = await cliContext();
      const license = await revokeLicense(actor, { licenseId: await findLicenseId(ref), reason: options.reason });
      kit.output(false).print(`Revoked license ${license.jti} of ${license.org.name}: ${license.revokedReason}`);
    });

  licenses
    .command('reissue')
    .description('replace a license with a new one (new jti; the old one is revoked and linked); prints it alone on the last line')
    .argument('<id>', 'license id or jti')
    .option('--tier <tier>', 'a new tier')
    .option('--expires <YYYY-MM-DD>', 'a new expiry')
    .option('--feature <feature>', 'an extra feature (repeatable)', collect, [])
    .option('--limit <key=value>', 'a changed limit (repeatable)', collect, [])
    .option('--reason <reason>', 'why')
    .action(async (ref: string, options: { tier?: string; expires?: string; feature: string[]; limit: string[]; reason?: string }) => {
      const { actor } = await cliContext();
      const input = reissueLicenseSchema.parse({
        licenseId: await findLicenseId(ref),
        tier: options.tier,
        expiresAt: options.expires,
        features: options.feature,
        limits: parseLimits(options.limit),
        reason: options.reason,
      });
      const { license, token, previous } = await reissueLicense(actor, input);
      const out = kit.output(false);
      out.print(`Re-issued ${previous.jti} as ${license.jti} (${license.tier}, until ${license.expiresAt.toISOString().slice(0, 10)})`);
      out.print(token);
    });

  licenses
    .command('verify')
    .description('verify a license file offline, as the product would; exit 0 when valid or in grace')
    .argument('<file>', 'the license file ("-" for standard input)')
    .option('--jwks <file>', 'verify against this JWKS file without touching the database (default: the published keys)')
    .option('--audience <aud>', 'expected audience (default: the configured one)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, options: { jwks?: string; audience?: string; json?: boolean }) => {
      const token = (file === '-' ? await readStdin() : await fs.readFile(file, 'utf8').catch(() => {
        throw new ValidationError(`Cannot read ${file}.`);
      })).trim();
      let jwks: Jwks;
      let audience = options.audience;
      let revokedInfo: string | null = null;
      if (options.jwks) {
        try {
          jwks = JSON.parse(await fs.readFile(options.jwks, 'utf8')) as Jwks;
        } catch {
          throw new ValidationError(`${options.jwks} is not a readable JWKS (JSON with "keys").`);
        }
        audience ??= DEFAULT_AUDIENCE;
      } else {
        await cliContext();
        jwks = await publishedJwks();
        audience ??= await licenseAudience();
      }
      const result = createLicenseVerifier({ jwks, audience }).verify(token);
      if (!options.jwks && result.status !== 'invalid') {
        const row = await prisma.licenseKey.findUnique({ where: { jti: result.claims.jti }, select: { revokedAt: true, revokedReason: true } });
        if (row?.revokedAt) revokedInfo = `revoked on ${row.revokedAt.toISOString().slice(0, 10)}: ${row.revokedReason ?? ''}`;
      }
      const out = kit.output(!!options.json);
      if (out.json) out.data({ ...result, revoked: revokedInfo });
      else if (result.status === 'invalid') out.print(`INVALID (${result.reason}): ${result.message}`);
      else {
        const c = result.claims;
        const headline =
          result.status === 'valid'
            ? `VALID: ${result.daysLeft} days left`
            : result.status === 'grace'
              ? `GRACE: expired ${result.expiresAt.toISOString().slice(0, 10)}, ${result.graceDaysLeft} grace days left`
              : `EXPIRED on ${result.expiresAt.toISOString().slice(0, 10)}`;
        out.print(headline);
        out.print(`Customer: ${c.customer_name} (${c.sub})`);
        out.print(`Tier: ${c.tier}; features: ${c.features.join(', ')}`);
        out.print(`Limits: ${Object.entries(c.limits).map(([k, v]) => `${k}=${v ?? 'unlimited'}`).join(', ')}`);
        out.print(`Jti: ${c.jti}; expires ${new Date(c.exp * 1000).toISOString()}`);
        if (revokedInfo) out.print(`REVOKED: ${revokedInfo}`);
      }
      if (result.status === 'invalid') throw new AppError(`The license does not verify (${result.reason}).`, 422, 'license_invalid');
      if (result.status === 'expired') throw new AppError('The license has expired.', 422, 'license_expired');
      if (revokedInfo) throw new AppError('The license has been revoked.', 422, 'license_revoked');
    });

  const keys = program.command('keys').description('Ed25519 license signing keys (staff-admin)');

  keys
    .command('list')
    .description('list signing keys')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { actor } = await cliContext();
      const rows = await listSigningKeys(actor);
      const out = kit.output(!!options.json);
      if (out.json) out.data(rows.map(({ publicKeyPem: _pem, ...row }) => row));
      else
        out.table(rows.map(({ publicKeyPem: _pem, ...row }) => row), [
          { key: 'kid', label: 'Kid' },
          { key: 'status', label: 'Status' },
          { key: 'createdAt', label: 'Created' },
          { key: 'rotatedAt', label: 'Rotated' },
          { key: 'retiredAt', label: 'Retired' },
          { key: 'liveLicenses', label: 'Live licenses' },
        ]);
    });

  keys
    .command('rotate')
    .description('generate a new signing key; the current one keeps verifying until retired')
    .action(async () => {
      const { actor } = await cliContext();
      const key = await rotateSigningKey(actor);
      kit.output(false).print(`New signing key ${key.kid} is active; earlier keys keep verifying until retired.`);
    });

  keys
    .command('retire')
    .description('stop publishing a rotated key (licenses it signed stop verifying)')
    .argument('<kid>')
    .option('--force', 'retire even though live licenses were signed with it')
    .action(async (kid: string, options: { force?: boolean }) => {
      const { actor } = await cliContext();
      await retireSigningKey(actor, kid, { force: options.force });
      kit.output(false).print(`Retired signing key ${kid}.`);
    });

  keys
    .command('jwks')
    .description('print the published JWKS (to embed in the verification kit)')
    .action(async () => {
      await cliContext();
      kit.output(true).data(await publishedJwks());
    });
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
