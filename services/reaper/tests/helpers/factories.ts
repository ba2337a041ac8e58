import type { QueueEntry } from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { EventMetadata } from '@branch-envs/shared/envelope';
import type { Owner, ReplyTo } from '@branch-envs/shared/events/common';
import { ExtendRequested } from '@branch-envs/shared/events/ExtendRequested';
import { TerminateRequested } from '@branch-envs/shared/events/TerminateRequested';
import { newId } from '@branch-envs/shared/ids';
import type { ReaperPolicy } from '../../src/domain/ports';

export const OWNER: Owner = { userId: 'U0OWNER01', teamId: 'T0001ABCD', userName: 'maija' };
export const OTHER: Owner = { userId: 'U0OTHER01', teamId: 'T0001ABCD', userName: 'pekka' };
export const ADMIN: Owner = { userId: 'U0ADMIN01', teamId: 'T0001ABCD', userName: 'admin' };

export const replyToFor = (owner: Owner, at: Date = new Date()): ReplyTo => ({
  userId: owner.userId,
  channelId: 'C0123ABCD',
  responseUrl: 'https://hooks.slack.com/commands/T0001ABCD/1234567890/abcDEFghiJKL',
  issuedAt: at.toISOString(),
});

export const epoch = (at: Date): number => Math.floor(at.getTime() / 1000);

/** The policy tests start from: Helsinki nightly at 19:00, 30 min warnings, 2 day lifetime. */
export const testPolicy = (overrides: Partial<ReaperPolicy> = {}): ReaperPolicy => ({
  adminUsers: new Set([ADMIN.userId]),
  warnBeforeSeconds: 30 * 60,
  maxLifetimeSeconds: 2 * 86_400,
  nightly: { hour: 19, minute: 0, timeZone: 'Europe/Helsinki' },
  nightlyMaxLatenessSeconds: 2 * 3600,
  terminatingGraceSeconds: 10 * 60,
  reconcileGraceSeconds: 10 * 60,
  maxRequestAgeSeconds: 900,
  staleRequestGraceSeconds: 120,
  terminateOnPrClose: true,
  ...overrides,
});

/** A READY deployment owned by OWNER that expires in an hour, unless told otherwise. */
export const recordFor = (
  overrides: Partial<DeploymentRecord> = {},
  now: Date = new Date(),
): DeploymentRecord => {
  const owner = overrides.owner ?? OWNER;
  const createdAt = new Date(now.getTime() - 3600_000);
  return {
    kind: 'deployment',
    deployId: newId(now.getTime() - Math.floor(Math.random() * 1000)),
    status: 'READY',
    query: 'login-page',
    branch: 'feature/ABC-123-login-page',
    owner,
    ownerId: owner.userId,
    channelId: 'C0123ABCD',
    replyTo: replyToFor(owner, createdAt),
    responseUrlUses: 0,
    createdAt: createdAt.toISOString(),
    ttlSeconds: 4 * 3600,
    expiresAt: epoch(now) + 3600,
    keepOvernight: false,
    history: [{ step: 'ready', at: createdAt.toISOString() }],
    version: 0,
    ...overrides,
  };
};

const metadataFor = (correlationId: string, at: Date): EventMetadata => {
  const eventId = newId(at.getTime());
  return {
    eventId,
    schemaVersion: 1,
    correlationId,
    causationId: eventId,
    occurredAt: at.toISOString(),
    producer: 'branch-envs.slack-ingress',
  };
};

export const terminateRequested = (
  target: TerminateRequested['data']['target'],
  requestedBy: Owner,
  at: Date = new Date(),
): TerminateRequested => {
  const requestId = newId(at.getTime());
  const correlationId = target.kind === 'deploy' ? target.deployId : requestId;
  return TerminateRequested.detail.parse({
    metadata: metadataFor(correlationId, at),
    data: { requestId, target, requestedBy, replyTo: replyToFor(requestedBy, at) },
  });
};

export const extendRequested = (
  target: ExtendRequested['data']['target'],
  extension: ExtendRequested['data']['extension'],
  requestedBy: Owner,
  at: Date = new Date(),
): ExtendRequested => {
  const requestId = newId(at.getTime());
  const correlationId = target.kind === 'deploy' ? target.deployId : requestId;
  return ExtendRequested.detail.parse({
    metadata: metadataFor(correlationId, at),
    data: { requestId, target, extension, requestedBy, replyTo: replyToFor(requestedBy, at) },
  });
};

/** A waiting queue entry (ADR 0025) of `owner`, enqueued `minutesAgo`, waiting an hour from now. */
export const queueEntryFor = (
  owner: Owner,
  minutesAgo: number,
  overrides: Partial<QueueEntry> = {},
): QueueEntry => {
  const at = new Date(Date.now() - minutesAgo * 60_000);
  return {
    entryId: newId(at.getTime()),
    query: 'login-page',
    ttlSeconds: 3600,
    owner,
    replyTo: replyToFor(owner, at),
    enqueuedAt: at.toISOString(),
    expiresAt: epoch(new Date()) + 3600,
    state: 'waiting',
    ...overrides,
  };
};
