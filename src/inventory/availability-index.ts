import { type ChannelRule, channelAtp, nodeAllowed } from '../channels/channel-rules.ts';
import { type GeoPoint, haversineMiles } from '../network/haversine.ts';

/** What the index keeps of a node (from the `nodes` table or its notifications). */
export interface NodeMeta {
  id: string;
  kind: string;
  status: string;
  lat: number;
  lon: number;
  capabilities: readonly string[];
  tags: readonly string[];
  version: number;
}

/** One position as broadcast by `inventory_positions` (see src/inventory/migrations.ts). */
export interface PositionChange {
  nodeId: string;
  sku: string;
  onHand: number;
  reserved: number;
  safety: number;
  version: number;
}

/** A position as the index holds it: counters plus its ATP (never below 0). */
export interface PositionView {
  readonly nodeId: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly safety: number;
  readonly version: number;
  readonly atp: number;
}

/** One node's row of an availability answer. */
export interface NodeAvailability {
  nodeId: string;
  kind: string;
  onHand: number;
  reserved: number;
  safety: number;
  atp: number;
  distanceMiles?: number;
}

export interface SkuAvailability {
  sku: string;
  networkAtp: number;
  nodes?: NodeAvailability[];
}

/** Restrictions of one availability question, on top of the channel's own rule. */
export interface AvailabilityFilter {
  /** Channel whose rule applies; null = every node, no buffer. */
  channel: string | null;
  /** Only nodes of these kinds. */
  kinds?: readonly string[] | null;
  /** Only these nodes (an associate's). */
  nodeIds?: readonly string[] | null;
  /** Distances are measured from here, and detail is sorted by them. */
  origin?: GeoPoint | null;
  /** Only nodes within this many miles of origin. */
  radiusMiles?: number | null;
  /** Include per-node rows. */
  detail?: boolean;
}

/**
 * A filter compiled against the index once per request: which node slots count, and their
 * distances. Valid only until the index's nodes or channels change (use it synchronously).
 */
export interface PreparedFilter {
  readonly rule: ChannelRule | null;
  /** Channel slot in the per-sku sums when no other restriction applies; -1 when one does. */
  readonly fastSlot: number;
  readonly allowed: Uint8Array;
  readonly distance: Float64Array | null;
  readonly detail: boolean;
}

class NodeEntry {
  meta: NodeMeta | undefined = undefined;
  /** Only online nodes contribute to sellable ATP. */
  sellable = false;
  constructor(
    readonly id: string,
    readonly slot: number,
  ) {}
}

class Position implements PositionView {
  onHand = 0;
  reserved = 0;
  safety = 0;
  version = -1;
  atp = 0;
  constructor(readonly node: NodeEntry) {}
  get nodeId(): string {
    return this.node.id;
  }
}

class SkuEntry {
  readonly positions: Position[] = [];
  readonly byNode = new Map<string, Position>();
  /** Sellable ATP summed per channel slot (slot 0 = every sellable node), kept up to date on apply. */
  constructor(public sums: Float64Array) {}
}

interface CompiledChannel {
  rule: ChannelRule;
  slot: number;
  /** 1 for each node slot the rule admits (status is checked separately). */
  allowed: Uint8Array;
}

const EMPTY: readonly Position[] = [];
const NO_NODES = new Uint8Array(0);

/**
 * The in-memory availability index: positions by sku, node metadata and channel rules, with each
 * sku's sellable ATP per channel precomputed and updated incrementally, so the common lookups are
 * two Map reads and no allocation. Pure: no I/O; AvailabilitySync feeds it.
 *
 * Rules: ATP = on_hand - reserved - safety, never below 0. Paused and offline nodes (and nodes the
 * index has not seen yet) contribute nothing to sellable/network ATP; `atp(sku, node)` still tells
 * a node's own ATP whatever its status.
 */
export class AvailabilityIndex {
  private readonly skus = new Map<string, SkuEntry>();
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly nodeList: NodeEntry[] = [];
  private channels = new Map<string, CompiledChannel>();
  private channelList: CompiledChannel[] = [];
  private positionCount = 0;

  /** A full index from one consistent snapshot (nodes and channels first, so positions sum once). */
  static build(snapshot: {
    nodes: readonly NodeMeta[];
    channels: readonly ChannelRule[];
    positions: Iterable<PositionChange>;
  }): AvailabilityIndex {
    const index = new AvailabilityIndex();
    for (const node of snapshot.nodes) {
      const entry = index.nodeEntryQuiet(node.id);
      entry.meta = node;
      entry.sellable = node.status === 'online';
    }
    index.setChannels(snapshot.channels);
    for (const p of snapshot.positions) index.apply(p);
    return index;
  }

  // ---- writes -------------------------------------------------------------------------------

  /** Applies a position change if its version is newer than the one held; true when applied. */
  apply(change: PositionChange): boolean {
    let entry = this.skus.get(change.sku);
    if (entry === undefined) {
      entry = new SkuEntry(new Float64Array(this.channelList.length + 1));
      this.skus.set(change.sku, entry);
    }
    let pos = entry.byNode.get(change.nodeId);
    if (pos === undefined) {
      pos = new Position(this.nodeEntry(change.nodeId));
      entry.byNode.set(change.nodeId, pos);
      entry.positions.push(pos);
      this.positionCount++;
    } else if (change.version <= pos.version) {
      return false;
    }
    const before = pos.node.sellable ? pos.atp : 0;
    pos.onHand = change.onHand;
    pos.reserved = change.reserved;
    pos.safety = change.safety;
    pos.version = change.version;
    const atp = change.onHand - change.reserved - change.safety;
    pos.atp = atp > 0 ? atp : 0;
    const delta = (pos.node.sellable ? pos.atp : 0) - before;
    if (delta !== 0) this.addToSums(entry.sums, pos.node.slot, delta);
    return true;
  }

  /** Adds or replaces a node's metadata if its version is newer; true when applied. */
  upsertNode(meta: NodeMeta): boolean {
    const node = this.nodes.get(meta.id);
    if (node?.meta && meta.version <= node.meta.version) return false;
    const entry = node ?? this.nodeEntry(meta.id);
    entry.meta = meta;
    entry.sellable = meta.status === 'online';
    // Kind, tags or status may change which channels see the node: rare, so recompute all.
    this.recompute();
    return true;
  }

  /** Forgets a node's metadata (its positions stay, contributing nothing). */
  removeNode(id: string, version: number): boolean {
    const node = this.nodes.get(id);
    if (!node?.meta || version < node.meta.version) return false;
    node.meta = undefined;
    node.sellable = false;
    this.recompute();
    return true;
  }

  /** Replaces every channel rule. */
  setChannels(rules: readonly ChannelRule[]): void {
    this.channelList = rules.map((rule, i) => ({ rule, slot: i + 1, allowed: new Uint8Array(0) }));
    this.channels = new Map(this.channelList.map((c) => [c.rule.id, c]));
    this.recompute();
  }

  // ---- reads --------------------------------------------------------------------------------

  /** A node's own ATP for a sku (0 when it holds none), whatever the node's status. */
  atp(sku: string, nodeId: string): number {
    return this.skus.get(sku)?.byNode.get(nodeId)?.atp ?? 0;
  }

  /** Network ATP of a sku for a channel (null = every sellable node, no buffer). */
  networkAtp(sku: string, channel: string | null = null): number {
    if (channel === null) return this.skus.get(sku)?.sums[0] ?? 0;
    const c = this.channels.get(channel);
    if (c === undefined) throw new RangeError(`unknown channel ${channel}`);
    const entry = this.skus.get(sku);
    return entry === undefined ? 0 : channelAtp(c.rule, entry.sums[c.slot]!);
  }

  hasChannel(id: string): boolean {
    return this.channels.has(id);
  }

  channel(id: string): ChannelRule | undefined {
    return this.channels.get(id)?.rule;
  }

  node(id: string): NodeMeta | undefined {
    return this.nodes.get(id)?.meta;
  }

  position(sku: string, nodeId: string): PositionView | undefined {
    return this.skus.get(sku)?.byNode.get(nodeId);
  }

  /** Every position of a sku, sellable or not (read-only views into the index). */
  positions(sku: string): readonly PositionView[] {
    return this.skus.get(sku)?.positions ?? EMPTY;
  }

  /** Whether a channel (null = any) may sell from a node now: admitted by its rule and online. */
  maySell(channel: string | null, nodeId: string): boolean {
    const node = this.nodes.get(nodeId);
    if (!node?.sellable) return false;
    if (channel === null) return true;
    const c = this.channels.get(channel);
    if (c === undefined) throw new RangeError(`unknown channel ${channel}`);
    return c.allowed[node.slot] === 1;
  }

  /** Compiles a filter once per request (throws RangeError for an unknown channel). */
  prepare(filter: AvailabilityFilter): PreparedFilter {
    const c = filter.channel === null ? undefined : this.channels.get(filter.channel);
    if (filter.channel !== null && c === undefined) throw new RangeError(`unknown channel ${filter.channel}`);
    const origin = filter.origin ?? null;
    const radius = origin ? (filter.radiusMiles ?? null) : null;
    const kinds = filter.kinds ?? null;
    const detail = filter.detail ?? false;
    const restricted = kinds !== null || filter.nodeIds != null || origin !== null;
    // The common question (channel only, no rows) is answered from the sums: no per-node pass.
    if (!restricted && !detail) {
      return { rule: c?.rule ?? null, fastSlot: c?.slot ?? 0, allowed: NO_NODES, distance: null, detail };
    }
    const only = filter.nodeIds ? new Set(filter.nodeIds) : null;
    const allowed = new Uint8Array(this.nodeList.length);
    const distance = origin ? new Float64Array(this.nodeList.length) : null;
    for (const node of this.nodeList) {
      const meta = node.meta;
      if (!node.sellable || meta === undefined) continue;
      if (c !== undefined && c.allowed[node.slot] !== 1) continue;
      if (kinds !== null && !kinds.includes(meta.kind)) continue;
      if (only !== null && !only.has(node.id)) continue;
      if (distance !== null && origin !== null) {
        const miles = haversineMiles(origin, meta);
        if (radius !== null && miles > radius) continue;
        distance[node.slot] = miles;
      }
      allowed[node.slot] = 1;
    }
    return { rule: c?.rule ?? null, fastSlot: restricted ? -1 : (c?.slot ?? 0), allowed, distance, detail };
  }

  /** Availability of one sku under a prepared filter; node rows sorted by distance, else by ATP. */
  evaluate(sku: string, f: PreparedFilter): SkuAvailability {
    const entry = this.skus.get(sku);
    if (entry === undefined) return f.detail ? { sku, networkAtp: 0, nodes: [] } : { sku, networkAtp: 0 };
    if (f.fastSlot >= 0 && !f.detail) {
      return { sku, networkAtp: channelAtp(f.rule, entry.sums[f.fastSlot]!) };
    }
    let sum = 0;
    const rows: NodeAvailability[] | undefined = f.detail ? [] : undefined;
    for (const p of entry.positions) {
      const slot = p.node.slot;
      if (f.allowed[slot] !== 1) continue;
      sum += p.atp;
      if (rows === undefined) continue;
      const row: NodeAvailability = {
        nodeId: p.node.id,
        kind: p.node.meta?.kind ?? '',
        onHand: p.onHand,
        reserved: p.reserved,
        safety: p.safety,
        atp: p.atp,
      };
      if (f.distance !== null) row.distanceMiles = Math.round(f.distance[slot]! * 100) / 100;
      rows.push(row);
    }
    const networkAtp = channelAtp(f.rule, sum);
    if (rows === undefined) return { sku, networkAtp };
    if (f.distance !== null) {
      rows.sort((a, b) => a.distanceMiles! - b.distanceMiles! || compareIds(a.nodeId, b.nodeId));
    } else {
      rows.sort((a, b) => b.atp - a.atp || compareIds(a.nodeId, b.nodeId));
    }
    return { sku, networkAtp, nodes: rows };
  }

  /** Nodes a channel may sell a sku from now (online, admitted), with their ATP, most first. */
  sellingNodes(sku: string, channel: string | null = null): NodeAvailability[] {
    return this.evaluate(sku, this.prepare({ channel, detail: true })).nodes ?? [];
  }

  stats(): { skus: number; positions: number; nodes: number; channels: number } {
    let nodes = 0;
    for (const n of this.nodeList) if (n.meta) nodes++;
    return { skus: this.skus.size, positions: this.positionCount, nodes, channels: this.channelList.length };
  }

  // ---- internals ----------------------------------------------------------------------------

  private nodeEntry(id: string): NodeEntry {
    const known = this.nodes.get(id);
    if (known !== undefined) return known;
    const node = this.nodeEntryQuiet(id);
    // A new slot widens every channel mask (a position can name a node before its metadata).
    this.recompileMasks();
    return node;
  }

  private nodeEntryQuiet(id: string): NodeEntry {
    let node = this.nodes.get(id);
    if (node === undefined) {
      node = new NodeEntry(id, this.nodeList.length);
      this.nodes.set(id, node);
      this.nodeList.push(node);
    }
    return node;
  }

  private addToSums(sums: Float64Array, slot: number, delta: number): void {
    sums[0]! += delta;
    for (const c of this.channelList) if (c.allowed[slot] === 1) sums[c.slot]! += delta;
  }

  private recompileMasks(): void {
    for (const c of this.channelList) {
      const allowed = new Uint8Array(this.nodeList.length);
      for (const node of this.nodeList) {
        if (node.meta && nodeAllowed(c.rule, node.meta)) allowed[node.slot] = 1;
      }
      c.allowed = allowed;
    }
  }

  /** Rebuilds masks and every sku's sums: after node or channel changes, which are rare. */
  private recompute(): void {
    this.recompileMasks();
    const width = this.channelList.length + 1;
    for (const entry of this.skus.values()) {
      if (entry.sums.length !== width) entry.sums = new Float64Array(width);
      else entry.sums.fill(0);
      for (const p of entry.positions) {
        if (p.node.sellable && p.atp > 0) this.addToSums(entry.sums, p.node.slot, p.atp);
      }
    }
  }
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
