import { Command } from 'commander';
import { registerCommands } from './register-commands.ts';

/** Builds the `ordergrid` command line; every sub-command is wired in register-commands.ts. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('ordergrid')
    .description(
      'OrderGrid distributed order management: API server, database tools and the offline routing engine.',
    )
    .showHelpAfterError();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
