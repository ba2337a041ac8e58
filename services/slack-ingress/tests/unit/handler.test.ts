import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DeployRequestedV3 } from '@branch-envs/shared/events/DeployRequested.v3';
import { ExtendRequested } from '@branch-envs/shared/events/ExtendRequested';
import { TerminateRequested } from '@branch-envs/shared/events/TerminateRequested';
import { ABANDON_WAIT_MS } from '../../src/domain/requests';
import {
  ADMIN,
  buttonEvent,
  DEPLOY_ID,
  deploymentItem,
  OTHER_DEPLOY_ID,
  OTHER_USER,
  RESPONSE_URL,
  replyOf,
  SIGNING_SECRET,
  STRANGER,
  slackEvent,
  slashEvent,
  slashForm,
  USER,
} from '../helpers/factories';
import { awsMocks, ingressHarness } from '../helpers/harness';

const mocks = awsMocks();
beforeEach(() => mocks.reset());

const entries = (): PutEventsRequestEntry[] =>
  mocks.eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
const detailOf = (entry: PutEventsRequestEntry | undefined): unknown => JSON.parse(entry?.Detail ?? 'null');

describe('slash commands', () => {
  it('acknowledges /deploy login with the deploy id and publishes one DeployRequested', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', 'login'));

    // Assess
    expect(result.statusCode).toBe(200);
    const [entry] = entries();
    expect(entries()).toHaveLength(1);
    expect(entry).toMatchObject({
      EventBusName: 'branch-envs-test-bus',
      Source: 'branch-envs.slack-ingress',
      DetailType: 'DeployRequested',
    });
    const detail = DeployRequestedV3.detail.parse(detailOf(entry));
    expect(detail.metadata.schemaVersion).toBe(3);
    expect(detail.data).toMatchObject({
      query: 'login',
      parsedQuery: { fragment: 'login' },
      ttlSeconds: 14_400,
      ttlCapped: false,
      fresh: false,
      owner: { userId: USER, teamId: 'T0TEAM001', userName: 'maija' },
      replyTo: { userId: USER, channelId: 'C0CHANNEL1', responseUrl: RESPONSE_URL },
    });
    expect(detail.metadata.correlationId).toBe(detail.data.deployId);
    expect(replyOf(result)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining(
        `Looking for a branch matching \`login\`… (deploy \`${detail.data.deployId}\`)`,
      ),
    });
  });

  it('carries --spot in DeployRequested v3 and in the REQUESTED record the provisioner reads', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    await invoke(slashEvent('/deploy', 'login --spot'));

    // Assess
    const detail = DeployRequestedV3.detail.parse(detailOf(entries()[0]));
    expect(detail.data).toMatchObject({ query: 'login', capacity: 'spot' });
    const [put] = mocks.dynamo.commandCalls(PutCommand);
    expect(put?.args[0].input.Item).toMatchObject({ status: 'REQUESTED', capacity: 'spot' });
  });

  it('reads a body that API Gateway did not base64-encode', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', 'ABC-123', {}, { base64: false }));

    // Assess
    expect(replyOf(result)?.text).toContain('`ABC-123`');
    expect(entries()).toHaveLength(1);
  });

  it('caps an over-long duration and says so', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', 'login for 5d --fresh'));

    // Assess
    expect(DeployRequestedV3.detail.parse(detailOf(entries()[0])).data).toMatchObject({
      ttlSeconds: 172_800,
      ttlCapped: true,
      fresh: true,
    });
    expect(replyOf(result)?.text).toContain('You asked for 5d; the maximum is 2d, so I capped it.');
  });

  it('answers /deploy help without touching AWS beyond the signing secret', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', 'help'));

    // Assess
    expect(replyOf(result)).toMatchObject({ response_type: 'ephemeral', text: '/deploy usage' });
    expect(entries()).toHaveLength(0);
    expect(mocks.dynamo.calls()).toHaveLength(0);
  });

  it('reads the signing secret once per cold start', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    await invoke(slashEvent('/deploy', 'help'));
    await invoke(slashEvent('/deploy', 'help'));

    // Assess
    expect(mocks.ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('acknowledges a Slack retry without publishing again', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(
      slashEvent(
        '/deploy',
        'login',
        {},
        { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } },
      ),
    );

    // Assess
    expect(result.statusCode).toBe(200);
    expect(replyOf(result)?.text).toMatch(/nothing was done twice/);
    expect(entries()).toHaveLength(0);
  });

  it('lists live deployments from the status index, never with a Scan', async () => {
    // Prepare
    mocks.dynamo
      .on(QueryCommand, {
        IndexName: 'status-expiresAt',
        ExpressionAttributeValues: { ':status': 'READY' },
      })
      .resolves({
        Items: [deploymentItem()],
      });
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', 'list'));

    // Assess
    expect(JSON.stringify(replyOf(result)?.blocks)).toContain('feature/ABC-123-login-page');
    expect(mocks.dynamo.commandCalls(QueryCommand)).toHaveLength(6);
    expect(mocks.dynamo.commandCalls(ScanCommand)).toHaveLength(0);
    expect(entries()).toHaveLength(0);
  });

  it('shows the status of a deploy id through GetItem and of a branch through its index', async () => {
    // Prepare
    mocks.dynamo.on(GetCommand).resolves({ Item: deploymentItem() });
    mocks.dynamo
      .on(QueryCommand)
      .resolves({ Items: [deploymentItem(), deploymentItem({ status: 'TERMINATED' })] });
    const { invoke } = ingressHarness();

    // Act
    const byId = await invoke(slashEvent('/deploy', `status ${DEPLOY_ID}`));
    const byBranch = await invoke(slashEvent('/deploy', 'status feature/ABC-123-login-page'));

    // Assess
    expect(JSON.stringify(replyOf(byId)?.blocks)).toContain('*History*');
    expect(JSON.stringify(replyOf(byBranch)?.blocks)).toContain('1 older deployment(s)');
    expect(mocks.dynamo.commandCalls(QueryCommand)[0]?.args[0].input.IndexName).toBe('branch-createdAt');
    expect(mocks.dynamo.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('publishes TerminateRequested for the owner, correlated to the deployment', async () => {
    // Prepare
    mocks.dynamo.on(GetCommand).resolves({ Item: deploymentItem() });
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/terminate', DEPLOY_ID));

    // Assess
    const detail = TerminateRequested.detail.parse(detailOf(entries()[0]));
    expect(detail.data.target).toEqual({ kind: 'deploy', deployId: DEPLOY_ID });
    expect(detail.metadata.correlationId).toBe(DEPLOY_ID);
    expect(replyOf(result)?.text).toContain(`Terminating deploy \`${DEPLOY_ID}\``);
  });

  it('answers an extend of a deploy still looking for its branch without publishing', async () => {
    // Prepare: the REQUESTED record, no branch yet
    const { branch: _branch, ...requested } = deploymentItem({ status: 'REQUESTED' });
    mocks.dynamo.on(GetCommand).resolves({ Item: requested });
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', `extend ${DEPLOY_ID} 2h`));

    // Assess
    expect(replyOf(result)?.text).toContain('still looking for its branch');
    expect(entries()).toHaveLength(0);
  });

  it('shows a deploy still looking for its branch with its query and what happens next', async () => {
    // Prepare
    const { branch: _branch, ...requested } = deploymentItem({ status: 'REQUESTED', query: 'ABC-777' });
    mocks.dynamo.on(GetCommand).resolves({ Item: requested });
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', `status ${DEPLOY_ID}`));

    // Assess
    const blocks = JSON.stringify(replyOf(result)?.blocks);
    expect(blocks).toContain('`ABC-777` (finding the branch)');
    expect(blocks).toContain('Looking for a branch matching `ABC-777`');
    expect(blocks).not.toContain('undefined');
  });

  it("lets an admin terminate someone else's deployment", async () => {
    // Prepare
    mocks.dynamo.on(GetCommand).resolves({
      Item: deploymentItem({ owner: { userId: OTHER_USER, teamId: 'T0TEAM001', userName: 'o' } }),
    });
    const { invoke } = ingressHarness();

    // Act
    await invoke(slashEvent('/terminate', DEPLOY_ID, { user_id: ADMIN }));

    // Assess
    expect(entries()).toHaveLength(1);
  });

  it('publishes /terminate all from an admin, correlated to the request, and says how many (regression: no count)', async () => {
    // Prepare: one READY deployment; the other five live statuses have none.
    mocks.dynamo
      .on(QueryCommand)
      .resolves({ Items: [] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':status': 'READY' } })
      .resolves({ Items: [deploymentItem(), deploymentItem({ deployId: OTHER_DEPLOY_ID })] });
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/terminate', 'all', { user_id: ADMIN }));

    // Assess
    const detail = TerminateRequested.detail.parse(detailOf(entries()[0]));
    expect(detail.data.target).toEqual({ kind: 'all' });
    expect(detail.metadata.correlationId).toBe(detail.data.requestId);
    expect(replyOf(result)?.text).toContain('Terminating all 2 live environments…');
  });

  it('points a non-admin asking for /terminate all to /terminate mine', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/terminate', 'all'));

    // Assess
    expect(replyOf(result)?.text).toBe(
      ':no_entry: Only admins can terminate every environment. `/terminate mine` ends all of yours.',
    );
    expect(entries()).toHaveLength(0);
  });

  it('tells a user with nothing running that /terminate mine has nothing to do', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/terminate', 'mine'));

    // Assess
    expect(replyOf(result)?.text).toBe('You have no live environments.');
    expect(entries()).toHaveLength(0);
  });

  it('publishes ExtendRequested for a branch the user owns', async () => {
    // Prepare
    mocks.dynamo.on(QueryCommand).resolves({ Items: [deploymentItem()] });
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', 'extend feature/ABC-123-login-page 2h'));

    // Assess
    const detail = ExtendRequested.detail.parse(detailOf(entries()[0]));
    expect(detail.data).toMatchObject({
      target: { kind: 'branch', branch: 'feature/ABC-123-login-page' },
      extension: { kind: 'duration', seconds: 7200 },
    });
    expect(detail.metadata.correlationId).toBe(DEPLOY_ID);
    expect(replyOf(result)?.text).toContain('Extending branch `feature/ABC-123-login-page` by 2h…');
  });

  it('refuses a user who is not allowed, without publishing or reading the table', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', 'login', { user_id: STRANGER }));

    // Assess
    expect(replyOf(result)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('You are not allowed to use branch-envs yet'),
    });
    expect(entries()).toHaveLength(0);
    expect(mocks.dynamo.calls()).toHaveLength(0);
  });

  it('lets in a member of a configured user group', async () => {
    // Prepare
    const slackApi = () => new Response(JSON.stringify({ ok: true, users: [STRANGER] }));
    const { invoke } = ingressHarness({ ALLOWED_USER_GROUPS: 'S0GROUP1' }, slackApi);
    mocks.ssm
      .on(GetParameterCommand, { Name: '/branch-envs/test/slack/bot-token' })
      .resolves({ Parameter: { Value: 'xoxb' } });

    // Act
    await invoke(slashEvent('/deploy', 'login', { user_id: STRANGER }));

    // Assess
    expect(entries()).toHaveLength(1);
  });

  it('answers with a reference, not a 5xx, when EventBridge refuses the event', async () => {
    // Prepare
    mocks.eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }],
    });
    const { invoke, context } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', 'login'));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(replyOf(result)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining(`(ref \`${context.awsRequestId}\`)`),
    });
    expect(result.body).not.toMatch(/InternalFailure|PublishError|at /);
  });

  it('answers with a reference when the signing secret cannot be read, and publishes nothing', async () => {
    // Prepare
    mocks.ssm.on(GetParameterCommand).rejects(new Error('AccessDeniedException'));
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', 'login'));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.body).not.toContain('AccessDenied');
    expect(entries()).toHaveLength(0);
  });

  it('answers an unknown command with help', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy-prod', 'login'));

    // Assess
    expect(replyOf(result)?.text).toContain('This app does not handle `/deploy-prod`.');
  });

  it('uses the configured command names', async () => {
    // Prepare
    const { invoke } = ingressHarness({ DEPLOY_COMMAND: '/napotedeploy' });

    // Act
    await invoke(slashEvent('/napotedeploy', 'login'));

    // Assess
    expect(entries()).toHaveLength(1);
  });

  it('accepts Slack header names in any case', async () => {
    // Prepare
    const { invoke } = ingressHarness();
    const body = slashForm({ text: 'help' });
    const event = slackEvent(body);
    event.headers = Object.fromEntries(
      Object.entries(event.headers).map(([name, value]) => [
        name.replace(/(^|-)x/g, '$1X').replace('content-type', 'Content-Type'),
        value,
      ]),
    );

    // Act
    const result = await invoke(event);

    // Assess
    expect(result.statusCode).toBe(200);
  });

  it('refuses a request signed with the Slack test secret instead of ours', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', 'login', {}, { secret: `${SIGNING_SECRET}x` }));

    // Assess
    expect(result).toMatchObject({ statusCode: 401, body: '' });
  });
});

describe('buttons', () => {
  it('turns Terminate into TerminateRequested and replaces the original message', async () => {
    // Prepare
    mocks.dynamo.on(GetCommand).resolves({ Item: deploymentItem() });
    const { invoke, sent } = ingressHarness();

    // Act
    const result = await invoke(buttonEvent({ actionId: 'terminate', value: DEPLOY_ID }));

    // Assess
    expect(result).toMatchObject({ statusCode: 200, body: '' });
    expect(TerminateRequested.detail.parse(detailOf(entries()[0])).data.target).toEqual({
      kind: 'deploy',
      deployId: DEPLOY_ID,
    });
    expect(sent).toEqual([
      {
        url: 'https://hooks.slack.com/actions/T0TEAM001/1234567890/secretActionToken',
        body: expect.objectContaining({
          replace_original: true,
          text: expect.stringContaining('Terminating deploy'),
        }),
      },
    ]);
  });

  it('turns Extend into ExtendRequested by the default lifetime', async () => {
    // Prepare
    mocks.dynamo.on(GetCommand).resolves({ Item: deploymentItem() });
    const { invoke } = ingressHarness();

    // Act
    await invoke(buttonEvent({ actionId: 'extend', value: DEPLOY_ID }));

    // Assess
    expect(ExtendRequested.detail.parse(detailOf(entries()[0])).data.extension).toEqual({
      kind: 'duration',
      seconds: 14_400,
    });
  });

  it('turns a candidate button into DeployRequested for that branch', async () => {
    // Prepare
    const { invoke, sent } = ingressHarness();

    // Act
    await invoke(buttonEvent({ actionId: 'deploy_candidate', value: 'feature/ABC-123-login-page' }));

    // Assess
    const detail = DeployRequestedV3.detail.parse(detailOf(entries()[0]));
    expect(detail.data.query).toBe('feature/ABC-123-login-page');
    expect(detail.data.parsedQuery).toEqual({ fragment: 'feature/ABC-123-login-page' });
    expect(detail.data.replyTo.responseUrl).toBe(
      'https://hooks.slack.com/actions/T0TEAM001/1234567890/secretActionToken',
    );
    expect(sent[0]?.body).toMatchObject({
      replace_original: true,
      text: expect.stringContaining(detail.data.deployId),
    });
  });

  it("refuses a non-owner's Terminate privately, keeping the original message", async () => {
    // Prepare
    mocks.dynamo.on(GetCommand).resolves({
      Item: deploymentItem({ owner: { userId: OTHER_USER, teamId: 'T0TEAM001', userName: 'o' } }),
    });
    const { invoke, sent } = ingressHarness();

    // Act
    await invoke(buttonEvent({ actionId: 'terminate', value: DEPLOY_ID }));

    // Assess
    expect(entries()).toHaveLength(0);
    expect(sent[0]?.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: expect.stringContaining('Only its owner or an admin can terminate it'),
    });
  });

  it('writes the REQUESTED record before publishing, and ends it as REJECTED when the bus refuses', async () => {
    // Prepare
    mocks.eventBridge.on(PutEventsCommand).rejects(new Error('network down'));
    const { invoke, context } = ingressHarness();

    // Act
    const result = await invoke(slashEvent('/deploy', 'login'));

    // Assess
    expect(replyOf(result)?.text).toContain(context.awsRequestId);
    const put = mocks.dynamo.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.Item).toMatchObject({ status: 'REQUESTED', query: 'login', ownerId: 'U0LOCAL1' });
    expect(put?.ConditionExpression).toBe('attribute_not_exists(deployId)');
    const update = mocks.dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.Key).toEqual({ deployId: put?.Item?.deployId });
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':to': 'REJECTED', ':from0': 'REQUESTED' });
  });

  it('ingress 503 after a failed publish: the user hears the error even when ending the record hangs', async () => {
    // Prepare: the bus refuses, and the REJECTED write never answers (chaos run 5: it outlived the timeout)
    mocks.eventBridge.on(PutEventsCommand).rejects(new Error('network down'));
    mocks.dynamo.on(UpdateCommand).callsFake(() => new Promise(() => undefined));
    const { invoke, context } = ingressHarness();
    const started = Date.now();

    // Act
    const result = await invoke(slashEvent('/deploy', 'login'));

    // Assess
    expect(Date.now() - started).toBeLessThan(ABANDON_WAIT_MS + 1500);
    expect(result.statusCode).toBe(200);
    expect(replyOf(result)?.text).toContain(context.awsRequestId);
    expect(mocks.dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('tells the user when publishing a button request failed', async () => {
    // Prepare
    mocks.eventBridge.on(PutEventsCommand).rejects(new Error('network down'));
    const { invoke, sent, context } = ingressHarness();

    // Act
    const result = await invoke(buttonEvent({ actionId: 'deploy_candidate', value: 'login' }));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(sent[0]?.body).toMatchObject({
      replace_original: false,
      text: expect.stringContaining(context.awsRequestId),
    });
  });

  it('posts to the local Slack catcher in local mode', async () => {
    // Prepare
    const { invoke, sent } = ingressHarness({ SLACK_HOOKS_ORIGIN: 'http://127.0.0.1:4599' });

    // Act
    await invoke(buttonEvent({ actionId: 'deploy_candidate', value: 'login' }));

    // Assess
    expect(sent[0]?.url).toBe('http://127.0.0.1:4599/actions/T0TEAM001/1234567890/secretActionToken');
  });
});
