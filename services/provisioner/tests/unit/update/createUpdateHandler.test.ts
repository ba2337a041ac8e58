import type { Logger } from '@aws-lambda-powertools/logger';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { UpdateRequested } from '@branch-envs/shared/events/UpdateRequested';
import { newId } from '@branch-envs/shared/ids';
import { logger } from '@branch-envs/shared/observability';
import {
  fixtureDetail,
  lambdaContext,
  sqsEvent,
  sqsRecordFor,
} from '../../../../../shared/tests/helpers/factories';
import { memoryPersistenceStore } from '../../../../../shared/tests/helpers/memoryPersistence';
import type { UpdatePorts, UpdateRefusal, UpdateSettings } from '../../../src/domain/update/ports';
import { createUpdateHandler } from '../../../src/handlers/createUpdateHandler';

/**
 * The `update` function's queue carries three kinds of message (ADR 0021, 0029): our own
 * UpdateRequested events, which go through the shared consumer (contract parse, once per eventId),
 * S3's uploads and the function's own checks, which keep their path.
 */
const refusals: UpdateRefusal[] = [];
const records = new Map<string, DeploymentRecord>();

const ports = {
  store: { get: async (deployId: string) => records.get(deployId) },
  events: {
    published: async () => undefined,
    refused: async (refusal: UpdateRefusal) => {
      refusals.push(refusal);
    },
  },
  now: () => new Date(),
  newId: () => newId(),
} as unknown as UpdatePorts;

const quietLogger = (): Logger => {
  const log = logger.createChild();
  log.setLogLevel('SILENT');
  return log;
};

const handler = () =>
  createUpdateHandler({
    ports,
    settings: { artifactBucket: 'artifacts', artifacts: [], app: 'shop' } as unknown as UpdateSettings,
    logger: quietLogger(),
    persistenceStore: memoryPersistenceStore(),
  });

/** The fixture request, fresh, about a deployment the store does not have: it is refused `not_ready`. */
const request = () => {
  const detail = fixtureDetail(UpdateRequested);
  const eventId = newId();
  return {
    ...detail,
    metadata: { ...detail.metadata, eventId, causationId: eventId, occurredAt: new Date().toISOString() },
  };
};

/** An SQS record of the event as the rule delivers it, from slack-ingress. */
const recordOf = (detailType: string, detail: unknown) => {
  const record = sqsRecordFor(detailType, detail);
  return {
    ...record,
    body: JSON.stringify({ ...JSON.parse(record.body), source: 'branch-envs.slack-ingress' }),
  };
};

beforeEach(() => {
  refusals.length = 0;
  records.clear();
});

describe('the update function’s handler', () => {
  it('handles an UpdateRequested once per eventId, however often SQS delivers it', async () => {
    // Prepare
    const detail = request();
    const first = recordOf('UpdateRequested', detail);
    const again = { ...recordOf('UpdateRequested', detail), messageId: 'again' };

    const handle = handler();

    // Act
    const firstResponse = await handle(sqsEvent(first), lambdaContext('update'));
    const response = await handle(sqsEvent(again), lambdaContext('update'));

    // Assess
    expect(firstResponse.batchItemFailures).toEqual([]);
    expect(response.batchItemFailures).toEqual([]);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      code: 'not_ready',
      request: { metadata: { eventId: detail.metadata.eventId } },
    });
  });

  it('returns an UpdateRequested its contract refuses to the queue, and handles the rest of the batch', async () => {
    // Prepare
    const bad = { ...request(), data: { ...request().data, reseed: 'yes' } };
    const good = request();
    const badRecord = { ...recordOf('UpdateRequested', bad), messageId: 'bad' };

    // Act
    const response = await handler()(
      sqsEvent(badRecord, recordOf('UpdateRequested', good)),
      lambdaContext('update'),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(refusals.map((r) => r.request.metadata.eventId)).toEqual([good.metadata.eventId]);
  });

  it('does not act on a contract of the provision function that reaches this queue', async () => {
    // Prepare
    const resolved = recordOf(BranchResolved.detailType, fixtureDetail(BranchResolved));

    // Act
    const response = await handler()(sqsEvent(resolved), lambdaContext('update'));

    // Assess: dropped with a warning, neither retried nor handled.
    expect(response.batchItemFailures).toEqual([]);
    expect(refusals).toEqual([]);
  });
});
