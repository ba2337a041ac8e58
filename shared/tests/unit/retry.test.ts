import { backoffDelay, isOutcomeUnknown, isRetryableAwsError, withBackoff } from '../../src/retry';

const awsError = (name: string, status = 400): Error =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('withBackoff', () => {
  it('retries EC2 throttling with full-jitter exponential delays, then succeeds', async () => {
    // Prepare
    const delays: number[] = [];
    let calls = 0;
    const operation = async () => {
      calls += 1;
      if (calls <= 3) throw awsError('RequestLimitExceeded', 503);
      return 'done';
    };

    // Act
    const result = await withBackoff(operation, {
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0.5,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });

    // Assess: half of 100, 200, 400 ms.
    expect(result).toBe('done');
    expect(delays).toEqual([50, 100, 200]);
  });

  it('gives up after the attempt budget and rethrows the last error', async () => {
    // Prepare
    let calls = 0;
    const operation = async () => {
      calls += 1;
      throw awsError('Throttling');
    };

    // Act
    const act = withBackoff(operation, { maxAttempts: 4, sleep: async () => undefined });

    // Assess
    await expect(act).rejects.toThrow('Throttling');
    expect(calls).toBe(4);
  });

  it('does not retry a client error such as a missing instance', async () => {
    // Prepare
    let calls = 0;
    const operation = async () => {
      calls += 1;
      throw awsError('InvalidInstanceID.NotFound');
    };

    // Act
    const act = withBackoff(operation, { sleep: async () => undefined });

    // Assess
    await expect(act).rejects.toThrow('InvalidInstanceID.NotFound');
    expect(calls).toBe(1);
  });

  it('caps the delay window and draws uniformly below it', () => {
    // Act + Assess
    expect(backoffDelay(10, 200, 10_000, () => 0.999)).toBe(9990);
    expect(backoffDelay(0, 200, 10_000, () => 0)).toBe(0);
  });

  it.each([
    ['RequestLimitExceeded', 503, true],
    ['ThrottlingException', 400, true],
    ['ProvisionedThroughputExceededException', 400, true],
    ['InternalError', 500, true],
    ['UnauthorizedOperation', 403, false],
    ['ValidationException', 400, false],
  ])('classifies %s (%d) as retryable: %s', (name, status, expected) => {
    // Act + Assess
    expect(isRetryableAwsError(awsError(name, status))).toBe(expected);
  });
});

describe('isOutcomeUnknown', () => {
  it.each([
    ['a 500', awsError('InternalError', 500), true],
    ['a 503 that is not throttling', awsError('Unavailable', 503), true],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['a client-side timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), true],
    ['throttling sent as 503', awsError('RequestLimitExceeded', 503), false],
    ['a 400 client error', awsError('InvalidParameterValue', 400), false],
  ])('%s: %s', (_what, error, unknown) => {
    // Act + Assess
    expect(isOutcomeUnknown(error)).toBe(unknown);
  });
});
