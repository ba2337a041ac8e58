import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { priceLine, totalLine, totalOf } from '@branch-envs/shared/pricing/cost';
import { type Block, context } from '../blocks';
import { escapeMrkdwn } from '../text';

/**
 * What environments cost, as `/deploy list` and `/deploy status` show it (ADR 0027): the rate the
 * provisioner recorded at launch, and what it has cost until now or until it ended. Records from
 * before prices, or launched on a type the price table did not know, have no cost and show none.
 */

const MAX_OWNERS = 20;

/** When a finished deployment stopped costing: the time of its last step. */
const endOf = (record: DeploymentRecord): Date | undefined => {
  if (record.status !== 'TERMINATED') return undefined;
  const last = record.history.at(-1);
  return last ? new Date(last.at) : undefined;
};

/** `≈ $0.045/h · $0.18 so far`, or '' for a record with no cost. */
export const costOf = (record: DeploymentRecord, now: Date): string => {
  if (!record.cost) return '';
  const end = endOf(record);
  return escapeMrkdwn(priceLine(record.cost, end ?? now, { ended: end !== undefined }));
};

const priced = (records: readonly DeploymentRecord[]) =>
  records.flatMap((record) => (record.cost ? [{ ownerId: record.owner.userId, cost: record.cost }] : []));

/**
 * The totals under a list: the user's own for `list mine`; for `list`, one per owner, and the stage's
 * for an admin. Sums are exact micro-dollars, rounded once for display.
 */
export const costTotals = (
  records: readonly DeploymentRecord[],
  now: Date,
  options: { scope: 'all' | 'mine'; admin: boolean },
): Block[] => {
  const costs = priced(records);
  if (costs.length === 0) return [];
  const line = (items: typeof costs) =>
    escapeMrkdwn(
      totalLine(
        totalOf(
          items.map((i) => i.cost),
          now,
        ),
      ),
    );
  if (options.scope === 'mine') return [context(`*Your total:* ${line(costs)}`)];
  const owners = [...new Set(costs.map((c) => c.ownerId))];
  const perOwner = owners
    .slice(0, MAX_OWNERS)
    .map((owner) => `<@${owner}> ${line(costs.filter((c) => c.ownerId === owner))}`);
  const more = owners.length > MAX_OWNERS ? [`…and ${owners.length - MAX_OWNERS} more owners`] : [];
  const blocks = [context(`*By owner:* ${[...perOwner, ...more].join(' · ')}`)];
  if (options.admin) blocks.push(context(`*Stage total:* ${line(costs)}`));
  return blocks;
};

/** `≈ $0.09/h · $0.36 so far` over every priced record (the Home tab's stage total), or '' if none is. */
export const stageTotalOf = (records: readonly DeploymentRecord[], now: Date): string => {
  const costs = priced(records).map((c) => c.cost);
  return costs.length === 0 ? '' : escapeMrkdwn(totalLine(totalOf(costs, now)));
};
