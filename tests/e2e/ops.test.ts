import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { newId } from '@branch-envs/shared/ids';
import { caughtMessages, deploymentStatus } from '../../local/src/cli/localCommands';
import { LOCAL_SECRETS } from '../../local/src/config/localEnv';
import { stageNames } from '../../local/src/ops/names';
import { peekMessages } from '../../local/src/ops/peek';
import { deadLetterQueues, pickDeadLetterQueue, stageQueues } from '../../local/src/ops/queues';
import { redrive } from '../../local/src/ops/redrive';
import { replayNameFor, startReplay, waitForReplay } from '../../local/src/ops/replay';
import { countArchivedEvents } from '../../local/src/ops/replayCount';
import { createOpsClients, type OpsClients, type OpsTarget } from '../../local/src/ops/target';
import { writeEndpoints } from '../../local/src/stack/stateFile';
import { REPO_ROOT } from '../../local/src/templates/packaging';
import { queueRoutedFrom } from '../helpers/aws';
import { serviceExists, startTestStack, type TestStack } from './helpers/localStack';

/**
 * `branch-envs ops` against the local stack: the CLI itself for doctor (its exit code is the
 * contract), the ops modules for replay and redrive, with a tap on the bus recording what happens.
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

interface Tapped {
  detailType: string;
  replayName?: string;
  correlationId: string;
}

let t: TestStack;
let target: OpsTarget;
let clients: OpsClients;
let stateDir: string;
let tapUrl = '';
const tapped: Tapped[] = [];
const names = stageNames('local');

const drainTap = async (rounds = 1): Promise<Tapped[]> => {
  for (let i = 0; i < rounds; i++) {
    const out = await t.stack.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: tapUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const m of out.Messages ?? []) {
      const body = JSON.parse(m.Body ?? '{}');
      tapped.push({
        detailType: body['detail-type'],
        correlationId: body.detail?.metadata?.correlationId,
        ...(body['replay-name'] ? { replayName: body['replay-name'] } : {}),
      });
    }
  }
  return tapped;
};

const waitFor = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}\n${t.output.slice(-40).join('\n')}`);
};

/** The CLI as an operator runs it; asynchronously, since the stack it talks to lives in this process. */
const cli = (...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'local', 'bin', 'branch-envs.mjs'), ...args], {
      env: { ...process.env, NO_COLOR: '1', BRANCH_ENVS_STATE_DIR: stateDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

describeIfAll('branch-envs ops on the local stack', () => {
  beforeAll(async () => {
    t = await startTestStack();
    stateDir = mkdtempSync(join(tmpdir(), 'ops-e2e-'));
    writeEndpoints(stateDir, t.stack.endpoints);
    target = { stage: 'local', region: t.stack.endpoints.region, local: t.stack.endpoints };
    clients = createOpsClients(target);
    tapUrl = await queueRoutedFrom(
      t.stack.clients,
      names.bus,
      { source: [{ prefix: 'branch-envs.' }] },
      { queue: 'e2e-ops-tap', rule: 'e2e-ops-tap' },
    );
  }, 180_000);

  afterAll(async () => {
    clients?.destroy();
    await t?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('doctor passes on a healthy stack and exits 0', async () => {
    // Act
    const run = await cli('ops', 'doctor', '--local');

    // Assess
    expect(run.stderr).not.toContain('branch-envs ops:');
    expect(run.stdout).toContain('all checks pass');
    expect(run.stdout).toContain('✓ /branch-envs/local/slack/signing-secret (slack-ingress)');
    expect(run.stdout).toContain('✓ GitHub token — reaches acme/shop with write access');
    expect(run.status).toBe(0);
  });

  it('doctor names the missing parameter with its fix and exits 1 once it is deleted', async () => {
    // Prepare
    const { name, value } = LOCAL_SECRETS.signingSecret;
    await t.stack.clients.ssm.send(new DeleteParameterCommand({ Name: name }));
    try {
      // Act
      const run = await cli('ops', 'doctor', '--local', '--json');

      // Assess
      const report = JSON.parse(run.stdout) as {
        ok: boolean;
        checks: { name: string; status: string; detail?: string; fix?: string }[];
      };
      const failed = report.checks.filter((c) => c.status === 'fail');
      expect(failed).toEqual([
        expect.objectContaining({
          name: `${name} (slack-ingress)`,
          detail: 'missing',
          fix: expect.stringContaining('npm start'),
        }),
      ]);
      expect(report.ok).toBe(false);
      expect(run.status).toBe(1);
      expect(run.stdout).not.toContain(value);
    } finally {
      await t.stack.clients.ssm.send(
        new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }),
      );
    }
  });
});
