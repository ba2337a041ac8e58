import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeArchiveCommand, ListEventBusesCommand, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { ControlError, fireSchedule } from '../../local/src/cli/localCommands';
import { signedHeaders } from '../../local/src/cli/slackSigning';
import { slashCommandForm } from '../../local/src/cli/slashCommand';
import { LOCAL_SECRETS } from '../../local/src/config/localEnv';
import { LOCAL_USER, serviceExists, startTestStack, type TestStack } from './helpers/localStack';

// Services are written in their own issues; their scenarios run as soon as they are in the tree.
const ingress = serviceExists('slack-ingress');
const reaper = serviceExists('reaper');

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

const postForm = (body: string, headers: Record<string, string> = {}) =>
  fetch(t.stack.endpoints.ingressUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

describe('the local stack', () => {
  it('starts with the platform created from its packaged template and every stand-in answering', async () => {
    // Prepare
    const { clients, endpoints } = t.stack;

    // Act
    const buses = await clients.eventBridge.send(new ListEventBusesCommand({}));
    const table = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: 'branch-envs-local-deployments' }),
    );
    const archive = await clients.eventBridge.send(
      new DescribeArchiveCommand({ ArchiveName: 'branch-envs-local-archive' }),
    );
    const secret = await clients.ssm.send(
      new GetParameterCommand({ Name: LOCAL_SECRETS.signingSecret.name, WithDecryption: true }),
    );
    const answers = await Promise.all([
      fetch(`${endpoints.slackCatcherUrl}/_messages`),
      fetch(`${endpoints.githubUrl}/repos/acme/shop`),
      fetch(`${endpoints.simulatorUrl}/i-unknown/health`),
      fetch(`${endpoints.controlUrl}/health`),
    ]);

    // Assess
    expect(buses.EventBuses?.map((b) => b.Name)).toContain('branch-envs-local-bus');
    expect(archive.EventSourceArn).toBe(
      'arn:aws:events:eu-north-1:123456789012:event-bus/branch-envs-local-bus',
    );
    expect(table.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
      'branch-createdAt',
      'ownerId-createdAt',
      'status-expiresAt',
    ]);
    expect(secret.Parameter?.Value).toBe(LOCAL_SECRETS.signingSecret.value);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 404, 200]);
  });

  it('creates every consumer queue and rule its services declare', async () => {
    // Prepare
    const { clients, stacks } = t.stack;
    const queues = stacks.flatMap((s) => s.queues);

    // Act
    const found = await Promise.all(
      queues.map((q) =>
        clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: q.queueUrl, AttributeNames: ['QueueArn'] }),
        ),
      ),
    );
    const rules = await clients.eventBridge.send(
      new ListRulesCommand({ EventBusName: 'branch-envs-local-bus' }),
    );

    // Assess
    expect(found.map((f) => f.Attributes?.QueueArn)).toEqual(queues.map((q) => q.queueArn));
    expect(rules.Rules?.map((r) => r.Name)).toContain('Events-Archive-branch-envs-local-archive');
  });

  it('seeds the demo artifacts, with the pgdump of fix/DEMO-2-missing-dump missing on purpose', async () => {
    // Prepare
    const head = (key: string) =>
      t.stack.clients.s3
        .send(new HeadObjectCommand({ Bucket: 'branch-envs-local-artifacts', Key: key }))
        .then(
          () => 'present',
          () => 'missing',
        );

    // Act
    const found = await Promise.all([
      head('build-artifacts/shop-demo-ready-pgdump.gz'),
      head('build-artifacts/shop-fix/DEMO-2-missing-dump-pgdump.gz'),
      head('build-artifacts/shop-fix/DEMO-2-missing-dump.jar'),
    ]);

    // Assess
    expect(found).toEqual(['present', 'missing', 'present']);
  });

  it('refuses a malformed request: 404 for an unknown route, and a 4xx for an unsigned slash command', async () => {
    // Act
    const unknown = await fetch(`${t.stack.endpoints.httpApiUrl}/nope`, { method: 'POST', body: 'x' });
    const unsigned = await postForm('%%%garbage');

    // Assess
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Not Found' });
    // Before slack-ingress exists the route itself is unknown (404); with it, the signature check answers 401.
    expect(unsigned.status).toBe(ingress ? 401 : 404);
  });

  (ingress ? it : it.skip)(
    'refuses a correctly signed command whose timestamp is ten minutes old',
    async () => {
      // Prepare
      const body = slashCommandForm({ line: '/deploy help', userId: LOCAL_USER }).toString();
      const headers = signedHeaders(LOCAL_SECRETS.signingSecret.value, body, Date.now() - 10 * 60_000);

      // Act
      const response = await postForm(body, headers);

      // Assess
      expect(response.status).toBe(401);
    },
  );

  (ingress ? it : it.skip)('answers /deploy help through the signed CLI path', async () => {
    // Act
    const result = await t.slash('/deploy help');

    // Assess
    expect(result.ack.status).toBe(200);
    expect(result.ack.lines.join('\n')).toContain('/deploy');
    // Help cannot have follow-ups, so nothing is waited for (issue 15: no idle wait after help).
    expect(result.followable).toEqual({ kind: 'none' });
    expect(result.follow).toBeUndefined();
  });

  (reaper ? it : it.skip)(
    'fires a schedule on demand through the control endpoint, as `local fire` does',
    async () => {
      // Prepare
      const schedule = t.stack.stacks.flatMap((s) => s.schedules)[0];

      // Act
      const fired = await fireSchedule(t.stack.endpoints, schedule?.id ?? 'none');
      const unknown = await fireSchedule(t.stack.endpoints, 'no-such-schedule').catch(
        (error: Error) => error,
      );

      // Assess
      expect(fired.map((f) => [f.id, f.functionName])).toEqual([[schedule?.id, schedule?.functionName]]);
      expect(unknown).toBeInstanceOf(ControlError);
    },
  );
});
