import 'server-only';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { isAppError } from '@/lib/platform/errors';
import { COMMANDS } from './commands';
import { closeCliContext } from './context';
import { createOutput } from './output';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes: 0 ok, 1 error (one line on stderr), 2 usage. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = new Command('portcullis')
    .description('Portcullis control plane: customers, registry tokens, licenses, statistics.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const register of COMMANDS) {
    register(program, { output: (json) => createOutput(json, io.stdout) });
  }
  // Subcommands inherit the error and output handling.
  const configure = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).showHelpAfterError('(run with --help for usage)');
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    io.stderr(`portcullis: ${describe(error)}\n`);
    return 1;
  } finally {
    await closeCliContext();
  }
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError) {
    const issue = error.issues[0]!;
    return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
  }
  if (isAppError(error)) return error.message;
  return `unexpected error: ${(error as Error)?.message ?? String(error)}`.split('\n')[0]!;
}
