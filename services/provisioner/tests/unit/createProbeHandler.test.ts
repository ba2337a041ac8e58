import { Logger } from '@aws-lambda-powertools/logger';
import { InstanceLaunched } from '@branch-envs/shared/events/InstanceLaunched';
import type { SQSRecord } from 'aws-lambda';
import { fixtureDetail, lambdaContext, sqsEvent } from '../../../../shared/tests/helpers/factories';
import type { ProbeContext } from '../../src/domain/readiness/probe';
import type { ProbeMessage } from '../../src/domain/readiness/probeMessage';
import { createProbeHandler, parseProbeMessage } from '../../src/handlers/createProbeHandler';

const message: ProbeMessage = {
  deployId: '01KB0W8J6QF3ZC9D2M4N5P7R8S',
  instanceId: 'i-0abc123def4567890',
  attempt: 3,
  deadline: '2026-11-26T09:15:00.000Z',
  cause: fixtureDetail(InstanceLaunched).metadata,
};

const record = (body: string, receiveCount = '1'): SQSRecord => ({
  messageId: `m-${Math.random()}`,
  receiptHandle: 'rh',
  body,
  attributes: {
    ApproximateReceiveCount: receiveCount,
    SentTimestamp: '0',
    SenderId: 'provisioner',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-north-1:123456789012:branch-envs-test-provisioner-probes',
  awsRegion: 'eu-north-1',
});

describe('the probe handler', () => {
  const logger = new Logger({ serviceName: 'provisioner-test', logLevel: 'SILENT' });

  it('runs each valid probe and reports only the broken record as failed', async () => {
    // Prepare
    const seen: { message: ProbeMessage; redelivered: boolean }[] = [];
    const handler = createProbeHandler({
      logger,
      prober: {
        handle: async (m: ProbeMessage, context: ProbeContext) => {
          seen.push({ message: m, redelivered: context.redelivered });
          return 'waiting';
        },
      },
    });
    const broken = record('{"deployId":"not a probe"}');

    // Act
    const response = await handler(
      sqsEvent(record(JSON.stringify(message)), broken, record(JSON.stringify(message), '2')),
      lambdaContext('probe'),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: broken.messageId }]);
    expect(seen.map((s) => s.redelivered)).toEqual([false, true]);
    expect(seen[0]?.message).toEqual(message);
  });

  it('names the problem of a body that is not a probe message', () => {
    // Act + Assess
    expect(() => parseProbeMessage('nope')).toThrow('ProbeMessage does not match its schema: body: not JSON');
    expect(() => parseProbeMessage(JSON.stringify({ ...message, attempt: 0 }))).toThrow('attempt');
  });
});
