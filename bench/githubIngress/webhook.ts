/**
 * github-ingress's answer time (issue 18: within GitHub's 10 s, target < 1 s), against moto: the
 * real handler and adapters (SSM secret, the conditional write in the idempotency table, PutEvents)
 * for GitHub's example `pull_request` `closed` payload, each delivery with its own id, then the same
 * id again (a redelivery), then a payload padded to 5 MB (the signature over the whole body).
 *
 *   npx tsx bench/githubIngress/webhook.ts [--deliveries 50] [--json]
 *
 * moto's per-request latency is far above DynamoDB's and EventBridge's; the shape (one secret read
 * per container, one write and one PutEvents per delivery) is what carries over.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createAwsClients } from '../../local/src/aws/clients';
import { startMoto } from '../../local/src/aws/moto';
import { prClosedPayload } from '../../local/src/cli/githubWebhook';
import { loadDemoRepository } from '../../local/src/standins/githubDemo';
import { createWebhookHandler } from '../../services/github-ingress/src/handlers/createWebhookHandler';
import { buildDependencies } from '../../services/github-ingress/src/wiring';
import { createPlatformTable } from '../../tests/helpers/tables';

const SECRET = 'bench-webhook-secret';
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

const request = (body: string, deliveryId: string): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /github/webhook',
    rawPath: '/github/webhook',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST' } },
  }) as unknown as APIGatewayProxyEventV2;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

const timed = async (fn: () => Promise<{ statusCode?: number }>) => {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, status: result.statusCode };
};

const setUp = async (endpoint: string) => {
  const clients = createAwsClients(endpoint);
  const table = await createPlatformTable(clients.dynamodb, 'IdempotencyTable');
  await clients.eventBridge.send(new CreateEventBusCommand({ Name: 'bench-bus' }));
  await clients.ssm.send(
    new PutParameterCommand({ Name: '/bench/github/webhook-secret', Value: SECRET, Type: 'SecureString' }),
  );
  const deps = buildDependencies(
    {
      stage: 'bench',
      eventBusName: 'bench-bus',
      idempotencyTable: table,
      webhookSecretParam: '/bench/github/webhook-secret',
      repository: { owner: 'acme', repo: 'shop' },
    },
    { eventBridge: clients.eventBridge, dynamo: clients.dynamodb, ssm: clients.ssm },
    { logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }) },
  );
  const handler = createWebhookHandler(deps);
  const context = { getRemainingTimeInMillis: () => 8_000 } as Context;
  return { clients, invoke: (event: APIGatewayProxyEventV2) => handler(event, context) };
};

const main = async () => {
  const deliveries = arg('deliveries', 50);
  const moto = await startMoto();
  try {
    const { clients, invoke } = await setUp(moto.endpoint);
    const body = JSON.stringify(
      prClosedPayload(loadDemoRepository(), { branch: 'demo-ready', merged: true }),
    );
    const first = await timed(() => invoke(request(body, randomUUID())));
    const warm: number[] = [];
    for (let i = 0; i < deliveries; i += 1)
      warm.push((await timed(() => invoke(request(body, randomUUID())))).ms);
    const id = randomUUID();
    await invoke(request(body, id));
    const redelivery = await timed(() => invoke(request(body, id)));
    const padded = JSON.stringify({ ...JSON.parse(body), padding: 'x'.repeat(5 * 1024 * 1024) });
    const large = await timed(() => invoke(request(padded, randomUUID())));
    warm.sort((a, b) => a - b);
    const report = {
      payloadBytes: Buffer.byteLength(body),
      firstMs: first.ms,
      warm: {
        n: warm.length,
        p50: percentile(warm, 0.5),
        p95: percentile(warm, 0.95),
        max: warm.at(-1) ?? 0,
      },
      redeliveryMs: redelivery.ms,
      fiveMbMs: large.ms,
      statuses: { first: first.status, redelivery: redelivery.status, fiveMb: large.status },
    };
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    if (process.argv.includes('--json')) console.log(JSON.stringify(report));
    else
      console.log(
        [
          `payload ${report.payloadBytes} bytes (GitHub's example, merged)`,
          `first delivery (secret read, clients warming): ${ms(report.firstMs)} → ${first.status}`,
          `warm, ${warm.length} deliveries: p50 ${ms(report.warm.p50)}, p95 ${ms(report.warm.p95)}, max ${ms(report.warm.max)}`,
          `redelivery of one id: ${ms(report.redeliveryMs)} → ${redelivery.status}`,
          `5 MB body: ${ms(report.fiveMbMs)} → ${large.status}`,
        ].join('\n'),
      );
    clients.destroy();
  } finally {
    await moto.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
