const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Parses a configured duration such as `30m`, `4h`, `2d` or `1h30m` into seconds; undefined when
 * the text is not one. Slack commands take one unit only (`30m`, `4h`, `2d`: ingress's parser); every
 * such value is valid here too, and configuration may also combine units.
 */
export const parseDuration = (text: string): number | undefined => {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+[smhd])+$/.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smhd])/g)) {
    seconds += Number(amount) * (UNIT_SECONDS[unit ?? ''] ?? 0);
  }
  return seconds > 0 ? seconds : undefined;
};
