import { AppError } from '../errors/app-error.ts';
import { canAccessNode, type Principal } from './roles.ts';

/** Associates act only on their own nodes; other roles on every node. */
export function assertNodeAccess(principal: Principal, nodeId: string): void {
  if (!canAccessNode(principal, nodeId)) {
    throw new AppError('node-forbidden', `This key is not bound to node ${nodeId}`);
  }
}
