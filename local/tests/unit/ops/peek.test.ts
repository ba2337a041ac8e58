import { describeDeadLetter } from '../../../src/ops/peek';

describe('describeDeadLetter', () => {
  it('reads the event type, deploy id and event id of an EventBridge event, and the receive count', () => {
    // Prepare: an event as an EventBridge rule delivers it to SQS
    const body = {
      version: '0',
      id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      'detail-type': 'BranchResolved',
      source: 'branch-envs.branch-resolver',
      account: '123456789012',
      time: '2026-12-01T09:00:00Z',
      region: 'eu-north-1',
      resources: [],
      detail: {
        metadata: { eventId: '01KB0W8J6QF3ZC9D2M4N5P7R91', correlationId: '01KB0W8J6QF3ZC9D2M4N5P7R8S' },
        data: {},
      },
      'replay-name': 'ops-dev-20261201',
    };

    // Act
    const letter = describeDeadLetter({
      MessageId: 'm-1',
      Body: JSON.stringify(body),
      Attributes: { ApproximateReceiveCount: '6', SentTimestamp: '1764579600000' },
    });

    // Assess
    expect(letter).toEqual({
      messageId: 'm-1',
      eventType: 'BranchResolved',
      deployId: '01KB0W8J6QF3ZC9D2M4N5P7R8S',
      eventId: '01KB0W8J6QF3ZC9D2M4N5P7R91',
      replayName: 'ops-dev-20261201',
      receiveCount: 6,
      sentAt: '2025-12-01T09:00:00.000Z',
    });
  });

  it('reads a probe message by its deployId, and an error a producer put in a message attribute', () => {
    const letter = describeDeadLetter({
      MessageId: 'm-2',
      Body: JSON.stringify({ deployId: '01KB0W8J6QF3ZC9D2M4N5P7R8S', attempt: 3 }),
      MessageAttributes: { error: { DataType: 'String', StringValue: 'boom' } },
      Attributes: { ApproximateReceiveCount: '5' },
    });

    expect(letter).toEqual({
      messageId: 'm-2',
      deployId: '01KB0W8J6QF3ZC9D2M4N5P7R8S',
      error: 'boom',
      receiveCount: 5,
    });
  });

  it('keeps a body that is not JSON without failing the listing', () => {
    expect(describeDeadLetter({ MessageId: 'm-3', Body: 'not json' })).toEqual({
      messageId: 'm-3',
      receiveCount: 0,
    });
  });
});
