import {
  type LoggingInstance,
  SIMULATED_GITHUB_TOKEN,
  simulatedLogs,
} from '../../src/standins/simulatedLogs';

/** The simulated instance's side of the logs document (ADR 0030): what its script would print. */
const instance: LoggingInstance = {
  instanceId: 'i-0123456789abcdef0',
  branch: 'demo-ready',
  firstSeen: Date.now() - 120_000,
  build: { headSha: 'abc1234'.padEnd(40, '0'), broken: false },
  document: { artifacts: [{ name: 'jar', url: 'https://b.s3.amazonaws.com/k.jar?X-Amz-Signature=abc' }] },
};

const run = (kind: string, lines: string, over: Partial<LoggingInstance> = {}) =>
  simulatedLogs({ instance: () => ({ ...instance, ...over }), bootDelayMs: 1000 })({
    commandId: '11111111-2222-3333-4444-555555555555',
    instanceId: instance.instanceId,
    documentName: 'branch-envs-local-logs',
    parameters: { Kind: [kind], Lines: [lines] },
    signal: new AbortController().signal,
  });

describe('the simulated logs document', () => {
  it("prints the journal's last N lines, with the health checks and the tokens a careless app logs", async () => {
    // Act
    const out = await run('app', '100');

    // Assess
    const lines = out.stdout.trimEnd().split('\n');
    expect(out.exitCode).toBe(0);
    expect(lines).toHaveLength(100);
    expect(out.stdout).toContain('shop[2041]: GET /health 200');
    expect(out.stdout).toContain(SIMULATED_GITHUB_TOKEN);
  });

  it('prints the boot log up to the failed step, and the status file', async () => {
    // Act
    const out = await run('boot', '500', { failedStep: 'start-app' });

    // Assess
    expect(out.stdout).toContain('branch-envs: step fetch-artifacts');
    expect(out.stdout).toContain('fetching jar from https://b.s3.amazonaws.com/k.jar?X-Amz-Signature=abc');
    expect(out.stdout.trimEnd().split('\n').slice(-3)).toEqual([
      'branch-envs: failed (step start-app)',
      '--- boot status (/var/lib/branch-envs/status.json)',
      '{"status":"failed","step":"start-app"}',
    ]);
  });

  it('answers a crashed build with its stack trace, and an unknown instance with a failure', async () => {
    // Act
    const crashed = await run('app', '10', { build: { headSha: null, broken: true } });
    const unknown = await simulatedLogs({ instance: () => undefined, bootDelayMs: 1000 })({
      commandId: 'x',
      instanceId: 'i-0',
      documentName: 'd',
      parameters: { Kind: ['app'], Lines: ['1'] },
      signal: new AbortController().signal,
    });

    // Assess
    expect(crashed.stdout).toContain('IllegalStateException: crash-on-start');
    expect(unknown.exitCode).toBe(1);
  });
});
