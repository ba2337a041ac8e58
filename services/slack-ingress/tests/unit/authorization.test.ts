import { type AccessPolicy, mayActOn, resolveRole, roleFromLists } from '../../src/domain/authorization';

const policy = (groups: string[] = []): AccessPolicy => ({
  allowedUsers: new Set(['U0USER01']),
  adminUsers: new Set(['U0ADMIN1']),
  allowedUserGroups: groups,
});

const directory = (members: Record<string, string[]>) => {
  const calls: string[][] = [];
  return {
    calls,
    isMemberOfAny: async (userId: string, groupIds: readonly string[]) => {
      calls.push([userId, ...groupIds]);
      return groupIds.some((id) => members[id]?.includes(userId) ?? false);
    },
  };
};

describe('roleFromLists', () => {
  it.each([
    ['U0ADMIN1', 'admin'],
    ['U0USER01', 'user'],
    ['U0NOBODY', 'none'],
  ])('gives %s the role %s', (userId, role) => {
    // Act + Assess
    expect(roleFromLists(userId, policy())).toBe(role);
  });

  it('makes an admin who is also on the user list an admin', () => {
    // Prepare
    const both = { ...policy(), allowedUsers: new Set(['U0ADMIN1']) };

    // Act + Assess
    expect(roleFromLists('U0ADMIN1', both)).toBe('admin');
  });
});

describe('resolveRole', () => {
  it('does not ask Slack about users on the lists', async () => {
    // Prepare
    const groups = directory({});

    // Act
    const role = await resolveRole('U0USER01', policy(['S0GROUP1']), groups);

    // Assess
    expect(role).toBe('user');
    expect(groups.calls).toEqual([]);
  });

  it('does not ask Slack when no groups are configured', async () => {
    // Prepare
    const groups = directory({ S0GROUP1: ['U0NOBODY'] });

    // Act
    const role = await resolveRole('U0NOBODY', policy(), groups);

    // Assess
    expect(role).toBe('none');
    expect(groups.calls).toEqual([]);
  });

  it('lets a member of a configured group in as a user', async () => {
    // Prepare
    const groups = directory({ S0GROUP2: ['U0MEMBER'] });

    // Act
    const role = await resolveRole('U0MEMBER', policy(['S0GROUP1', 'S0GROUP2']), groups);

    // Assess
    expect(role).toBe('user');
    expect(groups.calls).toEqual([['U0MEMBER', 'S0GROUP1', 'S0GROUP2']]);
  });

  it('keeps out someone in no configured group', async () => {
    // Act
    const role = await resolveRole('U0NOBODY', policy(['S0GROUP1']), directory({ S0GROUP1: ['U0MEMBER'] }));

    // Assess
    expect(role).toBe('none');
  });
});

describe('mayActOn', () => {
  it.each<['admin' | 'user' | 'none', string, string, boolean]>([
    ['user', 'U0USER01', 'U0USER01', true],
    ['user', 'U0USER01', 'U0OTHER1', false],
    ['admin', 'U0ADMIN1', 'U0OTHER1', true],
    ['none', 'U0NOBODY', 'U0NOBODY', false],
  ])('as %s, %s acting on a deployment of %s: %p', (role, actor, owner, allowed) => {
    // Act + Assess
    expect(mayActOn(role, actor, owner)).toBe(allowed);
  });
});
