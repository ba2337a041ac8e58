import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LogsRequested } from '@branch-envs/shared/events/LogsRequested';
import { secondsLeftIn, windowOf } from '../../src/domain/logsRateLimit';
import {
  ADMIN,
  buttonEvent,
  DEPLOY_ID,
  deploymentItem,
  OTHER_USER,
  replyOf,
  slashEvent,
  USER,
} from '../helpers/factories';
import { awsMocks, ingressHarness } from '../helpers/harness';

/** `/deploy logs` and [Logs] (ADR 0030): ownership, the rate limit and what is published. */
const mocks = awsMocks();
beforeEach(() => {
  mocks.reset();
  mocks.dynamo.on(GetCommand).resolves({ Item: deploymentItem() });
});

const WITH_LIMIT = { IDEMPOTENCY_TABLE: 'branch-envs-test-idempotency', LOGS_PER_USER_PER_MINUTE: '3' };

const published = (): PutEventsRequestEntry[] =>
  mocks.eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

const logsRequested = () =>
  published().map((e) => LogsRequested.detail.parse(JSON.parse(e.Detail ?? 'null')).data);

const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

describe('/deploy logs', () => {
  it("publishes LogsRequested with the kind and lines for the environment's owner, and says where the logs will appear", async () => {
    // Prepare
    const { invoke } = ingressHarness(WITH_LIMIT);

    // Act
    const reply = replyOf(await invoke(slashEvent('/deploy', `logs ${DEPLOY_ID} boot --lines 40`)));

    // Assess
    expect(logsRequested()).toEqual([
      expect.objectContaining({
        deployId: DEPLOY_ID,
        kind: 'boot',
        lines: 40,
        authorizedAs: 'owner',
        requestedBy: expect.objectContaining({ userId: USER }),
      }),
    ]);
    expect(reply?.text).toContain('Collecting the last 40 lines of the boot log of deploy');
  });

  it('refuses a user who does not own the environment, and publishes nothing', async () => {
    // Prepare
    const { invoke } = ingressHarness(WITH_LIMIT);

    // Act
    const reply = replyOf(await invoke(slashEvent('/deploy', `logs ${DEPLOY_ID}`, { user_id: OTHER_USER })));

    // Assess
    expect(published()).toEqual([]);
    expect(reply?.text).toContain(`That environment belongs to <@${USER}>`);
    expect(reply?.text).toContain('read the logs of');
    expect(mocks.dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it("lets an admin read anyone's logs, and says so in the request", async () => {
    // Prepare
    const { invoke } = ingressHarness(WITH_LIMIT);

    // Act
    await invoke(slashEvent('/deploy', `logs ${DEPLOY_ID}`, { user_id: ADMIN }));

    // Assess
    expect(logsRequested()).toEqual([
      expect.objectContaining({ authorizedAs: 'admin', kind: 'app', lines: 100 }),
    ]);
  });

  it('answers an ended deployment without publishing', async () => {
    // Prepare
    mocks.dynamo.on(GetCommand).resolves({ Item: deploymentItem({ status: 'TERMINATED' }) });
    const { invoke } = ingressHarness(WITH_LIMIT);

    // Act
    const reply = replyOf(await invoke(slashEvent('/deploy', `logs ${DEPLOY_ID}`)));

    // Assess
    expect(published()).toEqual([]);
    expect(reply?.text).toContain('is terminated; its instance is gone, so there are no logs to read');
  });

  it("reads the branch's newest live deployment", async () => {
    // Prepare
    mocks.dynamo.on(QueryCommand).resolves({ Items: [deploymentItem()] });
    const { invoke } = ingressHarness(WITH_LIMIT);

    // Act
    await invoke(slashEvent('/deploy', 'logs feature/ABC-123-login-page'));

    // Assess
    expect(logsRequested()).toEqual([expect.objectContaining({ deployId: DEPLOY_ID })]);
  });

  it('counts each request against the per-user limit of the current minute', async () => {
    // Prepare
    const { invoke } = ingressHarness(WITH_LIMIT);

    // Act
    await invoke(slashEvent('/deploy', `logs ${DEPLOY_ID}`));

    // Assess
    const [call] = mocks.dynamo.commandCalls(UpdateCommand);
    expect(call?.args[0].input).toMatchObject({
      TableName: 'branch-envs-test-idempotency',
      Key: { id: expect.stringMatching(new RegExp(`^ratelimit#logs#${USER}#\\d+$`)) },
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
      ExpressionAttributeValues: expect.objectContaining({ ':limit': 3, ':one': 1 }),
    });
  });

  it('answers a user over the limit with when to try again, and publishes nothing', async () => {
    // Prepare
    mocks.dynamo.on(UpdateCommand).rejects(conditionFailed());
    const { invoke } = ingressHarness(WITH_LIMIT);

    // Act
    const reply = replyOf(await invoke(slashEvent('/deploy', `logs ${DEPLOY_ID}`)));

    // Assess
    expect(published()).toEqual([]);
    expect(reply?.text).toMatch(/You asked for logs 3 times in the last minute.*Try again in \d+ s\./);
  });
});

describe('the [Logs] buttons', () => {
  it.each([
    ['logs_app', 'app'],
    ['logs_boot', 'boot'],
  ])('%s asks for the %s log, 100 lines', async (actionId, kind) => {
    // Prepare
    const { invoke } = ingressHarness(WITH_LIMIT);

    // Act
    await invoke(buttonEvent({ actionId, value: DEPLOY_ID }));

    // Assess
    expect(logsRequested()).toEqual([expect.objectContaining({ deployId: DEPLOY_ID, kind, lines: 100 })]);
  });

  it('the [Logs] press replaced the ready message with its acknowledgement: it is a new ephemeral note now', async () => {
    // Prepare
    const { invoke, sent } = ingressHarness(WITH_LIMIT);

    // Act
    await invoke(buttonEvent({ actionId: 'logs_app', value: DEPLOY_ID }));

    // Assess
    expect(logsRequested()).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: expect.stringContaining('Collecting the last 100 lines'),
    });
  });

  it('refuses a non-owner who presses [Logs] on a message in a shared channel', async () => {
    // Prepare
    const { invoke, sent } = ingressHarness(WITH_LIMIT);

    // Act
    await invoke(buttonEvent({ actionId: 'logs_app', value: DEPLOY_ID, userId: OTHER_USER }));

    // Assess
    expect(published()).toEqual([]);
    expect(JSON.stringify(sent[0]?.body)).toContain('Only its owner or an admin can read the logs of it');
  });
});

describe('the rate-limit window', () => {
  it('is the minute a request falls in, and tells how long until it ends', () => {
    // Prepare
    const at = new Date('2026-12-03T08:40:45.200Z');

    // Act / Assess
    expect(windowOf(at)).toBe(Date.parse('2026-12-03T08:40:00Z') / 1000);
    expect(secondsLeftIn(at)).toBe(14);
    expect(secondsLeftIn(new Date('2026-12-03T08:40:59.999Z'))).toBe(1);
  });
});
