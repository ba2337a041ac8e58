import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  type EC2Client,
  type Filter,
  type Instance,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { type BackoffOptions, isRetryableAwsError, withBackoff } from '@branch-envs/shared/retry';
import { chunk } from '../domain/concurrency';
import type {
  InstanceFleet,
  ManagedInstance,
  TerminationCandidate,
  TerminationOutcome,
} from '../domain/ports';
import { Ec2CallError } from '../errors';

/** The tag every instance the provisioner launches carries (docs/architecture.md §5); IAM checks the same value. */
export const MANAGED_BY = { key: 'ManagedBy', value: 'branch-envs' } as const;

/**
 * TerminateInstances takes up to 1000 ids; 100 keeps one call's blast radius and its retry small,
 * stays within the 200 values an EC2 filter accepts for the DescribeInstances check that precedes
 * it, and still needs only 10 calls for 1000 instances.
 */
export const DEFAULT_BATCH_SIZE = 100;
/** EC2 filters accept at most 200 values. */
const MAX_FILTER_VALUES = 200;
const NOT_RUNNING = new Set(['shutting-down', 'terminated']);
const LISTED_STATES = ['pending', 'running', 'stopping', 'stopped'];

export interface Ec2FleetOptions {
  client: EC2Client;
  batchSize?: number;
  backoff?: BackoffOptions;
  /** Only reconcile instances that also carry this tag (e.g. `Stage=prod`), when several stages share a region. */
  scopeTag?: { key: string; value: string };
  onRetry?: (operation: string, error: unknown, attempt: number) => void;
  /** A call that failed for good (after retries); its instances are reported `failed`. */
  onFailure?: (operation: string, error: unknown, instanceIds: readonly string[]) => void;
}

const tagOf = (instance: Instance, key: string): string | undefined =>
  instance.Tags?.find((t) => t.Key === key)?.Value;

const toManaged = (instance: Instance): ManagedInstance => ({
  instanceId: instance.InstanceId ?? '',
  state: instance.State?.Name ?? 'unknown',
  deployId: tagOf(instance, 'DeployId'),
  branch: tagOf(instance, 'Branch'),
});

const isNotFound = (error: unknown): boolean =>
  error instanceof Error && error.name.startsWith('InvalidInstanceID');

/** What to do with one candidate, given what DescribeInstances says about it. */
export const classify = (
  candidate: TerminationCandidate,
  instance: Instance | undefined,
): TerminationOutcome | 'terminate' => {
  if (!instance || NOT_RUNNING.has(instance.State?.Name ?? '')) return 'gone';
  if (tagOf(instance, MANAGED_BY.key) !== MANAGED_BY.value) return 'untagged';
  const deployIdTag = tagOf(instance, 'DeployId');
  const namesAnother = deployIdTag !== undefined && deployIdTag !== candidate.deployId;
  return candidate.deployId !== undefined && namesAnother ? 'mismatch' : 'terminate';
};

/**
 * EC2 behind the InstanceFleet port. The safety rule lives here, in the only code that calls
 * TerminateInstances: an id is terminated only after DescribeInstances showed, in the same run,
 * that it carries ManagedBy=branch-envs — a record's instanceId alone is never trusted. IAM
 * enforces the same tag condition, so a bug here fails closed.
 */
export const createEc2Fleet = (options: Ec2FleetOptions): InstanceFleet => {
  const { client, batchSize = DEFAULT_BATCH_SIZE, backoff, scopeTag, onRetry, onFailure } = options;
  const call = <T>(operation: string, fn: () => Promise<T>): Promise<T> =>
    withBackoff(fn, { ...backoff, onRetry: (error, attempt) => onRetry?.(operation, error, attempt) }).catch(
      (error: unknown) => {
        throw new Ec2CallError(operation, { cause: error });
      },
    );

  async function* describePages(input: DescribeInstancesCommandInput): AsyncGenerator<Instance> {
    let NextToken: string | undefined;
    do {
      const page = await call('DescribeInstances', () =>
        client.send(new DescribeInstancesCommand({ ...input, NextToken })),
      );
      for (const reservation of page.Reservations ?? []) yield* reservation.Instances ?? [];
      NextToken = page.NextToken;
    } while (NextToken);
  }

  const describeIds = async (ids: readonly string[]): Promise<Map<string, Instance>> => {
    const found = new Map<string, Instance>();
    for (const slice of chunk(ids, MAX_FILTER_VALUES)) {
      // A filter, not InstanceIds: one unknown id must not fail the whole call.
      for await (const instance of describePages({ Filters: [{ Name: 'instance-id', Values: slice }] })) {
        if (instance.InstanceId) found.set(instance.InstanceId, instance);
      }
    }
    return found;
  };

  const terminate = async (ids: readonly string[]): Promise<unknown> => {
    try {
      await call('TerminateInstances', () =>
        client.send(new TerminateInstancesCommand({ InstanceIds: [...ids] })),
      );
      return undefined;
    } catch (error) {
      return error;
    }
  };

  /**
   * The outcome for a whole batch, or `split` to retry its ids one by one. EC2 refuses a call as a
   * whole when one id is bad (gone since the check, or denied by the IAM tag condition); alone,
   * one cannot block the rest. A batch still throttled after the backoff budget is not split:
   * that would only add load.
   */
  const verdictFor = (ids: readonly string[], error: unknown): TerminationOutcome | 'split' => {
    if (error === undefined) return 'terminated';
    const cause = error instanceof Ec2CallError ? error.cause : error;
    if (ids.length > 1 && !isRetryableAwsError(cause)) return 'split';
    onFailure?.('TerminateInstances', error, ids);
    return isNotFound(cause) ? 'gone' : 'failed';
  };

  /** One TerminateInstances call per batch, outcomes recorded per id. */
  const terminateBatch = async (
    ids: readonly string[],
    outcomes: Map<string, TerminationOutcome>,
  ): Promise<void> => {
    const verdict = verdictFor(ids, await terminate(ids));
    if (verdict === 'split') {
      for (const id of ids) await terminateBatch([id], outcomes);
      return;
    }
    for (const id of ids) outcomes.set(id, verdict);
  };

  return {
    async terminateManaged(candidates) {
      const outcomes = new Map<string, TerminationOutcome>();
      for (const batch of chunk(candidates, batchSize)) {
        const described = await describeIds(batch.map((c) => c.instanceId));
        const verdicts = batch.map((c) => ({
          id: c.instanceId,
          verdict: classify(c, described.get(c.instanceId)),
        }));
        const toTerminate = verdicts.filter((v) => v.verdict === 'terminate').map((v) => v.id);
        for (const { id, verdict } of verdicts) if (verdict !== 'terminate') outcomes.set(id, verdict);
        if (toTerminate.length > 0) await terminateBatch(toTerminate, outcomes);
      }
      return outcomes;
    },

    async *listManaged() {
      const filters: Filter[] = [
        { Name: `tag:${MANAGED_BY.key}`, Values: [MANAGED_BY.value] },
        { Name: 'instance-state-name', Values: LISTED_STATES },
      ];
      if (scopeTag) filters.push({ Name: `tag:${scopeTag.key}`, Values: [scopeTag.value] });
      for await (const instance of describePages({ Filters: filters, MaxResults: 1000 })) {
        if (instance.InstanceId) yield toManaged(instance);
      }
    },

    async describe(instanceId) {
      const instance = (await describeIds([instanceId])).get(instanceId);
      if (!instance) return undefined;
      const managed = tagOf(instance, MANAGED_BY.key) === MANAGED_BY.value;
      return { ...toManaged(instance), managed, stage: tagOf(instance, 'Stage') };
    },

    async findManaged(instanceIds) {
      const described = await describeIds(instanceIds);
      const managed = new Map<string, ManagedInstance>();
      for (const [id, instance] of described) {
        if (classify({ instanceId: id }, instance) === 'terminate') managed.set(id, toManaged(instance));
      }
      return managed;
    },
  };
};
