import type { EnvironmentCost } from '@branch-envs/shared/pricing/cost';
/**
 * The states a deployment's message moves through, ranked. A message only ever moves to a higher
 * rank, so a late or replayed "launching" never overwrites "ready" (docs/architecture.md §4). Gaps leave room for
 * states added later without renumbering what is stored.
 *
 * "⏳ resolving" is rank 0: slack-ingress shows it in its acknowledgement, before any event reaches us.
 */
export const STATE_RANK = {
  resolving: 0,
  found: 10,
  launching: 20,
  ready: 30,
  /** Nominal: update n is ranked {@link updateRank}(n), between ready and the next state. */
  updated: 30,
  update_failed: 30,
  failed: 80,
  rejected: 85,
  terminated: 100,
} as const;

export type MessageState = keyof typeof STATE_RANK;

/** At or past this rank the environment is gone: no expiry warning or extension reply makes sense. */
export const ENDED_RANK = STATE_RANK.rejected;

/**
 * Update n of an environment ranks above ready and every earlier update, and below every state
 * after ready: n / (n + 1) stays under 1 however many updates there are.
 */
export const updateRank = (sequence: number): number => STATE_RANK.ready + sequence / (sequence + 1);

/** Whether a message showing `currentRank` may be replaced by `state`. */
export const advances = (currentRank: number | undefined, state: MessageState): boolean =>
  currentRank === undefined || STATE_RANK[state] > currentRank;

/**
 * What the notifier remembers about a deployment from earlier events, so later messages can still
 * show it (the PR link on "launching", the URL when an extension re-renders the ready message).
 */
export interface Facts {
  branch?: string;
  prNumber?: number;
  prUrl?: string;
  instanceId?: string;
  instanceType?: string;
  url?: string;
  expiresAt?: number;
  /** Set by an extend `overnight`; the reaper clears it after the night, so later events restate it. */
  keepOvernight?: boolean;
  /** From InstanceReady v2: the rate recorded at launch, so a re-rendered ready message keeps its price. */
  cost?: EnvironmentCost;
}
