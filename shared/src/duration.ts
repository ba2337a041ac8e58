/**
 * Durations in seconds, parsed from what people type and formatted the same way, so that every
 * Slack message writes `1h 30m` and a user can type back what they read.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

const ONE_UNIT = /^(\d{1,5})([mhd])$/;
const COMPOUND = /^(\d+[smhd])+$/;

/**
 * A duration as users type it in Slack: a whole number and one unit, `30m`, `2h` or `1d`. One unit
 * only, so that `for 1h30m` is refused with a clear message rather than half-read. Zero is not one.
 */
export const parseDuration = (text: string): number | undefined => {
  const match = ONE_UNIT.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? 0);
  return seconds > 0 ? seconds : undefined;
};

/**
 * A configured duration (`WARN_BEFORE`, `MAX_LIFETIME`, ...): one or more units, `30m`, `4h`, `2d`,
 * `1h30m` or `90s`. Every value {@link parseDuration} accepts is accepted here too.
 */
export const parseCompoundDuration = (text: string): number | undefined => {
  const trimmed = text.trim().toLowerCase();
  if (!COMPOUND.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smhd])/g)) {
    seconds += Number(amount) * (UNIT_SECONDS[unit ?? ''] ?? 0);
  }
  return seconds > 0 ? seconds : undefined;
};

/**
 * The one way Slack shows a duration: the units users type, largest first, whole minutes: `2d`,
 * `4h`, `1h 30m`, `1d 1h 1m`. Under a minute is `0m`. `round: 'up'` is for countdowns ("in 15m",
 * "try again in 1m"), which must not promise a moment that is still in the future.
 */
export const formatDuration = (
  seconds: number,
  { round = 'down' }: { round?: 'down' | 'up' } = {},
): string => {
  const exact = Math.max(0, seconds) / 60;
  const total = round === 'up' ? Math.ceil(exact) : Math.floor(exact);
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  const parts = [days ? `${days}d` : '', hours ? `${hours}h` : '', minutes ? `${minutes}m` : ''].filter(
    Boolean,
  );
  return parts.length > 0 ? parts.join(' ') : '0m';
};

/** A requested lifetime capped at the maximum; `capped` tells the reply to say so. */
export const capDuration = (seconds: number, maxSeconds: number): { seconds: number; capped: boolean } =>
  seconds > maxSeconds ? { seconds: maxSeconds, capped: true } : { seconds, capped: false };
