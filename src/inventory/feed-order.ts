import type { FeedRow } from './feed-rows.ts';

/**
 * The batch's rows in position order, and what repeats in it.
 *
 * The staging table is filled in (node_id, sku, row) order: the positions, marks and ledger
 * indexes are then written in key order, page after page, and locking in key order finds the
 * rows already sorted. Ids are ASCII (validated), so this code-unit order is the byte order.
 *
 * Most feeds name each position once; knowing that up front lets the classification and the
 * apply skip the aggregates and window sorts that deal with repeats (seconds for a million rows).
 */
export interface FeedOrder {
  /** Indexes into the rows, by (nodeId, sku, index). */
  order: Uint32Array;
  /** Some position appears in more than one row. */
  positionRepeats: boolean;
}

/** Rows are bucketed by node (few) and each bucket sorted by sku: ~1 s for a million rows. */
export function orderFeed(rows: FeedRow[]): FeedOrder {
  const byNode = new Map<string, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const node = rows[i]!.nodeId;
    const bucket = byNode.get(node);
    if (bucket) bucket.push(i);
    else byNode.set(node, [i]);
  }
  const bySku = (x: number, y: number): number => {
    const a = rows[x]!.sku;
    const b = rows[y]!.sku;
    return a < b ? -1 : a > b ? 1 : x - y;
  };
  const order = new Uint32Array(rows.length);
  let o = 0;
  let positionRepeats = false;
  for (const node of [...byNode.keys()].sort()) {
    const bucket = byNode.get(node)!.sort(bySku);
    for (let k = 0; k < bucket.length; k++) {
      if (k > 0 && rows[bucket[k]!]!.sku === rows[bucket[k - 1]!]!.sku) positionRepeats = true;
      order[o++] = bucket[k]!;
    }
  }
  return { order, positionRepeats };
}
