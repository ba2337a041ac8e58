import { endedEventData, type QueueEntry } from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { DeployQuery } from '@branch-envs/shared/deployQuery';
import { DeployRequestedV3 } from '@branch-envs/shared/events/DeployRequested.v3';
import { QueuedDeployEnded } from '@branch-envs/shared/events/QueuedDeployEnded';
import { QueuedDeployStarted } from '@branch-envs/shared/events/QueuedDeployStarted';
import type { OutgoingEventOf } from '@branch-envs/shared/publish';

/**
 * What the deploy queue writes and publishes for an entry (ADR 0025, 0031). Every eventId is derived
 * from the entry (the cause), so a pass that is retried or finished by the next publishes the same ids.
 */

/** The started entry's DeployRequested (what `/deploy` publishes, with what the refused request asked), and the owner's notice. */
export const startEvents = (
  entry: QueueEntry,
  deployId: string,
  parsedQuery: DeployQuery,
  now: Date,
): OutgoingEventOf<'reaper'>[] => {
  const cause = { eventId: entry.entryId, correlationId: deployId };
  const { query, owner, replyTo } = entry;
  return [
    {
      contract: DeployRequestedV3,
      data: {
        deployId,
        query,
        parsedQuery,
        ttlSeconds: entry.ttlSeconds,
        ttlCapped: false,
        fresh: entry.fresh ?? false,
        ...(entry.capacity ? { capacity: entry.capacity } : {}),
        ...(entry.follow === false ? { follow: false } : {}),
        owner,
        replyTo,
      },
      cause,
    },
    {
      contract: QueuedDeployStarted,
      data: {
        entryId: entry.entryId,
        deployId,
        query,
        owner,
        replyTo,
        enqueuedAt: entry.enqueuedAt,
        startedAt: entry.startedAt ?? now.toISOString(),
      },
      cause,
    },
  ];
};

/** QueuedDeployEnded for each ended entry. */
export const endedEvents = (ended: readonly QueueEntry[]): OutgoingEventOf<'reaper'>[] =>
  ended.map((entry) => ({
    contract: QueuedDeployEnded,
    data: endedEventData(entry),
    cause: { eventId: entry.entryId, correlationId: entry.entryId },
  }));

/** The started entry's REQUESTED record, as ingress writes one for `/deploy`, with the same choices. */
export const queuedRecord = (entry: QueueEntry, deployId: string, now: Date): DeploymentRecord => ({
  kind: 'deployment',
  deployId,
  status: 'REQUESTED',
  query: entry.query,
  ...(entry.capacity ? { capacity: entry.capacity } : {}),
  owner: entry.owner,
  ownerId: entry.owner.userId,
  channelId: entry.replyTo.channelId,
  replyTo: entry.replyTo,
  responseUrlUses: 0,
  createdAt: now.toISOString(),
  ttlSeconds: entry.ttlSeconds,
  expiresAt: Math.floor(now.getTime() / 1000) + entry.ttlSeconds,
  keepOvernight: false,
  history: [{ step: 'requested', at: now.toISOString(), note: `from the queue (request ${entry.entryId})` }],
  version: 0,
  ...(entry.fresh ? { fresh: true } : {}),
  ...(entry.follow === false ? { follow: false } : {}),
});
