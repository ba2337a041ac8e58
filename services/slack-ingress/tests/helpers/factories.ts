import { Logger } from '@aws-lambda-powertools/logger';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type IngressConfig, loadIngressConfig } from '../../src/config';
import { slackSignature } from '../../src/domain/signature';

export { lambdaContext } from '../../../../shared/tests/helpers/factories';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const USER = 'U0LOCAL1';
export const OTHER_USER = 'U0LOCAL2';
export const ADMIN = 'U0ADMIN1';
export const STRANGER = 'U0STRANGER';
export const TEAM = 'T0TEAM001';
export const CHANNEL = 'C0CHANNEL1';
export const RESPONSE_URL = 'https://hooks.slack.com/commands/T0TEAM001/1234567890/secretResponseToken';
export const DEPLOY_ID = '01KB0W8J6QF3ZC9D2M4N5P7R8S';
export const OTHER_DEPLOY_ID = '01KB0W8J6QF3ZC9D2M4N5P7R9T';

/** The environment the packaged template declares for stage `local`, with test names. */
export const testEnv = (overrides: Record<string, string> = {}): Record<string, string> => ({
  STAGE: 'test',
  POWERTOOLS_SERVICE_NAME: 'slack-ingress',
  EVENT_BUS_NAME: 'branch-envs-test-bus',
  DEPLOYMENTS_TABLE: 'branch-envs-test-deployments',
  SIGNING_SECRET_PARAM: '/branch-envs/test/slack/signing-secret',
  BOT_TOKEN_PARAM: '/branch-envs/test/slack/bot-token',
  DEPLOY_COMMAND: '/deploy',
  TERMINATE_COMMAND: '/terminate',
  ALLOWED_USERS: `${USER},${OTHER_USER}`,
  ADMIN_USERS: ADMIN,
  ALLOWED_USER_GROUPS: '',
  DEFAULT_TTL: '4h',
  MAX_TTL: '2d',
  SLACK_HOOKS_ORIGIN: 'https://hooks.slack.com',
  SLACK_API_BASE: 'https://slack.com/api',
  ...overrides,
});

export const testConfig = (overrides: Record<string, string> = {}): IngressConfig =>
  loadIngressConfig(testEnv(overrides));

/** A logger that writes nothing, so test output stays readable. */
export const silentLogger = (): Logger =>
  new Logger({ serviceName: 'slack-ingress-test', logLevel: 'SILENT' });

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export const slashForm = (fields: Record<string, string | undefined> = {}): string => {
  const form = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    token: 'deprecated-verification-token-ignored',
    team_id: TEAM,
    team_domain: 'example',
    channel_id: CHANNEL,
    channel_name: 'dev',
    user_id: USER,
    user_name: 'maija',
    command: '/deploy',
    text: 'login',
    api_app_id: 'A0APP0001',
    response_url: RESPONSE_URL,
    trigger_id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    ...fields,
  };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) form.set(name, value);
  return form.toString();
};

export interface ButtonOptions {
  actionId?: string;
  value?: string;
  userId?: string;
  responseUrl?: string;
  type?: string;
}

export const buttonPayload = ({
  actionId = 'terminate',
  value = DEPLOY_ID,
  userId = USER,
  responseUrl = 'https://hooks.slack.com/actions/T0TEAM001/1234567890/secretActionToken',
  type = 'block_actions',
}: ButtonOptions = {}): Record<string, unknown> => ({
  type,
  user: { id: userId, username: 'maija', name: 'maija', team_id: TEAM },
  api_app_id: 'A0APP0001',
  team: { id: TEAM, domain: 'example' },
  container: { type: 'message', message_ts: '1764147600.000100', channel_id: CHANNEL, is_ephemeral: true },
  channel: { id: CHANNEL, name: 'dev' },
  response_url: responseUrl,
  trigger_id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  actions: [{ action_id: actionId, block_id: 'b1', value, type: 'button', action_ts: '1764147601.000200' }],
});

export const buttonForm = (payload: unknown): string =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

export interface EventOptions {
  route?: 'commands' | 'interactions' | string;
  secret?: string;
  timestamp?: string;
  signature?: string | null;
  /** Sign these bytes instead of the body (to test a body altered after signing). */
  signedBody?: string;
  contentType?: string | null;
  base64?: boolean;
  headers?: Record<string, string>;
}

/** An API Gateway HTTP API (payload 2.0) event, signed the way Slack signs it. */
export const slackEvent = (body: string, options: EventOptions = {}): APIGatewayProxyEventV2 => {
  const route = options.route ?? 'commands';
  const path = route.startsWith('/') ? route : `/slack/${route}`;
  const timestamp = options.timestamp ?? String(nowSeconds());
  const signature =
    options.signature === undefined
      ? slackSignature(options.secret ?? SIGNING_SECRET, timestamp, options.signedBody ?? body)
      : options.signature;
  const headers: Record<string, string> = {
    host: 'abc123.execute-api.eu-north-1.amazonaws.com',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': timestamp,
    ...(signature === null ? {} : { 'x-slack-signature': signature }),
    ...(options.contentType === null
      ? {}
      : { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded' }),
    ...options.headers,
  };
  const base64 = options.base64 ?? true;
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-north-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'Slackbot' },
      requestId: 'apigw-request-id',
      routeKey: `POST ${path}`,
      stage: '$default',
      time: '26/Nov/2026:09:00:00 +0000',
      timeEpoch: Date.now(),
    },
    body: base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: base64,
  };
};

/** A signed slash command: `slashEvent('/deploy', 'login')`. */
export const slashEvent = (
  command: string,
  text: string,
  fields: Record<string, string | undefined> = {},
  options: EventOptions = {},
): APIGatewayProxyEventV2 => slackEvent(slashForm({ command, text, ...fields }), options);

export const buttonEvent = (button: ButtonOptions = {}, options: EventOptions = {}): APIGatewayProxyEventV2 =>
  slackEvent(buttonForm(buttonPayload(button)), { route: 'interactions', ...options });

/** A deployment item as the provisioner and reaper write it. */
export const deploymentItem = (overrides: Partial<DeploymentRecord> = {}): DeploymentRecord => {
  const ownerId = overrides.owner?.userId ?? USER;
  const createdAt = overrides.createdAt ?? '2026-11-26T09:00:00.000Z';
  return {
    kind: 'deployment',
    deployId: DEPLOY_ID,
    status: 'READY',
    query: 'login',
    branch: 'feature/ABC-123-login-page',
    headSha: '0123456789abcdef0123456789abcdef01234567',
    prNumber: 42,
    owner: { userId: ownerId, teamId: TEAM, userName: 'maija' },
    ownerId,
    channelId: CHANNEL,
    replyTo: { userId: ownerId, channelId: CHANNEL, responseUrl: RESPONSE_URL, issuedAt: createdAt },
    responseUrlUses: 1,
    instanceId: 'i-0123456789abcdef0',
    url: 'http://10.0.0.12/',
    createdAt,
    ttlSeconds: 14_400,
    expiresAt: nowSeconds() + 3 * 3600,
    keepOvernight: false,
    history: [
      { step: 'requested', at: createdAt },
      { step: 'resolved', at: '2026-11-26T09:00:02.000Z', note: 'PR #42' },
      { step: 'ready', at: '2026-11-26T09:03:10.000Z' },
    ],
    version: 3,
    ...overrides,
  };
};

/** The JSON body of a handler response, or undefined when it is empty. */
export const replyOf = (result: {
  body?: string;
}): { response_type?: string; text?: string; blocks?: unknown[] } | undefined =>
  result.body ? JSON.parse(result.body) : undefined;
