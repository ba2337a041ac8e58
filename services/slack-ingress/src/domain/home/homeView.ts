import type { QueueEntry } from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { Clocked } from '@branch-envs/shared/slack';
import type { Role } from '../authorization';
import { context, header, section } from '../blocks';
import { costOf, stageTotalOf } from '../messages/costViews';
import { linkTo, subjectOf, timeLeft } from '../messages/deploymentViews';
import {
  deployBranchActions,
  type HomeBlock,
  type HomeView,
  lifetimeActions,
  MAX_HOME_BLOCKS,
  terminateButton,
  withAccessory,
} from './homeBlocks';
import { myQueueBlocks, stageQueueBlocks } from './homeQueue';

/**
 * The Home tab (ADR 0023): the viewer's environments with [Extend] [Keep overnight] [Terminate], every
 * live environment of the stage with its owner and end, and for admins [Terminate] on any and the
 * quota use, and the queue (ADR 0031). Each list is bounded (mine 10 × 2 blocks, queued 3, team 40,
 * quota 2, stage queue 1) so the view stays far below
 * Slack's 100 blocks; what does not fit is counted and pointed at `/deploy list`.
 */

export interface Quotas {
  perUser: number;
  total: number;
}

export interface HomeInput {
  viewer: { userId: string; role: Role };
  /** The app's DM with the viewer (from `app_home_opened`), for replies to presses. */
  channelId: string | undefined;
  /** Every live record of the stage, in any order. */
  live: readonly DeploymentRecord[];
  quotas: Quotas;
  deployCommand: string;
  clock: Clocked;
  /** The deploy queue's entries (ADR 0031); undefined when the queue is off or unreadable. */
  queue?: readonly QueueEntry[];
}

const MAX_MINE = 10;
const MAX_TEAM = 40;
const MAX_QUOTA_USERS = 20;

const bySoonestEnd = (a: DeploymentRecord, b: DeploymentRecord): number =>
  a.expiresAt - b.expiresAt || a.deployId.localeCompare(b.deployId);

const more = (hidden: number, command: string): HomeBlock[] =>
  hidden > 0 ? [context(`…and ${hidden} more: \`${command}\` lists them all.`)] : [];

/** ` · ≈ $0.016/h Spot · $0.04 so far` (ADR 0027), or nothing for a record without a recorded rate. */
const priceOf = (record: DeploymentRecord, clock: Clocked): string => {
  const cost = costOf(record, clock.now);
  return cost ? ` · ${cost}` : '';
};

/** Kept overnight on Spot (ADR 0028): it stays on Spot, and the owner should know what that means. */
const spotOvernight = (record: DeploymentRecord): string =>
  record.keepOvernight && record.cost?.market === 'spot'
    ? '\nKept overnight on Spot capacity: AWS may reclaim it before then.'
    : '';

const mineLine = (record: DeploymentRecord, clock: Clocked): string =>
  `${subjectOf(record)} · ${record.status}\n${linkTo(record.url)}\n${timeLeft(record, clock)}${priceOf(record, clock)}${spotOvernight(record)}`;

const mySection = (mine: readonly DeploymentRecord[], input: HomeInput): HomeBlock[] => {
  const title = header(`Your environments (${mine.length})`);
  if (mine.length === 0) return [title, section('You have no live environments.')];
  const shown = mine.slice(0, MAX_MINE);
  return [
    title,
    ...shown.flatMap((r) => [
      section(mineLine(r, input.clock)),
      lifetimeActions(r.deployId, { logs: r.instanceId !== undefined }),
    ]),
    ...more(mine.length - shown.length, `${input.deployCommand} list mine`),
  ];
};

const teamLine = (record: DeploymentRecord, clock: Clocked): string =>
  `${subjectOf(record)} · ${record.status} · <@${record.owner.userId}> · ${linkTo(record.url)}\n${timeLeft(record, clock)}${priceOf(record, clock)}`;

const teamSection = (live: readonly DeploymentRecord[], input: HomeInput): HomeBlock[] => {
  const title = header(`Team environments (${live.length})`);
  if (live.length === 0) return [title, section('No environment is running in this stage.')];
  const shown = live.slice(0, MAX_TEAM);
  const admin = input.viewer.role === 'admin';
  return [
    title,
    ...shown.map((r) => {
      const block = section(teamLine(r, input.clock));
      return admin ? withAccessory(block, terminateButton(r.deployId)) : block;
    }),
    ...more(live.length - shown.length, `${input.deployCommand} list`),
  ];
};

/** Admins only: live environments against the stage's and each user's quota, and what they cost. */
const quotaSection = (live: readonly DeploymentRecord[], quotas: Quotas, clock: Clocked): HomeBlock[] => {
  const perUser = new Map<string, number>();
  for (const r of live) perUser.set(r.owner.userId, (perUser.get(r.owner.userId) ?? 0) + 1);
  const users = [...perUser.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const lines = users.slice(0, MAX_QUOTA_USERS).map(([user, n]) => `<@${user}>: ${n} of ${quotas.perUser}`);
  const hidden = users.length - Math.min(users.length, MAX_QUOTA_USERS);
  const rest = hidden > 0 ? [`…and ${hidden} more users`] : [];
  const total = stageTotalOf(live, clock.now);
  const cost = total ? [`*Stage total:* ${total}`] : [];
  return [
    header('Quota use'),
    section(
      [`*Stage:* ${live.length} of ${quotas.total} live environments`, ...cost, ...lines, ...rest].join('\n'),
    ),
  ];
};

const intro = (input: HomeInput): HomeBlock[] => [
  header('branch-envs'),
  section(
    `Start a throwaway environment for a branch, or type \`${input.deployCommand} help\`. ` +
      'Environments end by themselves at the time shown.',
  ),
  deployBranchActions(),
  { type: 'divider' },
];

/** The view `views.publish` sends for the viewer. */
export const homeView = (input: HomeInput): HomeView => {
  const live = [...input.live].sort(bySoonestEnd);
  const mine = live.filter((r) => r.owner.userId === input.viewer.userId);
  const blocks = [
    ...intro(input),
    ...mySection(mine, input),
    ...myQueueBlocks(input),
    { type: 'divider' } as const,
    ...teamSection(live, input),
    ...(input.viewer.role === 'admin' ? quotaSection(live, input.quotas, input.clock) : []),
    ...stageQueueBlocks(input),
  ];
  return {
    type: 'home',
    callback_id: 'branch_envs_home',
    private_metadata: input.channelId ?? '',
    blocks: blocks.slice(0, MAX_HOME_BLOCKS),
  };
};

/** For a user on no allow-list: what the tab says instead, with nothing about anyone's environments. */
export const notAllowedView = (): HomeView => ({
  type: 'home',
  callback_id: 'branch_envs_home',
  private_metadata: '',
  blocks: [
    header('branch-envs'),
    section('You are not on the list of branch-envs users. Ask an admin of this workspace to add you.'),
  ],
});
