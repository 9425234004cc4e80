import type { Role } from '../../src/platform/auth/roles.ts';
import type { AppInstance } from '../../src/platform/http/app-instance.ts';
import { buildApp } from '../../src/platform/http/build-app.ts';
import { createServices, type Services } from '../../src/platform/services.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface TestApp {
  app: AppInstance;
  services: Services;
  database: TestDatabase;
  adminKey: string;
  /** Creates a key of a role (associates bound to `nodeIds`) and returns its secret. */
  keyFor(role: Role, nodeIds?: string[]): Promise<string>;
  close(): Promise<void>;
}

/** An app on its own fresh database, with an admin key ready. */
export async function createTestApp(): Promise<TestApp> {
  const database = await createTestDatabase();
  const services = createServices(database.db);
  const app = await buildApp({ services });
  await app.ready();
  const { key: adminKey } = await services.keys.create({ name: 'test admin', role: 'admin' }, 'test');
  return {
    app,
    services,
    database,
    adminKey,
    async keyFor(role, nodeIds = []) {
      const { key } = await services.keys.create({ name: `test ${role}`, role, nodeIds }, 'test');
      return key;
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}
