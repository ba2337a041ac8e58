import { OpsUsageError } from './target';

/** How long Powertools keeps an idempotency record on the platform's table (docs/architecture.md §4). */
export const IDEMPOTENCY_EXPIRY_SECONDS = 7 * 24 * 3600;

export interface TimeWindow {
  from: Date;
  to: Date;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const RELATIVE = /^(\d+)\s*([smhdw])(?:\s+ago)?$/;
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A point in time as an operator types it: `now`, a duration ago (`90m`, `2h ago`, `3d`), or an ISO
 * 8601 time. A time without a zone is read as UTC, so the same command means the same window on every
 * machine.
 */
export const parseTime = (value: string, now: Date): Date => {
  const text = value.trim();
  if (text === 'now') return now;
  const relative = RELATIVE.exec(text);
  if (relative?.[1] && relative[2]) {
    const seconds = Number(relative[1]) * (UNIT_SECONDS[relative[2]] ?? 0);
    return new Date(now.getTime() - seconds * 1000);
  }
  if (ISO.test(text)) {
    const iso = text.replace(' ', 'T');
    const zoned = !iso.includes('T') || /(?:Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`;
    const parsed = new Date(zoned);
    if (!Number.isNaN(parsed.getTime())) return parsed;
  }
  throw new OpsUsageError(
    `"${value}" is not a time: use now, a duration ago (30m, 2h, 3d) or ISO 8601 (2026-12-01T09:00Z)`,
  );
};

/** `--from` and `--to` as a window EventBridge accepts: start before end, nothing in the future. */
export const parseWindow = (from: string, to: string | undefined, now: Date): TimeWindow => {
  const window = { from: parseTime(from, now), to: to === undefined ? now : parseTime(to, now) };
  if (window.from.getTime() >= window.to.getTime())
    throw new OpsUsageError(
      `--from (${window.from.toISOString()}) must be before --to (${window.to.toISOString()})`,
    );
  if (window.to.getTime() > now.getTime())
    throw new OpsUsageError(
      `--to (${window.to.toISOString()}) is in the future; the archive holds only the past`,
    );
  return window;
};

/**
 * A replay of events older than the idempotency records lets consumers run those events' handlers
 * again; what then keeps the effects single is the state machine (docs/architecture.md §4).
 */
export const idempotencyWarning = (window: TimeWindow, now: Date): string | undefined => {
  const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_EXPIRY_SECONDS * 1000);
  if (window.from.getTime() >= expiredBefore.getTime()) return undefined;
  return (
    `the window starts before ${expiredBefore.toISOString()}, older than the idempotency records (7 days): ` +
    'events from then are handled again, not dropped as copies. What guards them is the state machine: ' +
    'a terminated deployment has no successor, the RESOLVED → LAUNCHING claim has one winner, a ' +
    'DeployRequested older than 15 minutes is answered expired_request, and the notifier never moves a ' +
    'message backwards.'
  );
};

/** The part of the window a replay has covered, from DescribeReplay's EventLastReplayedTime. */
export const replayedFraction = (window: TimeWindow, lastReplayed: Date | undefined): number => {
  if (!lastReplayed) return 0;
  const span = window.to.getTime() - window.from.getTime();
  const done = lastReplayed.getTime() - window.from.getTime();
  return Math.min(1, Math.max(0, done / span));
};
