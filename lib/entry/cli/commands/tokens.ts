import 'server-only';
import { resolveCustomer } from '@/lib/product/customers/resolve-customer';
import { prisma } from '@/lib/platform/db/client';
import { ValidationError } from '@/lib/platform/errors';
import { resolveRepository } from '@/lib/product/registry/repositories';
import { listAllTokens, listTokens, mintToken, revokeAllTokens, revokeToken, rotateToken, tokenStatus } from '@/lib/product/registry/tokens';
import { cliContext } from '../context';
import type { RegisterCommand } from '.';

const collect = (value: string, previous: string[]) => [...previous, value];

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw ValidationError.field(flag, `--${flag} must be a whole number, got "${value}".`);
  return Number(value);
}

const day = (date: Date) => date.toISOString().slice(0, 10);

export const registerTokens: RegisterCommand = (program, kit) => {
  const tokens = program.command('tokens').description('registry pull tokens: mint, list, rotate, revoke');

  tokens
    .command('create')
    .description('mint a token; it is printed once, alone on the last line')
    .argument('<customer>', 'slug or exact name')
    .option('--repo <name>', 'repository the token may pull (repeat for several)', collect, [])
    .option('--expires-days <n>', 'lifetime in days (default 365, capped by the configured maximum)')
    .option('--name <name>', 'what the token is for, e.g. "production cluster"', 'default')
    .action(async (ref: string, options: { repo: string[]; expiresDays?: string; name: string }, command) => {
      if (options.repo.length === 0) command.error('error: required option \'--repo <name>\' not specified', { exitCode: 2, code: 'commander.missingMandatoryOptionValue' });
      const expiresInDays = wholeNumber(options.expiresDays, 'expires-days');
      const { actor } = await cliContext();
      const org = await resolveCustomer(prisma, ref);
      const repositoryIds = await Promise.all(options.repo.map(async (name) => (await resolveRepository(prisma, name)).id));
      const { token, record } = await mintToken(actor, { orgId: org.id, name: options.name, repositoryIds, expiresInDays });
      const out = kit.output(false);
      out.print(`Minted token "${record.name}" (${record.id}) for ${org.name}`);
      out.print(`Registry username: ${org.slug}   Repositories: ${record.repositories.map((r) => r.name).join(', ')}   Expires: ${day(record.expiresAt)}`);
      out.print('This is the only time the token is shown:');
      out.print(token);
    });

  tokens
    .command('list')
    .description('list tokens, of one customer or of all')
    .argument('[customer]', 'slug or exact name')
    .option('--json', 'machine-readable output')
    .action(async (ref: string | undefined, options: { json?: boolean }) => {
      const { actor } = await cliContext();
      const rows = ref
        ? await (async () => {
            const org = await resolveCustomer(prisma, ref);
            return (await listTokens(actor, org.id)).map((token) => ({ ...token, customer: org.slug }));
          })()
        : await listAllTokens(actor);
      const now = new Date();
      const table = rows.map((token) => ({
        ...token,
        status: tokenStatus(token, { hasSuccessor: !!token.successorId, now }),
        scopes: token.repositories.map((r) => r.name),
      }));
      kit.output(!!options.json).table(table, [
        { key: 'id', label: 'Id' },
        { key: 'customer', label: 'Customer' },
        { key: 'name', label: 'Name' },
        { key: 'prefix', label: 'Prefix' },
        { key: 'scopes', label: 'Repositories' },
        { key: 'status', label: 'Status' },
        { key: 'expiresAt', label: 'Expires' },
        { key: 'lastUsedAt', label: 'Last used' },
        { key: 'lastUsedIp', label: 'From' },
      ]);
    });

  tokens
    .command('rotate')
    .description('mint a successor; the old token keeps working for the overlap, then stops by itself')
    .argument('<token-id>')
    .option('--overlap-hours <n>', 'how long the old token stays valid (0 revokes it now)', '24')
    .action(async (tokenId: string, options: { overlapHours: string }) => {
      const overlapHours = wholeNumber(options.overlapHours, 'overlap-hours');
      const { actor } = await cliContext();
      const { token, record, previous } = await rotateToken(actor, { tokenId, overlapHours });
      const out = kit.output(false);
      out.print(`Rotated ${previous.id}: it ${previous.revokedAt ? 'is revoked now' : `stops at ${previous.expiresAt.toISOString()}`}`);
      out.print(`New token "${record.name}" (${record.id}) expires ${day(record.expiresAt)}. This is the only time it is shown:`);
      out.print(token);
    });

  tokens
    .command('revoke')
    .description('revoke one token at once, or every token of a customer with --customer')
    .argument('[token-id]')
    .option('--customer <customer>', 'revoke all of this customer\'s tokens (staff-admin)')
    .option('--reason <text>', 'why (kept in the audit log)')
    .action(async (tokenId: string | undefined, options: { customer?: string; reason?: string }, command) => {
      if (!!tokenId === !!options.customer) {
        command.error('error: give either a token id or --customer CUSTOMER', { exitCode: 2, code: 'commander.usage' });
      }
      const { actor } = await cliContext();
      const out = kit.output(false);
      if (options.customer) {
        const org = await resolveCustomer(prisma, options.customer);
        const { revoked } = await revokeAllTokens(actor, org.id, options.reason ?? 'revoked: all tokens');
        out.print(`Revoked ${revoked} token${revoked === 1 ? '' : 's'} of ${org.name}`);
        return;
      }
      const existing = await prisma.registryToken.findUnique({ where: { id: tokenId! }, select: { revokedAt: true } });
      const token = await revokeToken(actor, tokenId!, options.reason ?? 'revoked');
      out.print(existing?.revokedAt ? `Token ${token.id} was already revoked` : `Revoked token ${token.id} (${token.prefix}…)`);
    });
};
