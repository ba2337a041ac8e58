/**
 * Whether a DynamoDB write failed only because its condition did not hold: an answer ("someone else
 * won", "it changed meanwhile"), not a failure. Checked by name rather than `instanceof`, so this
 * module loads no AWS SDK and still works when two copies of the SDK are bundled.
 */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Awaits a conditional write; `onConditionFailure` when its condition did not hold, else its result. */
export const unlessConditionFails = async <T, F = T>(
  write: Promise<T>,
  onConditionFailure: F,
): Promise<T | F> => {
  try {
    return await write;
  } catch (error) {
    if (isConditionFailure(error)) return onConditionFailure;
    throw error;
  }
};
