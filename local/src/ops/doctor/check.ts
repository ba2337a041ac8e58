/** One line of `ops doctor`: ✓ pass, ✗ fail (with the fix), or · info (nothing to fix). */
export interface CheckResult {
  group: string;
  name: string;
  status: 'pass' | 'fail' | 'info';
  detail?: string;
  fix?: string;
}

export const pass = (group: string, name: string, detail?: string): CheckResult => ({
  group,
  name,
  status: 'pass',
  ...(detail ? { detail } : {}),
});

export const fail = (group: string, name: string, detail: string, fix: string): CheckResult => ({
  group,
  name,
  status: 'fail',
  detail,
  fix,
});

export const info = (group: string, name: string, detail: string): CheckResult => ({
  group,
  name,
  status: 'info',
  detail,
});

/** The AWS error name (`ParameterNotFound`, `InvalidSubnetID.NotFound`, …) or the message. */
export const reasonOf = (error: unknown): string =>
  error instanceof Error
    ? error.name && error.name !== 'Error'
      ? `${error.name}: ${error.message}`
      : error.message
    : String(error);

/**
 * Runs one check and turns an unexpected error into a ✗ naming it, so one broken call never hides
 * the other checks.
 */
export const guarded = async (
  group: string,
  name: string,
  fix: string,
  check: () => Promise<CheckResult | CheckResult[]>,
): Promise<CheckResult[]> => {
  try {
    return [await check()].flat();
  } catch (error) {
    return [fail(group, name, reasonOf(error), fix)];
  }
};
