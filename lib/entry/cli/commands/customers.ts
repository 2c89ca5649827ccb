import 'server-only';
import { setCustomerQuotas } from '@/lib/product/features/customer-quotas';
import { createCustomer, deactivateCustomer, getCustomer } from '@/lib/product/customers/customers';
import type { CreateCustomerInput } from '@/lib/product/customers/schema';
import { listCustomers, parseCustomerQuery } from '@/lib/product/customers/list-customers';
import { resolveCustomer } from '@/lib/product/customers/resolve-customer';
import { prisma } from '@/lib/platform/db/client';
import { createInvitation } from '@/lib/identity/members/invitations';
import { getChecklist, setOnboardingItem } from '@/lib/identity/onboarding/checklist';
import { isOnboardingKey, ONBOARDING_KEYS } from '@/lib/identity/onboarding/items';
import { grantRepository, listRepositoryGrants, resolveRepository, removeRepositoryGrant } from '@/lib/product/registry/repositories';
import { describeRule } from '@/lib/product/registry/version-rule';
import { ValidationError } from '@/lib/platform/errors';
import { cliContext } from '../context';
import type { RegisterCommand } from '.';

/** The CLI shows every customer (no paging), up to this many. */
const CLI_LIST_LIMIT = 100_000;

interface AddOptions {
  tier?: string;
  expires?: string;
  slug?: string;
  namespace?: string;
  kubernetesVersion?: string;
  productVersion?: string;
  notes?: string;
  /** false with --no-invite */
  invite: boolean;
}

/** The invitation, then its link alone on the last line (for the person to pass on if the email does not arrive). */
function printInvitation(out: { print(text: string): void }, result: Awaited<ReturnType<typeof createInvitation>>) {
  const { invitation } = result;
  out.print(`Invited ${invitation.email} as ${invitation.roleLabel} (expires ${invitation.expiresAt.toISOString().slice(0, 10)}); ${result.mailed ? 'the invitation was emailed' : 'the email could not be sent: pass the link on yourself'}`);
  out.print(result.link);
}

export const registerCustomers: RegisterCommand = (program, kit) => {
  const customers = program.command('customers').description('customers (organizations): onboard, list, grant repositories');

  customers
    .command('add')
    .description('create a customer')
    .argument('<name>', 'the customer\'s name, e.g. "Acme Corp"')
    .argument('<email>', 'contact email')
    .option('--tier <tier>', 'community | team | enterprise; team and enterprise are a manual tier, kept by Stripe webhooks (change it later with billing manual-tier)', 'community')
    .option('--expires <YYYY-MM-DD>', 'license expiry date')
    .option('--slug <slug>', 'registry username (default: from the name)')
    .option('--namespace <namespace>', 'target Kubernetes namespace')
    .option('--kubernetes-version <version>', 'e.g. 1.31')
    .option('--product-version <version>', 'e.g. 4.2.0')
    .option('--notes <text>', 'free-form notes')
    .option('--no-invite', 'do not invite EMAIL as the customer\'s first owner')
    .action(async (name: string, email: string, options: AddOptions) => {
      const { actor } = await cliContext();
      const org = await createCustomer(actor, {
        name,
        contactEmail: email,
        tier: options.tier as CreateCustomerInput['tier'],
        licenseExpiresAt: options.expires,
        slug: options.slug,
        namespace: options.namespace,
        kubernetesVersion: options.kubernetesVersion,
        productVersion: options.productVersion,
        notes: options.notes,
      });
      const out = kit.output(false);
      out.print(`Created customer ${org.name} (slug ${org.slug}, tier ${org.tier}, id ${org.id})`);
      if (options.invite) printInvitation(out, await createInvitation(actor, { orgId: org.id, email, role: 'owner' }));
    });

  customers
    .command('invite')
    .description('invite someone to a customer (by email, with a link that works once for that address)')
    .argument('<customer>', 'slug or exact name')
    .argument('<email>', 'who to invite')
    .option('--role <role>', 'owner | admin | editor | viewer, or custom:<role id>', 'owner')
    .action(async (ref: string, email: string, options: { role: string }) => {
      const { actor } = await cliContext();
      const org = await resolveCustomer(prisma, ref);
      printInvitation(kit.output(false), await createInvitation(actor, { orgId: org.id, email, role: options.role }));
    });

  customers
    .command('list')
    .description('list customers')
    .option('--search <text>', 'name, slug or email contains')
    .option('--tier <tier>', 'only this tier')
    .option('--status <status>', 'active | suspended | deactivated')
    .option('--json', 'machine-readable output')
    .action(async (options: { search?: string; tier?: string; status?: string; json?: boolean }) => {
      const { actor } = await cliContext();
      const query = { ...parseCustomerQuery({ q: options.search, tier: options.tier, status: options.status }), skip: 0, take: CLI_LIST_LIMIT };
      const { rows } = await listCustomers(actor, query);
      kit.output(!!options.json).table(rows, [
        { key: 'slug', label: 'Slug' },
        { key: 'name', label: 'Name' },
        { key: 'tier', label: 'Tier' },
        { key: 'status', label: 'Status' },
        { key: 'contactEmail', label: 'Contact' },
        { key: 'licenseExpiresAt', label: 'License expires' },
        { key: 'activeTokens', label: 'Tokens' },
      ]);
    });

  customers
    .command('show')
    .description('show one customer with its repository grants and onboarding checklist')
    .argument('<customer>', 'slug or exact name')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, options: { json?: boolean }) => {
      const { actor } = await cliContext();
      const org = await resolveCustomer(prisma, ref);
      const [customer, repositories, checklist] = await Promise.all([getCustomer(actor, org.slug), listRepositoryGrants(actor, org.id), getChecklist(actor, org.id)]);
      const out = kit.output(!!options.json);
      if (out.json) {
        out.data({ ...customer, repositories, checklist: checklist.map(({ key, doneAt, doneBy }) => ({ key, doneAt, doneBy })) });
        return;
      }
      out.print(`${customer.name} (${customer.slug}) — ${customer.tier}${customer.manualTier ? ' (manual tier)' : ''}, ${customer.status}`);
      out.print(`Contact: ${customer.contactEmail}`);
      out.print(`License expires: ${customer.licenseExpiresAt?.toISOString().slice(0, 10) ?? '-'}`);
      out.print(`Namespace: ${customer.namespace ?? '-'}   Kubernetes: ${customer.kubernetesVersion ?? '-'}   Product: ${customer.productVersion ?? '-'}`);
      out.print(`Repositories: ${repositories.map((r) => (r.versions.channel || r.versions.versionRange ? `${r.name} (${r.versionsText})` : r.name)).join(', ') || '(none)'}`);
      out.print(`Active tokens: ${customer.counts.activeTokens}`);
      out.print('Onboarding:');
      for (const item of checklist) out.print(`  [${item.doneAt ? 'x' : ' '}] ${item.key}${item.doneAt ? ` (${item.doneBy}, ${item.doneAt.toISOString()})` : ''}`);
    });

  customers
    .command('grant')
    .alias('entitle')
    .description('let a customer pull a repository, optionally only some of its versions')
    .argument('<customer>', 'slug or exact name')
    .argument('<repo>', 'repository name, e.g. acme/product-enterprise')
    .option('--channel <patterns>', 'only tags matching these patterns ("*" matches anything), comma-separated, e.g. "stable, *-lts"')
    .option('--versions <range>', 'only tags naming a version in this semver range, e.g. ">=2.0.0 <3"')
    .option('--all-versions', 'remove any version limit')
    .action(async (ref: string, repo: string, options: { channel?: string; versions?: string; allVersions?: boolean }) => {
      const { actor } = await cliContext();
      const org = await resolveCustomer(prisma, ref);
      const repository = await resolveRepository(prisma, repo);
      const limiting = options.channel !== undefined || options.versions !== undefined;
      if (limiting && options.allVersions) throw new ValidationError('Use --all-versions alone, or --channel/--versions without it.');
      const versions = limiting || options.allVersions ? { channel: options.channel ?? null, versionRange: options.versions ?? null } : undefined;
      const result = await grantRepository(actor, org.id, repository.id, versions);
      const out = kit.output(false);
      out.print(result.created ? `${org.name} can now pull ${repository.name}` : `${org.name} could already pull ${repository.name}`);
      if (versions) out.print(`Versions ${org.name} may pull: ${describeRule(result.versions)}${result.created || result.versionsChanged ? '' : ' (unchanged)'}`);
    });

  customers
    .command('ungrant')
    .alias('unentitle')
    .description('stop a customer pulling a repository (its tokens lose that scope at once)')
    .argument('<customer>', 'slug or exact name')
    .argument('<repo>', 'repository name')
    .action(async (ref: string, repo: string) => {
      const { actor } = await cliContext();
      const org = await resolveCustomer(prisma, ref);
      const repository = await resolveRepository(prisma, repo);
      await removeRepositoryGrant(actor, org.id, repository.id);
      kit.output(false).print(`${org.name} can no longer pull ${repository.name}`);
    });

  customers
    .command('deactivate')
    .description('deactivate a customer and revoke all of its tokens')
    .argument('<customer>', 'slug or exact name')
    .option('--reason <text>', 'why (kept in the audit log)')
    .action(async (ref: string, options: { reason?: string }) => {
      const { actor } = await cliContext();
      const org = await resolveCustomer(prisma, ref);
      const { tokensRevoked } = await deactivateCustomer(actor, org.id, options.reason);
      kit.output(false).print(`Deactivated ${org.name}; revoked ${tokensRevoked} token${tokensRevoked === 1 ? '' : 's'}`);
    });

  customers
    .command('checklist')
    .description('tick or untick an onboarding checklist item')
    .argument('<customer>', 'slug or exact name')
    .argument('<item>', ONBOARDING_KEYS.join(' | '))
    .option('--undo', 'untick it')
    .action(async (ref: string, item: string, options: { undo?: boolean }) => {
      if (!isOnboardingKey(item)) throw ValidationError.field('key', `Unknown checklist item ${item}. Use one of: ${ONBOARDING_KEYS.join(', ')}.`);
      const { actor } = await cliContext();
      const org = await resolveCustomer(prisma, ref);
      await setOnboardingItem(actor, { orgId: org.id, key: item, done: !options.undo });
      kit.output(false).print(`${options.undo ? 'Unticked' : 'Ticked'} ${item} for ${org.name}`);
    });

  customers
    .command('quota')
    .description("set a customer's own limits over its plan's (blank: the plan's, 'unlimited' lifts one), warning threshold and pull grace; audited")
    .argument('<customer>', 'slug or exact name')
    .requiredOption('--reason <text>', 'why (the contract, a trial, …)')
    .option('--seats <n>', "seats (members and open invitations), 'unlimited', or '' for the plan's")
    .option('--nodes <n>', 'nodes the product may run on')
    .option('--pulls <n>', 'image pulls per month')
    .option('--api-calls <n>', 'entitlements API calls per month')
    .option('--warn-percent <n>', 'warn admins and staff at this share of a quota (1-100)')
    .option('--pull-grace-percent <n>', 'pulls allowed past the monthly limit before the registry refuses, in percent of it')
    .action(async (name: string, options: Record<string, string | undefined>) => {
      const { actor } = await cliContext();
      const org = await resolveCustomer(prisma, name);
      const saved = await setCustomerQuotas(actor, {
        orgId: org.id,
        seats: options.seats,
        nodes: options.nodes,
        pulls_per_month: options.pulls,
        api_calls_per_month: options.apiCalls,
        warningPercent: options.warnPercent,
        pullGracePercent: options.pullGracePercent,
        reason: options.reason!,
      });
      kit.output(false).print(`${org.slug}: limits ${JSON.stringify(saved.limits)}, warn at ${saved.quotaWarningThreshold ?? 'the setting'}, pull grace ${saved.pullGracePercent ?? 'the setting'}%`);
    });
};
