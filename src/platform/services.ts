import { ApiKeyService } from './auth/api-key-service.ts';
import type { Config } from './config/config.ts';
import type { Db } from './db/database.ts';

/**
 * The one place where strategies and services are wired together. Routes, jobs and the CLI take
 * what they need from here rather than constructing their own.
 */
export interface Services {
  db: Db;
  config: Pick<Config, 'demo'>;
  keys: ApiKeyService;
}

export function createServices(db: Db, config: Pick<Config, 'demo'> = { demo: false }): Services {
  return {
    db,
    config,
    keys: new ApiKeyService(db),
  };
}
