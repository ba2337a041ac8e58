import type { ConsumedEvent } from '@branch-envs/shared/consumer';
import {
  contractsConsumedBy,
  type DeployFailed,
  type LogsCollected,
  type ReplyTo,
} from '@branch-envs/shared/events';
import type { SlackMessage } from './blocks';
import {
  failedMessage,
  foundMessage,
  launchingMessage,
  readyMessage,
  terminatedMessage,
} from './messages/deployment';
import type { Clocked } from './messages/lifetime';
import { expiringMessage, extendedMessage, refusedMessage, warningOf } from './messages/notices';
import { queuedEndedMessage, queuedStartedMessage } from './messages/queue';
import { rejectedMessage } from './messages/rejections';
import { updatedMessage, updateFailedMessage, updateRefusedMessage } from './messages/updates';
import { type Facts, type MessageState, updateRank } from './states';

/** Every event the notifier consumes, as the contracts declare; the queue's rule lists the same detail types. */
export const NOTIFIER_CONTRACTS = contractsConsumedBy('notifier');

export type NotifierEvent = ConsumedEvent<typeof NOTIFIER_CONTRACTS>;

export type GithubState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export type GithubStep =
  | { kind: 'create'; ref: string; environment: string; description: string; deployId: string }
  /** An update in place: a new deployment of the new SHA, ready at once; the one it replaces turns inactive. */
  | {
      kind: 'redeploy';
      ref: string;
      environment: string;
      description: string;
      deployId: string;
      environmentUrl: string;
    }
  | {
      kind: 'status';
      state: GithubState;
      description: string;
      environmentUrl?: string;
      /** After an `inactive` status: delete this environment if no other deployment in it is active. */
      retireEnvironment?: string;
    };

/** A new state of the deployment's own message, edited in place and ordered by rank. */
export interface StatePlan {
  kind: 'state';
  deployId: string;
  state: MessageState;
  /** Set when the state's own rank does not order it: updates rank by their sequence. */
  rank?: number;
  replyTo: ReplyTo | undefined;
  /** What this event teaches about the deployment, remembered for later messages. */
  facts: Facts;
  render(known: Facts): SlackMessage;
  github?: GithubStep;
}

/** A separate message: an expiry warning, or the answer to an extend or terminate request. */
export interface NoticePlan {
  kind: 'notice';
  deployId: string | undefined;
  replyTo: ReplyTo;
  /** A reply to a request replaces that request's acknowledgement; a warning is a new message. */
  replaceOriginal: boolean;
  /** Say nothing when the deployment's message already shows it has ended. */
  skipIfEnded: boolean;
  /** Sent once per expiry time, however often the reaper or a replay sends the warning. */
  onceFor?: number;
  facts: Facts;
  render(known: Facts): SlackMessage;
}

/** The logs someone asked for (ADR 0030): in the deployment's thread, else to the person who asked. */
export interface LogsPlan {
  kind: 'logs';
  deployId: string;
  data: LogsCollected['data'];
}

export type Plan = StatePlan | NoticePlan | LogsPlan;

const description = (text: string): string => (text.length <= 140 ? text : `${text.slice(0, 139)}…`);

/** The branch's own boot went wrong ('failure'), or the launch never got that far ('error'). */
const BRANCH_FAILURES: ReadonlySet<DeployFailed['data']['reason']> = new Set([
  'boot_timeout',
  'instance_stopped',
  'boot_failed',
]);
const failureState = (reason: DeployFailed['data']['reason']): GithubState =>
  BRANCH_FAILURES.has(reason) ? 'failure' : 'error';

type EventOf<T extends NotifierEvent['detailType']> = Extract<NotifierEvent, { detailType: T }>;
type Planners = { [T in NotifierEvent['detailType']]: (event: EventOf<T>, view: Clocked) => Plan };

const state = (
  deployId: string,
  messageState: MessageState,
  replyTo: ReplyTo | undefined,
  rest: Pick<StatePlan, 'facts' | 'render' | 'github' | 'rank'>,
): StatePlan => ({ kind: 'state', deployId, state: messageState, replyTo, ...rest });

/** The answer to a request (terminate, extend, update): it replaces the request's acknowledgement. */
const answer = (d: { deployId?: string; replyTo: ReplyTo }, render: () => SlackMessage): NoticePlan => ({
  kind: 'notice',
  deployId: d.deployId,
  replyTo: d.replyTo,
  replaceOriginal: true,
  skipIfEnded: false,
  facts: {},
  render,
});

const planners: Planners = {
  BranchResolved: ({ detail: { data: d } }, view) =>
    state(d.deployId, 'found', d.replyTo, {
      facts: { branch: d.branch, prNumber: d.prNumber ?? undefined, prUrl: d.prUrl ?? undefined },
      render: () => foundMessage(d, view),
      github: {
        kind: 'create',
        ref: d.headSha,
        environment: `preview/${d.branch}`,
        description: description(`branch-envs preview of ${d.branch}`),
        deployId: d.deployId,
      },
    }),
  InstanceLaunched: ({ detail: { data: d } }, view) =>
    state(d.deployId, 'launching', d.replyTo, {
      facts: {
        branch: d.branch,
        instanceId: d.instanceId,
        instanceType: d.instanceType,
        expiresAt: d.expiresAt,
      },
      render: (known) => launchingMessage(d, known, view),
      github: { kind: 'status', state: 'in_progress', description: `Launching ${d.instanceId}` },
    }),
  InstanceReady: ({ detail: { data: d } }, view) =>
    state(d.deployId, 'ready', d.replyTo, {
      facts: {
        branch: d.branch,
        instanceId: d.instanceId,
        url: d.url,
        expiresAt: d.expiresAt,
        ...('cost' in d && d.cost ? { cost: d.cost } : {}),
      },
      render: (known) => readyMessage(d, known, view),
      github: {
        kind: 'status',
        state: 'success',
        description: 'Environment is ready',
        environmentUrl: d.url,
      },
    }),
  DeployFailed: ({ detail: { data: d } }) =>
    state(d.deployId, 'failed', d.replyTo, {
      facts: { branch: d.branch, instanceId: d.instanceId },
      render: (known) => failedMessage(d, known),
      github: { kind: 'status', state: failureState(d.reason), description: description(d.message) },
    }),
  DeployRejected: ({ detail: { data: d } }, view) =>
    state(d.deployId, 'rejected', d.replyTo, {
      facts: {},
      render: () => rejectedMessage(d, view.now),
      // Only a quota rejection follows BranchResolved, so only it finds a GitHub deployment to close.
      github: { kind: 'status', state: 'error', description: `Not launched: ${d.reason.code}` },
    }),
  InstanceTerminated: ({ detail: { data: d } }) =>
    state(d.deployId, 'terminated', d.replyTo, {
      facts: { branch: d.branch ?? undefined },
      render: (known) => terminatedMessage(d, known),
      github: {
        kind: 'status',
        state: 'inactive',
        description: `Terminated: ${d.reason}`,
        ...(d.branch ? { retireEnvironment: `preview/${d.branch}` } : {}),
      },
    }),
  InstanceUpdated: ({ detail: { data: d } }, view) =>
    state(d.deployId, 'updated', d.replyTo, {
      rank: updateRank(d.sequence),
      facts: { branch: d.branch, instanceId: d.instanceId, url: d.url },
      render: (known) => updatedMessage(d, known, view),
      github: {
        kind: 'redeploy',
        ref: d.headSha,
        environment: `preview/${d.branch}`,
        description: description(`Updated to ${d.headSha.slice(0, 7)}`),
        deployId: d.deployId,
        environmentUrl: d.url,
      },
    }),
  UpdateFailed: ({ detail: { data: d } }, view) =>
    state(d.deployId, 'update_failed', d.replyTo, {
      rank: updateRank(d.sequence),
      facts: { branch: d.branch, instanceId: d.instanceId },
      render: (known) => updateFailedMessage(d, known, view),
      github: {
        kind: 'status',
        state: d.oldBuildRunning ? 'success' : 'failure',
        description: description(`Update to ${d.headSha.slice(0, 7)} failed: ${d.reason}`),
      },
    }),
  InstanceExpiring: ({ detail: { data: d } }, view) => {
    const warning = warningOf(d);
    return {
      kind: 'notice',
      deployId: d.deployId,
      replyTo: d.replyTo,
      replaceOriginal: false,
      skipIfEnded: true,
      onceFor: warning.endsAt,
      facts: { expiresAt: d.expiresAt },
      render: () => expiringMessage(warning, view),
    };
  },
  ExpiryExtended: ({ detail: { data: d } }, view) => ({
    kind: 'notice',
    deployId: d.deployId,
    replyTo: d.replyTo,
    replaceOriginal: true,
    skipIfEnded: true,
    facts: { expiresAt: d.expiresAt, keepOvernight: d.keepOvernight },
    render: (known) => extendedMessage(d, known, view),
  }),
  // A new message (it must notify), once per entry: the eventId is derived from it (ADR 0031).
  QueuedDeployStarted: ({ detail: { data: d } }) => ({
    kind: 'notice',
    deployId: d.deployId,
    replyTo: d.replyTo,
    replaceOriginal: false,
    skipIfEnded: false,
    facts: {},
    render: () => queuedStartedMessage(d),
  }),
  QueuedDeployEnded: ({ detail: { data: d } }, view) => ({
    kind: 'notice',
    deployId: undefined,
    replyTo: d.replyTo,
    replaceOriginal: false,
    skipIfEnded: false,
    facts: {},
    render: () => queuedEndedMessage(d, view),
  }),
  RequestRefused: ({ detail: { data: d } }) => answer(d, () => refusedMessage(d)),
  UpdateRefused: ({ detail: { data: d } }) => answer(d, () => updateRefusedMessage(d)),
  LogsCollected: ({ detail: { data: d } }) => ({ kind: 'logs', deployId: d.deployId, data: d }),
};

/** What one event means for Slack and GitHub; no I/O, so it is tested with fixtures alone. */
export const planFor = (event: NotifierEvent, view: Clocked): Plan =>
  // TypeScript cannot tie the record's key to the event's type; `Planners` checks each entry instead.
  (planners[event.detailType] as (e: NotifierEvent, v: Clocked) => Plan)(event, view);
