import 'server-only';
import { ValidationError } from '@/lib/platform/errors';
import { listPlanRepositories, setPlanRepositories } from '@/lib/product/registry/plans';
import { createRepository, listRepositories, resolveRepository } from '@/lib/product/registry/repositories';
import { prisma } from '@/lib/platform/db/client';
import { cliContext } from '../context';
import type { RegisterCommand } from '.';
import { namedVariable } from '@/lib/platform/config/env';

export const registerRepos: RegisterCommand = (program, kit) => {
  const repos = program.command('repos').description('repositories the registry gateway serves');

  repos
    .command('add')
    .description('register a repository customers can be granted')
    .argument('<name>', 'the name customers pull, e.g. acme/product-enterprise')
    .requiredOption('--upstream <url>', 'upstream registry, e.g. https://ghcr.io')
    .option('--upstream-repository <name>', 'the repository name upstream (default: the same name)')
    .option('--upstream-user <user>', 'upstream registry username')
    .option('--upstream-password-env <VAR>', 'environment variable holding the upstream password or token (never pass it as an argument)')
    .option('--description <text>', 'what it is')
    .requiredOption('--default-tag <tag>', 'the version install instructions name (an image tag or a chart version; never latest)')
    .option('--chart-of <image>', 'this repository is the Helm chart of that image: customers granted the image can pull it')
    .action(async (name: string, options: Record<string, string | undefined>) => {
      let upstreamSecret: string | undefined;
      if (options.upstreamPasswordEnv) {
        upstreamSecret = namedVariable(options.upstreamPasswordEnv);
        if (!upstreamSecret) throw ValidationError.field('upstreamSecret', `Environment variable ${options.upstreamPasswordEnv} is empty or unset.`);
      }
      const { actor } = await cliContext();
      const repository = await createRepository(actor, {
        name,
        upstreamUrl: options.upstream!,
        upstreamRepository: options.upstreamRepository,
        upstreamUsername: options.upstreamUser,
        upstreamSecret,
        description: options.description,
        defaultTag: options.defaultTag!,
        chartOf: options.chartOf,
      });
      kit
        .output(false)
        .print(
          `Registered ${repository.name} → ${repository.upstreamUrl}/${repository.upstreamRepository}${repository.image ? ` as the Helm chart of ${repository.image.name}` : ''}${repository.hasUpstreamSecret ? ' (upstream credential stored encrypted)' : ''}`,
        );
    });

  repos
    .command('list')
    .description('list repositories')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { actor } = await cliContext();
      const rows = (await listRepositories(actor)).map((row) => ({ ...row, upstream: `${row.upstreamUrl}/${row.upstreamRepository}`, chartOf: row.image?.name ?? '' }));
      kit.output(!!options.json).table(rows, [
        { key: 'name', label: 'Name' },
        { key: 'upstream', label: 'Upstream' },
        { key: 'upstreamUsername', label: 'Upstream user' },
        { key: 'hasUpstreamSecret', label: 'Credential' },
        { key: 'defaultTag', label: 'Version' },
        { key: 'chartOf', label: 'Chart of' },
        { key: 'customers', label: 'Customers' },
      ]);
    });

  repos
    .command('plan')
    .description("show or set the repositories a plan includes; customers on that tier (and above) follow at once, manual grants stay")
    .argument('[tier]', 'community, team or enterprise (omit to list every plan)')
    .argument('[repositories...]', 'the repositories the plan names (by name or id); none with --clear')
    .option('--clear', 'the plan names no repositories')
    .option('--json', 'machine-readable output')
    .action(async (tier: string | undefined, names: string[], options: { clear?: boolean; json?: boolean }) => {
      const { actor } = await cliContext();
      if (tier && (names.length || options.clear)) {
        const repositoryIds: string[] = [];
        for (const name of names) repositoryIds.push((await resolveRepository(prisma, name)).id);
        const result = await setPlanRepositories(actor, { tier, repositoryIds });
        kit.output(!!options.json).print(`${result.tier}: ${result.repositories.join(', ') || 'no repositories'}; ${result.customersChanged} customer(s) changed`);
        return;
      }
      const plans = (await listPlanRepositories(actor)).filter((plan) => !tier || plan.tier === tier);
      const nameOf = (id: string, plan: (typeof plans)[number]) => plan.repositories.find((repository) => repository.id === id)?.name ?? id;
      kit.output(!!options.json).table(
        plans.map((plan) => ({ tier: plan.tier, repositories: plan.own.map((id) => nameOf(id, plan)).join(', '), inherited: plan.inherited.map((id) => nameOf(id, plan)).join(', ') })),
        [
          { key: 'tier', label: 'Plan' },
          { key: 'repositories', label: 'Repositories' },
          { key: 'inherited', label: 'From lower plans' },
        ],
      );
    });
};
