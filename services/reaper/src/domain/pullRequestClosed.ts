import { isLive } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { PullRequestClosed } from '@branch-envs/shared/events/PullRequestClosed';
import { collect } from './concurrency';
import type { ReaperDeps } from './ports';
import { handledBy, TERMINATING_STEP } from './terminationNote';
import {
  assertComplete,
  type TerminationOrder,
  type TerminationReport,
  terminateDeployments,
} from './terminations';

export type PullRequestClosedOutcome =
  | { kind: 'disabled' }
  | { kind: 'nothing_live' }
  | { kind: 'terminating'; report: TerminationReport };

type Closed = PullRequestClosed['data'];

/**
 * Which of the branch's records this close ends: live, started before the pull request closed (an
 * archive replay must not end the environment of a pull request reopened since), and not tied to
 * another pull request of the same branch (a branch may have one per base branch).
 */
const endedBy =
  (pr: Closed) =>
  (record: DeploymentRecord): boolean =>
    isLive(record.status) &&
    Date.parse(record.createdAt) <= Date.parse(pr.closedAt) &&
    (record.prNumber === undefined || record.prNumber === null || record.prNumber === pr.prNumber);

/**
 * PullRequestClosed: every live environment of the branch ends, with reason `pr_merged` or
 * `pr_closed`. No ownership check (the pull request is the authority), but the usual safety: the
 * claim is conditional, instances are tag-checked before TerminateInstances, and the records are
 * re-read consistently first. Pre-launch records (RESOLVED, LAUNCHING) become TERMINATING, so the
 * provisioner launches nothing or terminates what it just launched (docs/architecture.md §3).
 */
export const handlePullRequestClosed = async (
  detail: PullRequestClosed,
  deps: ReaperDeps,
): Promise<PullRequestClosedOutcome> => {
  const { data: pr, metadata } = detail;
  if (!deps.policy.terminateOnPrClose) {
    deps.log.info('terminateOnPrClose is off: environments of a closed pull request keep running', {
      branch: pr.branch,
      prNumber: pr.prNumber,
    });
    return { kind: 'disabled' };
  }
  const records = await collect(deps.deployments.byBranch(pr.branch));
  const requestId = metadata.eventId;
  const ours = (r: DeploymentRecord) =>
    r.status === 'TERMINATING' && handledBy(r.history, TERMINATING_STEP, requestId);
  const due = endedBy(pr);
  const order = (record: DeploymentRecord, resume: boolean): TerminationOrder => ({
    record,
    reason: pr.merged ? 'pr_merged' : 'pr_closed',
    prNumber: pr.prNumber,
    requestId,
    cause: metadata,
    replyTo: record.replyTo,
    resume,
    ...(resume ? { closeWithoutInstance: false } : {}),
  });
  const live = records.filter(due).map((r) => order(r, false));
  const resumable = records.filter(ours).map((r) => order(r, true));
  if (live.length === 0 && resumable.length === 0) return { kind: 'nothing_live' };
  // No re-read for an extend here (nothing an extend changes matters); the claims are conditional.
  const report = await terminateDeployments([...live, ...resumable], deps);
  assertComplete(report.failed, report.errors);
  return { kind: 'terminating', report };
};
