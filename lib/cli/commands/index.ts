import type { Command } from 'commander';
import type { Output } from '../output';
import { registerBilling } from './billing';
import { registerStaff } from './staff';

export interface CommandKit {
  /** Output for this invocation: JSON when the command's --json is given. */
  output(json: boolean): Output;
}

export type RegisterCommand = (program: Command, kit: CommandKit) => void;

/** Each domain adds its command group here. */
export const COMMANDS: RegisterCommand[] = [registerStaff, registerBilling];
