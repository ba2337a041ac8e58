import { interruptionEntry, pickInterrupted } from '../../src/cli/interruptCommand';

const row = (overrides: Record<string, unknown>) => ({
  deployId: '01KB0W8J6QF3ZC9D2M4N5P7R8S',
  branch: 'demo-ready',
  status: 'READY',
  instanceId: 'i-0abc123def4567890',
  createdAt: '2026-12-02T09:00:00.000Z',
  ...overrides,
});

describe('branch-envs local interrupt', () => {
  it('puts the event in the shape the Amazon EC2 User Guide documents, on the default bus', () => {
    // Act
    const entry = interruptionEntry('i-0abc123def4567890', 'terminate', 'eu-north-1');

    // Assess
    expect(entry).toEqual({
      Source: 'aws.ec2',
      DetailType: 'EC2 Spot Instance Interruption Warning',
      Resources: ['arn:aws:ec2:eu-north-1:123456789012:instance/i-0abc123def4567890'],
      Detail: '{"instance-id":"i-0abc123def4567890","instance-action":"terminate"}',
      EventBusName: 'default',
    });
  });

  it('picks the newest live deployment of a branch that has an instance', () => {
    // Prepare: newest first, as listDeployments sorts them
    const rows = [
      row({ deployId: '01KB0W8J6QF3ZC9D2M4N5P7R9A', status: 'REQUESTED', instanceId: undefined }),
      row({ deployId: '01KB0W8J6QF3ZC9D2M4N5P7R9B', status: 'READY' }),
      row({ deployId: '01KB0W8J6QF3ZC9D2M4N5P7R9C', status: 'READY' }),
    ];

    // Act + Assess
    expect(pickInterrupted(rows, 'demo-ready').deployId).toBe('01KB0W8J6QF3ZC9D2M4N5P7R9B');
  });

  it('takes a deploy id in any state, so an ended deployment can be sent the warning again', () => {
    // Prepare
    const rows = [row({ status: 'TERMINATED' })];

    // Act + Assess
    expect(pickInterrupted(rows, '01kb0w8j6qf3zc9d2m4n5p7r8s').status).toBe('TERMINATED');
  });

  it('says why when there is nothing to interrupt', () => {
    // Prepare
    const rows = [
      row({ status: 'TERMINATED' }),
      row({ deployId: '01KB0W8J6QF3ZC9D2M4N5P7R9D', instanceId: undefined }),
    ];

    // Act + Assess
    expect(() => pickInterrupted(rows, 'demo-ready')).toThrow(
      'no live deployment of demo-ready with an instance',
    );
    expect(() => pickInterrupted(rows, '01KB0W8J6QF3ZC9D2M4N5P7R9D')).toThrow('has no instance to interrupt');
    expect(() => pickInterrupted(rows, '01KB0W8J6QF3ZC9D2M4N5P7R9E')).toThrow(
      'no deployment 01KB0W8J6QF3ZC9D2M4N5P7R9E',
    );
  });
});
