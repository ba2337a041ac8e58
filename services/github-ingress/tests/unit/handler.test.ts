import { Logger } from '@aws-lambda-powertools/logger';
import type { PullRequestClosed } from '@branch-envs/shared/events/PullRequestClosed';
import { buildEvent, type OutgoingEvent, type Publisher } from '@branch-envs/shared/publish';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { memoryPersistenceStore } from '../../../../shared/tests/helpers/memoryPersistence';
import { createDeliveryPublisher } from '../../src/adapters/deliveryPublisher';
import { createWebhookHandler } from '../../src/handlers/createWebhookHandler';
import { MAX_BODY_BYTES } from '../../src/handlers/webhookHttp';
import { closedPullRequest, delivery, example, REPOSITORY, SECRET } from '../helpers/factories';

type Published = PullRequestClosed;

const setup = (options: { failPublish?: boolean; secret?: () => Promise<string> } = {}) => {
  const published: Published[] = [];
  let failPublish = options.failPublish ?? false;
  const publisher: Publisher<'github-ingress'> = {
    publish: async (events) => {
      if (failPublish) throw new Error('PutEvents refused');
      const built = events.map((e) => buildEvent(e as OutgoingEvent, 'github-ingress', new Date()));
      published.push(...built.map((b) => b.detail as Published));
      return built.map((b) => ({ detailType: b.detailType, metadata: b.detail.metadata }));
    },
  };
  const secretReads = { count: 0 };
  const handle = createWebhookHandler({
    repository: REPOSITORY,
    webhookSecret:
      options.secret ??
      (async () => {
        secretReads.count += 1;
        return SECRET;
      }),
    deliveries: createDeliveryPublisher({ publisher, persistenceStore: memoryPersistenceStore() }),
    logger: new Logger({ serviceName: 'github-ingress-test', logLevel: 'SILENT' }),
  });
  // Lambda's context, so the in-progress record expires with the invocation as in AWS.
  const context = { getRemainingTimeInMillis: () => 5_000 } as Context;
  const handler = (event: APIGatewayProxyEventV2) => handle(event, context);
  return {
    handler,
    published,
    secretReads,
    healPublish: () => {
      failPublish = false;
    },
  };
};

describe('POST /github/webhook', () => {
  it('publishes PullRequestClosed for a merged pull request of the configured repository', async () => {
    // Prepare
    const { handler, published } = setup();
    const payload = closedPullRequest({ branch: 'feature/ABC-123', number: 42, merged: true });

    // Act
    const response = await handler(await delivery(payload));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(String(response.body))).toEqual({ result: 'published' });
    expect(published.map((e) => e.data)).toEqual([
      {
        repo: 'acme/shop',
        branch: 'feature/ABC-123',
        prNumber: 42,
        merged: true,
        headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        closedAt: '2019-05-15T15:21:18Z',
        deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      },
    ]);
  });

  it('says merged: false for a pull request closed without merging (GitHub’s own example)', async () => {
    // Prepare
    const { handler, published } = setup();

    // Act
    await handler(await delivery(closedPullRequest()));

    // Assess
    expect(published[0]?.data).toMatchObject({ branch: 'changes', prNumber: 2, merged: false });
  });

  it('publishes once per X-GitHub-Delivery: a redelivery answers duplicate and publishes nothing', async () => {
    // Prepare
    const { handler, published } = setup();
    const payload = closedPullRequest({ merged: true });

    // Act
    const first = await handler(await delivery(payload));
    const again = await handler(await delivery(payload));
    const other = await handler(
      await delivery(payload, { deliveryId: 'b1f2c3d4-0000-11e3-81ab-4c9367dc0958' }),
    );

    // Assess
    expect([first, again, other].map((r) => JSON.parse(String(r.body)).result)).toEqual([
      'published',
      'duplicate',
      'published',
    ]);
    expect(published).toHaveLength(2);
  });

  it('answers 500 when the bus refuses, and a redelivery of the same id then publishes', async () => {
    // Prepare
    const { handler, published, healPublish } = setup({ failPublish: true });
    const request = await delivery(closedPullRequest({ merged: true }));

    // Act
    const failed = await handler(request);
    healPublish();
    const redelivered = await handler(request);

    // Assess
    expect(failed).toEqual(expect.objectContaining({ statusCode: 500, body: '' }));
    expect(redelivered.statusCode).toBe(202);
    expect(published).toHaveLength(1);
  });

  it.each([
    ['no signature', { signature: null }],
    ['a signature under another secret', { secret: 'not-the-secret' }],
    ['a malformed signature', { signature: 'sha256=nothex' }],
  ])('answers a bare 401 to %s and publishes nothing', async (_name, options) => {
    // Prepare
    const { handler, published } = setup();

    // Act
    const response = await handler(await delivery(closedPullRequest({ merged: true }), options));

    // Assess
    expect(response).toEqual(expect.objectContaining({ statusCode: 401, body: '' }));
    expect(published).toEqual([]);
  });

  it('refuses a body over 25 MB with 413 before reading the secret', async () => {
    // Prepare
    const { handler, secretReads } = setup();
    const request = await delivery(undefined, {
      body: 'x'.repeat(MAX_BODY_BYTES + 1),
      signature: 'sha256=00',
    });

    // Act
    const response = await handler(request);

    // Assess
    expect(response.statusCode).toBe(413);
    expect(secretReads.count).toBe(0);
  });

  it('answers ping with 200', async () => {
    // Prepare
    const { handler, published } = setup();

    // Act
    const response = await handler(await delivery(example('ping'), { event: 'ping' }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(published).toEqual([]);
  });

  it.each([
    ['an event it does not handle', 'push', () => example('push'), 'event_not_handled'],
    ['a pull request opened', 'pull_request', () => example('pull_request', 'opened'), 'action_not_handled'],
    [
      'another repository',
      'pull_request',
      () => closedPullRequest({ owner: 'Codertocat', repo: 'Hello-World' }),
      'other_repository',
    ],
    ['a fork’s pull request', 'pull_request', () => closedPullRequest({ headRepo: 'mallory/shop' }), 'fork'],
    ['a deleted fork’s pull request', 'pull_request', () => closedPullRequest({ headRepo: null }), 'fork'],
  ])('acknowledges %s with 202 and publishes nothing', async (_name, event, payload, reason) => {
    // Prepare
    const { handler, published } = setup();

    // Act
    const response = await handler(await delivery(payload(), { event }));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(String(response.body))).toEqual({ result: 'ignored', reason });
    expect(published).toEqual([]);
  });

  it.each([
    [
      'a form body (the webhook’s other content type)',
      { contentType: 'application/x-www-form-urlencoded' },
      415,
    ],
    ['a signed body that is not JSON', { body: '{not json' }, 400],
    ['no delivery id', { deliveryId: '' }, 400],
  ])('answers %s with a bare 4xx', async (_name, options, status) => {
    // Prepare
    const { handler, published } = setup();

    // Act
    const response = await handler(await delivery(closedPullRequest(), options));

    // Assess
    expect(response).toEqual(expect.objectContaining({ statusCode: status, body: '' }));
    expect(published).toEqual([]);
  });

  it('answers a bare 500 when the secret cannot be read, so GitHub can redeliver', async () => {
    // Prepare
    const { handler } = setup({ secret: () => Promise.reject(new Error('throttled')) });

    // Act
    const response = await handler(await delivery(closedPullRequest()));

    // Assess
    expect(response).toEqual(expect.objectContaining({ statusCode: 500, body: '' }));
  });

  it('answers 404 on any other route', async () => {
    // Prepare
    const { handler } = setup();
    const request = {
      ...(await delivery(closedPullRequest())),
      routeKey: 'POST /slack/commands',
      rawPath: '/x',
    };

    // Act + Assess
    expect((await handler(request)).statusCode).toBe(404);
  });
});
