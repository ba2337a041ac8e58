import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  type DescribeReplayCommandOutput,
  type EventBridgeClient,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import type { StageNames } from './names';
import { replayedFraction, type TimeWindow } from './timeWindow';

export interface ReplayOutcome {
  replayName: string;
  state: string;
  reason?: string;
  startedAt?: string;
  endedAt?: string;
}

export interface ReplayOptions {
  onProgress?(fraction: number, state: string): void;
  pollMs?: number;
  sleep?(ms: number): Promise<void>;
}

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Replay names allow [.-_A-Za-z0-9] and 64 characters; the time keeps two runs apart. */
export const replayNameFor = (purpose: 'ops' | 'ops-count', stage: string, now: Date): string =>
  `${purpose}-${stage}-${now.toISOString().replace(/[-:]/g, '').replace('.', '-')}`.slice(0, 64);

export const archiveOf = async (eventBridge: EventBridgeClient, names: StageNames) => {
  const archive = await eventBridge.send(new DescribeArchiveCommand({ ArchiveName: names.archive }));
  if (!archive.ArchiveArn || !archive.EventSourceArn)
    throw new Error(`archive ${names.archive} has no ARN or source bus`);
  return { arn: archive.ArchiveArn, busArn: archive.EventSourceArn, eventCount: archive.EventCount ?? 0 };
};

const outcomeOf = (replayName: string, replay: DescribeReplayCommandOutput): ReplayOutcome => ({
  replayName,
  state: replay.State ?? 'UNKNOWN',
  ...(replay.StateReason ? { reason: replay.StateReason } : {}),
  ...(replay.ReplayStartTime ? { startedAt: replay.ReplayStartTime.toISOString() } : {}),
  ...(replay.ReplayEndTime ? { endedAt: replay.ReplayEndTime.toISOString() } : {}),
});

/** Polls DescribeReplay until the replay has completed, failed or been cancelled. */
export const waitForReplay = async (
  eventBridge: EventBridgeClient,
  replayName: string,
  window: TimeWindow,
  options: ReplayOptions = {},
): Promise<ReplayOutcome> => {
  const sleep = options.sleep ?? defaultSleep;
  for (;;) {
    const replay = await eventBridge.send(new DescribeReplayCommand({ ReplayName: replayName }));
    const outcome = outcomeOf(replayName, replay);
    const fraction =
      outcome.state === 'COMPLETED' ? 1 : replayedFraction(window, replay.EventLastReplayedTime);
    options.onProgress?.(fraction, outcome.state);
    if (FINAL.has(outcome.state)) return outcome;
    await sleep(options.pollMs ?? 2000);
  }
};

/**
 * Replays the window of the stage's archive onto its bus, to every rule (or only `filterArns`), and
 * follows it to the end. EventBridge replays by the events' own time, a minute at a time.
 */
export const startReplay = async (
  eventBridge: EventBridgeClient,
  names: StageNames,
  window: TimeWindow,
  replayName: string,
  filterArns?: string[],
): Promise<void> => {
  const archive = await archiveOf(eventBridge, names);
  await eventBridge.send(
    new StartReplayCommand({
      ReplayName: replayName,
      Description: `branch-envs ops replay ${window.from.toISOString()} .. ${window.to.toISOString()}`,
      EventSourceArn: archive.arn,
      EventStartTime: window.from,
      EventEndTime: window.to,
      Destination: { Arn: archive.busArn, ...(filterArns ? { FilterArns: filterArns } : {}) },
    }),
  );
};
