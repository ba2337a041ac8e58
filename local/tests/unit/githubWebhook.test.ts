import { prClosedPayload } from '../../src/cli/githubWebhook';
import { loadDemoRepository } from '../../src/standins/githubDemo';

const demo = loadDemoRepository();
// biome-ignore lint/suspicious/noExplicitAny: the assertions read deep into GitHub's payload
type Json = Record<string, any>;

describe('branch-envs webhook pr-closed', () => {
  it('moves GitHub’s example payload to the demo repository and the branch’s pull request', () => {
    // Act
    const payload = prClosedPayload(demo, {
      branch: 'demo-ready',
      merged: true,
      closedAt: new Date('2026-12-01T10:00:00.000Z'),
    }) as Json;

    // Assess
    expect(payload.action).toBe('closed');
    expect(payload.number).toBe(45);
    expect(payload.repository.full_name).toBe('acme/shop');
    expect(payload.pull_request).toMatchObject({
      number: 45,
      merged: true,
      merged_at: '2026-12-01T10:00:00Z',
      closed_at: '2026-12-01T10:00:00Z',
      head: { ref: 'demo-ready', repo: { full_name: 'acme/shop' } },
      base: { repo: { full_name: 'acme/shop' } },
    });
    expect(payload.pull_request.head.sha).toBe(demo.branches.find((b) => b.name === 'demo-ready')?.sha);
  });

  it('puts the head in a fork when asked, and leaves merged_at null for a close without merge', () => {
    // Act
    const payload = prClosedPayload(demo, {
      branch: 'demo-ready',
      merged: false,
      fork: 'mallory/shop',
    }) as Json;

    // Assess
    expect(payload.pull_request.head.repo.full_name).toBe('mallory/shop');
    expect(payload.pull_request).toMatchObject({ merged: false, merged_at: null });
  });

  it('refuses a branch with no demo pull request unless given a number', () => {
    // Act + Assess
    expect(() => prClosedPayload(demo, { branch: 'experiment/no-pr-spike', merged: true })).toThrow(
      /pass --number/,
    );
    expect(
      (prClosedPayload(demo, { branch: 'experiment/no-pr-spike', merged: true, number: 99 }) as Json).number,
    ).toBe(99);
  });
});
