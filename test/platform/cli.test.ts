import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/ordergrid.mjs', import.meta.url));

describe('ordergrid CLI', () => {
  it('--help lists and explains every command', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help']);
    for (const command of ['serve', 'migrate', 'seed', 'keys']) expect(stdout).toContain(command);
    const program = buildProgram();
    for (const command of program.commands)
      expect(command.description().length, command.name()).toBeGreaterThan(10);
  });

  it('an unknown command fails with a non-zero exit', async () => {
    await expect(run(process.execPath, [bin, 'frobnicate'])).rejects.toMatchObject({ code: 1 });
  });
});
