/** What a key may do; see docs/access.md for the matrix. */
export const ROLES = ['admin', 'integration', 'associate', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Named role sets used by route declarations, so the access matrix reads in one place. */
export const access = {
  /** Reading network, catalog, inventory: everyone with a key (associates are scoped to their nodes). */
  read: ['admin', 'integration', 'associate', 'viewer'],
  /** Reading everything across nodes (events, exports): not associates. */
  readAll: ['admin', 'integration', 'viewer'],
  /** Changing the network and catalog master data. */
  manage: ['admin', 'integration'],
  /** Feeds and channel traffic from other systems. */
  integrate: ['admin', 'integration'],
  /** Work done at a node (accept, pick, ship...). */
  nodeWork: ['admin', 'associate'],
  /** Keys, policies and other administration. */
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** For associates: the nodes this key is bound to. Empty for other roles (they see all nodes). */
  nodeIds: string[];
}

/** Whether a principal may see or act on a node. */
export function canAccessNode(principal: Principal, nodeId: string): boolean {
  return principal.role !== 'associate' || principal.nodeIds.includes(nodeId);
}
