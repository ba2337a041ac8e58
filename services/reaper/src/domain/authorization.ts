import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { ReaperPolicy } from './ports';

/**
 * Ownership (docs/architecture.md §1, §7): owners act on their own environments, admins on anyone's. Ingress
 * pre-checks this for a fast reply; this check, next to the write, is the one that counts.
 */
export const isAdmin = (userId: string, policy: ReaperPolicy): boolean => policy.adminUsers.has(userId);

export const mayActOn = (userId: string, record: DeploymentRecord, policy: ReaperPolicy): boolean =>
  record.ownerId === userId || record.owner.userId === userId || isAdmin(userId, policy);

/** `user` when owners end their own, `admin` when an admin ends someone else's. */
export const terminationReasonFor = (userId: string, record: DeploymentRecord): 'user' | 'admin' =>
  record.ownerId === userId || record.owner.userId === userId ? 'user' : 'admin';
