import { type Capacity, marketsFor } from '@branch-envs/shared/pricing/capacity';
import { CapacityError, LaunchError } from '../../errors';
import type { LaunchAttempt, LaunchedInstance, LaunchSettings } from '../ports';

/**
 * The order in which RunInstances is tried (ADR 0027): for the preferred instance type, Spot in
 * every subnet (that is, every AZ: Spot capacity is a pool per type and AZ), then on-demand in every
 * subnet if the capacity allows it, then the next type the same way. A shortage is usually one type
 * in one AZ, so moving AZ or market keeps the size the team asked for; only when neither has it does
 * the size change. With no subnets configured, each pair is tried once in the default VPC.
 * `capacity` is the deploy's own choice when it made one, else the stage's.
 */
export const launchAttempts = (
  { instanceTypes, subnetIds, capacity: stageDefault }: LaunchSettings,
  capacity: Capacity = stageDefault,
): LaunchAttempt[] =>
  instanceTypes.flatMap((instanceType) =>
    marketsFor(capacity).flatMap((market) =>
      subnetIds.length === 0
        ? [{ instanceType, market }]
        : subnetIds.map((subnetId) => ({ instanceType, market, subnetId })),
    ),
  );

/**
 * The deploy's capacity: its own `--spot` / `--on-demand` when it chose one; on-demand when it is
 * kept overnight already (ADR 0028: an interruption at night ends what someone asked to keep, with
 * nobody there to redeploy it); else the stage's default (undefined).
 */
export const capacityOf = (record: {
  capacity?: Capacity | undefined;
  keepOvernight: boolean;
}): Capacity | undefined => record.capacity ?? (record.keepOvernight ? 'on-demand' : undefined);

const describeAttempt = ({ instanceType, market, subnetId }: LaunchAttempt): string =>
  `${instanceType} ${market} in ${subnetId ?? 'the default VPC'}`;

/**
 * Runs the attempts in order until one launches. Only a {@link CapacityError} moves on to the next
 * attempt; any other {@link LaunchError} is permanent (a bad AMI, subnet or permission would fail
 * the same way everywhere) and ends the launch at once. When every attempt lacks capacity, the
 * error lists what was tried.
 */
export const launchWithFallback = async (
  attempts: readonly LaunchAttempt[],
  run: (attempt: LaunchAttempt, index: number) => Promise<LaunchedInstance>,
  onCapacityError: (attempt: LaunchAttempt, error: CapacityError) => void = () => undefined,
): Promise<LaunchedInstance> => {
  const shortages: string[] = [];
  let last: CapacityError | undefined;
  for (const [index, attempt] of attempts.entries()) {
    try {
      return await run(attempt, index);
    } catch (error) {
      if (!(error instanceof CapacityError)) throw error;
      onCapacityError(attempt, error);
      shortages.push(`${describeAttempt(attempt)} (${error.ec2Code})`);
      last = error;
    }
  }
  throw new LaunchError(
    last?.ec2Code ?? 'NoLaunchAttempts',
    shortages.length > 0
      ? `EC2 had no capacity for any configured choice: ${shortages.join(', ')}`
      : 'no instance type is configured',
    'add instance types to INSTANCE_TYPES or subnets in other AZs to SUBNET_IDS, or try again later',
    { cause: last },
  );
};
