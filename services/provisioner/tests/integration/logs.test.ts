import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateDocumentCommand, ListCommandsCommand } from '@aws-sdk/client-ssm';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { LogsCollected } from '@branch-envs/shared/events/LogsCollected';
import { LogsRequested } from '@branch-envs/shared/events/LogsRequested';
import { idempotencyStore } from '@branch-envs/shared/idempotency';
import { newId } from '@branch-envs/shared/ids';
import { causedEventId } from '@branch-envs/shared/publish';
import {
  fixtureDetail,
  lambdaContext,
  sqsEvent,
  sqsRecordFor,
} from '../../../../shared/tests/helpers/factories';
import { uniqueName } from '../../../../tests/helpers/aws';
import { createLogsPorts } from '../../src/adapters/logsPorts';
import type { LogsPorts } from '../../src/domain/logs/ports';
import { createLogsHandler } from '../../src/handlers/createLogsHandler';
import { ownedBy, uniqueUserId } from '../helpers/factories';
import { MOTO_AMI, type MotoPlatform, motoClients, motoPlatform, waitForEvent } from '../helpers/motoStack';

/*
 * The logs function against moto (ADR 0030): the record read, SendCommand of the logs document with
 * its two parameters, GetCommandInvocation, GetConsoleOutput when Run Command refuses, and
 * LogsCollected on the bus with the eventId derived from the request. moto runs no command (its
 * invocations succeed at once with no output); the document's script has its own static test.
 */
const clients = motoClients();

const logsDocument = JSON.stringify({
  schemaVersion: '2.2',
  description: 'test copy of the branch-envs logs document',
  parameters: {
    Kind: { type: 'String', allowedPattern: '^(app|boot)$', interpolationType: 'ENV_VAR' },
    Lines: {
      type: 'String',
      allowedPattern: '^([1-9]|[1-9][0-9]|[1-4][0-9][0-9]|500)$',
      interpolationType: 'ENV_VAR',
    },
  },
  mainSteps: [{ action: 'aws:runShellScript', name: 'logs', inputs: { runCommand: ['true'] } }],
});

describe('the logs function on moto', () => {
  let platform: MotoPlatform;
  let documentName = '';

  beforeAll(async () => {
    platform = await motoPlatform(clients);
    documentName = uniqueName('logs');
    await clients.ssm.send(
      new CreateDocumentCommand({ Name: documentName, Content: logsDocument, DocumentType: 'Command' }),
    );
  }, 60_000);

  /** SSM's answer for an instance whose agent is offline; moto accepts any SendCommand, so it is played here. */
  const offlineAgent = {
    send: async () => {
      throw Object.assign(new Error('Instances [[i-0]] not in a valid state for account'), {
        name: 'InvalidInstanceId',
      });
    },
    result: async () => ({ status: 'pending' as const }),
  };

  const handlerFor = (document: string, commands?: LogsPorts['commands']) => {
    const ports = createLogsPorts(clients, {
      deploymentsTable: platform.deploymentsTable,
      eventBusName: platform.busName,
    });
    return createLogsHandler({
      ports: { ...ports, ...(commands ? { commands } : {}) },
      settings: { documentName: document, waitSeconds: 5, pollIntervalMs: 100, redactPatterns: [] },
      persistenceStore: idempotencyStore(platform.idempotencyTable, clients.dynamo),
    });
  };

  const readyEnvironment = async () => {
    const run = await clients.ec2.send(
      new RunInstancesCommand({ ImageId: MOTO_AMI, MinCount: 1, MaxCount: 1, InstanceType: 't3.medium' }),
    );
    const instanceId = run.Instances?.[0]?.InstanceId ?? '';
    const userId = uniqueUserId();
    const { owner, replyTo } = ownedBy(userId);
    const deployId = newId();
    const repository = createDeploymentRepository({
      client: clients.documents,
      tableName: platform.deploymentsTable,
    });
    await repository.create({
      kind: 'deployment',
      deployId,
      status: 'READY',
      query: 'login',
      branch: 'feature/login',
      owner,
      ownerId: userId,
      channelId: replyTo.channelId,
      replyTo,
      responseUrlUses: 0,
      instanceId,
      createdAt: new Date().toISOString(),
      ttlSeconds: 3600,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      keepOvernight: false,
      history: [],
      version: 0,
    });
    const fixture = fixtureDetail(LogsRequested);
    const detail = {
      metadata: { ...fixture.metadata, eventId: newId(), correlationId: deployId },
      data: { ...fixture.data, deployId, requestedBy: owner, replyTo, kind: 'boot' as const, lines: 40 },
    };
    return { instanceId, deployId, detail };
  };

  it('runs the logs document with Kind and Lines only, and publishes LogsCollected caused by the request', async () => {
    // Prepare
    const { instanceId, deployId, detail } = await readyEnvironment();

    // Act
    const out = await handlerFor(documentName)(
      sqsEvent(sqsRecordFor('LogsRequested', detail)),
      lambdaContext(),
    );

    // Assess
    expect(out.batchItemFailures).toEqual([]);
    const commands =
      (await clients.ssm.send(new ListCommandsCommand({ InstanceId: instanceId }))).Commands ?? [];
    expect(commands.map((c) => [c.DocumentName, c.Parameters])).toEqual([
      [documentName, { Kind: ['boot'], Lines: ['40'] }],
    ]);
    const event = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'LogsCollected' && e.detail.data.deployId === deployId,
    );
    expect(event?.detail.metadata.eventId).toBe(causedEventId(detail.metadata.eventId, LogsCollected));
    expect(event?.detail.data).toMatchObject({
      kind: 'boot',
      lines: 40,
      outcome: { status: 'collected', source: 'run_command' },
    });
  });

  it("reads the instance's console output when Run Command refuses the instance (agent offline)", async () => {
    // Prepare
    const { deployId, detail } = await readyEnvironment();

    // Act
    const out = await handlerFor(documentName, offlineAgent)(
      sqsEvent(sqsRecordFor('LogsRequested', detail)),
      lambdaContext(),
    );

    // Assess
    expect(out.batchItemFailures).toEqual([]);
    const event = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'LogsCollected' && e.detail.data.deployId === deployId,
    );
    const outcome = event?.detail.data.outcome as { source: string; text: string; notes: string[] };
    expect(outcome.source).toBe('console_output');
    // moto's GetConsoleOutput answers a fixed sample kernel log, base64: decoded, its last 40 lines.
    expect(outcome.text).toContain('Linux version');
    expect(outcome.notes[0]).toContain(
      'serial console output (EC2 GetConsoleOutput) instead of the boot log',
    );
  });
});
