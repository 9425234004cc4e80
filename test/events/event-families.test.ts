import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_FAMILIES, filterProblem } from '../../src/events/webhook-filters.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('webhook event families', () => {
  // A family missing from the list makes "family.*" subscriptions fail with 422, silently
  // hiding those events from integrations; scanning the emitters keeps the list complete.
  it('lists the family of every event type the service emits', () => {
    const emitted = new Set<string>();
    for (const file of sourceFiles('src')) {
      for (const match of readFileSync(file, 'utf8').matchAll(/type:\s*[`'"]([a-z][a-z-]*)\.[a-z$]/g))
        emitted.add(match[1] as string);
    }
    expect(emitted.size).toBeGreaterThan(8);
    const missing = [...emitted].filter((family) => !(EVENT_FAMILIES as readonly string[]).includes(family));
    expect(missing).toEqual([]);
    for (const family of emitted) expect(filterProblem(`${family}.*`)).toBeUndefined();
  });
});
