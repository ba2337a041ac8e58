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

  it('local deployments showed TIME LEFT on TERMINATED rows: ended deployments show none', () => {
    // Prepare
    const now = Date.parse('2026-01-01T12:00:00Z');
    const ended = (status: string, n: number) => ({
      deployId: `01ARZ3NDEKTSV4RRFFQ69G5FA${n}`,
      status,
      branch: 'demo-ready',
      owner: { userId: 'U0LOCAL1', userName: 'U0LOCAL1' },
      expiresAt: now / 1000 + 3600,
    });
    const rows = [ended('TERMINATED', 1), ended('TERMINATING', 2), ended('REJECTED', 3), ended('READY', 4)];

    // Act
    const table = formatDeployments(rows, now).split('\n');

    // Assess
    expect(table[1]).toMatch(/TERMINATED\s+demo-ready\s+U0LOCAL1$/);
    expect(table[2]).toMatch(/TERMINATING\s+demo-ready\s+U0LOCAL1$/);
    expect(table[3]).toMatch(/REJECTED\s+demo-ready\s+U0LOCAL1$/);
    expect(table[4]).toMatch(/READY\s+demo-ready\s+U0LOCAL1\s+1h$/);
  });

  it('local deployments lower-cased the owner: it shows the name as Slack sent it, and the id when different', () => {
    // Prepare
    const rows = [
      { deployId: 'A', status: 'READY', owner: { userId: 'U0LOCAL1', userName: 'U0LOCAL1' } },
      { deployId: 'B', status: 'READY', owner: { userId: 'U024BE7LH', userName: 'Alice' } },
    ];

    // Act
    const table = formatDeployments(rows).split('\n');

    // Assess
    expect(table[1]).toMatch(/^A\s+READY\s+U0LOCAL1$/);
    expect(table[2]).toMatch(/^B\s+READY\s+Alice \(U024BE7LH\)$/);
  });

  it('local deployments listed a branch claim as a row: claims are left out', () => {
    // Prepare
    const rows = [
      { deployId: 'branch#feature/ABC-123-login-page', holder: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
      { deployId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', status: 'READY', branch: 'feature/ABC-123-login-page' },
    ];

    // Act
    const table = formatDeployments(rows).split('\n');

    // Assess
    expect(table).toHaveLength(2);
    expect(table.join('\n')).not.toContain('branch#');
  });

  it('says so when there are no deployments', () => {
    expect(formatDeployments([])).toBe('(no deployments yet)');
  });
});
