import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstanceAttributeCommand } from '@aws-sdk/client-ec2';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { deployDocumentOf, userDataFromBase64 } from '@branch-envs/shared/userData';
import { deploymentStatus } from '../../local/src/cli/localCommands';
import { LOCAL_APP_SECRET, LOCAL_SECRETS } from '../../local/src/config/localEnv';
import type { HeardRequest } from '../../local/src/standins/httpServer';
import { queueRoutedFrom, uniqueName } from '../helpers/aws';
import { serviceExists, startTestStack, type TestStack } from './helpers/localStack';

/**
 * Issue 14 part 4: no secret in any log or event. A deploy runs on the local stack with the demo
 * app secret, a phone-home, a rejected deploy and a phone-home with a wrong token; then every log
 * file, the stack's output, every event on the bus, every item of the deployments table and every
 * request the Slack and GitHub stand-ins heard is searched for each seeded secret and each
 * phone-home token. A credential may appear in exactly one place: the Authorization header of the
 * service it is for (the bot token to Slack, the GitHub token to GitHub).
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;
const WRONG_TOKEN = 'wrongTokenwrongTokenwrongTokenwrongToken123';

let t: TestStack;
let logDir = '';
let tapUrl = '';
const heard: HeardRequest[] = [];
const events: string[] = [];

const drainTap = async (idleRounds = 2): Promise<void> => {
  for (let idle = 0; idle < idleRounds; ) {
    const out = await t.stack.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: tapUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const bodies = (out.Messages ?? []).map((m) => m.Body ?? '');
    events.push(...bodies);
    idle = bodies.length === 0 ? idle + 1 : 0;
  }
};

const eventOf = (detailType: string, deployId: string) =>
  events
    .map((e) => JSON.parse(e))
    .find((e) => e['detail-type'] === detailType && e.detail.metadata.correlationId === deployId);

const waitForEvent = async (detailType: string, deployId: string, timeoutMs = 40_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = eventOf(detailType, deployId);
    if (found) return found;
    await drainTap(1);
  }
  throw new Error(`no ${detailType} for ${deployId} within ${timeoutMs} ms`);
};

const phoneHomeTokenOf = async (instanceId: string): Promise<string> => {
  const out = await t.stack.clients.ec2.send(
    new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }),
  );
  const token = deployDocumentOf(userDataFromBase64(out.UserData?.Value ?? ''))?.phoneHomeToken;
  if (typeof token !== 'string') throw new Error(`${instanceId} has no phone-home token in its user data`);
  return token;
};

/** The deployId an acknowledgement names; fails with what the ack said when it names none. */
const idOf = (result: {
  ack: { deployId?: string | undefined; lines: string[]; status: number };
}): string => {
  if (result.ack.deployId) return result.ack.deployId;
  const ingress = t.output.filter((line) => /ingress|http/i.test(line)).slice(-15);
  throw new Error(
    `the ack (HTTP ${result.ack.status}) names no deployment: ${result.ack.lines.join(' / ')}\n${ingress.join('\n')}`,
  );
};

/**
 * A slash command, sent again if its acknowledgement timed out (503): on a shared, loaded machine a
 * cold ingress can pass the local API's timeout, and a user would simply type it again.
 */
const deploy = async (line: string, timeoutMs: number) => {
  for (let attempt = 1; ; attempt += 1) {
    const result = await t.slash(line, { timeoutMs });
    if (result.ack.status !== 503 || attempt === 6) return result;
    await new Promise((r) => setTimeout(r, 2000));
  }
};

interface Haystack {
  where: string;
  text: string;
}

/** A request, minus the one credential its service is meant to receive in its Authorization header. */
const requestHaystack = (request: HeardRequest): Haystack => {
  const allowed = request.server === 'slack' ? LOCAL_SECRETS.botToken.value : LOCAL_SECRETS.githubToken.value;
  const headers = { ...request.headers };
  if (typeof headers.authorization === 'string')
    headers.authorization = headers.authorization.replace(allowed, '<allowed>');
  return {
    where: `${request.server} ${request.method} ${request.url}`,
    text: JSON.stringify({ ...request, headers }),
  };
};

describeIfAll('no secret in any log, event or outgoing request', () => {
  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'secrets-scan-logs-'));
    mkdirSync(join(logDir, 'logs'));
    t = await startTestStack({
      requestTap: (request) => heard.push(request),
      functionLog: (fn, line) => {
        appendFileSync(join(logDir, 'logs', `${fn}.log`), `${line}\n`);
        t?.output.push(`[${fn}] ${line}`);
      },
    });
    tapUrl = await queueRoutedFrom(
      t.stack.clients,
      'branch-envs-local-bus',
      { source: [{ prefix: 'branch-envs.' }] },
      {
        queue: uniqueName('secrets-tap'),
        rule: uniqueName('secrets-tap'),
      },
    );
  }, 180_000);

  afterAll(async () => {
    await t?.stop();
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  }, 60_000);

  it('delivers the app secret to the instance and leaks no secret or token anywhere, across a ready, a rejected and a refused deploy', async () => {
    // Act: a deploy that phones home ready
    const ready = await deploy('/deploy demo-ready', 60_000);
    const deployId = idOf(ready);
    const launched = await waitForEvent('InstanceLaunched', deployId);
    const readyEvent = await waitForEvent('InstanceReady', deployId);
    const instanceId = String(launched.detail.data.instanceId);
    const token = await phoneHomeTokenOf(instanceId);

    // Act: a deploy that fails (an incomplete build), and a phone-home with a wrong token
    const rejected = await deploy('/deploy DEMO-2', 30_000);
    await waitForEvent('DeployRejected', idOf(rejected));
    const phoneHomeUrl = String(
      deployDocumentOf(
        userDataFromBase64(
          (
            await t.stack.clients.ec2.send(
              new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }),
            )
          ).UserData?.Value ?? '',
        ),
      )?.phoneHomeUrl,
    );
    const refused = await fetch(phoneHomeUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${WRONG_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ deployId, status: 'failed', step: 'fetch-secrets' }),
    });
    await new Promise((r) => setTimeout(r, 1500));
    await drainTap();

    // Assess: the app received the seeded secret (the simulator shows its SHA-256, never the value)
    expect(readyEvent.detail.data.detectedBy).toBe('phone_home');
    expect(refused.status).toBe(401);
    expect((await deploymentStatus(t.stack.endpoints, deployId))?.status).toBe('READY');
    const health = (await (await fetch(`${t.stack.endpoints.simulatorUrl}/${instanceId}/health`)).json()) as {
      secrets: Record<string, string>;
    };
    expect(health.secrets).toEqual({
      DEMO_API_KEY: createHash('sha256').update(LOCAL_APP_SECRET.value).digest('hex'),
    });

    // Assess: search everything for every secret
    const table = await t.stack.clients.dynamodb.send(
      new ScanCommand({ TableName: 'branch-envs-local-deployments' }),
    );
    const files = readdirSync(join(logDir, 'logs'));
    const haystacks: Haystack[] = [
      ...files.map((f) => ({ where: `log file ${f}`, text: readFileSync(join(logDir, 'logs', f), 'utf8') })),
      { where: 'stack output', text: t.output.join('\n') },
      ...events.map((text, i) => ({ where: `bus event ${i}`, text })),
      ...heard.map(requestHaystack),
      ...(table.Items ?? []).map((item, i) => ({
        where: `deployments item ${i}`,
        text: JSON.stringify(item),
      })),
    ];
    const needles = {
      'slack signing secret': LOCAL_SECRETS.signingSecret.value,
      'slack bot token': LOCAL_SECRETS.botToken.value,
      'github token': LOCAL_SECRETS.githubToken.value,
      'github webhook secret': LOCAL_SECRETS.githubWebhookSecret.value,
      'app secret DEMO_API_KEY': LOCAL_APP_SECRET.value,
      'phone-home token': token,
      'presented wrong token': WRONG_TOKEN,
    };
    const hits = haystacks.flatMap(({ where, text }) =>
      Object.entries(needles)
        .filter(([, value]) => text.includes(value))
        .map(([what]) => `${what} in ${where}`),
    );
    const counts = {
      logFiles: files.length,
      logLines: haystacks.slice(0, files.length).reduce((n, h) => n + h.text.split('\n').length - 1, 0),
      outputLines: t.output.length,
      busEvents: events.length,
      slackRequests: heard.filter((r) => r.server === 'slack').length,
      githubRequests: heard.filter((r) => r.server === 'github').length,
      tableItems: table.Items?.length ?? 0,
      hits: hits.length,
    };
    console.log(`secrets scan: ${JSON.stringify(counts)}`);
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(events.length).toBeGreaterThanOrEqual(6);
    expect(counts.slackRequests).toBeGreaterThan(0);
    expect(counts.githubRequests).toBeGreaterThan(0);
    expect(hits).toEqual([]);
  }, 400_000);
});
