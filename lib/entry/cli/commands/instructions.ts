import 'server-only';
import { resolveCustomer } from '@/lib/product/customers/resolve-customer';
import { prisma } from '@/lib/platform/db/client';
import { ValidationError } from '@/lib/platform/errors';
import { deliverInstructions, tokenBelongsTo } from '@/lib/product/instructions/instructions';
import { resolveRepository } from '@/lib/product/registry/repositories';
import { cliContext } from '../context';
import type { RegisterCommand } from '.';

export const registerInstructions: RegisterCommand = (program, kit) => {
  program
    .command('instructions')
    .description('print a customer\'s install instructions (Markdown)')
    .argument('<customer>', 'slug or exact name')
    .option('--token <token>', 'fill in this token (one of the customer\'s); otherwise a placeholder is shown')
    .option('--repo <name>', 'write them for this granted repository (default: the first)')
    .action(async (ref: string, options: { token?: string; repo?: string }) => {
      const { actor } = await cliContext();
      const org = await resolveCustomer(prisma, ref);
      if (options.token && !(await tokenBelongsTo(prisma, org.id, options.token))) {
        throw ValidationError.field('token', `That token is not one of ${org.name}'s tokens.`);
      }
      const repositoryId = options.repo ? (await resolveRepository(prisma, options.repo)).id : undefined;
      const rendered = await deliverInstructions(actor, org.id, { token: options.token, repositoryId, via: 'cli' });
      kit.output(false).print(rendered.markdown.trimEnd());
    });
};
