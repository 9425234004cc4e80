import type { Role } from './api/types.ts';
import { can } from './lib/session.ts';

export interface NavItem {
  path: string;
  label: string;
  allowed: (role: Role) => boolean;
}

/** The views, in menu order, with the roles that may open them (docs/console.md). */
export const NAV: NavItem[] = [
  { path: '', label: 'Overview', allowed: can.readAll },
  { path: 'map', label: 'Network map', allowed: can.readAll },
  { path: 'inventory', label: 'Inventory', allowed: () => true },
  { path: 'orders', label: 'Orders', allowed: can.readAll },
  { path: 'queue', label: 'Node queue', allowed: () => true },
  { path: 'policies', label: 'Policies', allowed: can.readAll },
  { path: 'settings', label: 'Settings', allowed: can.manage },
];

/** The nav item a path belongs to ('orders/123' → 'orders'). */
export function sectionOf(path: string): string {
  return path.split('/')[0] ?? '';
}
