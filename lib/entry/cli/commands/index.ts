import 'server-only';
import type { Command } from 'commander';
import type { Output } from '../output';
import { registerAudit } from './audit';
import { registerBilling } from './billing';
import { registerCustomers } from './customers';
import { registerInstructions } from './instructions';
import { registerLicenses } from './licenses';
import { registerRepos } from './repos';
import { registerStaff } from './staff';
import { registerStats } from './stats';
import { registerTokens } from './tokens';
import { registerUsers } from './users';

export interface CommandKit {
  /** Output for this invocation: JSON when the command's --json is given. */
  output(json: boolean): Output;
}

export type RegisterCommand = (program: Command, kit: CommandKit) => void;

/** Each domain adds its command group here, one per line. */
export const COMMANDS: RegisterCommand[] = [
  registerStaff,
  registerUsers,
  registerCustomers,
  registerRepos,
  registerTokens,
  registerInstructions,
  registerLicenses,
  registerStats,
  registerAudit,
  registerBilling,
];
