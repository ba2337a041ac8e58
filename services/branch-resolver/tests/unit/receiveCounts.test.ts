import { DeployRequested } from '@branch-envs/shared/events/DeployRequested';
import { receiveCountOf, withReceiveCounts } from '../../src/handlers/receiveCounts';
import { deployRequested, lambdaContext, sqsEvent, sqsRecordFor } from '../helpers/factories';

describe('receive counts', () => {
  it('tells the handler how often SQS delivered the record of each event', async () => {
    // Prepare
    const first = deployRequested('a');
    const second = deployRequested('b');
    const event = sqsEvent(
      sqsRecordFor(DeployRequested.detailType, first),
      sqsRecordFor(DeployRequested.detailType, second, {
        attributes: {
          ApproximateReceiveCount: '4',
          SentTimestamp: '0',
          SenderId: 's',
          ApproximateFirstReceiveTimestamp: '0',
        },
      }),
      { ...sqsRecordFor(DeployRequested.detailType, first), body: 'not json' },
    );
    let seen: number[] = [];

    // Act
    await withReceiveCounts(async () => {
      seen = [receiveCountOf(first.metadata.eventId), receiveCountOf(second.metadata.eventId)];
      return { batchItemFailures: [] };
    })(event, lambdaContext());

    // Assess
    expect(seen).toEqual([1, 4]);
  });

  it('counts a first delivery outside a batch', () => {
    // Act + Assess
    expect(receiveCountOf('01KB0W8J6QF3ZC9D2M4N5P7R8T')).toBe(1);
  });
});
