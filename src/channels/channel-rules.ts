/**
 * What a sales channel may see: pure rules, shared by the channel API (validation, docs) and the
 * in-memory availability index (which compiles them into per-node masks).
 */
export interface ChannelRule {
  id: string;
  /** Units held back from the channel's network ATP (per sku). */
  bufferUnits: number;
  /** Percent of the network ATP held back, rounded up (on top of bufferUnits). */
  bufferPercent: number;
  /** Most units shown per sku; null = no cap. */
  cap: number | null;
  /** Node kinds the channel may sell from; null = any kind. */
  kinds: readonly string[] | null;
  /** The node must carry at least one of these tags; null = any tags. */
  tags: readonly string[] | null;
  /** Always allowed (unless excluded), whatever their kind or tags. */
  include: readonly string[];
  /** Never allowed; wins over everything else. */
  exclude: readonly string[];
  /** An inactive channel sells from no node. */
  active: boolean;
}

/** The node fields a rule looks at. */
export interface RuleNode {
  id: string;
  kind: string;
  tags: readonly string[];
}

/** Whether a channel may sell from a node (node status is the index's concern, not the rule's). */
export function nodeAllowed(rule: ChannelRule, node: RuleNode): boolean {
  if (!rule.active) return false;
  if (rule.exclude.includes(node.id)) return false;
  if (rule.include.includes(node.id)) return true;
  if (rule.kinds !== null && !rule.kinds.includes(node.kind)) return false;
  if (rule.tags !== null && !rule.tags.some((t) => node.tags.includes(t))) return false;
  return true;
}

/**
 * The channel's view of a network sum: minus the buffer (units, then percent rounded up, so a buffer
 * never shows more than the rule allows), never below 0, then capped.
 */
export function channelAtp(rule: ChannelRule | null, sum: number): number {
  if (rule === null) return sum > 0 ? sum : 0;
  let v = sum - rule.bufferUnits;
  // The epsilon keeps float noise (e.g. 300 * 7 / 100) from rounding a whole number up.
  if (rule.bufferPercent > 0) v -= Math.ceil((sum * rule.bufferPercent) / 100 - 1e-9);
  if (v <= 0) return 0;
  return rule.cap !== null && v > rule.cap ? rule.cap : v;
}

/** A rule that lets everything through: what "no channel" means. */
export const OPEN_RULE: ChannelRule = {
  id: '',
  bufferUnits: 0,
  bufferPercent: 0,
  cap: null,
  kinds: null,
  tags: null,
  include: [],
  exclude: [],
  active: true,
};
