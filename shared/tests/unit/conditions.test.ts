import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { isConditionFailure, unlessConditionFails } from '../../src/conditions';

const conditionFailure = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('isConditionFailure', () => {
  it("recognises DynamoDB's failed condition, and nothing else", () => {
    // Prepare
    const throttled = Object.assign(new Error('slow down'), {
      name: 'ProvisionedThroughputExceededException',
    });

    // Act + Assess
    expect(isConditionFailure(conditionFailure())).toBe(true);
    expect(isConditionFailure(throttled)).toBe(false);
    expect(isConditionFailure('ConditionalCheckFailedException')).toBe(false);
  });
});

describe('unlessConditionFails', () => {
  it("answers the write's result, or the given value when its condition did not hold", async () => {
    // Act
    const won = await unlessConditionFails(Promise.resolve('written'), 'lost');
    const lost = await unlessConditionFails(Promise.reject(conditionFailure()), 'lost');

    // Assess
    expect([won, lost]).toEqual(['written', 'lost']);
  });

  it('rethrows any other failure', async () => {
    // Act
    const act = unlessConditionFails(Promise.reject(new Error('network down')), false);

    // Assess
    await expect(act).rejects.toThrow('network down');
  });
});
