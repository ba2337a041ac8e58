import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { LogsCollected } from '@branch-envs/shared/events/LogsCollected';
import { LogsRequested } from '@branch-envs/shared/events/LogsRequested';
import { fixtureData } from '../../../../../shared/tests/helpers/factories';
import { collectLogs } from '../../../src/domain/logs/collectLogs';
import type { LogsDeps } from '../../../src/domain/logs/ports';
import type { Log } from '../../../src/domain/ports';
import type { CommandResult } from '../../../src/domain/update/ports';

const quiet = () => undefined;
const log: Log = { info: quiet, warn: quiet, error: quiet, debug: quiet };
const request = fixtureData(LogsRequested);
const cause = { eventId: '01KB0W8J6QF3ZC9D2M4N5P7RA1', correlationId: request.deployId };
const INSTANCE = 'i-0123456789abcdef0';

const recordOf = (overrides: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
  kind: 'deployment',
  deployId: request.deployId,
  status: 'READY',
  query: 'login',
  branch: 'feature/ABC-123-login-page',
  owner: request.requestedBy,
  ownerId: request.requestedBy.userId,
  channelId: request.replyTo.channelId,
  replyTo: request.replyTo,
  responseUrlUses: 0,
  instanceId: INSTANCE,
  createdAt: '2026-11-26T09:00:00.000Z',
  ttlSeconds: 3600,
  expiresAt: 1_800_000_000,
  keepOvernight: false,
  history: [],
  version: 0,
  ...overrides,
});

/** Ports on a fake clock: Run Command answers with `results` in turn (the last one repeats). */
const world = (options: {
  record?: DeploymentRecord;
  results?: CommandResult[];
  sendFails?: boolean;
  console?: string;
}) => {
  let now = Date.parse('2026-12-03T08:40:00Z');
  const results = [...(options.results ?? [])];
  const sent: Record<string, string>[] = [];
  const published: LogsCollected['data'][] = [];
  const deps: LogsDeps = {
    ports: {
      records: { get: async () => options.record },
      commands: {
        send: async ({ parameters }) => {
          if (options.sendFails) throw Object.assign(new Error('not valid'), { name: 'InvalidInstanceId' });
          sent.push({ ...parameters });
          return '11111111-2222-3333-4444-555555555555';
        },
        result: async () => (results.length > 1 ? results.shift() : results[0]) ?? { status: 'pending' },
      },
      console: { latest: async () => options.console },
      publish: async (data, c) => {
        expect(c).toEqual(cause);
        published.push(LogsCollected.data.parse(data));
      },
      sleep: async (ms) => {
        now += ms;
      },
      now: () => new Date(now),
    },
    settings: {
      documentName: 'branch-envs-test-logs',
      waitSeconds: 5,
      pollIntervalMs: 1000,
      redactPatterns: [],
    },
    log,
  };
  return { deps, sent, published };
};

const success = (output: string): CommandResult => ({ status: 'success', responseCode: 0, output });

describe('collectLogs', () => {
  it('runs the logs document with only the kind and the line count, and publishes the redacted output', async () => {
    // Prepare
    const { deps, sent, published } = world({
      record: recordOf(),
      results: [{ status: 'pending' }, success('calling with Bearer s3cr3t-value-1\nGET /health 200\n')],
    });

    // Act
    await collectLogs(request, cause, deps);

    // Assess
    expect(sent).toEqual([{ Kind: 'app', Lines: '100' }]);
    expect(published).toEqual([
      expect.objectContaining({
        deployId: request.deployId,
        branch: 'feature/ABC-123-login-page',
        outcome: {
          status: 'collected',
          source: 'run_command',
          text: 'calling with Bearer [REDACTED]\nGET /health 200\n',
          notes: [],
          redactions: 1,
        },
      }),
    ]);
  });

  it('reads the console output, and says so, when the agent does not answer in time', async () => {
    // Prepare
    const { deps, published } = world({
      record: recordOf(),
      results: [{ status: 'pending' }],
      console: 'line 1\nline 2\ntoken xoxb-1234567890-abcdef\n',
    });

    // Act
    await collectLogs({ ...request, lines: 2 }, cause, deps);

    // Assess
    const [only] = published;
    expect(only?.outcome).toEqual({
      status: 'collected',
      source: 'console_output',
      text: 'line 2\ntoken [REDACTED]\n',
      notes: [expect.stringContaining('did not answer within 5 s, so this is its serial console output')],
      redactions: 1,
    });
  });

  it('reads the console output when Run Command refuses the instance (no agent)', async () => {
    // Prepare
    const { deps, published } = world({ record: recordOf(), sendFails: true, console: 'boot\n' });

    // Act
    await collectLogs(request, cause, deps);

    // Assess
    expect(published[0]?.outcome).toMatchObject({
      status: 'collected',
      source: 'console_output',
      text: 'boot\n',
    });
  });

  it('reads the console output when the command fails', async () => {
    // Prepare
    const failed: CommandResult = { status: 'failed', responseCode: 1, output: 'journalctl: not found' };
    const { deps, published } = world({ record: recordOf(), results: [failed], console: 'console\n' });

    // Act
    await collectLogs(request, cause, deps);

    // Assess
    expect(published[0]?.outcome).toMatchObject({
      source: 'console_output',
      notes: [expect.stringMatching(/^The logs command ended failed \(exit code 1\), so this is/)],
    });
  });

  it('answers no_output when neither source has anything', async () => {
    // Prepare
    const { deps, published } = world({ record: recordOf(), sendFails: true, console: '  \n' });

    // Act
    await collectLogs(request, cause, deps);

    // Assess
    expect(published[0]?.outcome).toMatchObject({ status: 'unavailable', reason: 'no_output' });
  });

  it.each<[string, DeploymentRecord | undefined, string]>([
    ['an ended deployment', recordOf({ status: 'TERMINATED' }), 'not_live'],
    ['a missing record', undefined, 'not_live'],
    [
      'a deployment without an instance',
      recordOf({ status: 'RESOLVED', instanceId: undefined }),
      'no_instance',
    ],
    [
      'a request as owner by someone else',
      recordOf({ owner: { ...request.requestedBy, userId: 'U0OTHER01' } }),
      'not_owner',
    ],
  ])('runs nothing for %s', async (_name, record, reason) => {
    // Prepare
    const { deps, sent, published } = world({ ...(record ? { record } : {}), results: [success('x')] });

    // Act
    await collectLogs(request, cause, deps);

    // Assess
    expect(sent).toEqual([]);
    expect(published[0]?.outcome).toMatchObject({ status: 'unavailable', reason });
  });

  it('keeps the end of an output too long for the event, with a note of the cut', async () => {
    // Prepare
    const long = `${'x'.repeat(99)}\n`.repeat(1000);
    const { deps, published } = world({ record: recordOf(), results: [success(long)] });

    // Act
    await collectLogs(request, cause, deps);

    // Assess
    const outcome = published[0]?.outcome;
    expect(outcome?.status).toBe('collected');
    if (outcome?.status !== 'collected') return;
    expect(outcome.text.length).toBeLessThanOrEqual(64_000);
    expect(outcome.text.endsWith(`${'x'.repeat(99)}\n`)).toBe(true);
    expect(outcome.notes).toEqual([
      expect.stringMatching(
        /^Only the last 6\d,\d{3} characters are shown; 3\d,\d{3} earlier characters were cut\.$/,
      ),
    ]);
  });
});
