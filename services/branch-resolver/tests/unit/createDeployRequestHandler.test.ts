import type { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { DeployRejected, type RejectionReason } from '@branch-envs/shared/events/DeployRejected';
import { DeployRequested } from '@branch-envs/shared/events/DeployRequested';
import { DeployRequestedV2 } from '@branch-envs/shared/events/DeployRequested.v2';
import { createPublisher } from '@branch-envs/shared/publish';
import { mockClient } from 'aws-sdk-client-mock';
import type { GithubGateway } from '../../src/adapters/githubGateway';
import type { DeploymentLookup, GithubPort } from '../../src/domain/ports';
import { CallBudgetExceededError, GithubRateLimitedError, GithubUnavailableError } from '../../src/errors';
import { createDeployRequestHandler } from '../../src/handlers/createDeployRequestHandler';
import { deployRequested, deployRequestedV2, quietLogger, testSettings } from '../helpers/factories';
import { fakeGithub } from '../helpers/fakeGithubPort';

const eventBridge = mockClient(EventBridgeClient);

const gatewayOf =
  (port: GithubPort): (() => Promise<GithubGateway>) =>
  async () => ({
    session: () => Object.assign(port, { stats: () => ({ calls: 0, notModified: 0 }) }),
  });

const failingGithub = (error: unknown): GithubPort => ({
  ...fakeGithub(),
  openPulls: async () => {
    throw error;
  },
});

/** Records in memory: what markRejected wrote is what priorRejection reads. */
const memoryLookup = (): DeploymentLookup => {
  const rejected = new Map<string, RejectionReason>();
  return {
    liveDeploymentOf: async () => undefined,
    claimBranch: async () => undefined,
    markRejected: async (deployId, reason) => {
      rejected.set(deployId, reason);
    },
    priorRejection: async (deployId) => rejected.get(deployId),
  };
};

/** The handler as the consumer runs it on SQS's `attempt`-th delivery of the record. */
const handlerWith = (port: GithubPort, attempt = 1, deployments: DeploymentLookup = memoryLookup()) => {
  const handler = createDeployRequestHandler({
    github: gatewayOf(port),
    artifacts: {
      bucket: 'branch-envs-test-artifacts',
      head: async (key) => ({ key, lastModified: new Date('2026-11-25T08:00:00Z'), sizeBytes: 1 }),
    },
    deployments,
    publisher: createPublisher({
      client: new EventBridgeClient({}),
      busName: 'bus',
      producer: 'branch-resolver',
    }),
    settings: testSettings(),
    maxReceiveCount: 5,
  });
  return (event: Parameters<typeof handler>[0], context: { logger: Logger }) =>
    handler(event, { ...context, receiveCount: attempt });
};

const consumed = (query: string) => ({
  detailType: DeployRequested.detailType,
  detail: deployRequested(query),
});

const published = () =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      source: entry.Source,
      detailType: entry.DetailType,
      detail: JSON.parse(entry.Detail ?? '{}') as unknown,
    })),
  );

describe('the DeployRequested handler', () => {
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  });

  it('publishes BranchResolved caused by the request, in the same conversation', async () => {
    // Prepare
    const event = consumed('ABC-123');

    // Act
    await handlerWith(fakeGithub())(event, { logger: quietLogger() });

    // Assess
    const [out] = published();
    expect(out?.source).toBe('branch-envs.branch-resolver');
    expect(out?.detailType).toBe('BranchResolved');
    const detail = BranchResolved.detail.parse(out?.detail);
    expect(detail.metadata.correlationId).toBe(event.detail.metadata.correlationId);
    expect(detail.metadata.causationId).toBe(event.detail.metadata.eventId);
    expect(detail.data.branch).toBe('feature/ABC-123-login-page');
  });

  it('answers a DeployRequested v2 from its parsed query, keeping the query as typed', async () => {
    // Prepare
    const event = { detailType: DeployRequestedV2.detailType, detail: deployRequestedV2('#42') };

    // Act
    await handlerWith(fakeGithub())(event, { logger: quietLogger() });

    // Assess
    const [out] = published();
    const detail = BranchResolved.detail.parse(out?.detail);
    expect(detail.metadata.causationId).toBe(event.detail.metadata.eventId);
    expect(detail.data).toMatchObject({ query: '#42', branch: 'feature/ABC-123-login-page', prNumber: 42 });
  });

  it('throws a GitHub outage before the last attempt, so SQS redelivers, and publishes nothing', async () => {
    // Prepare
    const handler = handlerWith(failingGithub(new GithubUnavailableError('HTTP 502')), 4);

    // Act
    const run = handler(consumed('ABC-123'), { logger: quietLogger() });

    // Assess
    await expect(run).rejects.toBeInstanceOf(GithubUnavailableError);
    expect(published()).toEqual([]);
  });

  it('answers upstream_error on the last attempt instead of leaving the request to the DLQ', async () => {
    // Prepare
    const handler = handlerWith(failingGithub(new GithubUnavailableError('HTTP 502')), 5);

    // Act
    await handler(consumed('ABC-123'), { logger: quietLogger() });

    // Assess
    const [out] = published();
    expect(DeployRejected.detail.parse(out?.detail).data.reason).toEqual({
      code: 'upstream_error',
      upstream: 'github',
      message: 'GitHub is not answering right now (HTTP 502). Tried 5 times.',
    });
  });

  it('answers an exhausted rate limit at once, with the time it resets', async () => {
    // Prepare
    const resetAt = Date.parse('2026-11-26T10:17:00Z') / 1000;
    const handler = handlerWith(failingGithub(new GithubRateLimitedError(resetAt, 'core')), 1);

    // Act
    await handler(consumed('ABC-123'), { logger: quietLogger() });

    // Assess
    const [out] = published();
    expect(DeployRejected.detail.parse(out?.detail).data.reason).toEqual({
      code: 'upstream_error',
      upstream: 'github',
      message: "GitHub's API rate limit for the resolver is used up; it resets at 10:17 UTC.",
      retryAfter: resetAt,
    });
  });

  it('answers an unexpected failure on the last attempt without leaking its details', async () => {
    // Prepare
    const handler = handlerWith(failingGithub(new TypeError('cannot read x of undefined')), 5);

    // Act
    await handler(consumed('ABC-123'), { logger: quietLogger() });

    // Assess
    const reason = DeployRejected.detail.parse(published()[0]?.detail).data.reason;
    expect(reason).toMatchObject({ code: 'upstream_error', upstream: 'aws' });
    expect(JSON.stringify(reason)).not.toContain('undefined');
  });

  it('answers a call beyond the GitHub budget at once: it is a bug, not bad luck', async () => {
    // Prepare
    const handler = handlerWith(failingGithub(new CallBudgetExceededError(2)), 1);

    // Act
    await handler(consumed('ABC-123'), { logger: quietLogger() });

    // Assess
    expect(DeployRejected.detail.parse(published()[0]?.detail).data.reason).toMatchObject({
      code: 'upstream_error',
      upstream: 'aws',
    });
  });

  it('answers upstream_error when its own answer would break the contract', async () => {
    // Prepare: a branch longer than the contract's 255 characters
    const port = fakeGithub();
    const longBranch = `feature/${'x'.repeat(300)}`;
    port.pull = async () => ({
      number: 1,
      branch: longBranch,
      headSha: 'a'.repeat(40),
      title: 't',
      url: 'https://github.com/acme/shop/pull/1',
      author: 'a',
      updatedAt: '2026-11-20T00:00:00Z',
      state: 'open',
      draft: false,
      fromFork: false,
    });

    // Act
    await handlerWith(port)(consumed('#1'), { logger: quietLogger() });

    // Assess
    const [out] = published();
    expect(out?.detailType).toBe('DeployRejected');
    expect(DeployRejected.detail.parse(out?.detail).data.reason.code).toBe('upstream_error');
  });

  it('throws when EventBridge refuses the answer, so the request is retried', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });

    // Act
    const run = handlerWith(fakeGithub())(consumed('ABC-123'), { logger: quietLogger() });

    // Assess
    await expect(run).rejects.toThrow('ThrottlingException');
  });

  it('bug: a rejection whose publish failed was decided anew on redelivery, and the user saw only "Found branch…" (chaos run)', async () => {
    // Prepare: the first delivery meets GitHub's rate limit and its DeployRejected is not accepted
    const records = memoryLookup();
    const resetAt = Date.parse('2026-11-26T10:17:00Z') / 1000;
    const event = consumed('ABC-123');
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(Object.assign(new Error('internal'), { name: 'InternalException' }))
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    const first = handlerWith(failingGithub(new GithubRateLimitedError(resetAt, 'core')), 1, records);
    await expect(first(event, { logger: quietLogger() })).rejects.toThrow();

    // Act: SQS delivers it again, and GitHub answers this time
    await handlerWith(fakeGithub(), 2, records)(event, { logger: quietLogger() });

    // Assess: the same answer as the first delivery decided, never BranchResolved
    const outs = published();
    expect(outs.map((o) => o.detailType)).toEqual(['DeployRejected', 'DeployRejected']);
    const [firstTry, retry] = outs.map((o) => DeployRejected.detail.parse(o.detail));
    expect(retry?.data.reason).toEqual(firstTry?.data.reason);
    expect(retry?.data.reason.code).toBe('upstream_error');
    expect(retry?.metadata.eventId).toBe(firstTry?.metadata.eventId);
  });
});
