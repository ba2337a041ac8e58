/**
 * Who may use the commands (docs/architecture.md §7). Ingress checks this for fast feedback; for terminate and
 * extend the reaper checks ownership again, and its check is the one that counts.
 */

export type Role = 'admin' | 'user' | 'none';

export interface AccessPolicy {
  allowedUsers: ReadonlySet<string>;
  adminUsers: ReadonlySet<string>;
  /** Slack user-group ids (`S…`) whose members are users; empty when groups are not configured. */
  allowedUserGroups: readonly string[];
}

/** Answers "is this user in one of these groups"; backed by Slack's usergroups.users.list. */
export interface GroupDirectory {
  isMemberOfAny(userId: string, groupIds: readonly string[]): Promise<boolean>;
}

/** The role from the lists alone; `none` may still be a user through a group. */
export const roleFromLists = (userId: string, policy: AccessPolicy): Role => {
  if (policy.adminUsers.has(userId)) return 'admin';
  if (policy.allowedUsers.has(userId)) return 'user';
  return 'none';
};

/** Lists first (no I/O for the common case), then groups if any are configured. */
export const resolveRole = async (
  userId: string,
  policy: AccessPolicy,
  groups: GroupDirectory,
): Promise<Role> => {
  const role = roleFromLists(userId, policy);
  if (role !== 'none' || policy.allowedUserGroups.length === 0) return role;
  return (await groups.isMemberOfAny(userId, policy.allowedUserGroups)) ? 'user' : 'none';
};

/** Owners act on their own deployments; admins on anyone's. */
export const mayActOn = (role: Role, actorId: string, ownerId: string): boolean =>
  role === 'admin' || (role === 'user' && actorId === ownerId);
