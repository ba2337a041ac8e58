import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isConditionFailure } from '../conditions';
import { TransitionConflictError } from '../errors';
import { FINISHED_RECORD_RETENTION_SECONDS } from './table';

/**
 * A branch claim is one item of the deployments table, keyed `branch#<name>`, naming the deployment
 * that holds the branch. It carries none of the GSI keys, so lists, sweeps and the branch index never
 * see it. Only whoever holds it may start an environment for the branch (unless the user asked for
 * `--fresh`); nobody needs to release it, because a claim whose holder has ended is taken over by a
 * compare-and-swap on the holder (docs/architecture.md §3).
 */
export const BranchClaim = z.object({
  deployId: z.string().startsWith('branch#'),
  kind: z.literal('claim'),
  holder: z.string(),
  claimedAt: z.iso.datetime({ offset: true }),
  ttl: z.number().int().nonnegative(),
});
export type BranchClaim = z.infer<typeof BranchClaim>;

export type ClaimOutcome = { claimed: true } | { claimed: false; holder: string };

export interface BranchClaims {
  /**
   * Claims `branch` for `deployId`. Succeeds when nobody holds it, when `deployId` holds it already
   * (a redelivery), or when its holder is no longer live (`isLive` says so; the take-over is
   * conditional on the holder read, so two takers cannot both win).
   */
  claim(
    branch: string,
    deployId: string,
    isLive: (holder: string) => Promise<boolean>,
  ): Promise<ClaimOutcome>;
}

export interface BranchClaimsOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  now?: () => Date;
}

/** Rounds of read-then-take-over before giving up; each round needs another taker to have won. */
const MAX_TAKEOVER_ROUNDS = 3;

export const claimKey = (branch: string): string => `branch#${branch}`;

export const createBranchClaims = ({
  client,
  tableName,
  now = () => new Date(),
}: BranchClaimsOptions): BranchClaims => {
  /** Writes the claim if `condition` holds; false when it does not. */
  const put = async (branch: string, holder: string, condition: string, values: Record<string, string>) => {
    const at = now();
    const item: BranchClaim = {
      deployId: claimKey(branch),
      kind: 'claim',
      holder,
      claimedAt: at.toISOString(),
      ttl: Math.floor(at.getTime() / 1000) + FINISHED_RECORD_RETENTION_SECONDS,
    };
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  };

  const holderOf = async (branch: string): Promise<string | undefined> => {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: { deployId: claimKey(branch) }, ConsistentRead: true }),
    );
    return out.Item ? BranchClaim.parse(out.Item).holder : undefined;
  };

  const FREE = 'attribute_not_exists(deployId) OR holder = :me';

  /** One round: read the holder; keep off a live one, else take the claim from it (or the void). */
  const round = async (
    branch: string,
    deployId: string,
    isLive: (holder: string) => Promise<boolean>,
  ): Promise<ClaimOutcome | undefined> => {
    const holder = await holderOf(branch);
    if (holder === deployId) return { claimed: true };
    if (holder === undefined)
      return (await put(branch, deployId, FREE, { ':me': deployId })) ? { claimed: true } : undefined;
    if (await isLive(holder)) return { claimed: false, holder };
    return (await put(branch, deployId, 'holder = :old', { ':old': holder })) ? { claimed: true } : undefined;
  };

  return {
    async claim(branch, deployId, isLive) {
      if (await put(branch, deployId, FREE, { ':me': deployId })) return { claimed: true };
      for (let attempt = 0; attempt < MAX_TAKEOVER_ROUNDS; attempt += 1) {
        const outcome = await round(branch, deployId, isLive);
        if (outcome) return outcome;
      }
      // Only other takers winning every round gets here; SQS redelivers and the next try decides.
      throw new TransitionConflictError(deployId, `the claim on branch ${branch} kept changing hands`);
    },
  };
};
