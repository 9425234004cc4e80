#!/usr/bin/env node
// `npm run bench -- NAME [--json]`: runs bench/NAME.bench.ts through the shared harness.
import { register } from 'tsx/esm/api';

register();
const { runBench } = await import('../bench/harness/run.ts');
process.exitCode = await runBench(process.argv.slice(2));
