import type { ColumnType, Generated } from 'kysely';
import type { RoutingPolicy } from '../routing/index.ts';

/** A policy document as stored: the engine's document without its id and version (those are columns). */
export type StoredPolicyDocument = Omit<RoutingPolicy, 'id' | 'version'>;

export type PolicyStatus = 'draft' | 'active' | 'retired';

/**
 * One version of a routing policy. A draft holds the version it will get when activated; at most
 * one draft and one active version per policy id (partial unique indexes).
 */
export interface RoutingPoliciesTable {
  id: string;
  version: number;
  document: ColumnType<StoredPolicyDocument, string, string>;
  status: PolicyStatus;
  created_at: Generated<Date>;
  created_by: string;
  /** Last change of a draft's document (created_at for the others). */
  updated_at: Generated<Date>;
  activated_at: Date | null;
  retired_at: Date | null;
}

export interface PolicyTables {
  routing_policies: RoutingPoliciesTable;
}
