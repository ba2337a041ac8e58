import { MessageBusyError, NoRouteError } from '../errors';
import { type Delivery, deliver } from './deliver';
import { retireEnvironment } from './environments';
import type { GithubState, GithubStep, NoticePlan, Plan, StatePlan } from './plan';
import type { Acquired, Invocation, NotifierPorts, StoredMessage } from './ports';
import { candidateRoutes } from './routing';
import { sendLogs } from './sendLogs';
import { ENDED_RANK, type Facts, type MessageState, STATE_RANK } from './states';

/** How long to wait for another event's lease on the same message before handing back to SQS. */
const MAX_LEASE_WAIT_MS = 10_000;
const LEASE_POLL_MS = 200;
/** Kept for the send after the wait. */
const SEND_RESERVE_MS = 10_000;

const factsOf = (record: StoredMessage | undefined): Facts => {
  if (!record) return {};
  const { branch, prNumber, prUrl, instanceId, instanceType, url, expiresAt, keepOvernight } = record;
  return { branch, prNumber, prUrl, instanceId, instanceType, url, expiresAt, keepOvernight };
};

const defined = (facts: Facts): Facts =>
  Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)) as Facts;

const acquireInTurn = async (
  plan: StatePlan,
  ports: NotifierPorts,
  inv: Invocation,
): Promise<Exclude<Acquired, { kind: 'busy' }>> => {
  const { store, clock } = ports;
  const rank = plan.rank ?? STATE_RANK[plan.state];
  const started = clock.now().getTime();
  for (;;) {
    const acquired = await store.acquire(plan.deployId, rank, inv.eventId, clock.now());
    if (acquired.kind !== 'busy') return acquired;
    const waited = clock.now().getTime() - started;
    if (waited >= MAX_LEASE_WAIT_MS || inv.remainingMs() < SEND_RESERVE_MS) {
      throw new MessageBusyError(plan.deployId);
    }
    await clock.sleep(LEASE_POLL_MS);
  }
};

/**
 * The PR names the commit that runs: a new deployment for the new SHA, `success` with the URL, then
 * the deployment it replaces `inactive`. Done by hand, because GitHub's `auto_inactive` leaves
 * transient environments' deployments alone. Its id is the one remembered from then on.
 */
const redeploy = async (
  step: Extract<GithubStep, { kind: 'redeploy' }>,
  existingId: number | undefined,
  github: NotifierPorts['github'],
): Promise<number> => {
  const id = await github.createDeployment(step);
  await github.createStatus(id, {
    state: 'success',
    description: step.description,
    environmentUrl: step.environmentUrl,
  });
  if (existingId !== undefined)
    await github.createStatus(existingId, {
      state: 'inactive',
      description: `Replaced by ${step.ref.slice(0, 7)}`,
    });
  return id;
};

/**
 * Keeps GitHub in step with the message. Any failure is logged and counted and the Slack side carries
 * on: GitHub Deployments are a convenience on the PR, the Slack message is the product.
 */
const syncGithub = async (
  step: GithubStep | undefined,
  existingId: number | undefined,
  ports: NotifierPorts,
  inv: Invocation,
): Promise<number | undefined> => {
  if (!step) return existingId;
  try {
    if (!(await ports.github.enabled())) return existingId;
    if (step.kind === 'create') return existingId ?? (await ports.github.createDeployment(step));
    if (step.kind === 'redeploy') return await redeploy(step, existingId, ports.github);
    if (existingId === undefined) return undefined;
    await ports.github.createStatus(existingId, step);
    if (step.retireEnvironment)
      await retireEnvironment(step.retireEnvironment, existingId, ports.github, inv.logger);
    return existingId;
  } catch (error) {
    inv.logger.warn('GitHub Deployments call failed; the Slack message went out regardless', { error });
    ports.telemetry.count('GithubCallFailed');
    return existingId;
  }
};

/** The GitHub status that matches a message state, for a deployment created after the fact. */
const GITHUB_STATE_OF: Partial<Record<MessageState, GithubState>> = {
  launching: 'in_progress',
  ready: 'success',
  failed: 'failure',
  rejected: 'error',
  terminated: 'inactive',
};

/**
 * A BranchResolved that lost the race to a later event (one batch, handled in parallel) still gets
 * its GitHub deployment, with the status the message has reached; otherwise the PR would never
 * show one. The Slack message is not touched.
 */
const catchUpGithub = async (
  plan: StatePlan,
  record: StoredMessage,
  ports: NotifierPorts,
  inv: Invocation,
) => {
  if (plan.github?.kind !== 'create' || record.githubDeploymentId !== undefined) return;
  const id = await syncGithub(plan.github, undefined, ports, inv);
  if (id === undefined) return;
  const state = record.state ? GITHUB_STATE_OF[record.state] : undefined;
  if (state) {
    const environmentUrl = state === 'success' ? record.url : undefined;
    await syncGithub(
      { kind: 'status', state, description: `Now ${record.state}`, environmentUrl },
      id,
      ports,
      inv,
    );
  }
  await ports.store.rememberGithubDeployment(plan.deployId, id);
};

/** Sends a state's message along the best route; undefined when there is nobody to tell. */
const sendState = async (
  plan: StatePlan,
  record: StoredMessage,
  ports: NotifierPorts,
  inv: Invocation,
): Promise<Delivery | undefined> => {
  const message = plan.render({ ...factsOf(record), ...defined(plan.facts) });
  const routes = candidateRoutes({
    replyTo: plan.replyTo,
    thread: record.thread,
    purpose: 'update',
    now: ports.clock.now(),
    visibility: ports.visibility,
    ...(await ports.slack.capabilities()),
  });
  const delivery = await deliver(routes, message, { replaceOriginal: true }, ports, inv);
  if (!delivery && plan.replyTo) throw new NoRouteError(plan.deployId);
  if (!delivery) inv.logger.info('nobody to tell: no reply address, bot message or webhook');
  if (delivery?.posted && delivery.thread) await ports.store.rememberThread(plan.deployId, delivery.thread);
  return delivery;
};

/** The deployment's own message moves to a new state: in turn, in place, never backwards. */
const showState = async (plan: StatePlan, ports: NotifierPorts, inv: Invocation): Promise<void> => {
  const acquired = await acquireInTurn(plan, ports, inv);
  if (acquired.kind === 'stale') {
    inv.logger.info('message already shows this state or a later one; nothing to send', {
      state: plan.state,
      shown: acquired.record.state,
    });
    ports.telemetry.count('StaleEventSkipped');
    await catchUpGithub(plan, acquired.record, ports, inv);
    return;
  }
  const { record } = acquired;
  try {
    const delivery = await sendState(plan, record, ports, inv);
    const githubDeploymentId = await syncGithub(plan.github, record.githubDeploymentId, ports, inv);
    const rank = plan.rank ?? STATE_RANK[plan.state];
    const update = {
      rank,
      state: plan.state,
      facts: plan.facts,
      thread: delivery?.thread,
      githubDeploymentId,
    };
    if (!(await ports.store.commit(plan.deployId, inv.eventId, update))) {
      inv.logger.warn('lost the lease on the message while sending; its stored state may lag behind Slack');
    }
  } catch (error) {
    await ports.store.release(plan.deployId, inv.eventId).catch((releaseError: unknown) => {
      inv.logger.warn('could not release the lease; it expires by itself', { releaseError });
    });
    throw error;
  }
};

const skipNotice = (plan: NoticePlan, record: StoredMessage | undefined): string | undefined => {
  if (plan.skipIfEnded && record?.rank !== undefined && record.rank >= ENDED_RANK) return 'deployment ended';
  if (plan.onceFor !== undefined && record?.warnedFor === plan.onceFor) return 'already warned';
  return undefined;
};

/** A warning or a reply, sent as its own message. */
const sendNotice = async (plan: NoticePlan, ports: NotifierPorts, inv: Invocation): Promise<void> => {
  const record = plan.deployId ? await ports.store.get(plan.deployId) : undefined;
  const skipped = skipNotice(plan, record);
  if (skipped) {
    inv.logger.info('notice not sent', { reason: skipped });
    ports.telemetry.count('NoticeSkipped');
    return;
  }
  const message = plan.render({ ...factsOf(record), ...defined(plan.facts) });
  const routes = candidateRoutes({
    replyTo: plan.replyTo,
    thread: undefined,
    purpose: 'new',
    now: ports.clock.now(),
    visibility: ports.visibility,
    ...(await ports.slack.capabilities()),
  });
  const delivery = await deliver(routes, message, { replaceOriginal: plan.replaceOriginal }, ports, inv);
  if (!delivery) throw new NoRouteError(plan.deployId ?? 'none');
  if (plan.deployId) {
    await ports.store.recordNotice(plan.deployId, { facts: defined(plan.facts), warnedFor: plan.onceFor });
  }
};

/** Carries out one event's plan. Throws on anything that should be retried or reach the DLQ. */
export const notify = (plan: Plan, ports: NotifierPorts, inv: Invocation): Promise<void> => {
  if (plan.kind === 'state') return showState(plan, ports, inv);
  if (plan.kind === 'logs') return sendLogs(plan, ports, inv);
  return sendNotice(plan, ports, inv);
};
