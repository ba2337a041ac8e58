import type { Logger } from '@aws-lambda-powertools/logger';
import type { ConsumedEvent, ConsumerContext } from '@branch-envs/shared/consumer';
import { ContractViolationError } from '@branch-envs/shared/errors';
import { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { DeployRejected, type RejectionReason } from '@branch-envs/shared/events/DeployRejected';
import type { DeployRequested } from '@branch-envs/shared/events/DeployRequested';
import type { DeployRequestedV2 } from '@branch-envs/shared/events/DeployRequested.v2';
import type { DeployRequestedV3 } from '@branch-envs/shared/events/DeployRequested.v3';
import type { Publisher } from '@branch-envs/shared/publish';
import type { GithubGateway, GithubSession } from '../adapters/githubGateway';
import type { ArtifactStore, DeploymentLookup } from '../domain/ports';
import { type Outcome, type ResolverSettings, resolveRequest } from '../domain/resolveRequest';
import { CallBudgetExceededError, UpstreamError } from '../errors';

export interface DeployRequestHandlerDeps {
  /** Built on first use: it needs the token, which is read from SSM once per cold start. */
  github: () => Promise<GithubGateway>;
  artifacts: ArtifactStore;
  deployments: DeploymentLookup;
  publisher: Publisher<'branch-resolver'>;
  settings: ResolverSettings;
  /** The queue's maxReceiveCount: on that delivery the handler answers instead of throwing. */
  maxReceiveCount: number;
  now?: () => Date;
}

type DeployRequestedEvent = ConsumedEvent<
  readonly [typeof DeployRequested, typeof DeployRequestedV2, typeof DeployRequestedV3]
>;
type Detail = DeployRequestedEvent['detail'];

const upstreamRejection = (error: unknown, attempts: number): RejectionReason => {
  if (error instanceof UpstreamError) {
    const tried = error.retryable ? ` Tried ${attempts} times.` : '';
    return {
      code: 'upstream_error',
      upstream: error.upstream,
      message: `${error.userMessage}${tried}`.slice(0, 500),
      ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}),
    };
  }
  return {
    code: 'upstream_error',
    upstream: 'aws',
    message: 'The branch resolver failed unexpectedly; the error is in its logs. Try again in a few minutes.',
  };
};

/**
 * Decides what a failure becomes: thrown (SQS redelivers it later, with backoff) while attempts
 * remain and a retry can help, otherwise an `upstream_error` answer, so no request ends silently in
 * the DLQ.
 */
const answerOrRethrow = (error: unknown, attempt: number, maxAttempts: number, log: Logger): Outcome => {
  // Unexpected errors may be transient (a DynamoDB blip); a broken call budget is a bug and is not.
  const retryable =
    error instanceof UpstreamError ? error.retryable : !(error instanceof CallBudgetExceededError);
  if (retryable && attempt < maxAttempts) {
    log.warn('Resolution failed; leaving the request for SQS to redeliver', { error, attempt, maxAttempts });
    throw error;
  }
  log.error('Resolution failed; answering the user with upstream_error', { error, attempt, maxAttempts });
  return { kind: 'rejected', reason: upstreamRejection(error, attempt) };
};

const publishOutcome = async (
  { publisher, deployments }: Pick<DeployRequestHandlerDeps, 'publisher' | 'deployments'>,
  outcome: Outcome,
  detail: Detail,
): Promise<void> => {
  const { metadata, data } = detail;
  if (outcome.kind === 'resolved') {
    await publisher.publish([{ contract: BranchResolved, data: outcome.data, cause: metadata }]);
    return;
  }
  const { deployId, query, owner, replyTo } = data;
  await deployments.markRejected(deployId, outcome.reason);
  const rejection = { deployId, query, owner, replyTo, reason: outcome.reason };
  await publisher.publish([{ contract: DeployRejected, data: rejection, cause: metadata }]);
};

/** Runs the use case; a failure is rethrown for redelivery or turned into an answer. */
const decide = async (
  deps: DeployRequestHandlerDeps,
  detail: Detail,
  attempt: number,
  log: Logger,
): Promise<{ outcome: Outcome; session?: GithubSession }> => {
  let session: GithubSession | undefined;
  try {
    session = (await deps.github()).session();
    const now = deps.now?.() ?? new Date();
    const request = { data: detail.data, requestedAt: detail.metadata.occurredAt, now };
    return { outcome: await resolveRequest({ ...deps, github: session }, request), session };
  } catch (error) {
    return { outcome: answerOrRethrow(error, attempt, deps.maxReceiveCount, log), session };
  }
};

/**
 * An earlier delivery that rejected the request and then failed to publish left its answer on the
 * record: the user gets that one. Deciding anew could resolve the branch this time (GitHub answering
 * again after a rate limit), and the REJECTED record would then launch nothing while the user saw
 * only "Found branch…" (issue 17's chaos run).
 */
const decideOnce = async (
  deps: DeployRequestHandlerDeps,
  detail: Detail,
  attempt: number,
  log: Logger,
): Promise<{ outcome: Outcome; session?: GithubSession }> => {
  const prior = await deps.deployments.priorRejection(detail.data.deployId);
  if (!prior) return decide(deps, detail, attempt, log);
  log.info('The request was rejected by an earlier delivery; answering the same', { reason: prior.code });
  return { outcome: { kind: 'rejected', reason: prior } };
};

/**
 * Publishes the answer. An answer that breaks its own contract is a resolver bug that a retry would
 * only repeat, so the user gets an `upstream_error` instead of silence.
 */
const publishAnswer = async (
  deps: DeployRequestHandlerDeps,
  outcome: Outcome,
  detail: Detail,
  attempt: number,
  log: Logger,
): Promise<Outcome> => {
  try {
    await publishOutcome(deps, outcome, detail);
    return outcome;
  } catch (error) {
    const alreadyFallback = outcome.kind === 'rejected' && outcome.reason.code === 'upstream_error';
    if (!(error instanceof ContractViolationError) || alreadyFallback) throw error;
    log.error('Outcome does not match its contract; answering upstream_error instead', { error });
    const fallback: Outcome = { kind: 'rejected', reason: upstreamRejection(error, attempt) };
    await publishOutcome(deps, fallback, detail);
    return fallback;
  }
};

/** The consumer's handler: one DeployRequested in, one BranchResolved or DeployRejected out. */
export const createDeployRequestHandler =
  (deps: DeployRequestHandlerDeps) =>
  async (
    event: DeployRequestedEvent,
    context: Pick<ConsumerContext, 'logger' | 'receiveCount'>,
  ): Promise<void> => {
    const { detail } = event;
    const log = context.logger.createChild({ persistentKeys: { deployId: detail.data.deployId } });
    const attempt = context.receiveCount;
    const decided = await decideOnce(deps, detail, attempt, log);
    const outcome = await publishAnswer(deps, decided.outcome, detail, attempt, log);
    log.info('Deploy request answered', {
      outcome: outcome.kind === 'resolved' ? 'BranchResolved' : outcome.reason.code,
      branch: outcome.kind === 'resolved' ? outcome.data.branch : undefined,
      attempt,
      github: decided.session?.stats(),
    });
  };
