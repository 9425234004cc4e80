import type { Command } from 'commander';
import { registerDatabaseCommands } from './commands/database-commands.ts';
import { registerKeysCommand } from './commands/keys.ts';
import { registerServeCommand } from './commands/serve.ts';

/** One place where every CLI sub-command is attached. */
export function registerCommands(program: Command): void {
  registerServeCommand(program);
  registerDatabaseCommands(program);
  registerKeysCommand(program);
}
