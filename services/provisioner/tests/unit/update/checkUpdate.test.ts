import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { Build } from '@branch-envs/shared/events/build';
import { checkDelaySeconds } from '../../../src/domain/update/checkDelay';
import { UPDATE_EXIT, verdictOf } from '../../../src/domain/update/checkUpdate';
import type { CommandResult, UpdateDeps } from '../../../src/domain/update/ports';

const build: Build = {
  headSha: 'b'.repeat(40),
  artifacts: [{ key: 'k', lastModified: '2026-11-26T09:00:00.000Z', sizeBytes: 1 }],
  builtAt: '2026-11-26T09:00:00.000Z',
};

const record = {
  deployId: '01KB0W8J6QF3ZC9D2M4N5P7R8S',
  url: 'http://10.0.0.1/',
  update: { id: '01KB0W8J6QF3ZC9D2M4N5P7R9A', build, sequence: 1, reseed: false, startedAt: build.builtAt },
} as DeploymentRecord;

const depsAnswering = (healthy: boolean): UpdateDeps =>
  ({
    ports: {
      health: { check: async () => (healthy ? { healthy, status: 200 } : { healthy, observation: '503' }) },
    },
    settings: { healthPath: '/health' },
  }) as unknown as UpdateDeps;

const done = (status: Exclude<CommandResult['status'], 'pending'>, responseCode: number) => ({
  status,
  responseCode,
  output: 'last line of the script',
});

describe('verdictOf: what an ended update command means', () => {
  it('is updated only when the script succeeded and the app answers', async () => {
    await expect(
      verdictOf(done('success', UPDATE_EXIT.updated), record, depsAnswering(true)),
    ).resolves.toEqual({
      kind: 'updated',
    });
  });

  it('says the old build still runs after a rollback the app confirms', async () => {
    const verdict = await verdictOf(done('failed', UPDATE_EXIT.rolledBack), record, depsAnswering(true));

    expect(verdict).toMatchObject({ kind: 'failed', reason: 'unhealthy_rolled_back', oldBuildRunning: true });
    expect(verdict.kind === 'failed' && verdict.message).toContain(
      'previous build was restored and still runs',
    );
  });

  it('never claims the old build runs when the app does not answer', async () => {
    const verdict = await verdictOf(done('failed', UPDATE_EXIT.down), record, depsAnswering(false));

    expect(verdict).toMatchObject({ kind: 'failed', reason: 'environment_down', oldBuildRunning: false });
  });

  it('reports a fetch failure as untouched, naming the script’s last line', async () => {
    const verdict = await verdictOf(done('failed', UPDATE_EXIT.fetchFailed), record, depsAnswering(true));

    expect(verdict).toMatchObject({ kind: 'failed', reason: 'fetch_failed', oldBuildRunning: true });
    expect(verdict.kind === 'failed' && verdict.message).toContain('last line of the script');
  });

  it('reports a command SSM could not deliver as not delivered', async () => {
    const verdict = await verdictOf(done('undeliverable', -1), record, depsAnswering(true));

    expect(verdict).toMatchObject({ kind: 'failed', reason: 'not_delivered', oldBuildRunning: true });
  });

  it('treats a success whose app does not answer as down, not updated', async () => {
    const verdict = await verdictOf(done('success', UPDATE_EXIT.updated), record, depsAnswering(false));

    expect(verdict).toMatchObject({ kind: 'failed', reason: 'environment_down' });
  });
});

describe('checkDelaySeconds', () => {
  it('checks after 1, 2, 4 and 8 seconds, then every interval, so a quick update is not kept waiting a whole interval', () => {
    // Act
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => checkDelaySeconds(attempt, 10));

    // Assess
    expect(delays).toEqual([1, 2, 4, 8, 10, 10]);
    expect(checkDelaySeconds(3, 1)).toBe(1);
  });
});
