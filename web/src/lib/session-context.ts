import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { NetworkNode } from '../api/types.ts';
import type { Session } from './session.ts';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

export function nodeIndex(nodes: NetworkNode[]): Map<string, NetworkNode> {
  return new Map(nodes.map((n) => [n.id, n]));
}
