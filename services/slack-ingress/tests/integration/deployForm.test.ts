import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DeployRequestedV3 } from '@branch-envs/shared/events/DeployRequested.v3';
import { OPEN_BRANCHES_KEY, type OpenBranchesSnapshot } from '@branch-envs/shared/openBranches';
import { motoConfig, queueRoutedFrom, uniqueName } from '../../../../tests/helpers/aws';
import { createPlatformTable, createTableFromTemplate } from '../../../../tests/helpers/tables';
import { createIngressHandler, type IngressHandler } from '../../src/handlers/createIngressHandler';
import { buildDependencies } from '../../src/wiring';
import {
  buttonForm,
  CHANNEL,
  lambdaContext,
  SIGNING_SECRET,
  STRANGER,
  silentLogger,
  slackEvent,
  TEAM,
  testConfig,
  USER,
} from '../helpers/factories';

const aws = motoConfig();
const dynamo = new DynamoDBClient(aws);
const documents = DynamoDBDocumentClient.from(dynamo);
const eventBridge = new EventBridgeClient(aws);
const sqs = new SQSClient(aws);
const ssm = new SSMClient(aws);

const FORM_RESPONSE_URL = 'https://hooks.slack.com/app/T0TEAM001/1234567890/formResponseToken';
const TRIGGER = '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const user = (id = USER) => ({ id, username: 'maija', name: 'maija', team_id: TEAM });

/** Payloads shaped as Slack's interactivity docs show them. */
const shortcut = () => ({
  type: 'shortcut',
  token: 'x',
  action_ts: '1',
  team: { id: TEAM },
  user: user(),
  callback_id: 'deploy_branch',
  trigger_id: TRIGGER,
});
const homeButton = () => ({
  type: 'block_actions',
  user: user(),
  team: { id: TEAM },
  container: { type: 'view', view_id: 'V0HOME' },
  trigger_id: TRIGGER,
  view: { id: 'V0HOME', type: 'home' },
  actions: [{ action_id: 'open_deploy_form', block_id: 'b', type: 'button', action_ts: '1' }],
});
const suggestion = (value: string, id = USER) => ({
  type: 'block_suggestion',
  user: user(id),
  team: { id: TEAM },
  action_id: 'branch',
  block_id: 'branch',
  value,
  view: { id: 'V1' },
});
type Values = Record<string, Record<string, Record<string, unknown>>>;
const submission = (values: Values) => ({
  type: 'view_submission',
  team: { id: TEAM },
  user: user(),
  view: { id: 'V1', callback_id: 'deploy_form', private_metadata: '', state: { values } },
  response_urls: [
    { block_id: 'channel', action_id: 'channel', channel_id: CHANNEL, response_url: FORM_RESPONSE_URL },
  ],
});
const filled = (overrides: Values = {}): Values => ({
  branch: { branch: { type: 'external_select', selected_option: { value: 'feature/ABC-123-login-page' } } },
  query: { query: { type: 'plain_text_input', value: null } },
  lifetime: { lifetime: { type: 'static_select', selected_option: { value: '7200' } } },
  fresh: { fresh: { type: 'checkboxes', selected_options: [{ value: 'fresh' }] } },
  channel: { channel: { type: 'conversations_select', selected_conversation: CHANNEL } },
  ...overrides,
});

const snapshot: OpenBranchesSnapshot = {
  listedAt: new Date().toISOString(),
  branches: [
    { branch: 'feature/ABC-123-login-page', prNumber: 42, title: 'Login page', author: 'alice' },
    { branch: 'fix/DEMO-1-health', prNumber: 44, title: 'Health endpoint', author: 'carol' },
  ],
};

describe('the Deploy form (moto)', () => {
  let handler: IngressHandler;
  let queueUrl: string;
  const viewsOpened: Record<string, unknown>[] = [];
  const posted: { url: string; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    const busName = uniqueName('bus');
    await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
    queueUrl = await queueRoutedFrom({ eventBridge, sqs }, busName, {
      source: ['branch-envs.slack-ingress'],
    });
    const cacheTable = await createTableFromTemplate(dynamo, {
      service: 'branch-resolver',
      logicalId: 'ResolverCacheTable',
      namePrefix: 'resolver-cache',
    });
    await documents.send(
      new PutCommand({
        TableName: cacheTable,
        Item: { url: OPEN_BRANCHES_KEY, etag: 'snapshot', body: JSON.stringify(snapshot) },
      }),
    );
    const secretName = `/branch-envs/${uniqueName('it')}/slack/signing-secret`;
    await ssm.send(
      new PutParameterCommand({ Name: secretName, Type: 'SecureString', Value: SIGNING_SECRET }),
    );
    await ssm.send(
      new PutParameterCommand({ Name: `${secretName}-bot`, Type: 'SecureString', Value: 'xoxb-test' }),
    );
    const config = testConfig({
      EVENT_BUS_NAME: busName,
      DEPLOYMENTS_TABLE: await createPlatformTable(dynamo, 'DeploymentsTable'),
      RESOLVER_CACHE_TABLE: cacheTable,
      SIGNING_SECRET_PARAM: secretName,
      BOT_TOKEN_PARAM: `${secretName}-bot`,
    });
    const fetchStub = (async (url: string | URL | Request, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body ?? '{}'));
      if (String(url).endsWith('/views.open')) {
        viewsOpened.push(body);
        return Response.json({ ok: true, view: { id: 'V1' } });
      }
      posted.push({ url: String(url), body });
      return new Response('ok');
    }) as typeof fetch;
    handler = createIngressHandler(
      buildDependencies(
        config,
        { eventBridge, dynamo: documents, ssm },
        { logger: silentLogger(), fetch: fetchStub },
      ),
    );
  }, 30_000);

  beforeEach(() => {
    viewsOpened.length = 0;
    posted.length = 0;
  });

  const send = (payload: unknown, options = {}) =>
    handler(slackEvent(buttonForm(payload), { route: 'interactions', ...options }), lambdaContext());
  const receive = async (attempts = 3): Promise<Message[]> => {
    const all: Message[] = [];
    for (let i = 0; i < attempts; i += 1) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      all.push(...(out.Messages ?? []));
    }
    return all;
  };

  it('opens the form with the trigger_id from the global shortcut and from [Deploy a branch] on the Home tab', async () => {
    // Act
    const fromShortcut = await send(shortcut());
    const fromHome = await send(homeButton());

    // Assess
    expect([fromShortcut.statusCode, fromHome.statusCode]).toEqual([200, 200]);
    expect(viewsOpened).toHaveLength(2);
    const [opened] = viewsOpened as {
      trigger_id: string;
      view: { callback_id: string; blocks: { block_id: string }[] };
    }[];
    expect(opened?.trigger_id).toBe(TRIGGER);
    expect(opened?.view.callback_id).toBe('deploy_form');
    expect(opened?.view.blocks.map((b) => b.block_id)).toEqual([
      'branch',
      'query',
      'lifetime',
      'fresh',
      'channel',
    ]);
    expect(JSON.stringify(opened?.view)).toContain('4h (default)');
  });

  it('answers the type-ahead from the resolver’s listing, and nothing to a user who may not deploy', async () => {
    // Act
    const login = await send(suggestion('login'));
    const byNumber = await send(suggestion('#44'));
    const stranger = await send(suggestion('login', STRANGER));

    // Assess
    expect(JSON.parse(login.body ?? '{}').options.map((o: { value: string }) => o.value)).toEqual([
      'feature/ABC-123-login-page',
    ]);
    expect(JSON.parse(byNumber.body ?? '{}').options.map((o: { value: string }) => o.value)).toEqual([
      'fix/DEMO-1-health',
    ]);
    expect(JSON.parse(stranger.body ?? '{}')).toEqual({ options: [] });
  });

  it('keeps the form open with the problem under its field, and publishes nothing', async () => {
    // Act
    const empty = await send(
      submission(filled({ branch: { branch: { type: 'external_select', selected_option: null } } })),
    );
    const both = await send(
      submission(filled({ query: { query: { type: 'plain_text_input', value: 'ABC-124' } } })),
    );
    const lifetime = await send(
      submission(
        filled({ lifetime: { lifetime: { type: 'static_select', selected_option: { value: '999999' } } } }),
      ),
    );
    const badQuery = await send(
      submission(
        filled({
          branch: { branch: { type: 'external_select' } },
          query: { query: { type: 'plain_text_input', value: 'a;b' } },
        }),
      ),
    );

    // Assess
    expect(JSON.parse(empty.body ?? '{}')).toEqual({
      response_action: 'errors',
      errors: { branch: expect.stringContaining('Pick a branch') },
    });
    expect(JSON.parse(both.body ?? '{}').errors).toEqual({ query: expect.stringContaining('not both') });
    expect(JSON.parse(lifetime.body ?? '{}').errors).toEqual({
      lifetime: expect.stringContaining('lifetimes offered'),
    });
    expect(JSON.parse(badQuery.body ?? '{}').errors).toEqual({
      query: expect.stringContaining('cannot be part of'),
    });
    expect(await receive(2)).toEqual([]);
  });

  it('publishes the same DeployRequested as the slash command, continuing in the chosen channel', async () => {
    // Act
    const result = await send(submission(filled()));
    const [message] = await receive();

    // Assess
    expect(result).toMatchObject({ statusCode: 200, body: '' });
    const detail = DeployRequestedV3.detail.parse(JSON.parse(message?.Body ?? '{}').detail);
    expect(detail.data).toMatchObject({
      query: 'feature/ABC-123-login-page',
      ttlSeconds: 7200,
      fresh: true,
      owner: { userId: USER },
      replyTo: { channelId: CHANNEL, responseUrl: FORM_RESPONSE_URL },
    });
    expect(posted.map((p) => p.url)).toEqual([FORM_RESPONSE_URL]);
    expect(String(posted[0]?.body.text)).toContain(detail.data.deployId);
  });

  it('refuses hostile form payloads with a 4xx and no effect', async () => {
    // Act
    const unknownType = await send({ type: 'dialog_submission', user: user() });
    const badState = await send({
      ...submission(filled()),
      view: { callback_id: 'deploy_form', state: 'nope' },
    });
    const badTrigger = await send({ ...shortcut(), trigger_id: 'x'.repeat(500) });
    const unsigned = await send(shortcut(), { signature: 'v0=00' });

    // Assess
    expect([unknownType.statusCode, badState.statusCode, badTrigger.statusCode, unsigned.statusCode]).toEqual(
      [400, 400, 400, 401],
    );
    expect(viewsOpened).toEqual([]);
    expect(await receive(2)).toEqual([]);
  });
});
