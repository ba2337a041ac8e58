/**
 * What one PutEvents costs in moto with the local stack's rule shapes: an archive of the whole bus and
 * `rules` rules (default 4, as BranchResolved has) whose SQS targets carry the local input
 * transformer (`MOTO_FULL_EVENT_INPUT`). moto renders each target's input through jsonpath_ng, and
 * without motoServer.py's cache every path was compiled again on every event (issue 17, ADR 0016).
 *
 *   npx tsx bench/moto/putEvents.ts [puts] [rules]                   # moto as the tests start it
 *   EXTERNAL_MOTO=http://127.0.0.1:5577 npx tsx bench/moto/putEvents.ts   # any running moto, e.g.
 *     plain `python3 -m moto.server -p 5577`, to compare
 */
import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startMoto } from '../../local/src/aws/moto';
import { MOTO_FULL_EVENT_INPUT } from '../../local/src/templates/resourceAppliers';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const main = async () => {
  const puts = Number(process.argv[2] ?? 40);
  const rules = Number(process.argv[3] ?? 4);
  const moto = process.env.EXTERNAL_MOTO
    ? { endpoint: process.env.EXTERNAL_MOTO, stop: async () => undefined }
    : await startMoto();
  const config = {
    endpoint: moto.endpoint,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  };
  const events = new EventBridgeClient(config);
  const sqs = new SQSClient(config);
  const bus = `bench-${Date.now()}`;
  const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: bus }));
  await events.send(
    new CreateArchiveCommand({
      ArchiveName: bus,
      EventSourceArn: EventBusArn,
      EventPattern: '{"source":[{"prefix":"bench."}]}',
    }),
  );
  const queueArns: string[] = [];
  for (let i = 0; i < rules; i += 1) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${bus}-${i}` }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const arn = attrs.Attributes?.QueueArn ?? '';
    queueArns.push(arn);
    await events.send(
      new PutRuleCommand({ Name: `${bus}-${i}`, EventBusName: bus, EventPattern: '{"source":["bench.x"]}' }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: `${bus}-${i}`,
        EventBusName: bus,
        Targets: [{ Id: 'q', Arn: arn, InputTransformer: MOTO_FULL_EVENT_INPUT }],
      }),
    );
  }
  const times: number[] = [];
  for (let i = 0; i < puts; i += 1) {
    const start = performance.now();
    await events.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: bus, Source: 'bench.x', DetailType: 'X', Detail: JSON.stringify({ data: { i } }) },
        ],
      }),
    );
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(
    `PutEvents to ${rules} rule(s) + archive, ${puts} puts: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`,
  );
  events.destroy();
  sqs.destroy();
  await moto.stop();
};

void main();
