import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/platform/errors/error-codes.ts';

describe('error registry', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

  it.each(Object.entries(errorCodes))('documents %s with its status', (code, spec) => {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
    expect(row).toContain(`| ${spec.status} |`);
  });

  it('uses only 4xx/5xx statuses and kebab-case codes', () => {
    for (const [code, spec] of Object.entries(errorCodes)) {
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
    }
  });
});
