/**
 * Durations as users type them: a whole number and one unit, `30m`, `2h` or `1d`. One unit only, so
 * that `for 1h30m` is refused with a clear message rather than half-read.
 */
const DURATION = /^(\d{1,5})([mhd])$/i;
const UNIT_SECONDS = { m: 60, h: 3600, d: 86_400 } as const;

export const parseDuration = (text: string): number | undefined => {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase() as keyof typeof UNIT_SECONDS;
  const seconds = amount * UNIT_SECONDS[unit];
  return seconds > 0 ? seconds : undefined;
};

/** The shortest exact rendering: `2d`, `4h`, `90m` stays `1h 30m`, `0m` for anything under a minute. */
export const formatDuration = (seconds: number): string => {
  const total = Math.max(0, Math.floor(seconds / 60));
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
