import { describe, expect, it } from 'vitest';
import { type ChannelRule, channelAtp, OPEN_RULE } from '../../src/channels/channel-rules.ts';
import { AvailabilityIndex, type NodeMeta } from '../../src/inventory/availability-index.ts';
import { parseInventoryPayload, parseNodePayload } from '../../src/inventory/availability-notifications.ts';

function node(id: string, over: Partial<NodeMeta> = {}): NodeMeta {
  return {
    id,
    kind: 'warehouse',
    status: 'online',
    lat: 41.88,
    lon: -87.63,
    capabilities: ['ship'],
    tags: [],
    version: 1,
    ...over,
  };
}

function rule(id: string, over: Partial<ChannelRule> = {}): ChannelRule {
  return { ...OPEN_RULE, id, ...over };
}

const amazon = rule('marketplace:amazon', { bufferUnits: 2, cap: 50, kinds: ['warehouse', '3pl'] });

function pos(nodeId: string, sku: string, onHand: number, reserved = 0, safety = 0, version = 1) {
  return { nodeId, sku, onHand, reserved, safety, version };
}

function sample(): AvailabilityIndex {
  return AvailabilityIndex.build({
    nodes: [
      node('DC-1'),
      node('3PL-1', { kind: '3pl', tags: ['partner'] }),
      node('ST-1', { kind: 'store', lat: 40.71, lon: -74.0, tags: ['east'] }),
      node('ST-2', { kind: 'store', lat: 34.05, lon: -118.24, tags: ['west'] }),
    ],
    channels: [rule('web'), amazon],
    positions: [
      pos('DC-1', 'A', 100, 10, 0),
      pos('3PL-1', 'A', 5),
      pos('ST-1', 'A', 4, 0, 1),
      pos('ST-2', 'A', 3),
    ],
  });
}

describe('AvailabilityIndex', () => {
  it('computes ATP per node and never below 0', () => {
    const index = sample();
    expect(index.atp('A', 'DC-1')).toBe(90);
    expect(index.atp('A', 'ST-1')).toBe(3);
    index.apply(pos('ST-1', 'A', 2, 5, 1, 2));
    expect(index.atp('A', 'ST-1')).toBe(0);
    expect(index.networkAtp('A')).toBe(90 + 5 + 0 + 3);
    expect(index.atp('A', 'NOPE')).toBe(0);
    expect(index.atp('NOPE', 'DC-1')).toBe(0);
    expect(index.networkAtp('NOPE', 'web')).toBe(0);
  });

  it('applies a change only when its version is newer', () => {
    const index = sample();
    expect(index.apply(pos('DC-1', 'A', 7, 0, 0, 5))).toBe(true);
    expect(index.apply(pos('DC-1', 'A', 99, 0, 0, 4))).toBe(false);
    expect(index.apply(pos('DC-1', 'A', 99, 0, 0, 5))).toBe(false);
    expect(index.atp('A', 'DC-1')).toBe(7);
    expect(index.position('A', 'DC-1')?.version).toBe(5);
    expect(index.networkAtp('A')).toBe(7 + 5 + 3 + 3);
  });

  it('counts nothing from paused, offline or unknown nodes, and follows status changes', () => {
    const index = sample();
    expect(index.networkAtp('A')).toBe(101);
    index.upsertNode(node('DC-1', { status: 'paused', version: 2 }));
    expect(index.networkAtp('A')).toBe(11);
    expect(index.atp('A', 'DC-1')).toBe(90); // the node's own ATP is still told
    expect(index.maySell(null, 'DC-1')).toBe(false);
    index.upsertNode(node('3PL-1', { kind: '3pl', status: 'offline', version: 2 }));
    expect(index.networkAtp('A', 'marketplace:amazon')).toBe(0);
    // An older node version is ignored.
    expect(index.upsertNode(node('DC-1', { status: 'online', version: 1 }))).toBe(false);
    index.upsertNode(node('DC-1', { status: 'online', version: 3 }));
    expect(index.networkAtp('A')).toBe(96);
    // A position at a node the index has not seen yet counts once the node arrives.
    index.apply(pos('NEW', 'A', 10));
    expect(index.networkAtp('A')).toBe(96);
    index.upsertNode(node('NEW', { kind: 'store' }));
    expect(index.networkAtp('A')).toBe(106);
    index.removeNode('NEW', 1);
    expect(index.networkAtp('A')).toBe(96);
  });

  it('applies a channel buffer, cap and allowed nodes', () => {
    const index = sample();
    // Amazon: DC + 3PL only = 95, minus 2 = 93, capped at 50.
    expect(index.networkAtp('A', 'marketplace:amazon')).toBe(50);
    index.apply(pos('DC-1', 'A', 10, 0, 0, 2));
    expect(index.networkAtp('A', 'marketplace:amazon')).toBe(10 + 5 - 2);
    index.apply(pos('DC-1', 'A', 0, 0, 0, 3));
    index.apply(pos('3PL-1', 'A', 1, 0, 0, 2));
    expect(index.networkAtp('A', 'marketplace:amazon')).toBe(0); // 1 - 2 is shown as 0
    expect(index.networkAtp('A', 'web')).toBe(1 + 3 + 3);
    expect(() => index.networkAtp('A', 'nope')).toThrow(RangeError);

    index.setChannels([
      rule('tags', { tags: ['east', 'partner'] }),
      rule('pct', { bufferPercent: 10 }),
      rule('only', { kinds: [], include: ['ST-2'] }),
      rule('not', { exclude: ['ST-1'], include: ['ST-1'] }),
      rule('off', { active: false }),
    ]);
    expect(index.networkAtp('A', 'tags')).toBe(1 + 3);
    expect(index.networkAtp('A', 'pct')).toBe(7 - 1); // 10% of 7 rounds up to 1
    expect(index.networkAtp('A', 'only')).toBe(3);
    expect(index.networkAtp('A', 'not')).toBe(1 + 3);
    expect(index.networkAtp('A', 'off')).toBe(0);
    expect(index.hasChannel('web')).toBe(false);
  });

  it('keeps precomputed sums equal to a recomputation under random changes', () => {
    const index = sample();
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const ids = ['DC-1', '3PL-1', 'ST-1', 'ST-2'];
    const versions = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const id = ids[rnd(4)]!;
      const sku = `S${rnd(5)}`;
      const v = (versions.get(`${id}/${sku}`) ?? 1) + 1;
      versions.set(`${id}/${sku}`, v);
      index.apply(pos(id, sku, rnd(20), rnd(10), rnd(3), v));
      if (i % 400 === 0) {
        const status = ['online', 'paused', 'offline'][rnd(3)]!;
        index.upsertNode({ ...index.node(id)!, status, version: index.node(id)!.version + 1 });
      }
    }
    for (let s = 0; s < 5; s++) {
      const sku = `S${s}`;
      for (const channel of [null, 'web', 'marketplace:amazon']) {
        const fromScratch = index.evaluate(sku, index.prepare({ channel, detail: true }));
        expect(index.networkAtp(sku, channel)).toBe(fromScratch.networkAtp);
      }
    }
  });

  it('filters by kind, nodes and distance, sorting detail by distance', () => {
    const index = sample();
    const nyc = { lat: 40.75, lon: -73.99 };
    const near = index.evaluate('A', index.prepare({ channel: null, origin: nyc, detail: true }));
    // DC-1 and 3PL-1 share a position: the tie is broken by node id.
    expect(near.nodes?.map((n) => n.nodeId)).toEqual(['ST-1', '3PL-1', 'DC-1', 'ST-2']);
    expect(near.nodes?.[0]?.distanceMiles).toBeLessThan(5);
    const within = index.evaluate('A', index.prepare({ channel: null, origin: nyc, radiusMiles: 25 }));
    expect(within).toEqual({ sku: 'A', networkAtp: 3 });
    const stores = index.evaluate('A', index.prepare({ channel: 'web', kinds: ['store'], detail: true }));
    expect(stores.networkAtp).toBe(6);
    expect(stores.nodes?.map((n) => [n.nodeId, n.atp])).toEqual([
      ['ST-1', 3],
      ['ST-2', 3],
    ]);
    const mine = index.evaluate('A', index.prepare({ channel: null, nodeIds: ['ST-2'], detail: true }));
    expect(mine.networkAtp).toBe(3);
    expect(mine.nodes).toHaveLength(1);
    expect(index.sellingNodes('A', 'marketplace:amazon').map((n) => n.nodeId)).toEqual(['DC-1', '3PL-1']);
  });
});

describe('channel rules and payloads', () => {
  it('rounds a percent buffer up and caps after the buffer', () => {
    expect(channelAtp(rule('x', { bufferPercent: 15 }), 10)).toBe(8);
    expect(channelAtp(rule('x', { bufferPercent: 7 }), 300)).toBe(279);
    expect(channelAtp(rule('x', { bufferUnits: 2, cap: 5 }), 100)).toBe(5);
    expect(channelAtp(rule('x', { bufferUnits: 2 }), 1)).toBe(0);
    expect(channelAtp(null, -3)).toBe(0);
  });

  it('parses notification payloads and rejects malformed ones', () => {
    expect(parseInventoryPayload('N1\tA\t5\t1\t0\t9')).toEqual(pos('N1', 'A', 5, 1, 0, 9));
    expect(parseInventoryPayload('N1\tA\t5')).toBeUndefined();
    expect(parseInventoryPayload('N1\tA\tx\t1\t0\t9')).toBeUndefined();
    expect(parseNodePayload('{"op":"D","id":"N1","version":3,"at":1}')).toEqual({
      op: 'D',
      id: 'N1',
      version: 3,
      at: 1,
    });
    expect(parseNodePayload('not json')).toBeUndefined();
  });
});
