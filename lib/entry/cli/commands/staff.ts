import 'server-only';
import { prisma } from '@/lib/platform/db/client';
import { ValidationError } from '@/lib/platform/errors';
import { requireStaffSso } from '@/lib/identity/sso/staff/connection';
import { setBreakGlassAdmin, staffSsoPolicy } from '@/lib/identity/sso/staff/policy';
import { createStaffSchema, createStaffUser, deactivateStaffUser, listStaffUsers, reactivateStaffUser } from '@/lib/identity/staff/staff-users';
import { cliContext } from '../context';
import type { RegisterCommand } from '.';
import { namedVariable } from '@/lib/platform/config/env';

export const registerStaff: RegisterCommand = (program, kit) => {
  const staff = program.command('staff').description('vendor staff accounts');

  staff
    .command('create')
    .description('create a staff account (the first admin of a new installation, for example)')
    .argument('<email>')
    .requiredOption('--role <role>', 'staff-admin | staff-support | staff-billing')
    .option('--name <name>', 'display name')
    .requiredOption('--password-env <VAR>', 'environment variable holding the initial password (never pass it as an argument)')
    .action(async (email: string, options: { role: string; name?: string; passwordEnv: string }) => {
      const password = namedVariable(options.passwordEnv);
      if (!password) throw ValidationError.field('password', `Environment variable ${options.passwordEnv} is empty or unset.`);
      const { actor } = await cliContext();
      const user = await createStaffUser(actor, createStaffSchema.parse({ email, name: options.name, role: options.role, password }));
      kit.output(false).print(`Created ${user.staffRole} ${user.email} (${user.id})`);
    });

  staff
    .command('list')
    .description('list staff accounts')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { actor } = await cliContext();
      kit.output(!!options.json).table(await listStaffUsers(actor), [
        { key: 'email', label: 'Email' },
        { key: 'name', label: 'Name' },
        { key: 'staffRole', label: 'Role' },
        { key: 'lastLoginAt', label: 'Last sign-in' },
        { key: 'disabledAt', label: 'Deactivated' },
      ]);
    });

  staff
    .command('deactivate')
    .description('stop a staff account from signing in and end its sessions at once')
    .argument('<email>')
    .action(async (email: string) => {
      const { actor } = await cliContext();
      const { user, sessionsEnded } = await deactivateStaffUser(actor, { email });
      kit.output(false).print(`Deactivated ${user.email}; ${sessionsEnded} ${sessionsEnded === 1 ? 'session' : 'sessions'} ended`);
    });

  staff
    .command('reactivate')
    .description('let a deactivated staff account sign in again')
    .argument('<email>')
    .action(async (email: string) => {
      const { actor } = await cliContext();
      const user = await reactivateStaffUser(actor, { email });
      kit.output(false).print(`Reactivated ${user.email}`);
    });

  staff
    .command('sso-required')
    .description('turn "SSO required for staff" on (needs a working staff connection) or off (recovery when the IdP fails), or show it')
    .argument('<state>', 'on | off | status')
    .action(async (state: string) => {
      if (!['on', 'off', 'status'].includes(state)) throw ValidationError.field('state', 'Say on, off or status.');
      const { actor } = await cliContext();
      if (state !== 'status') await requireStaffSso(actor, { required: state === 'on' });
      const policy = await staffSsoPolicy();
      const glass = policy.breakGlassUserId ? await prisma.user.findUnique({ where: { id: policy.breakGlassUserId }, select: { email: true } }) : null;
      kit.output(false).print(`SSO required for staff: ${policy.required ? 'on' : 'off'}; break-glass admin: ${glass?.email ?? 'none'}`);
    });

  staff
    .command('break-glass')
    .description('name the one staff admin who keeps password sign-in while SSO is required ("" clears it)')
    .argument('<email>')
    .action(async (email: string) => {
      const { actor } = await cliContext();
      const { user } = await setBreakGlassAdmin(actor, { email });
      kit.output(false).print(user ? `Break-glass admin: ${user.email}` : 'No break-glass admin');
    });
};
