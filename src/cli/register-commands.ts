import type { Command } from 'commander';
import { registerDatabaseCommands } from './commands/database-commands.ts';
import { registerInventoryCommand } from './commands/inventory.ts';
import { registerKeysCommand } from './commands/keys.ts';
import { registerRouteCommand } from './commands/route.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerSimulateCommand } from './commands/simulate.ts';

/** One place where every CLI sub-command is attached. */
export function registerCommands(program: Command): void {
  registerServeCommand(program);
  registerDatabaseCommands(program);
  registerKeysCommand(program);
  registerInventoryCommand(program);
  registerRouteCommand(program);
  registerSimulateCommand(program);
}
