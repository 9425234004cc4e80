import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, Figure } from './bench-context.ts';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function available(): string[] {
  return readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .sort();
}

function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [f.bench, f.figure, formatValue(f.value), f.unit, f.note ?? '']);
  const header = ['bench', 'figure', 'value', 'unit', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

export async function runBench(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  const name = rest[0];
  const names = available();
  if (!name || !names.includes(name)) {
    console.error(`usage: npm run bench -- NAME [--json] [bench options]\nbenchmarks: ${names.join(', ')}`);
    return 2;
  }
  const mod = (await import(join(benchDir, `${name}.bench.ts`))) as { default: Bench };
  const figures: Figure[] = [];
  await mod.default({
    args: rest.slice(1),
    report(figure, value, unit, note) {
      const f: Figure = { bench: name, figure, value, unit, ...(note ? { note } : {}) };
      figures.push(f);
      if (json)
        console.log(JSON.stringify({ bench: f.bench, figure: f.figure, value: f.value, unit: f.unit }));
    },
    log(message) {
      if (!json) console.error(message);
    },
  });
  if (!json) printTable(figures);
  return 0;
}
