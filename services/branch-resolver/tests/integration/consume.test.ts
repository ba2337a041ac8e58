import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { DeployRejected } from '@branch-envs/shared/events/DeployRejected';
import { DeployRequested } from '@branch-envs/shared/events/DeployRequested';
import { DeployRequestedV2 } from '@branch-envs/shared/events/DeployRequested.v2';
import { newId } from '@branch-envs/shared/ids';
import { loadResolverConfig } from '../../src/config';
import { buildResolverHandler } from '../../src/wiring';
import {
  deployRequested,
  deployRequestedV2,
  lambdaContext,
  quietLogger,
  sqsEvent,
  sqsRecordFor,
  testEnv,
} from '../helpers/factories';
import { type GithubServer, startGithubServer } from '../helpers/githubServer';
import { clients, queueReader, startResolverStack, toRecord } from '../helpers/stack';

type Stack = Awaited<ReturnType<typeof startResolverStack>>;

let github: GithubServer;
let stack: Stack;
let handler: ReturnType<typeof buildResolverHandler>;
let answers: ReturnType<typeof queueReader>;

/** Delivers one DeployRequested to the handler as SQS would on its `receiveCount`-th delivery. */
const deliver = async (detail: DeployRequested, receiveCount = 1) => {
  const record = sqsRecordFor(DeployRequested.detailType, detail, {
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '0',
    },
  });
  return { record, response: await handler(sqsEvent(record), lambdaContext('branch-resolver')) };
};

/** The one answer published for a request. */
const answerTo = async (detail: DeployRequested | DeployRequestedV2) => {
  const events = await answers.eventsOf(detail.metadata.correlationId);
  expect(events).toHaveLength(1);
  return events[0] as { detailType: string; detail: unknown };
};

const reasonOf = (answer: { detail: unknown }) => DeployRejected.detail.parse(answer.detail).data.reason;

describe('the branch resolver end to end on moto', () => {
  beforeAll(async () => {
    github = await startGithubServer();
    stack = await startResolverStack();
    const config = loadResolverConfig(
      testEnv({
        EVENT_BUS_NAME: stack.busName,
        DEPLOYMENTS_TABLE: stack.deploymentsTable,
        IDEMPOTENCY_TABLE: stack.idempotencyTable,
        RESOLVER_CACHE_TABLE: stack.cacheTable,
        GITHUB_API_URL: github.url,
        GITHUB_TOKEN_PARAM: stack.tokenParam,
        ARTIFACT_BUCKET: stack.bucket,
        AWS_ENDPOINT_URL: stack.endpoint,
      }),
    );
    handler = buildResolverHandler(config, clients, { retryBaseMs: 10, logger: quietLogger() });
    answers = queueReader(stack.outputQueue);
  }, 60_000);

  afterAll(async () => {
    await github.stop();
  });

  beforeEach(() => github.reset());

  it('takes a DeployRequested from the bus through its rule and publishes BranchResolved', async () => {
    // Prepare: slack-ingress publishes on the bus; the service's rule routes it to the input queue
    const detail = deployRequested('ABC-123');
    await clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: stack.busName,
            Source: 'branch-envs.slack-ingress',
            DetailType: 'DeployRequested',
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    const delivered = await queueReader(stack.inputQueue).eventsOf(detail.metadata.correlationId);

    // Act
    const response = await handler(
      sqsEvent(toRecord(delivered[0]?.message ?? {})),
      lambdaContext('branch-resolver'),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const answer = await answerTo(detail);
    expect(answer.detailType).toBe('BranchResolved');
    const resolved = BranchResolved.detail.parse(answer.detail);
    expect(resolved.metadata).toMatchObject({
      correlationId: detail.metadata.correlationId,
      causationId: detail.metadata.eventId,
      producer: 'branch-envs.branch-resolver',
    });
    expect(resolved.data).toMatchObject({
      branch: 'feature/ABC-123-login-page',
      prNumber: 42,
      artifactBucket: stack.bucket,
      artifacts: [
        { key: 'build-artifacts/shop-feature/ABC-123-login-page.jar' },
        { key: 'build-artifacts/shop-feature/ABC-123-login-page-config.edn' },
        { key: 'build-artifacts/shop-feature/ABC-123-login-page-pgdump.gz' },
      ],
    });
    expect(github.calls).toEqual([expect.objectContaining({ authorized: true, status: 200 })]);
  });

  it('answers DeployRequested v1 and v2 arriving in one batch, each from its own query', async () => {
    // Prepare: a v1 published before ingress moved to v2, and a v2, on the same queue
    const v1 = deployRequested('ABC-123');
    const v2 = deployRequestedV2('#51');
    const records = [v1, v2].map((detail) => sqsRecordFor(DeployRequested.detailType, detail));

    // Act
    const response = await handler(sqsEvent(...records), lambdaContext('branch-resolver'));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const fromV1 = BranchResolved.detail.parse((await answerTo(v1)).detail);
    const fromV2 = BranchResolved.detail.parse((await answerTo(v2)).detail);
    expect(fromV1.data).toMatchObject({ query: 'ABC-123', branch: 'feature/ABC-123-login-page' });
    expect(fromV2.data).toMatchObject({ query: '#51', branch: 'feature/ABC-127-search-filters' });
    expect(DeployRequestedV2.detail.safeParse(v2).success).toBe(true);
  });

  it('answers an ambiguous fragment with its candidates', async () => {
    // Prepare
    const detail = deployRequested('cart');

    // Act
    await deliver(detail);

    // Assess
    const reason = reasonOf(await answerTo(detail));
    expect(reason.code === 'ambiguous' && reason.candidates.map((c) => c.prNumber)).toEqual([49, 48, 50]);
  });

  it('answers a missing artifact by naming its key', async () => {
    // Prepare
    const detail = deployRequested('DEMO-2');

    // Act
    await deliver(detail);

    // Assess
    expect(reasonOf(await answerTo(detail))).toEqual({
      code: 'artifacts_missing',
      branch: 'fix/DEMO-2-missing-dump',
      missingKeys: ['build-artifacts/shop-fix/DEMO-2-missing-dump-pgdump.gz'],
    });
  });

  it('answers already_running for a branch with a live deployment, unless a fresh one is asked for', async () => {
    // Prepare
    const documents = DynamoDBDocumentClient.from(clients.dynamo, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const existing = deployRequested('demo-ready');
    const deployId = newId();
    await createDeploymentRepository({ client: documents, tableName: stack.deploymentsTable }).create({
      kind: 'deployment',
      deployId,
      status: 'READY',
      query: 'demo-ready',
      branch: 'demo-ready',
      owner: existing.data.owner,
      ownerId: existing.data.owner.userId,
      channelId: existing.data.replyTo.channelId,
      replyTo: existing.data.replyTo,
      responseUrlUses: 0,
      url: 'http://127.0.0.1:9999/i-123/',
      createdAt: new Date().toISOString(),
      ttlSeconds: 3600,
      expiresAt: 1_900_000_000,
      keepOvernight: false,
      history: [],
      version: 0,
    });
    const again = deployRequested('demo-ready');
    const fresh = deployRequested('demo-ready', { fresh: true });

    // Act
    await deliver(again);
    await deliver(fresh);

    // Assess
    expect(reasonOf(await answerTo(again))).toEqual({
      code: 'already_running',
      existing: {
        deployId,
        branch: 'demo-ready',
        status: 'READY',
        url: 'http://127.0.0.1:9999/i-123/',
        expiresAt: 1_900_000_000,
      },
    });
    expect((await answerTo(fresh)).detailType).toBe('BranchResolved');
  });

  it('bug: two deploys of one branch at once both started — of six concurrent requests exactly one resolves', async () => {
    // Prepare: six users ask for the same branch at once; ingress has written each REQUESTED record
    const repository = createDeploymentRepository({
      client: DynamoDBDocumentClient.from(clients.dynamo, {
        marshallOptions: { removeUndefinedValues: true },
      }),
      tableName: stack.deploymentsTable,
    });
    const requests = Array.from({ length: 6 }, () => deployRequested('ABC-123'));
    for (const { data } of requests) {
      await repository.create({
        kind: 'deployment',
        deployId: data.deployId,
        status: 'REQUESTED',
        query: data.query,
        owner: data.owner,
        ownerId: data.owner.userId,
        channelId: data.replyTo.channelId,
        replyTo: data.replyTo,
        responseUrlUses: 0,
        createdAt: new Date().toISOString(),
        ttlSeconds: data.ttlSeconds,
        expiresAt: Math.floor(Date.now() / 1000) + data.ttlSeconds,
        keepOvernight: false,
        history: [],
        version: 0,
      });
    }

    // Act: every request in its own concurrent invocation, as separate Lambda instances would
    await Promise.all(requests.map((detail) => deliver(detail)));

    // Assess
    const answers = await Promise.all(requests.map(answerTo));
    const winners = requests.filter((_, i) => answers[i]?.detailType === 'BranchResolved');
    expect(winners).toHaveLength(1);
    const winner = winners[0]?.data.deployId;
    for (const [i, answer] of answers.entries()) {
      if (answer.detailType === 'BranchResolved') continue;
      const reason = reasonOf(answer);
      expect(reason).toMatchObject({ code: 'already_running', existing: { deployId: winner } });
      expect((await repository.get(requests[i]?.data.deployId ?? ''))?.status).toBe('REJECTED');
    }
    expect((await repository.get(winner ?? ''))?.status).toBe('REQUESTED');
  });

  it('answers expired_request for an old request, as an archive replay delivers it', async () => {
    // Prepare
    const detail = deployRequested('ABC-123', { ageSeconds: 3600 });

    // Act
    await deliver(detail);

    // Assess
    expect(reasonOf(await answerTo(detail))).toEqual({ code: 'expired_request', ageSeconds: 3600 });
    expect(github.calls).toEqual([]);
  });

  it('returns the record to SQS while GitHub fails, and answers upstream_error on the last delivery', async () => {
    // Prepare: every request fails (plugin-retry tries each call twice)
    const detail = deployRequested('ABC-123');
    github.faults.push({ kind: '500' }, { kind: '500' }, { kind: '500' }, { kind: '500' });

    // Act
    const first = await deliver(detail, 1);
    const last = await deliver(detail, 5);

    // Assess
    expect(first.response.batchItemFailures).toEqual([{ itemIdentifier: first.record.messageId }]);
    expect(last.response.batchItemFailures).toEqual([]);
    expect(reasonOf(await answerTo(detail))).toEqual({
      code: 'upstream_error',
      upstream: 'github',
      message: 'GitHub is not answering right now (HTTP 500). Tried 5 times.',
    });
  });

  it('answers an exhausted rate limit on the first delivery, with the reset time', async () => {
    // Prepare
    const detail = deployRequested('checkout');
    github.limits.core = 0;

    // Act
    const { response } = await deliver(detail, 1);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(reasonOf(await answerTo(detail))).toMatchObject({
      code: 'upstream_error',
      retryAfter: github.resetAt,
    });
  });

  it('answers a repeated query from the cache: the second resolution costs one 304', async () => {
    // Prepare
    const first = deployRequested('#47');
    const second = deployRequested('#47');

    // Act
    await deliver(first);
    await deliver(second);

    // Assess
    expect(github.calls.map((c) => c.status)).toEqual([200, 304]);
    expect((await answerTo(second)).detailType).toBe('BranchResolved');
  });
});
