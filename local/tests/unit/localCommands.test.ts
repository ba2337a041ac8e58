import { formatDeployments } from '../../src/cli/localCommands';

describe('formatDeployments', () => {
  it('prints an aligned table with the time left', () => {
    // Prepare
    const now = Date.parse('2026-01-01T12:00:00Z');
    const rows = [
      {
        deployId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
        status: 'READY',
        branch: 'demo-ready',
        owner: { userName: 'alice' },
        url: 'http://x/',
        expiresAt: now / 1000 + 90 * 60,
      },
      { deployId: '01ARZ3NDEKTSV4RRFFQ69G5FAW', status: 'REJECTED', query: 'login' },
    ];

    // Act
    const table = formatDeployments(rows, now).split('\n');

    // Assess
    expect(table[0]).toMatch(/^DEPLOY ID\s+STATUS\s+BRANCH\s+OWNER\s+URL\s+TIME LEFT$/);
    expect(table[1]).toMatch(
      /^01ARZ3NDEKTSV4RRFFQ69G5FAV\s+READY\s+demo-ready\s+alice\s+http:\/\/x\/\s+1h 30m$/,
    );
    expect(table[2]).toMatch(/^01ARZ3NDEKTSV4RRFFQ69G5FAW\s+REJECTED\s+login$/);
  });

  it('says so when there are no deployments', () => {
    expect(formatDeployments([])).toBe('(no deployments yet)');
  });
});
