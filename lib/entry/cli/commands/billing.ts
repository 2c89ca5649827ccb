import 'server-only';
import { enforcePastDueGrace } from '@/lib/product/billing/grace';
import { manualTierSchema, setManualTier } from '@/lib/product/billing/staff';
import { syncBilling } from '@/lib/product/billing/sync';
import { prisma } from '@/lib/platform/db/client';
import { NotFoundError } from '@/lib/platform/errors';
import { cliContext } from '../context';
import type { RegisterCommand } from '.';

export const registerBilling: RegisterCommand = (program, kit) => {
  const billing = program.command('billing').description('Stripe billing: reconciliation and manual tiers');

  billing
    .command('sync')
    .description('re-read every subscription from Stripe, correct drift, end lapsed past_due grace periods, and report what changed')
    .option('--customer <slug>', 'only this customer')
    .option('--dry-run', 'report the drift without changing anything')
    .option('--json', 'machine-readable output')
    .action(async (options: { customer?: string; dryRun?: boolean; json?: boolean }) => {
      const { actor } = await cliContext();
      const result = await syncBilling(actor, { dryRun: options.dryRun, orgSlug: options.customer });
      const grace = options.dryRun || options.customer ? [] : await enforcePastDueGrace({ actor });
      const orgs = grace.length ? await prisma.organization.findMany({ where: { id: { in: grace.map((g) => g.orgId) } }, select: { id: true, slug: true } }) : [];
      const changes = [
        ...result.changes,
        ...grace.map((g) => ({ org: orgs.find((o) => o.id === g.orgId)?.slug ?? g.orgId, subscription: null, change: `tier ${g.from} → ${g.to} (past_due grace ended)` })),
      ];
      const out = kit.output(!!options.json);
      if (out.json) {
        out.data({ ...result, changes });
        return;
      }
      out.print(`Checked ${result.customers} Stripe customers and ${result.subscriptions} subscriptions${options.dryRun ? ' (dry run: nothing changed)' : ''}.`);
      if (changes.length === 0) {
        out.print('No drift: everything matches Stripe.');
        return;
      }
      out.table(changes, [
        { key: 'org', label: 'Customer' },
        { key: 'subscription', label: 'Subscription' },
        { key: 'change', label: options.dryRun ? 'Would change' : 'Changed' },
      ]);
    });

  billing
    .command('manual-tier')
    .description('set the tier of an invoiced deal (kept whatever the Stripe subscription does); "none" clears it')
    .argument('<customer>', 'customer slug')
    .argument('<tier>', 'community | team | enterprise | none')
    .requiredOption('--reason <text>', 'why, for the audit log (e.g. the contract number)')
    .action(async (slug: string, tier: string, options: { reason: string }) => {
      const { actor } = await cliContext();
      const org = await prisma.organization.findUnique({ where: { slug }, select: { id: true } });
      if (!org) throw new NotFoundError(`No customer with slug "${slug}"`);
      const result = await setManualTier(actor, manualTierSchema.parse({ orgId: org.id, tier: tier === 'none' ? '' : tier, reason: options.reason }));
      kit.output(false).print(
        result.changed ? `${slug}: manual tier ${result.manualTier ?? 'cleared'}; tier is now ${result.tier}` : `${slug}: manual tier already ${result.manualTier ?? 'unset'}; nothing changed`,
      );
    });
};
