import { allowedPredecessors, canTransition, DeploymentStatus } from '../../src/deployments/states';

describe('deployment state machine', () => {
  it.each([
    ['REQUESTED', 'RESOLVED'],
    ['RESOLVED', 'LAUNCHING'],
    ['LAUNCHING', 'RUNNING'],
    ['RUNNING', 'READY'],
    ['READY', 'TERMINATING'],
    ['TERMINATING', 'TERMINATED'],
    ['LAUNCHING', 'TERMINATING'],
    ['FAILED', 'TERMINATING'],
  ] as const)('moves forward from %s to %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each([
    ['TERMINATED', 'READY'],
    ['TERMINATING', 'LAUNCHING'],
    ['READY', 'LAUNCHING'],
    ['REJECTED', 'RESOLVED'],
    ['TERMINATED', 'TERMINATING'],
  ] as const)('never moves back from %s to %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('lets nothing leave TERMINATED, so a replay cannot bring an environment back', () => {
    const exits = DeploymentStatus.filter((to) => canTransition('TERMINATED', to));

    expect(exits).toEqual([]);
    expect(allowedPredecessors('LAUNCHING')).toEqual(['RESOLVED']);
  });
});
