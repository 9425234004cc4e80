import { api, setApiKey } from '../api/client.ts';
import type { NetworkNode, Page, Role } from '../api/types.ts';

export interface Session {
  key: string;
  role: Role;
  /** The key's name, as created. */
  name: string;
  /** The nodes this key may see: an associate's own nodes, everyone else's whole network. */
  nodes: NetworkNode[];
}

const STORAGE_KEY = 'ordergrid.console.key';

/** The key lives in sessionStorage: it is gone when the tab closes and is never sent to other sites. */
export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  setApiKey(null);
}

export async function signIn(key: string): Promise<Session> {
  const me = await api<{ name: string; role: Role }>('/v1/me', { key });
  const nodes = await api<Page<NetworkNode>>('/v1/nodes?limit=500', { key });
  sessionStorage.setItem(STORAGE_KEY, key);
  setApiKey(key);
  return { key, role: me.role, name: me.name, nodes: nodes.items };
}

export const can = {
  readAll: (r: Role) => r !== 'associate',
  manage: (r: Role) => r === 'admin' || r === 'integration',
  nodeWork: (r: Role) => r === 'admin' || r === 'associate',
  admin: (r: Role) => r === 'admin',
};
