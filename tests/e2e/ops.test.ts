import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { newId } from '@branch-envs/shared/ids';
import { caughtMessages, deploymentStatus, listDeployments } from '../../local/src/cli/localCommands';
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
import { serviceExists, startTestStack, type TestStack, waitUntil } from './helpers/localStack';

/**
 * `branch-envs ops` against the local stack: the CLI itself for doctor (its exit code is the
 * contract), the ops modules for replay and redrive, with a tap on the bus recording what happens.
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

interface Tapped {
  detailType: string;
  correlationId: string;
  eventId: string;
}

let t: TestStack;
let target: OpsTarget;
let clients: OpsClients;
let stateDir: string;
let tapUrl = '';
const tapped: Tapped[] = [];
const names = stageNames('local');
let deployId = '';

const countByType = (events: Tapped[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.detailType] = (counts[e.detailType] ?? 0) + 1;
  return counts;
};

/** A TerminateRequested for a deployment that does not exist, as the reaper's rule delivers it. */
const terminateEvent = (requestId: string, targetDeployId: string) => ({
  version: '0',
  id: newId(),
  'detail-type': 'TerminateRequested',
  source: 'branch-envs.slack-ingress',
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'eu-north-1',
  resources: [],
  detail: {
    metadata: {
      eventId: newId(),
      schemaVersion: 1,
      correlationId: requestId,
      causationId: requestId,
      occurredAt: new Date().toISOString(),
      producer: 'branch-envs.slack-ingress',
    },
    data: {
      requestId,
      target: { kind: 'deploy', deployId: targetDeployId },
      requestedBy: { userId: 'U0LOCAL1', teamId: 'T0LOCAL01', userName: 'u0local1' },
      replyTo: {
        userId: 'U0LOCAL1',
        channelId: 'C0LOCAL01',
        responseUrl: 'https://hooks.slack.com/commands/T0LOCAL01/1/redrive',
        issuedAt: new Date().toISOString(),
      },
    },
  },
});

/** Receives (and deletes, so nothing comes back after its visibility timeout) what the tap holds. */
const drainTap = async (rounds = 1): Promise<Tapped[]> => {
  for (let i = 0; i < rounds; i++) {
    const out = await t.stack.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: tapUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const received = out.Messages ?? [];
    if (received.length > 0)
      await t.stack.clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: tapUrl,
          Entries: received.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    for (const m of received) {
      const body = JSON.parse(m.Body ?? '{}');
      tapped.push({
        detailType: body['detail-type'],
        correlationId: body.detail?.metadata?.correlationId,
        eventId: body.detail?.metadata?.eventId,
      });
    }
  }
  return tapped;
};

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> =>
  waitUntil(t, what, probe, timeoutMs, 300);

/**
 * Whether a deploy's readiness checks are over: its phone-home handled and a probe ended. Both may
 * announce READY again with the same eventId (ADR 0018), so only then is every copy on the bus.
 */
const readinessOver = (id: string): boolean => {
  const lines = t.output.filter((l) => l.includes(id));
  return (
    lines.some((l) => l.includes('"Phone-home handled"')) &&
    lines.some((l) => l.includes('"Probe finished"') && !l.includes('"outcome":"waiting"'))
  );
};

const readyCopies = (id: string): Tapped[] =>
  tapped.filter((e) => e.detailType === 'InstanceReady' && e.correlationId === id);

/** The CLI as an operator runs it; asynchronously, since the stack it talks to lives in this process. */
/**
 * A deploy to READY. On a loaded machine the ingress may answer after API Gateway's timeout (503)
 * although its record and DeployRequested are already written, so the deployment is found by its
 * record, as `/deploy list` would find it.
 */
const deployToReady = async (query: string): Promise<string> => {
  const since = new Date().toISOString();
  const result = await t.slash(`/deploy ${query}`, { timeoutMs: 60_000, follow: false });
  const id =
    result.ack.deployId ??
    (await waitFor('the deployment record', async () => {
      const rows = await listDeployments(t.stack.endpoints);
      const row = rows.find((r) => r.query === query && String(r.createdAt) >= since);
      return typeof row?.deployId === 'string' ? row.deployId : undefined;
    }));
  await waitFor(
    'READY',
    async () => ((await deploymentStatus(t.stack.endpoints, id))?.status === 'READY' ? true : undefined),
    90_000,
  );
  return id;
};

const reaperDlq = async () =>
  pickDeadLetterQueue(
    deadLetterQueues(await stageQueues(clients.sqs, `${names.prefix}-`), `${names.prefix}-`),
    'reaper-requests',
  );

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
    // OPS_E2E_LOG=<file> keeps what the stack printed, for a failure on a loaded machine.
    if (process.env.OPS_E2E_LOG) writeFileSync(process.env.OPS_E2E_LOG, t.output.join('\n'));
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

  // A deploy takes seconds on an idle machine; 240 s covers a shared machine at load 17 (measured).
  it('counts the archived events of a deploy by type with --dry-run, delivering them to no consumer', async () => {
    // Prepare: one deploy to READY; the tap records what it published
    const from = new Date(Date.now() - 1000);
    deployId = await deployToReady('demo-ready');
    await waitFor('InstanceReady on the tap', async () =>
      (await drainTap()).some((e) => e.detailType === 'InstanceReady' && e.correlationId === deployId)
        ? true
        : undefined,
    );
    await waitFor('the readiness checks to end', async () => (readinessOver(deployId) ? true : undefined));
    await drainTap(2);
    const published = countByType(tapped);

    // Act
    const count = await countArchivedEvents(clients, names, { from, to: new Date() }, { quietMs: 1500 });

    // Assess: the archive holds what the bus carried, and no other rule (the tap's) got a copy
    expect(count.byType).toEqual(published);
    expect(count.byType).toMatchObject({ BranchResolved: 1, InstanceLaunched: 1 });
    // READY may be announced twice (phone-home and probe), always as one event: consumers drop the copy
    expect(new Set(readyCopies(deployId).map((e) => e.eventId)).size).toBe(1);
    expect(countByType(await drainTap(3))).toEqual(published);
  }, 240_000);

  it('replays the window to completion with no second instance, no state change and no new Slack message', async () => {
    // Prepare
    const before = (await caughtMessages(t.stack.endpoints)).filter((m) => m.deployId === deployId).length;
    const replayed = t.output.filter((l) => l.includes('Handling a replayed event')).length;
    const window = { from: new Date(Date.now() - 10 * 60_000), to: new Date() };
    const replayName = replayNameFor('ops', 'local', new Date());
    const readyBefore = readyCopies(deployId).length;

    // Act
    await startReplay(clients.eventBridge, names, window, replayName);
    const outcome = await waitForReplay(clients.eventBridge, replayName, window, { pollMs: 200 });

    // Assess: the tap's rule is on the bus too, so it gets a second copy of each event
    expect(outcome).toMatchObject({ replayName, state: 'COMPLETED' });
    await waitFor('replayed events on the bus', async () => {
      await drainTap();
      return readyCopies(deployId).length >= 2 * readyBefore ? true : undefined;
    });
    await waitFor('the consumers to handle the replay', async () =>
      t.output.filter((l) => l.includes('Handling a replayed event')).length >= replayed + 4
        ? true
        : undefined,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const instances = await t.stack.clients.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:DeployId', Values: [deployId] }] }),
    );
    expect(instances.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(1);
    expect((await deploymentStatus(t.stack.endpoints, deployId))?.status).toBe('READY');
    const after = (await caughtMessages(t.stack.endpoints)).filter((m) => m.deployId === deployId);
    expect(after).toHaveLength(before);
  }, 120_000);

  it('redrives a dead-lettered TerminateRequested back to the reaper, which then handles it', async () => {
    // Prepare: a request dead-lettered during an outage, as the reaper's rule delivered it
    const requestId = newId();
    const missingDeployId = newId();
    const dlqUrl = (await reaperDlq()).dlq.url;
    await t.stack.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: JSON.stringify(terminateEvent(requestId, missingDeployId)),
      }),
    );
    const pair = await reaperDlq();
    const shown = await peekMessages(clients.sqs, pair.dlq);

    // Act
    const result = await redrive(clients.sqs, pair);

    // Assess: shown without being consumed, moved, then handled: a terminate for a deployment with
    // no record leaves a tombstone (docs/architecture.md §3)
    expect(shown).toEqual([
      expect.objectContaining({ eventType: 'TerminateRequested', deployId: requestId }),
    ]);
    expect(result).toMatchObject({ method: 'receive-send-delete', moved: 1, failed: 0, status: 'COMPLETED' });
    await waitFor('the reaper to handle the redriven request', async () =>
      (await deploymentStatus(t.stack.endpoints, missingDeployId))?.status === 'TERMINATING'
        ? true
        : undefined,
    );
    const drained = await reaperDlq();
    expect(drained.dlq.visible + drained.dlq.inFlight).toBe(0);
  }, 60_000);
});
