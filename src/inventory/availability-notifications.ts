import type { NodeMeta, PositionChange } from './availability-index.ts';

/**
 * Parsers of the notification payloads the availability index listens to. A payload that does not
 * parse yields undefined (counted, never thrown: one bad message must not stop the listener).
 */

/** `node_id\tsku\ton_hand\treserved\tsafety_stock\tversion` (see src/inventory/migrations.ts). */
export function parseInventoryPayload(payload: string): PositionChange | undefined {
  const parts = payload.split('\t');
  if (parts.length !== 6) return undefined;
  const [nodeId, sku, onHand, reserved, safety, version] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const change = {
    nodeId,
    sku,
    onHand: Number(onHand),
    reserved: Number(reserved),
    safety: Number(safety),
    version: Number(version),
  };
  if (
    !nodeId ||
    !sku ||
    !Number.isFinite(change.onHand) ||
    !Number.isFinite(change.reserved) ||
    !Number.isFinite(change.safety) ||
    !Number.isFinite(change.version)
  ) {
    return undefined;
  }
  return change;
}

export type NodeNotification =
  | { op: 'U'; node: NodeMeta; at: number }
  | { op: 'D'; id: string; version: number; at: number };

/** The JSON sent by the `nodes_notify` trigger (src/channels/migrations.ts). */
export function parseNodePayload(payload: string): NodeNotification | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const at = Number(v.at);
  if (typeof v.id !== 'string' || typeof v.version !== 'number') return undefined;
  if (v.op === 'D') return { op: 'D', id: v.id, version: v.version, at };
  if (
    v.op !== 'U' ||
    typeof v.kind !== 'string' ||
    typeof v.status !== 'string' ||
    typeof v.lat !== 'number' ||
    typeof v.lon !== 'number' ||
    !Array.isArray(v.capabilities) ||
    !Array.isArray(v.tags)
  ) {
    return undefined;
  }
  return {
    op: 'U',
    at,
    node: {
      id: v.id,
      kind: v.kind,
      status: v.status,
      lat: v.lat,
      lon: v.lon,
      capabilities: v.capabilities as string[],
      tags: v.tags as string[],
      version: v.version,
    },
  };
}

/** `{"op","id","at"}` sent by ChannelService in the writing transaction; only `at` is used. */
export function parseChannelPayload(payload: string): { id: string; at: number } | undefined {
  try {
    const v = JSON.parse(payload) as { id?: unknown; at?: unknown };
    return typeof v.id === 'string' ? { id: v.id, at: Number(v.at) } : undefined;
  } catch {
    return undefined;
  }
}
