import { type Command, Option } from 'commander';
import { ROLES, type Role } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { withServices } from './database-commands.ts';

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Manage API keys.');
  keys
    .command('create')
    .description('Create an API key and print it once (only its hash is stored).')
    .requiredOption('--name <name>', 'who or what uses the key')
    .addOption(new Option('--role <role>', 'what the key may do').choices([...ROLES]).default('viewer'))
    .option('--node <id...>', 'for associates: the node(s) the key is bound to')
    .option('--expires <iso-date>', 'expiry time, e.g. 2027-01-01T00:00:00Z')
    .action(async (opts: { name: string; role: Role; node?: string[]; expires?: string }) => {
      try {
        const { key, apiKey } = await withServices((s) =>
          s.keys.create(
            { name: opts.name, role: opts.role, nodeIds: opts.node ?? [], expiresAt: opts.expires ?? null },
            'cli',
          ),
        );
        console.log(key);
        console.error(`created ${apiKey.role} key ${apiKey.id} (${apiKey.prefix}…) for "${apiKey.name}"`);
      } catch (err) {
        if (err instanceof AppError) {
          console.error(`error: ${err.message}`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    });
}
