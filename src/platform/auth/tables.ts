import type { Generated } from 'kysely';

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  node_ids: string[];
  /** The key's first characters, shown in listings and used to find the row. */
  prefix: string;
  /** sha256 of the whole key: keys are 180-bit random, so a fast hash is safe. */
  secret_hash: string;
  created_at: Generated<Date>;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface AuthTables {
  api_keys: ApiKeysTable;
}
