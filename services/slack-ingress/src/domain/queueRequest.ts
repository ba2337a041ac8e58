import { placeOf, type QueueEntry, waitingOf } from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { MAX_BLOCKS, notice, type SlackMessage, section } from './blocks';
import { queueReplies } from './messages/queueReplies';
import type { Outcome, RequestContext } from './ports';
import { replyToOf } from './requestRecord';

const DEFAULT_MAX_WAIT_SECONDS = 3600;

const answered = (text: string): Outcome => ({ kind: 'answered', message: notice(text) });

/** Only the owner's own request, refused by the provisioner over a quota, can be queued. */
const refusalOf = (item: DeploymentItem | undefined, deployId: string, ctx: RequestContext) => {
  if (!item || item.kind !== 'deployment') return queueReplies.unknownRequest(deployId);
  if (item.ownerId !== ctx.actor.userId) return queueReplies.notYours;
  const last = item.history.at(-1);
  if (item.status !== 'REJECTED' || last?.note !== 'quota_exceeded')
    return queueReplies.notQuotaRefusal(deployId);
  return undefined;
};

/** What the refused request asked for besides its query: the queued deploy asks for the same (ADR 0031). */
const askedFor = (item: DeploymentRecord): Pick<QueueEntry, 'fresh' | 'capacity' | 'follow'> => ({
  ...(item.fresh ? { fresh: true } : {}),
  ...(item.capacity === 'spot' || item.capacity === 'on-demand' ? { capacity: item.capacity } : {}),
  ...(item.follow === false ? { follow: false } : {}),
});

type Enqueued =
  | { kind: 'queued' | 'already'; entry: QueueEntry; place: number }
  | { kind: 'started'; entry: QueueEntry }
  | { kind: 'ended'; entry: QueueEntry };

/**
 * [Queue me] on a quota refusal (ADR 0025): the refused request joins the queue, keyed by its
 * deployId so a second press (or a Slack retry) finds the entry instead of adding one. The reply
 * gives the place in fair order; the reaper starts it when a slot frees.
 */
export const requestQueue = async (deployId: string, ctx: RequestContext): Promise<Outcome> => {
  const { queue } = ctx.ports;
  if (!queue) return answered(queueReplies.queueOff);
  const item = await ctx.ports.deployments.get(deployId);
  const refusal = refusalOf(item, deployId, ctx);
  if (refusal || item?.kind !== 'deployment') return { kind: 'refused', message: notice(refusal ?? '') };
  const now = ctx.ports.now();
  const entry: QueueEntry = {
    entryId: deployId,
    query: item.query,
    ttlSeconds: item.ttlSeconds,
    ...askedFor(item),
    owner: item.owner,
    replyTo: replyToOf(ctx),
    enqueuedAt: now.toISOString(),
    expiresAt:
      Math.floor(now.getTime() / 1000) + (ctx.settings.queueMaxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS),
    state: 'waiting',
  };
  const { result } = await queue.update<Enqueued>(({ entries }) => {
    const existing = entries.find((e) => e.entryId === deployId);
    if (existing?.state === 'started') return { result: { kind: 'started', entry: existing } };
    if (existing?.state === 'ended') return { result: { kind: 'ended', entry: existing } };
    if (existing)
      return { result: { kind: 'already', entry: existing, place: placeOf(entries, deployId) ?? 1 } };
    const next = [...entries, entry];
    return { entries: next, result: { kind: 'queued', entry, place: placeOf(next, deployId) ?? 1 } };
  });
  const view = { now, nightly: ctx.settings.nightly };
  if (result.kind === 'started') return answered(queueReplies.alreadyStarted(result.entry));
  if (result.kind === 'ended') return answered(queueReplies.alreadyEnded(result.entry));
  if (result.kind === 'already')
    return answered(queueReplies.alreadyQueued(result.entry, result.place, view));
  return answered(queueReplies.queued(result.entry, result.place, view, ctx.settings.deployCommand));
};

/** The waiting entries in fair order, for `/deploy list`; `mine` keeps the user's own. */
export const queuedFor = async (scope: 'mine' | 'all', ctx: RequestContext) => {
  const entries = (await readForDisplay(ctx))?.entries ?? [];
  return waitingOf(entries)
    .map((entry) => ({ entry, place: placeOf(entries, entry.entryId) ?? 0 }))
    .filter(({ entry }) => scope === 'all' || entry.owner.userId === ctx.actor.userId)
    .sort((a, b) => a.place - b.place);
};

/** `/deploy status <id>` of a refused request that waits in the queue: its place, under the record. */
export const withQueuePlace = async (
  shown: SlackMessage,
  deployId: string,
  ctx: RequestContext,
): Promise<SlackMessage> => {
  const entries = (await readForDisplay(ctx))?.entries ?? [];
  const entry = entries.find((e) => e.entryId === deployId);
  if (!entry || entry.state === 'ended') return shown;
  const line =
    entry.state === 'started'
      ? queueReplies.alreadyStarted(entry)
      : queueReplies.alreadyQueued(entry, placeOf(entries, deployId) ?? 1, {
          now: ctx.ports.now(),
          nightly: ctx.settings.nightly,
        });
  return { text: shown.text, blocks: [...shown.blocks.slice(0, MAX_BLOCKS - 1), section(line)] };
};

/**
 * The queue for a list or a status: secondary to what was asked, so a queue that cannot be read
 * leaves it out rather than turning the whole answer into "something went wrong".
 */
const readForDisplay = async (ctx: RequestContext) => {
  try {
    return await ctx.ports.queue?.read();
  } catch {
    return undefined;
  }
};
