import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { mockClient } from 'aws-sdk-client-mock';
import { createDeploymentReader } from '../../src/adapters/deploymentReader';
import { createResponsePoster } from '../../src/adapters/responseUrl';
import { createSlackGroupDirectory } from '../../src/adapters/slackUserGroups';
import { SlackApiError } from '../../src/errors';
import { deploymentItem, silentLogger } from '../helpers/factories';

const dynamoMock = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  dynamoMock.reset();
});

const fakeFetch = (respond: (url: string, init?: RequestInit) => Response | Promise<Response>) => {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    return respond(String(input), init);
  }) as typeof fetch;
  return { fn, calls };
};

describe('createDeploymentReader', () => {
  const reader = () =>
    createDeploymentReader(
      createDeploymentRepository({
        client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
        tableName: 'deployments',
      }),
    );

  it('lists live deployments with one status-index query per live status, never a Scan', async () => {
    // Prepare
    dynamoMock.on(QueryCommand).resolves({ Items: [] });
    dynamoMock.on(QueryCommand, { ExpressionAttributeValues: { ':status': 'READY' } }).resolves({
      Items: [deploymentItem()],
    });

    // Act
    const live = await reader().live();

    // Assess
    expect(live.map((r) => r.deployId)).toEqual([deploymentItem().deployId]);
    const queries = dynamoMock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries.map((q) => q.IndexName)).toEqual(Array(6).fill('status-expiresAt'));
    expect(queries.map((q) => q.ExpressionAttributeValues?.[':status']).sort()).toEqual([
      'FAILED',
      'LAUNCHING',
      'READY',
      'REQUESTED',
      'RESOLVED',
      'RUNNING',
    ]);
    expect(dynamoMock.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it("keeps only the live records of an owner's history", async () => {
    // Prepare
    dynamoMock.on(QueryCommand).resolves({
      Items: [
        deploymentItem(),
        deploymentItem({ deployId: '01KB0W8J6QF3ZC9D2M4N5P7R9T', status: 'TERMINATED' }),
      ],
    });

    // Act
    const mine = await reader().liveByOwner('U0LOCAL1');

    // Assess
    expect(mine).toHaveLength(1);
    expect(dynamoMock.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'ownerId-createdAt',
      ScanIndexForward: false,
    });
  });

  it('stops paging through a branch once it has enough', async () => {
    // Prepare
    dynamoMock
      .on(QueryCommand)
      .resolvesOnce({ Items: [deploymentItem(), deploymentItem()], LastEvaluatedKey: { deployId: 'x' } })
      .resolves({ Items: [deploymentItem()] });

    // Act
    const records = await reader().byBranch('feature/ABC-123-login-page', 2);

    // Assess
    expect(records).toHaveLength(2);
    expect(dynamoMock.commandCalls(QueryCommand)).toHaveLength(1);
    expect(dynamoMock.commandCalls(QueryCommand)[0]?.args[0].input.IndexName).toBe('branch-createdAt');
  });
});

describe('createResponsePoster', () => {
  it('posts JSON to the response_url', async () => {
    // Prepare
    const http = fakeFetch(() => new Response('ok'));
    const poster = createResponsePoster({
      hooksOrigin: 'https://hooks.slack.com',
      logger: silentLogger(),
      fetch: http.fn,
    });

    // Act
    const sent = await poster.post('https://hooks.slack.com/actions/T1/2/abc?x=1', {
      replace_original: true,
      text: 'hi',
    });

    // Assess
    expect(sent).toBe(true);
    expect(http.calls[0]?.url).toBe('https://hooks.slack.com/actions/T1/2/abc?x=1');
    expect(JSON.parse(String(http.calls[0]?.init?.body))).toEqual({ replace_original: true, text: 'hi' });
  });

  it('swaps only the origin for the local catcher', async () => {
    // Prepare
    const http = fakeFetch(() => new Response('ok'));
    const poster = createResponsePoster({
      hooksOrigin: 'http://127.0.0.1:4599',
      logger: silentLogger(),
      fetch: http.fn,
    });

    // Act
    await poster.post('https://hooks.slack.com/actions/T1/2/abc', { text: 'hi' });

    // Assess
    expect(http.calls[0]?.url).toBe('http://127.0.0.1:4599/actions/T1/2/abc');
  });

  it('refuses a response_url whose path looks like another origin (regression: protocol-relative path)', async () => {
    // Prepare
    const http = fakeFetch(() => new Response('ok'));
    const poster = createResponsePoster({
      hooksOrigin: 'http://127.0.0.1:4599',
      logger: silentLogger(),
      fetch: http.fn,
    });

    // Act
    const posted = await poster.post('https://hooks.slack.com//evil.example.com/actions/1', { text: 'hi' });

    // Assess
    expect(posted).toBe(false);
    expect(http.calls).toEqual([]);
  });

  it.each([
    'http://hooks.slack.com/actions/1',
    'https://evil.example.com/actions/1',
    'https://hooks.slack.com.evil.example.com/actions/1',
    'https://hooks.slack.com@evil.example.com/actions/1',
    'https://169.254.169.254/latest/meta-data/',
    'not a url',
  ])('never posts to %s', async (url) => {
    // Prepare
    const http = fakeFetch(() => new Response('ok'));
    const poster = createResponsePoster({
      hooksOrigin: 'https://hooks.slack.com',
      logger: silentLogger(),
      fetch: http.fn,
    });

    // Act
    const sent = await poster.post(url, { text: 'hi' });

    // Assess
    expect(sent).toBe(false);
    expect(http.calls).toHaveLength(0);
  });

  it('reports a failed post instead of throwing, since the event is already published', async () => {
    // Prepare
    const http = fakeFetch(() => {
      throw new TypeError('fetch failed');
    });
    const poster = createResponsePoster({
      hooksOrigin: 'https://hooks.slack.com',
      logger: silentLogger(),
      fetch: http.fn,
    });

    // Act + Assess
    await expect(poster.post('https://hooks.slack.com/actions/1', { text: 'hi' })).resolves.toBe(false);
  });
});

describe('createSlackGroupDirectory', () => {
  const membersResponse = (users: string[]) => new Response(JSON.stringify({ ok: true, users }));

  it('asks usergroups.users.list with the bot token and caches the answer', async () => {
    // Prepare
    let clock = 0;
    const http = fakeFetch(() => membersResponse(['U0MEMBER']));
    const groups = createSlackGroupDirectory({
      apiBase: 'https://slack.com/api',
      token: async () => 'xoxb-test',
      fetch: http.fn,
      cacheMs: 1000,
      now: () => clock,
    });

    // Act
    const first = await groups.isMemberOfAny('U0MEMBER', ['S0GROUP1']);
    const second = await groups.isMemberOfAny('U0OTHER1', ['S0GROUP1']);
    clock = 2000;
    await groups.isMemberOfAny('U0MEMBER', ['S0GROUP1']);

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(http.calls).toHaveLength(2);
    expect(http.calls[0]?.url).toBe('https://slack.com/api/usergroups.users.list');
    expect(http.calls[0]?.init?.body).toBe('usergroup=S0GROUP1');
    expect(new Headers(http.calls[0]?.init?.headers).get('authorization')).toBe('Bearer xoxb-test');
  });

  it('fails loudly rather than calling a Slack outage "not allowed"', async () => {
    // Prepare
    const http = fakeFetch(() => new Response(JSON.stringify({ ok: false, error: 'invalid_auth' })));
    const groups = createSlackGroupDirectory({
      apiBase: 'https://slack.com/api',
      token: async () => 'x',
      fetch: http.fn,
    });

    // Act + Assess
    await expect(groups.isMemberOfAny('U0MEMBER', ['S0GROUP1'])).rejects.toThrow(SlackApiError);
  });

  it('names usergroups:read when the bot token lacks it (Slack missing_scope answer)', async () => {
    // Prepare: Slack's documented answer for a token without the method's scope
    const answer = {
      ok: false,
      error: 'missing_scope',
      needed: 'usergroups:read',
      provided: 'commands,chat:write',
    };
    const http = fakeFetch(() => new Response(JSON.stringify(answer)));
    const groups = createSlackGroupDirectory({
      apiBase: 'https://slack.com/api',
      token: async () => 'x',
      fetch: http.fn,
    });

    // Act
    const act = groups.isMemberOfAny('U0MEMBER', ['S0GROUP1']);

    // Assess
    await expect(act).rejects.toMatchObject({
      name: 'SlackApiError',
      scopes: { needed: 'usergroups:read', provided: 'commands,chat:write' },
    });
    await expect(act).rejects.toThrow(
      'the token needs the scope usergroups:read; it has commands,chat:write',
    );
  });
});
