import 'server-only';
import { resetMfa } from '@/lib/identity/auth/mfa';
import { cliContext } from '../context';
import type { RegisterCommand } from '.';

export const registerUsers: RegisterCommand = (program, kit) => {
  const users = program.command('users').description("anyone's account: staff and customers' people");

  users
    .command('reset-mfa')
    .description('remove a person\'s two-factor authentication (a lost phone) and end their sessions; they enrol again at sign-in')
    .argument('<email>')
    .action(async (email: string) => {
      const { actor } = await cliContext();
      const { email: reset, sessionsEnded } = await resetMfa(actor, { email });
      kit.output(false).print(`Reset two-factor authentication of ${reset}; ${sessionsEnded} ${sessionsEnded === 1 ? 'session' : 'sessions'} ended`);
    });
};
