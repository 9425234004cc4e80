import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runRoute } from '../../src/cli/commands/route.ts';
import { parseRoutingProblem } from '../../src/routing/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const example = readFileSync(join(root, 'test/fixtures/routing-problems/pickup.json'), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary JSON
type Doc = Record<string, any>;

function broken(edit: (d: Doc) => void): string {
  const doc = JSON.parse(example) as Doc;
  edit(doc);
  return JSON.stringify(doc);
}

const cases: [string, string, string, RegExp][] = [
  ['bad JSON', '{"version": 1,', '', /not valid JSON/],
  ['unknown top-level field', broken((d) => (d.extra = 1)), '/extra', /unknown field/],
  ['misspelt optional field', broken((d) => (d.nodes[0].capcity = 3)), '/nodes/0/capcity', /unknown field/],
  ['unknown policy field', broken((d) => (d.policy.maxShipment = 2)), '/policy/maxShipment', /unknown field/],
  ['missing required field', broken((d) => delete d.items), '/items', /missing/],
  [
    'quantity below 1',
    broken((d) => (d.orders[3].lines[0].quantity = 0)),
    '/orders/3/lines/0/quantity',
    /greater or equal to 1/,
  ],
  [
    'fractional quantity',
    broken((d) => (d.orders[1].lines[0].quantity = 1.5)),
    '/orders/1/lines/0/quantity',
    /integer/,
  ],
  ['wrong version', broken((d) => (d.version = 2)), '/version', /1/],
  ['unknown rate model', broken((d) => (d.rates.model = 'flat')), '/rates/model', /zone/],
  [
    'linear field in zone band',
    broken((d) => (d.rates.bands[0].perUnit = 1)),
    '/rates/bands/0/perUnit',
    /unknown field/,
  ],
  ['latitude out of range', broken((d) => (d.nodes[1].lat = 91)), '/nodes/1/lat', /90/],
  ['bad kind', broken((d) => (d.nodes[0].kind = 'shop')), '/nodes/0/kind', /warehouse/],
  ['repeated fulfils', broken((d) => (d.nodes[0].fulfils = ['ship', 'ship'])), '/nodes/0/fulfils', /unique/],
  [
    'band order',
    broken((d) => (d.rates.bands[1].maxMiles = 10)),
    '/rates/bands/1/maxMiles',
    /greater than the previous/,
  ],
  [
    'null before the last band',
    broken((d) => (d.rates.bands[0].maxMiles = null)),
    '/rates/bands/0/maxMiles',
    /only the last/,
  ],
  [
    'last band bounded',
    broken((d) => (d.rates.bands.at(-1).maxMiles = 99999)),
    `/rates/bands/${JSON.parse(example).rates.bands.length - 1}/maxMiles`,
    /must have maxMiles null/,
  ],
  ['duplicate node id', broken((d) => (d.nodes[1].id = d.nodes[0].id)), '/nodes/1/id', /duplicate node/],
  ['duplicate sku', broken((d) => (d.items[1].sku = d.items[0].sku)), '/items/1/sku', /duplicate sku/],
  [
    'inventory unknown node',
    broken((d) => (d.inventory[2].node = 'NOPE')),
    '/inventory/2/node',
    /unknown node/,
  ],
  ['inventory unknown sku', broken((d) => (d.inventory[0].sku = 'NOPE')), '/inventory/0/sku', /unknown sku/],
  [
    'inventory pair twice',
    broken((d) => d.inventory.push({ ...d.inventory[0] })),
    `/inventory/${JSON.parse(example).inventory.length}`,
    /already appear/,
  ],
  [
    'order unknown sku',
    broken((d) => (d.orders[2].lines[0].sku = 'NOPE')),
    '/orders/2/lines/0/sku',
    /unknown sku/,
  ],
  [
    'sku twice in an order',
    broken((d) => d.orders[0].lines.push({ ...d.orders[0].lines[0] })),
    `/orders/0/lines/${JSON.parse(example).orders[0].lines.length}/sku`,
    /twice/,
  ],
  ['duplicate order id', broken((d) => (d.orders[1].id = d.orders[0].id)), '/orders/1/id', /duplicate order/],
  [
    'pickup node without pickup',
    broken((d) => (d.orders[0].pickupNode = 'DC-1')),
    '/orders/0/pickupNode',
    /does not list "pickup"/,
  ],
  [
    'pickup node unknown',
    broken((d) => (d.orders[0].pickupNode = 'NOPE')),
    '/orders/0/pickupNode',
    /unknown node/,
  ],
];

describe('routing problem validation', () => {
  it('the fixture itself is valid', () => {
    expect(parseRoutingProblem(example).ok).toBe(true);
  });

  for (const [name, text, pointer, message] of cases) {
    it(`${name} → ${pointer || '(document)'}`, () => {
      const r = parseRoutingProblem(text);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.pointer).toBe(pointer);
      expect(r.error.message).toMatch(message);
    });
  }
});

describe('ordergrid route', () => {
  const dir = mkdtempSync(join(tmpdir(), 'route-cli-'));
  const run = async (text: string, opts = {}) => {
    const file = join(dir, `p${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, text);
    let stdout = '';
    let stderr = '';
    const code = await runRoute(file, opts, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  };

  it('prints one plan per order as JSON and exits 0', async () => {
    const r = await run(example, { explain: true });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      plans: { order: string; explanation?: unknown }[];
      totalCost: number;
    };
    expect(out.plans.map((p) => p.order)).toEqual(['o1', 'o2', 'o3', 'o4']);
    expect(out.totalCost).toBeCloseTo(156.23902, 6);
    expect(out.plans[0]!.explanation).toBeDefined();
  });

  for (const [name, text, pointer] of cases.slice(0, 8)) {
    it(`${name}: one line on stderr naming ${pointer || 'the document'}, exit 2`, async () => {
      const r = await run(text);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(pointer === '' ? '(document)' : `${pointer}:`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a missing file or unknown strategy exits 2', async () => {
    let stderr = '';
    const io = { stdout: () => {}, stderr: (t: string) => (stderr += t) };
    expect(await runRoute(join(dir, 'absent.json'), {}, io)).toBe(2);
    expect(await runRoute(join(dir, 'absent.json'), { strategy: 'cheapest' }, io)).toBe(2);
    expect(stderr).toMatch(/cannot read/);
  });

  it('the real command line reports the pointer and exits 2', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, cases[5]![1]);
    const r = spawnSync(process.execPath, [join(root, 'bin/ordergrid.mjs'), 'route', file], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^ordergrid route: invalid routing problem .*: \/orders\/3\/lines\/0\/quantity: /,
    );
  }, 30_000);
});
