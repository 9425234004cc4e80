#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx compiles on load), so a checkout needs no build step.
// A production image can instead run `npm run build` and `node dist/cli/main.js`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
